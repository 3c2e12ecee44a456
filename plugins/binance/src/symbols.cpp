#include "symbols.hpp"

#include <cstdio>

namespace astra::binance {

std::string_view family_name(Family f) noexcept {
  switch (f) {
    case Family::spot:
      return "spot";
    case Family::usdm:
      return "usdm";
    case Family::coinm:
      return "coinm";
  }
  return "?";
}

std::optional<Family> parse_family(std::string_view name) noexcept {
  if (name == "spot") return Family::spot;
  if (name == "usdm") return Family::usdm;
  if (name == "coinm") return Family::coinm;
  return std::nullopt;
}

bool is_asset_code(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

std::string yymmdd_from_ms(int64_t ms) {
  // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
  int64_t days = ms / 86'400'000;
  if (ms < 0 && ms % 86'400'000 != 0) --days;
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d%02d%02d", static_cast<int>(((y % 100) + 100) % 100),
                static_cast<int>(m), static_cast<int>(d));
  return buf;
}

namespace {
std::string join(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) {
    if (!out.empty()) out.push_back('-');
    out.append(p);
  }
  return out;
}
}  // namespace

std::string spot_symbol(std::string_view base, std::string_view quote) {
  return join({"BINANCE", "SPOT", base, quote});
}

std::string perp_symbol(Family f, std::string_view base, std::string_view quote) {
  if (f == Family::coinm) return join({"BINANCE", "PERP", base, quote, "COINM"});
  return join({"BINANCE", "PERP", base, quote});
}

std::string future_symbol(Family f, std::string_view base, std::string_view quote,
                          std::string_view yymmdd) {
  if (f == Family::coinm) return join({"BINANCE", "FUT", base, quote, yymmdd, "COINM"});
  return join({"BINANCE", "FUT", base, quote, yymmdd});
}

namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}
}  // namespace

std::string depth_stream(std::string_view venue_symbol) {
  return lower(venue_symbol) + "@depth@100ms";
}
std::string trade_stream(std::string_view venue_symbol) {
  return lower(venue_symbol) + "@aggTrade";
}

}  // namespace astra::binance
