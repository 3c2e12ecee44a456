// Shared helpers for the Binance tests: the plugin, the recorded data, and a reference book.
#pragma once

#include <astra/sdk/decimal.hpp>
#include <astra/sdk/testing/fake_host.hpp>
#include <common/shared_dir.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace binance_test {

using astra::sdk::testing::FakeHost;
using astra::sdk::testing::PluginLibrary;
using json = nlohmann::json;

inline std::string plugin_path() {
  return std::string(ASTRA_PLUGIN_DIR) + "/binance.so";
}

// The plugin, loaded once per process.
inline const PluginLibrary& plugin() {
  static const PluginLibrary lib = PluginLibrary::open(plugin_path());
  return lib;
}

// Loopback endpoints for every family (nothing connects: the FakeHost does no I/O).
inline std::string config(const std::vector<std::string>& families = {"spot", "usdm", "coinm"}) {
  json c = {{"spot", {{"rest", "http://127.0.0.1:18080"}, {"ws", "ws://127.0.0.1:18080"}}},
            {"usdm", {{"rest", "http://127.0.0.1:18081"}, {"ws", "ws://127.0.0.1:18081"}}},
            {"coinm", {{"rest", "http://127.0.0.1:18082"}, {"ws", "ws://127.0.0.1:18082"}}},
            {"families", families},
            {"snapshot_limit", 1000},
            // The manual clock keeps the venue silent for hours (the 24 h rollover): no stall
            // watch in these tests unless one sets its own heartbeat.
            {"heartbeat_ms", 172'800'000}};
  return c.dump();
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

// The body of the first recorded HTTP exchange whose URL contains `url_part`, or "".
inline std::string capture_http_body(const std::filesystem::path& capture,
                                     const std::string& url_part) {
  std::ifstream in(capture, std::ios::binary);
  for (std::string line; std::getline(in, line);) {
    if (line.find("\"http\"") == std::string::npos) continue;
    const json o = json::parse(line, nullptr, false);
    if (o.is_object() && o.value("type", "") == "http" &&
        o.value("url", "").find(url_part) != std::string::npos)
      return o.value("body", "");
  }
  return {};
}

// Where each family's exchangeInfo comes from: the trimmed fixtures (spot, USD-M) and the
// recorded COIN-M session (no trimmed COIN-M fixture exists).
inline std::string exchange_info(const std::string& family) {
  const auto dir = astra::test::shared_dir();
  if (family == "spot") return read_file(dir / "fixtures/binance/exchange_info_spot_trimmed.json");
  if (family == "usdm") return read_file(dir / "fixtures/binance/exchange_info_usdm_trimmed.json");
  return capture_http_body(dir / "recordings/binance-coinm.capture.jsonl", "/dapi/v1/exchangeInfo");
}

// Answers every pending exchangeInfo request with the recorded one.
inline void answer_exchange_info(FakeHost& host) {
  for (const auto* r : host.pending_requests("/exchangeInfo")) {
    std::string family = r->url.find("/api/v3/") != std::string::npos    ? "spot"
                         : r->url.find("/fapi/v1/") != std::string::npos ? "usdm"
                                                                         : "coinm";
    host.respond(r->token, 200, exchange_info(family));
  }
}

// Creates the instance and loads the market list; returns the list call's completion JSON.
inline std::string create_and_list(FakeHost& host, const std::vector<std::string>& families) {
  std::string error;
  EXPECT_EQ(host.create(config(families), &error), ASTRA_OK) << error;
  EXPECT_EQ(host.list_markets(1), ASTRA_OK);
  answer_exchange_info(host);
  const auto done = host.completions_of(1);
  EXPECT_EQ(done.size(), 1u);
  return done.empty() ? std::string() : done[0]->json;
}

// A price-level book built from emitted events: the reference the tests compare against.
struct Less {
  bool operator()(const astra_decimal& a, const astra_decimal& b) const {
    return astra::sdk::compare_decimal(a, b) < 0;
  }
};
struct RefBook {
  std::map<astra_decimal, astra_decimal, Less> bids, asks;
  void clear() {
    bids.clear();
    asks.clear();
  }
  void apply(const std::vector<astra_book_level>& b, const std::vector<astra_book_level>& a) {
    for (const auto& l : b)
      astra::sdk::is_zero(l.quantity) ? (void)bids.erase(l.price)
                                      : (void)(bids[l.price] = l.quantity);
    for (const auto& l : a)
      astra::sdk::is_zero(l.quantity) ? (void)asks.erase(l.price)
                                      : (void)(asks[l.price] = l.quantity);
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

// Replays the emitted events of one market into a RefBook (RESET clears, SNAPSHOT replaces).
inline RefBook book_from_events(const FakeHost& host, const std::string& market) {
  RefBook book;
  for (const auto* e : host.books_of(market)) {
    if (e->kind != ASTRA_BOOK_UPDATE) book.clear();
    if (e->kind != ASTRA_BOOK_RESET) book.apply(e->bids, e->asks);
  }
  return book;
}

// Levels of a Binance depth JSON side.
inline std::vector<astra_book_level> levels_of(const json& side) {
  std::vector<astra_book_level> out;
  for (const auto& l : side) {
    astra_book_level x{};
    EXPECT_TRUE(astra::sdk::parse_decimal(l[0].get<std::string>(), x.price));
    EXPECT_TRUE(astra::sdk::parse_decimal(l[1].get<std::string>(), x.quantity));
    out.push_back(x);
  }
  return out;
}

// The Binance-shaped depth response for a book known at `update_id`: used to answer a resync
// with the real book state derived from the real snapshot and the real diffs (not invented).
inline std::string depth_response(const RefBook& book, uint64_t update_id) {
  json bids = json::array(), asks = json::array();
  for (auto it = book.bids.rbegin(); it != book.bids.rend(); ++it)
    bids.push_back({astra::sdk::format_decimal(it->first), astra::sdk::format_decimal(it->second)});
  for (const auto& [p, q] : book.asks)
    asks.push_back({astra::sdk::format_decimal(p), astra::sdk::format_decimal(q)});
  return json{{"lastUpdateId", update_id}, {"bids", bids}, {"asks", asks}}.dump();
}

// The request ids of SUBSCRIBE messages the plugin sent on a connection, and their streams.
struct Sent {
  std::vector<int64_t> ids;
  std::vector<std::string> streams;
};
inline Sent subscribes_on(const astra::sdk::testing::WsConnection& c) {
  Sent s;
  for (const auto& text : c.sent) {
    const json m = json::parse(text, nullptr, false);
    if (!m.is_object() || m.value("method", "") != "SUBSCRIBE") continue;
    s.ids.push_back(m["id"].get<int64_t>());
    for (const auto& p : m["params"])
      s.streams.push_back(p);
  }
  return s;
}

// Acknowledges every control message sent on a connection, as Binance does.
inline void ack_all(FakeHost& host, uint64_t conn) {
  const auto* c = host.connection(conn);
  ASSERT_NE(c, nullptr);
  const auto sent = c->sent;  // copy: acking may make the plugin send more
  for (const auto& text : sent) {
    const json m = json::parse(text, nullptr, false);
    if (m.is_object() && m.contains("id"))
      host.ws_message(conn, json{{"result", nullptr}, {"id", m["id"]}}.dump());
  }
}

}  // namespace binance_test
