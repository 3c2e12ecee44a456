// Products -> markets: the real Exchange /products body through the plugin, and Advanced Trade
// market/products (no recorded body exists: the documents below use the field names of the
// official SDK's product types, shared/venues/coinbase-kraken-htx.md §1.2).
#include "coinbase_test_support.hpp"

#include "markets.hpp"

namespace coinbase_test {
namespace {

const json* find_symbol(const json& list, const std::string& symbol) {
  for (const json& m : list)
    if (m.value("symbol", "") == symbol) return &m;
  return nullptr;
}

TEST(CoinbaseMarkets, ExchangeProductsThroughThePlugin) {
  ASTRA_REQUIRE_SHARED(path, "fixtures/coinbase/exchange_products.json");
  const std::string body = read_file(path);
  FakeHost host(plugin().api());
  ASSERT_EQ(host.create(config("exchange")), ASTRA_OK);
  ASSERT_EQ(host.list_markets(1), ASTRA_OK);
  const auto pending = host.pending_requests();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0]->url, "http://127.0.0.1:18095/products");
  host.respond(pending[0]->token, 200, body);
  const auto done = host.completions_of(1);
  ASSERT_EQ(done.size(), 1u);
  ASSERT_EQ(done[0]->status, ASTRA_OK) << done[0]->json;
  const json list = json::parse(done[0]->json);
  EXPECT_EQ(list.size(), json::parse(body).size()) << "every recorded product is a market";
  const json* btc = find_symbol(list, "COINBASE-SPOT-BTC-USD");
  ASSERT_NE(btc, nullptr);
  EXPECT_EQ((*btc)["venueSymbol"], "BTC-USD");
  EXPECT_EQ((*btc)["exchange"], "COINBASE");
  EXPECT_EQ((*btc)["assetType"], "SPOT");
  EXPECT_EQ((*btc)["baseAsset"], "BTC");
  EXPECT_EQ((*btc)["quoteAsset"], "USD");
  EXPECT_EQ((*btc)["tickSize"], "0.01");       // quote_increment
  EXPECT_EQ((*btc)["lotSize"], "0.00000001");  // base_increment
  EXPECT_EQ((*btc)["minQuantity"], "0.0001");  // base_min_size
  EXPECT_EQ((*btc)["minNotional"], "5");       // min_market_funds
  EXPECT_EQ((*btc)["status"], "TRADING");
  EXPECT_TRUE((*btc)["marginAsset"].is_null());
  EXPECT_TRUE((*btc)["expiry"].is_null());
  const json* skl = find_symbol(list, "COINBASE-SPOT-SKL-EUR");
  ASSERT_NE(skl, nullptr);
  EXPECT_EQ((*skl)["minNotional"], "5.0");
}

TEST(CoinbaseMarkets, ExchangeErrorsAreValues) {
  FakeHost host(plugin().api());
  ASSERT_EQ(host.create(config("exchange")), ASTRA_OK);
  ASSERT_EQ(host.list_markets(1), ASTRA_OK);
  host.respond(host.pending_requests()[0]->token, 200, R"({"message":"Not Found"})");
  ASSERT_EQ(host.list_markets(2), ASTRA_OK);
  host.respond(host.pending_requests()[0]->token, 503, "down");
  ASSERT_EQ(host.completions_of(1).size(), 1u);
  EXPECT_EQ(host.completions_of(1)[0]->status, ASTRA_E_UPSTREAM);
  EXPECT_NE(host.completions_of(1)[0]->json.find("Not Found"), std::string::npos);
  ASSERT_EQ(host.completions_of(2).size(), 1u);
  EXPECT_EQ(host.completions_of(2)[0]->status, ASTRA_E_UNAVAILABLE);
}

