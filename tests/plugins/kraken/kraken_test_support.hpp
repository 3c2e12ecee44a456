// Shared helpers for the Kraken tests: the plugin, the recorded data, and a reference book.
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

namespace kraken_test {

using astra::sdk::testing::FakeHost;
using astra::sdk::testing::PluginLibrary;
using json = nlohmann::json;

inline std::string plugin_path() {
  return std::string(ASTRA_PLUGIN_DIR) + "/kraken.so";
}

inline const PluginLibrary& plugin() {
  static const PluginLibrary lib = PluginLibrary::open(plugin_path());
  return lib;
}

// Loopback endpoints (nothing connects: the FakeHost does no I/O). The recordings are spot WS v1
// with depth 1000, so the spot stream tests say so.
inline std::string config(int ws_version = 1, int depth = 1000,
                          std::vector<std::string> families = {"spot", "futures"}) {
  json c = {{"spot", {{"rest", "http://127.0.0.1:18090"}, {"ws", "ws://127.0.0.1:18090"}}},
            {"futures", {{"rest", "http://127.0.0.1:18091"}, {"ws", "ws://127.0.0.1:18091/ws/v1"}}},
            {"families", families},
            {"depth", depth},
            {"ws_version", ws_version}};
  return c.dump();
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<json> read_capture(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<json> out;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(json::parse(line));
  return out;
}

// The received text frames of a capture, in order.
inline std::vector<std::string> ws_frames(const std::vector<json>& capture) {
  std::vector<std::string> out;
  for (const json& o : capture)
    if (o.value("type", "") == "ws_recv" && o.contains("text")) out.push_back(o["text"]);
  return out;
}

inline std::string http_body(const std::vector<json>& capture, const std::string& url_part) {
  for (const json& o : capture)
    if (o.value("type", "") == "http" && o.value("url", "").find(url_part) != std::string::npos)
      return o.value("body", "");
  return {};
}

inline std::filesystem::path shared(const std::string& rel) {
  return astra::test::shared_dir() / rel;
}

// Answers every pending market-list request: AssetPairs and instruments from the recordings.
inline void answer_markets(FakeHost& host) {
  static const std::string pairs = http_body(
      read_capture(shared("recordings/kraken-spot-book.capture.jsonl")), "/0/public/AssetPairs");
  static const std::string instruments =
      http_body(read_capture(shared("recordings/kraken-futures.capture.jsonl")),
                "/derivatives/api/v3/instruments");
  for (const auto* r : host.pending_requests("/0/public/AssetPairs"))
    host.respond(r->token, 200, pairs);
  for (const auto* r : host.pending_requests("/derivatives/api/v3/instruments"))
    host.respond(r->token, 200, instruments);
}

inline std::string create_and_list(FakeHost& host, const std::string& cfg) {
  std::string error;
  EXPECT_EQ(host.create(cfg, &error), ASTRA_OK) << error;
  EXPECT_EQ(host.list_markets(1), ASTRA_OK);
  answer_markets(host);
  const auto done = host.completions_of(1);
  EXPECT_EQ(done.size(), 1u);
  return done.empty() ? std::string() : done[0]->json;
}

// A price-level book built from emitted events: what a client would hold.
struct Less {
  bool operator()(const astra_decimal& a, const astra_decimal& b) const {
    return astra::sdk::compare_decimal(a, b) < 0;
  }
};
struct RefBook {
  std::map<astra_decimal, astra_decimal, Less> bids, asks;
  void apply(const std::vector<astra_book_level>& b, const std::vector<astra_book_level>& a) {
    for (const auto& l : b)
      astra::sdk::is_zero(l.quantity) ? (void)bids.erase(l.price)
                                      : (void)(bids[l.price] = l.quantity);
    for (const auto& l : a)
      astra::sdk::is_zero(l.quantity) ? (void)asks.erase(l.price)
                                      : (void)(asks[l.price] = l.quantity);
  }
};

inline RefBook book_from_events(const FakeHost& host, const std::string& market) {
  RefBook book;
  for (const auto* e : host.books_of(market)) {
    if (e->kind != ASTRA_BOOK_UPDATE) book = RefBook();
    if (e->kind != ASTRA_BOOK_RESET) book.apply(e->bids, e->asks);
  }
  return book;
}

// "price:qty" texts of the best n levels of a side of the reference book.
inline std::vector<std::pair<std::string, std::string>> top(const RefBook& b, bool bids, size_t n) {
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&](const astra_decimal& p, const astra_decimal& q) {
    if (out.size() < n)
      out.emplace_back(astra::sdk::format_decimal(p), astra::sdk::format_decimal(q));
  };
  if (bids)
    for (auto it = b.bids.rbegin(); it != b.bids.rend(); ++it)
      add(it->first, it->second);
  else
    for (const auto& [p, q] : b.asks)
      add(p, q);
  return out;
}

}  // namespace kraken_test
