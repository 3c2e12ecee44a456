// Kraken Futures streams through the plugin: the recorded session (seq continuity, no false
// gaps), an injected missing delta (gap -> reset and resubscribe of that product only), trades.
#include "kraken_test_support.hpp"

#include <random>
#include <set>

namespace kraken_test {
namespace {

class KrakenFutures : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(shared("recordings/kraken-futures.capture.jsonl")))
      GTEST_SKIP() << "shared data not found under " << astra::test::shared_dir();
    static const std::vector<std::string> frames =
        ws_frames(read_capture(shared("recordings/kraken-futures.capture.jsonl")));
    frames_ = &frames;
  }

  // Creates, lists, subscribes every product that has a book in the recording.
  uint64_t start(FakeHost& host, uint32_t data_type) {
    const std::string list = create_and_list(host, config(2, 10, {"futures"}));
    std::set<std::string> products;
    for (const auto& f : *frames_) {
      const json m = json::parse(f);
      if (m.value("feed", "") == "book_snapshot") products.insert(m["product_id"]);
    }
    EXPECT_EQ(products.size(), 6u);
    for (const json& m : json::parse(list))
      if (products.count(m["venueSymbol"])) {
        symbols_[m["venueSymbol"]] = m["symbol"];
        EXPECT_EQ(host.subscribe(m["symbol"].get<std::string>(), data_type), ASTRA_OK);
      }
    EXPECT_EQ(symbols_.size(), 6u);
    const uint64_t conn = host.connections().back().id;
    EXPECT_EQ(host.connections().back().url, "ws://127.0.0.1:18091/ws/v1");
    host.ws_open_ok(conn);
    return conn;
  }

  const std::vector<std::string>* frames_ = nullptr;
  std::map<std::string, std::string> symbols_;  // product id -> market
};

TEST_F(KrakenFutures, RecordedSessionHasNoFalseGaps) {
  FakeHost host(plugin().api());
  const uint64_t conn = start(host, ASTRA_DATA_ORDERBOOK);
  EXPECT_EQ(json::parse(host.connection(conn)->sent[0])["event"], "subscribe");
  EXPECT_EQ(json::parse(host.connection(conn)->sent[0])["feed"], "book");
  size_t deltas = 0;
  for (const auto& f : *frames_) {
    ASSERT_TRUE(host.ws_message(conn, f));
    deltas += f.find("\"feed\":\"book\"") != std::string::npos &&
              f.find("\"product_id\"") != std::string::npos;
  }
  EXPECT_EQ(host.counter(ASTRA_COUNT_GAP), 0u);
  EXPECT_EQ(host.counter(ASTRA_COUNT_BAD_FRAME), 0u);
  EXPECT_EQ(host.counter(ASTRA_COUNT_STALE_DROPPED), 0u);
  size_t snapshots = 0, updates = 0;
  std::map<std::string, uint64_t> last;
  for (const auto& e : host.books()) {
    ASSERT_NE(e.kind, uint32_t(ASTRA_BOOK_RESET));
    snapshots += e.kind == ASTRA_BOOK_SNAPSHOT;
    updates += e.kind == ASTRA_BOOK_UPDATE;
    if (e.kind == ASTRA_BOOK_UPDATE) {
      EXPECT_EQ(e.update_id, last[e.market] + 1) << e.market;
    }
    last[e.market] = e.update_id;  // update_id is the venue's seq
  }
  EXPECT_EQ(snapshots, 6u);
  EXPECT_EQ(updates, deltas);
  EXPECT_EQ(updates, 4573u);
}

TEST_F(KrakenFutures, MissingDeltaIsAGapForThatProductOnly) {
  std::mt19937 rng(7);
  const auto& frames = *frames_;
  for (int round = 0; round < 8; ++round) {
    size_t drop = 0;
    json dropped;
    do {
      drop = 30 + rng() % (frames.size() - 60);
      dropped = json::parse(frames[drop]);
    } while (dropped.value("feed", "") != "book" || !dropped.contains("product_id"));
    const std::string product = dropped["product_id"];
    FakeHost host(plugin().api());
    const uint64_t conn = start(host, ASTRA_DATA_ORDERBOOK);
    const std::string market = symbols_[product];
    size_t sent_before = 0;
    size_t k = 0;
    for (; k < frames.size(); ++k) {
      if (k == drop) {
        sent_before = host.connection(conn)->sent.size();
        continue;
      }
      host.ws_message(conn, frames[k]);
      if (k > drop && host.counter(ASTRA_COUNT_GAP) > 0) break;
    }
    SCOPED_TRACE("dropped frame " + std::to_string(drop) + " of " + product);
    ASSERT_LT(k, frames.size()) << "the gap was never detected";
    EXPECT_EQ(host.counter(ASTRA_COUNT_GAP, market), 1u);
    EXPECT_EQ(host.books().back().kind, uint32_t(ASTRA_BOOK_RESET));
    EXPECT_EQ(host.books().back().market, market);
    EXPECT_EQ(host.books().back().reset_reason, uint32_t(ASTRA_RESET_GAP));
    const auto& sent = host.connection(conn)->sent;
    ASSERT_EQ(sent.size(), sent_before + 2);
    EXPECT_EQ(json::parse(sent[sent_before]),
              json({{"event", "unsubscribe"}, {"feed", "book"}, {"product_ids", {product}}}));
    EXPECT_EQ(json::parse(sent[sent_before + 1]),
              json({{"event", "subscribe"}, {"feed", "book"}, {"product_ids", {product}}}));
    // Until the new snapshot: that product's deltas are ignored, others go on, one reset only.
    const size_t events_before = host.books_of(market).size();
    for (++k; k < frames.size(); ++k)
      host.ws_message(conn, frames[k]);
    EXPECT_EQ(host.books_of(market).size(), events_before);
    size_t resets = 0;
    for (const auto& e : host.books())
      resets += e.kind == ASTRA_BOOK_RESET;
    EXPECT_EQ(resets, 1u);
    EXPECT_EQ(host.counter(ASTRA_COUNT_GAP), 1u);
  }
}

TEST_F(KrakenFutures, TradesCarryTheTakerSideAndSnapshotsAreNotReplayed) {
  FakeHost host(plugin().api());
  const uint64_t conn = start(host, ASTRA_DATA_TRADES);
  EXPECT_EQ(json::parse(host.connection(conn)->sent[0])["feed"], "trade");
  std::vector<json> live;
  for (const auto& f : *frames_) {
    host.ws_message(conn, f);
    const json m = json::parse(f);
    if (m.value("feed", "") == "trade" && symbols_.count(m.value("product_id", "")))
      live.push_back(m);
  }
  std::vector<std::pair<std::string, astra::sdk::testing::Trade>> got;
  for (const auto& e : host.trades())
    for (const auto& t : e.trades)
      got.emplace_back(e.market, t);
  ASSERT_EQ(got.size(), live.size());  // trade_snapshot history is not emitted as live trades
  ASSERT_FALSE(got.empty());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].first, symbols_[live[i]["product_id"]]);
    EXPECT_EQ(got[i].second.taker_side,
              live[i]["side"] == "buy" ? uint32_t(ASTRA_SIDE_BUY) : uint32_t(ASTRA_SIDE_SELL));
    EXPECT_EQ(got[i].second.trade_id, live[i]["uid"].get<std::string>());
    EXPECT_EQ(got[i].second.time_us, live[i]["time"].get<int64_t>() * 1000);
  }
}

}  // namespace
}  // namespace kraken_test
