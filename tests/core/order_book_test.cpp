#include <astra/core/order_book.hpp>

#include <gtest/gtest.h>
#include <astra/sdk/decimal.hpp>

#include <map>
#include <random>
#include <vector>

#include "test_levels.hpp"

namespace astra::core {
namespace {

using test::dec;
using test::lvl;

bool same(const Level& a, const Level& b) {
  return a.price.mantissa == b.price.mantissa && a.price.exponent == b.price.exponent &&
         a.quantity.mantissa == b.quantity.mantissa && a.quantity.exponent == b.quantity.exponent;
}

TEST(OrderBook, SnapshotSortsAndDropsZeros) {
  OrderBook book;
  const std::vector<Level> bids = {lvl("99.5", "1"), lvl("100", "2"), lvl("98", "0"),
                                   lvl("99", "3")};
  const std::vector<Level> asks = {lvl("101", "1"), lvl("100.5", "0.10"), lvl("102", "0")};
  book.apply_snapshot(bids, asks);
  EXPECT_EQ(book.bid_count(), 3u);
  EXPECT_EQ(book.ask_count(), 2u);
  std::vector<Level> b, a;
  book.top(0, b, a);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_TRUE(same(b[0], lvl("100", "2")));
  EXPECT_TRUE(same(b[1], lvl("99.5", "1")));
  EXPECT_TRUE(same(b[2], lvl("99", "3")));
  ASSERT_EQ(a.size(), 2u);
  EXPECT_TRUE(same(a[0], lvl("100.5", "0.10")));  // exact digits kept
  EXPECT_TRUE(same(a[1], lvl("101", "1")));
  EXPECT_FALSE(book.crossed());
}

TEST(OrderBook, SnapshotBestFirstAndDuplicates) {
  OrderBook book;
  const std::vector<Level> bids = {lvl("3", "1"), lvl("2", "1"), lvl("1", "1")};
  const std::vector<Level> asks = {lvl("5", "1"), lvl("4", "1"), lvl("5.0", "7")};  // dup 5
  book.apply_snapshot(bids, asks);
  std::vector<Level> b, a;
  book.top(0, b, a);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_TRUE(same(b[0], lvl("3", "1")));
  ASSERT_EQ(a.size(), 2u);
  EXPECT_TRUE(same(a[0], lvl("4", "1")));
  EXPECT_TRUE(same(a[1], lvl("5.0", "7")));  // the last duplicate wins
}

TEST(OrderBook, UpdateInsertsReplacesRemoves) {
  OrderBook book;
  book.apply_snapshot(std::vector<Level>{lvl("100", "1"), lvl("99", "1")},
                      std::vector<Level>{lvl("101", "1"), lvl("102", "1")});
  // Same price in another representation replaces the level; 0 removes; new prices insert.
  book.apply_update(std::vector<Level>{lvl("100.00", "5"), lvl("99", "0"), lvl("99.5", "2")},
                    std::vector<Level>{lvl("101", "0"), lvl("103", "4"), lvl("104", "0")});
  std::vector<Level> b, a;
  book.top(0, b, a);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_TRUE(same(b[0], lvl("100.00", "5")));
  EXPECT_TRUE(same(b[1], lvl("99.5", "2")));
  ASSERT_EQ(a.size(), 2u);
  EXPECT_TRUE(same(a[0], lvl("102", "1")));
  EXPECT_TRUE(same(a[1], lvl("103", "4")));
  EXPECT_TRUE(same(*book.best_bid(), lvl("100.00", "5")));
  EXPECT_TRUE(same(*book.best_ask(), lvl("102", "1")));
}

TEST(OrderBook, CrossedAndEmpty) {
  OrderBook book;
  EXPECT_FALSE(book.best_bid().has_value());
  EXPECT_FALSE(book.best_ask().has_value());
  EXPECT_FALSE(book.crossed());
  book.apply_snapshot(std::vector<Level>{lvl("100", "1")}, std::vector<Level>{});
  EXPECT_FALSE(book.crossed());  // one side only
  book.apply_update(std::vector<Level>{}, std::vector<Level>{lvl("100.0", "1")});
  EXPECT_TRUE(book.crossed());  // bid == ask counts as crossed
  book.apply_update(std::vector<Level>{}, std::vector<Level>{lvl("100.0", "0"), lvl("99", "1")});
  EXPECT_TRUE(book.crossed());
  book.clear();
  EXPECT_EQ(book.bid_count() + book.ask_count(), 0u);
  EXPECT_FALSE(book.crossed());
}

TEST(OrderBook, TopLimitsDepth) {
  OrderBook book;
  std::vector<Level> bids, asks;
  for (int i = 1; i <= 10; ++i) {
    bids.push_back(Level{astra_decimal{i, 0}, astra_decimal{1, 0}});
    asks.push_back(Level{astra_decimal{100 + i, 0}, astra_decimal{1, 0}});
  }
  book.apply_snapshot(bids, asks);
  std::vector<Level> b, a;
  book.top(3, b, a);
  ASSERT_EQ(b.size(), 3u);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(b[0].price.mantissa, 10);
  EXPECT_EQ(b[2].price.mantissa, 8);
  EXPECT_EQ(a[0].price.mantissa, 101);
  EXPECT_EQ(a[2].price.mantissa, 103);
  book.top(50, b, a);
  EXPECT_EQ(b.size(), 10u);
}

// The reference: std::map keyed by value, holding the last level given for that value.
struct DecimalLess {
  bool operator()(const astra_decimal& a, const astra_decimal& b) const {
    return sdk::compare_decimal(a, b) < 0;
  }
};
using RefSide = std::map<astra_decimal, Level, DecimalLess>;

void ref_apply(RefSide& side, const Level& l) {
  if (l.quantity.mantissa == 0)
    side.erase(l.price);
  else
    side.insert_or_assign(l.price, l);
}

void expect_equal(const OrderBook& book, const RefSide& bids, const RefSide& asks, int step) {
  std::vector<Level> b, a;
  book.top(0, b, a);
  ASSERT_EQ(b.size(), bids.size()) << "step " << step;
  ASSERT_EQ(a.size(), asks.size()) << "step " << step;
  size_t i = 0;
  for (auto it = bids.rbegin(); it != bids.rend(); ++it, ++i)
    ASSERT_TRUE(same(b[i], it->second)) << "bid " << i << " step " << step;
  i = 0;
  for (auto it = asks.begin(); it != asks.end(); ++it, ++i)
    ASSERT_TRUE(same(a[i], it->second)) << "ask " << i << " step " << step;
}

TEST(OrderBook, MatchesMapReferenceUnderRandomEvents) {
  std::mt19937_64 rng(20240607);
  // Prices on a 0.01 grid, sometimes written with an extra trailing zero (same value).
  auto random_level = [&](int lo, int hi, int zero_percent) {
    const int64_t ticks = std::uniform_int_distribution<int64_t>(lo, hi)(rng);
    const bool wide = rng() % 4 == 0;
    Level l{};
    l.price = wide ? astra_decimal{ticks * 10, -3} : astra_decimal{ticks, -2};
    const bool zero = static_cast<int>(rng() % 100) < zero_percent;
    l.quantity =
        astra_decimal{zero ? 0 : std::uniform_int_distribution<int64_t>(1, 99999)(rng), -4};
    return l;
  };
  for (int round = 0; round < 20; ++round) {
    OrderBook book;
    RefSide ref_bids, ref_asks;
    // A snapshot in random order, with duplicates and zeros.
    std::vector<Level> bids, asks;
    const int n = static_cast<int>(rng() % 60);
    for (int i = 0; i < n; ++i) {
      bids.push_back(random_level(1, 5000, 10));
      asks.push_back(random_level(5001, 10000, 10));
    }
    book.apply_snapshot(bids, asks);
    for (const Level& l : bids)
      ref_apply(ref_bids, l);
    for (const Level& l : asks)
      ref_apply(ref_asks, l);
    expect_equal(book, ref_bids, ref_asks, -1);
    for (int step = 0; step < 500; ++step) {
      std::vector<Level> ub, ua;
      const int k = static_cast<int>(rng() % 8);
      for (int i = 0; i < k; ++i) {
        ub.push_back(random_level(1, 5000, 35));
        ua.push_back(random_level(5001, 10000, 35));
      }
      book.apply_update(ub, ua);
      for (const Level& l : ub)
        ref_apply(ref_bids, l);
      for (const Level& l : ua)
        ref_apply(ref_asks, l);
      expect_equal(book, ref_bids, ref_asks, step);
      if (HasFatalFailure()) return;
    }
  }
}

}  // namespace
}  // namespace astra::core
