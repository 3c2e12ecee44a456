// Decoding Kraken WebSocket frames (the hot path) with simdjson On-Demand, keeping every price
// and quantity as the venue's own text (raw JSON number tokens included: no binary floating
// point touches them).
//
//   spot v1:  [channelID, {"as":[..],"bs":[..]}, "book-1000", "XBT/USD"] (snapshot),
//             [channelID, {"a":[..]}, {"b":[..],"c":"123"}, "book-10", "XBT/USD"] (update),
//             [channelID, [[price, volume, time, side, ordertype, misc], ..], "trade", "XBT/USD"],
//             {"event":"heartbeat"|"systemStatus"|"subscriptionStatus"|..}
//   spot v2:  {"channel":"book"|"trade","type":"snapshot"|"update","data":[{..}]},
//             {"channel":"heartbeat"|"status"|..}, {"method":"subscribe","success":..,..}
//   futures:  {"feed":"book_snapshot"|"book"|"trade"|"trade_snapshot",..}, {"event":..}
//
// Views in a decoded Frame point into the decoder's buffers: valid until the next decode().
#pragma once

#include "book_sync.hpp"

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace astra::kraken {

enum class Protocol { spot_v1, spot_v2, futures };

struct BookPart {
  std::string_view symbol;
  bool snapshot = false;
  std::vector<LevelText> levels;  // in message order
  std::optional<uint32_t> checksum;
  uint32_t depth = 0;  // v1: N of the channel name "book-N"; 0 when unknown
  bool has_seq = false;
  uint64_t seq = 0;  // futures
  int64_t time_us = 0;
};

struct TradeText {
  std::string_view symbol;
  std::string_view price;
  std::string_view qty;
  std::string_view id;  // v2 trade_id, futures uid; v1 has none
  uint32_t taker_side = 0;
  int64_t time_us = 0;
  uint64_t seq = 0;  // futures
  bool has_seq = false;
};

struct Frame {
  enum class Kind { book, trades, trade_snapshot, ack, venue_error, other, bad };
  Kind kind = Kind::bad;
  std::vector<BookPart> books;  // kind book (v2 may carry several symbols)
  size_t book_count = 0;        // entries of `books` in use (the vector keeps its capacity)
  std::vector<TradeText> trades;
  std::string message;  // bad: why; venue_error: the venue's text
};

class FrameDecoder {
 public:
  // Decodes `text` into `out`. Never throws.
  Frame::Kind decode(Protocol protocol, std::string_view text, Frame& out) noexcept;

  // A REST book: spot /0/public/Depth {"error":[],"result":{"PAIR":{"asks":[[p,v,t]],..}}} or
  // futures /derivatives/api/v3/orderbook {"result":"success","orderBook":{"bids":[[p,q]],..}}.
  // Levels view this decoder's buffers until the next call. False with `error` (the venue's
  // own error text when it sent one) when the body is not a book.
  bool decode_rest_book(std::string_view body, std::vector<LevelText>& levels,
                        std::string& error) noexcept;

 private:
  simdjson::ondemand::parser parser_;
  std::string scratch_;  // the frame plus simdjson's padding
};

// "1618678133.370507" (seconds) -> microseconds; false when not a decimal.
bool seconds_text_to_us(std::string_view text, int64_t& us);
// "2023-10-06T17:35:55.440295Z" -> microseconds; false when not RFC 3339 UTC.
bool rfc3339_to_us(std::string_view text, int64_t& us);

}  // namespace astra::kraken
