// The SDK conformance suite, instantiated for coinbase.so with the recorded Exchange feed session
// (products, level2 snapshot + l2update, matches, tickers).
#include <astra/sdk/testing/conformance.hpp>

#include "coinbase_test_support.hpp"

namespace coinbase_test {
namespace {

using astra::sdk::testing::ConformanceParam;

std::vector<ConformanceParam> params() {
  ConformanceParam exchange;
  exchange.name = "coinbase_exchange";
  exchange.plugin_path = plugin_path();
  exchange.config_json = config("exchange");
  exchange.missing_data = [] {
    return std::filesystem::exists(shared(kRecording))
               ? std::string()
               : "shared data not found: " + shared(kRecording).string();
  };
  exchange.feed_markets = answer_exchange_markets;
  exchange.market = "COINBASE-SPOT-SKL-BTC";
  exchange.feed_data = [](FakeHost& host) {
    static const auto frames = ws_frames(read_lines(shared(kRecording)));
    const uint64_t conn = host.connections().back().id;
    host.ws_open_ok(conn);
    for (const auto& f : frames)
      host.ws_message(conn, f);
  };
  exchange.bad_frames = {
      R"({"type":"l2update","product_id":"SKL-BTC","changes":[["up","0.00001306","660.5"]]})",
      R"({"type":"l2update","product_id":"SKL-BTC","changes":[["sell","0.00001306"]]})",
      R"({"type":"snapshot","product_id":"SKL-BTC","bids":[["0.00001306"]],"asks":[]})",
      R"({"type":"match","product_id":"SKL-BTC","side":"buy","price":"0.00001306"})",
      R"({"product_id":"SKL-BTC","changes":[]})"};
  return {exchange};
}

}  // namespace
}  // namespace coinbase_test

using astra::sdk::testing::ConnectorConformance;
INSTANTIATE_TEST_SUITE_P(Coinbase, ConnectorConformance,
                         ::testing::ValuesIn(coinbase_test::params()),
                         astra::sdk::testing::conformance_name);
