#include <astra/core/order_book.hpp>

#include <astra/sdk/decimal.hpp>

#include <algorithm>

namespace astra::core {
namespace {

using sdk::compare_decimal;

// Both sides are stored with the best level at the back: bids ascending, asks descending.
// `before(a, b)` says a is stored before b (a is worse than b).
struct BidOrder {
  bool operator()(const astra_decimal& a, const astra_decimal& b) const noexcept {
    return compare_decimal(a, b) < 0;
  }
};
struct AskOrder {
  bool operator()(const astra_decimal& a, const astra_decimal& b) const noexcept {
    return compare_decimal(a, b) > 0;
  }
};

bool removes(const Level& l) noexcept {
  // Zero removes; a negative quantity is meaningless and is treated the same way.
  return l.quantity.mantissa <= 0;
}

template <class Before>
void replace_side(std::vector<Level>& side, std::span<const Level> levels, Before before) {
  side.clear();
  side.reserve(levels.size());
  // Venues send snapshots best first: when that holds strictly, a reversed copy is sorted.
  bool best_first = true;
  for (size_t i = 1; i < levels.size() && best_first; ++i)
    best_first = before(levels[i].price, levels[i - 1].price);
  if (best_first) {
    for (auto it = levels.rbegin(); it != levels.rend(); ++it)
      if (!removes(*it)) side.push_back(*it);
    return;
  }
  side.assign(levels.begin(), levels.end());
  // Stable, so that among duplicate prices the last one given wins, as if applied in order;
  // zeros are dropped after that (a later zero removes an earlier duplicate).
  std::stable_sort(side.begin(), side.end(),
                   [&](const Level& a, const Level& b) { return before(a.price, b.price); });
  auto out = side.begin();
  for (auto it = side.begin(); it != side.end(); ++it) {
    auto next = it + 1;
    if (next != side.end() && compare_decimal(next->price, it->price) == 0) continue;
    if (removes(*it)) continue;
    *out++ = *it;
  }
  side.erase(out, side.end());
}

template <class Before>
void update_side(std::vector<Level>& side, std::span<const Level> levels, Before before) {
  for (const Level& l : levels) {
    auto it = std::lower_bound(
        side.begin(), side.end(), l.price,
        [&](const Level& a, const astra_decimal& p) { return before(a.price, p); });
    const bool found = it != side.end() && compare_decimal(it->price, l.price) == 0;
    if (removes(l)) {
      if (found) side.erase(it);
    } else if (found) {
      *it = l;
    } else {
      side.insert(it, l);
    }
  }
}

template <class Side>
void copy_top(const Side& side, size_t depth, std::vector<Level>& out) {
  out.clear();
  const size_t n = depth == 0 ? side.size() : std::min(depth, side.size());
  out.reserve(n);
  out.insert(out.end(), side.rbegin(), side.rbegin() + static_cast<std::ptrdiff_t>(n));
}

}  // namespace

void OrderBook::apply_snapshot(std::span<const Level> bids, std::span<const Level> asks) {
  replace_side(bids_, bids, BidOrder{});
  replace_side(asks_, asks, AskOrder{});
}

void OrderBook::apply_update(std::span<const Level> bids, std::span<const Level> asks) {
  update_side(bids_, bids, BidOrder{});
  update_side(asks_, asks, AskOrder{});
}

void OrderBook::clear() noexcept {
  bids_.clear();
  asks_.clear();
}

std::optional<Level> OrderBook::best_bid() const noexcept {
  if (bids_.empty()) return std::nullopt;
  return bids_.back();
}

std::optional<Level> OrderBook::best_ask() const noexcept {
  if (asks_.empty()) return std::nullopt;
  return asks_.back();
}

bool OrderBook::crossed() const noexcept {
  return !bids_.empty() && !asks_.empty() &&
         compare_decimal(bids_.back().price, asks_.back().price) >= 0;
}

size_t OrderBook::bid_count() const noexcept {
  return bids_.size();
}
size_t OrderBook::ask_count() const noexcept {
  return asks_.size();
}

void OrderBook::top(size_t depth, std::vector<Level>& bids, std::vector<Level>& asks) const {
  copy_top(bids_, depth, bids);
  copy_top(asks_, depth, asks);
}

}  // namespace astra::core
