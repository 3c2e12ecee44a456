// The Binance simulator's WebSocket streams against real Binance payloads and the documented
// spot book-sync rule.
#include "json_shape.hpp"
#include "local_book.hpp"
#include "test_client.hpp"

#include <astra/sim/binance/binance_sim.hpp>
#include <common/shared_dir.hpp>

#include <gtest/gtest.h>

#include <thread>

namespace astra::sim::test {
namespace {

using binance::BinanceSim;

std::unique_ptr<BinanceSim> start(binance::Options options) {
  std::string error;
  auto sim = BinanceSim::start(std::move(options), error);
  EXPECT_TRUE(sim) << error;
  return sim;
}

binance::Options paused(std::vector<std::string> symbols, uint64_t seed = 5) {
  binance::Options o;
  o.symbols = std::move(symbols);
  o.seed = seed;
  o.start_paused = true;
  return o;
}

ojson snapshot(uint16_t port, const std::string& symbol) {
  auto res = http_get(port, "/api/v3/depth?symbol=" + symbol + "&limit=5000");
  EXPECT_TRUE(res && res->status == 200);
  return res ? ojson::parse(res->body) : ojson();
}

// Reads combined-stream frames until the depth stream of `symbol` reaches update id `target`.
std::vector<ojson> read_until(WsClient& ws, const std::string& depth_stream, uint64_t target) {
  std::vector<ojson> frames;
  for (int i = 0; i < 20000; ++i) {
    auto text = ws.read();
    if (!text) {
      ADD_FAILURE() << "no frame: " << ws.last_error.message();
      break;
    }
    frames.push_back(ojson::parse(*text));
    const ojson& f = frames.back();
    if (f.value("stream", "") == depth_stream && f["data"]["u"].get<uint64_t>() >= target) break;
  }
  return frames;
}

void expect_same_book(const LocalBook& local, const binance::BookView& sim) {
  EXPECT_EQ(local.last_update_id(), sim.last_update_id);
  EXPECT_EQ(local.bids(), sim.bids);
  EXPECT_EQ(local.asks(), sim.asks);
}

TEST(BinanceSimWs, DiffsOnASnapshotReproduceTheBook) {
  ASTRA_REQUIRE_SHARED(recorded, "fixtures/binance/ws_spot_depth_diff_NKNUSDT.jsonl");
  auto sim = start(paused({"BTCUSDT", "ETHUSDT"}));
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(
      sim->port(), "/stream?streams=btcusdt@depth@100ms/btcusdt@aggTrade/ethusdt@depth@100ms"));
  sim->step(5);  // events the client buffers before the snapshot
  const ojson snap = snapshot(sim->port(), "BTCUSDT");
  ASSERT_LT(snap["bids"].size() + snap["asks"].size(), 5000u) << "snapshot must be the full book";
  sim->step(40);
  const auto book = sim->book("BTCUSDT");
  ASSERT_TRUE(book);
  const auto frames = read_until(ws, "btcusdt@depth@100ms", book->last_update_id);

