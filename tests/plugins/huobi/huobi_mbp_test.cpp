// Spot mbp incremental books, built from the HTX docs' own frames (fixtures ws_mbp_*_doc.json;
// no mbp recording exists): sequence numbers and symbols are edited to script each scenario.
// Updates are bridged from the snapshot requested on the same connection by
// prevSeqNum == previous seqNum (the numbers are not consecutive); a dropped update gives a
// RESET(GAP) for that market only and a fresh snapshot.
#include "huobi_test_support.hpp"

namespace huobi_test {
namespace {

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t i = s.find(from); i != std::string::npos; i = s.find(from, i + to.size()))
    s.replace(i, from.size(), to);
}

class HuobiMbp : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!shared_data_present()) GTEST_SKIP() << "shared HTX data not found (set ASTRA_SHARED)";
    update_doc_ = read_file(shared("fixtures/huobi/ws_mbp_150_incremental_doc.json"));
    snapshot_doc_ = read_file(shared("fixtures/huobi/ws_mbp_req_refresh_doc.json"));
    ASSERT_NE(update_doc_.find("100020146795"), std::string::npos);
    ASSERT_NE(snapshot_doc_.find("100020142010"), std::string::npos);
    create_and_list(host_, {"spot"}, "mbp");
    ASSERT_EQ(host_.subscribe(kBtc, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
    ASSERT_EQ(host_.subscribe(kEth, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
    const auto live = host_.live_connections();
    ASSERT_EQ(live.size(), 1u);
    EXPECT_EQ(live[0]->url, "ws://127.0.0.1:18090/feed");
    conn_ = live[0]->id;
    ASSERT_TRUE(host_.ws_open_ok(conn_));
  }

  // The docs' incremental push with this symbol and sequence numbers.
  std::string update(const std::string& symbol, uint64_t seq, uint64_t prev) const {
    std::string t = update_doc_;
    replace_all(t, "btcusdt", symbol);
    replace_all(t, "100020146795", std::to_string(seq));
    replace_all(t, "100020146794", std::to_string(prev));
    return gzip(t);
  }
  // The docs' REQ reply, for mbp.150 of this symbol, answering request `id` at `seq`.
  std::string snapshot(const std::string& symbol, const std::string& id, uint64_t seq) const {
    std::string t = snapshot_doc_;
    replace_all(t, "market.btcusdt.mbp.5", "market." + symbol + ".mbp.150");
    replace_all(t, "\"id2\"", "\"" + id + "\"");
    replace_all(t, "100020142010", std::to_string(seq));
    return gzip(t);
  }
  // The id of the last snapshot request sent, checking it is for `symbol`.
  std::string last_req(const std::string& symbol) const {
    const json j = json::parse(host_.connection(conn_)->sent.back());
    EXPECT_EQ(j.value("req", ""), "market." + symbol + ".mbp.150");
    return j.value("id", "");
  }
  size_t reqs_sent() const {
    size_t n = 0;
    for (const auto& s : host_.connection(conn_)->sent)
      n += s.find("\"req\"") != std::string::npos;
    return n;
  }
  std::vector<const astra::sdk::testing::BookEvent*> events(const char* market) const {
    return host_.books_of(market);
  }

  static constexpr const char* kBtc = "HUOBI-SPOT-BTC-USDT";
  static constexpr const char* kEth = "HUOBI-SPOT-ETH-USDT";
  FakeHost host_{plugin().api()};
  uint64_t conn_ = 0;
  std::string update_doc_, snapshot_doc_;
};

TEST_F(HuobiMbp, SubscribesOnTheFeedConnection) {
  const auto& sent = host_.connection(conn_)->sent;
  ASSERT_EQ(sent.size(), 2u);
  std::set<std::string> subs;
  for (const auto& s : sent)
    subs.insert(json::parse(s)["sub"].get<std::string>());
  EXPECT_EQ(subs, (std::set<std::string>{"market.btcusdt.mbp.150", "market.ethusdt.mbp.150"}));
}

TEST_F(HuobiMbp, BridgesFromTheSnapshotByPrevSeqNum) {
  ASSERT_TRUE(host_.ws_message(conn_, update("btcusdt", 100020146795, 100020146794), true));
  EXPECT_EQ(reqs_sent(), 1u);  // the first buffered update asks for the snapshot
  const std::string id = last_req("btcusdt");
  // Not consecutive: 795 -> 797 chains through prevSeqNum.
  ASSERT_TRUE(host_.ws_message(conn_, update("btcusdt", 100020146797, 100020146795), true));
  EXPECT_TRUE(events(kBtc).empty());
  EXPECT_EQ(reqs_sent(), 1u);
  ASSERT_TRUE(host_.ws_message(conn_, snapshot("btcusdt", id, 100020146794), true));
  auto ev = events(kBtc);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0]->kind, uint32_t(ASTRA_BOOK_SNAPSHOT));
  EXPECT_EQ(ev[0]->update_id, 100020146794u);
  ASSERT_EQ(ev[0]->bids.size(), 5u);
  EXPECT_EQ(astra::sdk::format_decimal(ev[0]->bids[0].price), "618.37");
  EXPECT_EQ(astra::sdk::format_decimal(ev[0]->asks[0].quantity), "14.909733438479636");
  EXPECT_EQ(ev[1]->kind, uint32_t(ASTRA_BOOK_UPDATE));
  EXPECT_EQ(ev[1]->update_id, 100020146795u);
  ASSERT_EQ(ev[1]->asks.size(), 1u);
  EXPECT_EQ(astra::sdk::format_decimal(ev[1]->asks[0].price), "645.14");
  EXPECT_EQ(astra::sdk::format_decimal(ev[1]->asks[0].quantity), "26.75597395914065");
  EXPECT_EQ(ev[2]->update_id, 100020146797u);
  // Live: the next one chains from 797.
  ASSERT_TRUE(host_.ws_message(conn_, update("btcusdt", 100020146800, 100020146797), true));
  ev = events(kBtc);
  ASSERT_EQ(ev.size(), 4u);
  EXPECT_EQ(ev[3]->update_id, 100020146800u);
  EXPECT_EQ(host_.counter(ASTRA_COUNT_GAP), 0u);
}

