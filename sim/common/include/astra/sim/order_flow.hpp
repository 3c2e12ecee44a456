// Random but reproducible order flow: limit orders around the touch, cancels, market orders.
//
// The same seed and parameters give the same sequence of actions on the same book. The PRNG is
// splitmix64 with plain modulo mapping (std distributions differ between standard libraries).
#pragma once

#include "astra/sim/matching_engine.hpp"

#include <cstdint>
#include <vector>

namespace astra::sim {

struct FlowParams {
  int64_t initial_mid = 10000;  // ticks; used while a side of the book is empty
  int64_t max_offset = 20;      // ticks away from the touch for new limit orders
  int64_t lot_unit = 1;         // order sizes are multiples of this many lots
  int64_t max_units = 20;       // order size is 1..max_units lot units
  size_t target_resting = 200;  // above this many resting orders, cancels dominate
  int limit_percent = 55;       // share of limit orders; a few of them cross the spread
  int cancel_percent = 30;      // share of cancels; the rest are market orders
};

class OrderFlow {
 public:
  OrderFlow(uint64_t seed, FlowParams params) : state_(seed), params_(params) {}

  // Rests `levels` orders per side around the initial mid so the book starts non-empty.
  void seed_book(MatchingEngine& book, int levels);
  // One random action against the book; trades are appended to `fills`.
  void step(MatchingEngine& book, std::vector<Fill>& fills);

  uint64_t next_random();

 private:
  uint64_t below(uint64_t n) { return n == 0 ? 0 : next_random() % n; }
  int64_t size();
  void place_limit(MatchingEngine& book, std::vector<Fill>& fills);

  uint64_t state_;
  FlowParams params_;
  uint64_t next_order_id_ = 1;
};

}  // namespace astra::sim
