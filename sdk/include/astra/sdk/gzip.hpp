// Decompression of venue frames with zlib: gzip (HTX sends every market frame gzipped), zlib and
// raw deflate (OKX may send deflate). Output is capped so that a small hostile frame cannot expand
// into gigabytes (a decompression bomb); corrupt, truncated or over-long input is an error value.
#pragma once

#include <zlib.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace astra::sdk {

enum class Compression {
  gzip,  // RFC 1952
  zlib,  // RFC 1950
  raw,   // RFC 1951 deflate, no header
  auto_gzip_or_zlib
};

enum class InflateError {
  none,
  corrupt,    // not a valid stream of that format, or a bad checksum
  truncated,  // the stream ended early
  too_large,  // the output would exceed the cap
  trailing,   // bytes follow the end of the stream
  no_memory
};

inline const char* to_string(InflateError e) noexcept {
  switch (e) {
    case InflateError::none:
      return "ok";
    case InflateError::corrupt:
      return "corrupt compressed data";
    case InflateError::truncated:
      return "truncated compressed data";
    case InflateError::too_large:
      return "decompressed size exceeds the limit";
    case InflateError::trailing:
      return "data after the end of the compressed stream";
    case InflateError::no_memory:
      return "out of memory";
  }
  return "unknown";
}

// 16 MiB: far above any venue frame, far below what would hurt the host.
inline constexpr size_t kDefaultInflateLimit = size_t{16} << 20;

// Reusable decompressor: keeps zlib's state (about 40 KB) between frames, so the hot path does
// not allocate it again for every frame. Not thread-safe (one per connector instance).
class Inflater {
 public:
  explicit Inflater(Compression format = Compression::gzip) : format_(format) {}
  ~Inflater() {
    if (initialized_) inflateEnd(&stream_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Replaces out with the decompressed input. On error out holds what was produced so far (at most
  // max_output bytes). One stream per call: a second gzip member counts as trailing data.
  InflateError inflate(std::string_view input, std::string& out,
                       size_t max_output = kDefaultInflateLimit) {
    out.clear();
    if (!reset()) return InflateError::no_memory;
    // Inputs beyond 4 GiB are refused rather than fed in pieces: no venue frame is that big.
    if (input.size() > 0xffffffffu) return InflateError::too_large;
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    stream_.avail_in = static_cast<uInt>(input.size());
    size_t produced = 0;
    for (;;) {
      // Grow the buffer geometrically, but never past the cap (plus one byte to detect excess).
      if (produced == out.size()) {
        size_t grow = out.empty() ? (input.size() * 4 + 256) : out.size();
        size_t target = out.size() + grow;
        if (target > max_output + 1) target = max_output + 1;
        if (target <= out.size()) return InflateError::too_large;
        out.resize(target);
      }
      const size_t room = out.size() - produced;
      const uInt chunk = room > 0x40000000u ? 0x40000000u : static_cast<uInt>(room);
      stream_.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
      stream_.avail_out = chunk;
      const int rc = ::inflate(&stream_, Z_NO_FLUSH);
      produced += chunk - stream_.avail_out;
      if (produced > max_output) {
        out.resize(max_output);
        return InflateError::too_large;
      }
      if (rc == Z_STREAM_END) {
        out.resize(produced);
        return stream_.avail_in == 0 ? InflateError::none : InflateError::trailing;
      }
      if (rc == Z_MEM_ERROR) return InflateError::no_memory;
      if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_STREAM_ERROR) {
        out.resize(produced);
        return InflateError::corrupt;
      }
      // Z_OK or Z_BUF_ERROR with output room left: zlib stopped for want of input, so the stream
      // ended early. (With the output full, loop to grow it.)
      if (stream_.avail_out != 0) {
        out.resize(produced);
        return InflateError::truncated;
      }
    }
  }

 private:
  bool reset() {
    if (initialized_) return inflateReset(&stream_) == Z_OK;
    stream_ = z_stream{};
    int bits = 15;
    switch (format_) {
      case Compression::gzip:
        bits = 16 + 15;
        break;
      case Compression::zlib:
        bits = 15;
        break;
      case Compression::raw:
        bits = -15;
        break;
      case Compression::auto_gzip_or_zlib:
        bits = 32 + 15;
        break;
    }
    initialized_ = inflateInit2(&stream_, bits) == Z_OK;
    return initialized_;
  }

  Compression format_;
  z_stream stream_{};
  bool initialized_ = false;
};

// One-shot helpers (allocate zlib's state each call; prefer an Inflater on a hot path).
inline InflateError inflate(std::string_view input, Compression format, std::string& out,
                            size_t max_output = kDefaultInflateLimit) {
  Inflater inflater(format);
  return inflater.inflate(input, out, max_output);
}
inline InflateError gunzip(std::string_view input, std::string& out,
                           size_t max_output = kDefaultInflateLimit) {
  return inflate(input, Compression::gzip, out, max_output);
}

}  // namespace astra::sdk
