#include <astra/core/book_store.hpp>

#include <astra/core/messages.hpp>

#include <cstddef>
#include <span>

namespace astra::core {
namespace {

std::string_view view(astra_str s) noexcept {
  return s.data ? std::string_view(s.data, s.size) : std::string_view();
}

bool well_formed(const astra_book_event& e) noexcept {
  return (e.bid_count == 0 || e.bids != nullptr) && (e.ask_count == 0 || e.asks != nullptr);
}

// Marks the book unusable: out of sync, cleared, and a reset that asks the venue to resync.
BookChange resync(MarketBook& b, uint32_t reason) {
  b.in_sync = false;
  b.book.clear();
  ++b.resets;
  BookChange c;
  c.kind = BookChange::reset;
  c.book = &b;
  c.reset_reason = reason;
  c.needs_resync = true;
  return c;
}

}  // namespace

BookChange BookStore::apply(const astra_book_event& event) {
  const std::string_view market = view(event.market);
  if (market.empty()) return {};

  MarketBook* b = find(market);
  if (event.kind == ASTRA_BOOK_SNAPSHOT && b == nullptr) {
    auto owned = std::make_unique<MarketBook>();
    owned->market = std::string(market);
    b = owned.get();
    books_.emplace(owned->market, std::move(owned));
  }
  if (b == nullptr) return {};  // an update or reset for a book never seen: nothing to say

  const std::span<const Level> bids(event.bids, event.bids ? event.bid_count : 0);
  const std::span<const Level> asks(event.asks, event.asks ? event.ask_count : 0);

  switch (event.kind) {
    case ASTRA_BOOK_SNAPSHOT: {
      if (!well_formed(event)) return resync(*b, kResetBadEvent);
      b->book.apply_snapshot(bids, asks);
      b->venue_time_us = event.venue_time_us;
      ++b->snapshots;
      if (b->book.crossed()) {
        ++b->crossed;
        return resync(*b, kResetCrossed);
      }
      b->in_sync = true;
      // A snapshot starts a new sequence: the venue's id is taken as it is.
      b->update_id = event.update_id != 0 ? event.update_id : b->update_id + 1;
      return BookChange{BookChange::snapshot, b, b->update_id, 0, false};
    }
    case ASTRA_BOOK_UPDATE: {
      if (!b->in_sync) return {};
      if (!well_formed(event)) return resync(*b, kResetBadEvent);
      if (event.update_id != 0 && event.update_id <= b->update_id) {
        ++b->out_of_order;
        return resync(*b, kResetOutOfOrder);
      }
      b->book.apply_update(bids, asks);
      b->venue_time_us = event.venue_time_us;
      ++b->updates;
      if (b->book.crossed()) {
        ++b->crossed;
        return resync(*b, kResetCrossed);
      }
      b->update_id = event.update_id != 0 ? event.update_id : b->update_id + 1;
      return BookChange{BookChange::update, b, b->update_id, 0, false};
    }
    case ASTRA_BOOK_RESET: {
      if (!b->in_sync) return {};  // already announced
      b->in_sync = false;
      b->book.clear();
      ++b->resets;
      // A sender built before reset_reason existed declares a smaller struct_size.
      const bool has_reason = event.struct_size >=
                              offsetof(astra_book_event, reset_reason) + sizeof(event.reset_reason);
      const uint32_t reason = has_reason ? event.reset_reason : 0;
      return BookChange{BookChange::reset, b, 0, reason, false};
    }
    default:
      return {};  // unknown kinds are ignored (the ABI promise)
  }
}

MarketBook* BookStore::find(std::string_view market) noexcept {
  auto it = books_.find(market);
  return it == books_.end() ? nullptr : it->second.get();
}

const MarketBook* BookStore::find(std::string_view market) const noexcept {
  auto it = books_.find(market);
  return it == books_.end() ? nullptr : it->second.get();
}

void BookStore::erase(std::string_view market) {
  auto it = books_.find(market);
  if (it != books_.end()) books_.erase(it);
}

}  // namespace astra::core
