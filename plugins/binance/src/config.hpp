// The plugin's configuration (the venue's YAML section as JSON). Every key is optional:
//   {"spot":{"rest":"https://api.binance.com","ws":"wss://stream.binance.com:9443"},
//    "usdm":{"rest":"https://fapi.binance.com","ws":"wss://fstream.binance.com"},
//    "coinm":{"rest":"https://dapi.binance.com","ws":"wss://dstream.binance.com"},
//    "families":["spot","usdm","coinm"], "snapshot_limit":1000}
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

  const Endpoints& of(Family f) const { return endpoints[static_cast<size_t>(f)]; }
};

// Throws std::invalid_argument with a message naming the bad key.
Config parse_config(std::string_view json);

}  // namespace astra::binance
