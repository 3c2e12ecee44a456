// The SDK conformance suite instantiated for huobi.so, fed with the recorded spot session.
#include "huobi_test_support.hpp"

#include <astra/sdk/testing/conformance.hpp>

namespace huobi_test {
namespace {

using astra::sdk::testing::ConformanceParam;
using astra::sdk::testing::ConnectorConformance;

ConformanceParam spot_param() {
  ConformanceParam p;
  p.name = "huobi_spot";
  p.plugin_path = plugin_path();
  p.config_json = config({"spot", "coin_futures", "coin_swap", "linear_swap"});
  p.missing_data = [] {
    return shared_data_present() ? std::string() : std::string("shared HTX data not found");
  };
  p.feed_markets = [](FakeHost& host) { answer_markets(host); };
  p.market = "HUOBI-SPOT-TRIO-ETH";
  p.feed_data = [](FakeHost& host) {
    const auto live = host.live_connections();
    ASSERT_EQ(live.size(), 1u);
    const uint64_t conn = live[0]->id;
    ASSERT_TRUE(host.ws_open_ok(conn));
    for (const WsEvent& e : capture_ws(shared("recordings/huobi-spot.capture.jsonl")))
      if (e.type == "ws_recv") {
        ASSERT_TRUE(host.ws_message(conn, e.data, e.binary));
      }
  };
  // Valid JSON, malformed for HTX: each must count BAD_FRAME once.
  p.bad_frames = {
      R"({"ch":"market.trioeth.depth.step0","ts":1,"tick":{"bids":[["x",1]],"asks":[]}})",
      R"({"ch":"market.trioeth.depth.step0","ts":1})",
      R"({"ch":"market.trioeth.trade.detail","ts":1,"tick":{"data":[{"price":1}]}})",
      R"({"ping":"abc"})",
      R"({"ch":"market.trioeth.depth.step0","ts":1,"tick":{"bids":[[1,-2]],"asks":[]}})",
  };
  return p;
}

INSTANTIATE_TEST_SUITE_P(Huobi, ConnectorConformance, ::testing::Values(spot_param()),
                         astra::sdk::testing::conformance_name);

}  // namespace
}  // namespace huobi_test
