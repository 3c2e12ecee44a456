// Market lists of every family, from the real HTX answers (fixtures and the recorded session).
#include "huobi_test_support.hpp"

namespace huobi_test {
namespace {

json by_symbol(const std::string& list_json, const std::string& symbol) {
  const json list = json::parse(list_json, nullptr, false);
  if (!list.is_array()) return {};
  for (const json& m : list)
    if (m.value("symbol", "") == symbol) return m;
  return {};
}

class HuobiMarkets : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!shared_data_present()) GTEST_SKIP() << "shared HTX data not found (set ASTRA_SHARED)";
  }
};

TEST_F(HuobiMarkets, EveryFamilyIsListedWithTheVenuesFields) {
  FakeHost host(plugin().api());
  const std::string list =
      create_and_list(host, {"spot", "coin_futures", "coin_swap", "linear_swap"});
  const json all = json::parse(list, nullptr, false);
  ASSERT_TRUE(all.is_array());
  EXPECT_GT(all.size(), 900u);

  const json spot = by_symbol(list, "HUOBI-SPOT-BTC-USDT");
  ASSERT_TRUE(spot.is_object()) << "HUOBI-SPOT-BTC-USDT missing";
  EXPECT_EQ(spot["exchange"], "HUOBI");
  EXPECT_EQ(spot["venueSymbol"], "btcusdt");
  EXPECT_EQ(spot["assetType"], "SPOT");
  EXPECT_EQ(spot["baseAsset"], "BTC");
  EXPECT_EQ(spot["quoteAsset"], "USDT");
  EXPECT_TRUE(spot["marginAsset"].is_null());
  EXPECT_EQ(spot["tickSize"], "0.01");       // price-precision 2
  EXPECT_EQ(spot["lotSize"], "0.000001");    // amount-precision 6
  EXPECT_EQ(spot["minQuantity"], "0.0001");  // min-order-amt
  EXPECT_EQ(spot["minNotional"], "5");       // min-order-value
  EXPECT_EQ(spot["status"], "TRADING");

  const json etp = by_symbol(list, "HUOBI-SPOT-FIL3S-USDT");
  ASSERT_TRUE(etp.is_object());
  EXPECT_EQ(etp["venueSymbol"], "fil3susdt");
  EXPECT_EQ(etp["tickSize"], "0.00000001");

  const json swap = by_symbol(list, "HUOBI-PERP-BTC-USD-COINM");
  ASSERT_TRUE(swap.is_object()) << "HUOBI-PERP-BTC-USD-COINM missing";
  EXPECT_EQ(swap["venueSymbol"], "BTC-USD");
  EXPECT_EQ(swap["assetType"], "PERP");
  EXPECT_EQ(swap["marginAsset"], "BTC");
  EXPECT_EQ(swap["contractSize"], "100");
  EXPECT_EQ(swap["tickSize"], "0.1");
  EXPECT_EQ(swap["lotSize"], "1");
  EXPECT_EQ(swap["status"], "TRADING");

  const json fut = by_symbol(list, "HUOBI-FUT-BTC-USD-210723-COINM");
  ASSERT_TRUE(fut.is_object()) << "HUOBI-FUT-BTC-USD-210723-COINM missing";
  EXPECT_EQ(fut["venueSymbol"], "BTC210723");
  EXPECT_EQ(fut["assetType"], "FUT");
  EXPECT_EQ(fut["expiry"], "210723");
  EXPECT_EQ(fut["marginAsset"], "BTC");
  EXPECT_EQ(fut["contractSize"], "100");
  EXPECT_EQ(fut["tickSize"], "0.01");

  const json linear = by_symbol(list, "HUOBI-PERP-BTC-USDT");
  ASSERT_TRUE(linear.is_object()) << "HUOBI-PERP-BTC-USDT missing";
  EXPECT_EQ(linear["venueSymbol"], "BTC-USDT");
  EXPECT_EQ(linear["marginAsset"], "USDT");
  EXPECT_EQ(linear["contractSize"], "0.001");
  EXPECT_EQ(linear["tickSize"], "0.1");

  // Every family is present, every symbol unique.
  std::map<std::string, int> types;
  std::set<std::string> seen;
  for (const json& m : all) {
    EXPECT_TRUE(seen.insert(m["symbol"].get<std::string>()).second) << m["symbol"];
    const std::string s = m["symbol"];
    if (s.rfind("HUOBI-SPOT-", 0) == 0) ++types["spot"];
    if (s.rfind("HUOBI-FUT-", 0) == 0) ++types["fut"];
    if (s.rfind("HUOBI-PERP-", 0) == 0 && s.size() > 6 && s.substr(s.size() - 6) == "-COINM")
      ++types["coin_swap"];
    else if (s.rfind("HUOBI-PERP-", 0) == 0)
      ++types["linear_swap"];
  }
  EXPECT_GT(types["spot"], 500);
  EXPECT_GT(types["fut"], 10);
  EXPECT_GT(types["coin_swap"], 10);
  EXPECT_GT(types["linear_swap"], 50);
}

