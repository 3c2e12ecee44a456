// The spot symbols the simulator can list, with the trading rules Binance published for them.
//
// Tick, step, quantity and notional limits are those of the 2021 exchangeInfo recording
// (shared/fixtures/binance/exchange_info_spot_trimmed.json) where the symbol is in it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace astra::sim::binance {

struct SymbolSpec {
  std::string symbol;  // "BTCUSDT"
  std::string base;
  std::string quote;
  std::string tick_size;  // PRICE_FILTER, all with 8 fractional digits as spot sends them
  std::string min_price;
  std::string max_price;
  std::string step_size;  // LOT_SIZE
  std::string min_qty;
  std::string max_qty;
  std::string min_notional;    // MIN_NOTIONAL
  std::string market_max_qty;  // MARKET_LOT_SIZE
  bool margin = true;          // permissions SPOT (+ MARGIN)
  std::string initial_mid;     // where the simulated book starts
  int64_t order_lots = 1;      // simulated order sizes are multiples of this many steps
};

// Spot formats every price and quantity with 8 fractional digits ("0.35270000").
inline constexpr int kSpotDigits = 8;

// A listed symbol or a load-test symbol (load_symbol).
std::optional<SymbolSpec> find_spot_symbol(std::string_view symbol);
// Made-up symbols for tests that need many markets (a venue-wide reconnect of 50+ books):
// "LDAAUSDT" ... "LDZZUSDT", base "LDAA"..., with NKNUSDT's rules. Not in known_spot_symbols().
std::optional<SymbolSpec> load_symbol(std::string_view symbol);
std::vector<std::string> known_spot_symbols();

}  // namespace astra::sim::binance
