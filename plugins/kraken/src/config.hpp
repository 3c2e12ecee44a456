// The plugin's configuration (the venue's YAML section as JSON). Every key is optional:
//   {"spot":{"rest":"https://api.kraken.com","ws":"wss://ws.kraken.com/v2"},
//    "futures":{"rest":"https://futures.kraken.com","ws":"wss://futures.kraken.com/ws/v1"},
//    "families":["spot","futures"], "depth":10, "ws_version":2, "heartbeat_ms":1000}
//
// heartbeat_ms: Kraken spot sends a heartbeat about once a second to a subscribed connection; a
// spot connection silent for 1.25 heartbeats is declared stalled and replaced. Futures promise no
// periodic frame (clients ping): there the host's WebSocket keep-alive (ping after 30 s idle, end
// after 60 s) finds a stall. Tests shorten it.
//
// Spot WebSocket version: "ws_version" (1 or 2) when given; otherwise taken from the spot ws URL
// (a path ending in "/v2" means 2; any other path means 1, as wss://ws.kraken.com is v1); the
// default URL is v2. v1 is frozen by Kraken but is what the recordings hold.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace astra::kraken {

enum class Family { spot = 0, futures = 1 };
inline constexpr int kFamilyCount = 2;

std::string_view family_name(Family f) noexcept;  // "spot", "futures"

struct Endpoints {
  std::string rest;  // scheme://host[:port], no trailing slash
  std::string ws;    // full WebSocket URL
};

struct Config {
  Endpoints spot{"https://api.kraken.com", "wss://ws.kraken.com/v2"};
  Endpoints futures{"https://futures.kraken.com", "wss://futures.kraken.com/ws/v1"};
  std::vector<Family> families{Family::spot, Family::futures};
  uint32_t depth = 10;      // spot book depth subscribed: 10, 25, 100, 500 or 1000
  int spot_ws_version = 2;  // 1 or 2
  uint32_t heartbeat_ms = 1000;

  const Endpoints& of(Family f) const { return f == Family::spot ? spot : futures; }
};

// Throws std::invalid_argument with a message naming the bad key.
Config parse_config(std::string_view json);

}  // namespace astra::kraken
