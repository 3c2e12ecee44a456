#include "config.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <initializer_list>
#include <stdexcept>

namespace astra::kraken {

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

// v2 when the URL's path ends in /v2, else v1 (wss://ws.kraken.com is the v1 endpoint).
int version_of_url(const std::string& url) {
  return url.size() >= 3 && url.compare(url.size() - 3, 3, "/v2") == 0 ? 2 : 1;
}

}  // namespace

std::string_view family_name(Family f) noexcept {
  return f == Family::spot ? "spot" : "futures";
}

Config parse_config(std::string_view text) {
  Config c;
  const bool blank = std::all_of(text.begin(), text.end(), [](char ch) {
    return ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r';
  });
  if (blank) return c;
  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) throw std::invalid_argument("kraken config is not valid JSON");
  if (doc.is_null()) return c;
  if (!doc.is_object()) throw std::invalid_argument("kraken config must be a JSON object");

  for (const auto& [key, value] : doc.items()) {
    if (key == "spot" || key == "futures") {
      if (!value.is_object()) throw std::invalid_argument(key + " must be an object");
      Endpoints& e = key == "spot" ? c.spot : c.futures;
      for (const auto& [k, v] : value.items()) {
        if (k == "rest")
          e.rest = checked_url(v, key + ".rest", {"http", "https"});
        else if (k == "ws")
          e.ws = checked_url(v, key + ".ws", {"ws", "wss"});
        else
          throw std::invalid_argument("unknown key " + key + "." + k);
      }
    } else if (key == "families") {
      if (!value.is_array() || value.empty())
        throw std::invalid_argument("families must be a non-empty array");
      c.families.clear();
      for (const json& v : value) {
        const std::string name = v.is_string() ? v.get<std::string>() : "";
        Family f;
        if (name == "spot")
          f = Family::spot;
        else if (name == "futures")
          f = Family::futures;
        else
          throw std::invalid_argument("unknown family " + v.dump() + " (spot, futures)");
        if (std::find(c.families.begin(), c.families.end(), f) == c.families.end())
          c.families.push_back(f);
      }
    } else if (key == "depth") {
      const uint64_t d = value.is_number_unsigned() ? value.get<uint64_t>() : 0;
      if (d != 10 && d != 25 && d != 100 && d != 500 && d != 1000)
        throw std::invalid_argument("depth must be one of 10, 25, 100, 500, 1000");
      c.depth = static_cast<uint32_t>(d);
    } else if (key == "heartbeat_ms") {
      const uint64_t n = value.is_number_unsigned() ? value.get<uint64_t>() : 0;
      if (n < 100 || n > 604'800'000)
        throw std::invalid_argument("heartbeat_ms must be an integer in 100..604800000");
      c.heartbeat_ms = static_cast<uint32_t>(n);
    } else if (key != "ws_version") {
      throw std::invalid_argument("unknown key " + key);
    }
  }
  c.spot_ws_version = version_of_url(c.spot.ws);
  if (auto it = doc.find("ws_version"); it != doc.end()) {
    if (!it->is_number_unsigned() || (it->get<uint64_t>() != 1 && it->get<uint64_t>() != 2))
      throw std::invalid_argument("ws_version must be 1 or 2");
    c.spot_ws_version = static_cast<int>(it->get<uint64_t>());
  }
  return c;
}

}  // namespace astra::kraken
