#include <astra/sim/order_flow.hpp>

#include <gtest/gtest.h>

namespace astra::sim {
namespace {

struct FlowRun {
  std::vector<Level> bids, asks;
  std::vector<std::tuple<uint64_t, uint64_t, int64_t, int64_t>> fills;
  uint64_t update_id = 0;
};

FlowRun run(uint64_t seed, int steps) {
  FlowParams params;
  params.initial_mid = 5000;
  OrderFlow flow(seed, params);
  MatchingEngine book;
  flow.seed_book(book, 10);
  FlowRun out;
  std::vector<Fill> fills;
  for (int i = 0; i < steps; ++i) {
    fills.clear();
    flow.step(book, fills);
    for (const auto& f : fills)
      out.fills.emplace_back(f.maker_order, f.taker_order, f.price, f.qty);
    const auto bid = book.best_bid();
    const auto ask = book.best_ask();
    if (bid && ask) {
      EXPECT_LT(*bid, *ask) << "crossed after step " << i;
    }
  }
  out.bids = book.bids();
  out.asks = book.asks();
  out.update_id = book.update_id();
  return out;
}

TEST(OrderFlow, SameSeedSameBookAndTrades) {
  const FlowRun a = run(42, 3000);
  const FlowRun b = run(42, 3000);
  EXPECT_EQ(a.bids, b.bids);
  EXPECT_EQ(a.asks, b.asks);
  EXPECT_EQ(a.fills, b.fills);
  EXPECT_EQ(a.update_id, b.update_id);
  const FlowRun c = run(43, 3000);
  EXPECT_NE(a.fills, c.fills);
}

TEST(OrderFlow, ProducesTradesCancelsAndABoundedBook) {
  const FlowRun a = run(7, 5000);
  EXPECT_GT(a.fills.size(), 100u);
  EXPECT_FALSE(a.bids.empty());
  EXPECT_FALSE(a.asks.empty());
  EXPECT_LT(a.bids.size() + a.asks.size(), 1000u);
}

}  // namespace
}  // namespace astra::sim
