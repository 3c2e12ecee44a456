// The plugin's configuration (the venue's YAML section as JSON). Every key is optional:
//   {"spot":{"rest":"https://api.binance.com","ws":"wss://stream.binance.com:9443"},
//    "usdm":{"rest":"https://fapi.binance.com","ws":"wss://fstream.binance.com"},
//    "coinm":{"rest":"https://dapi.binance.com","ws":"wss://dstream.binance.com"},
//    "families":["spot","usdm","coinm"], "snapshot_limit":1000,
//    "heartbeat_ms":20000, "request_weight_per_minute":6000}
// heartbeat_ms: Binance spot pings every 20 s; a connection silent for that long is probed, and
// one still silent after a probe is replaced (within twice the heartbeat). Tests shorten it.
// request_weight_per_minute: the venue's REQUEST_WEIGHT budget; depth snapshots for streamed
// books use at most half of it in any 60 s window (a venue-wide reconnect must not storm).
#pragma once

#include "symbols.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace astra::binance {

struct Endpoints {
  std::string rest;  // scheme://host[:port], no trailing slash
  std::string ws;
};

struct Config {
  std::array<Endpoints, kFamilyCount> endpoints;  // indexed by Family
  std::vector<Family> families;
  uint32_t snapshot_limit = 1000;
  uint32_t heartbeat_ms = 20'000;
  uint32_t request_weight_per_minute = 6000;

  const Endpoints& of(Family f) const { return endpoints[static_cast<size_t>(f)]; }
};

// Throws std::invalid_argument with a message naming the bad key.
Config parse_config(std::string_view json);

}  // namespace astra::binance
