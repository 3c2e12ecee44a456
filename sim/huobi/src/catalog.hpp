// The instruments the simulator can list, with the trading rules HTX published for them.
//
// Spot rules are those of the 2021 /v1/common/symbols recording (shared/fixtures/huobi/
// spot_symbols.json); contract rules those of the 2022 swap_contract_info recordings
// (shared/recordings/huobi-{coin,linear}-swap.capture.jsonl).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace astra::sim::huobi {

enum class Family { spot, coin_swap, linear_swap };

struct InstrumentSpec {
  Family family = Family::spot;
  std::string symbol;         // venue text: "btcusdt", "BTC-USDT", "BTC-USD"
  std::string tick;           // price unit ("0.01")
  std::string lot;            // quantity unit: 10^-amount-precision, or 1 contract
  std::string contract_size;  // contracts: base coin (linear) or USD (coin) per contract
  std::string initial_mid;    // where the simulated book starts
  int64_t order_lots = 1;     // simulated order sizes are multiples of this many lots
  // The record the venue lists the instrument with, as HTX sends it (JSON object text).
  std::string listing_json;
};

std::optional<InstrumentSpec> find_instrument(std::string_view symbol);
std::vector<std::string> known_instruments();

}  // namespace astra::sim::huobi
