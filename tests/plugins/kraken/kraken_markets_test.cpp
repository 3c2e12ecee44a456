// AssetPairs and futures instruments -> the ABI's Market objects; REST books.
#include "kraken_test_support.hpp"

namespace kraken_test {
namespace {

json by_symbol(const std::string& list, const std::string& symbol) {
  for (const json& m : json::parse(list))
    if (m["symbol"] == symbol) return m;
  return {};
}

class KrakenMarkets : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(shared("fixtures/kraken/asset_pairs.json")))
      GTEST_SKIP() << "shared data not found under " << astra::test::shared_dir();
  }
};

TEST_F(KrakenMarkets, SpotPairsKeepKrakenCodesInSymbolsAndCommonOnesInMetadata) {
  FakeHost host(plugin().api());
  ASSERT_EQ(host.create(config(2, 10, {"spot"})), ASTRA_OK);
  ASSERT_EQ(host.list_markets(1), ASTRA_OK);
  ASSERT_EQ(host.pending_requests().size(), 1u);
  EXPECT_EQ(host.pending_requests()[0]->url, "http://127.0.0.1:18090/0/public/AssetPairs");
  host.respond(host.pending_requests()[0]->token, 200,
               read_file(shared("fixtures/kraken/asset_pairs.json")));
  ASSERT_EQ(host.completions_of(1).size(), 1u);
  ASSERT_EQ(host.completions_of(1)[0]->status, ASTRA_OK);
  const std::string list = host.completions_of(1)[0]->json;

  const json btc = by_symbol(list, "KRAKEN-SPOT-XBT-USD");
  ASSERT_TRUE(btc.is_object());
  EXPECT_EQ(btc["exchange"], "KRAKEN");
  EXPECT_EQ(btc["venueSymbol"], "XXBTZUSD");
  EXPECT_EQ(btc["assetType"], "SPOT");
  EXPECT_EQ(btc["baseAsset"], "BTC");
  EXPECT_EQ(btc["quoteAsset"], "USD");
  EXPECT_TRUE(btc["marginAsset"].is_null());
  EXPECT_TRUE(btc["expiry"].is_null());
  EXPECT_TRUE(btc["contractSize"].is_null());
  EXPECT_EQ(btc["tickSize"], "0.1");          // pair_decimals 1 (no tick_size in 2021)
  EXPECT_EQ(btc["lotSize"], "0.00000001");    // lot_decimals 8
  EXPECT_EQ(btc["minQuantity"], "0.0002");    // ordermin
  EXPECT_TRUE(btc["minNotional"].is_null());  // no costmin in 2021
  EXPECT_EQ(btc["status"], "TRADING");

  const json doge = by_symbol(list, "KRAKEN-SPOT-XDG-USD");
  ASSERT_TRUE(doge.is_object());
  EXPECT_EQ(doge["baseAsset"], "DOGE");
  EXPECT_EQ(by_symbol(list, "KRAKEN-SPOT-ETH-USD")["baseAsset"], "ETH");   // XETH
  EXPECT_EQ(by_symbol(list, "KRAKEN-SPOT-XBT-USDT")["baseAsset"], "BTC");  // XBT
  EXPECT_EQ(by_symbol(list, "KRAKEN-SPOT-XTZ-USD")["baseAsset"], "XTZ");   // not stripped
  EXPECT_EQ(by_symbol(list, "KRAKEN-SPOT-XBT-EUR")["quoteAsset"], "EUR");  // ZEUR
  for (const json& m : json::parse(list))  // no dark-pool (.d) pairs
    EXPECT_EQ(m["venueSymbol"].get<std::string>().find('.'), std::string::npos);
}

TEST_F(KrakenMarkets, NewerAssetPairFieldsAreUsed) {
  // The 2021 listing lacks tick_size/costmin/status: add them to one real pair to check the
  // precedence (tick_size over pair_decimals) and the status mapping.
  json doc = json::parse(read_file(shared("fixtures/kraken/asset_pairs.json")));
  doc["result"]["XXBTZUSD"]["tick_size"] = "0.5";
  doc["result"]["XXBTZUSD"]["costmin"] = "0.5";
  doc["result"]["XXBTZUSD"]["status"] = "cancel_only";
  FakeHost host(plugin().api());
  ASSERT_EQ(host.create(config(2, 10, {"spot"})), ASTRA_OK);
  ASSERT_EQ(host.list_markets(1), ASTRA_OK);
  host.respond(host.pending_requests()[0]->token, 200, doc.dump());
  const json btc = by_symbol(host.completions_of(1)[0]->json, "KRAKEN-SPOT-XBT-USD");
  EXPECT_EQ(btc["tickSize"], "0.5");
  EXPECT_EQ(btc["minNotional"], "0.5");
  EXPECT_EQ(btc["status"], "HALTED");
  EXPECT_EQ(btc["venueStatus"], "cancel_only");
}

