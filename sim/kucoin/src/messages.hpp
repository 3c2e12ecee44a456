// KuCoin wire messages, written in the key order and with the JSON types KuCoin uses (as in the
// recordings and fixtures under shared/; futures shapes from the futures API documentation).
//
// Spot sends prices and sizes as strings with trailing zeros trimmed ("242.649", "5"); futures
// REST books and matches send them as JSON numbers.
#pragma once

#include "catalog.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace astra::sim::kucoin {

using TextLevels = std::vector<std::pair<std::string, std::string>>;  // [price, size], best first

// A level-2 change: price, size ("0" = gone), and its own sequence.
struct TextChange {
  std::string price;
  std::string size;
  uint64_t sequence = 0;
};

// REST (envelope {"code":"200000","data":…} included)
std::string symbols_json(const std::vector<InstrumentSpec>& spot, bool v2);
std::string contracts_json(const std::vector<InstrumentSpec>& futures, int64_t now_ms);
std::string bullet_json(std::string_view token, std::string_view endpoint, int64_t ping_interval_ms,
                        int64_t ping_timeout_ms);
std::string spot_book_json(int64_t time_ms, uint64_t sequence, const TextLevels& bids,
                           const TextLevels& asks);
std::string futures_book_json(std::string_view symbol, uint64_t sequence, const TextLevels& bids,
                              const TextLevels& asks, int64_t ts_ns);
std::string rest_error_json(std::string_view code, std::string_view msg);

// WebSocket
std::string welcome_json(std::string_view id);
std::string ack_json(std::string_view id);
std::string pong_json(std::string_view id);
std::string ws_error_json(std::string_view id, int code, std::string_view data);
std::string spot_level2_json(std::string_view symbol, uint64_t start, uint64_t end,
                             const std::vector<TextChange>& asks,
                             const std::vector<TextChange>& bids);
std::string futures_level2_json(std::string_view symbol, uint64_t sequence, std::string_view price,
                                bool bid, std::string_view size, int64_t time_ms);
std::string spot_match_json(std::string_view symbol, uint64_t sequence, bool taker_buys,
                            std::string_view size, std::string_view price,
                            std::string_view taker_order, int64_t time_ns,
                            std::string_view maker_order, std::string_view trade_id);
std::string futures_match_json(std::string_view symbol, uint64_t sequence, bool taker_buys,
                               std::string_view size, std::string_view price,
                               std::string_view taker_order, int64_t time_ns,
                               std::string_view maker_order, std::string_view trade_id);

// "57000.10" -> "57000.1", "5.000" -> "5": KuCoin's own decimal text.
std::string trim_zeros(std::string text);
// A 24-hex-digit id like KuCoin's order and trade ids, from a counter.
std::string object_id(uint64_t prefix, uint64_t n);

}  // namespace astra::sim::kucoin
