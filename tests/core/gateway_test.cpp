#include <astra/core/gateway.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "book_event.hpp"
#include "test_levels.hpp"

namespace astra::core {
namespace {

using nlohmann::json;
using test::lvl;

const std::string kBtc = "BINANCE-SPOT-BTC-USDT";
const std::string kEth = "BINANCE-SPOT-ETH-USDT";
const std::string kMarkets =
    R"([{"symbol":"BINANCE-SPOT-BTC-USDT","baseAsset":"BTC"},{"symbol":"BINANCE-SPOT-ETH-USDT"}])";

// A venue that records what the gateway asks and answers as the test says.
class FakeVenue : public Venue {
 public:
  explicit FakeVenue(std::string exchange = "BINANCE") : exchange_(std::move(exchange)) {}
  const std::string& id() const override { return id_; }
  const std::string& exchange() const override { return exchange_; }
  const std::string& version() const override { return version_; }
  uint64_t capabilities() const override { return ASTRA_CAP_SPOT | ASTRA_CAP_ORDERBOOK; }
  ConnectionState state() const override { return ConnectionState::connected; }

  void list_markets(Callback done) override { done(markets_status, markets_json); }
  void get_orderbook(std::string_view market, uint32_t depth, Callback done) override {
    calls.push_back("rest:" + std::string(market) + ":" + std::to_string(depth));
    done(book_status, book_json);
  }
  astra_status subscribe(std::string_view market, DataType type) override {
    calls.push_back("sub:" + std::string(market) + ":" + std::string(to_string(type)));
    if (on_subscribe) on_subscribe(market, type);
    return subscribe_status;
  }
  astra_status unsubscribe(std::string_view market, DataType type) override {
    calls.push_back("unsub:" + std::string(market) + ":" + std::string(to_string(type)));
    if (on_unsubscribe) on_unsubscribe(market, type);
    return ASTRA_OK;
  }
  void call_private(PrivateOp, const Credentials&, std::string_view, Callback done) override {
    done(ASTRA_E_UNIMPLEMENTED, R"({"code":"unimplemented","message":"fake"})");
  }

  std::vector<std::string> calls;
  astra_status markets_status = ASTRA_OK;
  std::string markets_json = kMarkets;
  astra_status subscribe_status = ASTRA_OK;
  astra_status book_status = ASTRA_OK;
  std::string book_json;
  std::function<void(std::string_view, DataType)> on_subscribe;
  std::function<void(std::string_view, DataType)> on_unsubscribe;

 private:
  std::string id_ = "fake";
  std::string exchange_;
  std::string version_ = "0";
};

// Timers that fire only when the test advances time.
class ManualScheduler : public Scheduler {
 public:
  void after(std::chrono::milliseconds delay, std::function<void()> task) override {
    tasks_.push_back({now_ms_ + delay.count(), seq_++, std::move(task)});
  }
  int64_t now_us() const override { return now_ms_ * 1000; }
  void advance(int64_t ms) {
    const int64_t until = now_ms_ + ms;
    while (true) {
      auto it = std::min_element(tasks_.begin(), tasks_.end(), [](const Task& a, const Task& b) {
        return a.due != b.due ? a.due < b.due : a.seq < b.seq;
      });
      if (it == tasks_.end() || it->due > until) break;
      now_ms_ = it->due;
      auto task = std::move(it->fn);
      tasks_.erase(it);
      task();
    }
    now_ms_ = until;
  }
  size_t pending() const { return tasks_.size(); }

 private:
  struct Task {
    int64_t due;
    uint64_t seq;
    std::function<void()> fn;
  };
  std::vector<Task> tasks_;
  int64_t now_ms_ = 0;
  uint64_t seq_ = 0;
};

struct Delivery {
  std::shared_ptr<const std::string> message;
  MessageKind kind;
  uint64_t update_id;
};

class Recorder : public Subscriber {
 public:
  void deliver(const std::shared_ptr<const std::string>& message, MessageKind kind,
               uint64_t update_id) override {
    got.push_back({message, kind, update_id});
    if (on_deliver) on_deliver();
  }
  json last() const { return json::parse(*got.back().message); }
  std::vector<Delivery> got;
  std::function<void()> on_deliver;
};

class GatewayTest : public ::testing::Test {
 protected:
  GatewayTest() : gw(GatewayOptions{std::chrono::milliseconds(1000)}, sched) {
    auto v = std::make_unique<FakeVenue>();
    venue = v.get();
    EXPECT_TRUE(gw.add_venue(std::move(v)).ok());
  }
  void load_markets() {
    astra_status got = ASTRA_E_INTERNAL;
    gw.refresh_markets("BINANCE", [&](astra_status s, std::string) { got = s; });
    ASSERT_EQ(got, ASTRA_OK);
  }
  SubscriptionId sub(const std::string& market, DataType type, const std::shared_ptr<Recorder>& r) {
    auto id = gw.subscribe(market, type, r);
    EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().message);
    return id.ok() ? *id : 0;
  }
  void book(const test::BookEvent& e) { gw.on_book(e.get()); }
  size_t count_calls(const std::string& call) const {
    return static_cast<size_t>(std::count(venue->calls.begin(), venue->calls.end(), call));
  }
  std::pair<astra_status, std::string> rest(const std::string& market, uint32_t depth) {
    std::pair<astra_status, std::string> out{ASTRA_E_INTERNAL, "<no answer>"};
    gw.orderbook(market, depth, [&](astra_status s, std::string j) { out = {s, std::move(j)}; });
    return out;
  }

