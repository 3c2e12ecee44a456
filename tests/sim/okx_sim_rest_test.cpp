// The OKX simulator's REST answers against real OKX payloads.
#include "json_shape.hpp"
#include "test_client.hpp"

#include <astra/sim/okx/okx_sim.hpp>
#include <common/shared_dir.hpp>

#include <gtest/gtest.h>

namespace astra::sim::test {
namespace {

using okx::OkxSim;

std::unique_ptr<OkxSim> start_paused(okx::BookMode mode = okx::BookMode::legacy) {
  okx::Options o;
  o.seed = 3;
  o.start_paused = true;
  o.mode = mode;
  std::string error;
  auto sim = OkxSim::start(o, error);
  EXPECT_TRUE(sim) << error;
  return sim;
}

ojson get(uint16_t port, const std::string& target, unsigned status = 200) {
  auto res = http_get(port, target);
  EXPECT_TRUE(res.has_value()) << target;
  if (!res) return ojson();
  EXPECT_EQ(res->status, status) << target << ": " << res->body;
  return ojson::parse(res->body);
}

TEST(OkxSimRest, InstrumentsHaveTheRecordedShapeForSpotAndSwap) {
  ASTRA_REQUIRE_SHARED(spot_path, "fixtures/okx/instruments_spot_trimmed.json");
  ASTRA_REQUIRE_SHARED(swap_path, "fixtures/okx/instruments_swap_trimmed.json");
  auto sim = start_paused();
  ASSERT_TRUE(sim);
  const ojson spot = get(sim->port(), "/api/v5/public/instruments?instType=SPOT");
  EXPECT_EQ(shape_problems(spot, read_json(spot_path.string())), "");
  ASSERT_EQ(spot["data"].size(), 2u);
  EXPECT_EQ(spot["data"][0]["instId"], "BTC-USDT");
  EXPECT_EQ(spot["data"][1]["instId"], "ETH-USDT");
  // The values OKX published for BTC-USDT.
  const ojson real_spot = read_json(spot_path.string());
  for (const char* key : {"baseCcy", "quoteCcy", "tickSz", "lotSz", "minSz", "state"})
    EXPECT_EQ(spot["data"][0][key], real_spot["data"][0][key]) << key;

  const ojson swap = get(sim->port(), "/api/v5/public/instruments?instType=SWAP");
  EXPECT_EQ(shape_problems(swap, read_json(swap_path.string())), "");
  ASSERT_EQ(swap["data"].size(), 1u);
  EXPECT_EQ(swap["data"][0]["instId"], "BTC-USDT-SWAP");
  const ojson real_swap = read_json(swap_path.string());
  bool compared = false;
  for (const auto& real : real_swap["data"]) {
    if (real["instId"] != "BTC-USDT-SWAP") continue;
    EXPECT_EQ(swap["data"][0], real) << "BTC-USDT-SWAP as OKX published it";
    compared = true;
  }
  EXPECT_TRUE(compared);
}

TEST(OkxSimRest, OtherFamiliesAnswerEmptyListsAndBadParametersGetOkxErrors) {
  auto sim = start_paused();
  ASSERT_TRUE(sim);
  const ojson futures = get(sim->port(), "/api/v5/public/instruments?instType=FUTURES");
  EXPECT_EQ(futures["code"], "0");
  EXPECT_TRUE(futures["data"].is_array() && futures["data"].empty());
  const ojson options = get(sim->port(), "/api/v5/public/instruments?instType=OPTION&uly=BTC-USD");
  EXPECT_EQ(options["code"], "0");
  EXPECT_TRUE(options["data"].empty());
  EXPECT_EQ(get(sim->port(), "/api/v5/public/instruments?instType=OPTION", 400)["code"], "50014");
  EXPECT_EQ(get(sim->port(), "/api/v5/public/instruments", 400)["code"], "50014");
  EXPECT_EQ(get(sim->port(), "/api/v5/public/instruments?instType=NOPE", 400)["code"], "51000");
  EXPECT_EQ(get(sim->port(), "/api/v5/market/books?instId=NOPE-USDT&sz=5", 400)["code"], "51001");
  EXPECT_EQ(get(sim->port(), "/api/v5/market/books?sz=5", 400)["code"], "50014");
  EXPECT_EQ(get(sim->port(), "/api/v5/market/books?instId=BTC-USDT&sz=x", 400)["code"], "51000");
}

TEST(OkxSimRest, BooksAnswerIsTheSimulatorBookWithItsSeqId) {
  ASTRA_REQUIRE_SHARED(ws_path, "fixtures/okx/ws_books_BTC-USDT_snapshot_plus_updates.jsonl");
  auto sim = start_paused();
  ASSERT_TRUE(sim);
  sim->step(5);
  const ojson answer = get(sim->port(), "/api/v5/market/books?instId=BTC-USDT&sz=400");
  ASSERT_EQ(answer["code"], "0");
  const ojson& d = answer["data"][0];
  const auto view = sim->book("BTC-USDT");
  ASSERT_TRUE(view);
  EXPECT_EQ(d["seqId"].get<int64_t>(), view->seq_id);
  ASSERT_EQ(d["bids"].size(), view->bids.size());
  for (size_t i = 0; i < view->bids.size(); ++i) {
    EXPECT_EQ(d["bids"][i][0], view->bids[i].first);
    EXPECT_EQ(d["bids"][i][1], view->bids[i].second);
  }
  ASSERT_EQ(d["asks"].size(), view->asks.size());
  // Levels and ts as in the recorded WebSocket snapshot (no REST books recording exists).
  std::ifstream in(ws_path);
  std::string line;
  std::getline(in, line);  // the ack
  std::getline(in, line);
  const ojson real = ojson::parse(line)["data"][0];
  EXPECT_EQ(shape_problems(d["bids"], real["bids"]), "");
  EXPECT_EQ(shape_problems(d["asks"], real["asks"]), "");
  EXPECT_EQ(shape_problems(d["ts"], real["ts"]), "");
  // sz limits the depth; default 1.
  const ojson five = get(sim->port(), "/api/v5/market/books?instId=BTC-USDT&sz=5");
  EXPECT_EQ(five["data"][0]["bids"].size(), 5u);
  const ojson one = get(sim->port(), "/api/v5/market/books?instId=ETH-USDT");
  EXPECT_EQ(one["data"][0]["asks"].size(), 1u);
}

TEST(OkxSimRest, UnknownInstrumentIsRefusedAtStart) {
  okx::Options o;
  o.inst_ids = {"DOGE-EUR"};
  std::string error;
  EXPECT_FALSE(OkxSim::start(o, error));
  EXPECT_NE(error.find("DOGE-EUR"), std::string::npos) << error;
}

}  // namespace
}  // namespace astra::sim::test
