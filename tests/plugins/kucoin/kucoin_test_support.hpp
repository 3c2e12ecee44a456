// Shared helpers for the KuCoin tests: the plugin, the recorded data, the token handshake, and a
// reference book built from the plugin's events.
#pragma once

#include <astra/sdk/decimal.hpp>
#include <astra/sdk/testing/fake_host.hpp>
#include <common/shared_dir.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace kucoin_test {

using astra::sdk::testing::FakeHost;
using astra::sdk::testing::PluginLibrary;
using json = nlohmann::json;

inline std::string plugin_path() {
  return std::string(ASTRA_PLUGIN_DIR) + "/kucoin.so";
}

inline const PluginLibrary& plugin() {
  static const PluginLibrary lib = PluginLibrary::open(plugin_path());
  return lib;
}

// Loopback REST hosts (nothing connects: the FakeHost does no I/O).
inline std::string config(const std::vector<std::string>& families = {"spot", "futures"}) {
  return json{{"spot", {{"rest", "http://127.0.0.1:18090"}}},
              {"futures", {{"rest", "http://127.0.0.1:18091"}}},
              {"families", families},
              {"snapshot_depth", 100}}
      .dump();
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<std::string> read_lines(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

inline std::filesystem::path fixture(const std::string& name) {
  return astra::test::shared_dir() / "fixtures/kucoin" / name;
}
inline std::filesystem::path capture() {
  return astra::test::shared_dir() / "recordings/kucoin-spot.capture.jsonl";
}

// The capture's lines, in time order (its HTTP exchanges are written first).
inline std::vector<json> capture_lines() {
  std::vector<json> out;
  for (const auto& line : read_lines(capture())) {
    json o = json::parse(line, nullptr, false);
    if (o.is_object() && o.contains("t")) out.push_back(std::move(o));
  }
  std::stable_sort(out.begin(), out.end(), [](const json& a, const json& b) {
    return a["t"].get<double>() < b["t"].get<double>();
  });
  return out;
}

// The recorded body of the first HTTP exchange whose URL contains `url_part`, or "".
inline std::string capture_http_body(const std::string& url_part) {
  for (const auto& line : read_lines(capture())) {
    if (line.find("\"http\"") == std::string::npos) continue;
    const json o = json::parse(line, nullptr, false);
    if (o.is_object() && o.value("url", "").find(url_part) != std::string::npos)
      return o.value("body", "");
  }
  return {};
}

// Answers the pending market-list requests: the recorded v1 symbols and the documented contracts
// (wrapped in KuCoin's envelope; the fixture holds only the data array).
inline void answer_markets(FakeHost& host) {
  for (const auto* r : host.pending_requests("/symbols"))
    host.respond(r->token, 200, capture_http_body("/api/v1/symbols"));
  for (const auto* r : host.pending_requests("/contracts/active")) {
    const json data =
        json::parse(read_file(fixture("docs_futures_contracts_active_response_data.json")));
    host.respond(r->token, 200, json{{"code", "200000"}, {"data", data}}.dump());
  }
}

inline std::string create_and_list(FakeHost& host,
                                   const std::vector<std::string>& families = {"spot", "futures"}) {
  std::string error;
  EXPECT_EQ(host.create(config(families), &error), ASTRA_OK) << error;
  EXPECT_EQ(host.list_markets(1), ASTRA_OK);
  answer_markets(host);
  const auto done = host.completions_of(1);
  EXPECT_EQ(done.size(), 1u);
  return done.empty() ? std::string() : done[0]->json;
}

// The recorded `welcome` frame.
inline std::string welcome_frame() {
  for (const auto& line : read_lines(capture())) {
    const json o = json::parse(line, nullptr, false);
    if (o.value("type", "") == "ws_recv" &&
        o.value("text", "").find("welcome") != std::string::npos)
      return o["text"];
  }
  return {};
}

// Answers the pending bullet-public request with the documented answer, opens the connection and
// delivers `welcome`. Returns the connection id (0 on failure).
inline uint64_t connect(FakeHost& host, bool futures = false) {
  const auto bullets = host.pending_requests("/api/v1/bullet-public");
  EXPECT_EQ(bullets.size(), 1u);
  if (bullets.size() != 1) return 0;
  const std::string file =
      futures ? "docs_futures_bullet_public_response.json" : "docs_ws_bullet_public_response.json";
  host.respond(bullets[0]->token, 200, read_file(fixture(file)));
  if (host.connections().empty()) return 0;
  const uint64_t conn = host.connections().back().id;
  host.ws_open_ok(conn);
  host.ws_message(conn, welcome_frame());
  return conn;
}

// A price-level book built from emitted events: the reference the tests compare against.
struct Less {
  bool operator()(const astra_decimal& a, const astra_decimal& b) const {
    return astra::sdk::compare_decimal(a, b) < 0;
  }
};
struct RefBook {
  std::map<astra_decimal, astra_decimal, Less> bids, asks;
  uint64_t update_id = 0;
  void apply(const std::vector<astra_book_level>& b, const std::vector<astra_book_level>& a) {
    for (const auto& l : b)
      astra::sdk::is_zero(l.quantity) ? (void)bids.erase(l.price)
                                      : (void)(bids[l.price] = l.quantity);
    for (const auto& l : a)
      astra::sdk::is_zero(l.quantity) ? (void)asks.erase(l.price)
                                      : (void)(asks[l.price] = l.quantity);
  }
  bool crossed() const {
    return !bids.empty() && !asks.empty() &&
           astra::sdk::compare_decimal(bids.rbegin()->first, asks.begin()->first) >= 0;
  }
  std::string best_bid() const {
    if (bids.empty()) return "none";
    return astra::sdk::format_decimal(bids.rbegin()->first) + " x " +
           astra::sdk::format_decimal(bids.rbegin()->second);
  }
  std::string best_ask() const {
    if (asks.empty()) return "none";
    return astra::sdk::format_decimal(asks.begin()->first) + " x " +
           astra::sdk::format_decimal(asks.begin()->second);
  }
};

inline RefBook book_from_events(const FakeHost& host, const std::string& market) {
  RefBook book;
  for (const auto* e : host.books_of(market)) {
    if (e->kind != ASTRA_BOOK_UPDATE) book = RefBook{};
    if (e->kind != ASTRA_BOOK_RESET) {
      book.apply(e->bids, e->asks);
      book.update_id = e->update_id;
    }
  }
  return book;
}

// KuCoin's REST level2 answer for a known book state: used to answer a resync with the real
// book derived from the real snapshot and the real changes (not invented).
inline std::string level2_response(const RefBook& book) {
  json bids = json::array(), asks = json::array();
  for (auto it = book.bids.rbegin(); it != book.bids.rend(); ++it)
    bids.push_back({astra::sdk::format_decimal(it->first), astra::sdk::format_decimal(it->second)});
  for (const auto& [p, q] : book.asks)
    asks.push_back({astra::sdk::format_decimal(p), astra::sdk::format_decimal(q)});
  return json{{"code", "200000"},
              {"data",
               {{"sequence", std::to_string(book.update_id)},
                {"time", 1619378330000},
                {"bids", bids},
                {"asks", asks}}}}
      .dump();
}

// The symbol of a pending level2 snapshot request ("" if the URL has none).
inline std::string symbol_of_request(const std::string& url) {
  const auto p = url.find("symbol=");
  return p == std::string::npos ? std::string() : url.substr(p + 7);
}

// JSON text frames the plugin sent on a connection, parsed.
inline std::vector<json> sent_json(const FakeHost& host, uint64_t conn) {
  std::vector<json> out;
  if (const auto* c = host.connection(conn))
    for (const auto& t : c->sent)
      out.push_back(json::parse(t, nullptr, false));
  return out;
}

}  // namespace kucoin_test
