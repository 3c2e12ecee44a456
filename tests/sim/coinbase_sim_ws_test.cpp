// The Coinbase simulator's Advanced Trade WebSocket against the documented payloads
// (shared/fixtures/coinbase/advanced_ws_*_doc.json) and the book-sync rule: a snapshot, then
// updates with absolute sizes, every envelope numbered by the connection's sequence_num.
#include "json_shape.hpp"
#include "test_client.hpp"

#include <astra/sim/coinbase/coinbase_sim.hpp>
#include <common/shared_dir.hpp>

#include <gtest/gtest.h>

#include <map>

namespace astra::sim::test {
namespace {

using coinbase::CoinbaseSim;
using Levels = std::map<std::string, std::string>;  // price text -> size text

std::unique_ptr<CoinbaseSim> start(coinbase::Options o) {
  std::string error;
  auto sim = CoinbaseSim::start(std::move(o), error);
  EXPECT_TRUE(sim) << error;
  return sim;
}

coinbase::Options paused(uint64_t seed = 9) {
  coinbase::Options o;
  o.seed = seed;
  o.start_paused = true;
  o.heartbeat_interval = std::chrono::milliseconds(50);
  return o;
}

std::string subscribe(const std::string& channel, const std::string& product,
                      const char* type = "subscribe") {
  ojson j;
  j["type"] = type;
  j["product_ids"] = {product};
  j["channel"] = channel;
  return j.dump();
}

// What a client keeps: the book of one product from l2_data, and the envelope sequence.
struct Reader {
  WsClient ws;
  Levels bids, asks;
  int64_t last_seq = -1;
  int gaps = 0;
  int snapshots = 0;
  std::vector<ojson> frames;

  // Reads one envelope; applies l2_data of `product`. False on timeout.
  bool next(const std::string& product) {
    auto text = ws.read();
    if (!text) return false;
    apply(*text, product);
    return true;
  }
  // Sends a subscribe / unsubscribe; its `subscriptions` answer is awaited by the next drain().
  bool request(const std::string& text) {
    ++pending_acks;
    return ws.send(text);
  }
  // Reads until every request so far was answered, after a barrier request (an unsubscribe of
  // nothing held): the simulator handles a connection's messages in order, so everything it
  // queued before the barrier's answer has then arrived. (A read that times out would cancel
  // the socket, so the reads are bounded by count, not by waiting for silence.)
  void drain(const std::string& product) {
    ASSERT_TRUE(request(subscribe("market_trades", "ETH-PERP-INTX", "unsubscribe")));
    for (int i = 0; i < 100000 && pending_acks > 0; ++i)
      ASSERT_TRUE(next(product)) << ws.last_error.message();
    ASSERT_EQ(pending_acks, 0);
  }

  int pending_acks = 0;

