// Decoding Binance WebSocket frames (the hot path) with simdjson.
//
// Accepts combined-stream frames {"stream":..,"data":{..}} and raw events {"e":..}. Events other
// than depthUpdate and aggTrade (bookTicker, kline, ...) decode as `other`; anything malformed
// decodes as `bad` and never throws.
#pragma once

#include "depth_sync.hpp"

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace astra::binance {

struct AggTrade {
  uint64_t id = 0;  // a: the aggregate trade id
  astra_trade trade{};
};

struct Frame {
  enum class Kind { depth, agg_trade, ack, error_ack, other, bad };
  Kind kind = Kind::bad;
  std::string symbol;  // s: the venue symbol (depth, agg_trade)
  DepthDiff depth;
  AggTrade agg;
  int64_t id = 0;        // ack / error_ack: the request id
  std::string error;     // error_ack: the venue's message; bad: why
  std::string trade_id;  // agg_trade: `a` as text (agg.trade.trade_id points here)
};

class FrameDecoder {
 public:
  // Decodes `text` into `out` (reusing its buffers). Never throws.
  Frame::Kind decode(std::string_view text, Frame& out) noexcept;

 private:
  simdjson::dom::parser parser_;
  std::string scratch_;  // the frame plus simdjson's padding
};

}  // namespace astra::binance
