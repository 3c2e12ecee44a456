#include "config.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <initializer_list>
#include <stdexcept>

namespace astra::okx {

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

// An underlying is two asset codes joined by '-': BTC-USD.
bool valid_underlying(const std::string& u) {
  const auto dash = u.find('-');
  return dash != std::string::npos && is_asset_code(u.substr(0, dash)) &&
         is_asset_code(u.substr(dash + 1));
}

}  // namespace

bool Config::lists(InstType t) const {
  return std::find(inst_types.begin(), inst_types.end(), t) != inst_types.end();
}

Config parse_config(std::string_view text) {
  Config c;
  const bool blank = std::all_of(text.begin(), text.end(), [](char ch) {
    return ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r';
  });
  if (blank) return c;
  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) throw std::invalid_argument("okx config is not valid JSON");
  if (doc.is_null()) return c;
  if (!doc.is_object()) throw std::invalid_argument("okx config must be a JSON object");
  for (const auto& [key, value] : doc.items()) {
    if (key == "rest") {
      c.rest = checked_url(value, "rest", {"http", "https"});
    } else if (key == "ws") {
      c.ws = checked_url(value, "ws", {"ws", "wss"});
    } else if (key == "inst_types") {
      if (!value.is_array() || value.empty())
        throw std::invalid_argument("inst_types must be a non-empty array");
      c.inst_types.clear();
      for (const json& v : value) {
        const auto t = v.is_string() ? parse_inst_type(v.get<std::string>()) : std::nullopt;
        if (!t)
          throw std::invalid_argument("unknown inst_type " + v.dump() +
                                      " (SPOT, SWAP, FUTURES, OPTION)");
        if (!c.lists(*t)) c.inst_types.push_back(*t);
      }
    } else if (key == "option_underlyings") {
      if (!value.is_array()) throw std::invalid_argument("option_underlyings must be an array");
      c.option_underlyings.clear();
      for (const json& v : value) {
        if (!v.is_string() || !valid_underlying(v.get<std::string>()))
          throw std::invalid_argument("option_underlyings: " + v.dump() +
                                      " is not an underlying like \"BTC-USD\"");
        c.option_underlyings.push_back(v.get<std::string>());
      }
    } else if (key == "heartbeat_ms") {
      const uint64_t n = value.is_number_unsigned() ? value.get<uint64_t>() : 0;
      if (n < 600 || n > 604'800'000)
        throw std::invalid_argument("heartbeat_ms must be an integer in 600..604800000");
      c.heartbeat_ms = static_cast<uint32_t>(n);
    } else {
      throw std::invalid_argument("unknown okx config key '" + key + "'");
    }
  }
  return c;
}

}  // namespace astra::okx
