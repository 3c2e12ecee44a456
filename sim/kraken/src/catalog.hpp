// The instruments the simulator can list, with the metadata Kraken publishes for them.
//
// Spot rows follow the 2021 AssetPairs recording (shared/fixtures/kraken/asset_pairs.json) for
// XXBTZUSD and XETHZUSD. Futures: PI_XBTUSD follows the 2021 instruments recording
// (futures_instruments.json); PF_XBTUSD (a linear multi-collateral perpetual, type
// flexible_futures) is not in any recording, so its row is the PI_XBTUSD row with that type and
// contractValueTradePrecision, the field Kraken added for fractional order sizes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace astra::sim::kraken {

enum class Family { spot, futures };

struct Instrument {
  Family family = Family::spot;
  // Spot: the AssetPairs key (XXBTZUSD); futures: the product id (PF_XBTUSD).
  std::string key;
  std::string wsname;           // spot: v1 name "XBT/USD"; futures: the product id
  std::string v2_name;          // spot: v2 name "BTC/USD"
  std::string altname;          // spot: "XBTUSD" (REST pair= accepts it)
  std::string base, quote;      // spot: XXBT, ZUSD
  int price_decimals = 0;       // spot pair_decimals: the WS v2 price precision
  int qty_decimals = 8;         // spot lot_decimals
  int rest_price_decimals = 5;  // spot REST/v1 text ("56218.30000" for XBT pairs)
  std::string ordermin;         // spot
  std::string type;             // futures: futures_inverse, flexible_futures
  std::string underlying;       // futures: rr_xbtusd
  std::string tick_size;        // futures tickSize; spot: 10^-pair_decimals
  std::string lot;              // the quantity unit the engine counts in
  int trade_precision = -1;     // futures contractValueTradePrecision; -1: field absent
  std::string isin;             // futures
  std::string initial_mid;      // where the simulated book starts
  int64_t order_lots = 1;       // simulated order sizes are multiples of this many lots
};

// A spot asset as GET /0/public/Assets lists it (XXBT: altname XBT, 10 decimals, 5 displayed).
struct Asset {
  std::string code;  // XXBT, ZUSD
  std::string altname;
  int decimals = 8;
  int display_decimals = 5;
};

// The assets of the known spot pairs (their base and quote codes).
std::vector<Asset> known_assets();

// By spot wsname, spot v2 name, spot AssetPairs key or altname, or futures product id (any case).
std::optional<Instrument> find_instrument(std::string_view name);
std::vector<std::string> known_instruments();

}  // namespace astra::sim::kraken
