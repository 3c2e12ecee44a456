#include "numbers.hpp"

#include <astra/sdk/decimal.hpp>

#include <cstdlib>
#include <string>

namespace astra::sim::huobi {

namespace {

// Significant digits (no leading or trailing zeros) and the power of ten of the first digit:
// 0.00123 -> ("123", -3), 57000 -> ("57", 4). Zero gives ("", 0).
void digits_of(astra_decimal v, std::string& digits, int& power) {
  digits = std::to_string(v.mantissa < 0 ? -v.mantissa : v.mantissa);
  if (v.mantissa == 0) {
    digits.clear();
    power = 0;
    return;
  }
  power = static_cast<int>(digits.size()) - 1 + v.exponent;
  while (!digits.empty() && digits.back() == '0')
    digits.pop_back();
}

}  // namespace

std::string java_double_text(astra_decimal value) {
  std::string digits;
  int power = 0;
  digits_of(value, digits, power);
  if (digits.empty()) return "0.0";
  std::string out = value.mantissa < 0 ? "-" : "";
  if (power >= -3 && power < 7) {
    // Plain form with at least one fractional digit.
    if (power < 0) {
      out += "0.";
      out.append(static_cast<size_t>(-power - 1), '0');
      out += digits;
      return out;
    }
    const size_t int_len = static_cast<size_t>(power) + 1;
    if (digits.size() <= int_len) {
      out += digits;
      out.append(int_len - digits.size(), '0');
      out += ".0";
    } else {
      out += digits.substr(0, int_len);
      out += '.';
      out += digits.substr(int_len);
    }
    return out;
  }
  // Computerized scientific notation: one digit, the point, at least one more digit, E, power.
  out += digits[0];
  out += '.';
  out += digits.size() > 1 ? digits.substr(1) : "0";
  out += 'E';
  out += std::to_string(power);
  return out;
}

std::string plain_text(astra_decimal value) {
  while (value.exponent < 0 && value.mantissa % 10 == 0 && value.mantissa != 0) {
    value.mantissa /= 10;
    ++value.exponent;
  }
  if (value.mantissa == 0) value.exponent = 0;
  return sdk::format_decimal(value);
}

std::optional<astra_decimal> times(int64_t units, astra_decimal unit) {
  sdk::detail::int128 m = static_cast<sdk::detail::int128>(units) * unit.mantissa;
  if (m > INT64_MAX || m < -INT64_MAX) return std::nullopt;
  return astra_decimal{static_cast<int64_t>(m), unit.exponent};
}

}  // namespace astra::sim::huobi
