// The plugin's configuration (the venue's YAML section as JSON). Every key is optional:
//   {"spot":{"rest":"https://api.kucoin.com"},
//    "futures":{"rest":"https://api-futures.kucoin.com"},
//    "families":["spot","futures"], "snapshot_depth":100}
//
// There is no WebSocket URL to configure: KuCoin hands one out with each connection token
// (POST /api/v1/bullet-public on the family's REST host).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace astra::kucoin {

enum class Family { spot = 0, futures = 1 };
inline constexpr int kFamilyCount = 2;

std::string_view family_name(Family f) noexcept;  // "spot", "futures"

struct Config {
  std::string spot_rest = "https://api.kucoin.com";
  std::string futures_rest = "https://api-futures.kucoin.com";
  std::vector<Family> families{Family::spot, Family::futures};
  uint32_t snapshot_depth = 100;  // spot public partial book: 20 or 100

  const std::string& rest(Family f) const { return f == Family::spot ? spot_rest : futures_rest; }
};

// Throws std::invalid_argument with a message naming the bad key.
Config parse_config(std::string_view json);

}  // namespace astra::kucoin
