// The gateway config for one simulated venue and the lookups every fault-injection e2e test needs
// (resilience_test, loss_test): the YAML with only that venue enabled, and the gateway's market
// symbol for a simulator's venue symbol.
#pragma once

#include <nlohmann/json.hpp>

#include <cctype>
#include <string>

#include "e2e/api_client.hpp"

namespace astra::test {

inline std::string lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// `settings` is the venue's JSON object text; metrics_port 0 turns the metrics listener off.
inline std::string yaml_for(const std::string& venue, const std::string& settings,
                            const std::string& db, int metrics_port = 0) {
  // Always written: the config's default is 9090, and a second gateway started in parallel
  // exits at once when it cannot bind it.
  std::string y =
      "server:\n  listen: 127.0.0.1\n  port: 0\n  metrics_port: " + std::to_string(metrics_port) +
      "\n";
  y += "state: " + db + "\nplugin_dir: " ASTRA_PLUGIN_DIR "\nlog_level: info\nvenues:\n";
  for (const char* v : {"binance", "okx", "kraken", "coinbase", "kucoin", "huobi"}) {
    if (venue == v) {
      nlohmann::json s = nlohmann::json::parse(settings);
      s["enabled"] = true;
      y += std::string("  ") + v + ": " + s.dump() + "\n";
    } else {
      y += std::string("  ") + v + ":\n    enabled: false\n";
    }
  }
  return y;
}

// The gateway's symbol for a venue symbol the simulator serves; empty when it lists none.
inline std::string market_of(int port, const std::string& key, const std::string& venue,
                             const std::string& venue_symbol) {
  std::string exchange = venue == "huobi" ? "HUOBI" : venue;
  for (char& c : exchange)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const auto r = http_get(port, "/markets?exchange=" + exchange, key);
  const nlohmann::json list = nlohmann::json::parse(r.body, nullptr, false);
  if (!list.is_array()) return {};
  for (const auto& m : list)
    if (m.value("venueSymbol", "") == venue_symbol) return m.value("symbol", "");
  // Kraken spot lists the REST pair name (XXBTZUSD); the simulator names the WS pair (XBT/USD).
  if (const auto slash = venue_symbol.find('/'); slash != std::string::npos) {
    const std::string want =
        exchange + "-SPOT-" + venue_symbol.substr(0, slash) + "-" + venue_symbol.substr(slash + 1);
    for (const auto& m : list)
      if (m.value("symbol", "") == want) return want;
  }
  return {};
}

}  // namespace astra::test
