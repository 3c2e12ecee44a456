// gzip compression of outgoing frames: HTX sends every market WebSocket frame as gzip bytes.
#pragma once

#include <string>
#include <string_view>

namespace astra::sim::huobi {

// A reusable gzip compressor (one zlib stream, reset per frame). Not thread-safe.
class Gzip {
 public:
  Gzip();
  ~Gzip();
  Gzip(const Gzip&) = delete;
  Gzip& operator=(const Gzip&) = delete;
  // The gzip member holding `text`; empty only if zlib failed (never for sane input).
  std::string compress(std::string_view text);

 private:
  struct State;
  State* state_;
};

}  // namespace astra::sim::huobi
