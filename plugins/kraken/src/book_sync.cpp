#include "book_sync.hpp"

#include <astra/sdk/checksum.hpp>
#include <astra/sdk/decimal.hpp>

#include <algorithm>
#include <iterator>

namespace astra::kraken {

namespace {
struct Less {
  bool operator()(const astra_decimal& a, const astra_decimal& b) const noexcept {
    return sdk::compare_decimal(a, b) < 0;
  }
};
}  // namespace

bool SpotBook::formatted(std::string_view text, int decimals, std::string& out) const {
  out.assign(text);
  if (decimals < 0) return true;
  astra_decimal d{}, r{};
  if (!sdk::parse_decimal(text, d)) return false;
  // A value with more decimals than the pair's precision keeps its text (the checksum then
  // fails and the book resynchronizes, which is the safe outcome).
  if (sdk::rescale_decimal(d, decimals, r)) out = sdk::format_decimal(r);
  return true;
}

bool SpotBook::apply(const LevelText& l, astra_decimal& price) {
  if (!formatted(l.price, price_decimals_, price_buf_) ||
      !formatted(l.qty, qty_decimals_, qty_buf_))
    return false;
  if (!sdk::parse_decimal(price_buf_, price)) return false;
  return book_.apply(l.bid ? sdk::BookSide::bid : sdk::BookSide::ask, price_buf_, qty_buf_);
}

SpotBook::Result SpotBook::verify(std::optional<uint32_t> checksum) {
  if (!checksum) return Result::ok;
  computed_ = sdk::kraken_checksum(book_);
  return computed_ == *checksum ? Result::ok : Result::checksum_mismatch;
}

SpotBook::Result SpotBook::snapshot(const std::vector<LevelText>& levels,
                                    std::optional<uint32_t> checksum) {
  book_.clear();
  astra_decimal price{};
  for (const LevelText& l : levels)
    if (!apply(l, price)) return Result::bad_level;
  book_.truncate(depth_);
  return verify(checksum);
}

SpotBook::Result SpotBook::update(const std::vector<LevelText>& levels,
                                  std::optional<uint32_t> checksum,
                                  std::vector<astra_book_level>& changed_bids,
                                  std::vector<astra_book_level>& changed_asks) {
  changed_bids.clear();
  changed_asks.clear();
  std::vector<astra_decimal> touched_bids, touched_asks;
  astra_decimal price{};
  for (const LevelText& l : levels) {
    if (!apply(l, price)) return Result::bad_level;
    (l.bid ? touched_bids : touched_asks).push_back(price);
  }
  // Levels pushed out of the subscribed depth are removed here and for the host.
  auto beyond = [this](const auto& side, std::vector<astra_decimal>& out) {
    if (side.size() <= depth_) return;
    for (auto it = std::next(side.begin(), static_cast<std::ptrdiff_t>(depth_)); it != side.end();
         ++it)
      out.push_back(it->first);
  };
  beyond(book_.bids(), touched_bids);
  beyond(book_.asks(), touched_asks);
  book_.truncate(depth_);
  // One entry per price with its final quantity: the event is order-free.
  auto collect = [](std::vector<astra_decimal>& prices, const auto& side,
                    std::vector<astra_book_level>& out) {
    std::sort(prices.begin(), prices.end(), Less{});
    prices.erase(std::unique(prices.begin(), prices.end(),
                             [](const astra_decimal& a, const astra_decimal& b) {
                               return sdk::compare_decimal(a, b) == 0;
                             }),
                 prices.end());
    for (const astra_decimal& p : prices) {
      auto it = side.find(p);
      if (it == side.end())
        out.push_back(astra_book_level{p, astra_decimal{0, 0}});
      else
        out.push_back(astra_book_level{it->first, it->second.quantity});
    }
  };
  collect(touched_bids, book_.bids(), changed_bids);
  collect(touched_asks, book_.asks(), changed_asks);
  return verify(checksum);
}

}  // namespace astra::kraken
