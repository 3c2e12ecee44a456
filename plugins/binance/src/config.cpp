#include "config.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace astra::binance {

namespace {

using json = nlohmann::json;

// Accepts scheme://host[:port][/path] with one of `schemes`; strips a trailing slash.
std::string checked_url(const json& v, const std::string& key,
                        std::initializer_list<std::string_view> schemes) {
  if (!v.is_string()) throw std::invalid_argument(key + " must be a URL string");
  std::string url = v.get<std::string>();
  while (!url.empty() && url.back() == '/')
    url.pop_back();
  const auto sep = url.find("://");
  const std::string scheme = sep == std::string::npos ? "" : url.substr(0, sep);
  if (std::find(schemes.begin(), schemes.end(), scheme) == schemes.end())
    throw std::invalid_argument(key + " has an unsupported scheme: '" + url + "'");
  const std::string rest = url.substr(sep + 3);
  const std::string host = rest.substr(0, rest.find_first_of(":/"));
  if (host.empty()) throw std::invalid_argument(key + " has no host: '" + url + "'");
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '?' || c == '#' || c == '"' || c == '\\')
      throw std::invalid_argument(key + " is not a plain base URL: '" + url + "'");
  }
  return url;
}

bool valid_limit(Family f, uint32_t limit) {
  if (f == Family::spot) return limit >= 1 && limit <= 5000;
  for (uint32_t v : {5u, 10u, 20u, 50u, 100u, 500u, 1000u})
    if (v == limit) return true;
  return false;
}

}  // namespace

Config parse_config(std::string_view text) {
  Config c;
  c.endpoints[size_t(Family::spot)] = {"https://api.binance.com", "wss://stream.binance.com:9443"};
  c.endpoints[size_t(Family::usdm)] = {"https://fapi.binance.com", "wss://fstream.binance.com"};
  c.endpoints[size_t(Family::coinm)] = {"https://dapi.binance.com", "wss://dstream.binance.com"};
  c.families = {Family::spot, Family::usdm, Family::coinm};

  const bool blank = std::all_of(text.begin(), text.end(),
                                 [](char ch) { return ch == ' ' || ch == '\n' || ch == '\t'; });
  if (blank) return c;
  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) throw std::invalid_argument("binance config is not valid JSON");
  if (doc.is_null()) return c;
  if (!doc.is_object()) throw std::invalid_argument("binance config must be a JSON object");

  for (Family f : {Family::spot, Family::usdm, Family::coinm}) {
    const std::string name(family_name(f));
    auto it = doc.find(name);
    if (it == doc.end()) continue;
    if (!it->is_object()) throw std::invalid_argument(name + " must be an object");
    for (const auto& [key, value] : it->items()) {
      if (key == "rest")
        c.endpoints[size_t(f)].rest = checked_url(value, name + ".rest", {"http", "https"});
      else if (key == "ws")
        c.endpoints[size_t(f)].ws = checked_url(value, name + ".ws", {"ws", "wss"});
      else
        throw std::invalid_argument("unknown key " + name + "." + key);
    }
  }
  if (auto it = doc.find("families"); it != doc.end()) {
    if (!it->is_array() || it->empty())
      throw std::invalid_argument("families must be a non-empty array");
    c.families.clear();
    for (const json& v : *it) {
      const auto f = v.is_string() ? parse_family(v.get<std::string>()) : std::nullopt;
      if (!f) throw std::invalid_argument("unknown family " + v.dump() + " (spot, usdm, coinm)");
      if (std::find(c.families.begin(), c.families.end(), *f) == c.families.end())
        c.families.push_back(*f);
    }
  }
  if (auto it = doc.find("snapshot_limit"); it != doc.end()) {
    if (!it->is_number_unsigned() || it->get<uint64_t>() > 5000)
      throw std::invalid_argument("snapshot_limit must be an integer in 1..5000");
    c.snapshot_limit = static_cast<uint32_t>(it->get<uint64_t>());
  }
  if (auto it = doc.find("heartbeat_ms"); it != doc.end()) {
    if (!it->is_number_unsigned() || it->get<uint64_t>() < 100 || it->get<uint64_t>() > 604'800'000)
      throw std::invalid_argument("heartbeat_ms must be an integer in 100..604800000");
    c.heartbeat_ms = static_cast<uint32_t>(it->get<uint64_t>());
  }
  if (auto it = doc.find("request_weight_per_minute"); it != doc.end()) {
    if (!it->is_number_unsigned() || it->get<uint64_t>() < 2 || it->get<uint64_t>() > 1'000'000)
      throw std::invalid_argument("request_weight_per_minute must be an integer in 2..1000000");
    c.request_weight_per_minute = static_cast<uint32_t>(it->get<uint64_t>());
  }
  for (Family f : c.families)
    if (!valid_limit(f, c.snapshot_limit))
      throw std::invalid_argument("snapshot_limit " + std::to_string(c.snapshot_limit) +
                                  " is not allowed for " + std::string(family_name(f)) +
                                  " (futures: 5, 10, 20, 50, 100, 500, 1000)");
  return c;
}

}  // namespace astra::binance
