// Advanced Trade market data: the documentation's example frames (level2 snapshot, market_trades,
// heartbeats) decoded, and through the plugin: one connection per book, sequence_num gaps
// resetting that product only, heartbeats subscribed, and trade sides.
//
// Coinbase publishes no recorded Advanced Trade stream (fixtures SOURCES.md, "Missing"): frames
// other than the doc fixtures are built here in the documented envelope shape, by editing the doc
// snapshot (sequence_num, type, product_id, updates).
#include "coinbase_test_support.hpp"

#include "frames.hpp"

namespace coinbase_test {
namespace {

using astra::coinbase::Feed;
using astra::coinbase::Frame;
using astra::coinbase::FrameDecoder;

const char* kProducts = R"({"products":[
 {"product_id":"BTC-USD","base_currency_id":"BTC","quote_currency_id":"USD","price_increment":"0.01",
  "base_increment":"0.00000001","base_min_size":"0.00000001","status":"online","product_type":"SPOT"},
 {"product_id":"ETH-USD","base_currency_id":"ETH","quote_currency_id":"USD","price_increment":"0.01",
  "base_increment":"0.00000001","base_min_size":"0.00000001","status":"online","product_type":"SPOT"}
]})";

void answer_advanced_markets(FakeHost& host) {
  for (const auto* r : host.pending_requests("/api/v3/brokerage/market/products"))
    host.respond(r->token, 200, kProducts);
}

class CoinbaseAdvanced : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto dir = shared("fixtures/coinbase");
    if (!std::filesystem::exists(dir / "advanced_ws_level2_snapshot_doc.json"))
      GTEST_SKIP() << "shared data not found under " << astra::test::shared_dir();
    snapshot_ = json::parse(read_file(dir / "advanced_ws_level2_snapshot_doc.json"));
    trades_ = json::parse(read_file(dir / "advanced_ws_market_trades_doc.json"));
    heartbeat_ = json::parse(read_file(dir / "advanced_ws_heartbeats_doc.json"));
  }

  // The doc snapshot re-numbered / re-targeted.
  std::string l2(uint64_t seq, const std::string& product, const std::string& type = "snapshot",
                 json updates = nullptr) const {
    json f = snapshot_;
    f["sequence_num"] = seq;
    f["events"][0]["product_id"] = product;
    f["events"][0]["type"] = type;
    if (!updates.is_null()) f["events"][0]["updates"] = updates;
    return f.dump();
  }
  static json one_update(const std::string& side, const std::string& price,
                         const std::string& qty) {
    return json::array({{{"side", side},
                         {"event_time", "2023-02-09T20:32:50.714964855Z"},
                         {"price_level", price},
                         {"new_quantity", qty}}});
  }

  json snapshot_, trades_, heartbeat_;
};

TEST_F(CoinbaseAdvanced, DocFramesDecode) {
  FrameDecoder decoder;
  Frame frame;
  ASSERT_EQ(decoder.decode(Feed::advanced, snapshot_.dump(), frame), Frame::Kind::book);
  EXPECT_TRUE(frame.has_seq);
  EXPECT_EQ(frame.seq, 0u);
  ASSERT_EQ(frame.book_count, 1u);
  EXPECT_EQ(frame.books[0].product, "BTC-USD");
  EXPECT_TRUE(frame.books[0].snapshot);
  ASSERT_EQ(frame.books[0].levels.size(), 2u);
  EXPECT_EQ(frame.books[0].time_us, 1675974770714964);  // 2023-02-09T20:32:50.714964855Z
  EXPECT_TRUE(frame.books[0].levels[0].bid);
  EXPECT_EQ(frame.books[0].levels[0].price, "21921.73");
  EXPECT_EQ(frame.books[0].levels[0].qty, "0.06317902");

  ASSERT_EQ(decoder.decode(Feed::advanced, trades_.dump(), frame), Frame::Kind::trades);
  ASSERT_EQ(frame.trades.size(), 1u);
  EXPECT_EQ(frame.trades[0].product, "ETH-USD");
  EXPECT_EQ(frame.trades[0].id, "000000000");
  EXPECT_EQ(frame.trades[0].price, "1260.01");
  EXPECT_EQ(frame.trades[0].qty, "0.3");
  EXPECT_EQ(frame.trades[0].venue_side, ASTRA_SIDE_BUY);
  EXPECT_TRUE(frame.trades[0].history);  // a snapshot event: recent trades, not live
  EXPECT_EQ(frame.trades[0].time_us, 1565815347265000);  // 2019-08-14T20:42:27.265Z

  ASSERT_EQ(decoder.decode(Feed::advanced, heartbeat_.dump(), frame), Frame::Kind::heartbeat);
  EXPECT_TRUE(frame.has_seq);

  // An "offer" update.
  ASSERT_EQ(decoder.decode(Feed::advanced,
                           l2(7, "BTC-USD", "update", one_update("offer", "1", "0")), frame),
            Frame::Kind::book);
  EXPECT_EQ(frame.seq, 7u);
  EXPECT_FALSE(frame.books[0].snapshot);
  EXPECT_FALSE(frame.books[0].levels[0].bid);
}

