// Decoding KuCoin WebSocket frames (the hot path) with simdjson. Prices and sizes are parsed from
// the venue's decimal strings straight into exact decimals.
//
//   {"id":"…","type":"welcome"}   {"id":"…","type":"ack"}   {"id":"…","type":"pong"}
//   {"id":"…","type":"error","code":404,"data":"…"}
//   spot level2  {"type":"message","topic":"/market/level2:BTC-USDT","subject":"trade.l2update",
//                 "data":{"sequenceStart":N,"sequenceEnd":N,"symbol":"BTC-USDT","time":ms,
//                         "changes":{"asks":[["price","size","seq"]],"bids":[…]}}}
//   futures level2 {"topic":"/contractMarket/level2:XBTUSDTM","subject":"level2",
//                   "data":{"sequence":N,"change":"price,side,size","timestamp":ms}}
//   spot match   {"topic":"/market/match:BTC-USDT","subject":"trade.l3match","data":{"symbol",
//                 "sequence","side"(taker),"price","size","tradeId","time"(ns, a string)}}
//   futures match {"topic":"/contractMarket/execution:XBTUSDTM","subject":"match","data":{…,
//                  "side","price","size"|"matchSize","tradeId","ts"|"time"(ns)}}
#pragma once

#include "book_sync.hpp"

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace astra::kucoin {

struct TradeData {
  astra_trade trade{};  // trade_id is left empty: see `trade_id`
  std::string trade_id;
};

struct Frame {
  enum class Kind { welcome, ack, pong, error, level2, trade, other, bad };
  Kind kind = Kind::bad;
  std::string id;      // welcome/ack/pong/error: the message id
  std::string symbol;  // level2/trade: the venue symbol
  L2Message l2;
  TradeData trade;
  std::string message;  // bad: why; error: the venue's text
};

class FrameDecoder {
 public:
  // Decodes `text` into `out`. Never throws.
  Frame::Kind decode(std::string_view text, Frame& out) noexcept;

 private:
  // The raw text of data.<key> when it is a JSON number ("" if absent).
  std::string raw_number(std::string_view text, std::string_view key);

  simdjson::dom::parser parser_;
  simdjson::ondemand::parser od_parser_;
  std::string padded_;
};

// "1619378327739050725" (ns, text or number) -> microseconds.
bool ns_text_to_us(std::string_view text, int64_t& us);

}  // namespace astra::kucoin
