// The Coinbase simulator's Exchange feed against the recorded Exchange traffic
// (shared/fixtures/coinbase/exchange_*): products, level2 snapshot + l2update, matches whose
// `side` is the maker's, subscriptions acks.
#include "json_shape.hpp"
#include "test_client.hpp"

#include <astra/sim/coinbase/coinbase_sim.hpp>
#include <common/shared_dir.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <map>

namespace astra::sim::test {
namespace {

using coinbase::CoinbaseSim;
using Levels = std::map<std::string, std::string>;

std::unique_ptr<CoinbaseSim> start_exchange(uint64_t seed = 31) {
  coinbase::Options o;
  o.feed = coinbase::Feed::exchange;
  o.products = {"BTC-USD", "ETH-USD"};
  o.seed = seed;
  o.start_paused = true;
  std::string error;
  auto sim = CoinbaseSim::start(o, error);
  EXPECT_TRUE(sim) << error;
  return sim;
}

std::string request(const char* type, const char* channel, const char* product) {
  ojson j;
  j["type"] = type;
  j["product_ids"] = {product};
  j["channels"] = {channel};
  return j.dump();
}

ojson jsonl_line(const std::filesystem::path& path, size_t index) {
  std::ifstream in(path);
  std::string line;
  for (size_t i = 0; i <= index && std::getline(in, line); ++i) {
  }
  return ojson::parse(line);
}

TEST(CoinbaseSimExchange, FuturesAreNotExchangeProducts) {
  coinbase::Options o;
  o.feed = coinbase::Feed::exchange;  // the default product list has futures
  std::string error;
  EXPECT_FALSE(CoinbaseSim::start(o, error));
  EXPECT_NE(error.find("spot only"), std::string::npos) << error;
}

TEST(CoinbaseSimExchange, ProductsAndBookHaveTheRecordedShapes) {
  ASTRA_REQUIRE_SHARED(products, "fixtures/coinbase/exchange_products.json");
  auto sim = start_exchange();
  ASSERT_TRUE(sim);
  auto res = http_get(sim->port(), "/products");
  ASSERT_TRUE(res && res->status == 200);
  const ojson list = ojson::parse(res->body);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(shape_problems(list, read_json(products.string())), "");
  EXPECT_EQ(list[0]["id"], "BTC-USD");
  EXPECT_EQ(list[0]["base_min_size"], "0.0001") << "the recorded BTC-USD rules";

  res = http_get(sim->port(), "/products/ETH-USD/book?level=2");
  ASSERT_TRUE(res && res->status == 200) << (res ? res->body : "");
  const ojson book = ojson::parse(res->body);
  const auto view = sim->book("ETH-USD");
  ASSERT_EQ(book["bids"].size(), view->bids.size());
  EXPECT_EQ(book["bids"][0][0], view->bids[0].first);
  EXPECT_EQ(book["asks"][0][1], view->asks[0].second);
  EXPECT_TRUE(book["sequence"].is_number_unsigned());
  res = http_get(sim->port(), "/products/ETH-USD/book?level=7");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400u);
}

TEST(CoinbaseSimExchange, FeedFramesHaveTheRecordedShapesAndRebuildTheBook) {
  ASTRA_REQUIRE_SHARED(snapshot_real, "fixtures/coinbase/exchange_ws_level2_snapshot.json");
  ASTRA_REQUIRE_SHARED(update_real, "fixtures/coinbase/exchange_ws_l2update.json");
  ASTRA_REQUIRE_SHARED(match_real, "fixtures/coinbase/exchange_ws_match.json");
  ASTRA_REQUIRE_SHARED(control, "fixtures/coinbase/exchange_ws_control.jsonl");
  auto sim = start_exchange();
  ASSERT_TRUE(sim);
  sim->step(20);  // a last_match exists
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/"));
  ASSERT_TRUE(ws.send(request("subscribe", "level2_batch", "BTC-USD")));
  ASSERT_TRUE(ws.send(request("subscribe", "matches", "BTC-USD")));
  sim->step(60);
  ASSERT_TRUE(ws.send(request("unsubscribe", "matches", "ETH-USD")));  // barrier: a 3rd ack
  Levels bids, asks;
  std::map<std::string, int> kinds;
  int acks = 0;
  bool have_snapshot = false;
  const ojson snap_model = read_json(snapshot_real.string());
  const ojson update_model = read_json(update_real.string());
  const ojson match_model = read_json(match_real.string());
  const ojson ack_model = jsonl_line(control, 3);
  for (int i = 0; i < 100000 && acks < 3; ++i) {
    auto text = ws.read();
    ASSERT_TRUE(text) << ws.last_error.message();
    const ojson f = ojson::parse(*text);
    const std::string type = f["type"];
    ++kinds[type];
    if (type == "subscriptions") {
      ++acks;
      EXPECT_EQ(shape_problems(f, ack_model), "") << f;
    } else if (type == "snapshot") {
      EXPECT_EQ(shape_problems(f, snap_model), "");
      have_snapshot = true;
      for (const auto& l : f["bids"])
        bids[l[0]] = l[1];
      for (const auto& l : f["asks"])
        asks[l[0]] = l[1];
    } else if (type == "l2update") {
      EXPECT_EQ(shape_problems(f, update_model), "") << f;
      ASSERT_TRUE(have_snapshot) << "an update before the snapshot";
      for (const auto& c : f["changes"]) {
        Levels& side = c[0] == "buy" ? bids : asks;
        const std::string qty = c[2];
        if (qty.find_first_not_of("0.") == std::string::npos)
          side.erase(c[1].get<std::string>());
        else
          side[c[1]] = qty;
      }
    } else if (type == "match" || type == "last_match") {
      EXPECT_EQ(shape_problems(f, match_model), "") << f;
      const auto truth = sim->trades("BTC-USD");
      const std::string id = std::to_string(f["trade_id"].get<uint64_t>());
      bool found = false;
      for (const auto& t : truth) {
        if (t.trade_id != id) continue;
        found = true;
        EXPECT_EQ(f["side"], t.taker_buys ? "sell" : "buy") << "side is the maker's: " << f;
        EXPECT_EQ(f["price"], t.price);
      }
      EXPECT_TRUE(found) << f;
    } else {
      ADD_FAILURE() << "unexpected " << f;
    }
  }
  EXPECT_EQ(kinds["snapshot"], 1);
  EXPECT_EQ(kinds["last_match"], 1);
  EXPECT_GT(kinds["l2update"], 30);
  EXPECT_GT(kinds["match"], 5);
  const auto view = sim->book("BTC-USD");
  EXPECT_EQ(bids, Levels(view->bids.begin(), view->bids.end()));
  EXPECT_EQ(asks, Levels(view->asks.begin(), view->asks.end()));
  for (const auto& [p, q] : view->bids) {
    EXPECT_EQ(p.size() - p.find('.'), 3u) << "quote_increment 0.01: two digits, kept: " << p;
    EXPECT_EQ(q.size() - q.find('.'), 9u) << "base_increment 0.00000001: eight digits: " << q;
  }
}

}  // namespace
}  // namespace astra::sim::test