TEST_F(KrakenMarkets, FuturesInstruments) {
  FakeHost host(plugin().api());
  ASSERT_EQ(host.create(config(2, 10, {"futures"})), ASTRA_OK);
  ASSERT_EQ(host.list_markets(1), ASTRA_OK);
  ASSERT_EQ(host.pending_requests().size(), 1u);
  EXPECT_EQ(host.pending_requests()[0]->url,
            "http://127.0.0.1:18091/derivatives/api/v3/instruments");
  host.respond(host.pending_requests()[0]->token, 200,
               read_file(shared("fixtures/kraken/futures_instruments.json")));
  const std::string list = host.completions_of(1)[0]->json;
  EXPECT_EQ(json::parse(list).size(), 17u);  // 5 pi_ + 12 fi_; the index rows are skipped
  const json perp = by_symbol(list, "KRAKEN-PERP-XBT-USD-COINM");
  ASSERT_TRUE(perp.is_object());
  EXPECT_EQ(perp["venueSymbol"], "PI_XBTUSD");
  EXPECT_EQ(perp["baseAsset"], "BTC");
  EXPECT_EQ(perp["quoteAsset"], "USD");
  EXPECT_EQ(perp["marginAsset"], "BTC");
  EXPECT_EQ(perp["contractSize"], "1");
  EXPECT_EQ(perp["tickSize"], "0.5");
  EXPECT_EQ(perp["lotSize"], "1");
  EXPECT_EQ(perp["status"], "TRADING");
  const json fut = by_symbol(list, "KRAKEN-FUT-XBT-USD-210924-COINM");
  ASSERT_TRUE(fut.is_object());
  EXPECT_EQ(fut["assetType"], "FUT");
  EXPECT_EQ(fut["expiry"], "210924");
  EXPECT_EQ(fut["venueSymbol"], "FI_XBTUSD_210924");
  EXPECT_EQ(by_symbol(list, "KRAKEN-PERP-ETH-USD-COINM")["tickSize"], "0.05");
}

TEST_F(KrakenMarkets, KrakenErrorArrayFailsTheList) {
  FakeHost host(plugin().api());
  ASSERT_EQ(host.create(config(2, 10, {"spot"})), ASTRA_OK);
  ASSERT_EQ(host.list_markets(1), ASTRA_OK);
  host.respond(host.pending_requests()[0]->token, 200,
               R"({"error":["EService:Unavailable"],"result":{}})");
  ASSERT_EQ(host.completions_of(1).size(), 1u);
  EXPECT_EQ(host.completions_of(1)[0]->status, ASTRA_E_UNAVAILABLE);
  EXPECT_NE(host.completions_of(1)[0]->json.find("EService:Unavailable"), std::string::npos);
}

TEST_F(KrakenMarkets, SpotRestBookFromTheDocumentedDepthAnswer) {
  FakeHost host(plugin().api());
  create_and_list(host, config(2, 10, {"spot"}));
  ASSERT_EQ(host.get_orderbook(5, "KRAKEN-SPOT-XBT-USD", 2), ASTRA_OK);
  const auto pending = host.pending_requests("/0/public/Depth");
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0]->url, "http://127.0.0.1:18090/0/public/Depth?pair=XBTUSD&count=2");
  host.respond(pending[0]->token, 200,
               read_file(shared("fixtures/kraken/depth_response_doc.json")));
  ASSERT_EQ(host.completions_of(5).size(), 1u);
  ASSERT_EQ(host.completions_of(5)[0]->status, ASTRA_OK) << host.completions_of(5)[0]->json;
  const json book = json::parse(host.completions_of(5)[0]->json);
  EXPECT_EQ(book["market"], "KRAKEN-SPOT-XBT-USD");
  EXPECT_EQ(book["updateId"], 0);
  ASSERT_EQ(book["asks"].size(), 2u);
  EXPECT_EQ(book["asks"][0], json({"30384.10000", "2.059"}));
  EXPECT_EQ(book["bids"][0], json({"30297.00000", "1.115"}));

  ASSERT_EQ(host.get_orderbook(6, "KRAKEN-SPOT-XBT-USD"), ASTRA_OK);
  host.respond(host.pending_requests("/0/public/Depth")[0]->token, 200,
               R"({"error":["EQuery:Unknown asset pair"]})");
  EXPECT_EQ(host.completions_of(6)[0]->status, ASTRA_E_UPSTREAM);
  EXPECT_NE(host.completions_of(6)[0]->json.find("EQuery:Unknown asset pair"), std::string::npos);
}

TEST_F(KrakenMarkets, FuturesRestBookKeepsNumberTexts) {
  FakeHost host(plugin().api());
  create_and_list(host, config(2, 10, {"futures"}));
  ASSERT_EQ(host.get_orderbook(5, "KRAKEN-PERP-XBT-USD-COINM"), ASTRA_OK);
  const auto pending = host.pending_requests("/derivatives/api/v3/orderbook");
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0]->url,
            "http://127.0.0.1:18091/derivatives/api/v3/orderbook?symbol=PI_XBTUSD");
  // No recorded futures orderbook answer exists: this is the documented shape with numbers
  // taken from the recorded PI_ book levels' form (JSON numbers, e.g. 439.3 / 20108.0).
  host.respond(pending[0]->token, 200,
               R"({"result":"success","orderBook":{"bids":[[439.3,20108.0],[439.5,1]],)"
               R"("asks":[[439.6,50.0]]},"serverTime":"2021-07-22T22:22:07.000Z"})");
  ASSERT_EQ(host.completions_of(5)[0]->status, ASTRA_OK) << host.completions_of(5)[0]->json;
  const json book = json::parse(host.completions_of(5)[0]->json);
  EXPECT_EQ(book["bids"][0], json({"439.5", "1"}));  // sorted best first
  EXPECT_EQ(book["bids"][1], json({"439.3", "20108.0"}));
  EXPECT_EQ(book["asks"][0], json({"439.6", "50.0"}));
}

}  // namespace
}  // namespace kraken_test
