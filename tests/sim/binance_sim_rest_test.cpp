// The Binance simulator's REST answers against real Binance payloads from shared/fixtures.
#include "json_shape.hpp"
#include "test_client.hpp"

#include <astra/sim/binance/binance_sim.hpp>
#include <common/shared_dir.hpp>

#include <gtest/gtest.h>

namespace astra::sim::test {
namespace {

using binance::BinanceSim;

std::unique_ptr<BinanceSim> start_paused(std::vector<std::string> symbols) {
  binance::Options options;
  options.symbols = std::move(symbols);
  options.start_paused = true;
  options.seed = 11;
  std::string error;
  auto sim = BinanceSim::start(options, error);
  EXPECT_TRUE(sim) << error;
  return sim;
}

ojson get_json(uint16_t port, const std::string& target, unsigned expected_status = 200) {
  auto res = http_get(port, target);
  EXPECT_TRUE(res) << target;
  if (!res) return ojson();
  EXPECT_EQ(res->status, expected_status) << target << ": " << res->body;
  EXPECT_FALSE(res->weight_header.empty()) << "no X-MBX-USED-WEIGHT-1M on " << target;
  return ojson::parse(res->body, nullptr, false);
}

const ojson* find_symbol(const ojson& info, const std::string& name) {
  for (const auto& s : info["symbols"])
    if (s["symbol"] == name) return &s;
  return nullptr;
}

TEST(BinanceSimRest, ExchangeInfoHasTheRecordedShapeAndRules) {
  ASTRA_REQUIRE_SHARED(real_path, "fixtures/binance/exchange_info_spot_trimmed.json");
  const ojson real = read_json(real_path);
  auto sim = start_paused({"BTCUSDT", "NKNUSDT", "ETHUSDT"});
  ASSERT_TRUE(sim);
  const ojson info = get_json(sim->port(), "/api/v3/exchangeInfo");
  ASSERT_TRUE(info.is_object());
  EXPECT_EQ(shape_problems(info, real), "");
  ASSERT_EQ(info["symbols"].size(), 3u);
  // The symbols the recording has are served with exactly its trading rules.
  for (const std::string name : {"BTCUSDT", "NKNUSDT"}) {
    const ojson* mine = find_symbol(info, name);
    const ojson* theirs = find_symbol(real, name);
    ASSERT_TRUE(mine && theirs) << name;
    EXPECT_EQ(*mine, *theirs) << name;
  }
  // Every decimal rule is a string with 8 fractional digits, as spot sends them.
  for (const auto& s : info["symbols"]) {
    for (const auto& f : s["filters"])
      for (const char* key :
           {"minPrice", "maxPrice", "tickSize", "minQty", "maxQty", "stepSize", "minNotional"})
        if (f.contains(key)) {
          EXPECT_TRUE(has_digits(f[key], 8)) << s["symbol"] << " " << key;
        }
  }
}

TEST(BinanceSimRest, ExchangeInfoFiltersBySymbol) {
  auto sim = start_paused({"BTCUSDT", "ETHUSDT"});
  ASSERT_TRUE(sim);
  const ojson one = get_json(sim->port(), "/api/v3/exchangeInfo?symbol=ETHUSDT");
  ASSERT_EQ(one["symbols"].size(), 1u);
  EXPECT_EQ(one["symbols"][0]["symbol"], "ETHUSDT");
  const ojson two =
      get_json(sim->port(), "/api/v3/exchangeInfo?symbols=%5B%22ETHUSDT%22,%22BTCUSDT%22%5D");
  ASSERT_EQ(two["symbols"].size(), 2u);
  const ojson bad = get_json(sim->port(), "/api/v3/exchangeInfo?symbol=NOPE", 400);
  EXPECT_EQ(bad, ojson::parse(R"({"code":-1121,"msg":"Invalid symbol."})"));
  const ojson malformed = get_json(sim->port(), "/api/v3/exchangeInfo?symbols=BTCUSDT", 400);
  EXPECT_EQ(malformed["code"], -1100);
}

TEST(BinanceSimRest, DepthSnapshotHasTheRecordedShape) {
  ASTRA_REQUIRE_SHARED(recorded, "fixtures/binance/spot_depth_snapshot_NKNUSDT_limit1000.json");
  ASTRA_REQUIRE_SHARED(documented, "fixtures/binance/docs_rest_spot_depth_response.json");
  auto sim = start_paused({"NKNUSDT"});
  ASSERT_TRUE(sim);
  sim->step(20);
  const ojson depth = get_json(sim->port(), "/api/v3/depth?symbol=NKNUSDT&limit=1000");
  ASSERT_TRUE(depth.is_object());
  EXPECT_EQ(shape_problems(depth, read_json(recorded)), "");
  EXPECT_EQ(shape_problems(depth, read_json(documented)), "");

  const auto book = sim->book("NKNUSDT");
  ASSERT_TRUE(book);
  EXPECT_EQ(depth["lastUpdateId"].get<uint64_t>(), book->last_update_id);
  ASSERT_EQ(depth["bids"].size(), book->bids.size());
  ASSERT_EQ(depth["asks"].size(), book->asks.size());
  for (size_t i = 0; i < book->bids.size(); ++i) {
    EXPECT_EQ(depth["bids"][i][0], book->bids[i].first);
    EXPECT_EQ(depth["bids"][i][1], book->bids[i].second);
  }
  // Sorted best first, not crossed, 8-digit decimal strings.
  for (const char* side : {"bids", "asks"}) {
    const auto& levels = depth[side];
    for (size_t i = 0; i < levels.size(); ++i) {
      EXPECT_TRUE(has_digits(levels[i][0], 8)) << levels[i];
      EXPECT_TRUE(has_digits(levels[i][1], 8)) << levels[i];
      if (i == 0) continue;
      const double prev = std::stod(levels[i - 1][0].get<std::string>());
      const double cur = std::stod(levels[i][0].get<std::string>());
      if (std::string(side) == "bids")
        EXPECT_GT(prev, cur);
      else
        EXPECT_LT(prev, cur);
    }
  }
  EXPECT_LT(std::stod(depth["bids"][0][0].get<std::string>()),
            std::stod(depth["asks"][0][0].get<std::string>()));
}

TEST(BinanceSimRest, DepthLimitAndWeight) {
  auto sim = start_paused({"BTCUSDT"});
  ASSERT_TRUE(sim);
  const ojson top5 = get_json(sim->port(), "/api/v3/depth?symbol=BTCUSDT&limit=5");
  EXPECT_EQ(top5["bids"].size(), 5u);
  EXPECT_EQ(top5["asks"].size(), 5u);
  const ojson dflt = get_json(sim->port(), "/api/v3/depth?symbol=BTCUSDT");
  EXPECT_LE(dflt["bids"].size(), 100u);

  auto a = http_get(sim->port(), "/api/v3/depth?symbol=BTCUSDT&limit=5");
  auto b = http_get(sim->port(), "/api/v3/depth?symbol=BTCUSDT&limit=1000");
  ASSERT_TRUE(a && b);
  // Limit 1-100 weighs 5, 501-1000 weighs 50 (rest-api.md); the header is the minute's total.
  EXPECT_EQ(std::stoi(b->weight_header) - std::stoi(a->weight_header), 50);
}

TEST(BinanceSimRest, ErrorsHaveBinancesForm) {
  ASTRA_REQUIRE_SHARED(real_path, "fixtures/binance/docs_rest_error_response.json");
  auto sim = start_paused({"BTCUSDT"});
  ASSERT_TRUE(sim);
  const ojson invalid = get_json(sim->port(), "/api/v3/depth?symbol=NOPE", 400);
  EXPECT_EQ(invalid, read_json(real_path));
  const ojson missing = get_json(sim->port(), "/api/v3/depth", 400);
  EXPECT_EQ(shape_problems(missing, read_json(real_path)), "");
  EXPECT_EQ(missing["code"], -1102);
  const ojson bad_limit = get_json(sim->port(), "/api/v3/depth?symbol=BTCUSDT&limit=x", 400);
  EXPECT_EQ(bad_limit["code"], -1100);
  auto unknown = http_get(sim->port(), "/api/v3/nothing");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404u);
}

TEST(BinanceSimRest, RequestWeightLimitAnswers429) {
  binance::Options options;
  options.symbols = {"BTCUSDT"};
  options.start_paused = true;
  options.weight_limit = 12;
  std::string error;
  auto sim = BinanceSim::start(options, error);
  ASSERT_TRUE(sim) << error;
  EXPECT_EQ(http_get(sim->port(), "/api/v3/depth?symbol=BTCUSDT")->status, 200u);  // 5
  EXPECT_EQ(http_get(sim->port(), "/api/v3/depth?symbol=BTCUSDT")->status, 200u);  // 10
  auto over = http_get(sim->port(), "/api/v3/depth?symbol=BTCUSDT");               // 15 > 12
  ASSERT_TRUE(over);
  if (over->weight_header == "5") GTEST_SKIP() << "the minute turned over during the test";
  EXPECT_EQ(over->status, 429u);
  EXPECT_EQ(ojson::parse(over->body)["code"], -1003);
}

TEST(BinanceSimRest, SendingAfterA429GetsA418BanWithALongerRetryAfter) {
  binance::Options options;
  options.symbols = {"BTCUSDT"};
  options.start_paused = true;
  options.weight_limit = 12;
  options.ban_duration = std::chrono::seconds(300);
  std::string error;
  auto sim = BinanceSim::start(options, error);
  ASSERT_TRUE(sim) << error;
  EXPECT_EQ(http_get(sim->port(), "/api/v3/depth?symbol=BTCUSDT")->status, 200u);  // 5
  EXPECT_EQ(http_get(sim->port(), "/api/v3/depth?symbol=BTCUSDT")->status, 200u);  // 10
  auto limited = http_get(sim->port(), "/api/v3/depth?symbol=BTCUSDT");            // 15 > 12
  ASSERT_TRUE(limited);
  if (limited->weight_header == "5") GTEST_SKIP() << "the minute turned over during the test";
  ASSERT_EQ(limited->status, 429u);
  const int retry_429 = std::stoi(limited->retry_after);
  EXPECT_GE(retry_429, 1);
  EXPECT_LE(retry_429, 60);
  for (int i = 0; i < 2; ++i) {  // still sending before the Retry-After has passed
    auto ban = http_get(sim->port(), "/api/v3/ping");
    ASSERT_TRUE(ban);
    EXPECT_EQ(ban->status, 418u);
    EXPECT_EQ(ojson::parse(ban->body)["code"], -1003);
    const int retry_418 = std::stoi(ban->retry_after);
    EXPECT_GT(retry_418, retry_429);
    EXPECT_GE(retry_418, 299);
    EXPECT_LE(retry_418, 300);
  }
}

TEST(BinanceSimRest, StartRefusesUnknownSymbols) {
  binance::Options options;
  options.symbols = {"BTCUSDT", "DOGEMOON"};
  std::string error;
  EXPECT_FALSE(BinanceSim::start(options, error));
  EXPECT_NE(error.find("DOGEMOON"), std::string::npos);
  options.symbols = {"LDAAUSDT", "LDaZUSDT"};  // load symbols are upper case only
  EXPECT_FALSE(BinanceSim::start(options, error));
}

TEST(BinanceSimRest, ServesLoadSymbolsWithNknRules) {
  auto sim = start_paused({"LDAAUSDT", "LDZZUSDT", "NKNUSDT"});
  ASSERT_TRUE(sim);
  const ojson info = get_json(sim->port(), "/api/v3/exchangeInfo");
  ASSERT_EQ(info["symbols"].size(), 3u);
  const ojson* load = find_symbol(info, "LDZZUSDT");
  ASSERT_TRUE(load);
  EXPECT_EQ((*load)["baseAsset"], "LDZZ");
  EXPECT_EQ((*load)["filters"], (*find_symbol(info, "NKNUSDT"))["filters"]);
  sim->step(5);
  const ojson depth = get_json(sim->port(), "/api/v3/depth?symbol=LDAAUSDT&limit=100");
  EXPECT_FALSE(depth["bids"].empty());
}

}  // namespace
}  // namespace astra::sim::test
