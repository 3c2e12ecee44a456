// The products the simulator can list, with Advanced Trade's own fields for them.
//
// Field values follow real GET /api/v3/brokerage/market/products responses recorded by ccxt
// (ts/src/coinbase.ts comments): BTC-USD spot, the FCM nano future BIT-26APR24-CDE (here with a
// later expiry) and the INTX perpetual ETH-PERP-INTX. ETH-USD follows BTC-USD's pattern. The
// Exchange fields are those of the recorded Exchange /products body.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace astra::sim::coinbase {

struct ProductSpec {
  std::string product_id;    // "BTC-USD"
  std::string product_type;  // SPOT, FUTURE
  std::string base_id;       // base_currency_id ("" for futures, as the venue sends)
  std::string quote_id;      // quote_currency_id
  std::string base_name, quote_name;
  std::string base_increment, quote_increment, price_increment;
  std::string base_min_size, base_max_size, quote_min_size, quote_max_size;
  std::string status;  // "online" (spot), "" (futures, as the venue sends)
  std::string display_name;
  std::string product_venue;  // CBE, FCM, INTX
  // FUTURE only
  std::string expiry_type;      // EXPIRING, PERPETUAL
  std::string contract_code;    // BIT
  std::string contract_expiry;  // RFC 3339, "" for a perpetual
  std::string contract_size;
  std::string contract_root_unit;
  std::string group_description, group_short_description, contract_display_name;
  // Coinbase Exchange GET /products (spot only; values of shared/fixtures/coinbase/
  // exchange_products.json): empty exchange_base_min_size = not listed there.
  std::string exchange_base_min_size, exchange_base_max_size;
  std::string exchange_min_market_funds, exchange_max_market_funds;
  // simulation
  std::string initial_mid;  // where the simulated book starts (a multiple of the tick)
  int64_t order_lots = 1;   // simulated order sizes are multiples of this many base increments
};

std::optional<ProductSpec> find_product(std::string_view product_id);
std::vector<std::string> known_products();

}  // namespace astra::sim::coinbase
