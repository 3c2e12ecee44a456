#include "astra/sim/order_flow.hpp"

namespace astra::sim {

uint64_t OrderFlow::next_random() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

int64_t OrderFlow::size() {
  const uint64_t units = 1 + below(static_cast<uint64_t>(params_.max_units));
  return static_cast<int64_t>(units) * params_.lot_unit;
}

void OrderFlow::seed_book(MatchingEngine& book, int levels) {
  std::vector<Fill> ignored;
  for (int i = 1; i <= levels; ++i) {
    const int64_t bid = params_.initial_mid - i;
    const int64_t ask = params_.initial_mid + i;
    if (bid > 0) book.limit(next_order_id_++, Side::kBuy, bid, size(), ignored);
    book.limit(next_order_id_++, Side::kSell, ask, size(), ignored);
  }
}

void OrderFlow::place_limit(MatchingEngine& book, std::vector<Fill>& fills) {
  const Side side = below(2) == 0 ? Side::kBuy : Side::kSell;
  const auto bid = book.best_bid();
  const auto ask = book.best_ask();
  const int64_t best_bid = bid ? *bid : (ask ? *ask - 1 : params_.initial_mid - 1);
  const int64_t best_ask = ask ? *ask : best_bid + 1;
  // k = -1 joins the opposite touch (a trade); larger k rests deeper in the book.
  const int64_t k = static_cast<int64_t>(below(static_cast<uint64_t>(params_.max_offset) + 2)) - 1;
  int64_t price = side == Side::kBuy ? best_ask - 1 - k : best_bid + 1 + k;
  if (price < 1) price = 1;
  book.limit(next_order_id_++, side, price, size(), fills);
}

void OrderFlow::step(MatchingEngine& book, std::vector<Fill>& fills) {
  const size_t resting = book.resting_orders();
  int roll = static_cast<int>(below(100));
  if (resting > 2 * params_.target_resting) roll = params_.limit_percent;  // forces a cancel
  if (resting < params_.target_resting / 4) roll = 0;                      // forces a limit
  if (roll < params_.limit_percent) {
    place_limit(book, fills);
  } else if (roll < params_.limit_percent + params_.cancel_percent) {
    const auto id = book.resting_order_at(static_cast<size_t>(below(resting)));
    if (id)
      book.cancel(*id);
    else
      place_limit(book, fills);
  } else {
    const Side side = below(2) == 0 ? Side::kBuy : Side::kSell;
    book.market(next_order_id_++, side, size(), fills);
  }
}

}  // namespace astra::sim
