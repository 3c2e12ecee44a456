// The Kraken simulator's REST answers against real Kraken payloads, and its checksum against
// Kraken's official and recorded vectors.
#include "json_shape.hpp"
#include "test_client.hpp"

#include <astra/sim/kraken/kraken_sim.hpp>
#include <common/shared_dir.hpp>

#include <gtest/gtest.h>

namespace astra::sim::test {
namespace {

using kraken::KrakenSim;

std::unique_ptr<KrakenSim> start_paused() {
  kraken::Options o;
  o.symbols = {"XBT/USD", "ETH/USD", "PF_XBTUSD", "PI_XBTUSD"};
  o.seed = 9;
  o.start_paused = true;
  std::string error;
  auto sim = KrakenSim::start(o, error);
  EXPECT_TRUE(sim) << error;
  return sim;
}

ojson get_json(uint16_t port, const std::string& target) {
  auto res = http_get(port, target);
  EXPECT_TRUE(res && res->status == 200) << target;
  return res ? ojson::parse(res->body) : ojson();
}

TEST(KrakenSimChecksum, MatchesKrakensOfficialAndRecordedVectors) {
  ASTRA_REQUIRE_SHARED(path, "fixtures/kraken/checksum_vectors.json");
  const ojson vectors = read_json(path);
  using Levels = std::vector<std::pair<std::string, std::string>>;
  auto levels = [](const ojson& rows) {
    Levels out;
    for (const auto& r : rows)
      out.emplace_back(r[0].get<std::string>(), r[1].get<std::string>());
    return out;
  };
  const ojson& btc = vectors["official_v2"][0];
  EXPECT_EQ(kraken::book_checksum(levels(btc["bids_high_to_low"]), levels(btc["asks_low_to_high"])),
            btc["expected_checksum"].get<uint32_t>());
  // The MATIC vector holds the JSON numbers as sent ("0.566"): padded to the pair's precision
  // first, as the simulator writes its texts.
  const ojson& matic = vectors["official_v2"][1];
  auto padded = [&](const ojson& rows) {
    Levels out;
    for (const auto& [p, q] : levels(rows)) {
      auto pad = [](std::string t, int decimals) {
        const size_t dot = t.find('.');
        const size_t have = dot == std::string::npos ? 0 : t.size() - dot - 1;
        if (dot == std::string::npos) t += '.';
        return t + std::string(static_cast<size_t>(decimals) - have, '0');
      };
      out.emplace_back(pad(p, matic["price_precision"].get<int>()),
                       pad(q, matic["qty_precision"].get<int>()));
    }
    return out;
  };
  EXPECT_EQ(
      kraken::book_checksum(padded(matic["bids_high_to_low"]), padded(matic["asks_low_to_high"])),
      matic["expected_checksum"].get<uint32_t>());
  int recorded = 0;
  for (const auto& v : vectors["recorded_v1"]) {
    EXPECT_EQ(kraken::book_checksum(levels(v["top10_bids_high_to_low"]),
                                    levels(v["top10_asks_low_to_high"])),
              std::stoul(v["expected_checksum_from_kraken"].get<std::string>()))
        << v["pair"];
    ++recorded;
  }
  EXPECT_GE(recorded, 10);
}

TEST(KrakenSimRest, AssetPairsHasTheRecordedShapeAndPrecisions) {
  ASTRA_REQUIRE_SHARED(path, "fixtures/kraken/asset_pairs.json");
  const ojson real = read_json(path);
  auto sim = start_paused();
  ASSERT_TRUE(sim);
  const ojson pairs = get_json(sim->port(), "/0/public/AssetPairs");
  ASSERT_TRUE(pairs.contains("result"));
  EXPECT_EQ(pairs["error"], ojson::array());
  ASSERT_EQ(pairs["result"].size(), 2u);
  for (const char* key : {"XXBTZUSD", "XETHZUSD"}) {
    ASSERT_TRUE(pairs["result"].contains(key)) << key;
    // Fee tables are [volume, percent] pairs of mixed types: compared whole.
    ojson sim_row = pairs["result"][key], real_row = real["result"][key];
    for (const char* fees : {"fees", "fees_maker"}) {
      EXPECT_EQ(sim_row[fees], real_row[fees]) << key << " " << fees;
      sim_row.erase(fees);
      real_row.erase(fees);
    }
    EXPECT_EQ(shape_problems(sim_row, real_row), "") << key;
    // The recorded values that decide what the plugin computes (names, decimals).
    for (const char* field :
         {"altname", "wsname", "base", "quote", "pair_decimals", "lot_decimals", "ordermin"})
      EXPECT_EQ(pairs["result"][key][field], real["result"][key][field]) << key << " " << field;
  }
  const ojson one = get_json(sim->port(), "/0/public/AssetPairs?pair=XBTUSD");
  EXPECT_EQ(one["result"].size(), 1u);
  const ojson bad = get_json(sim->port(), "/0/public/AssetPairs?pair=NOPEUSD");
  EXPECT_EQ(bad["error"][0], "EQuery:Unknown asset pair");
}

TEST(KrakenSimRest, DepthHasTheDocumentedShapeAndTheSimulatorsBook) {
  ASTRA_REQUIRE_SHARED(path, "fixtures/kraken/depth_response_doc.json");
  const ojson real = read_json(path);
  auto sim = start_paused();
  ASSERT_TRUE(sim);
  sim->step(20);
  const ojson depth = get_json(sim->port(), "/0/public/Depth?pair=XBTUSD&count=10");
  // Levels are [price string, volume string, integer time]: mixed types, checked one by one.
  ojson outline = depth, real_outline = real;
  for (const char* side : {"asks", "bids"}) {
    for (const auto& l : depth["result"]["XXBTZUSD"][side]) {
      ASSERT_EQ(l.size(), 3u);
      EXPECT_TRUE(l[0].is_string() && l[1].is_string() && l[2].is_number_integer()) << l;
    }
    outline["result"]["XXBTZUSD"][side] = ojson::array();
    real_outline["result"]["XXBTZUSD"][side] = ojson::array();
  }
  EXPECT_EQ(shape_problems(outline, real_outline), "");
  const auto book = sim->book("XBT/USD", 10);
  ASSERT_TRUE(book);
  const ojson& asks = depth["result"]["XXBTZUSD"]["asks"];
  ASSERT_EQ(asks.size(), 10u);
  ASSERT_EQ(book->asks.size(), 10u);
  for (size_t i = 0; i < 10; ++i) {
    // REST writes XBT prices with five decimals ("56218.30000"), the WS v2 text with one.
    EXPECT_EQ(asks[i][0].get<std::string>(), book->asks[i].first + "0000");
    EXPECT_EQ(asks[i][1].get<std::string>(), book->asks[i].second);
  }
  const ojson bad = get_json(sim->port(), "/0/public/Depth?pair=NOPE");
  EXPECT_EQ(bad["error"][0], "EQuery:Unknown asset pair");
}

TEST(KrakenSimRest, FuturesInstrumentsHaveTheRecordedShape) {
  ASTRA_REQUIRE_SHARED(path, "fixtures/kraken/futures_instruments.json");
  const ojson real = read_json(path);
  auto sim = start_paused();
  ASSERT_TRUE(sim);
  ojson doc = get_json(sim->port(), "/derivatives/api/v3/instruments");
  ASSERT_EQ(doc["result"], "success");
  ASSERT_EQ(doc["instruments"].size(), 2u);
  const ojson& real_pi = real["instruments"][0];
  ASSERT_EQ(real_pi["symbol"], "pi_xbtusd");
  bool saw_pi = false, saw_pf = false;
  for (ojson row : doc["instruments"]) {
    if (row["symbol"] == "pi_xbtusd") {
      saw_pi = true;
      EXPECT_EQ(shape_problems(row, real_pi), "");
      EXPECT_EQ(row, real_pi) << "PI_XBTUSD is the recorded row";
    } else {
      saw_pf = true;
      EXPECT_EQ(row["symbol"], "pf_xbtusd");
      EXPECT_EQ(row["type"], "flexible_futures");
      EXPECT_EQ(row["contractValueTradePrecision"], 4);
      // Otherwise the recorded PI_XBTUSD row's fields, minus its ISIN.
      row.erase("contractValueTradePrecision");
      ojson model = real_pi;
      model.erase("isin");
      EXPECT_EQ(shape_problems(row, model), "");
    }
  }
  EXPECT_TRUE(saw_pi && saw_pf);
  doc.erase("instruments");
  ojson real_top = real;
  real_top.erase("instruments");
  EXPECT_EQ(shape_problems(doc, real_top), "");
}

TEST(KrakenSimRest, FuturesOrderbookIsTheWholeBookAsNumbers) {
  auto sim = start_paused();
  ASSERT_TRUE(sim);
  sim->step(10);
  auto res = http_get(sim->port(), "/derivatives/api/v3/orderbook?symbol=PF_XBTUSD");
  ASSERT_TRUE(res && res->status == 200);
  const auto book = sim->book("PF_XBTUSD");
  ASSERT_TRUE(book);
  // Number tokens exactly as the book's text: the first bid appears verbatim.
  const std::string first_bid = "[" + book->bids[0].first + "," + book->bids[0].second + "]";
  EXPECT_NE(res->body.find("\"bids\":[" + first_bid), std::string::npos)
      << res->body.substr(0, 300);
  const ojson doc = ojson::parse(res->body);
  EXPECT_EQ(doc["result"], "success");
  EXPECT_EQ(doc["orderBook"]["bids"].size(), book->bids.size());
  EXPECT_EQ(doc["orderBook"]["asks"].size(), book->asks.size());
  const ojson bad = get_json(sim->port(), "/derivatives/api/v3/orderbook?symbol=PF_NOPE");
  EXPECT_EQ(bad["result"], "error");
}

TEST(KrakenSimRest, UnknownSymbolsAreRefused) {
  kraken::Options o;
  o.symbols = {"DOGE/JPY"};
  std::string error;
  EXPECT_FALSE(KrakenSim::start(o, error));
  EXPECT_NE(error.find("unknown symbol"), std::string::npos);
  auto sim = start_paused();
  ASSERT_TRUE(sim);
  EXPECT_FALSE(sim->book("NOPE"));
  EXPECT_FALSE(sim->corrupt_next_checksum("PF_XBTUSD")) << "a futures product has no checksum";
  EXPECT_FALSE(sim->drop_next_update("XBT/USD")) << "spot books have no seq";
  EXPECT_TRUE(sim->corrupt_next_checksum("BTC/USD"));
  EXPECT_TRUE(sim->drop_next_update("PF_XBTUSD"));
}

}  // namespace
}  // namespace astra::sim::test
