#include "astra/sim/matching_engine.hpp"

namespace astra::sim {

bool MatchingEngine::limit(uint64_t order_id, Side side, int64_t price, int64_t qty,
                           std::vector<Fill>& fills) {
  if (price <= 0 || qty <= 0 || where_.count(order_id) != 0) return false;
  if (side == Side::kBuy)
    match(asks_, order_id, side, price, qty, fills);
  else
    match(bids_, order_id, side, price, qty, fills);
  if (qty > 0) rest(order_id, side, price, qty);
  return true;
}

bool MatchingEngine::market(uint64_t order_id, Side side, int64_t qty, std::vector<Fill>& fills) {
  if (qty <= 0) return false;
  if (side == Side::kBuy)
    match(asks_, order_id, side, std::nullopt, qty, fills);
  else
    match(bids_, order_id, side, std::nullopt, qty, fills);
  return true;
}

template <class Book>
void MatchingEngine::match(Book& book, uint64_t taker, Side taker_side,
                           std::optional<int64_t> limit_price, int64_t& qty,
                           std::vector<Fill>& fills) {
  const Side maker_side = taker_side == Side::kBuy ? Side::kSell : Side::kBuy;
  while (qty > 0 && !book.empty()) {
    auto it = book.begin();
    const int64_t price = it->first;
    if (limit_price) {
      const bool crosses = taker_side == Side::kBuy ? price <= *limit_price : price >= *limit_price;
      if (!crosses) break;
    }
    PriceLevel& level = it->second;
    while (qty > 0 && !level.orders.empty()) {
      Order& maker = level.orders.front();
      const int64_t traded = maker.qty < qty ? maker.qty : qty;
      fills.push_back(Fill{maker.id, taker, taker_side, price, traded});
      maker.qty -= traded;
      level.total -= traded;
      qty -= traded;
      if (maker.qty == 0) {
        forget(maker.id);
        level.orders.pop_front();
      }
    }
    level_changed(maker_side, price, level.total);
    if (level.orders.empty()) book.erase(it);
  }
}

void MatchingEngine::rest(uint64_t order_id, Side side, int64_t price, int64_t qty) {
  PriceLevel& level = side == Side::kBuy ? bids_[price] : asks_[price];
  level.orders.push_back(Order{order_id, qty});
  level.total += qty;
  where_[order_id] = Where{side, price, live_.size()};
  live_.push_back(order_id);
  level_changed(side, price, level.total);
}

bool MatchingEngine::cancel(uint64_t order_id) {
  auto w = where_.find(order_id);
  if (w == where_.end()) return false;
  const Side side = w->second.side;
  const int64_t price = w->second.price;
  auto erase_from = [&](auto& book) {
    auto it = book.find(price);
    if (it == book.end()) return;
    PriceLevel& level = it->second;
    for (auto o = level.orders.begin(); o != level.orders.end(); ++o) {
      if (o->id != order_id) continue;
      level.total -= o->qty;
      level.orders.erase(o);
      break;
    }
    level_changed(side, price, level.total);
    if (level.orders.empty()) book.erase(it);
  };
  if (side == Side::kBuy)
    erase_from(bids_);
  else
    erase_from(asks_);
  forget(order_id);
  return true;
}

void MatchingEngine::forget(uint64_t order_id) {
  auto w = where_.find(order_id);
  if (w == where_.end()) return;
  const size_t slot = w->second.slot;
  const uint64_t moved = live_.back();
  live_[slot] = moved;
  live_.pop_back();
  if (moved != order_id) where_[moved].slot = slot;
  where_.erase(order_id);
}

void MatchingEngine::level_changed(Side side, int64_t price, int64_t total) {
  ++update_id_;
  if (side == Side::kBuy)
    changed_bids_[price] = total;
  else
    changed_asks_[price] = total;
}

std::optional<int64_t> MatchingEngine::best_bid() const {
  if (bids_.empty()) return std::nullopt;
  return bids_.begin()->first;
}

std::optional<int64_t> MatchingEngine::best_ask() const {
  if (asks_.empty()) return std::nullopt;
  return asks_.begin()->first;
}

namespace {
template <class Book>
std::vector<Level> top(const Book& book, size_t depth) {
  std::vector<Level> out;
  out.reserve(depth == 0 || depth > book.size() ? book.size() : depth);
  for (const auto& [price, level] : book) {
    if (depth != 0 && out.size() == depth) break;
    out.push_back(Level{price, level.total});
  }
  return out;
}
}  // namespace

std::vector<Level> MatchingEngine::bids(size_t depth) const {
  return top(bids_, depth);
}
std::vector<Level> MatchingEngine::asks(size_t depth) const {
  return top(asks_, depth);
}

std::optional<uint64_t> MatchingEngine::resting_order_at(size_t index) const {
  if (index >= live_.size()) return std::nullopt;
  return live_[index];
}

BookChanges MatchingEngine::take_changes() {
  BookChanges out;
  if (update_id_ == taken_up_to_) return out;
  out.first_update_id = taken_up_to_ + 1;
  out.last_update_id = update_id_;
  for (const auto& [price, total] : changed_bids_)
    out.bids.push_back(Level{price, total});
  for (const auto& [price, total] : changed_asks_)
    out.asks.push_back(Level{price, total});
  changed_bids_.clear();
  changed_asks_.clear();
  taken_up_to_ = update_id_;
  return out;
}

void MatchingEngine::restart_update_ids(uint64_t start) {
  changed_bids_.clear();
  changed_asks_.clear();
  update_id_ = start;
  taken_up_to_ = start;
}

}  // namespace astra::sim
