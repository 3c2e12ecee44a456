#include "astra/sim/okx/checksum.hpp"

#include <zlib.h>

namespace astra::sim::okx {

std::string checksum_input(const TextLevels& bids, const TextLevels& asks) {
  std::string out;
  auto append = [&out](const std::pair<std::string, std::string>& level) {
    if (!out.empty()) out.push_back(':');
    out += level.first;
    out.push_back(':');
    out += level.second;
  };
  for (size_t i = 0; i < kChecksumDepth; ++i) {
    if (i < bids.size()) append(bids[i]);
    if (i < asks.size()) append(asks[i]);
  }
  return out;
}

int32_t checksum(const TextLevels& bids, const TextLevels& asks) {
  const std::string input = checksum_input(bids, asks);
  const auto crc = static_cast<uint32_t>(
      ::crc32_z(0L, reinterpret_cast<const Bytef*>(input.data()), input.size()));
  return static_cast<int32_t>(crc);
}

}  // namespace astra::sim::okx
