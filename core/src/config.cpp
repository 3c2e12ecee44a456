#include <astra/core/config.hpp>

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

namespace astra::core {
namespace {

constexpr size_t kMaxConfigBytes = 4 * 1024 * 1024;

// Thrown inside this file only, turned into an Error value at the boundary.
struct ConfigError {
  std::string message;
};

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
  throw ConfigError{path + ": " + problem};
}

std::string shown(const YAML::Node& node) {
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "nothing";
  std::string s = node.Scalar();
  if (s.size() > 60) s = s.substr(0, 60) + "...";
  return "'" + s + "'";
}

uint64_t integer(const YAML::Node& node, const std::string& path, uint64_t lo, uint64_t hi) {
  const std::string range =
      "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
  if (!node.IsScalar()) fail(path, range + " (got " + shown(node) + ")");
  const std::string& s = node.Scalar();
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi)
    fail(path, range + " (got " + shown(node) + ")");
  return v;
}

std::string text(const YAML::Node& node, const std::string& path, bool allow_empty = false) {
  if (!node.IsScalar() || (!allow_empty && node.Scalar().empty()))
    fail(path, "must be a non-empty string (got " + shown(node) + ")");
  return node.Scalar();
}

bool boolean(const YAML::Node& node, const std::string& path) {
  bool v = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, v))
    fail(path, "must be true or false (got " + shown(node) + ")");
  return v;
}

std::string key_of(const YAML::Node& key, const std::string& path) {
  if (!key.IsScalar()) fail(path, "keys must be plain strings");
  return key.Scalar();
}

// A YAML value as JSON: plain scalars become null, booleans or numbers where they read as such,
// quoted scalars stay strings.
nlohmann::json to_json(const YAML::Node& node, const std::string& path) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Sequence: {
      auto out = nlohmann::json::array();
      for (size_t i = 0; i < node.size(); ++i)
        out.push_back(to_json(node[i], path + "[" + std::to_string(i) + "]"));
      return out;
    }
    case YAML::NodeType::Map: {
      auto out = nlohmann::json::object();
      for (const auto& kv : node) {
        const std::string k = key_of(kv.first, path);
        if (out.contains(k)) fail(path + "." + k, "duplicate key");
        out[k] = to_json(kv.second, path + "." + k);
      }
      return out;
    }
    case YAML::NodeType::Scalar:
      break;
  }
  const std::string& s = node.Scalar();
  if (node.Tag() != "?") return s;  // quoted or explicitly tagged: a string
  if (s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  int64_t i = 0;
  if (auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
      !s.empty() && ec == std::errc() && p == s.data() + s.size())
    return i;
  double d = 0;
  if (auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
      !s.empty() && ec == std::errc() && p == s.data() + s.size())
    return d;
  return s;
}

void parse_server(const YAML::Node& node, ServerConfig& server) {
  if (node.IsNull()) return;
  if (!node.IsMap()) fail("server", "must be a mapping (got " + shown(node) + ")");
  std::set<std::string> seen;
  for (const auto& kv : node) {
    const std::string k = key_of(kv.first, "server");
    const std::string path = "server." + k;
    if (!seen.insert(k).second) fail(path, "duplicate key");
    const YAML::Node& v = kv.second;
    if (k == "listen") {
      server.listen = text(v, path);
    } else if (k == "port") {
      // 0 picks a free port (tests); the server prints the one it bound.
      server.port = static_cast<uint16_t>(integer(v, path, 0, 65535));
    } else if (k == "metrics_port") {
      server.metrics_port = static_cast<uint16_t>(integer(v, path, 0, 65535));
    } else if (k == "max_connections") {
      server.max_connections = integer(v, path, 1, 1'000'000);
    } else if (k == "max_header_bytes") {
      server.max_header_bytes = integer(v, path, 1024, 1024 * 1024);
    } else if (k == "max_body_bytes") {
      server.max_body_bytes = integer(v, path, 1, 64 * 1024 * 1024);
    } else if (k == "max_ws_message_bytes") {
      server.max_ws_message_bytes = integer(v, path, 16, 16 * 1024 * 1024);
    } else if (k == "ws_queue_limit") {
      server.ws_queue_limit = integer(v, path, 1, 1'000'000);
    } else if (k == "ws_behind_close_ms") {
      server.ws_behind_close_ms = static_cast<uint32_t>(integer(v, path, 1, 3'600'000));
    } else if (k == "read_timeout_ms") {
      server.read_timeout_ms = static_cast<uint32_t>(integer(v, path, 100, 3'600'000));
    } else if (k == "idle_timeout_ms") {
      server.idle_timeout_ms = static_cast<uint32_t>(integer(v, path, 100, 86'400'000));
    } else {
      fail(path, "unknown key");
    }
  }
}

