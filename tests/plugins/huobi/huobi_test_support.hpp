// Shared helpers for the HTX tests: the plugin, the recorded data, gzip, and a reference book.
#pragma once

#include <astra/sdk/crypto.hpp>
#include <astra/sdk/decimal.hpp>
#include <astra/sdk/gzip.hpp>
#include <astra/sdk/testing/fake_host.hpp>
#include <common/shared_dir.hpp>

#include <gtest/gtest.h>
#include <zlib.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace huobi_test {

using astra::sdk::testing::FakeHost;
using astra::sdk::testing::PluginLibrary;
using json = nlohmann::json;

inline std::string plugin_path() {
  return std::string(ASTRA_PLUGIN_DIR) + "/huobi.so";
}

// The plugin, loaded once per process.
inline const PluginLibrary& plugin() {
  static const PluginLibrary lib = PluginLibrary::open(plugin_path());
  return lib;
}

// Loopback endpoints for every family (nothing connects: the FakeHost does no I/O).
inline std::string config(const std::vector<std::string>& families,
                          const std::string& spot_book = "step0") {
  json c = {
      {"spot",
       {{"rest", "http://127.0.0.1:18090"},
        {"ws", "ws://127.0.0.1:18090/ws"},
        {"feed", "ws://127.0.0.1:18090/feed"}}},
      {"coin_futures", {{"rest", "http://127.0.0.1:18091"}, {"ws", "ws://127.0.0.1:18091/ws"}}},
      {"coin_swap", {{"rest", "http://127.0.0.1:18091"}, {"ws", "ws://127.0.0.1:18091/swap-ws"}}},
      {"linear_swap",
       {{"rest", "http://127.0.0.1:18091"}, {"ws", "ws://127.0.0.1:18091/linear-swap-ws"}}},
      {"families", families},
      {"spot_book", spot_book},
      {"mbp_levels", 150}};
  return c.dump();
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::filesystem::path shared(const std::string& relative) {
  return astra::test::shared_file(relative);
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

// One recorded WebSocket event.
struct WsEvent {
  std::string type;  // ws_recv, ws_send
  std::string data;  // binary frames: the gzip bytes (decoded from b64)
  bool binary = false;
};

inline std::vector<WsEvent> capture_ws(const std::filesystem::path& capture) {
  std::vector<WsEvent> out;
  std::ifstream in(capture, std::ios::binary);
  for (std::string line; std::getline(in, line);) {
    const json o = json::parse(line, nullptr, false);
    if (!o.is_object()) continue;
    const std::string type = o.value("type", "");
    if (type != "ws_recv" && type != "ws_send") continue;
    WsEvent e;
    e.type = type;
    if (o.contains("b64")) {
      EXPECT_TRUE(astra::sdk::base64_decode(o["b64"].get<std::string>(), e.data));
      e.binary = true;
    } else {
      e.data = o.value("text", "");
    }
    out.push_back(std::move(e));
  }
  return out;
}

inline std::string gunzip(const std::string& bytes) {
  std::string out;
  EXPECT_EQ(astra::sdk::gunzip(bytes, out), astra::sdk::InflateError::none);
  return out;
}

// gzip-compresses text, as HTX sends every market frame.
inline std::string gzip(const std::string& text) {
  z_stream s{};
  EXPECT_EQ(deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&s, static_cast<uLong>(text.size())) + 32, '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  s.avail_in = static_cast<uInt>(text.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&s, Z_FINISH), Z_STREAM_END);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

// Answers every pending market-list request: spot and coin futures / coin swaps from the
// fixtures, USDT swaps from the recorded session (no fixture holds them).
inline void answer_markets(FakeHost& host) {
  const auto dir = astra::test::shared_dir();
  for (const auto* r : host.pending_requests()) {
    std::string body;
    if (r->url.find("/v1/common/symbols") != std::string::npos)
      body = read_file(dir / "fixtures/huobi/spot_symbols.json");
    else if (r->url.find("/api/v1/contract_contract_info") != std::string::npos)
      body = read_file(dir / "fixtures/huobi/futures_contract_info.json");
    else if (r->url.find("/swap-api/v1/swap_contract_info") != std::string::npos)
      body = read_file(dir / "fixtures/huobi/coin_swap_contract_info.json");
    else if (r->url.find("/linear-swap-api/v1/swap_contract_info") != std::string::npos)
      body = capture_http_body(dir / "recordings/huobi-linear-swap.capture.jsonl",
                               "/linear-swap-api/v1/swap_contract_info");
    else
      continue;
    host.respond(r->token, 200, body);
  }
}

inline bool shared_data_present() {
  const auto dir = astra::test::shared_dir();
  return std::filesystem::exists(dir / "fixtures/huobi/spot_symbols.json") &&
         std::filesystem::exists(dir / "recordings/huobi-spot.capture.jsonl");
}

// Creates the instance and loads the market list; returns the list call's completion JSON.
inline std::string create_and_list(FakeHost& host, const std::vector<std::string>& families,
                                   const std::string& spot_book = "step0") {
  std::string error;
  EXPECT_EQ(host.create(config(families, spot_book), &error), ASTRA_OK) << error;
  EXPECT_EQ(host.list_markets(1), ASTRA_OK);
  answer_markets(host);
  const auto done = host.completions_of(1);
  EXPECT_EQ(done.size(), 1u);
  return done.empty() ? std::string() : done[0]->json;
}

inline astra_decimal dec(const char* text) {
  astra_decimal d{};
  EXPECT_TRUE(astra::sdk::parse_decimal(text, d)) << text;
  return d;
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
  bool crossed() const {
    return !bids.empty() && !asks.empty() &&
           astra::sdk::compare_decimal(bids.rbegin()->first, asks.begin()->first) >= 0;
  }
};

}  // namespace huobi_test