TEST_F(HuobiMbp, DroppedUpdateResetsThatMarketOnlyAndResyncs) {
  // Both books live.
  ASSERT_TRUE(host_.ws_message(conn_, update("btcusdt", 1000, 990), true));
  const std::string btc1 = last_req("btcusdt");
  ASSERT_TRUE(host_.ws_message(conn_, snapshot("btcusdt", btc1, 990), true));
  ASSERT_TRUE(host_.ws_message(conn_, update("ethusdt", 50, 40), true));
  host_.advance(100);  // one req per 100 ms per connection
  const std::string eth1 = last_req("ethusdt");
  ASSERT_TRUE(host_.ws_message(conn_, snapshot("ethusdt", eth1, 40), true));
  ASSERT_EQ(events(kBtc).size(), 2u);
  ASSERT_EQ(events(kEth).size(), 2u);
  const size_t reqs = reqs_sent();

  // 1007 (prev 1000) is lost: 1010 says prev 1007.
  ASSERT_TRUE(host_.ws_message(conn_, update("btcusdt", 1010, 1007), true));
  auto ev = events(kBtc);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[2]->kind, uint32_t(ASTRA_BOOK_RESET));
  EXPECT_EQ(ev[2]->reset_reason, uint32_t(ASTRA_RESET_GAP));
  EXPECT_EQ(host_.counter(ASTRA_COUNT_GAP, kBtc), 1u);
  EXPECT_EQ(host_.counter(ASTRA_COUNT_GAP, kEth), 0u);
  EXPECT_EQ(events(kEth).size(), 2u);  // the other market is untouched
  host_.advance(100);
  ASSERT_EQ(reqs_sent(), reqs + 1);
  const std::string btc2 = last_req("btcusdt");  // the re-request is for btcusdt only
  EXPECT_NE(btc2, btc1);

  // Updates keep flowing for eth meanwhile.
  ASSERT_TRUE(host_.ws_message(conn_, update("ethusdt", 55, 50), true));
  EXPECT_EQ(events(kEth).size(), 3u);
  // An answer to the superseded request is ignored.
  ASSERT_TRUE(host_.ws_message(conn_, snapshot("btcusdt", btc1, 1010), true));
  EXPECT_EQ(events(kBtc).size(), 3u);
  // The fresh snapshot at 1010 brings the book back.
  ASSERT_TRUE(host_.ws_message(conn_, snapshot("btcusdt", btc2, 1010), true));
  ev = events(kBtc);
  ASSERT_EQ(ev.size(), 4u);
  EXPECT_EQ(ev[3]->kind, uint32_t(ASTRA_BOOK_SNAPSHOT));
  EXPECT_EQ(ev[3]->update_id, 1010u);
  ASSERT_TRUE(host_.ws_message(conn_, update("btcusdt", 1015, 1010), true));
  ev = events(kBtc);
  ASSERT_EQ(ev.size(), 5u);
  EXPECT_EQ(ev[4]->kind, uint32_t(ASTRA_BOOK_UPDATE));
  EXPECT_EQ(ev[4]->update_id, 1015u);
  EXPECT_EQ(host_.counter(ASTRA_COUNT_GAP), 1u);
}

