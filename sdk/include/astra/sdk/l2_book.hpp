// An L2 order book that keeps each level's original text, for plugins that verify venue
// checksums: OKX and Kraken compute them from the strings they sent ("30261.0" is not "30261"),
// so the book orders levels by exact decimal value and remembers the venue's text beside it.
#pragma once

#include <astra/connector.h>
#include <astra/sdk/decimal.hpp>

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace astra::sdk {

enum class BookSide { bid, ask };

struct L2Level {
  astra_decimal quantity{};
  std::string price_text;     // exactly as the venue sent it
  std::string quantity_text;  // exactly as the venue sent it
};

// Snapshot: clear(), then apply() every level. Update: apply() each changed level in message
// order (a zero quantity deletes), then truncate() where the venue caps the depth, then compare the
// venue's checksum. One book per market; not thread-safe (a connector instance is never called
// concurrently).
class L2Book {
 public:
  // Value order: bids best (highest) first, asks best (lowest) first.
  struct BidOrder {
    bool operator()(const astra_decimal& a, const astra_decimal& b) const noexcept {
      return compare_decimal(a, b) > 0;
    }
  };
  struct AskOrder {
    bool operator()(const astra_decimal& a, const astra_decimal& b) const noexcept {
      return compare_decimal(a, b) < 0;
    }
  };
  using Bids = std::map<astra_decimal, L2Level, BidOrder>;
  using Asks = std::map<astra_decimal, L2Level, AskOrder>;

  // Sets the absolute quantity at a price; a zero quantity removes the level (removing an absent
  // level is not an error). Prices that differ only in text ("1.0", "1.00") are one level, which
  // then keeps the latest text. Returns false, leaving the book unchanged, when either text is
  // not a decimal, the quantity is negative, or the price is not positive.
  bool apply(BookSide side, std::string_view price, std::string_view quantity) {
    astra_decimal p{}, q{};
    if (!parse_decimal(price, p) || !parse_decimal(quantity, q)) return false;
    if (q.mantissa < 0 || p.mantissa <= 0) return false;
    return side == BookSide::bid ? set(bids_, p, q, price, quantity)
                                 : set(asks_, p, q, price, quantity);
  }

  void clear() noexcept {
    bids_.clear();
    asks_.clear();
  }

  // Keeps only the best `depth` levels of each side (Kraken sends no delete for levels that fall
  // out of the subscribed depth).
  void truncate(size_t depth) {
    trim(bids_, depth);
    trim(asks_, depth);
  }

  const Bids& bids() const noexcept { return bids_; }
  const Asks& asks() const noexcept { return asks_; }
  size_t size(BookSide side) const noexcept {
    return side == BookSide::bid ? bids_.size() : asks_.size();
  }
  bool empty() const noexcept { return bids_.empty() && asks_.empty(); }

  // Best bid >= best ask: a book in this state must not be served.
  bool crossed() const noexcept {
    if (bids_.empty() || asks_.empty()) return false;
    return compare_decimal(bids_.begin()->first, asks_.begin()->first) >= 0;
  }

  // Calls f(price, level) for the best n levels of a side, best first.
  template <class F>
  void for_each_top(BookSide side, size_t n, F&& f) const {
    if (side == BookSide::bid)
      visit(bids_, n, f);
    else
      visit(asks_, n, f);
  }

  // The best n levels of a side as ABI levels (n = 0: all), for emit_book.
  std::vector<astra_book_level> top(BookSide side, size_t n = 0) const {
    std::vector<astra_book_level> out;
    const size_t count = n == 0 ? size(side) : std::min(n, size(side));
    out.reserve(count);
    for_each_top(side, count, [&](const astra_decimal& price, const L2Level& level) {
      out.push_back(astra_book_level{price, level.quantity});
    });
    return out;
  }

 private:
  template <class Map>
  static bool set(Map& side, astra_decimal price, astra_decimal quantity, std::string_view p,
                  std::string_view q) {
    if (quantity.mantissa == 0) {
      side.erase(price);
      return true;
    }
    auto it = side.find(price);
    if (it == side.end()) {
      it = side.emplace(price, L2Level{}).first;
    } else if (it->first.exponent != price.exponent) {
      // Same value, other text ("1.0" then "1.00"): re-key so the ABI price matches the text.
      auto hint = side.erase(it);
      it = side.emplace_hint(hint, price, L2Level{});
    }
    it->second.quantity = quantity;
    it->second.price_text.assign(p);
    it->second.quantity_text.assign(q);
    return true;
  }

  template <class Map>
  static void trim(Map& side, size_t depth) {
    if (side.size() <= depth) return;
    auto it = side.begin();
    std::advance(it, static_cast<std::ptrdiff_t>(depth));
    side.erase(it, side.end());
  }

  template <class Map, class F>
  static void visit(const Map& side, size_t n, F& f) {
    size_t i = 0;
    for (auto it = side.begin(); it != side.end() && i < n; ++it, ++i)
      f(it->first, it->second);
  }

  Bids bids_;
  Asks asks_;
};

}  // namespace astra::sdk
