// What an API client keeps of one /ws ORDERBOOK stream, applied exactly as a client would, so
// end-to-end tests can compare it with a simulator's book. Any venue's e2e test uses it.
#pragma once

#include <gtest/gtest.h>
#include <simdjson.h>
#include <astra/sdk/decimal.hpp>

#include "e2e/api_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace astra::test {

using Side = std::map<std::string, std::string>;  // price text -> quantity text

struct ClientBook {
  Side bids, asks;
  uint64_t update_id = 0;
  bool have_snapshot = false;
  int snapshots = 0;
  int resets = 0;
  uint64_t updates = 0;
};

inline std::string_view token(simdjson::ondemand::value v) {
  std::string_view t = v.raw_json_token();
  while (!t.empty() && (t.back() == ' ' || t.back() == '\n'))
    t.remove_suffix(1);
  return t;
}

inline void apply_levels(simdjson::ondemand::array levels, Side& side, bool snapshot) {
  if (snapshot) side.clear();
  for (auto level : levels) {
    auto pair = level.get_array();
    auto it = pair.begin();
    const std::string price(token((*it).value()));
    ++it;
    const std::string qty(token((*it).value()));
    astra_decimal q{};
    ASSERT_TRUE(astra::sdk::parse_decimal(qty, q)) << qty;
    if (astra::sdk::is_zero(q))
      side.erase(price);
    else
      side[price] = qty;
  }
}

// Applies one /ws message; fails the test on a protocol violation.
inline void apply_message(const std::string& text, ClientBook& book) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string json(text);
  auto doc = parser.iterate(json);
  auto obj = doc.get_object();
  bool snapshot = false;
  for (auto field : obj) {
    const std::string_view key = field.unescaped_key();
    if (key == "reset") {
      book.resets++;
      book.have_snapshot = false;
      return;
    }
    if (key == "snapshot") snapshot = bool(field.value().get_bool());
    if (key == "updateId") {
      const uint64_t id = uint64_t(field.value().get_uint64());
      if (!snapshot) {
        ASSERT_TRUE(book.have_snapshot) << "an update before any snapshot: " << text.substr(0, 200);
        ASSERT_GT(id, book.update_id) << "updateId must strictly increase";
      }
      book.update_id = id;
    }
    if (key == "bids") apply_levels(field.value().get_array(), book.bids, snapshot);
    if (key == "asks") apply_levels(field.value().get_array(), book.asks, snapshot);
  }
  if (snapshot) {
    book.have_snapshot = true;
    book.snapshots++;
  } else {
    book.updates++;
  }
}

inline Side side_of(const std::vector<std::pair<std::string, std::string>>& levels) {
  Side s;
  for (const auto& [p, q] : levels)
    s[p] = q;
  return s;
}

// A port that was free a moment ago (the metrics listener needs a fixed one in the config).
inline int free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor a(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

// Reads the stream (bounded) until the client holds a snapshot. Call it while the simulator
// runs: a venue whose book is bridged from a snapshot by later updates (Binance, OKX 2026, HTX
// mbp) cannot produce its first snapshot while the simulator is paused.
inline void await_snapshot(WsClient& ws, ClientBook& book,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!book.have_snapshot && std::chrono::steady_clock::now() < deadline) {
    auto msg = ws.read(std::chrono::milliseconds(100));
    if (!msg) {
      ASSERT_FALSE(ws.closed()) << ws.error().message();
      continue;
    }
    apply_message(*msg, book);
    if (::testing::Test::HasFatalFailure()) return;
  }
  ASSERT_TRUE(book.have_snapshot) << "no snapshot within " << timeout.count() << " ms";
}

}  // namespace astra::test
