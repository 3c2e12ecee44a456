// Immutable copies of live books that the engine publishes for other threads, so that REST
// `GET /orderbook` can be answered on an HTTP thread without a round trip to the engine.
//
// A BookSnapshot is built whole on the engine thread from one state of one book and never changes
// after: its levels, updateId and time always belong together. BookSnapshots maps a market to its
// latest snapshot; readers copy the shared_ptr under a mutex and read it with no lock at all.
#pragma once

#include <astra/core/order_book.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace astra::core {

struct BookSnapshot {
  std::string market;
  uint64_t update_id = 0;
  int64_t time_us = 0;
  std::vector<Level> bids;  // best first; the top `depth` levels, or the whole side
  std::vector<Level> asks;
  uint32_t depth = 0;       // levels per side taken from the book
  bool whole_book = false;  // both sides had at most `depth` levels: bids and asks are complete

  // Top `depth` levels of the book, with its updateId and time.
  static std::shared_ptr<const BookSnapshot> of(std::string_view market, uint64_t update_id,
                                                int64_t time_us, const OrderBook& book,
                                                uint32_t depth);
  // True when it holds everything a request for this many levels per side would get.
  bool covers(uint32_t levels) const noexcept { return levels <= depth || whole_book; }
  // The /orderbook JSON for up to `levels` levels per side (encode_orderbook_json).
  std::string orderbook_json(uint32_t levels) const;
};

// Thread-safe.
class BookSnapshots {
 public:
  std::shared_ptr<const BookSnapshot> find(std::string_view market) const;
  void publish(std::shared_ptr<const BookSnapshot> snapshot);
  void withdraw(std::string_view market);
  size_t size() const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const BookSnapshot>, Hash, std::equal_to<>>
      snapshots_;
};

}  // namespace astra::core
