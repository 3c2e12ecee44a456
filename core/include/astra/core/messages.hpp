// The Astra API's market-data JSON, encoded once per event and shared by every client.
//
//   book:   {"market":M,"dataType":"ORDERBOOK","snapshot":true|false,"updateId":N,"time":US,
//            "bids":[[price,quantity],...],"asks":[...]}
//           prices and quantities are JSON numbers written with the venue's exact digits;
//           in an update a quantity of 0 removes the level; "time" is the venue time in us.
//   reset:  {"market":M,"dataType":"ORDERBOOK","reset":true,"reason":"gap"|"checksum"|...}
//           the book is invalid until the next snapshot message.
//   trades: {"market":M,"dataType":"TRADE","trades":[{"price":P,"quantity":Q,"side":"BUY"|"SELL",
//            "time":US,"id":"..."}]}  side is the taker side ("UNKNOWN" if the venue omits it);
//           id is "" when the venue has none.
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

// Reset reasons of the gateway's own integrity checks, next to the venue's ASTRA_RESET_*.
inline constexpr uint32_t kResetCrossed = 100;     // "crossed": best bid >= best ask
inline constexpr uint32_t kResetOutOfOrder = 101;  // "out_of_order": update id did not increase
inline constexpr uint32_t kResetBadEvent = 102;    // "bad_event": malformed event

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
// {"code":C,"message":M}: the error JSON a Callback receives (the same shape a venue sends).
std::string encode_error_body(std::string_view code, std::string_view message);

}  // namespace astra::core
