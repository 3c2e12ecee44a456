#include <astra/core/symbol.hpp>

#include <array>
#include <cstddef>

namespace astra::core {
namespace {

constexpr size_t kMaxSymbolLength = 128;
constexpr size_t kMaxParts = 9;  // OPT with everything: 8, one more to detect extras

bool is_upper_alnum(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
bool is_token(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_upper_alnum(c)) return false;
  return true;
}
bool all_digits(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

// Quotes a piece of user input for a message, shortened so an error stays readable.
std::string quoted(std::string_view s) {
  constexpr size_t kMax = 40;
  std::string out = "'";
  out.append(s.substr(0, kMax));
  if (s.size() > kMax) out.append("...");
  out.push_back('\'');
  return out;
}

Error bad(std::string message) {
  return make_error(ASTRA_E_INVALID_ARGUMENT, "bad_symbol", std::move(message));
}

bool valid_date(std::string_view yymmdd) noexcept {
  if (yymmdd.size() != 6 || !all_digits(yymmdd)) return false;
  const int year = 2000 + (yymmdd[0] - '0') * 10 + (yymmdd[1] - '0');
  const int month = (yymmdd[2] - '0') * 10 + (yymmdd[3] - '0');
  const int day = (yymmdd[4] - '0') * 10 + (yymmdd[5] - '0');
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int max_day = (month == 2 && leap) ? 29 : kDays[static_cast<size_t>(month - 1)];
  return day <= max_day;
}

// Canonical positive decimal: digits with an optional fraction, no leading zeros in the integer
// part (except a single 0 before the point), no trailing zeros in the fraction, no exponent.
// Canonical so that one strike has exactly one symbol.
const char* strike_problem(std::string_view s) noexcept {
  const size_t dot = s.find('.');
  const std::string_view int_part = s.substr(0, dot);
  const std::string_view frac_part =
      dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (!all_digits(int_part)) return "must be a plain decimal number like 50000 or 0.5";
  if (dot != std::string_view::npos && !all_digits(frac_part))
    return "must be a plain decimal number like 50000 or 0.5";
  if (int_part.size() > 1 && int_part[0] == '0') return "must not have leading zeros";
  if (!frac_part.empty() && frac_part.back() == '0') return "must not have trailing zeros";
  bool nonzero = false;
  for (char c : s)
    if (c >= '1' && c <= '9') nonzero = true;
  if (!nonzero) return "must be positive";
  return nullptr;
}

// A disambiguator starts with a letter, so a date or a number in its place is reported as such.
bool is_disambiguator(std::string_view s) noexcept {
  return is_token(s) && s[0] >= 'A' && s[0] <= 'Z';
}

}  // namespace

std::string_view to_string(AssetType t) noexcept {
  switch (t) {
    case AssetType::spot:
      return "SPOT";
    case AssetType::perp:
      return "PERP";
    case AssetType::fut:
      return "FUT";
    case AssetType::opt:
      return "OPT";
  }
  return "UNKNOWN";
}

std::string_view symbol_exchange(std::string_view text) noexcept {
  return text.substr(0, text.find('-'));
}

Result<MarketSymbol> parse_symbol(std::string_view text) {
  if (text.empty()) return bad("symbol is empty");
  if (text.size() > kMaxSymbolLength)
    return bad("symbol is longer than " + std::to_string(kMaxSymbolLength) + " characters");

  std::array<std::string_view, kMaxParts> parts;
  size_t n = 0;
  size_t start = 0;
  while (true) {
    const size_t dash = text.find('-', start);
    if (n == kMaxParts) return bad("symbol " + quoted(text) + " has too many parts");
    parts[n++] = text.substr(start, dash == std::string_view::npos ? dash : dash - start);
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  for (size_t i = 0; i < n; ++i)
    if (parts[i].empty()) return bad("symbol " + quoted(text) + " has an empty part");
  if (n < 4) return bad("symbol " + quoted(text) + " must be EXCHANGE-TYPE-BASE-QUOTE[-...]");

  MarketSymbol s;
  if (!is_token(parts[0]))
    return bad("exchange " + quoted(parts[0]) + " must be upper-case letters and digits");
  s.exchange = parts[0];

  const std::string_view type = parts[1];
  if (type == "SPOT")
    s.type = AssetType::spot;
  else if (type == "PERP")
    s.type = AssetType::perp;
  else if (type == "FUT")
    s.type = AssetType::fut;
  else if (type == "OPT")
    s.type = AssetType::opt;
  else
    return bad("asset type " + quoted(type) + " must be SPOT, PERP, FUT or OPT");

  if (!is_token(parts[2]))
    return bad("base " + quoted(parts[2]) + " must be upper-case letters and digits");
  if (!is_token(parts[3]))
    return bad("quote " + quoted(parts[3]) + " must be upper-case letters and digits");
  s.base = parts[2];
  s.quote = parts[3];

  size_t i = 4;  // next part
  const std::string_view type_name = to_string(s.type);
  if (s.type == AssetType::fut || s.type == AssetType::opt) {
    if (i == n) return bad(std::string(type_name) + " needs an expiry YYMMDD");
    if (parts[i].size() != 6 || !all_digits(parts[i]))
      return bad("expiry " + quoted(parts[i]) + " must be YYMMDD");
    if (!valid_date(parts[i])) return bad("expiry " + quoted(parts[i]) + " is not a valid date");
    s.expiry = parts[i++];
  }
  if (s.type == AssetType::opt) {
    if (i + 2 > n) return bad("OPT needs a strike and C or P");
    if (const char* problem = strike_problem(parts[i]))
      return bad("strike " + quoted(parts[i]) + " " + problem);
    s.strike = parts[i++];
    if (parts[i] != "C" && parts[i] != "P")
      return bad("option kind " + quoted(parts[i]) + " must be C or P");
    s.option_kind = parts[i++][0];
  }
  if (i < n) {
    const std::string_view d = parts[i];
    if (!is_disambiguator(d)) {
      if (all_digits(d) && (s.type == AssetType::spot || s.type == AssetType::perp))
        return bad(std::string(type_name) + " takes no expiry or strike (got " + quoted(d) + ")");
      return bad("disambiguator " + quoted(d) +
                 " must be upper-case letters and digits, starting with a letter");
    }
    s.disambiguator = d;
    ++i;
  }
  if (i < n)
    return bad("symbol " + quoted(text) + " has unexpected parts after " + quoted(parts[i - 1]));
  return s;
}

std::string format_symbol(const MarketSymbol& s) {
  std::string out;
  out.reserve(s.exchange.size() + s.base.size() + s.quote.size() + s.expiry.size() +
              s.strike.size() + s.disambiguator.size() + 16);
  out.append(s.exchange).push_back('-');
  out.append(to_string(s.type)).push_back('-');
  out.append(s.base).push_back('-');
  out.append(s.quote);
  if (!s.expiry.empty()) out.append("-").append(s.expiry);
  if (!s.strike.empty()) out.append("-").append(s.strike);
  if (s.option_kind != 0) out.append("-").push_back(s.option_kind);
  if (!s.disambiguator.empty()) out.append("-").append(s.disambiguator);
  return out;
}

}  // namespace astra::core
