// Decoding Coinbase WebSocket frames (the hot path) with simdjson On-Demand. Prices and sizes
// stay the venue's own text.
//
//   exchange: {"type":"snapshot","product_id","bids":[[p,s]],"asks":[[p,s]]}
//             {"type":"l2update","product_id","changes":[[side,p,s]],"time"}   side buy/sell
//             {"type":"match"|"last_match","trade_id","side","size","price","product_id","time"}
//             {"type":"ticker"|"subscriptions"|"heartbeat"|"error",..}
//   advanced: {"channel":"l2_data"|"market_trades"|"heartbeats"|"subscriptions",
//              "sequence_num":n,"events":[..]}, {"type":"error","message":..}
//
// Trade sides: the Exchange `match.side` is the MAKER order's side (recorded proof in
// fixtures/coinbase/exchange_ws_ticker_vs_last_match_same_trade.jsonl), so the decoder flips it
// and TradeText::taker_side is the aggressor. Advanced Trade `side` is passed through as sent
// (`venue_side`); what it means is the connector's configuration (see config.hpp).
//
// Views in a decoded Frame point into the decoder's buffers: valid until the next decode().
#pragma once

#include "config.hpp"

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace astra::coinbase {

struct LevelText {
  std::string_view price;
  std::string_view qty;  // absolute size at the price; 0 deletes
  bool bid = false;
};

struct BookPart {
  std::string_view product;
  bool snapshot = false;
  std::vector<LevelText> levels;  // in message order
  int64_t time_us = 0;
};

struct TradeText {
  std::string_view product;
  std::string_view price;
  std::string_view qty;
  std::string_view id;
  uint32_t venue_side = 0;  // ASTRA_SIDE_* of the venue's `side` field, as sent
  uint32_t taker_side = 0;  // exchange: the aggressor (opposite of the maker side); advanced: 0
  int64_t time_us = 0;
  bool history = false;  // exchange last_match, advanced market_trades snapshot: not live
};

struct Frame {
  enum class Kind { book, trades, heartbeat, ack, venue_error, other, bad };
  Kind kind = Kind::bad;
  bool has_seq = false;
  uint64_t seq = 0;             // advanced: the envelope's sequence_num
  std::vector<BookPart> books;  // kind book (advanced may carry several events)
  size_t book_count = 0;        // entries of `books` in use (the vector keeps its capacity)
  std::vector<TradeText> trades;
  std::string message;  // bad: why; venue_error: the venue's text
};

class FrameDecoder {
 public:
  // Decodes `text` into `out`. Never throws.
  Frame::Kind decode(Feed feed, std::string_view text, Frame& out) noexcept;

 private:
  simdjson::ondemand::parser parser_;
  std::string scratch_;  // the frame plus simdjson's padding
};

// "2021-04-17T16:43:37.089723Z" -> microseconds (nanosecond digits truncated); false when not
// RFC 3339 UTC.
bool rfc3339_to_us(std::string_view text, int64_t& us);

}  // namespace astra::coinbase
