// The exact binary frames HTX sent (fixtures ws_spot_frame_*.gz): gunzip, ping/pong, exact
// exponent-form numbers, trade fields; and corrupt or truncated gzip counted as BAD_FRAME.
#include "huobi_test_support.hpp"

namespace huobi_test {
namespace {

class HuobiFrames : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!shared_data_present()) GTEST_SKIP() << "shared HTX data not found (set ASTRA_SHARED)";
    create_and_list(host_, {"spot"});
    ASSERT_EQ(host_.subscribe(kMarket, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
    ASSERT_EQ(host_.subscribe(kMarket, ASTRA_DATA_TRADES), ASTRA_OK);
    const auto live = host_.live_connections();
    ASSERT_EQ(live.size(), 1u);
    conn_ = live[0]->id;
    EXPECT_EQ(live[0]->url, "ws://127.0.0.1:18090/ws");
    ASSERT_TRUE(host_.ws_open_ok(conn_));
  }
  std::string fixture(const std::string& name) {
    return read_file(shared("fixtures/huobi/" + name));
  }
  static constexpr const char* kMarket = "HUOBI-SPOT-TRIO-ETH";
  FakeHost host_{plugin().api()};
  uint64_t conn_ = 0;
};

TEST_F(HuobiFrames, SubscribesBooksAndTradesOnTheMarketConnection) {
  const auto& sent = host_.connection(conn_)->sent;
  ASSERT_EQ(sent.size(), 2u);
  std::set<std::string> subs;
  for (const auto& s : sent)
    subs.insert(json::parse(s)["sub"].get<std::string>());
  EXPECT_EQ(subs,
            (std::set<std::string>{"market.trioeth.depth.step0", "market.trioeth.trade.detail"}));
}

TEST_F(HuobiFrames, PingIsAnsweredWithTheSameNumber) {
  const std::string gz = fixture("ws_spot_frame_ping.gz");
  std::string decoded = fixture("ws_spot_frame_ping.decoded.json");
  while (!decoded.empty() && decoded.back() == '\n')
    decoded.pop_back();
  EXPECT_EQ(gunzip(gz), decoded);
  ASSERT_TRUE(host_.ws_message(conn_, gz, true));
  EXPECT_EQ(host_.connection(conn_)->sent.back(), "{\"pong\":1618678073643}");
  EXPECT_EQ(host_.counter(ASTRA_COUNT_BAD_FRAME), 0u);
}

TEST_F(HuobiFrames, SubscriptionAckIsQuiet) {
  ASSERT_TRUE(host_.ws_message(conn_, fixture("ws_spot_frame_subbed.gz"), true));
  EXPECT_EQ(host_.counter(ASTRA_COUNT_BAD_FRAME), 0u);
  EXPECT_TRUE(host_.books().empty());
}

TEST_F(HuobiFrames, DepthPushKeepsExponentFormNumbersExact) {
  ASSERT_TRUE(host_.ws_message(conn_, fixture("ws_spot_frame_depth_step0.gz"), true));
  const auto events = host_.books_of(kMarket);
  ASSERT_EQ(events.size(), 1u);
  const auto& e = *events[0];
  EXPECT_EQ(e.kind, uint32_t(ASTRA_BOOK_SNAPSHOT));
  ASSERT_FALSE(e.bids.empty());
  // "bids":[[9.121E-7,92730.24],...,[1.3E-9,4.0E7],...]
  EXPECT_EQ(e.bids[0].price.mantissa, 9121);
  EXPECT_EQ(e.bids[0].price.exponent, -10);
  EXPECT_EQ(astra::sdk::format_decimal(e.bids[0].quantity), "92730.24");
  bool found = false;
  for (const auto& l : e.bids) {
    if (astra::sdk::decimal_equal(l.price, dec("0.0000000013"))) {
      EXPECT_TRUE(astra::sdk::decimal_equal(l.quantity, dec("40000000")));
      found = true;
    }
  }
  EXPECT_TRUE(found);
  const json decoded = json::parse(fixture("ws_spot_frame_depth_step0.decoded.json"));
  EXPECT_EQ(e.bids.size(), decoded["tick"]["bids"].size());
  EXPECT_EQ(e.asks.size(), decoded["tick"]["asks"].size());
  EXPECT_EQ(e.update_id, decoded["tick"]["version"].get<uint64_t>());
}

TEST_F(HuobiFrames, TradeDirectionIsTheTakerSide) {
  ASSERT_TRUE(host_.ws_message(conn_, fixture("ws_spot_frame_trade_detail.gz"), true));
  ASSERT_EQ(host_.trades().size(), 1u);
  const auto& t = host_.trades()[0].trades;
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].taker_side, uint32_t(ASTRA_SIDE_BUY));  // "direction":"buy"
  EXPECT_EQ(t[0].price.mantissa, 92);                    // 9.2E-7
  EXPECT_EQ(t[0].price.exponent, -8);
  EXPECT_EQ(astra::sdk::format_decimal(t[0].quantity), "20995.88");
  EXPECT_EQ(t[0].trade_id, "100045088885");  // tradeId
  EXPECT_EQ(t[0].time_us, 1618678027940000);
}

