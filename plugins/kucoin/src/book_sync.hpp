// Sans-I/O level-2 sequencing for KuCoin (spot and futures), per the venue's calibration rule:
//
//   1. Buffer WebSocket messages until the REST snapshot (with its `sequence`) arrives.
//   2. Drop messages whose sequenceEnd <= the snapshot sequence.
//   3. Apply a message only if sequenceStart <= book_seq + 1 (else: a gap) and
//      sequenceEnd > book_seq (else: stale). Continuity is judged by start/end only.
//   4. Inside a message skip entries whose own sequence <= book_seq, and entries whose price is
//      "0" (a no-op that only advances the sequence). A size of "0" deletes the level.
//   5. book_seq = sequenceEnd.
// Futures messages carry one `sequence`: they are messages with start == end == sequence.
#pragma once

#include <astra/connector.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace astra::kucoin {

struct Change {
  astra_book_level level{};
  uint64_t seq = 0;
  bool bid = false;
  bool noop = false;  // price "0"
};

struct L2Message {
  uint64_t start = 0;
  uint64_t end = 0;
  int64_t time_us = 0;
  std::vector<Change> changes;
};

// What one applied message changes in the book.
struct Applied {
  uint64_t update_id = 0;  // sequenceEnd
  int64_t time_us = 0;
  std::vector<astra_book_level> bids, asks;
};

class BookSync {
 public:
  enum class Step { buffered, applied, stale, gap };
  enum class Outcome { synced, gap, too_old };
  struct SnapshotResult {
    Outcome outcome = Outcome::synced;
    size_t dropped = 0;             // buffered messages already inside the snapshot
    std::vector<Applied> to_apply;  // buffered messages to emit after the snapshot
  };

  static constexpr size_t kMaxBuffered = 20000;

  // A live message. `out` is filled when the result is `applied`.
  Step on_message(const L2Message& m, Applied& out);
  // The snapshot's sequence. On `synced` the book is live at the last applied sequence.
  SnapshotResult on_snapshot(uint64_t sequence);
  // Forget everything (new connection, or a resync): buffer again.
  void restart();

  bool live() const noexcept { return live_; }
  uint64_t sequence() const noexcept { return seq_; }
  size_t buffered() const noexcept { return buffer_.size(); }

 private:
  Step apply(const L2Message& m, Applied& out);

  bool live_ = false;
  uint64_t seq_ = 0;
  std::deque<L2Message> buffer_;
};

}  // namespace astra::kucoin
