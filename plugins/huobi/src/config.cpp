#include "config.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <initializer_list>
#include <stdexcept>

namespace astra::huobi {

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

bool family_of(std::string_view name, Family& f) {
  for (size_t i = 0; i < kFamilyCount; ++i) {
    if (family_name(static_cast<Family>(i)) == name) {
      f = static_cast<Family>(i);
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view family_name(Family f) noexcept {
  switch (f) {
    case Family::spot:
      return "spot";
    case Family::coin_futures:
      return "coin_futures";
    case Family::coin_swap:
      return "coin_swap";
    case Family::linear_swap:
      return "linear_swap";
  }
  return "?";
}

Config parse_config(std::string_view text) {
  Config c;
  const bool blank = std::all_of(text.begin(), text.end(), [](char ch) {
    return ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r';
  });
  if (blank) return c;
  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) throw std::invalid_argument("huobi config is not valid JSON");
  if (doc.is_null()) return c;
  if (!doc.is_object()) throw std::invalid_argument("huobi config must be a JSON object");

  for (const auto& [key, value] : doc.items()) {
    Family f{};
    if (family_of(key, f)) {
      if (!value.is_object()) throw std::invalid_argument(key + " must be an object");
      Endpoints& e = c.endpoints[static_cast<size_t>(f)];
      for (const auto& [k, v] : value.items()) {
        if (k == "rest")
          e.rest = checked_url(v, key + ".rest", {"http", "https"});
        else if (k == "ws")
          e.ws = checked_url(v, key + ".ws", {"ws", "wss"});
        else if (k == "feed" && f == Family::spot)
          e.feed = checked_url(v, key + ".feed", {"ws", "wss"});
        else
          throw std::invalid_argument("unknown key " + key + "." + k);
      }
    } else if (key == "families") {
      if (!value.is_array() || value.empty())
        throw std::invalid_argument("families must be a non-empty array");
      c.families.clear();
      for (const json& v : value) {
        const std::string name = v.is_string() ? v.get<std::string>() : "";
        if (!family_of(name, f))
          throw std::invalid_argument("unknown family " + v.dump() +
                                      " (spot, coin_futures, coin_swap, linear_swap)");
        if (std::find(c.families.begin(), c.families.end(), f) == c.families.end())
          c.families.push_back(f);
      }
    } else if (key == "spot_book") {
      const std::string mode = value.is_string() ? value.get<std::string>() : "";
      if (mode == "step0")
        c.spot_book = SpotBook::step0;
      else if (mode == "mbp")
        c.spot_book = SpotBook::mbp;
      else
        throw std::invalid_argument("spot_book must be \"step0\" or \"mbp\"");
    } else if (key == "mbp_levels") {
      const uint64_t n = value.is_number_unsigned() ? value.get<uint64_t>() : 0;
      if (n != 5 && n != 20 && n != 150)
        throw std::invalid_argument("mbp_levels must be 5, 20 or 150");
      c.mbp_levels = static_cast<uint32_t>(n);
    } else if (key == "heartbeat_ms") {
      const uint64_t n = value.is_number_unsigned() ? value.get<uint64_t>() : 0;
      if (n < 100 || n > 604'800'000)
        throw std::invalid_argument("heartbeat_ms must be an integer in 100..604800000");
      c.heartbeat_ms = static_cast<uint32_t>(n);
    } else {
      throw std::invalid_argument("unknown key " + key);
    }
  }
  return c;
}

}  // namespace astra::huobi
