// Trades, garbage frames, subscription messages and the REST order book.
#include "binance_test_support.hpp"

namespace binance_test {
namespace {

TEST(BinanceTrades, TakerSideComesFromM) {
  ASTRA_REQUIRE_SHARED(f, "fixtures/binance/ws_usdm_aggtrade_first40.jsonl");
  FakeHost host(plugin().api());
  create_and_list(host, {"usdm"});
  ASSERT_EQ(host.subscribe("BINANCE-PERP-CTK-USDT", ASTRA_DATA_TRADES), ASTRA_OK);
  const uint64_t conn = host.connections().back().id;
  host.ws_open_ok(conn);
  EXPECT_EQ(subscribes_on(*host.connection(conn)).streams,
            std::vector<std::string>{"ctkusdt@aggTrade"});
  size_t expected = 0, sells = 0;
  std::vector<std::string> lines = read_lines(f);
  for (const auto& line : lines) {
    ASSERT_TRUE(host.ws_message(conn, line));
    const json d = json::parse(line)["data"];
    if (d["s"] != "CTKUSDT") continue;  // other symbols are not subscribed here
    ++expected;
    sells += d["m"].get<bool>();
  }
  ASSERT_EQ(host.trades().size(), expected);
  size_t seen_sells = 0;
  for (size_t i = 0, k = 0; i < lines.size(); ++i) {
    const json d = json::parse(lines[i])["data"];
    if (d["s"] != "CTKUSDT") continue;
    const auto& t = host.trades()[k++];
    ASSERT_EQ(t.trades.size(), 1u);
    EXPECT_EQ(t.market, "BINANCE-PERP-CTK-USDT");
    EXPECT_EQ(t.trades[0].taker_side,
              d["m"].get<bool>() ? uint32_t(ASTRA_SIDE_SELL) : uint32_t(ASTRA_SIDE_BUY));
    seen_sells += t.trades[0].taker_side == ASTRA_SIDE_SELL;
    EXPECT_EQ(astra::sdk::format_decimal(t.trades[0].price), d["p"].get<std::string>());
    EXPECT_EQ(astra::sdk::format_decimal(t.trades[0].quantity), d["q"].get<std::string>());
    EXPECT_EQ(t.trades[0].time_us, d["T"].get<int64_t>() * 1000);
    EXPECT_EQ(t.trades[0].trade_id, std::to_string(d["a"].get<uint64_t>()));
  }
  EXPECT_EQ(seen_sells, sells);
  EXPECT_EQ(sells, 3u);  // the recording has both sides: 3 of 18 CTKUSDT trades are sells
}

TEST(BinanceTrades, SpotAggTradeBuyerTaker) {
  ASTRA_REQUIRE_SHARED(f, "fixtures/binance/ws_spot_aggtrade.jsonl");
  FakeHost host(plugin().api());
  create_and_list(host, {"spot"});
  ASSERT_EQ(host.subscribe("BINANCE-SPOT-NKN-USDT", ASTRA_DATA_TRADES), ASTRA_OK);
  const uint64_t conn = host.connections().back().id;
  host.ws_open_ok(conn);
  for (const auto& line : read_lines(f))
    host.ws_message(conn, line);
  ASSERT_EQ(host.trades().size(), 1u);  // LRCBTC is not subscribed
  EXPECT_EQ(host.trades()[0].trades[0].taker_side, uint32_t(ASTRA_SIDE_BUY));  // "m":false
  EXPECT_EQ(astra::sdk::format_decimal(host.trades()[0].trades[0].price), "0.35280000");
}

TEST(BinanceFrames, GarbageIsCountedAndSurvived) {
  ASTRA_REQUIRE_SHARED(f, "fixtures/binance/ws_spot_depth_diff_NKNUSDT.jsonl");
  FakeHost host(plugin().api());
  create_and_list(host, {"spot"});
  ASSERT_EQ(host.subscribe("BINANCE-SPOT-NKN-USDT", ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  const uint64_t conn = host.connections().back().id;
  host.ws_open_ok(conn);
  const std::string real = read_lines(f)[1];
  std::vector<std::string> bad = {
      real.substr(0, real.size() / 2),     // truncated
      std::string("\x00\x01\x02\xff", 4),  // bytes
      R"({"stream":"nknusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"s":"NKNUSDT","U":"x","u":2,"b":[],"a":[]}})",
      R"({"stream":"nknusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"s":"NKNUSDT","U":1,"u":2,"b":[["abc","1"]],"a":[]}})",
      R"({"stream":"nknusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"s":"NKNUSDT","U":1,"u":2,"b":[[1,2]],"a":[]}})",
      R"({"stream":"nknusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"s":"NKNUSDT","U":5,"u":2,"b":[],"a":[]}})",
      R"({"stream":"nknusdt@aggTrade","data":{"e":"aggTrade","s":"NKNUSDT","a":1,"p":"1","q":"1","T":1,"m":"yes"}})",
      R"({"stream":"x","data":7})",
      "[1,2,3]",
  };
  for (const auto& frame : bad)
    ASSERT_TRUE(host.ws_message(conn, frame));
  EXPECT_EQ(host.counter(ASTRA_COUNT_BAD_FRAME), bad.size());
  EXPECT_TRUE(host.books().empty());
  EXPECT_TRUE(host.pending_requests("/depth").empty()) << "garbage never starts a sync";
  for (const auto& l : host.logs())
    EXPECT_EQ(l.message.find("exception"), std::string::npos) << l.message;
  // Still working: a real diff starts the sync.
  ASSERT_TRUE(host.ws_message(conn, real));
  EXPECT_EQ(host.pending_requests("/api/v3/depth").size(), 1u);
}

