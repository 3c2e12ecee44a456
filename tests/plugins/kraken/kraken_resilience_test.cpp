// Stalls: Kraken spot sends a heartbeat about once a second (heartbeat_ms); a spot connection with
// no frame for 1.25 heartbeats is replaced (RESET, reconnect, resubscribe) within two heartbeats.
#include "kraken_test_support.hpp"

namespace kraken_test {
namespace {

std::string with(const std::string& cfg, json extra) {
  json c = json::parse(cfg);
  c.update(extra);
  return c.dump();
}

TEST(KrakenStall, SilentSpotConnectionIsReplacedWithinTwoHeartbeats) {
  const auto session = shared("fixtures/kraken/ws_v1_trade_session.jsonl");
  if (!std::filesystem::exists(session) ||
      !std::filesystem::exists(shared("recordings/kraken-spot-book.capture.jsonl")))
    GTEST_SKIP() << "shared data not found under " << astra::test::shared_dir();
  const std::string heartbeat = R"({"event":"heartbeat"})";  // as recorded (line 3)
  ASSERT_NE(read_file(session).find(heartbeat), std::string::npos);
  FakeHost host(plugin().api());
  create_and_list(host, with(config(1, 1000, {"spot"}), {{"heartbeat_ms", 1000}}));
  ASSERT_EQ(host.subscribe("KRAKEN-SPOT-XBT-CHF", ASTRA_DATA_TRADES), ASTRA_OK);
  const uint64_t conn = host.connections().back().id;
  ASSERT_TRUE(host.ws_open_ok(conn));
  ASSERT_EQ(host.connection(conn)->sent.size(), 1u);

  // Heartbeat-only is healthy (a quiet market).
  for (int i = 0; i < 10; ++i) {
    host.advance(1000);
    ASSERT_TRUE(host.ws_message(conn, heartbeat));
  }
  EXPECT_FALSE(host.connection(conn)->closed);

  host.advance(1200);
  EXPECT_FALSE(host.connection(conn)->closed) << "1.2 heartbeats: not yet";
  host.advance(200);  // detection within 1.375 heartbeats
  EXPECT_TRUE(host.connection(conn)->closed_by_plugin) << "stalled connection not replaced";
  host.advance(150);  // the first reconnect delay is 100 ms
  const uint64_t next = host.connections().back().id;
  ASSERT_NE(next, conn);
  ASSERT_TRUE(host.ws_open_ok(next));
  ASSERT_EQ(host.connection(next)->sent.size(), 1u);
  EXPECT_EQ(host.connection(next)->sent[0], host.connection(conn)->sent[0]) << "resubscribed";
}

TEST(KrakenStall, FuturesAreLeftToTheHostKeepAlive) {
  if (!std::filesystem::exists(shared("recordings/kraken-spot-book.capture.jsonl")))
    GTEST_SKIP() << "shared data not found under " << astra::test::shared_dir();
  FakeHost host(plugin().api());
  create_and_list(host, config(2, 10, {"spot", "futures"}));
  ASSERT_EQ(host.subscribe("KRAKEN-PERP-XBT-USD-COINM", ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  const uint64_t conn = host.connections().back().id;
  ASSERT_TRUE(host.ws_open_ok(conn));
  host.advance(120'000);
  EXPECT_FALSE(host.connection(conn)->closed) << "futures promise no periodic frame";
  FakeHost bad(plugin().api());
  std::string error;
  EXPECT_NE(bad.create(R"({"heartbeat_ms":-1})", &error), ASTRA_OK);
  EXPECT_NE(error.find("heartbeat_ms"), std::string::npos) << error;
}

}  // namespace
}  // namespace kraken_test
