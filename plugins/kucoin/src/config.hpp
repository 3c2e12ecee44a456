// The plugin's configuration (the venue's YAML section as JSON). Every key is optional:
//   {"spot":{"rest":"https://api.kucoin.com", "symbols":"v2"},
//    "futures":{"rest":"https://api-futures.kucoin.com"},
//    "families":["spot","futures"], "snapshot_depth":100}
//
// KuCoin hands out the WebSocket URL with each connection token (POST /api/v1/bullet-public on
// the family's REST host), so normally there is none to configure. For replaying older captures
// (which hold neither the token exchange nor today's endpoints) three settings exist:
//   spot.symbols "v1"         GET /api/v1/symbols (deprecated) instead of /api/v2/symbols
//   snapshot_depth "full"     GET /api/v3/market/orderbook/level2 (today it needs an API key)
//   <family>.ws "wss://…"     connect there directly, with no token handshake
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
  std::string spot_ws;     // "" = the URL comes from bullet-public
  std::string futures_ws;  // idem
  bool spot_symbols_v1 = false;
  uint32_t snapshot_depth = 100;  // spot public partial book: 20 or 100; 0 = the full book (v3)

  const std::string& rest(Family f) const { return f == Family::spot ? spot_rest : futures_rest; }
  const std::string& ws(Family f) const { return f == Family::spot ? spot_ws : futures_ws; }
};

// Throws std::invalid_argument with a message naming the bad key.
Config parse_config(std::string_view json);

}  // namespace astra::kucoin