// Shapes from the SDK's product types (product_id, base/quote_currency_id, price_increment,
// base_increment, base_min_size, quote_min_size, status, product_type, future_product_details).
const char* kAdvancedProducts = R"({"products":[
 {"product_id":"BTC-USD","base_currency_id":"BTC","quote_currency_id":"USD","price_increment":"0.01",
  "quote_increment":"0.01","base_increment":"0.00000001","base_min_size":"0.00000001",
  "quote_min_size":"1","status":"online","trading_disabled":false,"product_type":"SPOT"},
 {"product_id":"ETH-USD","base_currency_id":"ETH","quote_currency_id":"USD","price_increment":"0.01",
  "base_increment":"0.00000001","base_min_size":"0.00000001","status":"offline",
  "trading_disabled":true,"product_type":"SPOT"},
 {"product_id":"BIT-29MAR24-CDE","base_currency_id":"","quote_currency_id":"USD",
  "price_increment":"5","base_increment":"1","base_min_size":"1","status":"online",
  "product_type":"FUTURE","future_product_details":{"contract_size":"0.01",
  "contract_root_unit":"BTC","contract_expiry":"2024-03-29T15:00:00Z",
  "contract_expiry_type":"EXPIRING"}},
 {"product_id":"BTC-PERP-INTX","base_currency_id":"BTC","quote_currency_id":"USDC",
  "price_increment":"0.1","base_increment":"0.0001","base_min_size":"0.0001","status":"online",
  "product_type":"FUTURE","future_product_details":{"contract_size":"1",
  "contract_root_unit":"BTC","contract_expiry_type":"PERPETUAL"}},
 {"product_id":"ODD","product_type":"SPOT"}
],"num_products":5})";

TEST(CoinbaseMarkets, AdvancedProductsThroughThePlugin) {
  FakeHost host(plugin().api());
  ASSERT_EQ(host.create(config("advanced")), ASTRA_OK);
  ASSERT_EQ(host.list_markets(1), ASTRA_OK);
  const auto pending = host.pending_requests();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0]->url, "http://127.0.0.1:18095/api/v3/brokerage/market/products");
  host.respond(pending[0]->token, 200, kAdvancedProducts);
  ASSERT_EQ(host.completions_of(1).size(), 1u);
  ASSERT_EQ(host.completions_of(1)[0]->status, ASTRA_OK);
  const json list = json::parse(host.completions_of(1)[0]->json);
  EXPECT_EQ(list.size(), 4u) << list.dump();

  const json* spot = find_symbol(list, "COINBASE-SPOT-BTC-USD");
  ASSERT_NE(spot, nullptr);
  EXPECT_EQ((*spot)["tickSize"], "0.01");
  EXPECT_EQ((*spot)["minNotional"], "1");
  EXPECT_EQ((*spot)["status"], "TRADING");
  const json* eth = find_symbol(list, "COINBASE-SPOT-ETH-USD");
  ASSERT_NE(eth, nullptr);
  EXPECT_EQ((*eth)["status"], "HALTED");

  const json* fut = find_symbol(list, "COINBASE-FUT-BIT-USD-240329");
  ASSERT_NE(fut, nullptr) << list.dump();
  EXPECT_EQ((*fut)["assetType"], "FUT");
  EXPECT_EQ((*fut)["expiry"], "240329");
  EXPECT_EQ((*fut)["baseAsset"], "BTC");
  EXPECT_EQ((*fut)["marginAsset"], "USD");
  EXPECT_EQ((*fut)["contractSize"], "0.01");
  EXPECT_EQ((*fut)["venueSymbol"], "BIT-29MAR24-CDE");

  const json* perp = find_symbol(list, "COINBASE-PERP-BTC-USDC");
  ASSERT_NE(perp, nullptr);
  EXPECT_EQ((*perp)["assetType"], "PERP");
  EXPECT_TRUE((*perp)["expiry"].is_null());
  EXPECT_EQ((*perp)["marginAsset"], "USDC");
}

