// exchangeInfo -> markets, through the plugin: the trimmed spot and USD-M fixtures and the
// recorded COIN-M listing.
#include "binance_test_support.hpp"

#include <set>

namespace binance_test {
namespace {

json find_symbol(const json& list, const std::string& symbol) {
  for (const auto& m : list)
    if (m["symbol"] == symbol) return m;
  return json();
}

TEST(BinanceMarkets, SpotFixture) {
  ASTRA_REQUIRE_SHARED(f, "fixtures/binance/exchange_info_spot_trimmed.json");
  FakeHost host(plugin().api());
  host.create(config({"spot"}));
  ASSERT_EQ(host.list_markets(1), ASTRA_OK);
  const auto pending = host.pending_requests();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0]->url, "http://127.0.0.1:18080/api/v3/exchangeInfo");
  EXPECT_EQ(pending[0]->weight, 20u);
  host.respond(pending[0]->token, 200, read_file(f));
  ASSERT_EQ(host.completions_of(1).size(), 1u);
  ASSERT_EQ(host.completions_of(1)[0]->status, ASTRA_OK);
  const json list = json::parse(host.completions_of(1)[0]->json);
  EXPECT_EQ(list.size(), 6u);  // ETHBTC NKNUSDT BLZETH LRCBTC RUNEEUR BTCUSDT
  const json nkn = find_symbol(list, "BINANCE-SPOT-NKN-USDT");
  ASSERT_TRUE(nkn.is_object());
  EXPECT_EQ(nkn["venueSymbol"], "NKNUSDT");
  EXPECT_EQ(nkn["assetType"], "SPOT");
  EXPECT_TRUE(nkn["marginAsset"].is_null());
  EXPECT_EQ(nkn["baseAsset"], "NKN");
  EXPECT_EQ(nkn["quoteAsset"], "USDT");
  EXPECT_EQ(nkn["tickSize"], "0.00010000");
  EXPECT_EQ(nkn["lotSize"], "1.00000000");
  EXPECT_EQ(nkn["minQuantity"], "1.00000000");
  EXPECT_EQ(nkn["minNotional"], "10.00000000");  // the old MIN_NOTIONAL.minNotional
  EXPECT_EQ(nkn["status"], "TRADING");
  const json eth = find_symbol(list, "BINANCE-SPOT-ETH-BTC");
  EXPECT_EQ(eth["tickSize"], "0.00000100");
  EXPECT_EQ(eth["lotSize"], "0.00010000");
  EXPECT_EQ(eth["minNotional"], "0.00010000");
}

TEST(BinanceMarkets, UsdmFixture) {
  ASTRA_REQUIRE_SHARED(f, "fixtures/binance/exchange_info_usdm_trimmed.json");
  FakeHost host(plugin().api());
  host.create(config({"usdm"}));
  ASSERT_EQ(host.list_markets(1), ASTRA_OK);
  const auto pending = host.pending_requests();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0]->url, "http://127.0.0.1:18081/fapi/v1/exchangeInfo");
  EXPECT_EQ(pending[0]->weight, 1u);
  host.respond(pending[0]->token, 200, read_file(f));
  const json list = json::parse(host.completions_of(1).at(0)->json);
  // BTCSTUSDT (contractType "", PENDING_TRADING) is skipped.
  std::set<std::string> symbols;
  for (const auto& m : list)
    symbols.insert(m["symbol"]);
  EXPECT_EQ(symbols,
            (std::set<std::string>{"BINANCE-PERP-BTC-USDT", "BINANCE-PERP-SUSHI-USDT",
                                   "BINANCE-PERP-CTK-USDT", "BINANCE-FUT-BTC-USDT-210924"}));
  const json sushi = find_symbol(list, "BINANCE-PERP-SUSHI-USDT");
  EXPECT_EQ(sushi["tickSize"], "0.0010");
  EXPECT_EQ(sushi["lotSize"], "1");
  EXPECT_EQ(sushi["minNotional"], "5");  // USD-M MIN_NOTIONAL.notional
  EXPECT_EQ(sushi["marginAsset"], "USDT");
  const json fut = find_symbol(list, "BINANCE-FUT-BTC-USDT-210924");
  EXPECT_EQ(fut["venueSymbol"], "BTCUSDT_210924");
  EXPECT_EQ(fut["expiry"], "210924");
  EXPECT_EQ(fut["tickSize"], "0.1");
  EXPECT_EQ(fut["lotSize"], "0.001");
}

