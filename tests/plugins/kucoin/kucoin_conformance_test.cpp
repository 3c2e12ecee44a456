// The SDK conformance suite, instantiated for kucoin.so with recorded KuCoin data.
#include <astra/sdk/testing/conformance.hpp>

#include "kucoin_test_support.hpp"

namespace kucoin_test {
namespace {

using astra::sdk::testing::ConformanceParam;

std::string missing_data() {
  const auto dir = astra::test::shared_dir();
  for (const char* f : {"recordings/kucoin-spot.capture.jsonl",
                        "fixtures/kucoin/docs_ws_bullet_public_response.json",
                        "fixtures/kucoin/docs_futures_contracts_active_response_data.json",
                        "fixtures/kucoin/ws_level2_BCHSV-USDT_first500.jsonl",
                        "fixtures/kucoin/orderbook_level2_v3_snapshot_BCHSV-USDT.json"})
    if (!std::filesystem::exists(dir / f)) return "shared data not found: " + (dir / f).string();
  return "";
}

// The handshake, then the recorded BCHSV-USDT changes with the recorded snapshot in between.
void feed_bchsv(FakeHost& host) {
  const uint64_t conn = connect(host);
  const auto frames = read_lines(fixture("ws_level2_BCHSV-USDT_first500.jsonl"));
  for (size_t i = 1; i < frames.size(); ++i) {
    host.ws_message(conn, frames[i]);
    if (i == 30)
      for (const auto* r : host.pending_requests("level2_100?symbol=BCHSV-USDT"))
        host.respond(r->token, 200,
                     read_file(fixture("orderbook_level2_v3_snapshot_BCHSV-USDT.json")));
  }
}

std::vector<ConformanceParam> params() {
  ConformanceParam spot;
  spot.name = "kucoin_spot";
  spot.plugin_path = plugin_path();
  spot.config_json = config();
  spot.missing_data = missing_data;
  spot.feed_markets = answer_markets;
  spot.market = "KUCOIN-SPOT-BSV-USDT";  // venue symbol BCHSV-USDT, baseCurrency BSV
  spot.feed_data = feed_bchsv;
  spot.bad_frames = {
      R"({"type":"message","topic":"/market/level2:BCHSV-USDT","subject":"trade.l2update","data":{"sequenceStart":1,"sequenceEnd":"two","symbol":"BCHSV-USDT","changes":{}}})",
      R"({"type":"message","topic":"/market/match:BCHSV-USDT","subject":"trade.l3match","data":{"symbol":"BCHSV-USDT","side":"up","price":"1","size":"1","tradeId":"x","time":"1"}})",
      R"({"type":"message","topic":"/market/level2:BCHSV-USDT","subject":"trade.l2update","data":{"sequenceStart":1,"sequenceEnd":2,"symbol":"BCHSV-USDT","changes":{"asks":[["1"]],"bids":[]}}})",
      R"({"id":1,"type":7})"};
  return {spot};
}

}  // namespace
}  // namespace kucoin_test

using astra::sdk::testing::ConnectorConformance;
INSTANTIATE_TEST_SUITE_P(Kucoin, ConnectorConformance, ::testing::ValuesIn(kucoin_test::params()),
                         astra::sdk::testing::conformance_name);
