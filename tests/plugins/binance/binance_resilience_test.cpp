// Stalls and venue-wide reconnects: a silent connection is probed, then replaced within twice the
// heartbeat; depth snapshots never spend more than half the venue's request weight per minute.
#include "binance_test_support.hpp"

using namespace binance_test;

namespace {

std::string config_with(const std::vector<std::string>& families, json extra) {
  json c = json::parse(config(families));
  c.erase("heartbeat_ms");  // the venue's default unless `extra` sets one
  c.update(extra);
  return c.dump();
}

void create_listed(FakeHost& host, const std::vector<std::string>& families, json extra) {
  std::string error;
  ASSERT_EQ(host.create(config_with(families, std::move(extra)), &error), ASTRA_OK) << error;
  ASSERT_EQ(host.list_markets(1), ASTRA_OK);
  answer_exchange_info(host);
  ASSERT_EQ(host.completions_of(1).size(), 1u);
}

size_t count_method(const astra::sdk::testing::WsConnection& c, const std::string& method) {
  size_t n = 0;
  for (const auto& text : c.sent) {
    const json m = json::parse(text, nullptr, false);
    if (m.is_object() && m.value("method", "") == method) ++n;
  }
  return n;
}

}  // namespace

TEST(BinanceStall, SilentConnectionIsProbedThenReplacedWithinTwoHeartbeats) {
  ASTRA_REQUIRE_SHARED(f, "fixtures/binance/ws_spot_depth_diff_NKNUSDT.jsonl");
  FakeHost host(plugin().api());
  create_listed(host, {"spot"}, {{"heartbeat_ms", 2000}});
  ASSERT_EQ(host.subscribe("BINANCE-SPOT-NKN-USDT", ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  const uint64_t conn = host.connections().back().id;
  ASSERT_TRUE(host.ws_open_ok(conn));
  ack_all(host, conn);

  // Data keeps it alive: no probe while frames arrive.
  const auto lines = read_lines(f);
  for (int i = 0; i < 8; ++i) {
    host.advance(500);
    ASSERT_TRUE(host.ws_message(conn, lines[1]));
  }
  EXPECT_EQ(count_method(*host.connection(conn), "LIST_SUBSCRIPTIONS"), 0u);
  EXPECT_FALSE(host.connection(conn)->closed);

  // Silence: a probe after half a heartbeat; an answer keeps the connection.
  host.advance(1000);
  ASSERT_EQ(count_method(*host.connection(conn), "LIST_SUBSCRIPTIONS"), 1u);
  const json probe = json::parse(host.connection(conn)->sent.back());
  ASSERT_TRUE(host.ws_message(conn, json{{"result", json::array()}, {"id", probe["id"]}}.dump()));
  host.advance(1500);
  EXPECT_FALSE(host.connection(conn)->closed) << "an answered probe proves it alive";

  // A stall: nothing at all (no answer to the next probe either).
  const size_t connections = host.connections().size();
  host.advance(2500);  // 1.25 heartbeats after the last frame at most
  EXPECT_TRUE(host.connection(conn)->closed_by_plugin) << "stalled connection not replaced";
  host.advance(200);  // the plugin's first reconnect delay is 100 ms
  ASSERT_EQ(host.connections().size(), connections + 1);
  const uint64_t next = host.connections().back().id;
  ASSERT_TRUE(host.ws_open_ok(next));
  EXPECT_EQ(subscribes_on(*host.connection(next)).streams,
            std::vector<std::string>{"nknusdt@depth@100ms"});
}

TEST(BinanceStall, DefaultHeartbeatIsTwentySeconds) {
  ASTRA_REQUIRE_SHARED(f, "fixtures/binance/exchange_info_spot_trimmed.json");
  FakeHost host(plugin().api());
  create_listed(host, {"spot"}, json::object());
  ASSERT_EQ(host.subscribe("BINANCE-SPOT-NKN-USDT", ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  const uint64_t conn = host.connections().back().id;
  ASSERT_TRUE(host.ws_open_ok(conn));
  ack_all(host, conn);
  host.advance(9'000);
  EXPECT_EQ(count_method(*host.connection(conn), "LIST_SUBSCRIPTIONS"), 0u);
  host.advance(1'000);
  EXPECT_EQ(count_method(*host.connection(conn), "LIST_SUBSCRIPTIONS"), 1u);
  host.advance(9'000);
  EXPECT_FALSE(host.connection(conn)->closed);
  host.advance(6'000);
  EXPECT_TRUE(host.connection(conn)->closed_by_plugin);

  std::string error;
  FakeHost bad(plugin().api());
  EXPECT_NE(bad.create(config_with({"spot"}, {{"heartbeat_ms", 0}}), &error), ASTRA_OK);
  EXPECT_NE(error.find("heartbeat_ms"), std::string::npos) << error;
}

TEST(BinanceSnapshots, WeightStaysWithinHalfTheBudgetPerMinute) {
  ASTRA_REQUIRE_SHARED(spot, "fixtures/binance/ws_spot_depth_diff_NKNUSDT.jsonl");
  ASTRA_REQUIRE_SHARED(usdm, "fixtures/binance/ws_usdm_depth_diff_SUSHIUSDT.jsonl");
  ASTRA_REQUIRE_SHARED(coinm, "fixtures/binance/ws_coinm_depth_diff_BCHUSD_PERP.jsonl");
  FakeHost host(plugin().api());
  // Half of 100 = 50 per minute: the spot snapshot (limit 1000: weight 50) fills it; the two
  // futures snapshots (weight 20 each) wait for the window to move.
  create_listed(host, {"spot", "usdm", "coinm"},
                {{"request_weight_per_minute", 100}, {"heartbeat_ms", 3'600'000}});
  const std::vector<std::pair<std::string, std::string>> books = {
      {"BINANCE-SPOT-NKN-USDT", read_lines(spot)[1]},
      {"BINANCE-PERP-SUSHI-USDT", read_lines(usdm)[1]},
      {"BINANCE-PERP-BCH-USD-COINM", read_lines(coinm)[1]}};
  for (const auto& [market, frame] : books) {
    ASSERT_EQ(host.subscribe(market, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
    const uint64_t conn = host.connections().back().id;
    ASSERT_TRUE(host.ws_open_ok(conn));
    ack_all(host, conn);
    ASSERT_TRUE(host.ws_message(conn, frame));
  }
  ASSERT_EQ(host.pending_requests("/depth").size(), 1u);
  EXPECT_NE(host.pending_requests("/depth")[0]->url.find("/api/v3/depth"), std::string::npos);
  EXPECT_EQ(host.pending_requests("/depth")[0]->weight, 50u);
  host.advance(59'000);
  EXPECT_EQ(host.pending_requests("/depth").size(), 1u) << "still inside the minute";
  host.advance(1'100);
  EXPECT_EQ(host.pending_requests("/depth").size(), 1u)
      << "not answered: the venue may count it any time from now on";
  // Answered now: its weight leaves the window a minute after the answer.
  ASSERT_TRUE(host.respond(host.pending_requests("/depth")[0]->token, 500, "{}"));
  host.advance(59'000);
  EXPECT_EQ(host.pending_requests("/depth").size(), 0u) << "still inside the answer's minute";
  host.advance(1'100);
  ASSERT_EQ(host.pending_requests("/depth").size(), 2u) << "the window moved on";
  for (const auto* r : host.pending_requests("/depth"))
    EXPECT_EQ(r->weight, 20u) << "the futures books first; the failed spot one queued after them";
}

TEST(BinanceSnapshots, WeightCountsFromTheAnswerNotTheSend) {
  ASTRA_REQUIRE_SHARED(spot, "fixtures/binance/ws_spot_depth_diff_NKNUSDT.jsonl");
  FakeHost host(plugin().api());
  // Half of 140 = 70: one spot snapshot (limit 1000: weight 50) fits, a second does not.
  create_listed(host, {"spot"}, {{"request_weight_per_minute", 140}, {"heartbeat_ms", 3'600'000}});
  ASSERT_EQ(host.subscribe("BINANCE-SPOT-NKN-USDT", ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  const uint64_t conn = host.connections().back().id;
  ASSERT_TRUE(host.ws_open_ok(conn));
  ack_all(host, conn);
  ASSERT_TRUE(host.ws_message(conn, read_lines(spot)[1]));
  ASSERT_EQ(host.pending_requests("/depth").size(), 1u);
  // The host queued it: the venue answers (and counts it) 5 s after the send.
  host.advance(5'000);
  ASSERT_TRUE(host.respond(host.pending_requests("/depth")[0]->token, 500, "{}"));
  // Its retry (500 ms later) waits: 50 + 50 > 70 until a minute after the answer, not the send.
  host.advance(56'000);
  EXPECT_EQ(host.pending_requests("/depth").size(), 0u)
      << "61 s after the send, 56 s after the answer";
  host.advance(4'100);
  EXPECT_EQ(host.pending_requests("/depth").size(), 1u) << "a minute after the answer";
}
