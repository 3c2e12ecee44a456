#include <astra/sdk/decimal.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace {

using astra::sdk::compare_decimal;
using astra::sdk::format_decimal;
using astra::sdk::parse_decimal;
using astra::sdk::rescale_decimal;

astra_decimal parse(const std::string& text) {
  astra_decimal d{-1, -1};
  EXPECT_TRUE(parse_decimal(text, d)) << text;
  return d;
}

bool rejects(const std::string& text) {
  astra_decimal d{7, 7};
  const bool ok = parse_decimal(text, d);
  // A rejected parse must leave the output alone.
  return !ok && d.mantissa == 7 && d.exponent == 7;
}

TEST(Decimal, ParseKeepsTheVenuesDecimals) {
  auto d = parse("0.35270000");
  EXPECT_EQ(d.mantissa, 35270000);
  EXPECT_EQ(d.exponent, -8);
  EXPECT_EQ(format_decimal(d), "0.35270000");
  d = parse("30261.0");
  EXPECT_EQ(d.mantissa, 302610);
  EXPECT_EQ(d.exponent, -1);
  d = parse("-12");
  EXPECT_EQ(d.mantissa, -12);
  EXPECT_EQ(d.exponent, 0);
  d = parse("+5");
  EXPECT_EQ(d.mantissa, 5);
  d = parse("007.50");
  EXPECT_EQ(d.mantissa, 750);
  EXPECT_EQ(d.exponent, -2);
  d = parse(".5");
  EXPECT_EQ(d.mantissa, 5);
  EXPECT_EQ(d.exponent, -1);
  d = parse("5.");
  EXPECT_EQ(d.mantissa, 5);
  EXPECT_EQ(d.exponent, 0);
  d = parse("0");
  EXPECT_EQ(d.mantissa, 0);
  d = parse("-0.000");
  EXPECT_EQ(d.mantissa, 0);
  EXPECT_EQ(d.exponent, -3);
}

TEST(Decimal, ParseExponentForms) {
  auto d = parse("1.5e-7");
  EXPECT_EQ(d.mantissa, 15);
  EXPECT_EQ(d.exponent, -8);
  EXPECT_EQ(format_decimal(d), "0.00000015");
  d = parse("1E+3");
  EXPECT_EQ(d.mantissa, 1);
  EXPECT_EQ(d.exponent, 3);
  EXPECT_EQ(format_decimal(d), "1000");
  d = parse("2.50E2");
  EXPECT_EQ(format_decimal(d), "250");
  EXPECT_EQ(compare_decimal(d, parse("250")), 0);
  d = parse("-3e0");
  EXPECT_EQ(d.mantissa, -3);
  EXPECT_EQ(d.exponent, 0);
  // HTX sends scientific notation for tiny prices.
  d = parse("8.1e-05");
  EXPECT_EQ(format_decimal(d), "0.000081");
}

TEST(Decimal, EighteenDigitLimits) {
  // 18 significant digits fit exactly.
  auto d = parse("999999999999999999");
  EXPECT_EQ(d.mantissa, 999999999999999999);
  d = parse("-123456789.123456789");
  EXPECT_EQ(d.mantissa, -123456789123456789);
  EXPECT_EQ(d.exponent, -9);
  EXPECT_EQ(format_decimal(d), "-123456789.123456789");
  // 19 significant digits do not (no silent rounding).
  EXPECT_TRUE(rejects("1234567890123456789"));
  EXPECT_TRUE(rejects("1234567890.123456789"));
  EXPECT_TRUE(rejects("0.1234567890123456789"));
  // The mixed case that used to overflow the mantissa: 10 + 10 digits.
  EXPECT_TRUE(rejects("1234567890.1234567891"));
  EXPECT_TRUE(rejects("99999999999999999999999999999999999999"));
}

