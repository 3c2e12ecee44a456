// Stalls: HTX pings every market connection every 5 s (heartbeat_ms); a connection with no frame
// for 1.25 heartbeats is replaced (RESET, reconnect, resubscribe) well within two heartbeats.
#include "huobi_test_support.hpp"

using namespace huobi_test;

namespace {

void create_listed(FakeHost& host, json extra) {
  json c = json::parse(config({"spot"}));
  c.update(extra);
  std::string error;
  ASSERT_EQ(host.create(c.dump(), &error), ASTRA_OK) << error;
  ASSERT_EQ(host.list_markets(1), ASTRA_OK);
  answer_markets(host);
  ASSERT_EQ(host.completions_of(1).size(), 1u);
}

}  // namespace

TEST(HuobiStall, SilentConnectionIsReplacedWithinTwoHeartbeats) {
  if (!shared_data_present()) GTEST_SKIP() << "shared HTX data not found";
  const std::string ping = read_file(shared("fixtures/huobi/ws_spot_frame_ping.gz"));
  const std::string depth = read_file(shared("fixtures/huobi/ws_spot_frame_depth_step0.gz"));
  FakeHost host(plugin().api());
  create_listed(host, {{"heartbeat_ms", 2000}});
  const std::string market = "HUOBI-SPOT-TRIO-ETH";
  ASSERT_EQ(host.subscribe(market, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  const uint64_t conn = host.connections().back().id;
  ASSERT_TRUE(host.ws_open_ok(conn));
  ASSERT_TRUE(host.ws_message(conn, depth, true));
  ASSERT_EQ(host.books_of(market).size(), 1u);

  // Heartbeat-only is healthy: pings every heartbeat keep the connection.
  for (int i = 0; i < 5; ++i) {
    host.advance(2000);
    ASSERT_TRUE(host.ws_message(conn, ping, true));
  }
  EXPECT_FALSE(host.connection(conn)->closed) << "a quiet market with pings is not a stall";

  // A stall: nothing at all.
  host.advance(2400);
  EXPECT_FALSE(host.connection(conn)->closed) << "1.2 heartbeats: not yet";
  host.advance(400);  // detection within 1.375 heartbeats
  EXPECT_TRUE(host.connection(conn)->closed_by_plugin) << "stalled connection not replaced";
  const auto events = host.books_of(market);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back()->kind, uint32_t(ASTRA_BOOK_RESET));
  EXPECT_EQ(events.back()->reset_reason, uint32_t(ASTRA_RESET_DISCONNECT));
  host.advance(150);  // the first reconnect delay is 100 ms
  const uint64_t next = host.connections().back().id;
  ASSERT_NE(next, conn);
  ASSERT_TRUE(host.ws_open_ok(next));
  ASSERT_FALSE(host.connection(next)->sent.empty());
  EXPECT_EQ(json::parse(host.connection(next)->sent[0])["sub"], "market.trioeth.depth.step0");
}

TEST(HuobiStall, DefaultHeartbeatIsFiveSeconds) {
  if (!shared_data_present()) GTEST_SKIP() << "shared HTX data not found";
  FakeHost host(plugin().api());
  create_listed(host, json::object());
  ASSERT_EQ(host.subscribe("HUOBI-SPOT-TRIO-ETH", ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  const uint64_t conn = host.connections().back().id;
  ASSERT_TRUE(host.ws_open_ok(conn));
  host.advance(6000);
  EXPECT_FALSE(host.connection(conn)->closed);
  host.advance(1000);
  EXPECT_TRUE(host.connection(conn)->closed_by_plugin);
  FakeHost bad(plugin().api());
  std::string error;
  EXPECT_NE(bad.create(R"({"heartbeat_ms":"5s"})", &error), ASTRA_OK);
  EXPECT_NE(error.find("heartbeat_ms"), std::string::npos) << error;
}
