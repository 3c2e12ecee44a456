// Market lists: spot GET /v1/common/symbols, coin-margined futures /api/v1/contract_contract_info,
// coin-margined swaps /swap-api/v1/swap_contract_info and USDT-margined swaps (and futures)
// /linear-swap-api/v1/swap_contract_info, turned into normalized markets (sdk/ABI.md §7.1):
//   spot          HUOBI-SPOT-BTC-USDT             venue btcusdt
//   coin swap     HUOBI-PERP-BTC-USD-COINM        venue BTC-USD
//   coin futures  HUOBI-FUT-BTC-USD-210723-COINM  venue BTC210723 (expiry from delivery_date)
//   USDT swap     HUOBI-PERP-BTC-USDT             venue BTC-USDT
//   USDT futures  HUOBI-FUT-BTC-USDT-210625       venue BTC-USDT-210625
#pragma once

#include "config.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace astra::huobi {

struct Market {
  std::string symbol;        // normalized
  std::string venue_symbol;  // as the venue names it in requests and channels
  Family family = Family::spot;
  std::string json;  // the §7.1 market object
};

// Parses one family's list answer. False with `error` when the body is not such a list or the
// venue answered with an error; entries that cannot be normalized are skipped.
bool parse_markets(Family family, std::string_view body, std::vector<Market>& out,
                   std::string& error);

}  // namespace astra::huobi