TEST(Decimal, LongInputsThatStillFitAfterDroppingZeros) {
  // Leading zeros never count.
  auto d = parse("0000000000000000000000001.5");
  EXPECT_EQ(d.mantissa, 15);
  EXPECT_EQ(d.exponent, -1);
  d = parse("0.0000000000000000001");
  EXPECT_EQ(d.mantissa, 1);
  EXPECT_EQ(d.exponent, -19);
  // Trailing fractional zeros are dropped only as far as needed (HTX's 40-digit numbers).
  d = parse("1.000000000000000000000000000000000000000");
  EXPECT_EQ(compare_decimal(d, parse("1")), 0);
  EXPECT_EQ(format_decimal(d), "1.00000000000000000");  // 18 significant digits kept
  d = parse("12345678901234567.80000000000000000000000");
  EXPECT_EQ(d.mantissa, 123456789012345678);
  EXPECT_EQ(d.exponent, -1);
  // Trailing zeros of a long integer move into the exponent.
  d = parse("1000000000000000000000");
  EXPECT_EQ(d.mantissa, 100000000000000000);
  EXPECT_EQ(d.exponent, 4);
  EXPECT_EQ(format_decimal(d), "1000000000000000000000");
  d = parse("1000000000000000000000.000");
  EXPECT_EQ(format_decimal(d), "1000000000000000000000");
}

TEST(Decimal, RejectsGarbage) {
  for (const char* bad :
       {"",     " ",   "-",   "+",         ".",      "-.",   "1.2.3", "1,5",   "abc", "1a",
        "0x10", " 1",  "1 ",  "1e",        "1e+",    "1e-",  "e5",    "1e5.5", "--1", "+-1",
        "1..",  "NaN", "inf", "-Infinity", "1e1001", "1e61", "1e-61", "１"}) {
    EXPECT_TRUE(rejects(bad)) << '"' << bad << '"';
  }
  // An embedded NUL is not the end of the text.
  EXPECT_TRUE(
      rejects(std::string("1\0"
                          "2",
                          3)));
}

TEST(Decimal, FormatRoundTrips) {
  for (const char* text : {"0", "1", "-1", "0.1", "0.00000001", "123.456", "-0.5", "100", "30240.1",
                           "0.35270000", "5.48590139", "999999999999999999"}) {
    EXPECT_EQ(format_decimal(parse(text)), text);
  }
  EXPECT_EQ(format_decimal({15, 2}), "1500");
  EXPECT_EQ(format_decimal({0, 3}), "0");
  EXPECT_EQ(format_decimal({0, -2}), "0.00");
  EXPECT_EQ(format_decimal({-5, -3}), "-0.005");
  EXPECT_EQ(format_decimal({std::numeric_limits<int64_t>::min(), 0}), "-9223372036854775808");
  EXPECT_EQ(format_decimal({std::numeric_limits<int64_t>::max(), -19}), "0.9223372036854775807");
}

TEST(Decimal, FormatAbsurdExponentsStaysSmall) {
  // A decimal from another plugin may carry any exponent: no gigabyte of zeros.
  EXPECT_EQ(format_decimal({15, 100}), "15e100");
  EXPECT_EQ(format_decimal({-15, -100}), "-15e-100");
  EXPECT_EQ(format_decimal({1, std::numeric_limits<int32_t>::max()}), "1e2147483647");
  EXPECT_EQ(format_decimal({1, std::numeric_limits<int32_t>::min()}), "1e-2147483648");
  // Within the bound, plain text.
  EXPECT_EQ(format_decimal({1, 64}).size(), 65u);
}

TEST(Decimal, CompareValuesNotTexts) {
  EXPECT_EQ(compare_decimal(parse("1.0"), parse("1.00")), 0);
  EXPECT_EQ(compare_decimal(parse("1"), parse("1e0")), 0);
  EXPECT_LT(compare_decimal(parse("0.1"), parse("0.11")), 0);
  EXPECT_GT(compare_decimal(parse("30240.1"), parse("30240")), 0);
  EXPECT_LT(compare_decimal(parse("-2"), parse("-1.5")), 0);
  EXPECT_GT(compare_decimal(parse("0"), parse("-0.0001")), 0);
  EXPECT_LT(compare_decimal(parse("-1e-30"), parse("1e-30")), 0);
  EXPECT_TRUE(astra::sdk::decimal_equal(parse("2.50"), parse("2.5")));
  EXPECT_TRUE(astra::sdk::is_zero(parse("0.000")));
}

