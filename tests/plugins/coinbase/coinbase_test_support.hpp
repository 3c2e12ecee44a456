// Shared helpers for the Coinbase tests: the plugin, the recorded data, and a reference book.
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

namespace coinbase_test {

using astra::sdk::testing::FakeHost;
using astra::sdk::testing::PluginLibrary;
using json = nlohmann::json;

inline constexpr const char* kRecording = "recordings/coinbase-exchange.capture.jsonl";

inline std::string plugin_path() {
  return std::string(ASTRA_PLUGIN_DIR) + "/coinbase.so";
}

inline const PluginLibrary& plugin() {
  static const PluginLibrary lib = PluginLibrary::open(plugin_path());
  return lib;
}

// Loopback endpoints (nothing connects: the FakeHost does no I/O).
inline std::string config(const std::string& feed) {
  return json{{"feed", feed}, {"rest", "http://127.0.0.1:18095"}, {"ws", "ws://127.0.0.1:18095"}}
      .dump();
}

inline std::filesystem::path shared(const std::string& rel) {
  return astra::test::shared_dir() / rel;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<json> read_lines(const std::filesystem::path& p) {
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

// Answers the pending Exchange /products request with the recorded body.
inline void answer_exchange_markets(FakeHost& host) {
  static const std::string body = http_body(read_lines(shared(kRecording)), "/products");
  for (const auto* r : host.pending_requests("/products"))
    host.respond(r->token, 200, body);
}

inline std::string create_and_list(FakeHost& host, const std::string& cfg,
                                   void (*answer)(FakeHost&)) {
  std::string error;
  EXPECT_EQ(host.create(cfg, &error), ASTRA_OK) << error;
  EXPECT_EQ(host.list_markets(1), ASTRA_OK);
  answer(host);
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
  bool crossed() const {
    return !bids.empty() && !asks.empty() &&
           astra::sdk::compare_decimal(bids.rbegin()->first, asks.begin()->first) >= 0;
  }
};

}  // namespace coinbase_test
