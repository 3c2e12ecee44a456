#include "astra/sim/units.hpp"

namespace astra::sim {

namespace {
using int128 = sdk::detail::int128;

bool pow10(int n, int128& out) {
  if (n < 0 || n > 36) return false;
  out = 1;
  for (int i = 0; i < n; ++i)
    out *= 10;
  return true;
}
}  // namespace

std::optional<astra_decimal> parse_unit(std::string_view text) {
  astra_decimal d{};
  if (!sdk::parse_decimal(text, d) || d.mantissa <= 0) return std::nullopt;
  return d;
}

std::optional<std::string> format_units(int64_t units, astra_decimal unit, int digits) {
  if (digits < 0 || digits > 18) return std::nullopt;
  // value = units * unit.mantissa * 10^unit.exponent; rescale to exponent -digits.
  int128 m = static_cast<int128>(units) * unit.mantissa;
  const int shift = unit.exponent + digits;
  int128 scale = 1;
  if (!pow10(shift < 0 ? -shift : shift, scale)) return std::nullopt;
  if (shift >= 0) {
    m *= scale;
  } else {
    if (m % scale != 0) return std::nullopt;
    m /= scale;
  }
  const int128 limit = static_cast<int128>(INT64_MAX);
  if (m > limit || m < -limit) return std::nullopt;
  return sdk::format_decimal(astra_decimal{static_cast<int64_t>(m), -digits});
}

std::optional<int64_t> to_units(astra_decimal value, astra_decimal unit) {
  if (unit.mantissa <= 0) return std::nullopt;
  // Bring both to the smaller exponent, then divide exactly.
  int128 a = value.mantissa;
  int128 b = unit.mantissa;
  int128 scale = 1;
  const int diff = value.exponent - unit.exponent;
  if (!pow10(diff < 0 ? -diff : diff, scale)) return std::nullopt;
  if (diff > 0)
    a *= scale;
  else
    b *= scale;
  if (a % b != 0) return std::nullopt;
  const int128 q = a / b;
  if (q > static_cast<int128>(INT64_MAX) || q < -static_cast<int128>(INT64_MAX))
    return std::nullopt;
  return static_cast<int64_t>(q);
}

}  // namespace astra::sim
