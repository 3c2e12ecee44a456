#include <astra/sim/units.hpp>

#include <gtest/gtest.h>

namespace astra::sim {
namespace {

TEST(Units, FormatsTicksWithTheVenuesDigits) {
  const auto tick = parse_unit("0.00010000");
  ASSERT_TRUE(tick);
  EXPECT_EQ(format_units(3527, *tick, 8), "0.35270000");
  EXPECT_EQ(format_units(0, *tick, 8), "0.00000000");
  const auto lot = parse_unit("1.00000000");
  ASSERT_TRUE(lot);
  EXPECT_EQ(format_units(9602, *lot, 8), "9602.00000000");
  EXPECT_EQ(format_units(57000'01, *parse_unit("0.01"), 8), "57000.01000000");
  EXPECT_EQ(format_units(76120, *parse_unit("0.0001"), 4), "7.6120");
}

TEST(Units, RefusesDigitsFinerThanTheUnit) {
  EXPECT_FALSE(format_units(1, *parse_unit("0.001"), 2));
  EXPECT_EQ(format_units(10, *parse_unit("0.001"), 2), "0.01");  // exact, so allowed
}

TEST(Units, ParsesOnlyPositiveUnits) {
  EXPECT_FALSE(parse_unit("0"));
  EXPECT_FALSE(parse_unit("-0.01"));
  EXPECT_FALSE(parse_unit("abc"));
  EXPECT_FALSE(parse_unit(""));
}

TEST(Units, ConvertsExactMultiplesOnly) {
  astra_decimal v{};
  ASSERT_TRUE(sdk::parse_decimal("0.3525", v));
  EXPECT_EQ(to_units(v, *parse_unit("0.00010000")), 3525);
  EXPECT_FALSE(to_units(v, *parse_unit("0.001")));
  ASSERT_TRUE(sdk::parse_decimal("57000.00", v));
  EXPECT_EQ(to_units(v, *parse_unit("0.01000000")), 5700000);
}

}  // namespace
}  // namespace astra::sim
