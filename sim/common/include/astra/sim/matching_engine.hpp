// A price-time-priority limit order book for one symbol, in integer ticks and lots.
//
// Every change of a price level's total quantity is one book update and advances update_id()
// by one, so a venue can publish the changes as a diff whose id range [first, last] covers them.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

namespace astra::sim {

enum class Side : uint8_t { kBuy, kSell };

struct Fill {
  uint64_t maker_order = 0;
  uint64_t taker_order = 0;
  Side taker_side = Side::kBuy;
  int64_t price = 0;  // ticks
  int64_t qty = 0;    // lots
};

struct Level {
  int64_t price = 0;  // ticks
  int64_t qty = 0;    // lots; 0 in a diff means the level is gone
  bool operator==(const Level&) const = default;
};

// Level totals that changed since the last take_changes(), with the update-id range they span.
struct BookChanges {
  uint64_t first_update_id = 0;
  uint64_t last_update_id = 0;
  std::vector<Level> bids;  // best first
  std::vector<Level> asks;  // best first
  bool empty() const { return bids.empty() && asks.empty(); }
};

class MatchingEngine {
 public:
  // update_id() starts at `start_update_id` (venues' ids start far from zero).
  explicit MatchingEngine(uint64_t start_update_id = 0)
      : update_id_(start_update_id), taken_up_to_(start_update_id) {}

  // Matches against the other side up to `price`, rests the remainder. False (and no change)
  // for a non-positive price or quantity or an order id already resting.
  bool limit(uint64_t order_id, Side side, int64_t price, int64_t qty, std::vector<Fill>& fills);
  // Matches up to `qty`; what the book cannot fill expires. False for a non-positive quantity.
  bool market(uint64_t order_id, Side side, int64_t qty, std::vector<Fill>& fills);
  // False when no such order rests.
  bool cancel(uint64_t order_id);

  std::optional<int64_t> best_bid() const;
  std::optional<int64_t> best_ask() const;
  // Up to `depth` levels, best first (depth 0 = all).
  std::vector<Level> bids(size_t depth = 0) const;
  std::vector<Level> asks(size_t depth = 0) const;

  uint64_t update_id() const { return update_id_; }
  size_t resting_orders() const { return live_.size(); }
  // The id of the resting order at `index` (any stable order; for random cancels).
  std::optional<uint64_t> resting_order_at(size_t index) const;

  BookChanges take_changes();

  // A venue back from maintenance numbers its updates anew: update_id() restarts at `start`
  // (which may be lower than before); changes not yet taken are dropped (the book keeps them).
  void restart_update_ids(uint64_t start);

 private:
  struct Order {
    uint64_t id;
    int64_t qty;
  };
  struct PriceLevel {
    int64_t total = 0;
    std::deque<Order> orders;
  };
  struct Where {
    Side side;
    int64_t price;
    size_t slot;  // index in live_
  };
  using Bids = std::map<int64_t, PriceLevel, std::greater<>>;
  using Asks = std::map<int64_t, PriceLevel, std::less<>>;

  template <class Book>
  void match(Book& book, uint64_t taker, Side taker_side, std::optional<int64_t> limit_price,
             int64_t& qty, std::vector<Fill>& fills);
  void rest(uint64_t order_id, Side side, int64_t price, int64_t qty);
  void level_changed(Side side, int64_t price, int64_t total);
  void forget(uint64_t order_id);

  Bids bids_;
  Asks asks_;
  std::unordered_map<uint64_t, Where> where_;
  std::vector<uint64_t> live_;
  uint64_t update_id_ = 0;
  uint64_t taken_up_to_ = 0;
  std::map<int64_t, int64_t, std::greater<>> changed_bids_;
  std::map<int64_t, int64_t> changed_asks_;
};

}  // namespace astra::sim
