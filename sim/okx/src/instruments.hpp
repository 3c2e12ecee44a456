// The instruments the simulator can list, with the fields OKX published for them.
//
// Values are those of the 2022 instruments recording (shared/fixtures/okx/instruments_*.json,
// recordings/okx-books.capture.jsonl); the simulator writes the same 2022 field set.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace astra::sim::okx {

struct InstrumentSpec {
  std::string inst_id;    // "BTC-USDT", "BTC-USDT-SWAP"
  std::string inst_type;  // "SPOT", "SWAP"
  std::string base_ccy;   // SPOT only
  std::string quote_ccy;  // SPOT only
  std::string settle_ccy;
  std::string ct_type;  // "linear", "inverse"; "" for spot
  std::string ct_val;
  std::string ct_val_ccy;
  std::string ct_mult;
  std::string uly;  // "BTC-USDT" for derivatives
  std::string lever;
  std::string list_time;
  std::string tick_sz;
  std::string lot_sz;
  std::string min_sz;
  std::string max_lmt_sz;   // also maxIcebergSz, maxTriggerSz, maxTwapSz
  std::string max_mkt_sz;   // also maxStopSz
  std::string initial_mid;  // where the simulated book starts
  int64_t order_lots = 1;   // simulated order sizes are multiples of this many lots
};

std::optional<InstrumentSpec> find_instrument(std::string_view inst_id);
std::vector<std::string> known_instruments();

}  // namespace astra::sim::okx