TEST(BinanceMarkets, CoinmRecording) {
  ASTRA_REQUIRE_SHARED(f, "recordings/binance-coinm.capture.jsonl");
  FakeHost host(plugin().api());
  const json list = json::parse(create_and_list(host, {"coinm"}));
  EXPECT_EQ(list.size(), 36u);  // 18 perpetuals, 9 current and 9 next quarterlies
  const json perp = find_symbol(list, "BINANCE-PERP-BTC-USD-COINM");
  ASSERT_TRUE(perp.is_object());
  EXPECT_EQ(perp["contractSize"], "100");
  EXPECT_EQ(perp["marginAsset"], "BTC");
  EXPECT_EQ(perp["status"], "TRADING");  // from contractStatus
  EXPECT_EQ(perp["tickSize"], "0.1");
  EXPECT_TRUE(perp["minNotional"].is_null());  // COIN-M has no notional filter
  const json fut = find_symbol(list, "BINANCE-FUT-BTC-USD-210924-COINM");
  ASSERT_TRUE(fut.is_object());
  EXPECT_EQ(fut["venueSymbol"], "BTCUSD_210924");
  EXPECT_EQ(find_symbol(list, "BINANCE-PERP-BCH-USD-COINM")["contractSize"], "10");
}

TEST(BinanceMarkets, OneFamilyFailingIsLoggedAllFailingIsUnavailable) {
  ASTRA_REQUIRE_SHARED(f, "fixtures/binance/exchange_info_spot_trimmed.json");
  {
    FakeHost host(plugin().api());
    host.create(config({"spot", "usdm"}));
    ASSERT_EQ(host.list_markets(1), ASTRA_OK);
    host.respond(host.pending_requests("/api/v3/")[0]->token, 200, read_file(f));
    EXPECT_TRUE(host.completions_of(1).empty()) << "waits for every family";
    host.respond(host.pending_requests("/fapi/")[0]->token, 503, "upstream down");
    ASSERT_EQ(host.completions_of(1).size(), 1u);
    EXPECT_EQ(host.completions_of(1)[0]->status, ASTRA_OK);
    EXPECT_EQ(json::parse(host.completions_of(1)[0]->json).size(), 6u);
    bool logged = false;
    for (const auto& l : host.logs())
      logged = logged || l.message.find("usdm exchangeInfo") != std::string::npos;
    EXPECT_TRUE(logged);
  }
  {
    FakeHost host(plugin().api());
    host.create(config({"spot", "usdm"}));
    ASSERT_EQ(host.list_markets(1), ASTRA_OK);
    host.respond(host.pending_requests("/api/v3/")[0]->token, 200, "not json");
    host.fail_request(host.pending_requests("/fapi/")[0]->token, ASTRA_E_DEADLINE_EXCEEDED);
    ASSERT_EQ(host.completions_of(1).size(), 1u);
    EXPECT_EQ(host.completions_of(1)[0]->status, ASTRA_E_UNAVAILABLE);
    const json err = json::parse(host.completions_of(1)[0]->json);
    EXPECT_TRUE(err["code"].is_string());
    EXPECT_TRUE(err["message"].is_string());
  }
}

TEST(BinanceConfig, BadConfigurationsFailCreateWithAMessage) {
  for (const char* bad :
       {R"({"families":["spot","margin"]})", R"({"spot":{"rest":"ftp://x"}})",
        R"({"usdm":{"ws":"https://fstream.binance.com"}})", R"({"spot":{"rest":"http://"}})",
        R"({"snapshot_limit":7})", R"({"families":[]})", R"([1,2])", "{oops"}) {
    FakeHost host(plugin().api());
    std::string error;
    EXPECT_EQ(host.create(bad, &error), ASTRA_E_INVALID_ARGUMENT) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
  FakeHost host(plugin().api());
  EXPECT_EQ(host.create(""), ASTRA_OK);
  EXPECT_EQ(host.create(R"({"families":["spot"],"snapshot_limit":5000})"), ASTRA_OK);
}

}  // namespace
}  // namespace binance_test