TEST(CoinbaseMarkets, AdvancedRejectsNonProductDocuments) {
  std::vector<astra::coinbase::Market> out;
  std::string error;
  EXPECT_FALSE(astra::coinbase::parse_advanced_products("[]", out, error));
  EXPECT_FALSE(astra::coinbase::parse_advanced_products("{{", out, error));
  EXPECT_FALSE(astra::coinbase::parse_advanced_products(
      R"({"error":"UNAUTHENTICATED","message":"no"})", out, error));
  EXPECT_NE(error.find("no"), std::string::npos);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace coinbase_test

namespace coinbase_test {
namespace {

TEST(CoinbaseMarkets, AdvancedProductsFollowCursorPages) {
  const json all = json::parse(kAdvancedProducts)["products"];
  json page1 = {{"products", json::array({all[0]})},
                {"pagination", {{"has_next", true}, {"next_cursor", "c/2"}}}};
  json page2 = {{"products", json::array({all[2]})},
                {"pagination", {{"has_next", true}, {"next_cursor", "c/2"}}}};  // a loop
  FakeHost host(plugin().api());
  ASSERT_EQ(host.create(config("advanced")), ASTRA_OK);
  ASSERT_EQ(host.list_markets(1), ASTRA_OK);
  host.respond(host.pending_requests()[0]->token, 200, page1.dump());
  EXPECT_TRUE(host.completions_of(1).empty());
  const auto pending = host.pending_requests();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0]->url,
            "http://127.0.0.1:18095/api/v3/brokerage/market/products?cursor=c%2F2");
  host.respond(pending[0]->token, 200, page2.dump());
  EXPECT_TRUE(host.pending_requests().empty()) << "a repeated cursor ends the listing";
  ASSERT_EQ(host.completions_of(1).size(), 1u);
  const json list = json::parse(host.completions_of(1)[0]->json);
  EXPECT_EQ(list.size(), 2u);
  EXPECT_NE(find_symbol(list, "COINBASE-SPOT-BTC-USD"), nullptr);
  EXPECT_NE(find_symbol(list, "COINBASE-FUT-BIT-USD-240329"), nullptr);
}

}  // namespace
}  // namespace coinbase_test

namespace coinbase_test {
namespace {

// Advanced Trade sends futures with "status":"" (real FCM and INTX entries recorded by ccxt in
// ts/src/coinbase.ts, trimmed to the fields the plugin reads): they trade, flags decide.
TEST(CoinbaseMarkets, AdvancedFuturesWithAnEmptyStatusTrade) {
  const char* body = R"({"products":[
 {"product_id":"BIT-26APR24-CDE","base_increment":"1","quote_increment":"0.01","quote_min_size":"0",
  "base_min_size":"1","is_disabled":false,"status":"","cancel_only":false,"post_only":false,
  "trading_disabled":false,"product_type":"FUTURE","quote_currency_id":"USD","base_currency_id":"",
  "price_increment":"5","future_product_details":{"contract_code":"BIT",
  "contract_expiry":"2024-04-26T15:00:00Z","contract_size":"0.01","contract_root_unit":"BTC",
  "contract_expiry_type":"EXPIRING"}},
 {"product_id":"ETH-PERP-INTX","base_increment":"0.0001","quote_increment":"0.01",
  "quote_min_size":"10","base_min_size":"0.0001","is_disabled":false,"status":"",
  "cancel_only":false,"post_only":false,"trading_disabled":true,"product_type":"FUTURE",
  "quote_currency_id":"USDC","base_currency_id":"","price_increment":"0.01",
  "future_product_details":{"contract_code":"ETH","contract_expiry":null,"contract_size":"1",
  "contract_root_unit":"ETH","contract_expiry_type":"PERPETUAL"}},
 {"product_id":"SOL-USD","base_currency_id":"SOL","quote_currency_id":"USD","status":"",
  "price_increment":"0.01","base_increment":"0.001","product_type":"SPOT"}
]})";
  std::vector<astra::coinbase::Market> out;
  std::string error;
  ASSERT_TRUE(astra::coinbase::parse_advanced_products(body, out, error)) << error;
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].symbol, "COINBASE-FUT-BIT-USD-240426");
  EXPECT_EQ(out[0].status, "TRADING");
  EXPECT_EQ(out[1].symbol, "COINBASE-PERP-ETH-USDC");
  EXPECT_EQ(out[1].status, "HALTED") << "trading_disabled still halts";
  EXPECT_EQ(out[2].status, "HALTED") << "a spot product without status is not assumed live";
}

}  // namespace
}  // namespace coinbase_test
