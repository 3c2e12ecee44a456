// Binance diff-depth sequencing: buffer diffs, bridge them onto a REST snapshot, then check that
// every diff continues the previous one. Pure logic, no I/O.
//
//   spot:    drop u <= L; the first applied diff has U <= L+1 <= u; then U <= prev_u + 1
//            (U == prev_u + 1 on one stream; the inequality also accepts the overlap seen when
//            bridging two connections).
//   futures: drop u < L;  the first applied diff has U <= L <= u;   then pu == prev_u.
//            (U is NOT prev_u + 1 on futures streams.)
#pragma once

#include <astra/connector.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace astra::binance {

enum class SyncRule { spot, futures };

struct DepthDiff {
  uint64_t first = 0;   // U
  uint64_t last = 0;    // u
  uint64_t prev = 0;    // pu (futures only)
  int64_t time_us = 0;  // E
  std::vector<astra_book_level> bids;
  std::vector<astra_book_level> asks;
};

class DepthSync {
 public:
  enum class Step { buffered, applied, stale, gap };
  enum class Outcome { synced, snapshot_too_old, gap };
  struct SnapshotResult {
    Outcome outcome = Outcome::synced;
    size_t dropped = 0;               // buffered diffs the snapshot already contains
    std::vector<DepthDiff> to_apply;  // in order; may start with u == L (futures)
  };

  static constexpr size_t kMaxBuffered = 20000;
  // A live book's diffs that it already holds are duplicates, or the overlap of a stream it moved
  // to: events no newer than the book's. A diff with an id the book holds but an event time more
  // than kRenumberedAfterUs newer than the book's newest means the venue numbers its updates anew
  // (back from maintenance): nothing would ever apply again, so it is a gap. Before any diff has
  // applied (no time to compare), a run of kMaxStaleRun stale diffs means the same. Spot only.
  static constexpr int64_t kRenumberedAfterUs = 1'000'000;
  static constexpr size_t kMaxStaleRun = 10;

  explicit DepthSync(SyncRule rule) : rule_(rule) {}

  bool live() const noexcept { return live_; }
  uint64_t last_id() const noexcept { return last_; }
  const std::deque<DepthDiff>& buffered() const noexcept { return buffer_; }

  // Forget everything: not live, empty buffer.
  void restart();
  // A live book's next diff must bridge (U <= L(+1) <= u, or pu == L) rather than chain: used
  // when the stream moves to another connection.
  void expect_bridge() noexcept { bridging_ = true; }

  // A diff from the stream. Not live: buffered (a copy kept). Live: applied (last_id() moved),
  // stale (already contained) or gap (the book is no longer live; the diff is kept buffered).
  Step on_diff(const DepthDiff& d);

  // The REST snapshot's lastUpdateId arrived. synced: live now, apply to_apply after the snapshot.
  // snapshot_too_old: fetch another (the buffer is kept). gap: the buffered diffs do not chain;
  // the buffer restarts at the first diff that broke the chain, fetch another snapshot.
  SnapshotResult on_snapshot(uint64_t last_update_id);

  // True when diff `d` may follow a book at id `at` as the first diff after a snapshot/bridge.
  bool bridges(const DepthDiff& d, uint64_t at) const noexcept;

 private:
  bool chains(const DepthDiff& d, uint64_t at) const noexcept;
  bool contained(const DepthDiff& d, uint64_t at) const noexcept;  // already in a book at `at`

  SyncRule rule_;
  bool live_ = false;
  bool bridging_ = false;
  uint64_t last_ = 0;
  int64_t last_time_us_ = 0;  // event time of the newest applied diff (0: none yet)
  size_t stale_run_ = 0;      // consecutive stale diffs while live
  std::deque<DepthDiff> buffer_;
};

}  // namespace astra::binance
