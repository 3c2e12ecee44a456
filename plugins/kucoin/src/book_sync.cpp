#include "book_sync.hpp"

#include <astra/sdk/decimal.hpp>

#include <algorithm>

namespace astra::kucoin {

BookSync::Step BookSync::apply(const L2Message& m, Applied& out) {
  if (m.end <= seq_) return Step::stale;
  if (m.start > seq_ + 1) return Step::gap;
  out.update_id = m.end;
  out.time_us = m.time_us;
  out.bids.clear();
  out.asks.clear();
  for (const Change& c : m.changes) {
    if (c.noop || c.seq <= seq_) continue;
    // One price twice in a message: the later entry (higher sequence) is the level's state.
    std::vector<astra_book_level>& side = c.bid ? out.bids : out.asks;
    auto same = std::find_if(side.begin(), side.end(), [&](const astra_book_level& l) {
      return sdk::decimal_equal(l.price, c.level.price);
    });
    if (same != side.end())
      *same = c.level;
    else
      side.push_back(c.level);
  }
  seq_ = m.end;
  return Step::applied;
}

BookSync::Step BookSync::on_message(const L2Message& m, Applied& out) {
  if (!live_) {
    if (buffer_.size() >= kMaxBuffered) buffer_.pop_front();  // the snapshot will tell
    buffer_.push_back(m);
    return Step::buffered;
  }
  const Step s = apply(m, out);
  if (s == Step::gap) restart();
  return s;
}

BookSync::SnapshotResult BookSync::on_snapshot(uint64_t sequence) {
  SnapshotResult r;
  seq_ = sequence;
  std::deque<L2Message> pending = std::move(buffer_);
  buffer_.clear();
  // The snapshot is older than everything buffered, with messages missing in between: the
  // stream cannot be bridged onto it. Another is needed (the buffer keeps filling meanwhile).
  if (!pending.empty() && pending.front().start > sequence + 1) {
    buffer_ = std::move(pending);
    seq_ = 0;
    r.outcome = Outcome::too_old;
    return r;
  }
  for (const L2Message& m : pending) {
    Applied a;
    switch (apply(m, a)) {
      case Step::stale:
        ++r.dropped;
        break;
      case Step::applied:
        r.to_apply.push_back(std::move(a));
        break;
      case Step::gap:
        r.outcome = Outcome::gap;
        r.to_apply.clear();
        restart();
        return r;
      case Step::buffered:
        break;
    }
  }
  live_ = true;
  return r;
}

void BookSync::restart() {
  live_ = false;
  seq_ = 0;
  buffer_.clear();
}

}  // namespace astra::kucoin
