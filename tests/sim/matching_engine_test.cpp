#include <astra/sim/matching_engine.hpp>

#include <gtest/gtest.h>

namespace astra::sim {
namespace {

TEST(MatchingEngine, RestsAndReportsLevelsBestFirst) {
  MatchingEngine book(1000);
  std::vector<Fill> fills;
  ASSERT_TRUE(book.limit(1, Side::kBuy, 99, 5, fills));
  ASSERT_TRUE(book.limit(2, Side::kBuy, 98, 3, fills));
  ASSERT_TRUE(book.limit(3, Side::kBuy, 99, 2, fills));
  ASSERT_TRUE(book.limit(4, Side::kSell, 101, 4, fills));
  ASSERT_TRUE(book.limit(5, Side::kSell, 102, 1, fills));
  EXPECT_TRUE(fills.empty());
  EXPECT_EQ(book.bids(), (std::vector<Level>{{99, 7}, {98, 3}}));
  EXPECT_EQ(book.asks(), (std::vector<Level>{{101, 4}, {102, 1}}));
  EXPECT_EQ(book.asks(1), (std::vector<Level>{{101, 4}}));
  EXPECT_EQ(book.update_id(), 1005u);  // one update per level change
  EXPECT_EQ(book.resting_orders(), 5u);
}

TEST(MatchingEngine, MatchesInPriceThenTimePriority) {
  MatchingEngine book;
  std::vector<Fill> fills;
  book.limit(1, Side::kSell, 101, 2, fills);
  book.limit(2, Side::kSell, 100, 3, fills);
  book.limit(3, Side::kSell, 100, 4, fills);
  ASSERT_TRUE(book.limit(10, Side::kBuy, 101, 8, fills));
  ASSERT_EQ(fills.size(), 3u);
  // Best price first, and at one price the older order first.
  EXPECT_EQ(fills[0].maker_order, 2u);
  EXPECT_EQ(fills[0].price, 100);
  EXPECT_EQ(fills[0].qty, 3);
  EXPECT_EQ(fills[1].maker_order, 3u);
  EXPECT_EQ(fills[1].qty, 4);
  EXPECT_EQ(fills[2].maker_order, 1u);
  EXPECT_EQ(fills[2].price, 101);
  EXPECT_EQ(fills[2].qty, 1);
  for (const auto& f : fills) {
    EXPECT_EQ(f.taker_order, 10u);
    EXPECT_EQ(f.taker_side, Side::kBuy);
  }
  EXPECT_TRUE(book.bids().empty());  // fully filled, nothing rests
  EXPECT_EQ(book.asks(), (std::vector<Level>{{101, 1}}));
}

TEST(MatchingEngine, LimitRemainderRestsAtItsPrice) {
  MatchingEngine book;
  std::vector<Fill> fills;
  book.limit(1, Side::kBuy, 100, 2, fills);
  book.limit(2, Side::kSell, 99, 5, fills);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].taker_side, Side::kSell);
  EXPECT_EQ(fills[0].price, 100);  // the maker's price
  EXPECT_TRUE(book.bids().empty());
  EXPECT_EQ(book.asks(), (std::vector<Level>{{99, 3}}));
}

TEST(MatchingEngine, MarketOrderExpiresWhatItCannotFill) {
  MatchingEngine book;
  std::vector<Fill> fills;
  book.limit(1, Side::kBuy, 100, 2, fills);
  ASSERT_TRUE(book.market(2, Side::kSell, 10, fills));
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].qty, 2);
  EXPECT_TRUE(book.bids().empty());
  EXPECT_TRUE(book.asks().empty());
  EXPECT_EQ(book.resting_orders(), 0u);
}

TEST(MatchingEngine, CancelRemovesOnlyThatOrder) {
  MatchingEngine book;
  std::vector<Fill> fills;
  book.limit(1, Side::kBuy, 100, 2, fills);
  book.limit(2, Side::kBuy, 100, 3, fills);
  EXPECT_TRUE(book.cancel(1));
  EXPECT_FALSE(book.cancel(1));
  EXPECT_FALSE(book.cancel(42));
  EXPECT_EQ(book.bids(), (std::vector<Level>{{100, 3}}));
  book.market(3, Side::kSell, 3, fills);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].maker_order, 2u);
}

TEST(MatchingEngine, RejectsBadOrdersWithoutChange) {
  MatchingEngine book;
  std::vector<Fill> fills;
  EXPECT_FALSE(book.limit(1, Side::kBuy, 0, 1, fills));
  EXPECT_FALSE(book.limit(1, Side::kBuy, 10, 0, fills));
  EXPECT_FALSE(book.limit(1, Side::kBuy, 10, -1, fills));
  EXPECT_FALSE(book.market(1, Side::kBuy, 0, fills));
  ASSERT_TRUE(book.limit(1, Side::kBuy, 10, 1, fills));
  EXPECT_FALSE(book.limit(1, Side::kSell, 20, 1, fills));  // id already resting
  EXPECT_EQ(book.update_id(), 1u);
}

TEST(MatchingEngine, ChangesCarryAbsoluteTotalsAndConsecutiveIds) {
  MatchingEngine book(500);
  std::vector<Fill> fills;
  book.limit(1, Side::kBuy, 100, 2, fills);
  book.limit(2, Side::kBuy, 100, 3, fills);
  book.limit(3, Side::kSell, 105, 1, fills);
  BookChanges first = book.take_changes();
  EXPECT_EQ(first.first_update_id, 501u);
  EXPECT_EQ(first.last_update_id, 503u);
  EXPECT_EQ(first.bids, (std::vector<Level>{{100, 5}}));
  EXPECT_EQ(first.asks, (std::vector<Level>{{105, 1}}));
  EXPECT_TRUE(book.take_changes().empty());
  book.market(4, Side::kBuy, 1, fills);  // removes the ask level
  book.cancel(1);
  BookChanges second = book.take_changes();
  EXPECT_EQ(second.first_update_id, 504u);
  EXPECT_EQ(second.last_update_id, 505u);
  EXPECT_EQ(second.bids, (std::vector<Level>{{100, 3}}));
  EXPECT_EQ(second.asks, (std::vector<Level>{{105, 0}}));
}

}  // namespace
}  // namespace astra::sim
