// The SDK conformance suite, instantiated for coinbase.so with the recorded Exchange feed session
// (products, level2 snapshot + l2update, matches, tickers), and for the Advanced Trade feed with
// the documentation's level2 snapshot followed by updates in its documented shape (no recorded
// Advanced Trade stream exists).
#include <astra/sdk/testing/conformance.hpp>

#include "coinbase_test_support.hpp"

#include <array>

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

  ConformanceParam advanced;
  advanced.name = "coinbase_advanced";
  advanced.plugin_path = plugin_path();
  advanced.config_json = config("advanced");
  advanced.missing_data = [] {
    const auto p = shared("fixtures/coinbase/advanced_ws_level2_snapshot_doc.json");
    return std::filesystem::exists(p) ? std::string() : "shared data not found: " + p.string();
  };
  advanced.feed_markets = [](FakeHost& host) {
    for (const auto* r : host.pending_requests("/api/v3/brokerage/market/products"))
      host.respond(r->token, 200,
                   R"({"products":[{"product_id":"BTC-USD","base_currency_id":"BTC",
                   "quote_currency_id":"USD","price_increment":"0.01","base_increment":"0.00000001",
                   "base_min_size":"0.00000001","status":"online","product_type":"SPOT"}]})");
  };
  advanced.market = "COINBASE-SPOT-BTC-USD";
  advanced.feed_data = [](FakeHost& host) {
    json frame =
        json::parse(read_file(shared("fixtures/coinbase/advanced_ws_level2_snapshot_doc.json")));
    const uint64_t conn = host.connections().back().id;
    host.ws_open_ok(conn);
    host.ws_message(conn, frame.dump());
    // Updates: new absolute quantities, a removal, new levels on both sides.
    const std::vector<std::array<const char*, 3>> updates = {{"bid", "21921.73", "0.5"},
                                                             {"offer", "21925.1", "1.25"},
                                                             {"bid", "21921.3", "0"},
                                                             {"offer", "21924", "0.1"},
                                                             {"bid", "21920", "3"}};
    uint64_t seq = frame["sequence_num"].get<uint64_t>();
    for (const auto& [side, price, qty] : updates) {
      frame["sequence_num"] = ++seq;
      frame["events"][0]["type"] = "update";
      frame["events"][0]["updates"] = json::array({{{"side", side},
                                                    {"event_time", "2023-02-09T20:32:51Z"},
                                                    {"price_level", price},
                                                    {"new_quantity", qty}}});
      host.ws_message(conn, frame.dump());
    }
  };
  advanced.bad_frames = {
      R"({"channel":"l2_data","events":[]})",
      R"({"channel":"l2_data","sequence_num":-1,"events":[]})",
      R"({"channel":"l2_data","sequence_num":9,"events":[{"type":"update","product_id":"BTC-USD",
          "updates":[{"side":"ask","price_level":"1","new_quantity":"1"}]}]})",
      R"({"channel":"market_trades","sequence_num":9,"events":[{"type":"update",
          "trades":[{"product_id":"BTC-USD","price":"1","size":"1","side":"UP"}]}]})",
      R"({"sequence_num":9})"};
  return {exchange, advanced};
}

}  // namespace
}  // namespace coinbase_test

using astra::sdk::testing::ConnectorConformance;
INSTANTIATE_TEST_SUITE_P(Coinbase, ConnectorConformance,
                         ::testing::ValuesIn(coinbase_test::params()),
                         astra::sdk::testing::conformance_name);
