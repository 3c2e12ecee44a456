#include <astra/core/book_store.hpp>

#include <gtest/gtest.h>
#include <astra/core/messages.hpp>

#include "book_event.hpp"
#include "test_levels.hpp"

namespace astra::core {
namespace {

using test::lvl;

const std::string kM = "BINANCE-SPOT-BTC-USDT";

TEST(BookStore, SnapshotThenUpdatesWithVenueIds) {
  BookStore store;
  auto c = store.apply(test::snapshot(kM, 100, {lvl("10", "1")}, {lvl("11", "1")}).get());
  EXPECT_EQ(c.kind, BookChange::snapshot);
  ASSERT_NE(c.book, nullptr);
  EXPECT_EQ(c.update_id, 100u);
  EXPECT_TRUE(c.book->in_sync);
  EXPECT_EQ(c.book->venue_time_us, 1000);

  c = store.apply(test::update(kM, 105, {lvl("10.5", "2")}, {}).get());
  EXPECT_EQ(c.kind, BookChange::update);
  EXPECT_EQ(c.update_id, 105u);
  EXPECT_EQ(c.book->book.bid_count(), 2u);
  EXPECT_EQ(c.book->update_id, 105u);
  EXPECT_EQ(c.book->venue_time_us, 2000);
  EXPECT_EQ(c.book->snapshots, 1u);
  EXPECT_EQ(c.book->updates, 1u);
  EXPECT_EQ(store.size(), 1u);
}

TEST(BookStore, GatewayCounterWhenVenueHasNoIds) {
  BookStore store;
  auto c = store.apply(test::snapshot(kM, 0, {lvl("10", "1")}, {lvl("11", "1")}).get());
  EXPECT_EQ(c.update_id, 1u);
  c = store.apply(test::update(kM, 0, {lvl("10", "2")}, {}).get());
  EXPECT_EQ(c.update_id, 2u);
  c = store.apply(test::update(kM, 0, {}, {lvl("12", "2")}).get());
  EXPECT_EQ(c.update_id, 3u);
  // After a reset and a new snapshot the counter keeps increasing.
  c = store.apply(test::reset(kM, ASTRA_RESET_DISCONNECT).get());
  EXPECT_EQ(c.kind, BookChange::reset);
  c = store.apply(test::snapshot(kM, 0, {lvl("10", "1")}, {lvl("11", "1")}).get());
  EXPECT_EQ(c.update_id, 4u);
}

TEST(BookStore, UpdateBeforeSnapshotIsIgnored) {
  BookStore store;
  auto c = store.apply(test::update(kM, 5, {lvl("10", "1")}, {}).get());
  EXPECT_EQ(c.kind, BookChange::none);
  EXPECT_EQ(store.size(), 0u);
  c = store.apply(test::reset(kM, ASTRA_RESET_GAP).get());
  EXPECT_EQ(c.kind, BookChange::none);
}

TEST(BookStore, ResetThenSilenceUntilSnapshot) {
  BookStore store;
  store.apply(test::snapshot(kM, 10, {lvl("10", "1")}, {lvl("11", "1")}).get());
  auto c = store.apply(test::reset(kM, ASTRA_RESET_CHECKSUM).get());
  EXPECT_EQ(c.kind, BookChange::reset);
  EXPECT_EQ(c.reset_reason, static_cast<uint32_t>(ASTRA_RESET_CHECKSUM));
  EXPECT_FALSE(c.needs_resync);  // the venue resynchronizes by itself
  EXPECT_FALSE(c.book->in_sync);
  EXPECT_EQ(c.book->book.bid_count(), 0u);
  EXPECT_EQ(c.book->resets, 1u);
  // Updates and further resets while out of sync say nothing.
  EXPECT_EQ(store.apply(test::update(kM, 11, {lvl("10", "2")}, {}).get()).kind, BookChange::none);
  EXPECT_EQ(store.apply(test::reset(kM, ASTRA_RESET_GAP).get()).kind, BookChange::none);
  c = store.apply(test::snapshot(kM, 20, {lvl("9", "1")}, {lvl("11", "1")}).get());
  EXPECT_EQ(c.kind, BookChange::snapshot);
  EXPECT_EQ(c.update_id, 20u);
  EXPECT_TRUE(c.book->in_sync);
}

TEST(BookStore, NonIncreasingVenueIdNeedsResync) {
  BookStore store;
  store.apply(test::snapshot(kM, 10, {lvl("10", "1")}, {lvl("11", "1")}).get());
  EXPECT_EQ(store.apply(test::update(kM, 11, {lvl("10", "2")}, {}).get()).kind, BookChange::update);
  auto c = store.apply(test::update(kM, 11, {lvl("10", "3")}, {}).get());
  EXPECT_EQ(c.kind, BookChange::reset);
  EXPECT_TRUE(c.needs_resync);
  EXPECT_EQ(c.reset_reason, kResetOutOfOrder);
  EXPECT_EQ(c.book->out_of_order, 1u);
  EXPECT_FALSE(c.book->in_sync);
  // And a lower id after a new snapshot is caught as well.
  store.apply(test::snapshot(kM, 50, {lvl("10", "1")}, {lvl("11", "1")}).get());
  c = store.apply(test::update(kM, 49, {}, {}).get());
  EXPECT_TRUE(c.needs_resync);
  EXPECT_EQ(c.book->out_of_order, 2u);
}

TEST(BookStore, CrossedAfterUpdateNeedsResync) {
  BookStore store;
  store.apply(test::snapshot(kM, 1, {lvl("10", "1")}, {lvl("11", "1")}).get());
  auto c = store.apply(test::update(kM, 2, {lvl("11.0", "1")}, {}).get());
  EXPECT_EQ(c.kind, BookChange::reset);
  EXPECT_TRUE(c.needs_resync);
  EXPECT_EQ(c.reset_reason, kResetCrossed);
  EXPECT_EQ(c.book->crossed, 1u);
  EXPECT_FALSE(c.book->in_sync);
  // An update that removes the crossing level in the same event is fine.
  store.apply(test::snapshot(kM, 3, {lvl("10", "1")}, {lvl("11", "1")}).get());
  c = store.apply(test::update(kM, 4, {lvl("11", "1")}, {lvl("11", "0"), lvl("12", "1")}).get());
  EXPECT_EQ(c.kind, BookChange::update);
}

TEST(BookStore, CrossedSnapshotNeedsResync) {
  BookStore store;
  auto c = store.apply(test::snapshot(kM, 1, {lvl("12", "1")}, {lvl("11", "1")}).get());
  EXPECT_EQ(c.kind, BookChange::reset);
  EXPECT_TRUE(c.needs_resync);
  EXPECT_EQ(c.book->crossed, 1u);
  EXPECT_FALSE(c.book->in_sync);
}

TEST(BookStore, MalformedEventNeedsResync) {
  BookStore store;
  store.apply(test::snapshot(kM, 1, {lvl("10", "1")}, {lvl("11", "1")}).get());
  const auto source = test::update(kM, 2, {}, {});
  astra_book_event e = source.get();
  e.bids = nullptr;
  e.bid_count = 3;
  auto c = store.apply(e);
  EXPECT_EQ(c.kind, BookChange::reset);
  EXPECT_TRUE(c.needs_resync);
}

TEST(BookStore, OldSenderWithoutResetReason) {
  BookStore store;
  store.apply(test::snapshot(kM, 1, {lvl("10", "1")}, {lvl("11", "1")}).get());
  const auto source = test::reset(kM, ASTRA_RESET_GAP);
  astra_book_event e = source.get();
  e.struct_size = offsetof(astra_book_event, reset_reason);
  auto c = store.apply(e);
  EXPECT_EQ(c.kind, BookChange::reset);
  EXPECT_EQ(c.reset_reason, 0u);
}

TEST(BookStore, MarketsAreIndependentAndErasable) {
  BookStore store;
  store.apply(test::snapshot("A-SPOT-X-Y", 1, {lvl("10", "1")}, {lvl("11", "1")}).get());
  store.apply(test::snapshot("B-SPOT-X-Y", 7, {lvl("10", "1")}, {lvl("11", "1")}).get());
  EXPECT_EQ(store.size(), 2u);
  ASSERT_NE(store.find("B-SPOT-X-Y"), nullptr);
  EXPECT_EQ(store.find("B-SPOT-X-Y")->update_id, 7u);
  size_t n = 0;
  store.for_each([&](const MarketBook&) { ++n; });
  EXPECT_EQ(n, 2u);
  store.erase("A-SPOT-X-Y");
  EXPECT_EQ(store.find("A-SPOT-X-Y"), nullptr);
  EXPECT_EQ(store.size(), 1u);
  // Empty market names and unknown kinds are ignored.
  EXPECT_EQ(store.apply(test::snapshot("", 1, {}, {}).get()).kind, BookChange::none);
  auto odd = test::snapshot("B-SPOT-X-Y", 9, {}, {});
  odd.kind = 77;
  EXPECT_EQ(store.apply(odd.get()).kind, BookChange::none);
}

}  // namespace
}  // namespace astra::core