void parse_sandbox(const YAML::Node& node, SandboxConfig& sandbox) {
  if (node.IsNull()) return;
  if (!node.IsMap()) fail("sandbox", "must be a mapping (got " + shown(node) + ")");
  std::set<std::string> seen;
  for (const auto& kv : node) {
    const std::string k = key_of(kv.first, "sandbox");
    const std::string path = "sandbox." + k;
    if (!seen.insert(k).second) fail(path, "duplicate key");
    const YAML::Node& v = kv.second;
    if (k == "enabled") {
      sandbox.enabled = boolean(v, path);
    } else if (k == "seed") {
      sandbox.seed = integer(v, path, 0, 1'000'000'000'000);
    } else if (k == "rate_ms") {
      sandbox.rate_ms = static_cast<uint32_t>(integer(v, path, 1, 60'000));
    } else {
      fail(path, "unknown key");
    }
  }
}

bool valid_venue_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

void parse_venues(const YAML::Node& node, std::vector<VenueConfig>& venues) {
  if (node.IsNull()) return;
  if (!node.IsMap()) fail("venues", "must be a mapping of venue id to section");
  std::set<std::string> seen;
  for (const auto& kv : node) {
    VenueConfig venue;
    venue.id = key_of(kv.first, "venues");
    const std::string path = "venues." + venue.id;
    if (!valid_venue_id(venue.id))
      fail(path, "venue ids are lower-case letters, digits and '_' (the plugin's id)");
    if (!seen.insert(venue.id).second) fail(path, "duplicate venue");
    const YAML::Node& section = kv.second;
    if (!section.IsMap()) fail(path, "must be a mapping with at least 'enabled'");
    bool has_enabled = false;
    auto settings = nlohmann::json::object();
    for (const auto& entry : section) {
      const std::string k = key_of(entry.first, path);
      const std::string entry_path = path + "." + k;
      if (k == "enabled") {
        if (has_enabled) fail(entry_path, "duplicate key");
        venue.enabled = boolean(entry.second, entry_path);
        has_enabled = true;
      } else if (k == "plugin") {
        if (!venue.plugin.empty()) fail(entry_path, "duplicate key");
        venue.plugin = text(entry.second, entry_path);
      } else {
        if (settings.contains(k)) fail(entry_path, "duplicate key");
        settings[k] = to_json(entry.second, entry_path);
      }
    }
    if (!has_enabled) fail(path + ".enabled", "required (true or false)");
    venue.settings_json = settings.dump();
    venues.push_back(std::move(venue));
  }
}

Config parse_root(const YAML::Node& root) {
  Config config;
  if (root.IsNull()) return config;  // an empty file: all defaults, no venue
  if (!root.IsMap()) fail("config", "must be a mapping (got " + shown(root) + ")");
  std::set<std::string> seen;
  for (const auto& kv : root) {
    const std::string k = key_of(kv.first, "config");
    if (!seen.insert(k).second) fail(k, "duplicate key");
    const YAML::Node& v = kv.second;
    if (k == "server") {
      parse_server(v, config.server);
    } else if (k == "state") {
      config.state_path = text(v, k);
    } else if (k == "plugin_dir") {
      config.plugin_dir = text(v, k, true);
    } else if (k == "log_level") {
      config.log_level = text(v, k);
      static const std::set<std::string> kLevels = {"trace", "debug", "info", "warn", "error"};
      if (!kLevels.count(config.log_level))
        fail(k, "must be trace, debug, info, warn or error (got " + shown(v) + ")");
    } else if (k == "sandbox") {
      parse_sandbox(v, config.sandbox);
    } else if (k == "venues") {
      parse_venues(v, config.venues);
    } else {
      fail(k, "unknown key");
    }
  }
  return config;
}

Error bad_config(std::string message) {
  return make_error(ASTRA_E_INVALID_ARGUMENT, "bad_config", std::move(message));
}

std::string resolve(const std::filesystem::path& base, const std::string& p) {
  if (p.empty() || p == ":memory:") return p;
  const std::filesystem::path path(p);
  if (path.is_absolute()) return p;
  return (base / path).lexically_normal().string();
}

}  // namespace

Result<Config> parse_config(const std::string& yaml_text) {
  try {
    return parse_root(YAML::Load(yaml_text));
  } catch (const ConfigError& e) {
    return bad_config(e.message);
  } catch (const YAML::Exception& e) {
    // e.mark is 0-based; people count lines from 1.
    return bad_config("YAML syntax error at line " + std::to_string(e.mark.line + 1) + ", column " +
                      std::to_string(e.mark.column + 1) + ": " + e.msg);
  } catch (const std::exception& e) {
    return bad_config(std::string("cannot parse the configuration: ") + e.what());
  }
}

Result<Config> load_config(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec)
    return make_error(ASTRA_E_NOT_FOUND, "config_not_found",
                      "cannot read config file '" + path + "': " + ec.message());
  if (size > kMaxConfigBytes) return bad_config("config file '" + path + "' is larger than 4 MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open())
    return make_error(ASTRA_E_NOT_FOUND, "config_not_found",
                      "cannot read config file '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  auto config = parse_config(text.str());
  if (!config.ok()) {
    Error e = config.error();
    e.message = path + ": " + e.message;
    return e;
  }
  const auto base = std::filesystem::absolute(path, ec).parent_path();
  config->state_path = resolve(base, config->state_path);
  config->plugin_dir = resolve(base, config->plugin_dir);
  for (auto& v : config->venues)
    v.plugin = resolve(base, v.plugin);
  return config;
}

}  // namespace astra::core
