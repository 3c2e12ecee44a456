// BookSync on its own: the sequencing rules with small hand-built messages (the recorded
// streams run through the plugin in kucoin_stream_test.cpp).
#include "book_sync.hpp"

#include <gtest/gtest.h>

namespace {

using astra::kucoin::Applied;
using astra::kucoin::BookSync;
using astra::kucoin::Change;
using astra::kucoin::L2Message;

Change change(int64_t price, int64_t qty, uint64_t seq, bool bid) {
  Change c;
  c.level.price = {price, 0};
  c.level.quantity = {qty, 0};
  c.seq = seq;
  c.bid = bid;
  c.noop = price == 0;
  return c;
}

L2Message msg(uint64_t start, uint64_t end, std::vector<Change> changes) {
  L2Message m;
  m.start = start;
  m.end = end;
  m.changes = std::move(changes);
  return m;
}

TEST(KucoinBookSync, BuffersThenBridgesFromTheSnapshotSequence) {
  BookSync s;
  Applied a;
  EXPECT_EQ(s.on_message(msg(8, 9, {change(10, 1, 8, true), change(11, 1, 9, false)}), a),
            BookSync::Step::buffered);
  EXPECT_EQ(s.on_message(msg(10, 12, {change(10, 2, 10, true), change(12, 1, 12, false)}), a),
            BookSync::Step::buffered);
  const auto r = s.on_snapshot(10);  // contains seq 10 already
  ASSERT_EQ(r.outcome, BookSync::Outcome::synced);
  EXPECT_EQ(r.dropped, 1u);
  ASSERT_EQ(r.to_apply.size(), 1u);
  // The entry with seq 10 is in the snapshot: skipped; seq 12 applies.
  EXPECT_TRUE(r.to_apply[0].bids.empty());
  ASSERT_EQ(r.to_apply[0].asks.size(), 1u);
  EXPECT_EQ(r.to_apply[0].update_id, 12u);
  EXPECT_EQ(s.sequence(), 12u);
}

TEST(KucoinBookSync, PriceZeroOnlyAdvancesAndGapIsDetected) {
  BookSync s;
  s.on_snapshot(100);
  Applied a;
  ASSERT_EQ(s.on_message(msg(101, 101, {change(0, 0, 101, false)}), a), BookSync::Step::applied);
  EXPECT_TRUE(a.bids.empty() && a.asks.empty());
  EXPECT_EQ(s.sequence(), 101u);
  EXPECT_EQ(s.on_message(msg(100, 101, {}), a), BookSync::Step::stale);
  EXPECT_EQ(s.on_message(msg(103, 104, {}), a), BookSync::Step::gap);
  EXPECT_FALSE(s.live());
}

TEST(KucoinBookSync, SnapshotOlderThanTheStreamIsRefused) {
  BookSync s;
  Applied a;
  s.on_message(msg(50, 52, {}), a);
  EXPECT_EQ(s.on_snapshot(40).outcome, BookSync::Outcome::too_old);
  EXPECT_EQ(s.buffered(), 1u);  // kept for the next snapshot
  EXPECT_EQ(s.on_snapshot(49).outcome, BookSync::Outcome::synced);
  EXPECT_EQ(s.sequence(), 52u);
}

TEST(KucoinBookSync, OnePriceTwiceInAMessageKeepsTheLaterEntry) {
  BookSync s;
  s.on_snapshot(1);
  Applied a;
  ASSERT_EQ(s.on_message(msg(2, 3, {change(10, 5, 2, true), change(10, 0, 3, true)}), a),
            BookSync::Step::applied);
  ASSERT_EQ(a.bids.size(), 1u);
  EXPECT_EQ(a.bids[0].quantity.mantissa, 0);
}

TEST(KucoinBookSync, GapInsideTheBufferRestarts) {
  BookSync s;
  Applied a;
  s.on_message(msg(10, 11, {}), a);
  s.on_message(msg(13, 14, {}), a);
  EXPECT_EQ(s.on_snapshot(10).outcome, BookSync::Outcome::gap);
  EXPECT_FALSE(s.live());
}

}  // namespace
