// Venue order-book checksums: CRC32 (zlib's, IEEE 802.3) over a string built from the top of
// the book, using the venue's own price and quantity text (kept by L2Book).
//
//   OKX:    top 25 bids and asks interleaved "bidPx:bidSz:askPx:askSz:..." joined by ':' (when a
//           side runs out the other continues alone); CRC32 read as a signed 32-bit integer.
//           OKX announced the field becomes 0 in 2026: treat 0 as "no checksum".
//   Kraken: spot WS book: top 10 asks (low to high) then top 10 bids (high to low); for each
//           level the price then the quantity with '.' removed and leading zeros stripped, all
//           concatenated; CRC32 unsigned. WS v2 sends JSON numbers: render them with the pair's
//           price/qty precision first (rescale_decimal) so the text carries trailing zeros.
#pragma once

#include <zlib.h>

#include <astra/sdk/l2_book.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace astra::sdk {

inline uint32_t crc32(std::string_view data) noexcept {
  return static_cast<uint32_t>(
      ::crc32_z(0L, reinterpret_cast<const Bytef*>(data.data()), data.size()));
}

inline constexpr size_t kOkxChecksumDepth = 25;
inline constexpr size_t kKrakenChecksumDepth = 10;

// The exact text OKX checksums. Exposed for diagnostics (log it on a mismatch).
inline std::string okx_checksum_input(const L2Book& book, size_t depth = kOkxChecksumDepth) {
  std::string out;
  out.reserve(depth * 2 * 24);
  auto bid = book.bids().begin();
  auto ask = book.asks().begin();
  auto append = [&](const L2Level& level) {
    if (!out.empty()) out.push_back(':');
    out += level.price_text;
    out.push_back(':');
    out += level.quantity_text;
  };
  for (size_t i = 0; i < depth; ++i) {
    const bool has_bid = bid != book.bids().end();
    const bool has_ask = ask != book.asks().end();
    if (!has_bid && !has_ask) break;
    if (has_bid) append((bid++)->second);
    if (has_ask) append((ask++)->second);
  }
  return out;
}

inline int32_t okx_checksum(const L2Book& book, size_t depth = kOkxChecksumDepth) {
  return static_cast<int32_t>(crc32(okx_checksum_input(book, depth)));
}

// Appends a decimal text without its '.', and without leading zeros ("0.0500" -> "500").
inline void append_kraken_digits(std::string& out, std::string_view text) {
  bool leading = true;
  for (char c : text) {
    if (c == '.') continue;
    if (leading && c == '0') continue;
    leading = false;
    out.push_back(c);
  }
}

// The exact text Kraken checksums. Exposed for diagnostics (log it on a mismatch).
inline std::string kraken_checksum_input(const L2Book& book, size_t depth = kKrakenChecksumDepth) {
  std::string out;
  out.reserve(depth * 2 * 24);
  auto append = [&](const astra_decimal&, const L2Level& level) {
    append_kraken_digits(out, level.price_text);
    append_kraken_digits(out, level.quantity_text);
  };
  book.for_each_top(BookSide::ask, depth, append);
  book.for_each_top(BookSide::bid, depth, append);
  return out;
}

inline uint32_t kraken_checksum(const L2Book& book, size_t depth = kKrakenChecksumDepth) {
  return crc32(kraken_checksum_input(book, depth));
}

}  // namespace astra::sdk