 private:
  void apply(const std::string& text, const std::string& product) {
    ojson f = ojson::parse(text);
    if (f.contains("sequence_num")) {
      const int64_t seq = f["sequence_num"].get<int64_t>();
      if (last_seq >= 0 && seq != last_seq + 1) ++gaps;
      last_seq = seq;
    }
    if (f.value("channel", "") == "l2_data") {
      for (const auto& e : f["events"]) {
        if (e["product_id"] != product) continue;
        if (e["type"] == "snapshot") {
          ++snapshots;
          bids.clear();
          asks.clear();
        }
        for (const auto& u : e["updates"]) {
          Levels& side = u["side"] == "bid" ? bids : asks;
          const std::string price = u["price_level"];
          const std::string qty = u["new_quantity"];
          if (qty == "0")
            side.erase(price);
          else
            side[price] = qty;
        }
      }
    }
    if (f.value("channel", "") == "subscriptions") --pending_acks;
    frames.push_back(std::move(f));
  }
};

Levels as_map(const std::vector<std::pair<std::string, std::string>>& levels) {
  return Levels(levels.begin(), levels.end());
}

// Heartbeats are excluded so that a paused simulator sends nothing else.
coinbase::Options quiet_paused(uint64_t seed = 9) {
  coinbase::Options o = paused(seed);
  o.heartbeat_interval = std::chrono::milliseconds(60000);
  return o;
}

TEST(CoinbaseSimWs, EnvelopesHaveTheDocumentedShapes) {
  ASTRA_REQUIRE_SHARED(l2_doc, "fixtures/coinbase/advanced_ws_level2_snapshot_doc.json");
  ASTRA_REQUIRE_SHARED(trades_doc, "fixtures/coinbase/advanced_ws_market_trades_doc.json");
  ASTRA_REQUIRE_SHARED(hb_doc, "fixtures/coinbase/advanced_ws_heartbeats_doc.json");
  auto sim = start(paused());
  ASSERT_TRUE(sim);
  sim->step(30);  // some trades for the market_trades snapshot
  Reader r;
  ASSERT_TRUE(r.ws.connect(sim->port(), "/"));
  ASSERT_TRUE(r.request(subscribe("level2", "BTC-USD")));
  ASSERT_TRUE(r.request(subscribe("market_trades", "BTC-USD")));
  ASSERT_TRUE(r.request(subscribe("heartbeats", "BTC-USD")));
  sim->step(10);
  r.drain("BTC-USD");
  auto has_heartbeat = [&] {
    for (const auto& f : r.frames)
      if (f["channel"] == "heartbeats") return true;
    return false;
  };
  for (int i = 0; i < 100 && !has_heartbeat(); ++i)  // 50 ms apart
    ASSERT_TRUE(r.next("BTC-USD")) << r.ws.last_error.message();

  const ojson l2_real = read_json(l2_doc.string());
  const ojson trades_real = read_json(trades_doc.string());
  const ojson heartbeat_real = read_json(hb_doc.string());
  ASSERT_EQ(r.frames[0]["channel"], "l2_data");
  EXPECT_EQ(r.frames[0]["sequence_num"], 0) << "a connection's first envelope is number 0";
  EXPECT_EQ(r.frames[0]["events"][0]["type"], "snapshot");
  int l2 = 0, trades = 0, beats = 0, subs = 0;
  for (const auto& f : r.frames) {
    const std::string ch = f["channel"];
    if (ch == "l2_data") {
      ++l2;
      EXPECT_EQ(shape_problems(f, l2_real), "") << f.dump().substr(0, 300);
      for (const auto& u : f["events"][0]["updates"]) {
        EXPECT_TRUE(u["side"] == "bid" || u["side"] == "offer") << u;
        if (f["events"][0]["type"] == "snapshot") {
          EXPECT_EQ(u["event_time"], "1970-01-01T00:00:00Z");
        }
      }
    } else if (ch == "market_trades") {
      ++trades;
      EXPECT_EQ(shape_problems(f, trades_real), "") << f.dump().substr(0, 300);
    } else if (ch == "heartbeats") {
      ++beats;
      EXPECT_EQ(shape_problems(f, heartbeat_real), "") << f;
    } else if (ch == "subscriptions") {
      ++subs;
      EXPECT_TRUE(f["events"][0]["subscriptions"].is_object()) << f;
    } else {
      ADD_FAILURE() << "unexpected " << f;
    }
  }
  EXPECT_GT(l2, 1);
  EXPECT_GT(trades, 0);
  EXPECT_GT(beats, 0);
  EXPECT_EQ(subs, 4) << "three subscribes and the barrier";
  EXPECT_EQ(r.gaps, 0) << "sequence_num counts every envelope of the connection";
}

TEST(CoinbaseSimWs, SnapshotAndUpdatesReproduceTheBook) {
  auto sim = start(quiet_paused());
  ASSERT_TRUE(sim);
  Reader r;
  ASSERT_TRUE(r.ws.connect(sim->port(), "/"));
  ASSERT_TRUE(r.request(subscribe("level2", "ETH-USD")));
  for (int round = 0; round < 3; ++round) {
    sim->step(25);
    r.drain("ETH-USD");
    const auto view = sim->book("ETH-USD");
    ASSERT_TRUE(view);
    EXPECT_EQ(r.bids, as_map(view->bids)) << "round " << round;
    EXPECT_EQ(r.asks, as_map(view->asks)) << "round " << round;
  }
  EXPECT_EQ(r.snapshots, 1);
  EXPECT_EQ(r.gaps, 0);
  EXPECT_GT(r.frames.size(), 40u);
}

TEST(CoinbaseSimWs, DroppedUpdateLeavesASequenceGapAndAResubscribeHeals) {
  coinbase::Options o = quiet_paused(13);
  auto sim = start(o);
  ASSERT_TRUE(sim);
  Reader btc, eth;
  ASSERT_TRUE(btc.ws.connect(sim->port(), "/"));
  ASSERT_TRUE(eth.ws.connect(sim->port(), "/"));
  ASSERT_TRUE(btc.request(subscribe("level2", "BTC-USD")));
  ASSERT_TRUE(eth.request(subscribe("level2", "ETH-USD")));
  sim->step(5);
  btc.drain("BTC-USD");
  eth.drain("ETH-USD");
  ASSERT_EQ(btc.gaps, 0);
  EXPECT_FALSE(sim->drop_next_update("NOPE-USD"));
  ASSERT_TRUE(sim->drop_next_update("BTC-USD"));
  sim->step(5);
  btc.drain("BTC-USD");
  eth.drain("ETH-USD");
  EXPECT_EQ(btc.gaps, 1) << "exactly one envelope missing";
  EXPECT_EQ(eth.gaps, 0) << "another connection is not affected";
  EXPECT_EQ(sim->stats().updates_dropped, 1u);
  EXPECT_NE(btc.bids == as_map(sim->book("BTC-USD")->bids) &&
                btc.asks == as_map(sim->book("BTC-USD")->asks),
            true)
      << "the lost update must leave the client's book wrong (else the test proves nothing)";
  EXPECT_EQ(eth.bids, as_map(sim->book("ETH-USD")->bids));

  // Unsubscribe + subscribe: a fresh snapshot on the same connection.
  ASSERT_TRUE(btc.request(subscribe("level2", "BTC-USD", "unsubscribe")));
  ASSERT_TRUE(btc.request(subscribe("level2", "BTC-USD")));
  sim->step(3);
  btc.drain("BTC-USD");
  EXPECT_EQ(btc.snapshots, 2);
  EXPECT_EQ(btc.bids, as_map(sim->book("BTC-USD")->bids));
  EXPECT_EQ(btc.asks, as_map(sim->book("BTC-USD")->asks));
  EXPECT_EQ(btc.gaps, 1);
}

TEST(CoinbaseSimWs, TradesCarryTheMakerSideByDefaultAndTheTakerSideWhenAsked) {
  for (const bool maker : {true, false}) {
    coinbase::Options o = quiet_paused(21);
    o.trade_side_is_maker = maker;
    auto sim = start(o);
    ASSERT_TRUE(sim);
    Reader r;
    ASSERT_TRUE(r.ws.connect(sim->port(), "/"));
    ASSERT_TRUE(r.request(subscribe("market_trades", "ETH-USD")));
    sim->step(100);
    r.drain("ETH-USD");
    std::map<std::string, coinbase::TradeRecord> truth;
    for (const auto& t : sim->trades("ETH-USD"))
      truth[t.trade_id] = t;
    int checked = 0, buys = 0;
    for (const auto& f : r.frames) {
      if (f["channel"] != "market_trades" || f["events"][0]["type"] != "update") continue;
      for (const auto& t : f["events"][0]["trades"]) {
        auto it = truth.find(t["trade_id"].get<std::string>());
        ASSERT_NE(it, truth.end()) << t;
        EXPECT_EQ(t["price"], it->second.price);
        EXPECT_EQ(t["size"], it->second.size);
        const bool wire_buy = t["side"] == "BUY";
        EXPECT_EQ(wire_buy, maker ? !it->second.taker_buys : it->second.taker_buys) << t;
        buys += it->second.taker_buys;
        ++checked;
      }
    }
    EXPECT_GT(checked, 10);
    EXPECT_GT(buys, 0);
    EXPECT_LT(buys, checked) << "both taker sides should occur";
  }
}

TEST(CoinbaseSimWs, BadRequestsGetErrorMessages) {
  auto sim = start(quiet_paused());
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/"));
  for (const std::string& bad :
       {std::string("not json"), subscribe("level2", "NOPE-USD"), subscribe("level3", "BTC-USD"),
        std::string(R"({"type":"subscribe","product_ids":["BTC-USD"]})")}) {
    ASSERT_TRUE(ws.send(bad));
    auto text = ws.read();
    ASSERT_TRUE(text) << bad;
    const ojson e = ojson::parse(*text);
    EXPECT_EQ(e["type"], "error") << bad;
    EXPECT_TRUE(e["message"].is_string());
  }
  WsClient other;
  EXPECT_FALSE(other.connect(sim->port(), "/somewhere")) << "the feed lives at /";
}

}  // namespace
}  // namespace astra::sim::test
