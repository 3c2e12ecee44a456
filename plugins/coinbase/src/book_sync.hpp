// Sans-I/O book integrity for Coinbase.
//
// Both feeds send absolute sizes per price (0 deletes): a snapshot replaces the book, updates set
// levels. Exchange `level2` has no sequence numbers at all (gaps cannot be seen; update_id 0).
// Advanced Trade numbers every envelope of a connection with `sequence_num` (all channels share
// one counter), so the connector gives each book its own connection: a jump on that connection
// is a loss for that product alone.
#pragma once

#include "frames.hpp"

#include <astra/connector.h>
#include <astra/sdk/l2_book.hpp>

#include <cstdint>
#include <vector>

namespace astra::coinbase {

// One market's book as the plugin keeps it: enough to emit sorted snapshots and checked updates.
class Book {
 public:
  // Replaces the book; false when a level is not a decimal price and size (book left empty).
  bool snapshot(const std::vector<LevelText>& levels);
  // Applies an update; `bids`/`asks` receive the changed levels (quantity 0 = removed). False
  // when a level is bad (the book is then unusable until the next snapshot).
  bool update(const std::vector<LevelText>& levels, std::vector<astra_book_level>& bids,
              std::vector<astra_book_level>& asks);
  const sdk::L2Book& levels() const noexcept { return book_; }

 private:
  sdk::L2Book book_;
};

// sequence_num continuity on one Advanced Trade connection.
class SequenceCheck {
 public:
  enum class Step { first, next, gap, stale };
  Step check(uint64_t seq) noexcept {
    if (!started_) {
      started_ = true;
      last_ = seq;
      return Step::first;
    }
    if (seq <= last_) return Step::stale;
    const bool gap = seq != last_ + 1;
    last_ = seq;
    return gap ? Step::gap : Step::next;
  }
  void reset() noexcept { started_ = false; }
  uint64_t last() const noexcept { return last_; }

 private:
  bool started_ = false;
  uint64_t last_ = 0;
};

}  // namespace astra::coinbase
