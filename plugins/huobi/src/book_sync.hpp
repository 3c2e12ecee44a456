// Book keeping without I/O.
//
// FullBook: HTX `depth.step0` pushes the whole book (up to 150 levels a side) each time. The
// first push is emitted as a SNAPSHOT; every later push is diffed against the previous one and
// emitted as an UPDATE of the changed levels (quantity 0 for a level that went away), so clients
// get small events and the host's book equals the venue's latest push.
//
// MbpSync: spot `mbp` incremental pushes carry seqNum and prevSeqNum. seqNum values are NOT
// consecutive, so an update applies only when its prevSeqNum equals the seqNum of what was applied
// before (never seqNum == last + 1). Updates are buffered until a snapshot requested on the same
// connection arrives; the first applied update is the one whose prevSeqNum equals the snapshot's
// seqNum. Any break in the chain is a gap: the caller emits RESET(GAP) and requests a new
// snapshot.
#pragma once

#include <astra/connector.h>
#include <astra/sdk/decimal.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <vector>

namespace astra::huobi {

struct DecimalLess {
  bool operator()(const astra_decimal& a, const astra_decimal& b) const noexcept {
    return sdk::compare_decimal(a, b) < 0;
  }
};

class FullBook {
 public:
  bool empty() const noexcept { return !has_book_; }
  void clear() noexcept {
    bids_.clear();
    asks_.clear();
    has_book_ = false;
  }
  // Replaces the book with a full push. Writes the whole book best first into bids/asks when
  // this is the first push (returns true: a snapshot), else only the changed levels (false).
  bool replace(const std::vector<astra_book_level>& new_bids,
               const std::vector<astra_book_level>& new_asks, std::vector<astra_book_level>& bids,
               std::vector<astra_book_level>& asks);

 private:
  using Side = std::map<astra_decimal, astra_decimal, DecimalLess>;
  static void diff(const Side& before, const Side& after, std::vector<astra_book_level>& out);
  Side bids_, asks_;
  bool has_book_ = false;
};

struct MbpUpdate {
  uint64_t seq = 0;
  uint64_t prev = 0;
  int64_t time_us = 0;
  std::vector<astra_book_level> bids, asks;
};

class MbpSync {
 public:
  enum class Step { buffered, applied, stale, gap };
  enum class Outcome { synced, gap };
  struct SnapshotResult {
    Outcome outcome = Outcome::gap;
    std::vector<MbpUpdate> to_apply;  // buffered updates that follow the snapshot, in order
    uint64_t dropped = 0;             // buffered updates the snapshot already contains
  };

  static constexpr size_t kMaxBuffered = 10000;

  bool live() const noexcept { return live_; }
  uint64_t last_seq() const noexcept { return last_; }

  // A pushed update. applied: emit it; buffered: waiting for a snapshot; stale: already applied;
  // gap: the chain broke (the update is kept as the first buffered one; the sync is no longer
  // live).
  Step on_update(const MbpUpdate& update);
  // The snapshot's seqNum.
  SnapshotResult on_snapshot(uint64_t seq);
  // Forgets everything (new connection, unsubscribe).
  void restart() noexcept {
    live_ = false;
    last_ = 0;
    buffer_.clear();
  }

 private:
  bool live_ = false;
  uint64_t last_ = 0;
  std::deque<MbpUpdate> buffer_;
};

}  // namespace astra::huobi
