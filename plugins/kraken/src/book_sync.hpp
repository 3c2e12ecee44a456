// Sans-I/O book integrity for Kraken: the spot checksummed book and the futures seq rule.
//
// Spot (WebSocket v1 and v2): apply every level of a message in order (a quantity of 0 deletes),
// truncate each side to the subscribed depth (Kraken sends no delete for levels that fall out of
// range), then compare CRC32 over the top 10 (sdk/checksum.hpp). v1 levels are strings used
// exactly as sent; v2 levels are JSON numbers, printed with the pair's price/qty decimals first.
//
// Futures: `book_snapshot` carries `seq`; every `book` delta of that product carries seq + 1
// (verified over the 4,573 deltas of kraken-futures.capture.jsonl: every step is exactly +1).
#pragma once

#include <astra/connector.h>
#include <astra/sdk/l2_book.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace astra::kraken {

// One level as it came on the wire (views into the frame being decoded).
struct LevelText {
  std::string_view price;
  std::string_view qty;
  bool bid = false;
};

class SpotBook {
 public:
  enum class Result { ok, checksum_mismatch, bad_level };

  // decimals < 0: use the texts as they are (v1). depth: the subscribed depth.
  SpotBook(int price_decimals, int qty_decimals, size_t depth)
      : price_decimals_(price_decimals), qty_decimals_(qty_decimals), depth_(depth) {}

  // A snapshot replaces the book. checksum: the venue's, when the message has one (v2).
  Result snapshot(const std::vector<LevelText>& levels, std::optional<uint32_t> checksum);
  // An update; `changed` receives the final state of every touched or truncated level
  // (quantity 0 = removed), for the UPDATE event.
  Result update(const std::vector<LevelText>& levels, std::optional<uint32_t> checksum,
                std::vector<astra_book_level>& changed_bids,
                std::vector<astra_book_level>& changed_asks);

  void set_depth(size_t depth) noexcept { depth_ = depth; }
  size_t depth() const noexcept { return depth_; }
  const sdk::L2Book& book() const noexcept { return book_; }
  uint32_t last_computed() const noexcept { return computed_; }

 private:
  bool apply(const LevelText& l, astra_decimal& price);
  bool formatted(std::string_view text, int decimals, std::string& out) const;
  Result verify(std::optional<uint32_t> checksum);

  int price_decimals_;
  int qty_decimals_;
  size_t depth_;
  sdk::L2Book book_;
  uint32_t computed_ = 0;
  std::string price_buf_, qty_buf_;
};

// Futures seq continuity for one product.
class SeqCheck {
 public:
  enum class Step { applied, stale, gap, no_snapshot };
  void start(uint64_t seq) noexcept {
    last_ = seq;
    live_ = true;
  }
  void stop() noexcept { live_ = false; }
  bool live() const noexcept { return live_; }
  uint64_t last() const noexcept { return last_; }
  Step next(uint64_t seq) noexcept {
    if (!live_) return Step::no_snapshot;
    if (seq <= last_) return Step::stale;
    if (seq != last_ + 1) return Step::gap;
    last_ = seq;
    return Step::applied;
  }

 private:
  uint64_t last_ = 0;
  bool live_ = false;
};

}  // namespace astra::kraken