TEST_F(HuobiMbp, SnapshotThatDoesNotBridgeIsRequestedAgain) {
  ASSERT_TRUE(host_.ws_message(conn_, update("btcusdt", 1000, 990), true));
  const std::string id1 = last_req("btcusdt");
  // Older than what is buffered: 1000 chains from 990, not from 980.
  ASSERT_TRUE(host_.ws_message(conn_, snapshot("btcusdt", id1, 980), true));
  EXPECT_TRUE(events(kBtc).empty());
  const size_t reqs = reqs_sent();
  host_.advance(250);
  ASSERT_EQ(reqs_sent(), reqs + 1);
  const std::string id2 = last_req("btcusdt");
  ASSERT_TRUE(host_.ws_message(conn_, snapshot("btcusdt", id2, 990), true));
  const auto ev = events(kBtc);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0]->kind, uint32_t(ASTRA_BOOK_SNAPSHOT));
  EXPECT_EQ(ev[1]->update_id, 1000u);
}

TEST_F(HuobiMbp, StaleUpdatesAreDroppedNotGaps) {
  ASSERT_TRUE(host_.ws_message(conn_, update("btcusdt", 1000, 990), true));
  ASSERT_TRUE(host_.ws_message(conn_, snapshot("btcusdt", last_req("btcusdt"), 1000), true));
  ASSERT_EQ(events(kBtc).size(), 1u);  // the buffered 1000 is inside the snapshot
  ASSERT_TRUE(host_.ws_message(conn_, update("btcusdt", 1000, 990), true));  // repeated
  EXPECT_EQ(events(kBtc).size(), 1u);
  EXPECT_EQ(host_.counter(ASTRA_COUNT_GAP), 0u);
  EXPECT_GE(host_.counter(ASTRA_COUNT_STALE_DROPPED, kBtc), 1u);
}

TEST_F(HuobiMbp, MoreDigitsThanAnExactDecimalHoldsIsABadFrameThenAGap) {
  // The mbp.5 docs example carries 26.755973959140651643 (20 significant digits): more than an
  // astra_decimal holds exactly. The frame is refused rather than rounded; the chain then breaks.
  ASSERT_TRUE(host_.ws_message(conn_, update("btcusdt", 1000, 990), true));
  ASSERT_TRUE(host_.ws_message(conn_, snapshot("btcusdt", last_req("btcusdt"), 990), true));
  std::string t = read_file(shared("fixtures/huobi/ws_mbp_incremental_doc.json"));
  replace_all(t, "mbp.5", "mbp.150");
  replace_all(t, "100020146795", "1005");
  replace_all(t, "100020146794", "1000");
  ASSERT_TRUE(host_.ws_message(conn_, gzip(t), true));
  EXPECT_EQ(host_.counter(ASTRA_COUNT_BAD_FRAME), 1u);
  ASSERT_TRUE(host_.ws_message(conn_, update("btcusdt", 1010, 1005), true));
  const auto ev = events(kBtc);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[2]->kind, uint32_t(ASTRA_BOOK_RESET));
}

TEST_F(HuobiMbp, SnapshotRequestsArePacedPerConnection) {
  // Two books want a snapshot at the same instant: HTX allows one req per 100 ms.
  ASSERT_TRUE(host_.ws_message(conn_, update("btcusdt", 1000, 990), true));
  ASSERT_TRUE(host_.ws_message(conn_, update("ethusdt", 50, 40), true));
  EXPECT_EQ(reqs_sent(), 1u);
  last_req("btcusdt");
  host_.advance(99);
  EXPECT_EQ(reqs_sent(), 1u);
  host_.advance(1);
  EXPECT_EQ(reqs_sent(), 2u);
  last_req("ethusdt");
}

}  // namespace
}  // namespace huobi_test
