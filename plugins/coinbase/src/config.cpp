#include "config.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <initializer_list>
#include <stdexcept>

namespace astra::coinbase {

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

Config parse_config(std::string_view text) {
  Config c;
  json doc;
  const bool blank = std::all_of(text.begin(), text.end(), [](char ch) {
    return ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r';
  });
  if (!blank) {
    doc = json::parse(text.begin(), text.end(), nullptr, false);
    if (doc.is_discarded()) throw std::invalid_argument("coinbase config is not valid JSON");
    if (!doc.is_null() && !doc.is_object())
      throw std::invalid_argument("coinbase config must be a JSON object");
  }
  if (doc.is_object()) {
    for (const auto& [key, value] : doc.items()) {
      if (key == "feed") {
        const std::string f = value.is_string() ? value.get<std::string>() : "";
        if (f == "advanced")
          c.feed = Feed::advanced;
        else if (f == "exchange")
          c.feed = Feed::exchange;
        else
          throw std::invalid_argument("feed must be \"advanced\" or \"exchange\"");
      } else if (key == "rest") {
        c.rest = checked_url(value, "rest", {"http", "https"});
      } else if (key == "ws") {
        c.ws = checked_url(value, "ws", {"ws", "wss"});
      } else if (key == "advanced_trade_side") {
        const std::string s = value.is_string() ? value.get<std::string>() : "";
        if (s != "maker" && s != "taker")
          throw std::invalid_argument("advanced_trade_side must be \"maker\" or \"taker\"");
        c.advanced_side_is_maker = s == "maker";
      } else if (key == "exchange_book_channel") {
        const std::string ch = value.is_string() ? value.get<std::string>() : "";
        if (ch != "level2" && ch != "level2_batch")
          throw std::invalid_argument(
              "exchange_book_channel must be \"level2_batch\" or \"level2\"");
        c.exchange_book_channel = ch;
      } else if (key == "heartbeat_ms") {
        const uint64_t n = value.is_number_unsigned() ? value.get<uint64_t>() : 0;
        if (n < 100 || n > 604'800'000)
          throw std::invalid_argument("heartbeat_ms must be an integer in 100..604800000");
        c.heartbeat_ms = static_cast<uint32_t>(n);
      } else {
        throw std::invalid_argument("unknown key " + key);
      }
    }
  }
  const bool adv = c.feed == Feed::advanced;
  if (c.rest.empty())
    c.rest = adv ? "https://api.coinbase.com" : "https://api.exchange.coinbase.com";
  if (c.ws.empty())
    c.ws = adv ? "wss://advanced-trade-ws.coinbase.com" : "wss://ws-feed.exchange.coinbase.com";
  return c;
}

}  // namespace astra::coinbase
