#include "config.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace astra::kucoin {

namespace {

using json = nlohmann::json;

// Accepts http(s)://host[:port][/path] (ws(s):// when `websocket`); strips a trailing slash.
std::string checked_url(const json& v, const std::string& key, bool websocket = false) {
  if (!v.is_string()) throw std::invalid_argument(key + " must be a URL string");
  std::string url = v.get<std::string>();
  while (!url.empty() && url.back() == '/')
    url.pop_back();
  const auto sep = url.find("://");
  const std::string scheme = sep == std::string::npos ? "" : url.substr(0, sep);
  const bool known =
      websocket ? (scheme == "ws" || scheme == "wss") : (scheme == "http" || scheme == "https");
  if (!known) throw std::invalid_argument(key + " has an unsupported scheme: '" + url + "'");
  const std::string rest = url.substr(sep + 3);
  if (rest.substr(0, rest.find_first_of(":/")).empty())
    throw std::invalid_argument(key + " has no host: '" + url + "'");
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '?' || c == '#' || c == '"' || c == '\\')
      throw std::invalid_argument(key + " is not a plain base URL: '" + url + "'");
  }
  return url;
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
  if (doc.is_discarded()) throw std::invalid_argument("kucoin config is not valid JSON");
  if (doc.is_null()) return c;
  if (!doc.is_object()) throw std::invalid_argument("kucoin config must be a JSON object");
  for (const auto& [key, value] : doc.items()) {
    if (key == "spot" || key == "futures") {
      if (!value.is_object()) throw std::invalid_argument(key + " must be an object");
      const bool spot = key == "spot";
      for (const auto& [k, v] : value.items()) {
        if (k == "rest") {
          (spot ? c.spot_rest : c.futures_rest) = checked_url(v, key + ".rest");
        } else if (k == "ws") {
          (spot ? c.spot_ws : c.futures_ws) = checked_url(v, key + ".ws", true);
        } else if (k == "symbols" && spot) {
          const std::string version = v.is_string() ? v.get<std::string>() : "";
          if (version != "v1" && version != "v2")
            throw std::invalid_argument("spot.symbols must be \"v1\" or \"v2\"");
          c.spot_symbols_v1 = version == "v1";
        } else {
          throw std::invalid_argument("unknown key " + key + "." + k);
        }
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
    } else if (key == "snapshot_depth") {
      const uint64_t d = value.is_number_unsigned() ? value.get<uint64_t>() : 1;
      const bool full = value.is_string() && value.get<std::string>() == "full";
      if (d != 20 && d != 100 && !full)
        throw std::invalid_argument("snapshot_depth must be 20, 100 or \"full\"");
      c.snapshot_depth = full ? 0 : static_cast<uint32_t>(d);
    } else {
      throw std::invalid_argument("unknown key " + key);
    }
  }
  return c;
}

}  // namespace astra::kucoin