TEST_F(HuobiMarkets, OfflineSpotSymbolsAreDelisted) {
  FakeHost host(plugin().api());
  const json all = json::parse(create_and_list(host, {"spot"}), nullptr, false);
  ASSERT_TRUE(all.is_array());
  const json symbols = json::parse(read_file(shared("fixtures/huobi/spot_symbols.json")));
  std::string offline;
  for (const json& s : symbols["data"])
    if (s["state"] == "offline") offline = s["symbol"];
  ASSERT_FALSE(offline.empty());
  bool found = false;
  for (const json& m : all) {
    if (m["venueSymbol"] == offline) {
      EXPECT_EQ(m["status"], "DELISTED");
      found = true;
    }
  }
  EXPECT_TRUE(found) << offline;
}

TEST_F(HuobiMarkets, VenueErrorFailsTheList) {
  FakeHost host(plugin().api());
  ASSERT_EQ(host.create(config({"spot", "coin_swap"})), ASTRA_OK);
  ASSERT_EQ(host.list_markets(3), ASTRA_OK);
  for (const auto* r : host.pending_requests()) {
    if (r->url.find("/v1/common/symbols") != std::string::npos)
      host.respond(r->token, 200, read_file(shared("fixtures/huobi/spot_symbols.json")));
    else
      host.respond(r->token, 200, read_file(shared("fixtures/huobi/swap_error_response_doc.json")));
  }
  const auto done = host.completions_of(3);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0]->status, ASTRA_E_UPSTREAM);
  EXPECT_NE(done[0]->json.find("coin_swap"), std::string::npos) << done[0]->json;
  // Nothing was listed: subscribing is refused.
  EXPECT_EQ(host.subscribe("HUOBI-SPOT-BTC-USDT", ASTRA_DATA_ORDERBOOK), ASTRA_E_NOT_FOUND);
}

TEST_F(HuobiMarkets, DerivativeRestBooksUseTheirFamilysPathAndReportVenueErrors) {
  FakeHost host(plugin().api());
  create_and_list(host, {"coin_futures", "coin_swap", "linear_swap"});
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"HUOBI-PERP-BTC-USD-COINM",
       "http://127.0.0.1:18091/swap-ex/market/depth?contract_code=BTC-USD&type=step0"},
      {"HUOBI-PERP-BTC-USDT",
       "http://127.0.0.1:18091/linear-swap-ex/market/depth?contract_code=BTC-USDT&type=step0"},
      {"HUOBI-FUT-BTC-USD-210723-COINM",
       "http://127.0.0.1:18091/market/depth?symbol=BTC210723&type=step0"}};
  uint64_t call = 10;
  for (const auto& [market, url] : cases) {
    ASSERT_EQ(host.get_orderbook(call, market), ASTRA_OK) << market;
    const auto pending = host.pending_requests("depth");
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0]->url, url);
    host.respond(pending[0]->token, 200,
                 read_file(shared("fixtures/huobi/swap_error_response_doc.json")));
    const auto done = host.completions_of(call);
    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(done[0]->status, ASTRA_E_UPSTREAM);
    EXPECT_NE(done[0]->json.find("Abnormal service"), std::string::npos) << done[0]->json;
    ++call;
  }
}

}  // namespace
}  // namespace huobi_test
