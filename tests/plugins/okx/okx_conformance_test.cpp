// The SDK conformance suite, instantiated for okx.so with recorded OKX data.
#include <astra/sdk/testing/conformance.hpp>

#include "okx_test_support.hpp"

namespace okx_test {
namespace {

using astra::sdk::testing::ConformanceParam;

// Opens the one connection and feeds the recorded books fixture of `file`.
std::function<void(FakeHost&)> feed_books(std::string file) {
  return [=](FakeHost& host) {
    const uint64_t conn = open_connection(host);
    for (const auto& f : read_lines(astra::test::shared_dir() / "fixtures/okx" / file))
      host.ws_message(conn, f);
  };
}

std::vector<ConformanceParam> params() {
  ConformanceParam spot;
  spot.name = "okx_spot";
  spot.plugin_path = plugin_path();
  spot.config_json = config();
  spot.missing_data = missing_data;
  spot.feed_markets = answer_instruments;
  spot.market = kSpot;
  spot.feed_data = feed_books("ws_books_BTC-USDT_snapshot_plus_updates.jsonl");
  spot.bad_frames = {
      R"({"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[{"asks":[["30243.5",1,"0","1"]],"bids":[],"ts":"1"}]})",
      R"({"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[]})",
      R"({"arg":{"channel":"books","instId":"BTC-USDT"},"data":[{"asks":[],"bids":[],"ts":"1"}]})",
      R"({"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"1","px":"-1","sz":"1","side":"buy","ts":"1"}]})",
  };

  ConformanceParam future = spot;
  future.name = "okx_future_coinm";
  future.market = kFuture;
  future.feed_data = feed_books("ws_books_BTC-USD-220527_snapshot_plus_updates.jsonl");
  return {spot, future};
}

}  // namespace
}  // namespace okx_test

using astra::sdk::testing::ConnectorConformance;
INSTANTIATE_TEST_SUITE_P(Okx, ConnectorConformance, ::testing::ValuesIn(okx_test::params()),
                         astra::sdk::testing::conformance_name);
