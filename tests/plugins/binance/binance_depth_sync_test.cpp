// DepthSync's rules on hand-made id ranges and event times (no levels needed): duplicates and a
// moved stream's overlap are dropped; ids that start over on a live stream are a gap.
#include "depth_sync.hpp"

#include <gtest/gtest.h>

namespace astra::binance {
namespace {

constexpr int64_t kStep = 100'000;  // a 100 ms stream

DepthDiff diff(uint64_t first, uint64_t last, int64_t time_us) {
  DepthDiff d;
  d.first = first;
  d.last = last;
  d.time_us = time_us;
  return d;
}

// A spot book live at id 1000, its newest event at t = 10 s.
DepthSync live_spot_book() {
  DepthSync s(SyncRule::spot);
  EXPECT_EQ(s.on_snapshot(990).outcome, DepthSync::Outcome::synced);
  EXPECT_EQ(s.on_diff(diff(985, 1000, 10'000'000)), DepthSync::Step::applied);
  EXPECT_TRUE(s.live());
  return s;
}

TEST(BinanceDepthSync, DuplicatesAreDroppedAndTheStreamGoesOn) {
  DepthSync s = live_spot_book();
  int64_t t = 10'000'000;
  for (uint64_t id = 1001; id < 1300; id += 3) {
    t += kStep;
    EXPECT_EQ(s.on_diff(diff(id, id + 2, t)), DepthSync::Step::applied);
    EXPECT_EQ(s.on_diff(diff(id, id + 2, t)), DepthSync::Step::stale) << "a duplicate";
  }
  EXPECT_TRUE(s.live());
}

TEST(BinanceDepthSync, IdsStartingOverOnALiveStreamAreAGapWithinASecond) {
  DepthSync s = live_spot_book();
  // Back from maintenance: new events, ids far below the book's.
  int64_t t = 10'000'000;
  uint64_t id = 1;
  DepthSync::Step step = DepthSync::Step::stale;
  for (int i = 0; i < 30 && step == DepthSync::Step::stale; ++i, id += 3) {
    t += kStep;
    step = s.on_diff(diff(id, id + 2, t));
  }
  ASSERT_EQ(step, DepthSync::Step::gap) << "a renumbered stream never applies again";
  EXPECT_GT(t - 10'000'000, DepthSync::kRenumberedAfterUs);
  EXPECT_LE(t - 10'000'000, DepthSync::kRenumberedAfterUs + kStep);
  EXPECT_FALSE(s.live());
  // The new numbering then syncs from a snapshot like any other.
  EXPECT_EQ(s.on_snapshot(id - 2).outcome, DepthSync::Outcome::synced);
}

TEST(BinanceDepthSync, AMovedStreamsOverlapIsStaleHoweverLongThenItBridges) {
  DepthSync s = live_spot_book();
  s.expect_bridge();
  // The replacement connection's backlog: 40 events the book already holds, all older.
  int64_t t = 6'000'000;
  for (uint64_t id = 880; id < 1000; id += 3, t += kStep)
    EXPECT_EQ(s.on_diff(diff(id, id + 1, t)), DepthSync::Step::stale);
  EXPECT_EQ(s.on_diff(diff(999, 1003, 10'100'000)), DepthSync::Step::applied);
}

TEST(BinanceDepthSync, IdsStartingOverBeforeAnyDiffAppliedAreAGapAfterARun) {
  DepthSync s(SyncRule::spot);
  ASSERT_EQ(s.on_snapshot(1000).outcome, DepthSync::Outcome::synced);  // bridging, no time yet
  uint64_t id = 1;
  for (size_t i = 1; i < DepthSync::kMaxStaleRun; ++i, id += 3)
    ASSERT_EQ(s.on_diff(diff(id, id + 2, 0)), DepthSync::Step::stale) << i;
  EXPECT_EQ(s.on_diff(diff(id, id + 2, 0)), DepthSync::Step::gap);
}

}  // namespace
}  // namespace astra::binance
