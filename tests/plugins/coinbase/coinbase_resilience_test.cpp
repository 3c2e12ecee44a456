// Stalls: every Advanced Trade connection carries `heartbeats` (one a second: heartbeat_ms); a
// connection with no frame for 1.25 heartbeats is replaced (RESET, reconnect, resubscribe)
// within two heartbeats. Frames: the documentation's heartbeats example, re-numbered.
#include "coinbase_test_support.hpp"

namespace coinbase_test {
namespace {

// The product list shape of coinbase_advanced_stream_test.cpp (no recorded Advanced Trade list).
const char* kProducts = R"({"products":[
 {"product_id":"BTC-USD","base_currency_id":"BTC","quote_currency_id":"USD","price_increment":"0.01",
  "base_increment":"0.00000001","base_min_size":"0.00000001","status":"online","product_type":"SPOT"}
]})";

void answer_products(FakeHost& host) {
  for (const auto* r : host.pending_requests("/api/v3/brokerage/market/products"))
    host.respond(r->token, 200, kProducts);
}

TEST(CoinbaseStall, SilentConnectionIsReplacedWithinTwoHeartbeats) {
  const auto doc = shared("fixtures/coinbase/advanced_ws_heartbeats_doc.json");
  if (!std::filesystem::exists(doc))
    GTEST_SKIP() << "shared data not found under " << astra::test::shared_dir();
  json heartbeat = json::parse(read_file(doc));
  json cfg = json::parse(config("advanced"));
  cfg["heartbeat_ms"] = 1000;
  FakeHost host(plugin().api());
  create_and_list(host, cfg.dump(), answer_products);
  ASSERT_EQ(host.subscribe("COINBASE-SPOT-BTC-USD", ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  const uint64_t conn = host.connections().back().id;
  ASSERT_TRUE(host.ws_open_ok(conn));
  const auto subscribed = host.connection(conn)->sent;
  ASSERT_EQ(subscribed.size(), 2u);  // level2, heartbeats

  // Heartbeat-only is healthy (a quiet market).
  for (int i = 0; i < 10; ++i) {
    host.advance(1000);
    heartbeat["sequence_num"] = i;
    ASSERT_TRUE(host.ws_message(conn, heartbeat.dump()));
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
  EXPECT_EQ(host.connection(next)->sent.size(), 2u) << "level2 and heartbeats again";

  FakeHost bad(plugin().api());
  std::string error;
  EXPECT_NE(bad.create(R"({"heartbeat_ms":50})", &error), ASTRA_OK);
  EXPECT_NE(error.find("heartbeat_ms"), std::string::npos) << error;
}

}  // namespace
}  // namespace coinbase_test
