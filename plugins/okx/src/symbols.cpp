#include "symbols.hpp"

#include <astra/sdk/decimal.hpp>

#include <initializer_list>

namespace astra::okx {

std::string_view inst_type_name(InstType t) noexcept {
  switch (t) {
    case InstType::spot:
      return "SPOT";
    case InstType::swap:
      return "SWAP";
    case InstType::futures:
      return "FUTURES";
    case InstType::option:
      return "OPTION";
  }
  return "?";
}

std::optional<InstType> parse_inst_type(std::string_view name) noexcept {
  if (name == "SPOT") return InstType::spot;
  if (name == "SWAP") return InstType::swap;
  if (name == "FUTURES") return InstType::futures;
  if (name == "OPTION") return InstType::option;
  return std::nullopt;
}

bool is_asset_code(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

bool is_yymmdd(std::string_view s) noexcept {
  if (s.size() != 6) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  const int month = (s[2] - '0') * 10 + (s[3] - '0');
  const int day = (s[4] - '0') * 10 + (s[5] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

std::string canonical_decimal(std::string_view text) {
  astra_decimal d{};
  if (!sdk::parse_decimal(text, d) || d.mantissa <= 0) return {};
  while (d.exponent < 0 && d.mantissa % 10 == 0) {
    d.mantissa /= 10;
    ++d.exponent;
  }
  return sdk::format_decimal(d);
}

namespace {
std::string join(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out.push_back('-');
    out.append(p);
  }
  return out;
}
}  // namespace

std::string spot_symbol(std::string_view base, std::string_view quote) {
  return join({"OKX", "SPOT", base, quote});
}

std::string perp_symbol(std::string_view base, std::string_view quote, bool inverse) {
  return join({"OKX", "PERP", base, quote, inverse ? "COINM" : ""});
}

std::string future_symbol(std::string_view base, std::string_view quote, std::string_view yymmdd,
                          bool inverse) {
  return join({"OKX", "FUT", base, quote, yymmdd, inverse ? "COINM" : ""});
}

std::string option_symbol(std::string_view base, std::string_view quote, std::string_view yymmdd,
                          std::string_view strike, char type) {
  const char t[2] = {type, '\0'};
  return join({"OKX", "OPT", base, quote, yymmdd, strike, t});
}

}  // namespace astra::okx
