// KuCoin instruments -> normalized Market records.
//
//   spot GET /api/v2/symbols (or v1)   BTC-USDT   KUCOIN-SPOT-BTC-USDT
//   futures GET /api/v1/contracts/active:
//     XBTUSDTM (linear perpetual)       KUCOIN-PERP-XBT-USDT          base BTC, margin USDT
//     XBTUSDM  (inverse perpetual)      KUCOIN-PERP-XBT-USD-COINM     margin BTC
//     XBTMH22  (dated)                  KUCOIN-FUT-XBT-USD-220325[-COINM]
// Symbols keep KuCoin's own codes (XBT); baseAsset/quoteAsset/marginAsset are abstract (BTC).
#pragma once

#include "config.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace astra::kucoin {

struct Market {
  std::string symbol;        // normalized
  std::string venue_symbol;  // BTC-USDT, XBTUSDTM
  Family family = Family::spot;
  std::string type;         // SPOT, PERP, FUT
  std::string base, quote;  // abstract tokens
  std::string margin;       // derivatives: the settlement asset
  std::string expiry;       // FUT: YYMMDD
  std::string contract_size;
  std::string tick_size, lot_size, min_quantity, min_notional;  // decimal texts ("" = null)
  std::string status;        // TRADING, HALTED, PRE_TRADING, DELISTED
  std::string venue_status;  // the venue's own word
};

// The abstract token of a KuCoin asset code: XBT -> BTC, others unchanged.
std::string abstract_asset(std::string_view code);

// GET /api/v1/symbols or /api/v2/symbols. False with `error` when unusable or a KuCoin error.
bool parse_spot_symbols(std::string_view json, std::vector<Market>& out, std::string& error);

// Futures GET /api/v1/contracts/active.
bool parse_contracts(std::string_view json, std::vector<Market>& out, std::string& error);

// The list_markets result: a JSON array of market objects (sdk/ABI.md §7.1).
std::string markets_json(const std::vector<const Market*>& markets);

// Microseconds since the epoch -> "YYMMDD" (UTC).
std::string yymmdd_of_us(int64_t us);

}  // namespace astra::kucoin
