// Stalls with a shortened heartbeat (heartbeat_ms): the keep-alive keeps OKX's 5/6 + 1/6 split, so
// a stalled connection is found within one heartbeat of silence and replaced well within two.
#include "okx_test_support.hpp"

namespace okx_test {
namespace {

TEST(OkxStall, KeepAliveFollowsTheConfiguredHeartbeat) {
  OKX_REQUIRE_DATA();
  FakeHost host(plugin().api());
  json cfg = json::parse(books_config());
  cfg["heartbeat_ms"] = 3000;
  create_and_list(host, cfg.dump());
  ASSERT_EQ(host.subscribe(kSpot, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  const uint64_t conn = open_connection(host);
  const size_t sent = host.connection(conn)->sent.size();
  host.advance(2'499);
  EXPECT_EQ(host.connection(conn)->sent.size(), sent) << "no ping before 5/6 of the heartbeat";
  host.advance(1);
  ASSERT_EQ(host.connection(conn)->sent.size(), sent + 1);
  EXPECT_EQ(host.connection(conn)->sent.back(), "ping");
  host.advance(499);
  EXPECT_FALSE(host.connection(conn)->closed);
  host.advance(1);  // no pong within 1/6 of the heartbeat
  EXPECT_TRUE(host.connection(conn)->closed_by_plugin) << "stalled connection not replaced";
  host.advance(600);  // the first reconnect delay is 500 ms
  const auto live = host.live_connections();
  ASSERT_EQ(live.size(), 1u);
  EXPECT_NE(live[0]->id, conn);

  FakeHost bad(plugin().api());
  std::string error;
  EXPECT_NE(bad.create(R"({"heartbeat_ms":10})", &error), ASTRA_OK);
  EXPECT_NE(error.find("heartbeat_ms"), std::string::npos) << error;
}

}  // namespace
}  // namespace okx_test
