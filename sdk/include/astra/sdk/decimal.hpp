// Exact decimals for prices and quantities: parse the venue's text, compare, format it back.
//
// A decimal keeps the venue's own number of fractional digits ("0.35270000" is 35270000e-8), so
// formatting reproduces the venue's text and checksums computed from it stay valid.
#pragma once

#include <astra/connector.h>

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace astra::sdk {

namespace detail {
__extension__ typedef __int128 int128;  // GCC and Clang; exact products of two int64 values
}  // namespace detail

// Parses "123", "-0.0010", "1.5e-7", "1E+3". Rejects empty input, garbage, and values whose
// digits do not fit 18 significant digits (after dropping trailing fractional zeros).
inline bool parse_decimal(std::string_view text, astra_decimal& out) noexcept {
  const char* p = text.data();
  const char* end = p + text.size();
  if (p == end) return false;
  bool negative = false;
  if (*p == '-' || *p == '+') {
    negative = (*p == '-');
    ++p;
  }
  // Collect digits; remember where the point was.
  const char* int_begin = p;
  while (p != end && *p >= '0' && *p <= '9')
    ++p;
  const char* int_end = p;
  const char* frac_begin = p;
  const char* frac_end = p;
  if (p != end && *p == '.') {
    ++p;
    frac_begin = p;
    while (p != end && *p >= '0' && *p <= '9')
      ++p;
    frac_end = p;
  }
  if (int_begin == int_end && frac_begin == frac_end) return false;
  int64_t exp10 = 0;
  if (p != end && (*p == 'e' || *p == 'E')) {
    ++p;
    bool exp_negative = false;
    if (p != end && (*p == '-' || *p == '+')) {
      exp_negative = (*p == '-');
      ++p;
    }
    if (p == end) return false;
    int64_t e = 0;
    while (p != end && *p >= '0' && *p <= '9') {
      e = e * 10 + (*p - '0');
      if (e > 1000) return false;
      ++p;
    }
    exp10 = exp_negative ? -e : e;
  }
  if (p != end) return false;
  // Drop trailing fractional zeros only when needed to fit: keeping them preserves the text.
  size_t int_digits = static_cast<size_t>(int_end - int_begin);
  size_t frac_digits = static_cast<size_t>(frac_end - frac_begin);
  // Skip leading zeros of the integer part (they carry no value).
  while (int_digits > 0 && *int_begin == '0') {
    ++int_begin;
    --int_digits;
  }
  size_t significant = int_digits + frac_digits;
  if (significant > 18) {
    while (frac_digits > 0 && frac_begin[frac_digits - 1] == '0' && int_digits + frac_digits > 18)
      --frac_digits;
    significant = int_digits + frac_digits;
    if (significant > 18) {
      // Leading zeros of the fraction carry no value either ("0.000000000000000000001").
      const char* f = frac_begin;
      size_t skip = 0;
      if (int_digits == 0) {
        while (skip < frac_digits && f[skip] == '0')
          ++skip;
      }
      if (frac_digits - skip > 18) return false;
    }
  }
  int64_t mantissa = 0;
  for (size_t i = 0; i < int_digits; ++i)
    mantissa = mantissa * 10 + (int_begin[i] - '0');
  for (size_t i = 0; i < frac_digits; ++i)
    mantissa = mantissa * 10 + (frac_begin[i] - '0');
  int64_t exponent = exp10 - static_cast<int64_t>(frac_digits);
  if (exponent < -60 || exponent > 60) return false;
  out.mantissa = negative ? -mantissa : mantissa;
  out.exponent = static_cast<int32_t>(exponent);
  return true;
}

// Appends the plain decimal text (no exponent notation): {35270000,-8} -> "0.35270000",
// {15,2} -> "1500".
inline void append_decimal(std::string& out, astra_decimal d) {
  char digits[24];
  uint64_t m =
      d.mantissa < 0 ? 0 - static_cast<uint64_t>(d.mantissa) : static_cast<uint64_t>(d.mantissa);
  auto [ptr, ec] = std::to_chars(digits, digits + sizeof digits, m);
  (void)ec;
  const size_t n = static_cast<size_t>(ptr - digits);
  if (d.mantissa < 0) out.push_back('-');
  if (d.exponent >= 0) {
    out.append(digits, n);
    if (m != 0) out.append(static_cast<size_t>(d.exponent), '0');
    return;
  }
  const size_t frac = static_cast<size_t>(-static_cast<int64_t>(d.exponent));
  if (n > frac) {
    out.append(digits, n - frac);
    out.push_back('.');
    out.append(digits + (n - frac), frac);
  } else {
    out.append("0.");
    out.append(frac - n, '0');
    out.append(digits, n);
  }
}

inline std::string format_decimal(astra_decimal d) {
  std::string s;
  append_decimal(s, d);
  return s;
}

// Three-way comparison of values (not of texts): 1.0 == 1.00.
inline int compare_decimal(astra_decimal a, astra_decimal b) noexcept {
  if (a.exponent == b.exponent) return a.mantissa < b.mantissa ? -1 : (a.mantissa > b.mantissa);
  // Bring both to the smaller exponent in 128-bit arithmetic; clamp absurd differences.
  detail::int128 x = a.mantissa;
  detail::int128 y = b.mantissa;
  int32_t diff = a.exponent - b.exponent;
  if (diff > 36 || diff < -36) {
    // One side dwarfs the other unless it is zero; compare signs and magnitudes roughly.
    if ((x == 0) != (y == 0) || (x < 0) != (y < 0)) return (x < y) ? -1 : (x > y);
    const bool a_bigger = diff > 0;
    const int sign = x < 0 ? -1 : 1;
    return a_bigger ? sign : -sign;
  }
  detail::int128 scale = 1;
  for (int i = 0; i < (diff > 0 ? diff : -diff); ++i)
    scale *= 10;
  if (diff > 0)
    x *= scale;
  else
    y *= scale;
  return x < y ? -1 : (x > y);
}

inline bool is_zero(astra_decimal d) noexcept {
  return d.mantissa == 0;
}

// Values equal (not texts).
inline bool decimal_equal(astra_decimal a, astra_decimal b) noexcept {
  return compare_decimal(a, b) == 0;
}

}  // namespace astra::sdk
