// The SDK conformance suite, instantiated for kraken.so with recorded Kraken data (spot WS v1
// book session and Kraken Futures session).
#include <astra/sdk/testing/conformance.hpp>

#include "kraken_test_support.hpp"

namespace kraken_test {
namespace {

using astra::sdk::testing::ConformanceParam;

std::string missing_recordings() {
  for (const char* f :
       {"recordings/kraken-spot-book.capture.jsonl", "recordings/kraken-futures.capture.jsonl"})
    if (!std::filesystem::exists(shared(f))) return "shared data not found: " + shared(f).string();
  return "";
}

std::function<void(FakeHost&)> feed(std::string recording) {
  return [=](FakeHost& host) {
    const auto frames = ws_frames(read_capture(shared(recording)));
    const uint64_t conn = host.connections().back().id;
    host.ws_open_ok(conn);
    for (const auto& f : frames)
      host.ws_message(conn, f);
  };
}

std::vector<ConformanceParam> params() {
  ConformanceParam spot;
  spot.name = "kraken_spot_v1";
  spot.plugin_path = plugin_path();
  spot.config_json = config(1, 1000);
  spot.missing_data = missing_recordings;
  spot.feed_markets = answer_markets;
  spot.market = "KRAKEN-SPOT-XBT-CHF";
  spot.feed_data = feed("recordings/kraken-spot-book.capture.jsonl");
  spot.bad_frames = {
      R"([1920,{"b":[["0.042870","2332.63400000","1618678133.370507"]],"c":"x1"},"book-1000","SC/EUR"])",
      R"([1920,{"b":[["0.042870"]],"c":"1"},"book-1000","SC/EUR"])",
      R"([1920,{"b":[["0.042870","2332.6","1618678133.3"]]},"book-1000","SC/EUR"])",
      R"({"channelID":1})"};

  ConformanceParam futures = spot;
  futures.name = "kraken_futures";
  futures.market = "KRAKEN-PERP-XRP-USD-COINM";
  futures.feed_data = feed("recordings/kraken-futures.capture.jsonl");
  futures.bad_frames = {
      R"({"feed":"book","product_id":"PI_XRPUSD","side":"buy","seq":"x","price":0.59,"qty":1})",
      R"({"feed":"book","product_id":"PI_XRPUSD","side":"up","seq":9,"price":0.59,"qty":1})",
      R"({"feed":"book_snapshot","product_id":"PI_XRPUSD","seq":1,"bids":[{"price":1}],"asks":[]})",
      R"({"product_id":"PI_XRPUSD"})"};
  return {spot, futures};
}

}  // namespace
}  // namespace kraken_test

using astra::sdk::testing::ConnectorConformance;
INSTANTIATE_TEST_SUITE_P(Kraken, ConnectorConformance, ::testing::ValuesIn(kraken_test::params()),
                         astra::sdk::testing::conformance_name);
