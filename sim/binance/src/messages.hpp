// Binance spot wire messages, written in the key order and with the JSON types Binance uses.
#pragma once

#include "symbol_catalog.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace astra::sim::binance {

using TextLevels = std::vector<std::pair<std::string, std::string>>;  // [price, qty], best first

// REST
std::string exchange_info_json(const std::vector<SymbolSpec>& symbols, int64_t server_time_ms,
                               int weight_limit);
std::string depth_json(uint64_t last_update_id, const TextLevels& bids, const TextLevels& asks);
std::string error_json(int code, std::string_view msg);

// WebSocket payloads (the raw form; combined streams wrap them with wrap_combined)
std::string depth_update_json(int64_t event_time, std::string_view symbol, uint64_t first_id,
                              uint64_t last_id, const TextLevels& bids, const TextLevels& asks);
std::string agg_trade_json(int64_t event_time, std::string_view symbol, uint64_t agg_id,
                           std::string_view price, std::string_view qty, uint64_t first_trade,
                           uint64_t last_trade, int64_t trade_time, bool buyer_is_maker);
std::string trade_json(int64_t event_time, std::string_view symbol, uint64_t trade_id,
                       std::string_view price, std::string_view qty, int64_t trade_time,
                       bool buyer_is_maker);
std::string wrap_combined(std::string_view stream, std::string_view payload);

}  // namespace astra::sim::binance