TEST_F(HuobiFrames, TradeIdsBeyond64BitsStayText) {
  // The recorded trade with its tradeId removed: the id (above 2^64) becomes the trade id.
  std::string text = fixture("ws_spot_frame_trade_detail.decoded.json");
  const std::string drop = "\"tradeId\":100045088885,";
  ASSERT_NE(text.find(drop), std::string::npos);
  text.erase(text.find(drop), drop.size());
  ASSERT_TRUE(host_.ws_message(conn_, gzip(text), true));
  ASSERT_EQ(host_.trades().size(), 1u);
  EXPECT_EQ(host_.trades()[0].trades[0].trade_id, "100182534526255757567432481");
  EXPECT_EQ(host_.counter(ASTRA_COUNT_BAD_FRAME), 0u);
}

TEST_F(HuobiFrames, GzipGarbageAndTruncatedFramesAreBadFrames) {
  const std::string depth = fixture("ws_spot_frame_depth_step0.gz");
  std::string flipped = depth;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x55);
  const std::vector<std::string> bad = {
      depth.substr(0, depth.size() / 2),  // truncated
      depth.substr(0, depth.size() - 4),  // truncated trailer
      flipped,                            // corrupt (CRC or stream)
      std::string("\x1f\x8b\x08\x00garbage", 11),
      "not gzip at all",
      "",
      gzip("{\"ch\":\"market.trioeth.depth.step0\",\"tick\":"),  // not JSON
      gzip("{\"ch\":\"market.trioeth.depth.step0\",\"ts\":1,\"tick\":{\"bids\":[[\"x\",1]]}}"),
      gzip("{\"ping\":\"soon\"}"),
  };
  for (const auto& b : bad)
    ASSERT_TRUE(host_.ws_message(conn_, b, true));
  EXPECT_EQ(host_.counter(ASTRA_COUNT_BAD_FRAME), bad.size());
  EXPECT_TRUE(host_.books().empty());
  EXPECT_EQ(host_.connection(conn_)->sent.size(), 2u);  // no pong for a bad ping
  // The connection still works.
  ASSERT_TRUE(host_.ws_message(conn_, depth, true));
  EXPECT_EQ(host_.books_of(kMarket).size(), 1u);
}

TEST_F(HuobiFrames, DisconnectResetsTheBookAndReconnects) {
  ASSERT_TRUE(host_.ws_message(conn_, fixture("ws_spot_frame_depth_step0.gz"), true));
  ASSERT_TRUE(host_.ws_closed(conn_));
  const auto events = host_.books_of(kMarket);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1]->kind, uint32_t(ASTRA_BOOK_RESET));
  EXPECT_EQ(events[1]->reset_reason, uint32_t(ASTRA_RESET_DISCONNECT));
  host_.advance(200);
  const auto live = host_.live_connections();
  ASSERT_EQ(live.size(), 1u);
  EXPECT_NE(live[0]->id, conn_);
  ASSERT_TRUE(host_.ws_open_ok(live[0]->id));
  EXPECT_EQ(host_.connection(live[0]->id)->sent.size(), 2u);  // resubscribed
  // The first push after the reconnect is a SNAPSHOT again.
  ASSERT_TRUE(host_.ws_message(live[0]->id, fixture("ws_spot_frame_depth_step0.gz"), true));
  EXPECT_EQ(host_.books_of(kMarket).back()->kind, uint32_t(ASTRA_BOOK_SNAPSHOT));
}

