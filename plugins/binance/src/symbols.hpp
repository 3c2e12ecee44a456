// Binance instruments <-> normalized market symbols.
//
//   spot BTCUSDT                      BINANCE-SPOT-BTC-USDT
//   USD-M perpetual BTCUSDT           BINANCE-PERP-BTC-USDT
//   USD-M quarterly BTCUSDT_210924    BINANCE-FUT-BTC-USDT-210924
//   COIN-M perpetual BTCUSD_PERP      BINANCE-PERP-BTC-USD-COINM
//   COIN-M quarterly BTCUSD_210924    BINANCE-FUT-BTC-USD-210924-COINM
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace astra::binance {

// A Binance API family: each has its own REST host, WebSocket host and sequencing rule.
enum class Family { spot = 0, usdm = 1, coinm = 2 };
inline constexpr int kFamilyCount = 3;

std::string_view family_name(Family f) noexcept;  // "spot", "usdm", "coinm"
std::optional<Family> parse_family(std::string_view name) noexcept;

// True for a non-empty run of [A-Z0-9]: what a symbol part may contain.
bool is_asset_code(std::string_view s) noexcept;

// "210924" from a delivery time in milliseconds since the epoch (UTC date).
std::string yymmdd_from_ms(int64_t ms);

std::string spot_symbol(std::string_view base, std::string_view quote);
std::string perp_symbol(Family f, std::string_view base, std::string_view quote);
std::string future_symbol(Family f, std::string_view base, std::string_view quote,
                          std::string_view yymmdd);

// Stream names are the venue symbol in lower case: "btcusdt@depth@100ms".
std::string depth_stream(std::string_view venue_symbol);
std::string trade_stream(std::string_view venue_symbol);

}  // namespace astra::binance
