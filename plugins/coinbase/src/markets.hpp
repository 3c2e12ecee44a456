// Coinbase products -> normalized Market records.
//
//   Exchange GET /products   id BTC-USD                      COINBASE-SPOT-BTC-USD
//   Advanced market/products SPOT BTC-USD                    COINBASE-SPOT-BTC-USD
//   Advanced FUTURE EXPIRING BIT-29MAR24-CDE (root BTC)      COINBASE-FUT-BIT-USD-240329
//   Advanced FUTURE PERPETUAL BTC-PERP-INTX                  COINBASE-PERP-BTC-USDC
// Dated futures keep the venue's contract code (BIT, BIP, ...) as the symbol's base, as Kraken's
// symbols keep XBT: two contracts on one underlying and expiry (nano and regular) stay distinct;
// baseAsset is the underlying (contract_root_unit).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace astra::coinbase {

struct Market {
  std::string symbol;        // normalized
  std::string venue_symbol;  // product id: BTC-USD
  std::string type;          // SPOT, PERP, FUT
  std::string base, quote, margin;
  std::string expiry;  // FUT: YYMMDD
  std::string contract_size;
  std::string tick_size, lot_size, min_quantity, min_notional;  // decimal texts ("" = null)
  std::string status;        // TRADING, HALTED, PRE_TRADING, DELISTED
  std::string venue_status;  // the venue's own word
};

// Exchange GET /products: a JSON array. False with `error` when the document is unusable.
bool parse_exchange_products(std::string_view json, std::vector<Market>& out, std::string& error);

// Advanced Trade GET /api/v3/brokerage/market/products: {"products":[..],..}. `next_cursor`
// receives pagination.next_cursor when pagination.has_next is true, else "".
bool parse_advanced_products(std::string_view json, std::vector<Market>& out, std::string& error,
                             std::string* next_cursor = nullptr);

// The list_markets result: a JSON array of market objects (sdk/ABI.md §7.1).
std::string markets_json(const std::vector<const Market*>& markets);

}  // namespace astra::coinbase