  const ojson real = read_full_depth_line(recorded);
  ASSERT_TRUE(real.is_object());
  LocalBook local;
  local.load_snapshot(snap);
  int depth_events = 0;
  for (const auto& f : frames) {
    if (f["stream"] == "btcusdt@depth@100ms" || f["stream"] == "ethusdt@depth@100ms") {
      ++depth_events;
      EXPECT_EQ(shape_problems(f, real), "") << f;
      for (const char* side : {"b", "a"})
        for (const auto& l : f["data"][side])
          EXPECT_TRUE(has_digits(l[0], 8) && has_digits(l[1], 8)) << l;
    }
    if (f["stream"] != "btcusdt@depth@100ms") continue;
    EXPECT_EQ(f["data"]["s"], "BTCUSDT");
    const std::string problem = local.apply(f["data"]);
    ASSERT_EQ(problem, "");
  }
  EXPECT_GT(depth_events, 60);
  EXPECT_GT(local.dropped, 0) << "events before the snapshot must be dropped by the rule";
  EXPECT_GT(local.applied, 30);
  expect_same_book(local, *book);
}

TEST(BinanceSimWs, SyncsWhileTheFlowRuns) {
  binance::Options o;
  o.symbols = {"NKNUSDT"};
  o.seed = 77;
  o.rate = std::chrono::milliseconds(5);
  auto sim = start(o);
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/ws/nknusdt@depth@100ms"));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  const ojson snap = snapshot(sim->port(), "NKNUSDT");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  sim->pause();
  const auto book = sim->book("NKNUSDT");
  ASSERT_TRUE(book);
  LocalBook local;
  local.load_snapshot(snap);
  for (int i = 0; i < 20000 && local.last_update_id() < book->last_update_id; ++i) {
    auto text = ws.read();
    ASSERT_TRUE(text) << ws.last_error.message();
    const ojson event = ojson::parse(*text);
    ASSERT_EQ(event["e"], "depthUpdate");  // raw stream: no wrapper
    ASSERT_EQ(local.apply(event), "");
  }
  EXPECT_GT(local.applied, 3);
  expect_same_book(local, *book);
}

TEST(BinanceSimWs, AggTradesMatchTheTakerSideAndTheBookChange) {
  ASTRA_REQUIRE_SHARED(recorded, "fixtures/binance/ws_spot_aggtrade.jsonl");
  ASTRA_REQUIRE_SHARED(documented, "fixtures/binance/docs_ws_aggtrade_event.json");
  binance::Options o = paused({"NKNUSDT"}, 3);
  o.actions_per_tick = 1;  // one order per tick: each diff shows exactly what it traded
  auto sim = start(o);
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/stream?streams=nknusdt@aggTrade/nknusdt@depth@100ms"));
  LocalBook local;
  local.load_snapshot(snapshot(sim->port(), "NKNUSDT"));
  sim->step(400);
  const auto book = sim->book("NKNUSDT");
  const auto frames = read_until(ws, "nknusdt@depth@100ms", book->last_update_id);
  const ojson real = read_first_jsonl(recorded);
  const ojson doc = read_json(documented);

  std::vector<ojson> pending;  // this tick's aggTrades, before its diff
  int trades = 0;
  int64_t prev_agg = -1;
  int64_t prev_last = -1;
  for (const auto& f : frames) {
    const ojson& d = f["data"];
    if (f["stream"] == "nknusdt@aggTrade") {
      EXPECT_EQ(shape_problems(f, real), "") << f;
      EXPECT_EQ(shape_problems(d, doc), "") << d;
      EXPECT_TRUE(has_digits(d["p"], 8) && has_digits(d["q"], 8)) << d;
      if (prev_agg >= 0) {
        EXPECT_EQ(d["a"].get<int64_t>(), prev_agg + 1);
      }
      if (prev_last >= 0) {
        EXPECT_EQ(d["f"].get<int64_t>(), prev_last + 1);
      }
      EXPECT_LE(d["f"].get<int64_t>(), d["l"].get<int64_t>());
      prev_agg = d["a"].get<int64_t>();
      prev_last = d["l"].get<int64_t>();
      pending.push_back(d);
      ++trades;
      continue;
    }
    // The diff of the tick that made `pending`: m = buyer is maker, so m=true means a seller
    // took bids and m=false a buyer took asks. The first fill is at the maker side's best, and
    // each maker level lost exactly the traded quantity.
    std::map<std::string, int64_t> traded;
    for (size_t i = 0; i < pending.size(); ++i) {
      const bool buyer_maker = pending[i]["m"].get<bool>();
      EXPECT_EQ(buyer_maker, pending[0]["m"].get<bool>()) << "one order per tick, one side";
      const std::string p = pending[i]["p"].get<std::string>();
      if (i == 0) {
        EXPECT_EQ(p, buyer_maker ? local.best_bid() : local.best_ask());
      }
      traded[p] += dec(pending[i]["q"].get<std::string>()).mantissa;
    }
    for (const auto& [price, qty] : traded) {
      const bool buyer_maker = pending[0]["m"].get<bool>();
      const std::string before = buyer_maker ? local.bid_qty(price) : local.ask_qty(price);
      std::string after = before;
      for (const auto& l : d[buyer_maker ? "b" : "a"])
        if (l[0] == price) after = l[1].get<std::string>();
      EXPECT_EQ(dec(before).mantissa - dec(after).mantissa, qty)
          << "price " << price << " before " << before << " after " << after;
    }
    pending.clear();
    ASSERT_EQ(local.apply(d), "");
  }
  EXPECT_GT(trades, 10);
  expect_same_book(local, *book);
}

TEST(BinanceSimWs, TradeStreamHasTheDocumentedShape) {
  ASTRA_REQUIRE_SHARED(documented, "fixtures/binance/docs_ws_trade_event.json");
  auto sim = start(paused({"BTCUSDT"}));
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/ws/btcusdt@trade"));
  sim->step(60);
  const ojson doc = read_json(documented);
  auto text = ws.read();
  ASSERT_TRUE(text) << ws.last_error.message();
  const ojson t = ojson::parse(*text);
  EXPECT_EQ(shape_problems(t, doc), "") << t;
  EXPECT_EQ(t["e"], "trade");
}

// Frames with the wall-clock fields removed.
std::vector<ojson> timeless(std::vector<ojson> frames) {
  for (auto& f : frames) {
    f["data"].erase("E");
    f["data"].erase("T");
  }
  return frames;
}

std::vector<ojson> run_seed(uint64_t seed) {
  auto sim = start(paused({"BTCUSDT", "NKNUSDT"}, seed));
  if (!sim) return {};
  WsClient ws;
  EXPECT_TRUE(ws.connect(sim->port(),
                         "/stream?streams=btcusdt@depth@100ms/btcusdt@aggTrade/btcusdt@trade/"
                         "nknusdt@depth@100ms"));
  sim->step(50);
  return timeless(read_until(ws, "nknusdt@depth@100ms", sim->book("NKNUSDT")->last_update_id));
}

TEST(BinanceSimWs, SameSeedSameEvents) {
  const auto a = run_seed(2024);
  const auto b = run_seed(2024);
  ASSERT_GT(a.size(), 100u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, run_seed(2025));
}

TEST(BinanceSimWs, LiveSubscribeListAndUnsubscribe) {
  ASTRA_REQUIRE_SHARED(request_path, "fixtures/binance/docs_ws_subscribe_request.json");
  ASTRA_REQUIRE_SHARED(response_path, "fixtures/binance/docs_ws_subscribe_response.json");
  auto sim = start(paused({"BTCUSDT"}));
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/ws"));
  // The documented request subscribes btcusdt@aggTrade and btcusdt@depth (1000 ms).
  ASSERT_TRUE(ws.send(read_text(request_path)));
  auto ack = ws.read();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ojson::parse(*ack), read_json(response_path));

