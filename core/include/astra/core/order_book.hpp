// An L2 order book of exact decimal levels: bids best (highest) first, asks best (lowest) first.
#pragma once

#include <astra/connector.h>

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace astra::core {

using Level = astra_book_level;

class OrderBook {
 public:
  // Replaces the whole book. Levels may come in any order; zero quantities are ignored; a price
  // given twice counts as if applied in order (the last one wins).
  void apply_snapshot(std::span<const Level> bids, std::span<const Level> asks);
  // Sets each level's absolute quantity; a zero (or negative) quantity removes the level. An
  // equal price in another notation (1.0 vs 1.00) is the same level and takes the new notation.
  void apply_update(std::span<const Level> bids, std::span<const Level> asks);
  void clear() noexcept;

  std::optional<Level> best_bid() const noexcept;
  std::optional<Level> best_ask() const noexcept;
  // True when both sides exist and best bid >= best ask.
  bool crossed() const noexcept;

  size_t bid_count() const noexcept;
  size_t ask_count() const noexcept;
  // Up to depth levels per side, best first (depth 0: all).
  void top(size_t depth, std::vector<Level>& bids, std::vector<Level>& asks) const;

 private:
  // Sorted so that the best level is at the back (cheap inserts and removals near the top).
  std::vector<Level> bids_;  // ascending price: best bid last
  std::vector<Level> asks_;  // descending price: best ask last
};

}  // namespace astra::core
