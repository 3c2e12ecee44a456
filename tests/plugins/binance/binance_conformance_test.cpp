// The SDK conformance suite, instantiated for binance.so with recorded Binance data.
#include <astra/sdk/testing/conformance.hpp>

#include "binance_test_support.hpp"

namespace binance_test {
namespace {

using astra::sdk::testing::ConformanceParam;

std::string missing_fixtures() {
  const auto dir = astra::test::shared_dir();
  for (const char* f : {"fixtures/binance/exchange_info_spot_trimmed.json",
                        "fixtures/binance/exchange_info_usdm_trimmed.json",
                        "fixtures/binance/spot_depth_snapshot_NKNUSDT_limit1000.json",
                        "fixtures/binance/ws_spot_depth_diff_NKNUSDT.jsonl",
                        "fixtures/binance/usdm_depth_snapshot_SUSHIUSDT_limit1000.json",
                        "fixtures/binance/ws_usdm_depth_diff_SUSHIUSDT.jsonl",
                        "recordings/binance-coinm.capture.jsonl"})
    if (!std::filesystem::exists(dir / f)) return "shared data not found: " + (dir / f).string();
  return "";
}

// Opens the one connection, feeds the recorded diffs and answers the snapshot from the fixture.
std::function<void(FakeHost&)> feed_depth(std::string snapshot_file, std::string diff_file) {
  return [=](FakeHost& host) {
    const auto dir = astra::test::shared_dir() / "fixtures/binance";
    const auto diffs = read_lines(dir / diff_file);
    const uint64_t conn = host.connections().back().id;
    host.ws_open_ok(conn);
    ack_all(host, conn);
    for (size_t i = 0; i < diffs.size(); ++i) {
      host.ws_message(conn, diffs[i]);
      if (i == 5)
        for (const auto* r : host.pending_requests("/depth"))
          host.respond(r->token, 200, read_file(dir / snapshot_file));
    }
  };
}

std::vector<ConformanceParam> params() {
  const std::string bad_depth =
      R"({"stream":"x@depth@100ms","data":{"e":"depthUpdate","E":1,"s":"NKNUSDT","U":1,"u":"2","b":[],"a":[]}})";
  ConformanceParam spot;
  spot.name = "binance_spot";
  spot.plugin_path = plugin_path();
  spot.config_json = config({"spot", "usdm", "coinm"});
  spot.missing_data = missing_fixtures;
  spot.feed_markets = answer_exchange_info;
  spot.market = "BINANCE-SPOT-NKN-USDT";
  spot.feed_data =
      feed_depth("spot_depth_snapshot_NKNUSDT_limit1000.json", "ws_spot_depth_diff_NKNUSDT.jsonl");
  spot.bad_frames = {bad_depth};

  ConformanceParam usdm = spot;
  usdm.name = "binance_usdm";
  usdm.market = "BINANCE-PERP-SUSHI-USDT";
  usdm.feed_data = feed_depth("usdm_depth_snapshot_SUSHIUSDT_limit1000.json",
                              "ws_usdm_depth_diff_SUSHIUSDT.jsonl");
  return {spot, usdm};
}

}  // namespace
}  // namespace binance_test

using astra::sdk::testing::ConnectorConformance;
INSTANTIATE_TEST_SUITE_P(Binance, ConnectorConformance, ::testing::ValuesIn(binance_test::params()),
                         astra::sdk::testing::conformance_name);