  ASSERT_TRUE(ws.send(R"({"method":"LIST_SUBSCRIPTIONS","id":"list-1"})"));
  auto list = ws.read();
  ASSERT_TRUE(list);
  EXPECT_EQ(ojson::parse(*list),
            ojson::parse(R"({"result":["btcusdt@aggTrade","btcusdt@depth"],"id":"list-1"})"));

  sim->step(10);  // 10 ticks of 100 ms: one 1000 ms diff
  int depth = 0;
  for (int i = 0; i < 200 && depth == 0; ++i) {
    auto text = ws.read();
    ASSERT_TRUE(text);
    const ojson e = ojson::parse(*text);
    ASSERT_TRUE(e.contains("e")) << "raw streams are not wrapped: " << e;
    if (e["e"] == "depthUpdate") ++depth;
  }
  EXPECT_EQ(depth, 1);

  ASSERT_TRUE(
      ws.send(R"({"method":"UNSUBSCRIBE","params":["btcusdt@aggTrade","btcusdt@depth"],"id":7})"));
  auto unsub = ws.read();
  ASSERT_TRUE(unsub);
  EXPECT_EQ(ojson::parse(*unsub), ojson::parse(R"({"result":null,"id":7})"));
  sim->step(20);
  // Frames are ordered: had anything been sent after the unsubscribe, it would come first.
  ASSERT_TRUE(ws.send(R"({"method":"LIST_SUBSCRIPTIONS","id":8})"));
  auto empty = ws.read();
  ASSERT_TRUE(empty);
  EXPECT_EQ(ojson::parse(*empty), ojson::parse(R"({"result":[],"id":8})"));
}

