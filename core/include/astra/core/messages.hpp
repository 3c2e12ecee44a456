// The Astra API's market-data JSON, encoded once per event and shared by every client.
//
//   book:   {"market":M,"dataType":"ORDERBOOK","snapshot":true|false,"updateId":N,"time":US,
//            "bids":[[price,quantity],...],"asks":[...]}
//           prices and quantities are JSON numbers written with the venue's exact digits;
//           in an update a quantity of 0 removes the level; "time" is the venue time in us.
//   reset:  {"market":M,"dataType":"ORDERBOOK","reset":true,"reason":"gap"|"checksum"|...}
//           the book is invalid until the next snapshot message.
//   trades: {"market":M,"dataType":"TRADE","trades":[{"price":P,"quantity":Q,"side":"BUY"|"SELL",
//            "time":US,"id":"..."}]}  side is the taker side.
//   REST /orderbook: {"market":M,"updateId":N,"time":US,"bids":[[p,q],...],"asks":[...]}
#pragma once

#include <astra/connector.h>
#include <astra/core/result.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace astra::core {

enum class DataType : uint32_t { orderbook = ASTRA_DATA_ORDERBOOK, trades = ASTRA_DATA_TRADES };

// "ORDERBOOK" or "TRADE" (also accepts "TRADES"); anything else: bad_data_type (400).
Result<DataType> parse_data_type(std::string_view text);
std::string_view to_string(DataType t) noexcept;               // "ORDERBOOK", "TRADE"
std::string_view reset_reason_name(uint32_t reason) noexcept;  // "gap", "checksum", ...

std::string encode_book_message(std::string_view market, bool snapshot, uint64_t update_id,
                                int64_t time_us, std::span<const astra_book_level> bids,
                                std::span<const astra_book_level> asks);
std::string encode_reset_message(std::string_view market, std::string_view reason);
std::string encode_trades_message(std::string_view market, std::span<const astra_trade> trades);
std::string encode_orderbook_json(std::string_view market, uint64_t update_id, int64_t time_us,
                                  std::span<const astra_book_level> bids,
                                  std::span<const astra_book_level> asks);
// {"error":{"code":C,"message":M}}
std::string encode_error_json(std::string_view code, std::string_view message);

}  // namespace astra::core
