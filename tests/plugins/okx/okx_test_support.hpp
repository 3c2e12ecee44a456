// Shared helpers for the OKX tests: the plugin, the recorded data, and reference books.
#pragma once

#include <astra/sdk/checksum.hpp>
#include <astra/sdk/decimal.hpp>
#include <astra/sdk/l2_book.hpp>
#include <astra/sdk/testing/fake_host.hpp>
#include <common/shared_dir.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace okx_test {

using astra::sdk::testing::FakeHost;
using astra::sdk::testing::PluginLibrary;
using json = nlohmann::json;

inline constexpr const char* kSpot = "OKX-SPOT-BTC-USDT";
inline constexpr const char* kFuture = "OKX-FUT-BTC-USD-220527-COINM";
inline constexpr const char* kRecording = "recordings/okx-books.capture.jsonl";

inline std::string plugin_path() {
  return std::string(ASTRA_PLUGIN_DIR) + "/okx.so";
}

// The plugin, loaded once per process.
inline const PluginLibrary& plugin() {
  static const PluginLibrary lib = PluginLibrary::open(plugin_path());
  return lib;
}

// Loopback endpoints (nothing connects: the FakeHost does no I/O).
inline std::string config() {
  return json{{"rest", "http://127.0.0.1:18090"},
              {"ws", "ws://127.0.0.1:18090"},
              {"inst_types", {"SPOT", "SWAP", "FUTURES", "OPTION"}}}
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

inline std::vector<json> capture() {
  std::vector<json> out;
  for (const auto& line : read_lines(astra::test::shared_dir() / kRecording))
    out.push_back(json::parse(line));
  return out;
}

// The body of the first recorded HTTP exchange whose URL ends with `url_tail`, or "".
inline std::string recorded_body(const std::string& url_tail) {
  for (const json& o : capture()) {
    if (o.value("type", "") != "http") continue;
    const std::string url = o.value("url", "");
    if (url.size() >= url_tail.size() &&
        url.compare(url.size() - url_tail.size(), url_tail.size(), url_tail) == 0)
      return o.value("body", "");
  }
  return {};
}

// Every WebSocket frame the recording received, in order.
inline std::vector<std::string> recorded_frames() {
  std::vector<std::string> out;
  for (const json& o : capture())
    if (o.value("type", "") == "ws_recv") out.push_back(o.value("text", ""));
  return out;
}

inline std::string missing_data() {
  const auto dir = astra::test::shared_dir();
  for (const char* f :
       {"fixtures/okx/instruments_spot_trimmed.json", "fixtures/okx/instruments_swap_trimmed.json",
        "fixtures/okx/ws_books_BTC-USDT_snapshot_plus_updates.jsonl",
        "fixtures/okx/ws_books_BTC-USD-220527_snapshot_plus_updates.jsonl",
        "fixtures/okx/ws_trades_BTC-USDT.jsonl", kRecording})
    if (!std::filesystem::exists(dir / f)) return "shared data not found: " + (dir / f).string();
  return "";
}

#define OKX_REQUIRE_DATA()                                              \
  if (const std::string why = ::okx_test::missing_data(); !why.empty()) \
  GTEST_SKIP() << why << " (set ASTRA_SHARED to the shared/ folder)"

// Answers every pending instruments request: SPOT and SWAP from the trimmed fixtures, FUTURES
// and OPTION from the recorded session.
inline void answer_instruments(FakeHost& host) {
  const auto dir = astra::test::shared_dir() / "fixtures/okx";
  for (const auto* r : host.pending_requests("/api/v5/public/instruments")) {
    std::string body;
    if (r->url.find("instType=SPOT") != std::string::npos)
      body = read_file(dir / "instruments_spot_trimmed.json");
    else if (r->url.find("instType=SWAP") != std::string::npos)
      body = read_file(dir / "instruments_swap_trimmed.json");
    else
      body = recorded_body(r->url.substr(r->url.find("/api/v5/")));
    host.respond(r->token, body.empty() ? 404 : 200, body);
  }
}

// Creates the instance and loads the market list; returns the list call's completion JSON.
inline std::string create_and_list(FakeHost& host, const std::string& cfg = config()) {
  std::string error;
  EXPECT_EQ(host.create(cfg, &error), ASTRA_OK) << error;
  EXPECT_EQ(host.list_markets(1), ASTRA_OK);
  answer_instruments(host);
  const auto done = host.completions_of(1);
  EXPECT_EQ(done.size(), 1u);
  return done.empty() ? std::string() : done[0]->json;
}

// The one live connection, opened (ws_open_ok) if it is not yet.
inline uint64_t open_connection(FakeHost& host) {
  const auto live = host.live_connections();
  EXPECT_EQ(live.size(), 1u);
  if (live.empty()) return 0;
  const uint64_t id = live.front()->id;
  if (!live.front()->open) host.ws_open_ok(id);
  return id;
}

// A book rebuilt from emitted events, keeping each level's text as format_decimal gives it back
// (the plugin keeps the venue's decimals, so this is the venue's text): OKX's checksum over it
// must equal the venue's.
inline astra::sdk::L2Book book_from_events(const FakeHost& host, const std::string& market) {
  astra::sdk::L2Book book;
  for (const auto* e : host.books_of(market)) {
    if (e->kind != ASTRA_BOOK_UPDATE) book.clear();
    if (e->kind == ASTRA_BOOK_RESET) continue;
    for (const auto& l : e->bids)
      book.apply(astra::sdk::BookSide::bid, astra::sdk::format_decimal(l.price),
                 astra::sdk::format_decimal(l.quantity));
    for (const auto& l : e->asks)
      book.apply(astra::sdk::BookSide::ask, astra::sdk::format_decimal(l.price),
                 astra::sdk::format_decimal(l.quantity));
  }
  return book;
}

// The venue book after applying `data` (one element of a books push) to `book`, from the text.
inline void apply_push(astra::sdk::L2Book& book, const json& data, bool snapshot) {
  if (snapshot) book.clear();
  for (const auto& l : data["bids"])
    book.apply(astra::sdk::BookSide::bid, l[0].get<std::string>(), l[1].get<std::string>());
  for (const auto& l : data["asks"])
    book.apply(astra::sdk::BookSide::ask, l[0].get<std::string>(), l[1].get<std::string>());
}

// OKX level arrays for a book: [[px, sz, "0", "1"], ...] best first, the venue's text.
inline json levels_json(const astra::sdk::L2Book& book, astra::sdk::BookSide side) {
  json arr = json::array();
  book.for_each_top(side, book.size(side), [&](const astra_decimal&, const astra::sdk::L2Level& l) {
    arr.push_back({l.price_text, l.quantity_text, "0", "1"});
  });
  return arr;
}

inline std::string top_text(const astra::sdk::L2Book& book, astra::sdk::BookSide side) {
  std::string out = "none";
  book.for_each_top(side, 1, [&](const astra_decimal&, const astra::sdk::L2Level& l) {
    out = l.price_text + " x " + l.quantity_text;
  });
  return out;
}

// The books pushes of one instrument in the recording, in order.
inline std::vector<json> books_pushes(const std::vector<std::string>& frames,
                                      const std::string& inst_id) {
  std::vector<json> out;
  for (const auto& f : frames) {
    const json o = json::parse(f, nullptr, false);
    if (!o.is_object() || !o.contains("action") || !o.contains("arg")) continue;
    if (o["arg"].value("channel", "") == "books" && o["arg"].value("instId", "") == inst_id)
      out.push_back(o);
  }
  return out;
}

inline size_t count_kind(const FakeHost& host, const std::string& market, uint32_t kind,
                         uint32_t reason = 0) {
  size_t n = 0;
  for (const auto* e : host.books_of(market))
    if (e->kind == kind && (reason == 0 || e->reset_reason == reason)) ++n;
  return n;
}

}  // namespace okx_test

namespace okx_test {

// Spot and futures only: the books tests need BTC-USDT and BTC-USD-220527, not 700 options.
inline std::string books_config() {
  return json{{"rest", "http://127.0.0.1:18090"},
              {"ws", "ws://127.0.0.1:18090"},
              {"inst_types", {"SPOT", "FUTURES"}}}
      .dump();
}

// A books push frame for `inst_id` with one data element.
inline std::string books_frame(const std::string& inst_id, const std::string& action,
                               const json& data) {
  return json{{"arg", {{"channel", "books"}, {"instId", inst_id}}},
              {"action", action},
              {"data", json::array({data})}}
      .dump();
}

// A WebSocket snapshot push of `book` (the venue's text), with the given checksum.
inline std::string snapshot_frame(const std::string& inst_id, const astra::sdk::L2Book& book,
                                  int64_t checksum, const std::string& ts) {
  return books_frame(inst_id, "snapshot",
                     json{{"asks", levels_json(book, astra::sdk::BookSide::ask)},
                          {"bids", levels_json(book, astra::sdk::BookSide::bid)},
                          {"ts", ts},
                          {"checksum", checksum}});
}

}  // namespace okx_test
