#include <astra/sdk/l2_book.hpp>

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace {

using namespace astra::sdk;

using Levels = std::vector<std::pair<std::string, std::string>>;

Levels top_texts(const L2Book& book, BookSide side, size_t n) {
  Levels out;
  book.for_each_top(side, n, [&](const astra_decimal&, const L2Level& level) {
    out.emplace_back(level.price_text, level.quantity_text);
  });
  return out;
}

TEST(L2Book, SortsBidsDescendingAndAsksAscending) {
  L2Book book;
  EXPECT_TRUE(book.empty());
  for (const char* p : {"100.5", "99", "101", "100.25"})
    ASSERT_TRUE(book.apply(BookSide::bid, p, "1"));
  for (const char* p : {"102", "101.5", "110", "101.75"})
    ASSERT_TRUE(book.apply(BookSide::ask, p, "2"));
  EXPECT_EQ(top_texts(book, BookSide::bid, 10),
            (Levels{{"101", "1"}, {"100.5", "1"}, {"100.25", "1"}, {"99", "1"}}));
  EXPECT_EQ(top_texts(book, BookSide::ask, 2), (Levels{{"101.5", "2"}, {"101.75", "2"}}));
  EXPECT_EQ(book.size(BookSide::bid), 4u);
  EXPECT_EQ(book.size(BookSide::ask), 4u);
  EXPECT_FALSE(book.crossed());
}

TEST(L2Book, KeepsTheVenuesOriginalText) {
  L2Book book;
  ASSERT_TRUE(book.apply(BookSide::bid, "30261.0", "0.10000000"));
  const auto& level = book.bids().begin()->second;
  EXPECT_EQ(level.price_text, "30261.0");
  EXPECT_EQ(level.quantity_text, "0.10000000");
  EXPECT_EQ(level.quantity.mantissa, 10000000);
  EXPECT_EQ(level.quantity.exponent, -8);
}

TEST(L2Book, UpdateReplacesQuantityAndZeroRemoves) {
  L2Book book;
  ASSERT_TRUE(book.apply(BookSide::ask, "10", "1"));
  ASSERT_TRUE(book.apply(BookSide::ask, "11", "1"));
  ASSERT_TRUE(book.apply(BookSide::ask, "10", "3.5"));  // absolute, not a delta
  EXPECT_EQ(top_texts(book, BookSide::ask, 5), (Levels{{"10", "3.5"}, {"11", "1"}}));
  ASSERT_TRUE(book.apply(BookSide::ask, "10", "0"));
  EXPECT_EQ(top_texts(book, BookSide::ask, 5), (Levels{{"11", "1"}}));
  ASSERT_TRUE(book.apply(BookSide::ask, "12", "0.000"));  // removing an absent level is fine
  ASSERT_TRUE(book.apply(BookSide::ask, "11.00", "0"));   // value match, not text match
  EXPECT_TRUE(book.asks().empty());
}

TEST(L2Book, SameValueOtherTextIsOneLevelWithTheLatestText) {
  L2Book book;
  ASSERT_TRUE(book.apply(BookSide::bid, "1.0", "5"));
  ASSERT_TRUE(book.apply(BookSide::bid, "1.00", "6"));
  ASSERT_EQ(book.size(BookSide::bid), 1u);
  EXPECT_EQ(top_texts(book, BookSide::bid, 1), (Levels{{"1.00", "6"}}));
  // The ABI price follows the text too.
  EXPECT_EQ(book.top(BookSide::bid)[0].price.exponent, -2);
}

TEST(L2Book, RejectsBadLevelsWithoutChangingTheBook) {
  L2Book book;
  ASSERT_TRUE(book.apply(BookSide::bid, "10", "1"));
  EXPECT_FALSE(book.apply(BookSide::bid, "abc", "1"));
  EXPECT_FALSE(book.apply(BookSide::bid, "10", "x"));
  EXPECT_FALSE(book.apply(BookSide::bid, "10", "-1"));
  EXPECT_FALSE(book.apply(BookSide::bid, "0", "1"));
  EXPECT_FALSE(book.apply(BookSide::bid, "-5", "1"));
  EXPECT_FALSE(book.apply(BookSide::bid, "", ""));
  EXPECT_EQ(top_texts(book, BookSide::bid, 5), (Levels{{"10", "1"}}));
}

TEST(L2Book, Crossed) {
  L2Book book;
  ASSERT_TRUE(book.apply(BookSide::bid, "100", "1"));
  EXPECT_FALSE(book.crossed());  // one side only
  ASSERT_TRUE(book.apply(BookSide::ask, "100.1", "1"));
  EXPECT_FALSE(book.crossed());
  ASSERT_TRUE(book.apply(BookSide::bid, "100.10", "1"));  // locked counts as crossed
  EXPECT_TRUE(book.crossed());
  ASSERT_TRUE(book.apply(BookSide::bid, "100.10", "0"));
  EXPECT_FALSE(book.crossed());
  ASSERT_TRUE(book.apply(BookSide::ask, "99", "1"));
  EXPECT_TRUE(book.crossed());
}

TEST(L2Book, TruncateKeepsTheBestLevels) {
  L2Book book;
  for (int i = 1; i <= 20; ++i) {
    ASSERT_TRUE(book.apply(BookSide::bid, std::to_string(100 - i), "1"));
    ASSERT_TRUE(book.apply(BookSide::ask, std::to_string(100 + i), "1"));
  }
  book.truncate(10);
  EXPECT_EQ(book.size(BookSide::bid), 10u);
  EXPECT_EQ(book.size(BookSide::ask), 10u);
  EXPECT_EQ(book.bids().begin()->second.price_text, "99");
  EXPECT_EQ(book.bids().rbegin()->second.price_text, "90");
  EXPECT_EQ(book.asks().rbegin()->second.price_text, "110");
  book.truncate(100);  // no-op
  EXPECT_EQ(book.size(BookSide::ask), 10u);
  book.truncate(0);
  EXPECT_TRUE(book.empty());
}

TEST(L2Book, TopGivesAbiLevelsBestFirst) {
  L2Book book;
  ASSERT_TRUE(book.apply(BookSide::ask, "2.5", "1.25"));
  ASSERT_TRUE(book.apply(BookSide::ask, "2.25", "4"));
  ASSERT_TRUE(book.apply(BookSide::ask, "3", "1"));
  auto levels = book.top(BookSide::ask, 2);
  ASSERT_EQ(levels.size(), 2u);
  EXPECT_EQ(levels[0].price.mantissa, 225);
  EXPECT_EQ(levels[0].price.exponent, -2);
  EXPECT_EQ(levels[0].quantity.mantissa, 4);
  EXPECT_EQ(levels[1].price.mantissa, 25);
  EXPECT_EQ(levels[1].quantity.mantissa, 125);
  EXPECT_EQ(book.top(BookSide::ask).size(), 3u);
  EXPECT_TRUE(book.top(BookSide::bid, 5).empty());
  book.clear();
  EXPECT_TRUE(book.empty());
}

}  // namespace
