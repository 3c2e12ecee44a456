// OKX instruments <-> normalized market symbols.
//
//   SPOT     BTC-USDT                 OKX-SPOT-BTC-USDT
//   SWAP     BTC-USDT-SWAP (linear)   OKX-PERP-BTC-USDT
//   SWAP     BTC-USD-SWAP (inverse)   OKX-PERP-BTC-USD-COINM
//   FUTURES  BTC-USDT-241227          OKX-FUT-BTC-USDT-241227
//   FUTURES  BTC-USD-241227 (inv.)    OKX-FUT-BTC-USD-241227-COINM
//   OPTION   BTC-USD-241227-50000-C   OKX-OPT-BTC-USD-241227-50000-C
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace astra::okx {

// OKX's instType values we list (MARGIN instruments are the spot pairs again: not listed).
enum class InstType { spot, swap, futures, option };

std::string_view inst_type_name(InstType t) noexcept;  // "SPOT", "SWAP", "FUTURES", "OPTION"
std::optional<InstType> parse_inst_type(std::string_view name) noexcept;

// True for a non-empty run of [A-Z0-9]: what a symbol part may contain.
bool is_asset_code(std::string_view s) noexcept;
// True for six digits forming a plausible YYMMDD date.
bool is_yymmdd(std::string_view s) noexcept;

// The canonical text of a positive decimal: no exponent, no leading zeros, no trailing
// fractional zeros ("50000.0" -> "50000", "0.50" -> "0.5"). Empty when `text` is not one.
std::string canonical_decimal(std::string_view text);

std::string spot_symbol(std::string_view base, std::string_view quote);
std::string perp_symbol(std::string_view base, std::string_view quote, bool inverse);
std::string future_symbol(std::string_view base, std::string_view quote, std::string_view yymmdd,
                          bool inverse);
std::string option_symbol(std::string_view base, std::string_view quote, std::string_view yymmdd,
                          std::string_view strike, char type);

}  // namespace astra::okx
