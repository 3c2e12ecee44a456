// Market symbols: {EXCHANGE}-{TYPE}-{BASE}-{QUOTE}[-{EXPIRY}][-{STRIKE}-{C|P}][-{DISAMBIGUATOR}]
//
//   BINANCE-SPOT-BTC-USDT, BINANCE-PERP-BTC-USD-COINM, OKX-FUT-BTC-USD-241227-COINM,
//   OKX-OPT-BTC-USD-241227-50000-C, KRAKEN-SPOT-XBT-USD
//
// One grammar for the whole gateway: every plugin maps venue instruments to and from it.
// Tokens are upper-case letters and digits. Expiry YYMMDD is a real date, required for FUT and
// OPT, absent otherwise. A strike is canonical (no leading zeros, no trailing fractional zeros,
// positive) so that one instrument has exactly one symbol. A disambiguator starts with a letter.
#pragma once

#include <astra/core/result.hpp>

#include <string>
#include <string_view>

namespace astra::core {

enum class AssetType { spot, perp, fut, opt };

std::string_view to_string(AssetType t) noexcept;  // "SPOT", "PERP", "FUT", "OPT"

struct MarketSymbol {
  std::string exchange;  // upper-case venue code: BINANCE
  AssetType type = AssetType::spot;
  std::string base;  // venue's own asset code, upper-case: BTC, XBT
  std::string quote;
  std::string expiry;         // YYMMDD for FUT and OPT, else empty
  std::string strike;         // OPT only: decimal text without exponent, e.g. "50000", "0.5"
  char option_kind = 0;       // OPT only: 'C' or 'P'
  std::string disambiguator;  // e.g. COINM; empty when none

  friend bool operator==(const MarketSymbol&, const MarketSymbol&) = default;
};

// Parses and validates. Errors (status ASTRA_E_INVALID_ARGUMENT, code "bad_symbol") say what is
// wrong: "expiry '2412' must be YYMMDD", "OPT needs a strike and C or P", ...
Result<MarketSymbol> parse_symbol(std::string_view text);

// Formats a valid symbol; format(parse(s)) == s for every valid s.
std::string format_symbol(const MarketSymbol& symbol);

// The exchange code of a symbol text (everything before the first '-'), without full parsing.
std::string_view symbol_exchange(std::string_view text) noexcept;

}  // namespace astra::core