TEST_F(CoinbaseAdvanced, EachBookHasItsOwnConnectionWithHeartbeats) {
  FakeHost host(plugin().api());
  create_and_list(host, config("advanced"), answer_advanced_markets);
  ASSERT_EQ(host.subscribe("COINBASE-SPOT-BTC-USD", ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  ASSERT_EQ(host.subscribe("COINBASE-SPOT-ETH-USD", ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  ASSERT_EQ(host.connections().size(), 2u);
  const uint64_t btc = host.connections()[0].id;
  host.ws_open_ok(btc);
  const auto& sent = host.connection(btc)->sent;
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(json::parse(sent[0]), json::parse(R"({"type":"subscribe","product_ids":["BTC-USD"],
                                                  "channel":"level2"})"));
  EXPECT_EQ(json::parse(sent[1]), json::parse(R"({"type":"subscribe","product_ids":["BTC-USD"],
                                                  "channel":"heartbeats"})"));
  EXPECT_EQ(host.connections()[0].url, "ws://127.0.0.1:18095");
}

TEST_F(CoinbaseAdvanced, SequenceGapResetsThatProductOnlyAndResyncs) {
  FakeHost host(plugin().api());
  create_and_list(host, config("advanced"), answer_advanced_markets);
  const std::string btc_sym = "COINBASE-SPOT-BTC-USD", eth_sym = "COINBASE-SPOT-ETH-USD";
  ASSERT_EQ(host.subscribe(btc_sym, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  ASSERT_EQ(host.subscribe(eth_sym, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  const uint64_t btc = host.connections()[0].id, eth = host.connections()[1].id;
  host.ws_open_ok(btc);
  host.ws_open_ok(eth);

  // subscriptions ack (seq 0), snapshot (1), heartbeat (2), update (3) on each connection.
  for (uint64_t conn : {btc, eth}) {
    const std::string product = conn == btc ? "BTC-USD" : "ETH-USD";
    ASSERT_TRUE(host.ws_message(conn, R"({"channel":"subscriptions","client_id":"",
        "timestamp":"2023-02-09T20:32:50.714964855Z","sequence_num":0,"events":[]})"));
    ASSERT_TRUE(host.ws_message(conn, l2(1, product)));
    json hb = heartbeat_;
    hb["sequence_num"] = 2;
    ASSERT_TRUE(host.ws_message(conn, hb.dump()));
    ASSERT_TRUE(host.ws_message(conn, l2(3, product, "update", one_update("offer", "21930", "1"))));
  }
  ASSERT_EQ(host.books_of(btc_sym).size(), 2u);
  ASSERT_EQ(host.books_of(eth_sym).size(), 2u);
  EXPECT_EQ(host.books_of(btc_sym)[1]->kind, ASTRA_BOOK_UPDATE);
  EXPECT_EQ(host.counter(ASTRA_COUNT_GAP), 0u);

  // BTC loses sequence 4: RESET(GAP) for BTC, unsubscribe + subscribe level2 on its connection.
  const size_t sent_before = host.connection(btc)->sent.size();
  ASSERT_TRUE(host.ws_message(btc, l2(5, "BTC-USD", "update", one_update("bid", "21921.73", "0"))));
  auto btc_events = host.books_of(btc_sym);
  ASSERT_EQ(btc_events.size(), 3u);
  EXPECT_EQ(btc_events[2]->kind, ASTRA_BOOK_RESET);
  EXPECT_EQ(btc_events[2]->reset_reason, ASTRA_RESET_GAP);
  EXPECT_EQ(host.counter(ASTRA_COUNT_GAP, btc_sym), 1u);
  const auto& sent = host.connection(btc)->sent;
  ASSERT_EQ(sent.size(), sent_before + 2);
  EXPECT_EQ(json::parse(sent[sent_before])["type"], "unsubscribe");
  EXPECT_EQ(json::parse(sent[sent_before + 1]),
            json::parse(R"({"type":"subscribe","product_ids":["BTC-USD"],"channel":"level2"})"));
  // ETH is untouched and keeps streaming.
  EXPECT_EQ(host.books_of(eth_sym).size(), 2u);
  ASSERT_TRUE(host.ws_message(eth, l2(4, "ETH-USD", "update", one_update("bid", "21921.3", "0"))));
  EXPECT_EQ(host.books_of(eth_sym).size(), 3u);
  EXPECT_EQ(host.books_of(eth_sym)[2]->kind, ASTRA_BOOK_UPDATE);

  // BTC: an update before the fresh snapshot is dropped; the snapshot restarts the book.
  ASSERT_TRUE(host.ws_message(btc, l2(6, "BTC-USD", "update", one_update("bid", "1", "1"))));
  EXPECT_EQ(host.books_of(btc_sym).size(), 3u);
  ASSERT_TRUE(host.ws_message(btc, l2(7, "BTC-USD")));
  btc_events = host.books_of(btc_sym);
  ASSERT_EQ(btc_events.size(), 4u);
  EXPECT_EQ(btc_events[3]->kind, ASTRA_BOOK_SNAPSHOT);
  EXPECT_EQ(btc_events[3]->bids.size(), 2u);
  // A repeated (old) sequence_num is dropped, not applied.
  ASSERT_TRUE(host.ws_message(btc, l2(7, "BTC-USD", "update", one_update("bid", "2", "1"))));
  EXPECT_EQ(host.books_of(btc_sym).size(), 4u);
  EXPECT_EQ(host.counter(ASTRA_COUNT_STALE_DROPPED, btc_sym), 1u);
  EXPECT_EQ(host.counter(ASTRA_COUNT_GAP), 1u);
}

TEST_F(CoinbaseAdvanced, MarketTradesLiveUpdatesOnlyWithConfiguredSide) {
  for (const std::string side : {"maker", "taker"}) {
    FakeHost host(plugin().api());
    json cfg = json::parse(config("advanced"));
    cfg["advanced_trade_side"] = side;
    create_and_list(host, cfg.dump(), answer_advanced_markets);
    ASSERT_EQ(host.subscribe("COINBASE-SPOT-ETH-USD", ASTRA_DATA_TRADES), ASTRA_OK);
    const uint64_t conn = host.connections().back().id;
    host.ws_open_ok(conn);
    const auto& sent = host.connection(conn)->sent;
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(json::parse(sent[0])["channel"], "market_trades");
    EXPECT_EQ(json::parse(sent[1])["channel"], "heartbeats");
    ASSERT_TRUE(host.ws_message(conn, trades_.dump()));  // snapshot: history
    EXPECT_TRUE(host.trades().empty());
    json live = trades_;
    live["sequence_num"] = 1;
    live["events"][0]["type"] = "update";
    ASSERT_TRUE(host.ws_message(conn, live.dump()));
    ASSERT_EQ(host.trades().size(), 1u);
    const auto& t = host.trades()[0].trades.at(0);
    EXPECT_EQ(t.trade_id, "000000000");
    EXPECT_EQ(t.taker_side, side == "maker" ? ASTRA_SIDE_SELL : ASTRA_SIDE_BUY);
    EXPECT_EQ(host.counter(ASTRA_COUNT_BAD_FRAME), 0u);
  }
}

TEST_F(CoinbaseAdvanced, GarbageFramesAreCounted) {
  FakeHost host(plugin().api());
  create_and_list(host, config("advanced"), answer_advanced_markets);
  ASSERT_EQ(host.subscribe("COINBASE-SPOT-BTC-USD", ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  const uint64_t conn = host.connections().back().id;
  host.ws_open_ok(conn);
  ASSERT_TRUE(host.ws_message(conn, l2(1, "BTC-USD")));
  const std::vector<std::string> bad = {
      "{{",
      "",
      R"({"channel":"l2_data","events":[]})",  // no sequence_num
      R"({"channel":"l2_data","sequence_num":"x","events":[]})",
      R"({"channel":"l2_data","sequence_num":2,"events":[{"type":"update","product_id":"BTC-USD",
          "updates":[{"side":"ask","price_level":"1","new_quantity":"1"}]}]})",
      R"({"channel":"l2_data","sequence_num":2,"events":[{"type":"update","product_id":"BTC-USD",
          "updates":[{"side":"bid","price_level":"1"}]}]})",
      R"({"channel":"market_trades","sequence_num":2,"events":[{"type":"update",
          "trades":[{"product_id":"BTC-USD","price":"1","size":"1","side":"UP"}]}]})",
      R"({"sequence_num":2})",
  };
  for (const auto& f : bad)
    ASSERT_TRUE(host.ws_message(conn, f));
  EXPECT_EQ(host.counter(ASTRA_COUNT_BAD_FRAME), bad.size());
  // A valid frame carrying a level that is not a decimal: BAD_FRAME and a resync of BTC.
  ASSERT_TRUE(host.ws_message(conn, l2(2, "BTC-USD", "update", one_update("bid", "abc", "1"))));
  EXPECT_EQ(host.counter(ASTRA_COUNT_BAD_FRAME), bad.size() + 1);
  EXPECT_EQ(host.books().back().kind, ASTRA_BOOK_RESET);
  EXPECT_EQ(host.books().back().reset_reason, ASTRA_RESET_VENUE);
  EXPECT_EQ(host.counter(ASTRA_COUNT_GAP), 0u);
}

}  // namespace
}  // namespace coinbase_test

