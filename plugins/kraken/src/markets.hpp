// Kraken instruments -> normalized Market records.
//
//   spot AssetPairs XXBTZUSD (wsname XBT/USD)   KRAKEN-SPOT-XBT-USD        base BTC, quote USD
//   futures PF_XBTUSD (linear perpetual)        KRAKEN-PERP-XBT-USD
//   futures PI_XBTUSD (inverse perpetual)       KRAKEN-PERP-XBT-USD-COINM  margin BTC
//   futures FI_XBTUSD_210924 (inverse future)   KRAKEN-FUT-XBT-USD-210924-COINM
//   futures FF_XBTUSD_210924 (linear future)    KRAKEN-FUT-XBT-USD-210924
// Symbols keep Kraken's own codes (XBT); baseAsset/quoteAsset/marginAsset are abstract (BTC).
#pragma once

#include "config.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace astra::kraken {

struct Market {
  std::string symbol;        // normalized
  std::string venue_symbol;  // spot: the AssetPairs key (XXBTZUSD); futures: PI_XBTUSD
  Family family = Family::spot;
  std::string type;         // SPOT, PERP, FUT
  std::string ws_v1;        // spot: wsname "XBT/USD"; futures: the product id
  std::string ws_v2;        // spot: "BTC/USD" (v2 uses the common codes)
  std::string rest_pair;    // spot: altname, for /0/public/Depth?pair=
  std::string base, quote;  // abstract tokens
  std::string margin;       // derivatives: the settlement asset
  std::string expiry;       // FUT: YYMMDD
  std::string contract_size;
  std::string tick_size, lot_size, min_quantity, min_notional;  // decimal texts ("" = null)
  std::string status;        // normalized: TRADING, HALTED, PRE_TRADING, DELISTED
  std::string venue_status;  // the venue's own word
  int price_decimals = -1;   // spot: pair_decimals (v2 checksum formatting); -1 unknown
  int qty_decimals = -1;     // spot: lot_decimals
};

// GET /0/public/AssetPairs. Dark-pool (.d) pairs and pairs without a usable wsname are skipped.
// Returns false and sets `error` when the document is unusable or carries a Kraken error.
bool parse_asset_pairs(std::string_view json, std::vector<Market>& out, std::string& error);

// GET /derivatives/api/v3/instruments. Index rows (in_, rr_) and unknown prefixes are skipped.
bool parse_futures_instruments(std::string_view json, std::vector<Market>& out, std::string& error);

// The list_markets result: a JSON array of market objects (sdk/ABI.md §7.1).
std::string markets_json(const std::vector<const Market*>& markets);

// "0.001" for 3 decimals, "1" for 0.
std::string step_of_decimals(int decimals);

}  // namespace astra::kraken
