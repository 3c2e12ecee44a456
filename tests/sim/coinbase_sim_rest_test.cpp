// The Coinbase simulator's Advanced Trade REST answers: the products list and product_book.
//
// No Advanced Trade products listing is in shared/ (SOURCES.md "Missing"); the key list checked
// here is the one of the real responses ccxt recorded in ts/src/coinbase.ts (fetchMarkets,
// parseContractMarket comments), in the venue's order.
#include "json_shape.hpp"
#include "test_client.hpp"

#include <astra/sim/coinbase/coinbase_sim.hpp>
#include <common/shared_dir.hpp>

#include <gtest/gtest.h>

namespace astra::sim::test {
namespace {

using coinbase::CoinbaseSim;

std::unique_ptr<CoinbaseSim> start_paused(uint64_t seed = 5) {
  coinbase::Options o;
  o.seed = seed;
  o.start_paused = true;
  std::string error;
  auto sim = CoinbaseSim::start(o, error);
  EXPECT_TRUE(sim) << error;
  return sim;
}

ojson get_json(uint16_t port, const std::string& target, unsigned expect_status = 200) {
  auto res = http_get(port, target);
  EXPECT_TRUE(res.has_value()) << target;
  if (!res) return ojson();
  EXPECT_EQ(res->status, expect_status) << target << ": " << res->body;
  return ojson::parse(res->body, nullptr, false);
}

std::vector<std::string> keys_of(const ojson& o) {
  std::vector<std::string> out;
  for (auto it = o.begin(); it != o.end(); ++it)
    out.push_back(it.key());
  return out;
}

const std::vector<std::string> kProductKeys = {"product_id",
                                               "price",
                                               "price_percentage_change_24h",
                                               "volume_24h",
                                               "volume_percentage_change_24h",
                                               "base_increment",
                                               "quote_increment",
                                               "quote_min_size",
                                               "quote_max_size",
                                               "base_min_size",
                                               "base_max_size",
                                               "base_name",
                                               "quote_name",
                                               "watched",
                                               "is_disabled",
                                               "new",
                                               "status",
                                               "cancel_only",
                                               "limit_only",
                                               "post_only",
                                               "trading_disabled",
                                               "auction_mode",
                                               "product_type",
                                               "quote_currency_id",
                                               "base_currency_id",
                                               "fcm_trading_session_details",
                                               "mid_market_price",
                                               "alias",
                                               "alias_to",
                                               "base_display_symbol",
                                               "quote_display_symbol",
                                               "view_only",
                                               "price_increment",
                                               "display_name",
                                               "product_venue"};

const std::vector<std::string> kFutureDetailKeys = {"venue",
                                                    "contract_code",
                                                    "contract_expiry",
                                                    "contract_size",
                                                    "contract_root_unit",
                                                    "group_description",
                                                    "contract_expiry_timezone",
                                                    "group_short_description",
                                                    "risk_managed_by",
                                                    "contract_expiry_type"};

TEST(CoinbaseSimRest, ProductsListEveryFamilyWithTheVenuesFields) {
  auto sim = start_paused();
  ASSERT_TRUE(sim);
  const ojson doc = get_json(sim->port(), "/api/v3/brokerage/market/products");
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(keys_of(doc), (std::vector<std::string>{"products", "num_products"}));
  ASSERT_EQ(doc["products"].size(), 4u);
  EXPECT_EQ(doc["num_products"], 4);
  std::map<std::string, ojson> by_id;
  for (const auto& p : doc["products"])
    by_id[p["product_id"].get<std::string>()] = p;
  for (const char* spot : {"BTC-USD", "ETH-USD"}) {
    const ojson& p = by_id[spot];
    EXPECT_EQ(keys_of(p), kProductKeys) << spot;
    EXPECT_EQ(p["product_type"], "SPOT");
    EXPECT_EQ(p["status"], "online");
    EXPECT_EQ(p["quote_currency_id"], "USD");
    EXPECT_EQ(p["price_increment"], "0.01");
    EXPECT_EQ(p["base_increment"], "0.00000001");
    EXPECT_TRUE(p["fcm_trading_session_details"].is_null());
    for (const auto& k : kProductKeys)
      if (k != "fcm_trading_session_details" && k != "alias_to") {
        EXPECT_TRUE(p[k].is_string() || p[k].is_boolean()) << k << " " << p[k];
      }
  }
  auto with_details = kProductKeys;
  with_details.push_back("future_product_details");
  const ojson& fut = by_id["BIT-31DEC26-CDE"];
  EXPECT_EQ(keys_of(fut), with_details);
  EXPECT_EQ(fut["product_type"], "FUTURE");
  EXPECT_EQ(fut["base_currency_id"], "") << "the venue leaves futures' base empty";
  auto detail_keys = kFutureDetailKeys;
  detail_keys.push_back("contract_display_name");
  EXPECT_EQ(keys_of(fut["future_product_details"]), detail_keys);
  EXPECT_EQ(fut["future_product_details"]["contract_expiry_type"], "EXPIRING");
  EXPECT_EQ(fut["future_product_details"]["contract_expiry"], "2026-12-31T16:00:00Z");
  EXPECT_TRUE(fut["fcm_trading_session_details"].is_object());

  const ojson& perp = by_id["ETH-PERP-INTX"];
  EXPECT_EQ(keys_of(perp), with_details);
  detail_keys = kFutureDetailKeys;
  detail_keys.push_back("perpetual_details");
  detail_keys.push_back("contract_display_name");
  EXPECT_EQ(keys_of(perp["future_product_details"]), detail_keys);
  EXPECT_TRUE(perp["future_product_details"]["contract_expiry"].is_null());
  EXPECT_EQ(perp["quote_currency_id"], "USDC");
}

TEST(CoinbaseSimRest, ProductsFilterByTypeAndExpiry) {
  auto sim = start_paused();
  ASSERT_TRUE(sim);
  const uint16_t port = sim->port();
  EXPECT_EQ(
      get_json(port, "/api/v3/brokerage/market/products?product_type=SPOT")["products"].size(), 2u);
  const ojson fut = get_json(port, "/api/v3/brokerage/market/products?product_type=FUTURE");
  EXPECT_EQ(fut["products"].size(), 2u);
  const ojson perp = get_json(
      port, "/api/v3/brokerage/market/products?product_type=FUTURE&contract_expiry_type=PERPETUAL");
  ASSERT_EQ(perp["products"].size(), 1u);
  EXPECT_EQ(perp["products"][0]["product_id"], "ETH-PERP-INTX");
  const ojson bad = get_json(port, "/api/v3/brokerage/market/products?product_type=NOPE", 400);
  EXPECT_EQ(keys_of(bad), (std::vector<std::string>{"error", "error_details", "message"}));
}

TEST(CoinbaseSimRest, ProductBookIsTheSimulatorsBook) {
  auto sim = start_paused();
  ASSERT_TRUE(sim);
  sim->step(20);
  const ojson doc =
      get_json(sim->port(), "/api/v3/brokerage/market/product_book?product_id=BTC-USD&limit=5");
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(keys_of(doc), (std::vector<std::string>{"pricebook", "last", "mid_market", "spread_bps",
                                                    "spread_absolute"}));
  const ojson& book = doc["pricebook"];
  EXPECT_EQ(keys_of(book), (std::vector<std::string>{"product_id", "bids", "asks", "time"}));
  EXPECT_EQ(book["product_id"], "BTC-USD");
  const auto view = sim->book("BTC-USD", 5);
  ASSERT_TRUE(view);
  ASSERT_EQ(book["bids"].size(), 5u);
  ASSERT_EQ(book["asks"].size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(keys_of(book["bids"][i]), (std::vector<std::string>{"price", "size"}));
    EXPECT_EQ(book["bids"][i]["price"], view->bids[i].first);
    EXPECT_EQ(book["bids"][i]["size"], view->bids[i].second);
    EXPECT_EQ(book["asks"][i]["price"], view->asks[i].first);
    EXPECT_EQ(book["asks"][i]["size"], view->asks[i].second);
  }
  // Advanced Trade trims trailing zeros ("21921.3" in the documented snapshot).
  for (const auto& side : {view->bids, view->asks})
    for (const auto& [p, q] : side) {
      EXPECT_NE(p.back(), '0') << p;
      EXPECT_NE(q.back(), '0') << q;
    }
  const ojson all =
      get_json(sim->port(), "/api/v3/brokerage/market/product_book?product_id=BTC-USD");
  EXPECT_EQ(all["pricebook"]["bids"].size(), sim->book("BTC-USD")->bids.size());
}

TEST(CoinbaseSimRest, ErrorsHaveTheVenuesShape) {
  ASTRA_REQUIRE_SHARED(
      recorded, "fixtures/coinbase/convert_create_quote_error_unsupported_account_recorded.json");
  auto sim = start_paused();
  ASSERT_TRUE(sim);
  const ojson real = read_json(recorded.string());
  const ojson unknown =
      get_json(sim->port(), "/api/v3/brokerage/market/product_book?product_id=NOPE-USD", 404);
  EXPECT_EQ(shape_problems(unknown, real), "");
  const ojson missing = get_json(sim->port(), "/api/v3/brokerage/market/product_book", 400);
  EXPECT_EQ(shape_problems(missing, real), "");
  auto res = http_get(sim->port(), "/api/v3/brokerage/nothing");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404u);
}

TEST(CoinbaseSimRest, UnknownProductIsRefusedAtStart) {
  coinbase::Options o;
  o.products = {"BTC-USD", "DOGE-JPY"};
  std::string error;
  EXPECT_FALSE(CoinbaseSim::start(o, error));
  EXPECT_NE(error.find("DOGE-JPY"), std::string::npos) << error;
}

}  // namespace
}  // namespace astra::sim::test
