// Decoding HTX market WebSocket frames (the hot path). Every market frame arrives as binary gzip:
// it is inflated (sdk/gzip.hpp), then read with simdjson On-Demand. Prices and quantities keep
// the venue's text, exponent form included ("9.121E-7"): numbers are read from their raw JSON
// tokens with sdk::parse_decimal, never through a double. Ids are kept as text (spot trade ids
// exceed 2^64).
//
//   {"ping":1618678073643}                                      -> ping (answer {"pong":same})
//   {"id":1,"status":"ok","subbed":"market.x.depth.step0",..}   -> ack
//   {"status":"error","err-code":..,"err-msg":..}               -> venue_error (err_code/err_msg
//                                                                  on derivatives)
//   {"ch":"market.x.depth.step0","ts":..,"tick":{"bids","asks","version"|"mrid",..}} -> full_book
//   {"ch":"market.x.mbp.150","tick":{"seqNum","prevSeqNum","bids","asks"}}           -> mbp_update
//   {"id":..,"rep":"market.x.mbp.150","status":"ok","data":{"seqNum","bids","asks"}} ->
//   mbp_snapshot
//   {"ch":"market.x.trade.detail","tick":{"data":[{id,ts,tradeId,amount,price,direction}]}}
#pragma once

#include <astra/connector.h>
#include <astra/sdk/gzip.hpp>

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace astra::huobi {

struct TradeRow {
  astra_trade trade{};  // trade_id is set by the caller from `id`
  std::string id;
};

struct Frame {
  enum class Kind {
    ping,
    ack,
    venue_error,
    full_book,
    mbp_update,
    mbp_snapshot,
    trades,
    other,
    bad
  };
  Kind kind = Kind::bad;
  std::string topic;    // ch, rep or subbed
  std::string ping;     // the ping number's text
  std::string id;       // request id (acks, replies)
  std::string message;  // bad: why; venue_error: the venue's text
  std::vector<astra_book_level> bids, asks;
  bool has_seq = false, has_prev = false, has_version = false;
  uint64_t seq = 0, prev = 0, version = 0;
  int64_t ts_ms = 0;       // the frame's ts
  int64_t tick_ts_ms = 0;  // tick.ts (the book's time), 0 when absent
  std::vector<TradeRow> trades;
};

class FrameDecoder {
 public:
  // Decodes one frame (binary: gzip) into `out`. Never throws.
  Frame::Kind decode(std::string_view data, bool binary, Frame& out) noexcept;

  // A REST depth answer {"status":"ok","tick":{"bids":[[p,q]],"asks":..,"version":..}} (spot
  // /market/depth and the derivatives' market/depth). False with `error` when not a book.
  bool decode_rest_book(std::string_view body, Frame& out, std::string& error) noexcept;

 private:
  Frame::Kind parse(Frame& out);
  sdk::Inflater inflater_{sdk::Compression::gzip};
  std::string inflated_;
  simdjson::ondemand::parser parser_;
  std::string scratch_;  // the JSON text plus simdjson's padding
};

// Topic suffix kinds: "market.btcusdt.depth.step0" -> depth_step0, and the symbol part "btcusdt".
enum class Topic { depth_step0, mbp, trade_detail, other };
Topic topic_of(std::string_view topic, std::string_view& symbol);

}  // namespace astra::huobi