TEST(BinanceSubscriptions, PacedBatchedAndUnsubscribed) {
  ASTRA_REQUIRE_SHARED(f, "fixtures/binance/exchange_info_spot_trimmed.json");
  FakeHost host(plugin().api());
  create_and_list(host, {"spot"});
  const std::vector<std::string> markets = {"BINANCE-SPOT-NKN-USDT", "BINANCE-SPOT-ETH-BTC",
                                            "BINANCE-SPOT-BTC-USDT", "BINANCE-SPOT-LRC-BTC"};
  ASSERT_EQ(host.subscribe(markets[0], ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  const uint64_t conn = host.connections().back().id;
  ASSERT_TRUE(host.ws_open_ok(conn));
  EXPECT_EQ(host.connection(conn)->sent.size(), 1u);
  for (size_t i = 1; i < markets.size(); ++i) {
    ASSERT_EQ(host.subscribe(markets[i], ASTRA_DATA_ORDERBOOK), ASTRA_OK);
    ASSERT_EQ(host.subscribe(markets[i], ASTRA_DATA_TRADES), ASTRA_OK);
  }
  EXPECT_EQ(host.connections().size(), 1u) << "one connection per family";
  EXPECT_EQ(host.connection(conn)->sent.size(), 1u)
      << "spot allows 5 messages/s (pongs included): at most 3 in any second";
  host.advance(349);
  EXPECT_EQ(host.connection(conn)->sent.size(), 1u);
  host.advance(1);
  ASSERT_EQ(host.connection(conn)->sent.size(), 2u);
  const json second = json::parse(host.connection(conn)->sent[1]);
  EXPECT_EQ(second["method"], "SUBSCRIBE");
  EXPECT_EQ(second["params"].size(), 6u) << "queued streams go out batched";
  EXPECT_NE(second["id"], json::parse(host.connection(conn)->sent[0])["id"]);
  host.advance(10'000);
  EXPECT_EQ(host.connection(conn)->sent.size(), 2u);

  EXPECT_EQ(host.unsubscribe(markets[1], ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  const json unsub = json::parse(host.connection(conn)->sent.back());
  EXPECT_EQ(unsub["method"], "UNSUBSCRIBE");
  EXPECT_EQ(unsub["params"], json::array({"ethbtc@depth@100ms"}));
  EXPECT_EQ(host.subscribe("BINANCE-SPOT-NOPE-USDT", ASTRA_DATA_ORDERBOOK), ASTRA_E_NOT_FOUND);
  EXPECT_EQ(host.subscribe(markets[0], 99), ASTRA_E_UNIMPLEMENTED);
}

TEST(BinanceSubscriptions, UnknownBeforeListing) {
  FakeHost host(plugin().api());
  ASSERT_EQ(host.create(config({"spot"})), ASTRA_OK);
  EXPECT_EQ(host.subscribe("BINANCE-SPOT-BTC-USDT", ASTRA_DATA_ORDERBOOK), ASTRA_E_NOT_FOUND);
  EXPECT_TRUE(host.connections().empty());
}

TEST(BinanceOrderBook, RestSnapshotAsStrings) {
  ASTRA_REQUIRE_SHARED(f, "fixtures/binance/usdm_depth_snapshot_SUSHIUSDT_limit1000.json");
  FakeHost host(plugin().api());
  create_and_list(host, {"usdm"});
  ASSERT_EQ(host.get_orderbook(5, "BINANCE-PERP-SUSHI-USDT", 7), ASTRA_OK);
  const auto pending = host.pending_requests("/fapi/v1/depth");
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0]->url, "http://127.0.0.1:18081/fapi/v1/depth?symbol=SUSHIUSDT&limit=10");
  EXPECT_EQ(pending[0]->weight, 2u);
  host.respond(pending[0]->token, 200, read_file(f));
  ASSERT_EQ(host.completions_of(5).size(), 1u);
  const json book = json::parse(host.completions_of(5)[0]->json);
  EXPECT_EQ(book["market"], "BINANCE-PERP-SUSHI-USDT");
  EXPECT_EQ(book["updateId"], 600859605926u);
  ASSERT_EQ(book["bids"].size(), 7u);
  EXPECT_EQ(book["bids"][0], json::array({"7.6110", "6"}));
  EXPECT_TRUE(book["asks"][0][0].is_string());

  ASSERT_EQ(host.get_orderbook(6, "BINANCE-PERP-SUSHI-USDT"), ASTRA_OK);
  host.respond(host.pending_requests("/fapi/v1/depth")[0]->token, 400,
               R"({"code":-1121,"msg":"Invalid symbol."})");
  ASSERT_EQ(host.completions_of(6).size(), 1u);
  EXPECT_EQ(host.completions_of(6)[0]->status, ASTRA_E_NOT_FOUND);
  EXPECT_EQ(json::parse(host.completions_of(6)[0]->json)["code"], "unknown_market");
  EXPECT_EQ(host.get_orderbook(7, "BINANCE-PERP-NOPE-USDT"), ASTRA_E_NOT_FOUND);
}

}  // namespace
}  // namespace binance_test
