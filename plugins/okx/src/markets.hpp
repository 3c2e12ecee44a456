// GET /api/v5/public/instruments?instType=... -> normalized Market records (sdk/ABI.md §7.1).
#pragma once

#include "symbols.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace astra::okx {

struct Market {
  std::string symbol;   // normalized: OKX-PERP-BTC-USD-COINM
  std::string inst_id;  // OKX's own: BTC-USD-SWAP
  InstType inst_type = InstType::spot;
  std::string type;  // SPOT, PERP, FUT, OPT
  std::string base;
  std::string quote;
  std::string margin;       // derivatives: settleCcy
  std::string expiry;       // FUT, OPT: YYMMDD
  std::string strike;       // OPT: canonical decimal text
  std::string option_type;  // OPT: C or P
  std::string status;       // the venue's state: live, suspend, preopen, test, ...
  // Decimal texts as the venue sent them; empty when the venue gave none.
  std::string tick_size;      // tickSz
  std::string lot_size;       // lotSz
  std::string min_quantity;   // minSz
  std::string contract_size;  // ctVal x ctMult (derivatives)
  std::string source;         // the listing request that produced it (instType[&uly])
};

// Parses one instruments answer. Instruments that cannot be named (odd asset codes, an expiry
// that is not YYMMDD, a missing strike) are skipped and counted in `skipped`. Returns false and
// sets `error` when the document itself is unusable or carries an OKX error code.
bool parse_instruments(InstType type, std::string_view json, std::vector<Market>& out,
                       size_t& skipped, std::string& error);

// OKX's state mapped to the ABI's status: TRADING, HALTED, PRE_TRADING or DELISTED.
const char* normalized_status(std::string_view state);

// The market list result: a JSON array of market objects.
std::string markets_json(const std::vector<const Market*>& markets);

}  // namespace astra::okx
