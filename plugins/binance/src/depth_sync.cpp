#include "depth_sync.hpp"

#include <algorithm>

namespace astra::binance {

void DepthSync::restart() {
  live_ = false;
  bridging_ = false;
  last_ = 0;
  last_time_us_ = 0;
  stale_run_ = 0;
  buffer_.clear();
}

bool DepthSync::contained(const DepthDiff& d, uint64_t at) const noexcept {
  // Spot drops u <= L; futures keep the diff with u == L (U <= L <= u holds for it).
  return rule_ == SyncRule::spot ? d.last <= at : d.last < at;
}

bool DepthSync::bridges(const DepthDiff& d, uint64_t at) const noexcept {
  if (rule_ == SyncRule::spot) return d.first <= at + 1 && at + 1 <= d.last;
  return (d.first <= at && at <= d.last) || d.prev == at;
}

bool DepthSync::chains(const DepthDiff& d, uint64_t at) const noexcept {
  if (rule_ == SyncRule::spot) return d.first <= at + 1 && d.last > at;
  return d.prev == at;
}

DepthSync::Step DepthSync::on_diff(const DepthDiff& d) {
  if (!live_) {
    if (!buffer_.empty() && d.last <= buffer_.back().last) return Step::stale;  // a duplicate
    if (buffer_.size() >= kMaxBuffered) buffer_.pop_front();  // a later check sees the hole
    buffer_.push_back(d);
    return Step::buffered;
  }
  if (d.last <= last_) {
    // Spot only: every spot diff carries new ids, while a futures stream (the recorded COIN-M
    // one) repeats an id with a newer event time, which this rule would take for a renumbering.
    ++stale_run_;
    const bool renumbered = rule_ == SyncRule::spot &&
                            (last_time_us_ != 0 ? d.time_us > last_time_us_ + kRenumberedAfterUs
                                                : stale_run_ >= kMaxStaleRun);
    if (!renumbered) return Step::stale;
  }
  stale_run_ = 0;
  const bool ok = d.last > last_ && (bridging_ ? bridges(d, last_) : chains(d, last_));
  if (!ok) {
    live_ = false;
    bridging_ = false;
    buffer_.clear();
    buffer_.push_back(d);
    return Step::gap;
  }
  bridging_ = false;
  last_ = d.last;
  last_time_us_ = std::max(last_time_us_, d.time_us);
  return Step::applied;
}

DepthSync::SnapshotResult DepthSync::on_snapshot(uint64_t L) {
  SnapshotResult r;
  while (!buffer_.empty() && contained(buffer_.front(), L)) {
    buffer_.pop_front();
    ++r.dropped;
  }
  if (buffer_.empty()) {
    // Nothing after the snapshot yet: the next diff must bridge onto it.
    live_ = true;
    bridging_ = true;
    last_ = L;
    return r;
  }
  if (!bridges(buffer_.front(), L)) {
    // Everything left is newer than L: the snapshot predates the buffered stream.
    r.outcome = Outcome::snapshot_too_old;
    return r;
  }
  uint64_t at = buffer_.front().last;
  size_t n = 1;
  for (; n < buffer_.size(); ++n) {
    if (!chains(buffer_[n], at)) break;
    at = buffer_[n].last;
  }
  if (n < buffer_.size()) {
    r.outcome = Outcome::gap;
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(n));
    return r;
  }
  for (const DepthDiff& d : buffer_)
    last_time_us_ = std::max(last_time_us_, d.time_us);
  r.to_apply.assign(std::make_move_iterator(buffer_.begin()),
                    std::make_move_iterator(buffer_.end()));
  buffer_.clear();
  live_ = true;
  bridging_ = false;
  last_ = at;
  return r;
}

}  // namespace astra::binance
