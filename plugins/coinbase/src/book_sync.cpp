#include "book_sync.hpp"

#include <astra/sdk/decimal.hpp>

namespace astra::coinbase {

bool Book::snapshot(const std::vector<LevelText>& levels) {
  book_.clear();
  for (const LevelText& l : levels) {
    if (!book_.apply(l.bid ? sdk::BookSide::bid : sdk::BookSide::ask, l.price, l.qty)) {
      book_.clear();
      return false;
    }
  }
  return true;
}

bool Book::update(const std::vector<LevelText>& levels, std::vector<astra_book_level>& bids,
                  std::vector<astra_book_level>& asks) {
  bids.clear();
  asks.clear();
  for (const LevelText& l : levels) {
    astra_book_level level{};
    if (!sdk::parse_decimal(l.price, level.price) || !sdk::parse_decimal(l.qty, level.quantity) ||
        level.price.mantissa <= 0 || level.quantity.mantissa < 0)
      return false;
    if (!book_.apply(l.bid ? sdk::BookSide::bid : sdk::BookSide::ask, l.price, l.qty)) return false;
    (l.bid ? bids : asks).push_back(level);
  }
  return true;
}

}  // namespace astra::coinbase
