// exchangeInfo (spot /api/v3, USD-M /fapi/v1, COIN-M /dapi/v1) -> normalized Market records.
#pragma once

#include "symbols.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace astra::binance {

struct Market {
  std::string symbol;        // normalized: BINANCE-PERP-BTC-USD-COINM
  std::string venue_symbol;  // Binance's own: BTCUSD_PERP
  Family family = Family::spot;
  std::string type;  // SPOT, PERP, FUT
  std::string base;
  std::string quote;
  std::string margin;  // futures: the settlement asset
  std::string expiry;  // FUT: YYMMDD
  std::string status;  // the venue's text: TRADING, BREAK, PENDING_TRADING, ...
  // Decimal texts exactly as the venue sent them; empty when the venue gave none.
  std::string tick_size;      // PRICE_FILTER.tickSize
  std::string lot_size;       // LOT_SIZE.stepSize
  std::string min_quantity;   // LOT_SIZE.minQty
  std::string min_notional;   // MIN_NOTIONAL.minNotional | NOTIONAL.minNotional | .notional
  std::string contract_size;  // COIN-M: USD face value of one contract
};

// Parses one family's exchangeInfo. Instruments that cannot be named (pending listings with an
// empty contractType, unknown contract types, odd asset codes) are skipped. Returns false and
// sets `error` when the document itself is unusable.
bool parse_exchange_info(Family family, std::string_view json, std::vector<Market>& out,
                         std::string& error);

// The market list result: a JSON array of market objects.
std::string markets_json(const std::vector<const Market*>& markets);

}  // namespace astra::binance
