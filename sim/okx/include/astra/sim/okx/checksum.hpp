// OKX's order-book checksum, written from the venue's description (not shared with the plugin):
// the top 25 bids (best first) and asks (best first) interleaved as
// "bidPx:bidSz:askPx:askSz:..." from the exact text sent; when one side runs out the other
// continues alone; CRC-32 (zlib) read as a signed 32-bit integer.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace astra::sim::okx {

using TextLevels = std::vector<std::pair<std::string, std::string>>;  // [price, size], best first

inline constexpr size_t kChecksumDepth = 25;

std::string checksum_input(const TextLevels& bids, const TextLevels& asks);
int32_t checksum(const TextLevels& bids, const TextLevels& asks);

}  // namespace astra::sim::okx