  ManualScheduler sched;
  Gateway gw;
  FakeVenue* venue = nullptr;
};

TEST_F(GatewayTest, VenuesAreKeyedByExchange) {
  EXPECT_EQ(gw.venue("BINANCE"), venue);
  EXPECT_EQ(gw.venue("OKX"), nullptr);
  auto dup = gw.add_venue(std::make_unique<FakeVenue>("BINANCE"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, "duplicate_venue");
  ASSERT_TRUE(gw.add_venue(std::make_unique<FakeVenue>("OKX")).ok());
  EXPECT_EQ(gw.venues().size(), 2u);
  EXPECT_FALSE(gw.add_venue(nullptr).ok());
}

TEST_F(GatewayTest, MarketList) {
  auto before = gw.markets_json("BINANCE");
  ASSERT_FALSE(before.ok());
  EXPECT_EQ(before.error().status, ASTRA_E_UNAVAILABLE);
  EXPECT_EQ(before.error().code, "markets_unavailable");
  EXPECT_EQ(gw.markets_json("NOPE").error().code, "unknown_exchange");
  EXPECT_FALSE(gw.known_market(kBtc));

  load_markets();
  auto list = gw.markets_json("BINANCE");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(**list, kMarkets);
  EXPECT_TRUE(gw.known_market(kBtc));
  EXPECT_TRUE(gw.known_market(kEth));
  EXPECT_FALSE(gw.known_market("BINANCE-SPOT-XRP-USDT"));
  EXPECT_FALSE(gw.known_market("OKX-SPOT-BTC-USDT"));

  astra_status s = ASTRA_OK;
  gw.refresh_markets("NOPE", [&](astra_status st, std::string) { s = st; });
  EXPECT_EQ(s, ASTRA_E_NOT_FOUND);
}

TEST_F(GatewayTest, BadMarketListsAreRefusedAndTheOldListKept) {
  load_markets();
  for (const char* bad :
       {"not json", R"({"symbol":"BINANCE-SPOT-BTC-USDT"})", R"([1])", R"([{"name":"x"}])",
        R"([{"symbol":"binance-spot"}])", R"([{"symbol":"OKX-SPOT-BTC-USDT"}])"}) {
    venue->markets_json = bad;
    astra_status s = ASTRA_OK;
    std::string body;
    gw.refresh_markets("BINANCE", [&](astra_status st, std::string j) {
      s = st;
      body = std::move(j);
    });
    EXPECT_EQ(s, ASTRA_E_UPSTREAM) << bad;
    EXPECT_EQ(json::parse(body)["code"], "bad_market_list") << bad;
    EXPECT_TRUE(gw.known_market(kBtc));
  }
  venue->markets_status = ASTRA_E_UNAVAILABLE;
  venue->markets_json = R"({"code":"down","message":"venue down"})";
  astra_status s = ASTRA_OK;
  gw.refresh_markets("BINANCE", [&](astra_status st, std::string) { s = st; });
  EXPECT_EQ(s, ASTRA_E_UNAVAILABLE);
}

TEST_F(GatewayTest, SubscribeValidates) {
  auto r = std::make_shared<Recorder>();
  auto unloaded = gw.subscribe(kBtc, DataType::orderbook, r);
  ASSERT_FALSE(unloaded.ok());
  EXPECT_EQ(unloaded.error().code, "markets_unavailable");
  EXPECT_EQ(unloaded.error().status, ASTRA_E_UNAVAILABLE);
  load_markets();
  struct Case {
    std::string market;
    astra_status status;
    const char* code;
  };
  for (const Case& c : {Case{"btcusdt", ASTRA_E_INVALID_ARGUMENT, "bad_symbol"},
                        Case{"OKX-SPOT-BTC-USDT", ASTRA_E_NOT_FOUND, "unknown_exchange"},
                        Case{"BINANCE-SPOT-XRP-USDT", ASTRA_E_NOT_FOUND, "unknown_market"}}) {
    auto res = gw.subscribe(c.market, DataType::orderbook, r);
    ASSERT_FALSE(res.ok()) << c.market;
    EXPECT_EQ(res.error().status, c.status) << c.market;
    EXPECT_EQ(res.error().code, c.code) << c.market;
  }
  EXPECT_FALSE(gw.subscribe(kBtc, DataType::orderbook, nullptr).ok());
  EXPECT_FALSE(gw.subscribe(kBtc, static_cast<DataType>(9), r).ok());
  EXPECT_TRUE(venue->calls.empty());
  EXPECT_EQ(gw.subscriber_count(), 0u);
}

TEST_F(GatewayTest, VenueRefusalIsAnErrorAndLeavesNoTopic) {
  load_markets();
  venue->subscribe_status = ASTRA_E_UNIMPLEMENTED;
  auto r = std::make_shared<Recorder>();
  auto res = gw.subscribe(kBtc, DataType::trades, r);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().status, ASTRA_E_UNIMPLEMENTED);
  EXPECT_EQ(res.error().code, "unsupported_data_type");
  EXPECT_EQ(gw.subscriber_count(), 0u);
  venue->subscribe_status = ASTRA_OK;
  sub(kBtc, DataType::trades, r);
  EXPECT_EQ(count_calls("sub:" + kBtc + ":TRADE"), 2u);  // tried again, not cached as failed
}

TEST_F(GatewayTest, OneUpstreamSubscriptionSharedAndEncodedOnce) {
  load_markets();
  auto a = std::make_shared<Recorder>();
  auto b = std::make_shared<Recorder>();
  auto c = std::make_shared<Recorder>();
  sub(kBtc, DataType::orderbook, a);
  sub(kBtc, DataType::orderbook, b);
  EXPECT_EQ(count_calls("sub:" + kBtc + ":ORDERBOOK"), 1u);
  EXPECT_TRUE(a->got.empty());  // no book yet: nothing to send

  book(test::snapshot(kBtc, 100, {lvl("10.00", "1.5")}, {lvl("10.10", "2")}));
  ASSERT_EQ(a->got.size(), 1u);
  ASSERT_EQ(b->got.size(), 1u);
  EXPECT_EQ(a->got[0].kind, MessageKind::book_snapshot);
  EXPECT_EQ(a->got[0].update_id, 100u);
  EXPECT_EQ(a->got[0].message.get(), b->got[0].message.get());  // one buffer for everyone
  EXPECT_EQ(a->last()["snapshot"], true);

  book(test::update(kBtc, 101, {lvl("10.05", "3")}, {}));
  ASSERT_EQ(a->got.size(), 2u);
  EXPECT_EQ(a->got[1].message.get(), b->got[1].message.get());
  EXPECT_EQ(a->got[1].kind, MessageKind::book_update);
  EXPECT_EQ(a->got[1].update_id, 101u);
  const json u = a->last();
  EXPECT_EQ(u["snapshot"], false);
  EXPECT_EQ(u["updateId"], 101);
  EXPECT_NE(a->got[1].message->find("[[10.05,3]]"), std::string::npos);

  // A late joiner gets the current book at once, as a snapshot.
  sub(kBtc, DataType::orderbook, c);
  ASSERT_EQ(c->got.size(), 1u);
  EXPECT_EQ(c->got[0].kind, MessageKind::book_snapshot);
  EXPECT_EQ(c->got[0].update_id, 101u);
  const json s = c->last();
  EXPECT_EQ(s["bids"].size(), 2u);
  EXPECT_EQ(s["updateId"], 101);

  EXPECT_EQ(gw.stats().book_events, 2u);
  EXPECT_EQ(gw.stats().messages_encoded, 3u);  // snapshot, update, joiner's snapshot
  EXPECT_EQ(gw.stats().deliveries, 5u);
  EXPECT_EQ(gw.subscriber_count(), 3u);

  // Two joiners at the same update share one snapshot buffer.
  auto d = std::make_shared<Recorder>();
  sub(kBtc, DataType::orderbook, d);
  EXPECT_EQ(d->got[0].message.get(), c->got[0].message.get());
  EXPECT_EQ(gw.stats().messages_encoded, 3u);
}

TEST_F(GatewayTest, ResetThenSilenceThenSnapshot) {
  load_markets();
  auto a = std::make_shared<Recorder>();
  sub(kBtc, DataType::orderbook, a);
  book(test::snapshot(kBtc, 1, {lvl("10", "1")}, {lvl("11", "1")}));
  book(test::reset(kBtc, ASTRA_RESET_CHECKSUM));
  ASSERT_EQ(a->got.size(), 2u);
  EXPECT_EQ(a->got[1].kind, MessageKind::book_reset);
  EXPECT_EQ(a->last()["reset"], true);
  EXPECT_EQ(a->last()["reason"], "checksum");
  book(test::update(kBtc, 2, {lvl("10", "2")}, {}));
  EXPECT_EQ(a->got.size(), 2u);  // silent while out of sync
  // A new joiner while out of sync gets nothing yet; snapshot_message says the same.
  auto b = std::make_shared<Recorder>();
  sub(kBtc, DataType::orderbook, b);
  EXPECT_TRUE(b->got.empty());
  EXPECT_EQ(gw.snapshot_message(kBtc, nullptr), nullptr);
  venue->book_json = R"({"updateId":3,"bids":[["10","1"]],"asks":[["11","1"]]})";
  EXPECT_EQ(rest(kBtc, 0).first, ASTRA_OK);  // out of sync: the venue's REST snapshot
  EXPECT_EQ(count_calls("rest:" + kBtc + ":100"), 1u);

  book(test::snapshot(kBtc, 10, {lvl("10", "1")}, {lvl("11", "1")}));
  ASSERT_EQ(a->got.size(), 3u);
  ASSERT_EQ(b->got.size(), 1u);
  EXPECT_EQ(a->got[2].kind, MessageKind::book_snapshot);
  EXPECT_EQ(a->got[2].message.get(), b->got[0].message.get());
  EXPECT_EQ(gw.stats().resyncs_requested, 0u);  // the venue resynchronizes itself
}

TEST_F(GatewayTest, CrossedBookAsksTheVenueToResync) {
  load_markets();
  auto a = std::make_shared<Recorder>();
  sub(kBtc, DataType::orderbook, a);
  book(test::snapshot(kBtc, 1, {lvl("10", "1")}, {lvl("11", "1")}));
  // The venue answers the resubscription with a fresh snapshot from inside subscribe().
  venue->on_subscribe = [&](std::string_view, DataType) {
    book(test::snapshot(kBtc, 5, {lvl("10", "1")}, {lvl("12", "1")}));
  };
  book(test::update(kBtc, 2, {lvl("11", "1")}, {}));  // bid 11 >= ask 11
  ASSERT_EQ(a->got.size(), 3u);
  EXPECT_EQ(a->got[1].kind, MessageKind::book_reset);
  EXPECT_EQ(json::parse(*a->got[1].message)["reason"], "crossed");
  EXPECT_EQ(a->got[2].kind, MessageKind::book_snapshot);
  EXPECT_EQ(a->got[2].update_id, 5u);
  EXPECT_EQ(count_calls("unsub:" + kBtc + ":ORDERBOOK"), 1u);
  EXPECT_EQ(count_calls("sub:" + kBtc + ":ORDERBOOK"), 2u);
  EXPECT_EQ(gw.stats().resyncs_requested, 1u);
  EXPECT_EQ(gw.stats().crossed_books, 1u);
  EXPECT_EQ(gw.books().find(kBtc)->crossed, 1u);
}

TEST_F(GatewayTest, OutOfOrderUpdateAsksTheVenueToResync) {
  load_markets();
  auto a = std::make_shared<Recorder>();
  sub(kBtc, DataType::orderbook, a);
  book(test::snapshot(kBtc, 10, {lvl("10", "1")}, {lvl("11", "1")}));
  book(test::update(kBtc, 10, {lvl("10", "2")}, {}));
  ASSERT_EQ(a->got.size(), 2u);
  EXPECT_EQ(json::parse(*a->got[1].message)["reason"], "out_of_order");
  EXPECT_EQ(gw.stats().resyncs_requested, 1u);
  EXPECT_EQ(gw.stats().crossed_books, 0u);
  EXPECT_EQ(gw.books().find(kBtc)->out_of_order, 1u);
  EXPECT_EQ(count_calls("unsub:" + kBtc + ":ORDERBOOK"), 1u);
}

TEST_F(GatewayTest, LastLeaverReleasesAfterLinger) {
  load_markets();
  auto a = std::make_shared<Recorder>();
  auto b = std::make_shared<Recorder>();
  const auto ida = sub(kBtc, DataType::orderbook, a);
  const auto idb = sub(kBtc, DataType::orderbook, b);
  book(test::snapshot(kBtc, 1, {lvl("10", "1")}, {lvl("11", "1")}));
  gw.unsubscribe(ida);
  EXPECT_EQ(sched.pending(), 0u);  // b is still there
  gw.unsubscribe(idb);
  gw.unsubscribe(idb);  // twice: harmless
  EXPECT_EQ(gw.subscriber_count(), 0u);
  sched.advance(999);
  EXPECT_EQ(count_calls("unsub:" + kBtc + ":ORDERBOOK"), 0u);
  // Still streaming during the linger: REST is served from memory.
  EXPECT_EQ(rest(kBtc, 0).first, ASTRA_OK);
  EXPECT_EQ(count_calls("rest:" + kBtc + ":100"), 0u);
  sched.advance(1);
  EXPECT_EQ(count_calls("unsub:" + kBtc + ":ORDERBOOK"), 1u);
  EXPECT_EQ(gw.books().find(kBtc), nullptr);  // no stale book is kept
  // Events after the release are ignored, and a new subscriber subscribes the venue again.
  book(test::snapshot(kBtc, 2, {lvl("10", "1")}, {lvl("11", "1")}));
  EXPECT_EQ(gw.books().size(), 0u);
  sub(kBtc, DataType::orderbook, a);
  EXPECT_EQ(count_calls("sub:" + kBtc + ":ORDERBOOK"), 2u);
}

TEST_F(GatewayTest, RejoinDuringLingerCancelsTheRelease) {
  load_markets();
  auto a = std::make_shared<Recorder>();
  const auto id = sub(kBtc, DataType::orderbook, a);
  book(test::snapshot(kBtc, 1, {lvl("10", "1")}, {lvl("11", "1")}));
  gw.unsubscribe(id);
  sched.advance(500);
  auto b = std::make_shared<Recorder>();
  const auto id2 = sub(kBtc, DataType::orderbook, b);
  ASSERT_EQ(b->got.size(), 1u);  // the book stayed live: snapshot at once
  sched.advance(5000);
  EXPECT_EQ(count_calls("unsub:" + kBtc + ":ORDERBOOK"), 0u);
  EXPECT_EQ(count_calls("sub:" + kBtc + ":ORDERBOOK"), 1u);
  // Leave, rejoin, leave again: only the last leave's timer releases.
  gw.unsubscribe(id2);
  sched.advance(600);
  const auto id3 = sub(kBtc, DataType::orderbook, b);
  gw.unsubscribe(id3);
  sched.advance(600);  // the first timer fires here and must do nothing
  EXPECT_EQ(count_calls("unsub:" + kBtc + ":ORDERBOOK"), 0u);
  sched.advance(400);
  EXPECT_EQ(count_calls("unsub:" + kBtc + ":ORDERBOOK"), 1u);
}

TEST_F(GatewayTest, TimerAfterGatewayDestroyedIsHarmless) {
  ManualScheduler s;
  {
    Gateway g(GatewayOptions{}, s);
    auto v = std::make_unique<FakeVenue>();
    ASSERT_TRUE(g.add_venue(std::move(v)).ok());
    g.refresh_markets("BINANCE", [](astra_status, std::string) {});
    auto id = g.subscribe(kBtc, DataType::trades, std::make_shared<Recorder>());
    ASSERT_TRUE(id.ok());
    g.unsubscribe(*id);
  }
  s.advance(60000);  // must not touch the destroyed gateway
  SUCCEED();
}

TEST_F(GatewayTest, TradesFanOutOneBuffer) {
  load_markets();
  auto a = std::make_shared<Recorder>();
  auto b = std::make_shared<Recorder>();
  auto other = std::make_shared<Recorder>();
  sub(kBtc, DataType::trades, a);
  sub(kBtc, DataType::trades, b);
  sub(kEth, DataType::trades, other);
  EXPECT_EQ(count_calls("sub:" + kBtc + ":TRADE"), 1u);
  const astra_trade trades[] = {
      {test::dec("27000.10"), test::dec("0.5"), ASTRA_SIDE_SELL, 1700000000000000, test::str("9")}};
  astra_trade_event e{sizeof(astra_trade_event), test::str(kBtc), trades, 1};
  gw.on_trades(e);
  ASSERT_EQ(a->got.size(), 1u);
  ASSERT_EQ(b->got.size(), 1u);
  EXPECT_TRUE(other->got.empty());
  EXPECT_EQ(a->got[0].message.get(), b->got[0].message.get());
  EXPECT_EQ(a->got[0].kind, MessageKind::trades);
  const json j = a->last();
  EXPECT_EQ(j["trades"][0]["side"], "SELL");
  EXPECT_NE(a->got[0].message->find("\"price\":27000.10"), std::string::npos);
  EXPECT_EQ(gw.stats().messages_encoded, 1u);
  // A book subscription does not receive trades, nor the other way round.
  book(test::snapshot(kBtc, 1, {lvl("10", "1")}, {lvl("11", "1")}));
  EXPECT_EQ(a->got.size(), 1u);
  EXPECT_EQ(gw.books().size(), 0u);  // nobody asked for the BTC book
}

TEST_F(GatewayTest, SubscriberMayLeaveOrJoinFromInsideDeliver) {
  load_markets();
  auto a = std::make_shared<Recorder>();
  auto b = std::make_shared<Recorder>();
  auto c = std::make_shared<Recorder>();
  auto late = std::make_shared<Recorder>();
  SubscriptionId ida = 0;
  bool joined = false;
  a->on_deliver = [&] { gw.unsubscribe(ida); };
  b->on_deliver = [&] {
    if (!joined) {
      joined = true;
      sub(kBtc, DataType::orderbook, late);
    }
  };
  ida = sub(kBtc, DataType::orderbook, a);
  sub(kBtc, DataType::orderbook, b);
  sub(kBtc, DataType::orderbook, c);
  a.reset();  // the gateway holds the only reference now
  book(test::snapshot(kBtc, 1, {lvl("10", "1")}, {lvl("11", "1")}));
  EXPECT_EQ(b->got.size(), 1u);
  EXPECT_EQ(c->got.size(), 1u);
  EXPECT_EQ(late->got.size(), 1u);  // its own join snapshot, not a second copy
  EXPECT_EQ(gw.subscriber_count(), 3u);
  book(test::update(kBtc, 2, {lvl("10", "2")}, {}));
  EXPECT_EQ(b->got.size(), 2u);
  EXPECT_EQ(c->got.size(), 2u);
  EXPECT_EQ(late->got.size(), 2u);
}

TEST_F(GatewayTest, SnapshotMessageForASlowSubscriber) {
  load_markets();
  uint64_t id = 0;
  EXPECT_EQ(gw.snapshot_message(kBtc, &id), nullptr);
  auto a = std::make_shared<Recorder>();
  sub(kBtc, DataType::orderbook, a);
  book(test::snapshot(kBtc, 7, {lvl("10", "1")}, {lvl("11", "1")}));
  book(test::update(kBtc, 8, {lvl("10.5", "1")}, {}));
  auto msg = gw.snapshot_message(kBtc, &id);
  ASSERT_NE(msg, nullptr);
  EXPECT_EQ(id, 8u);
  const json j = json::parse(*msg);
  EXPECT_EQ(j["snapshot"], true);
  EXPECT_EQ(j["updateId"], 8);
  EXPECT_EQ(j["bids"].size(), 2u);
  EXPECT_EQ(j["bids"][0][0].get<double>(), 10.5);
}

TEST_F(GatewayTest, RestOrderbookValidates) {
  EXPECT_EQ(json::parse(rest(kBtc, 0).second)["code"], "markets_unavailable");
  load_markets();
  struct Case {
    std::string market;
    uint32_t depth;
    astra_status status;
    const char* code;
  };
  for (const Case& c : {Case{"BINANCE-SPOT-BTC", 0, ASTRA_E_INVALID_ARGUMENT, "bad_symbol"},
                        Case{"OKX-SPOT-BTC-USDT", 0, ASTRA_E_NOT_FOUND, "unknown_exchange"},
                        Case{"BINANCE-SPOT-XRP-USDT", 0, ASTRA_E_NOT_FOUND, "unknown_market"},
                        Case{kBtc, 5001, ASTRA_E_INVALID_ARGUMENT, "bad_depth"}}) {
    auto [status, body] = rest(c.market, c.depth);
    EXPECT_EQ(status, c.status) << c.market;
    const json j = json::parse(body);
    EXPECT_EQ(j["code"], c.code) << c.market;
    EXPECT_TRUE(j["message"].is_string());
  }
  EXPECT_TRUE(venue->calls.empty());
}

TEST_F(GatewayTest, RestOrderbookFromTheLiveBook) {
  load_markets();
  auto a = std::make_shared<Recorder>();
  sub(kBtc, DataType::orderbook, a);
  book(test::snapshot(kBtc, 42, {lvl("10.00", "1"), lvl("9.50", "2"), lvl("9", "3")},
                      {lvl("10.10", "1.000")}));
  auto [status, body] = rest(kBtc, 2);
  ASSERT_EQ(status, ASTRA_OK);
  const json j = json::parse(body);
  EXPECT_EQ(j["market"], kBtc);
  EXPECT_EQ(j["updateId"], 42);
  EXPECT_EQ(j["time"], 1000);
  EXPECT_EQ(j["bids"].size(), 2u);
  EXPECT_NE(body.find("\"bids\":[[10.00,1],[9.50,2]],\"asks\":[[10.10,1.000]]"), std::string::npos)
      << body;
  EXPECT_EQ(count_calls("rest:" + kBtc + ":2"), 0u);
  EXPECT_EQ(rest(kBtc, 5000).first, ASTRA_OK);
}

TEST_F(GatewayTest, RestOrderbookFromTheVenueIsNormalized) {
  load_markets();
  venue->book_json =
      R"({"market":"BINANCE-SPOT-BTC-USDT","updateId":77,)"
      R"("bids":[["9.50","2"],["10.00","1.50"],["8","0"]],"asks":[["10.10","3"],[11,"1"]]})";
  auto [status, body] = rest(kBtc, 0);
  ASSERT_EQ(status, ASTRA_OK) << body;
  EXPECT_EQ(count_calls("rest:" + kBtc + ":100"), 1u);
  const json j = json::parse(body);
  EXPECT_EQ(j["updateId"], 77);
  EXPECT_NE(body.find("\"bids\":[[10.00,1.50],[9.50,2]],\"asks\":[[10.10,3],[11,1]]"),
            std::string::npos)
      << body;

  // Depth applies to the venue's answer too.
  auto [s1, limited] = rest(kBtc, 1);
  ASSERT_EQ(s1, ASTRA_OK);
  EXPECT_EQ(json::parse(limited)["bids"].size(), 1u);

  for (const char* bad :
       {"garbage", R"({"bids":[["1.5","1"]]})", R"({"bids":[[1.5,"1"]],"asks":[]})",
        R"({"bids":[["x","1"]],"asks":[]})", R"({"bids":[["12","1"]],"asks":[["11","1"]]})"}) {
    venue->book_json = bad;
    auto [s, b] = rest(kBtc, 0);
    EXPECT_EQ(s, ASTRA_E_UPSTREAM) << bad;
    EXPECT_EQ(json::parse(b)["code"], "bad_upstream_book") << bad;
  }
  venue->book_status = ASTRA_E_RESOURCE_EXHAUSTED;
  venue->book_json = R"({"code":"rate_limited","message":"slow down"})";
  auto [s2, err] = rest(kBtc, 0);
  EXPECT_EQ(s2, ASTRA_E_RESOURCE_EXHAUSTED);
  EXPECT_EQ(json::parse(err)["code"], "rate_limited");
}

// --- GET /orderbook from the snapshot the engine publishes (orderbook_from_snapshot) ---

// The answer the engine thread gives for the live book, next to the one any thread gets.
TEST_F(GatewayTest, RestSnapshotAnswersExactlyAsTheLiveBook) {
  load_markets();
  auto a = std::make_shared<Recorder>();
  sub(kBtc, DataType::orderbook, a);
  EXPECT_FALSE(gw.orderbook_from_snapshot(kBtc, 0));  // not in sync yet
  book(test::snapshot(kBtc, 42, {lvl("10.00", "1"), lvl("9.50", "2"), lvl("9", "3")},
                      {lvl("10.10", "1.000")}));
  // Not asked for over REST yet: nothing is published (no cost for markets nobody polls).
  EXPECT_FALSE(gw.orderbook_from_snapshot(kBtc, 2));
  ASSERT_EQ(rest(kBtc, 2).first, ASTRA_OK);  // validates the market, starts publishing
  for (uint32_t depth : {1u, 2u, 3u, 0u, 100u, 5000u}) {
    auto fast = gw.orderbook_from_snapshot(kBtc, depth);
    ASSERT_TRUE(fast) << depth;
    EXPECT_EQ(*fast, rest(kBtc, depth).second) << depth;
  }
  book(test::update(kBtc, 43, {lvl("9.50", "0"), lvl("9.75", "4")}, {lvl("10.20", "5")}));
  auto fast = gw.orderbook_from_snapshot(kBtc, 2);
  ASSERT_TRUE(fast);
  EXPECT_EQ(*fast, rest(kBtc, 2).second);
  const json j = json::parse(*fast);
  EXPECT_EQ(j["updateId"], 43);
  EXPECT_EQ(j["time"], 2000);
  EXPECT_NE(fast->find("\"bids\":[[10.00,1],[9.75,4]],\"asks\":[[10.10,1.000],[10.20,5]]"),
            std::string::npos)
      << *fast;
  // Unknown or malformed markets are never in it: the engine path answers (and validates).
  EXPECT_FALSE(gw.orderbook_from_snapshot(kEth, 0));
  EXPECT_FALSE(gw.orderbook_from_snapshot("BINANCE-SPOT-BTC", 0));
  EXPECT_EQ(venue->calls.size(), 1u);  // only the subscription: the venue was never asked
}

TEST_F(GatewayTest, RestSnapshotDepthLimits) {
  load_markets();
  auto a = std::make_shared<Recorder>();
  sub(kBtc, DataType::orderbook, a);
  std::vector<astra_book_level> bids;
  for (int i = 0; i < 150; ++i)
    bids.push_back(lvl(std::to_string(1000 - i), "1"));
  book(test::snapshot(kBtc, 1, bids, {lvl("2000", "1"), lvl("2001", "1")}));
  ASSERT_EQ(rest(kBtc, 0).first, ASTRA_OK);

  // Up to kSnapshotDepth levels per side from memory; deeper needs the whole book: the engine.
  ASSERT_EQ(Gateway::kSnapshotDepth, 100u);
  auto top100 = gw.orderbook_from_snapshot(kBtc, 100);
  ASSERT_TRUE(top100);
  EXPECT_EQ(json::parse(*top100)["bids"].size(), 100u);
  EXPECT_EQ(json::parse(*top100)["asks"].size(), 2u);
  EXPECT_EQ(gw.orderbook_from_snapshot(kBtc, 0), top100);  // 0: the default, 100
  EXPECT_FALSE(gw.orderbook_from_snapshot(kBtc, 101));
  EXPECT_EQ(json::parse(rest(kBtc, 101).second)["bids"].size(), 101u);
  EXPECT_FALSE(gw.orderbook_from_snapshot(kBtc, 5001));  // the engine path says bad_depth
  EXPECT_EQ(json::parse(rest(kBtc, 5001).second)["code"], "bad_depth");

  // A book no deeper than kSnapshotDepth is held whole: any depth is answered from memory.
  book(test::snapshot(kBtc, 2, {lvl("10", "1"), lvl("9", "1")}, {lvl("11", "1")}));
  for (uint32_t depth : {1u, 2u, 3u, 101u, 5000u}) {
    auto fast = gw.orderbook_from_snapshot(kBtc, depth);
    ASSERT_TRUE(fast) << depth;
    EXPECT_EQ(*fast, rest(kBtc, depth).second) << depth;
  }
  EXPECT_EQ(json::parse(*gw.orderbook_from_snapshot(kBtc, 1))["bids"].size(), 1u);
}

TEST_F(GatewayTest, RestSnapshotNeverServesABookThatIsNotInSync) {
  load_markets();
  auto a = std::make_shared<Recorder>();
  const auto id = sub(kBtc, DataType::orderbook, a);
  book(test::snapshot(kBtc, 1, {lvl("10", "1")}, {lvl("11", "1")}));
  ASSERT_EQ(rest(kBtc, 0).first, ASTRA_OK);
  ASSERT_TRUE(gw.orderbook_from_snapshot(kBtc, 0));

  // The venue's reset: withdrawn before any client hears of it.
  bool withdrawn_before_delivery = false;
  a->on_deliver = [&] {
    if (a->got.back().kind == MessageKind::book_reset)
      withdrawn_before_delivery = !gw.orderbook_from_snapshot(kBtc, 0);
  };
  book(test::reset(kBtc, ASTRA_RESET_CHECKSUM));
  EXPECT_TRUE(withdrawn_before_delivery);
  EXPECT_FALSE(gw.orderbook_from_snapshot(kBtc, 0));
  book(test::update(kBtc, 2, {lvl("10", "2")}, {}));  // ignored while out of sync
  EXPECT_FALSE(gw.orderbook_from_snapshot(kBtc, 0));
  venue->book_json = R"({"updateId":3,"bids":[["10","1"]],"asks":[["11","1"]]})";
  EXPECT_EQ(rest(kBtc, 0).first, ASTRA_OK);  // the venue's REST snapshot, as before
  EXPECT_EQ(count_calls("rest:" + kBtc + ":100"), 1u);

  // In sync again: published again, with the new book.
  book(test::snapshot(kBtc, 10, {lvl("10", "7")}, {lvl("11", "1")}));
  auto fast = gw.orderbook_from_snapshot(kBtc, 0);
  ASSERT_TRUE(fast);
  EXPECT_EQ(json::parse(*fast)["updateId"], 10);

  // Crossed: the store resets the book; the venue resynchronizes later (not from inside).
  book(test::update(kBtc, 11, {lvl("11", "1")}, {}));
  EXPECT_FALSE(gw.orderbook_from_snapshot(kBtc, 0));
  book(test::snapshot(kBtc, 20, {lvl("10", "1")}, {lvl("11", "1")}));
  ASSERT_TRUE(gw.orderbook_from_snapshot(kBtc, 0));
  // Out of order: same.
  book(test::update(kBtc, 20, {lvl("10", "2")}, {}));
  EXPECT_FALSE(gw.orderbook_from_snapshot(kBtc, 0));
  book(test::snapshot(kBtc, 30, {lvl("10", "1")}, {lvl("11", "1")}));
  ASSERT_TRUE(gw.orderbook_from_snapshot(kBtc, 0));

  // The market list is reloaded: nothing is served until orderbook() has validated it again.
  load_markets();
  EXPECT_FALSE(gw.orderbook_from_snapshot(kBtc, 0));
  ASSERT_EQ(rest(kBtc, 0).first, ASTRA_OK);
  ASSERT_TRUE(gw.orderbook_from_snapshot(kBtc, 0));

  // The last subscriber leaves: once the topic is released the market is not streaming.
  gw.unsubscribe(id);
  ASSERT_TRUE(gw.orderbook_from_snapshot(kBtc, 0));  // still streaming while it lingers
  sched.advance(1000);
  EXPECT_FALSE(gw.orderbook_from_snapshot(kBtc, 0));
  EXPECT_EQ(count_calls("unsub:" + kBtc + ":ORDERBOOK"), 3u);  // two resyncs, the release
}

// Readers on other threads while the engine thread (this one) applies updates: every answer is
// one book state. Each update sets every level's quantity to its own updateId, so levels from one
// update under another's updateId (a torn answer) would show.
TEST_F(GatewayTest, RestSnapshotIsNeverTorn) {
  load_markets();
  auto a = std::make_shared<Recorder>();
  sub(kBtc, DataType::orderbook, a);
  const std::vector<std::string> bid_prices = {"10", "9", "8", "7"};
  const std::vector<std::string> ask_prices = {"11", "12", "13"};
  auto levels = [](const std::vector<std::string>& prices, uint64_t id) {
    std::vector<astra_book_level> out;
    for (const auto& p : prices)
      out.push_back(lvl(p, std::to_string(id)));
    return out;
  };
  book(test::snapshot(kBtc, 1, levels(bid_prices, 1), levels(ask_prices, 1)));
  ASSERT_EQ(rest(kBtc, 0).first, ASTRA_OK);

  constexpr uint64_t kLast = 3000;
  std::atomic<bool> done{false};
  std::atomic<int> torn{0};
  std::atomic<int> answers{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      uint64_t previous = 0;
      while (!done.load()) {
        auto body = gw.orderbook_from_snapshot(kBtc, 3);
        if (!body) {
          ++torn;  // never withdrawn here: the book stays in sync
          continue;
        }
        const json j = json::parse(*body);
        const uint64_t id = j["updateId"].get<uint64_t>();
        bool ok = id >= previous && j["bids"].size() == 3 && j["asks"].size() == 3;
        for (const char* side : {"bids", "asks"})
          for (const auto& l : j[side])
            ok = ok && l[1].get<uint64_t>() == id;
        if (!ok) ++torn;
        previous = id;
        ++answers;
      }
    });
  }
  for (uint64_t id = 2; id <= kLast; ++id)
    book(test::update(kBtc, id, levels(bid_prices, id), levels(ask_prices, id)));
  // A few answers after the last update too.
  const int seen = answers.load();
  while (answers.load() < seen + 10)
    std::this_thread::yield();
  done = true;
  for (auto& r : readers)
    r.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(json::parse(*gw.orderbook_from_snapshot(kBtc, 3))["updateId"], kLast);
}

}  // namespace
}  // namespace astra::core
