// The instruments the simulator can list, with the trading rules KuCoin published for them.
//
// Spot rules are those of the 2021 symbols recording (shared/fixtures/kucoin/
// symbols_v1_trimmed.json); the futures contract follows the documented contract list
// (docs_futures_contracts_active_response_data.json) with today's 0.1 tick.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace astra::sim::kucoin {

enum class Family { spot, futures };

struct InstrumentSpec {
  Family family = Family::spot;
  std::string symbol;  // "BTC-USDT", "XBTUSDTM"
  std::string base;    // the venue's code: XBT for futures BTC
  std::string quote;
  std::string tick;       // priceIncrement / tickSize
  std::string lot;        // baseIncrement / lotSize (contracts)
  std::string min_size;   // baseMinSize
  std::string min_funds;  // spot minFunds (v2)
  std::string multiplier;
  std::string initial_mid;  // where the simulated book starts
  int64_t order_lots = 1;   // simulated order sizes are multiples of this many lots
};

std::optional<InstrumentSpec> find_instrument(std::string_view symbol);
std::vector<std::string> known_instruments();

}  // namespace astra::sim::kucoin