TEST(BinanceSimWs, BadRequestsGetDocumentedErrors) {
  auto sim = start(paused({"BTCUSDT"}));
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/ws"));
  auto ask = [&](const std::string& text) {
    EXPECT_TRUE(ws.send(text));
    auto reply = ws.read();
    return reply ? ojson::parse(*reply) : ojson();
  };
  EXPECT_EQ(ask("{not json")["code"], 3);
  EXPECT_EQ(ask(R"({"method":"SUBSCRIBEX","params":[],"id":1})")["code"], 2);
  EXPECT_EQ(ask(R"({"params":[],"id":1})")["code"], 2);
  EXPECT_EQ(ask(R"({"method":"SUBSCRIBE","params":[],"id":{"x":1}})")["code"], 2);
  EXPECT_EQ(ask(R"({"method":"GET_PROPERTY","params":["combined"],"id":2})"),
            ojson::parse(R"({"result":false,"id":2})"));
  EXPECT_EQ(ask(R"({"method":"SET_PROPERTY","params":["combined",true],"id":3})"),
            ojson::parse(R"({"result":null,"id":3})"));
  EXPECT_EQ(ask(R"({"method":"GET_PROPERTY","params":["nope"],"id":4})")["code"], 0);
  // The connection survives bad requests.
  EXPECT_EQ(ask(R"({"method":"LIST_SUBSCRIPTIONS","id":null})"),
            ojson::parse(R"({"result":[],"id":null})"));
}

TEST(BinanceSimWs, RefusesUnknownPaths) {
  auto sim = start(paused({"BTCUSDT"}));
  ASSERT_TRUE(sim);
  WsClient ws;
  EXPECT_FALSE(ws.connect(sim->port(), "/nope"));
}

TEST(BinanceSimWs, PingsAndKeepsAClientThatPongs) {
  binance::Options o;
  o.symbols = {"BTCUSDT"};
  o.rate = std::chrono::milliseconds(10);
  o.ping_interval = std::chrono::milliseconds(40);
  o.pong_timeout = std::chrono::milliseconds(150);
  auto sim = start(o);
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/ws/btcusdt@depth@100ms"));
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  while (std::chrono::steady_clock::now() < until) {
    ASSERT_TRUE(ws.read()) << ws.last_error.message();  // reading answers pings with pongs
  }
  EXPECT_GE(ws.pings_seen, 3);
  EXPECT_GE(sim->stats().ws_pongs_received, 3u);
  EXPECT_EQ(sim->stats().ws_sessions, 1u);
}

TEST(BinanceSimWs, ClosesAClientThatDoesNotPong) {
  binance::Options o = paused({"BTCUSDT"});
  o.ping_interval = std::chrono::milliseconds(20);
  o.pong_timeout = std::chrono::milliseconds(60);
  auto sim = start(o);
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/ws/btcusdt@depth@100ms"));
  for (int i = 0; i < 100 && sim->stats().ws_sessions != 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(sim->stats().ws_sessions, 1u);
  // Not reading means not answering pings. The sim sends a close frame, waits a second for
  // the answer that never comes, and drops the connection.
  for (int i = 0; i < 300 && sim->stats().ws_sessions != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(sim->stats().ws_sessions, 0u);
  EXPECT_GE(sim->stats().ws_pings_sent, 1u);
  EXPECT_FALSE(ws.read());
  EXPECT_NE(ws.last_error, asio::error::timed_out);
}

TEST(BinanceSimWs, ClosesASlowConsumerInsteadOfBuffering) {
  binance::Options o = paused({"BTCUSDT", "ETHUSDT"});
  o.max_queued_messages = 16;
  auto sim = start(o);
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(),
                         "/stream?streams=btcusdt@depth@100ms/ethusdt@depth@100ms/btcusdt@trade/"
                         "ethusdt@trade"));
  for (int i = 0; i < 100 && sim->stats().ws_sessions != 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(sim->stats().ws_sessions, 1u);
  // The client never reads; socket buffers fill, then the queue bound closes the session.
  for (int i = 0; i < 40 && sim->stats().ws_sessions != 0; ++i)
    sim->step(500);
  EXPECT_EQ(sim->stats().ws_sessions, 0u);
}

TEST(BinanceSimWs, StopClosesClientsAndIsIdempotent) {
  auto sim = start(paused({"BTCUSDT"}));
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/ws/btcusdt@depth@100ms"));
  sim->stop();
  EXPECT_FALSE(ws.read());
  sim->stop();
  sim->step(1);  // after stop: runs inline, no crash
  EXPECT_TRUE(sim->book("BTCUSDT"));
}

}  // namespace
}  // namespace astra::sim::test
