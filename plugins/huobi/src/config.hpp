// The plugin's configuration (the venue's YAML section as JSON). Every key is optional:
//   {"spot":{"rest":"https://api.huobi.pro","ws":"wss://api.huobi.pro/ws",
//            "feed":"wss://api.huobi.pro/feed"},
//    "coin_futures":{"rest":"https://api.hbdm.com","ws":"wss://api.hbdm.com/ws"},
//    "coin_swap":{"rest":"https://api.hbdm.com","ws":"wss://api.hbdm.com/swap-ws"},
//    "linear_swap":{"rest":"https://api.hbdm.com","ws":"wss://api.hbdm.com/linear-swap-ws"},
//    "families":["spot","coin_futures","coin_swap","linear_swap"],
//    "spot_book":"step0"|"mbp", "mbp_levels":150, "heartbeat_ms":5000}
//
// spot_book "step0" streams the full 150-level book pushed about once a second (what the
// recordings hold); "mbp" streams tick-by-tick diffs on the /feed connection, bridged from a
// snapshot requested on that same connection. Derivatives always use depth.step0.
//
// heartbeat_ms: HTX pings every market connection every 5 s; one silent for 1.25 heartbeats
// (no ping, no data) is declared stalled and replaced. Tests shorten it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace astra::huobi {

enum class Family { spot = 0, coin_futures = 1, coin_swap = 2, linear_swap = 3 };
inline constexpr size_t kFamilyCount = 4;

std::string_view family_name(Family f) noexcept;  // "spot", "coin_futures", ...

struct Endpoints {
  std::string rest;  // scheme://host[:port], no trailing slash
  std::string ws;    // market WebSocket URL
  std::string feed;  // spot only: the MBP incremental WebSocket URL
};

enum class SpotBook { step0, mbp };

struct Config {
  std::array<Endpoints, kFamilyCount> endpoints{
      Endpoints{"https://api.huobi.pro", "wss://api.huobi.pro/ws", "wss://api.huobi.pro/feed"},
      Endpoints{"https://api.hbdm.com", "wss://api.hbdm.com/ws", ""},
      Endpoints{"https://api.hbdm.com", "wss://api.hbdm.com/swap-ws", ""},
      Endpoints{"https://api.hbdm.com", "wss://api.hbdm.com/linear-swap-ws", ""}};
  std::vector<Family> families{Family::spot, Family::coin_futures, Family::coin_swap,
                               Family::linear_swap};
  SpotBook spot_book = SpotBook::step0;
  uint32_t mbp_levels = 150;  // 5, 20 or 150
  uint32_t heartbeat_ms = 5000;

  const Endpoints& of(Family f) const { return endpoints[static_cast<size_t>(f)]; }
};

// Throws std::invalid_argument with a message naming the bad key.
Config parse_config(std::string_view json);

}  // namespace astra::huobi