TEST_F(HuobiFrames, UnsubscribeResetsTheBookAndClosesAnIdleConnection) {
  ASSERT_TRUE(host_.ws_message(conn_, fixture("ws_spot_frame_depth_step0.gz"), true));
  ASSERT_EQ(host_.unsubscribe(kMarket, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  const auto events = host_.books_of(kMarket);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1]->kind, uint32_t(ASTRA_BOOK_RESET));
  EXPECT_EQ(events[1]->reset_reason, uint32_t(ASTRA_RESET_UNSUBSCRIBED));
  const json unsub = json::parse(host_.connection(conn_)->sent.back());
  EXPECT_EQ(unsub.value("unsub", ""), "market.trioeth.depth.step0");
  // Later pushes of that book are ignored.
  ASSERT_TRUE(host_.ws_message(conn_, fixture("ws_spot_frame_depth_step0.gz"), true));
  EXPECT_EQ(host_.books_of(kMarket).size(), 2u);
  // The last subscription gone, the connection is closed.
  ASSERT_EQ(host_.unsubscribe(kMarket, ASTRA_DATA_TRADES), ASTRA_OK);
  EXPECT_TRUE(host_.connection(conn_)->closed_by_plugin);
  EXPECT_TRUE(host_.live_connections().empty());
  host_.advance(60'000);
  EXPECT_TRUE(host_.live_connections().empty());  // no reconnect
}

TEST_F(HuobiFrames, SpotPushWithAnOldVersionIsDroppedAsStale) {
  const std::string depth = fixture("ws_spot_frame_depth_step0.gz");
  ASSERT_TRUE(host_.ws_message(conn_, depth, true));
  ASSERT_TRUE(host_.ws_message(conn_, depth, true));  // the same version again
  EXPECT_EQ(host_.books_of(kMarket).size(), 1u);
  EXPECT_EQ(host_.counter(ASTRA_COUNT_STALE_DROPPED, kMarket), 1u);
  EXPECT_EQ(host_.counter(ASTRA_COUNT_GAP), 0u);
}

TEST_F(HuobiFrames, RestOrderbookFromADepthAnswer) {
  // A REST /market/depth answer has the same tick as the WS push: build one from the recorded
  // frame (no recorded REST depth exists).
  json decoded = json::parse(fixture("ws_spot_frame_depth_step0.decoded.json"));
  std::string text = fixture("ws_spot_frame_depth_step0.decoded.json");
  text.replace(text.find("\"ch\":"), 5, "\"status\":\"ok\",\"ch\":");
  ASSERT_EQ(host_.get_orderbook(5, kMarket, 5), ASTRA_OK);
  const auto pending = host_.pending_requests("/market/depth");
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0]->url, "http://127.0.0.1:18090/market/depth?symbol=trioeth&type=step0");
  host_.respond(pending[0]->token, 200, text);
  const auto done = host_.completions_of(5);
  ASSERT_EQ(done.size(), 1u);
  ASSERT_EQ(done[0]->status, ASTRA_OK) << done[0]->json;
  const json book = json::parse(done[0]->json);
  EXPECT_EQ(book["market"], kMarket);
  EXPECT_EQ(book["updateId"], decoded["tick"]["version"]);
  ASSERT_EQ(book["bids"].size(), 5u);
  EXPECT_EQ(book["bids"][0][0], "0.0000009121");
  EXPECT_EQ(book["bids"][0][1], "92730.24");
  EXPECT_EQ(host_.get_orderbook(6, "HUOBI-SPOT-NOPE-NOPE"), ASTRA_E_NOT_FOUND);
}

}  // namespace
}  // namespace huobi_test
