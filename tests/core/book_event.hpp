// Builds astra_book_event values for tests; the event points into this object's vectors.
#pragma once

#include <astra/connector.h>

#include <string>
#include <vector>

namespace astra::test {

struct BookEvent {
  std::string market;
  uint32_t kind = ASTRA_BOOK_SNAPSHOT;
  uint64_t update_id = 0;
  int64_t time_us = 0;
  std::vector<astra_book_level> bids;
  std::vector<astra_book_level> asks;
  uint32_t reset_reason = 0;

  astra_book_event get() const {
    astra_book_event e{};
    e.struct_size = sizeof e;
    e.kind = kind;
    e.market = astra_str{market.data(), market.size()};
    e.update_id = update_id;
    e.venue_time_us = time_us;
    e.bids = bids.data();
    e.bid_count = bids.size();
    e.asks = asks.data();
    e.ask_count = asks.size();
    e.reset_reason = reset_reason;
    return e;
  }
};

inline BookEvent snapshot(std::string market, uint64_t id, std::vector<astra_book_level> bids,
                          std::vector<astra_book_level> asks) {
  return BookEvent{std::move(market), ASTRA_BOOK_SNAPSHOT, id, 1000,
                   std::move(bids),   std::move(asks),     0};
}
inline BookEvent update(std::string market, uint64_t id, std::vector<astra_book_level> bids,
                        std::vector<astra_book_level> asks) {
  return BookEvent{std::move(market), ASTRA_BOOK_UPDATE, id, 2000,
                   std::move(bids),   std::move(asks),   0};
}
inline BookEvent reset(std::string market, uint32_t reason) {
  return BookEvent{std::move(market), ASTRA_BOOK_RESET, 0, 0, {}, {}, reason};
}

}  // namespace astra::test
