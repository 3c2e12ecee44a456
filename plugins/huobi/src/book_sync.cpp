#include "book_sync.hpp"

#include <cstddef>

namespace astra::huobi {

bool FullBook::replace(const std::vector<astra_book_level>& new_bids,
                       const std::vector<astra_book_level>& new_asks,
                       std::vector<astra_book_level>& bids, std::vector<astra_book_level>& asks) {
  Side nb, na;
  for (const auto& l : new_bids)
    if (!sdk::is_zero(l.quantity)) nb[l.price] = l.quantity;
  for (const auto& l : new_asks)
    if (!sdk::is_zero(l.quantity)) na[l.price] = l.quantity;
  bids.clear();
  asks.clear();
  const bool snapshot = !has_book_;
  if (snapshot) {
    for (auto it = nb.rbegin(); it != nb.rend(); ++it)
      bids.push_back({it->first, it->second});
    for (const auto& [p, q] : na)
      asks.push_back({p, q});
  } else {
    diff(bids_, nb, bids);
    diff(asks_, na, asks);
  }
  bids_ = std::move(nb);
  asks_ = std::move(na);
  has_book_ = true;
  return snapshot;
}

void FullBook::diff(const Side& before, const Side& after, std::vector<astra_book_level>& out) {
  auto b = before.begin();
  auto a = after.begin();
  const DecimalLess less;
  while (b != before.end() || a != after.end()) {
    if (a == after.end() || (b != before.end() && less(b->first, a->first))) {
      out.push_back({b->first, astra_decimal{0, 0}});  // gone
      ++b;
    } else if (b == before.end() || less(a->first, b->first)) {
      out.push_back({a->first, a->second});  // new
      ++a;
    } else {
      if (!sdk::decimal_equal(a->second, b->second)) out.push_back({a->first, a->second});
      ++a;
      ++b;
    }
  }
}

MbpSync::Step MbpSync::on_update(const MbpUpdate& update) {
  if (!live_) {
    if (buffer_.size() >= kMaxBuffered) buffer_.pop_front();
    buffer_.push_back(update);
    return Step::buffered;
  }
  if (update.prev == last_) {
    if (update.seq > last_) last_ = update.seq;
    return Step::applied;
  }
  if (update.seq <= last_) return Step::stale;
  live_ = false;
  buffer_.clear();
  buffer_.push_back(update);
  return Step::gap;
}

MbpSync::SnapshotResult MbpSync::on_snapshot(uint64_t seq) {
  SnapshotResult r;
  while (!buffer_.empty() && buffer_.front().seq <= seq) {
    buffer_.pop_front();
    ++r.dropped;
  }
  if (!buffer_.empty() && buffer_.front().prev != seq) {
    // The snapshot does not bridge onto what is buffered: ask again (keep buffering).
    r.outcome = Outcome::gap;
    return r;
  }
  uint64_t last = seq;
  for (size_t i = 0; i < buffer_.size(); ++i) {
    const MbpUpdate& u = buffer_[i];
    if (u.prev != last) {
      // A break inside the buffer: what precedes it is useless; ask for a newer snapshot.
      buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(i));
      r.to_apply.clear();
      r.outcome = Outcome::gap;
      return r;
    }
    r.to_apply.push_back(u);
    last = u.seq;
  }
  buffer_.clear();
  live_ = true;
  last_ = last;
  r.outcome = Outcome::synced;
  return r;
}

}  // namespace astra::huobi
