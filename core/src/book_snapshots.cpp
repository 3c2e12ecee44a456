#include <astra/core/book_snapshots.hpp>

#include <astra/core/messages.hpp>

#include <algorithm>
#include <span>
#include <utility>

namespace astra::core {

std::shared_ptr<const BookSnapshot> BookSnapshot::of(std::string_view market, uint64_t update_id,
                                                     int64_t time_us, const OrderBook& book,
                                                     uint32_t depth) {
  auto s = std::make_shared<BookSnapshot>();
  s->market = std::string(market);
  s->update_id = update_id;
  s->time_us = time_us;
  s->depth = depth;
  s->whole_book = book.bid_count() <= depth && book.ask_count() <= depth;
  book.top(depth, s->bids, s->asks);
  return s;
}

std::string BookSnapshot::orderbook_json(uint32_t levels) const {
  const std::span<const Level> b(bids.data(), std::min<size_t>(levels, bids.size()));
  const std::span<const Level> a(asks.data(), std::min<size_t>(levels, asks.size()));
  return encode_orderbook_json(market, update_id, time_us, b, a);
}

std::shared_ptr<const BookSnapshot> BookSnapshots::find(std::string_view market) const {
  std::lock_guard lock(mutex_);
  auto it = snapshots_.find(market);
  return it == snapshots_.end() ? nullptr : it->second;
}

void BookSnapshots::publish(std::shared_ptr<const BookSnapshot> snapshot) {
  if (!snapshot) return;
  std::shared_ptr<const BookSnapshot> old;  // freed after the lock is released
  std::lock_guard lock(mutex_);
  auto it = snapshots_.find(snapshot->market);
  if (it == snapshots_.end()) {
    std::string key = snapshot->market;
    snapshots_.emplace(std::move(key), std::move(snapshot));
  } else {
    old = std::exchange(it->second, std::move(snapshot));
  }
}

void BookSnapshots::withdraw(std::string_view market) {
  std::shared_ptr<const BookSnapshot> old;  // freed after the lock is released
  std::lock_guard lock(mutex_);
  auto it = snapshots_.find(market);
  if (it == snapshots_.end()) return;
  old = std::move(it->second);
  snapshots_.erase(it);
}

size_t BookSnapshots::size() const {
  std::lock_guard lock(mutex_);
  return snapshots_.size();
}

}  // namespace astra::core
