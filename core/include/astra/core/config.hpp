// The gateway's YAML configuration, validated: every error names the key and the problem.
#pragma once

#include <astra/core/result.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace astra::core {

struct ServerConfig {
  std::string listen = "127.0.0.1";
  uint16_t port = 8080;
  uint16_t metrics_port = 9090;  // 0 disables the metrics listener
  size_t max_connections = 1024;
  size_t max_header_bytes = 8 * 1024;
  size_t max_body_bytes = 64 * 1024;
  size_t max_ws_message_bytes = 4 * 1024;  // client -> gateway WebSocket messages
  size_t ws_queue_limit = 256;             // pending messages per client before it is behind
  uint32_t ws_behind_close_ms = 5000;      // a client still behind this long is closed
  uint32_t read_timeout_ms = 10000;        // to receive one whole request (or WS handshake)
  uint32_t idle_timeout_ms = 60000;        // keep-alive: wait for the next request / WS pong
};

struct VenueConfig {
  std::string id;  // plugin id: binance
  bool enabled = false;
  std::string plugin;         // path to the .so; empty: <plugin_dir>/<id>.so
  std::string settings_json;  // the venue's section as JSON, passed to the plugin's create()
};

// Offline sandbox: the gateway starts the venue simulators in process on loopback and points the
// enabled venues at them (`astra serve --sandbox` turns it on too).
struct SandboxConfig {
  bool enabled = false;
  uint64_t seed = 1;       // the simulators' order flow (same seed, same market)
  uint32_t rate_ms = 100;  // one simulator tick: order flow, then one update per market
};

struct Config {
  ServerConfig server;
  SandboxConfig sandbox;
  std::string plugin_dir;               // empty: next to the binary, ../lib/astra/plugins
  std::string state_path = "astra.db";  // SQLite file (API keys); relative to the config file
  std::string log_level = "info";
  std::vector<VenueConfig> venues;
};

// Parses YAML text. Unknown keys at the top level and under server are errors; every venue
// section needs `enabled`; an empty text gives the defaults. Errors: status
// ASTRA_E_INVALID_ARGUMENT, code "bad_config", message like "server.port: must be an integer from 1
// to 65535 (got 'abc')".
Result<Config> parse_config(const std::string& yaml_text);
// Reads and parses a file; relative paths in it are resolved against the file's folder.
Result<Config> load_config(const std::string& path);

}  // namespace astra::core
