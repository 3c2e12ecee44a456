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

// Parses "123", "-0.0010", "1.5e-7", "1E+3", ".5", "5.". Rejects empty input, whitespace,
// garbage, values with more than 18 significant digits (trailing zeros of the fraction are dropped
// and trailing zeros of a long integer move into the exponent only when needed to fit, so the
// venue's text is kept whenever possible), and exponents outside [-60, 60].
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
  size_t int_digits = static_cast<size_t>(int_end - int_begin);
  size_t frac_digits = static_cast<size_t>(frac_end - frac_begin);
  // Leading zeros of the integer part carry no value.
  while (int_digits > 0 && *int_begin == '0') {
    ++int_begin;
    --int_digits;
  }
  // Leading zeros of the fraction carry no value when the integer part is zero ("0.00012").
  size_t frac_leading_zeros = 0;
  if (int_digits == 0) {
    while (frac_leading_zeros < frac_digits && frac_begin[frac_leading_zeros] == '0')
      ++frac_leading_zeros;
  }
  auto significant = [&] { return int_digits + frac_digits - frac_leading_zeros; };
  // Too many digits: drop trailing zeros of the fraction, then move trailing zeros of the integer
  // part into the exponent. Only as far as needed, so that "0.35270000" keeps its 8 decimals.
  while (significant() > 18 && frac_digits > frac_leading_zeros &&
         frac_begin[frac_digits - 1] == '0')
    --frac_digits;
  while (significant() > 18 && frac_digits == 0 && int_digits > 0 &&
         int_begin[int_digits - 1] == '0') {
    --int_digits;
    ++exp10;
  }
  if (significant() > 18) return false;
  int64_t mantissa = 0;
  for (size_t i = 0; i < int_digits; ++i)
    mantissa = mantissa * 10 + (int_begin[i] - '0');
  for (size_t i = frac_leading_zeros; i < frac_digits; ++i)
    mantissa = mantissa * 10 + (frac_begin[i] - '0');
  int64_t exponent = exp10 - static_cast<int64_t>(frac_digits);
  if (exponent < -60 || exponent > 60) return false;
  out.mantissa = negative ? -mantissa : mantissa;
  out.exponent = static_cast<int32_t>(exponent);
  return true;
}

// Appends the plain decimal text: {35270000,-8} -> "0.35270000", {15,2} -> "1500". A decimal
// whose exponent lies outside [-64, 64] (never produced by parse_decimal) is written in exponent
// form, "15e100", rather than as a huge run of zeros.
inline void append_decimal(std::string& out, astra_decimal d) {
  char digits[24];
  uint64_t m =
      d.mantissa < 0 ? 0 - static_cast<uint64_t>(d.mantissa) : static_cast<uint64_t>(d.mantissa);
  auto [ptr, ec] = std::to_chars(digits, digits + sizeof digits, m);
  (void)ec;
  const size_t n = static_cast<size_t>(ptr - digits);
  if (d.mantissa < 0) out.push_back('-');
  if (d.exponent > 64 || d.exponent < -64) {
    out.append(digits, n);
    out.push_back('e');
    char e[16];
    auto [eptr, eec] = std::to_chars(e, e + sizeof e, d.exponent);
    (void)eec;
    out.append(e, eptr);
    return;
  }
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

// Three-way comparison of values (not of texts): 1.0 == 1.00, 0e5 == 0. Exact for every input.
inline int compare_decimal(astra_decimal a, astra_decimal b) noexcept {
  const int sa = (a.mantissa > 0) - (a.mantissa < 0);
  const int sb = (b.mantissa > 0) - (b.mantissa < 0);
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  if (a.exponent == b.exponent) return a.mantissa < b.mantissa ? -1 : (a.mantissa > b.mantissa);
  // Same sign, both non-zero. |mantissa| < 10^19, so when the exponents differ by 19 or more the
  // one with the larger exponent has the larger magnitude. Otherwise scale in 128 bits: at most
  // 9.3e18 * 10^18 < 1.7e38, which fits.
  const int64_t diff = static_cast<int64_t>(a.exponent) - static_cast<int64_t>(b.exponent);
  if (diff >= 19) return sa;
  if (diff <= -19) return -sa;
  detail::int128 x = a.mantissa;
  detail::int128 y = b.mantissa;
  detail::int128 scale = 1;
  for (int64_t i = 0; i < (diff > 0 ? diff : -diff); ++i)
    scale *= 10;
  if (diff > 0)
    x *= scale;
  else
    y *= scale;
  return x < y ? -1 : (x > y);
}

// The same value with exactly `decimals` fractional digits: {566,-3} with 4 -> {5660,-4}, so
// format_decimal gives "0.5660" (Kraken WS v2 checksums need the pair's precision). Returns false
// when that would drop a non-zero digit or overflow 18 digits.
inline bool rescale_decimal(astra_decimal d, int32_t decimals, astra_decimal& out) noexcept {
  if (decimals < 0 || decimals > 60) return false;
  const int64_t target = -static_cast<int64_t>(decimals);
  if (d.mantissa == 0) {
    out = astra_decimal{0, static_cast<int32_t>(target)};
    return true;
  }
  int64_t m = d.mantissa;
  int64_t e = d.exponent;
  while (e > target) {
    if (m > 99999999999999999 || m < -99999999999999999) return false;  // would pass 18 digits
    m *= 10;
    --e;
  }
  while (e < target) {
    if (m % 10 != 0) return false;
    m /= 10;
    ++e;
  }
  out.mantissa = m;
  out.exponent = static_cast<int32_t>(e);
  return true;
}

inline bool is_zero(astra_decimal d) noexcept {
  return d.mantissa == 0;
}

// Values equal (not texts).
inline bool decimal_equal(astra_decimal a, astra_decimal b) noexcept {
  return compare_decimal(a, b) == 0;
}

}  // namespace astra::sdk
