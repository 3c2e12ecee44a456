// The plugin's configuration (the venue's YAML section as JSON). Every key is optional:
//   {"rest":"https://www.okx.com", "ws":"wss://ws.okx.com:8443",
//    "inst_types":["SPOT","SWAP","FUTURES","OPTION"],
//    "option_underlyings":["BTC-USD","ETH-USD"], "heartbeat_ms":30000}
// heartbeat_ms: OKX closes a connection after 30 s without data; the client pings ("ping") after
// 5/6 of it idle and gives up when no pong comes within the last 1/6. Tests shorten it.
// OKX lists options only per underlying (GET /api/v5/public/instruments?instType=OPTION&uly=...).
#pragma once

#include "symbols.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace astra::okx {

struct Config {
  std::string rest = "https://www.okx.com";  // scheme://host[:port], no trailing slash
  std::string ws = "wss://ws.okx.com:8443";  // the public channel is <ws>/ws/v5/public
  std::vector<InstType> inst_types = {InstType::spot, InstType::swap, InstType::futures,
                                      InstType::option};
  std::vector<std::string> option_underlyings = {"BTC-USD", "ETH-USD"};
  uint32_t heartbeat_ms = 30'000;

  bool lists(InstType t) const;
};

// Throws std::invalid_argument with a message naming the bad key.
Config parse_config(std::string_view json);

}  // namespace astra::okx