TEST(Decimal, CompareZerosWithAnyExponent) {
  // Used to say 0e100 > 0e0.
  EXPECT_EQ(compare_decimal({0, 100}, {0, 0}), 0);
  EXPECT_EQ(compare_decimal({0, -50}, {0, 50}), 0);
  EXPECT_LT(compare_decimal({0, 100}, {1, -100}), 0);
  EXPECT_GT(compare_decimal({0, 100}, {-1, 100}), 0);
}

TEST(Decimal, CompareLargeExponentGapsExactly) {
  const int64_t big = 999999999999999999;
  // Gaps of 19..36 used to overflow the 128-bit product.
  EXPECT_LT(compare_decimal({big, 0}, {1, 20}), 0);
  EXPECT_GT(compare_decimal({1, 20}, {big, 0}), 0);
  EXPECT_LT(compare_decimal({big, -36}, {1, -17}), 0);
  EXPECT_GT(compare_decimal({-big, -36}, {-1, -17}), 0);
  // 18 apart: exact 128-bit comparison of nearly equal values.
  EXPECT_LT(compare_decimal({big, 0}, {1, 18}), 0);
  EXPECT_EQ(compare_decimal({100000000000000000, 1}, {1, 18}), 0);
  EXPECT_GT(compare_decimal({100000000000000001, 1}, {1, 18}), 0);
  // Extreme exponents: no signed overflow in the difference.
  const int32_t max = std::numeric_limits<int32_t>::max();
  const int32_t min = std::numeric_limits<int32_t>::min();
  EXPECT_GT(compare_decimal({1, max}, {big, min}), 0);
  EXPECT_LT(compare_decimal({-1, max}, {-big, min}), 0);
  EXPECT_LT(compare_decimal({std::numeric_limits<int64_t>::min(), 0},
                            {std::numeric_limits<int64_t>::max(), 0}),
            0);
}

TEST(Decimal, CompareIsATotalOrderOnASample) {
  const char* texts[] = {"-100", "-1.5", "-1.50", "-0.001", "0",  "0.000", "1e-9",  "0.5",
                         "0.50", "1",    "1.0",   "2",      "10", "1e1",   "99.99", "1e2"};
  for (const char* a : texts) {
    for (const char* b : texts) {
      const int ab = compare_decimal(parse(a), parse(b));
      const int ba = compare_decimal(parse(b), parse(a));
      EXPECT_EQ(ab, -ba) << a << " vs " << b;
    }
  }
}

TEST(Decimal, RescaleForKrakenPrecision) {
  astra_decimal out{};
  ASSERT_TRUE(rescale_decimal(parse("0.566"), 4, out));
  EXPECT_EQ(format_decimal(out), "0.5660");
  ASSERT_TRUE(rescale_decimal(parse("18097.1547"), 8, out));
  EXPECT_EQ(format_decimal(out), "18097.15470000");
  ASSERT_TRUE(rescale_decimal(parse("1.500"), 1, out));  // dropping zeros is exact
  EXPECT_EQ(format_decimal(out), "1.5");
  ASSERT_TRUE(rescale_decimal(parse("0"), 3, out));
  EXPECT_EQ(format_decimal(out), "0.000");
  ASSERT_TRUE(rescale_decimal({0, std::numeric_limits<int32_t>::max()}, 2, out));
  EXPECT_EQ(format_decimal(out), "0.00");
  EXPECT_FALSE(rescale_decimal(parse("1.55"), 1, out));        // would lose a digit
  EXPECT_FALSE(rescale_decimal(parse("123456789"), 10, out));  // 19 digits
  EXPECT_FALSE(rescale_decimal(parse("1"), -1, out));
  EXPECT_FALSE(rescale_decimal({1, std::numeric_limits<int32_t>::max()}, 0, out));
}

}  // namespace