namespace coinbase_test {
namespace {

TEST_F(CoinbaseAdvanced, UnsubscribeClosesThatBooksConnectionOnly) {
  FakeHost host(plugin().api());
  create_and_list(host, config("advanced"), answer_advanced_markets);
  ASSERT_EQ(host.subscribe("COINBASE-SPOT-BTC-USD", ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  ASSERT_EQ(host.subscribe("COINBASE-SPOT-ETH-USD", ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  const uint64_t btc = host.connections()[0].id, eth = host.connections()[1].id;
  host.ws_open_ok(btc);
  host.ws_open_ok(eth);
  ASSERT_TRUE(host.ws_message(btc, l2(1, "BTC-USD")));
  ASSERT_EQ(host.unsubscribe("COINBASE-SPOT-BTC-USD", ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  EXPECT_EQ(host.books().back().kind, ASTRA_BOOK_RESET);
  EXPECT_EQ(host.books().back().reset_reason, ASTRA_RESET_UNSUBSCRIBED);
  EXPECT_TRUE(host.connection(btc)->closed_by_plugin);
  EXPECT_FALSE(host.connection(eth)->closed);
  EXPECT_EQ(host.pending_timers(), 1u) << "only the ETH connection's stall watch";
}

// Advanced Trade REST book: shape from the official SDK's types (no recorded body exists).
TEST_F(CoinbaseAdvanced, RestOrderBook) {
  FakeHost host(plugin().api());
  create_and_list(host, config("advanced"), answer_advanced_markets);
  ASSERT_EQ(host.get_orderbook(5, "COINBASE-SPOT-BTC-USD", 2), ASTRA_OK);
  const auto pending = host.pending_requests();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0]->url,
            "http://127.0.0.1:18095/api/v3/brokerage/market/product_book"
            "?product_id=BTC-USD&limit=2");
  host.respond(pending[0]->token, 200, R"({"pricebook":{"product_id":"BTC-USD",
      "bids":[{"price":"100.5","size":"1"},{"price":"101","size":"2"},{"price":"99","size":"3"}],
      "asks":[{"price":"102","size":"1"}],"time":"2023-02-09T20:32:50Z"}})");
  ASSERT_EQ(host.completions_of(5).size(), 1u);
  ASSERT_EQ(host.completions_of(5)[0]->status, ASTRA_OK);
  EXPECT_EQ(json::parse(host.completions_of(5)[0]->json),
            json::parse(R"({"market":"COINBASE-SPOT-BTC-USD","updateId":0,
                "bids":[["101","2"],["100.5","1"]],"asks":[["102","1"]]})"));
  ASSERT_EQ(host.get_orderbook(6, "COINBASE-SPOT-BTC-USD", 0), ASTRA_OK);
  host.respond(host.pending_requests()[0]->token, 200, R"({"pricebook":{"bids":[{"price":"x"}]}})");
  ASSERT_EQ(host.completions_of(6).size(), 1u);
  EXPECT_EQ(host.completions_of(6)[0]->status, ASTRA_E_UPSTREAM);
  EXPECT_EQ(host.get_orderbook(7, "COINBASE-SPOT-NOPE-USD", 0), ASTRA_E_NOT_FOUND);
}

}  // namespace
}  // namespace coinbase_test
