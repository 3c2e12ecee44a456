// One canonical book per market, fed by venue book events.
#pragma once

#include <astra/connector.h>
#include <astra/core/order_book.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace astra::core {

struct MarketBook {
  std::string market;
  OrderBook book;
  bool in_sync = false;    // a snapshot arrived and no reset since
  uint64_t update_id = 0;  // updateId of the last published event
  int64_t venue_time_us = 0;
  uint64_t snapshots = 0;
  uint64_t updates = 0;
  uint64_t resets = 0;        // resets published (the venue's, and the store's own)
  uint64_t crossed = 0;       // events after which the book was crossed
  uint64_t out_of_order = 0;  // updates whose venue update id did not increase
};

// What applying one event means for clients.
struct BookChange {
  enum Kind { none, snapshot, update, reset } kind = none;
  MarketBook* book = nullptr;
  uint64_t update_id = 0;  // the updateId to publish (venue's, or the gateway's counter)
  uint32_t reset_reason = 0;
  // Set when the book is unusable after the event (crossed, or update id not increasing): the
  // store has marked it out of sync, published kind is reset, and the venue must resynchronize.
  bool needs_resync = false;
};

class BookStore {
 public:
  // Applies a SNAPSHOT, UPDATE or RESET. Updates for a book that is not in sync are ignored
  // (kind none), as is a RESET for a book already out of sync. A crossed result, a
  // non-increasing venue update id or a malformed event turns into a reset with needs_resync set
  // (reasons kResetCrossed, kResetOutOfOrder, kResetBadEvent of messages.hpp).
  BookChange apply(const astra_book_event& event);

  MarketBook* find(std::string_view market) noexcept;
  const MarketBook* find(std::string_view market) const noexcept;
  void erase(std::string_view market);
  size_t size() const noexcept { return books_.size(); }

  template <class F>
  void for_each(F&& f) const {
    for (const auto& [k, v] : books_)
      f(*v);
  }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::unordered_map<std::string, std::unique_ptr<MarketBook>, Hash, std::equal_to<>> books_;
};

}  // namespace astra::core
