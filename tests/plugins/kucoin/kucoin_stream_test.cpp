// The plugin's streams through the FakeHost: the token handshake, pings, the recorded level2
// books (fixture and full capture), a dropped change, trades, garbage frames, REST books.
#include "kucoin_test_support.hpp"

#include <astra/sdk/url.hpp>

#include <set>

namespace kucoin_test {
namespace {

// KuCoin names BCHSV-USDT's base currency BSV: the normalized symbol follows baseCurrency.
constexpr const char* kBchsv = "KUCOIN-SPOT-BSV-USDT";

std::vector<json> of_type(const std::vector<json>& frames, const std::string& type) {
  std::vector<json> out;
  for (const json& f : frames)
    if (f.is_object() && f.value("type", "") == type) out.push_back(f);
  return out;
}

TEST(KucoinHandshake, TokenThenWelcomeThenBatchedSubscribeThenPings) {
  ASTRA_REQUIRE_SHARED(cap, "recordings/kucoin-spot.capture.jsonl");
  ASTRA_REQUIRE_SHARED(bullet, "fixtures/kucoin/docs_ws_bullet_public_response.json");
  FakeHost host(plugin().api());
  create_and_list(host);
  ASSERT_EQ(host.subscribe("KUCOIN-SPOT-ETH-USDT", ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  ASSERT_EQ(host.subscribe("KUCOIN-SPOT-BTC-USDT", ASTRA_DATA_ORDERBOOK), ASTRA_OK);

  // One token request (POST, public), no connection before its answer.
  const auto bullets = host.pending_requests("/api/v1/bullet-public");
  ASSERT_EQ(bullets.size(), 1u);
  EXPECT_EQ(bullets[0]->method, "POST");
  EXPECT_NE(bullets[0]->url.find("127.0.0.1:18090"), std::string::npos);
  EXPECT_TRUE(host.connections().empty());

  const json doc = json::parse(read_file(bullet));
  host.respond(bullets[0]->token, 200, doc.dump());
  ASSERT_EQ(host.connections().size(), 1u);
  const auto& c = host.connections()[0];
  const std::string endpoint = doc["data"]["instanceServers"][0]["endpoint"];
  const std::string token = doc["data"]["token"];
  EXPECT_EQ(c.url.rfind(endpoint + "?token=" + astra::sdk::percent_encode(token), 0), 0u) << c.url;
  EXPECT_NE(c.url.find("&connectId="), std::string::npos);

  host.ws_open_ok(c.id);
  EXPECT_TRUE(host.connection(c.id)->sent.empty()) << "nothing is sent before welcome";
  host.ws_message(c.id, welcome_frame());
  auto sent = sent_json(host, c.id);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["type"], "subscribe");
  EXPECT_EQ(sent[0]["topic"], "/market/level2:BTC-USDT,ETH-USDT");
  EXPECT_EQ(sent[0]["response"], true);
  EXPECT_TRUE(sent[0]["id"].is_string());
  host.ws_message(c.id, json{{"id", sent[0]["id"]}, {"type", "ack"}}.dump());

  // A later subscription goes out at once.
  ASSERT_EQ(host.subscribe("KUCOIN-SPOT-BTC-USDT", ASTRA_DATA_TRADES), ASTRA_OK);
  sent = sent_json(host, c.id);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1]["topic"], "/market/match:BTC-USDT");

  // Pings every pingInterval (18000 ms in the documented answer).
  const int64_t interval = doc["data"]["instanceServers"][0]["pingInterval"];
  const int64_t timeout = doc["data"]["instanceServers"][0]["pingTimeout"];
  host.advance(interval - 1);
  EXPECT_TRUE(of_type(sent_json(host, c.id), "ping").empty());
  host.advance(1);
  auto pings = of_type(sent_json(host, c.id), "ping");
  ASSERT_EQ(pings.size(), 1u);
  EXPECT_TRUE(pings[0]["id"].is_string());
  host.ws_message(c.id, json{{"id", pings[0]["id"]}, {"type", "pong"}}.dump());
  host.advance(interval);
  pings = of_type(sent_json(host, c.id), "ping");
  ASSERT_EQ(pings.size(), 2u);
  EXPECT_FALSE(host.connection(c.id)->closed);

  // No pong within pingTimeout: the connection is dropped and a new token requested.
  host.advance(timeout);
  EXPECT_TRUE(host.connection(c.id)->closed_by_plugin);
  host.advance(1000);
  EXPECT_EQ(host.pending_requests("/api/v1/bullet-public").size(), 1u);
}

TEST(KucoinHandshake, NoWelcomeWithinPingTimeoutReconnects) {
  ASTRA_REQUIRE_SHARED(cap, "recordings/kucoin-spot.capture.jsonl");
  ASTRA_REQUIRE_SHARED(bullet, "fixtures/kucoin/docs_ws_bullet_public_response.json");
  FakeHost host(plugin().api());
  create_and_list(host, {"spot"});
  ASSERT_EQ(host.subscribe("KUCOIN-SPOT-BTC-USDT", ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  host.respond(host.pending_requests("bullet-public")[0]->token, 200, read_file(bullet));
  const uint64_t conn = host.connections().back().id;
  host.ws_open_ok(conn);
  host.advance(9'999);
  EXPECT_FALSE(host.connection(conn)->closed);
  host.advance(1);  // pingTimeout 10000 in the documented answer
  EXPECT_TRUE(host.connection(conn)->closed_by_plugin);
  EXPECT_TRUE(host.connection(conn)->sent.empty());
  host.advance(100);
  EXPECT_EQ(host.pending_requests("bullet-public").size(), 1u);
}

TEST(KucoinHandshake, NoConnectionWhenEverythingWasUnsubscribedBeforeTheToken) {
  ASTRA_REQUIRE_SHARED(cap, "recordings/kucoin-spot.capture.jsonl");
  ASTRA_REQUIRE_SHARED(bullet, "fixtures/kucoin/docs_ws_bullet_public_response.json");
  FakeHost host(plugin().api());
  create_and_list(host, {"spot"});
  ASSERT_EQ(host.subscribe("KUCOIN-SPOT-BTC-USDT", ASTRA_DATA_TRADES), ASTRA_OK);
  ASSERT_EQ(host.unsubscribe("KUCOIN-SPOT-BTC-USDT", ASTRA_DATA_TRADES), ASTRA_OK);
  host.respond(host.pending_requests("bullet-public")[0]->token, 200, read_file(bullet));
  EXPECT_TRUE(host.connections().empty());
  // A new subscription starts a new handshake.
  ASSERT_EQ(host.subscribe("KUCOIN-SPOT-BTC-USDT", ASTRA_DATA_TRADES), ASTRA_OK);
  EXPECT_EQ(host.pending_requests("bullet-public").size(), 1u);
}

TEST(KucoinHandshake, FuturesUsesItsOwnHostAndTopic) {
  ASTRA_REQUIRE_SHARED(bullet, "fixtures/kucoin/docs_futures_bullet_public_response.json");
  ASTRA_REQUIRE_SHARED(cap, "recordings/kucoin-spot.capture.jsonl");
  FakeHost host(plugin().api());
  create_and_list(host);
  ASSERT_EQ(host.subscribe("KUCOIN-PERP-XBT-USDT", ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  ASSERT_EQ(host.subscribe("KUCOIN-PERP-XBT-USDT", ASTRA_DATA_TRADES), ASTRA_OK);
  const auto bullets = host.pending_requests("/api/v1/bullet-public");
  ASSERT_EQ(bullets.size(), 1u);
  EXPECT_NE(bullets[0]->url.find("127.0.0.1:18091"), std::string::npos);
  const uint64_t conn = connect(host, true);
  const auto sent = sent_json(host, conn);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0]["topic"], "/contractMarket/level2:XBTUSDTM");
  EXPECT_EQ(sent[1]["topic"], "/contractMarket/execution:XBTUSDTM");
  // The futures ping interval is the futures token's (50000 ms in the docs).
  host.advance(49'999);
  EXPECT_TRUE(of_type(sent_json(host, conn), "ping").empty());
  host.advance(1);
  EXPECT_EQ(of_type(sent_json(host, conn), "ping").size(), 1u);
}

// The fixture's first 500 frames of BCHSV-USDT over its snapshot: SOURCES.md's stated result.
TEST(KucoinBook, FixtureReplayMatchesSourcesAndSurvivesGarbage) {
  ASTRA_REQUIRE_SHARED(cap, "recordings/kucoin-spot.capture.jsonl");
  ASTRA_REQUIRE_SHARED(frames_file, "fixtures/kucoin/ws_level2_BCHSV-USDT_first500.jsonl");
  ASTRA_REQUIRE_SHARED(snap, "fixtures/kucoin/orderbook_level2_v3_snapshot_BCHSV-USDT.json");
  FakeHost host(plugin().api());
  create_and_list(host, {"spot"});
  ASSERT_EQ(host.subscribe(kBchsv, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  const uint64_t conn = connect(host);
  ASSERT_NE(conn, 0u);
  const auto frames = read_lines(frames_file);
  const std::vector<std::string> garbage = {
      "not json at all",
      R"({"type":"message","topic":"/market/level2:BCHSV-USDT","subject":"trade.l2update","data":{"sequenceStart":"x"}})",
      R"({"type":"message","topic":"/market/level2:BCHSV-USDT","subject":"trade.l2update","data":{"sequenceStart":5,"sequenceEnd":4,"symbol":"BCHSV-USDT","changes":{"asks":[],"bids":[]}}})",
      R"({"type":"message","topic":"/market/level2:BCHSV-USDT","subject":"trade.l2update","data":{"sequenceStart":1,"sequenceEnd":2,"symbol":"BCHSV-USDT","changes":{"asks":[["1.x","2","1"]],"bids":[]}}})",
      R"({"type":"message","topic":"/market/match:BCHSV-USDT","subject":"trade.l3match","data":{"price":"1"}})",
      "[1,2,3]"};
  size_t delivered_garbage = 0;
  for (size_t i = 0; i < frames.size(); ++i) {
    host.ws_message(conn, frames[i]);
    if (i == 40) {
      const auto snaps =
          host.pending_requests("/api/v1/market/orderbook/level2_100?symbol=BCHSV-USDT");
      ASSERT_EQ(snaps.size(), 1u);
      host.respond(snaps[0]->token, 200, read_file(snap));
    }
    if (i % 60 == 30 && delivered_garbage < garbage.size())
      host.ws_message(conn, garbage[delivered_garbage++]);
  }
  host.ws_message(conn, std::string("\x1f\x8b binary", 9), true);
  EXPECT_EQ(host.counter(ASTRA_COUNT_BAD_FRAME), delivered_garbage + 1);

  const auto events = host.books_of(kBchsv);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0]->kind, ASTRA_BOOK_SNAPSHOT);
  EXPECT_EQ(events[0]->update_id, 1613277183892u);
  for (const auto* e : events)
    EXPECT_NE(e->kind, ASTRA_BOOK_RESET);
  EXPECT_EQ(host.counter(ASTRA_COUNT_GAP), 0u);
  EXPECT_EQ(host.counter(ASTRA_COUNT_STALE_DROPPED, kBchsv), 19u);  // SOURCES.md: 19 dropped
  const RefBook book = book_from_events(host, kBchsv);
  // SOURCES.md's final sequence is 1613277184372, carried by a price-"0" no-op only: it moves
  // the sequence and changes no level, so the last emitted UPDATE is the one before it.
  EXPECT_EQ(book.update_id, 1613277184371u);
  EXPECT_EQ(book.best_bid(), "242.473 x 0.18247733");
  EXPECT_EQ(book.best_ask(), "242.901 x 4.51280965");
  EXPECT_FALSE(book.crossed());
}

// Replays the whole capture (8 books with recorded snapshots, plus matches) in time order.
struct Replay {
  std::vector<std::string> symbols;  // venue symbols with a recorded snapshot
  std::map<std::string, std::string> snapshot_body;
  std::vector<json> lines;
};

Replay load_replay() {
  Replay r;
  r.lines = capture_lines();
  for (const json& o : r.lines) {
    if (o["type"] != "http") continue;
    const std::string url = o["url"];
    if (url.find("/orderbook/level2") == std::string::npos) continue;
    const std::string sym = symbol_of_request(url);
    r.symbols.push_back(sym);
    r.snapshot_body[sym] = o["body"];
  }
  return r;
}

// The normalized symbol of a recorded venue symbol, from the recorded symbol list.
std::string market_of(const std::string& venue) {
  static const json symbols = json::parse(capture_http_body("/api/v1/symbols"));
  for (const json& m : symbols["data"])
    if (m["symbol"] == venue)
      return "KUCOIN-SPOT-" + m["baseCurrency"].get<std::string>() + "-" +
             m["quoteCurrency"].get<std::string>();
  return "unknown " + venue;
}

TEST(KucoinBook, RecordedCaptureHasNoFalseGapsNoCrossedBooks) {
  ASTRA_REQUIRE_SHARED(cap, "recordings/kucoin-spot.capture.jsonl");
  const Replay replay = load_replay();
  ASSERT_EQ(replay.symbols.size(), 8u);
  FakeHost host(plugin().api());
  create_and_list(host, {"spot"});
  for (const auto& s : replay.symbols) {
    ASSERT_EQ(host.subscribe(market_of(s), ASTRA_DATA_ORDERBOOK), ASTRA_OK) << s;
    ASSERT_EQ(host.subscribe(market_of(s), ASTRA_DATA_TRADES), ASTRA_OK) << s;
  }
  const uint64_t conn = connect(host);
  ASSERT_NE(conn, 0u);
  const auto sent = sent_json(host, conn);
  ASSERT_EQ(sent.size(), 2u);  // one batched message per topic
  const std::string topic = sent[0]["topic"];
  EXPECT_EQ(std::count(topic.begin(), topic.end(), ','), 7) << topic;

  std::map<std::string, RefBook> books;
  std::map<std::string, uint64_t> last_id;
  size_t seen_events = 0, crossed = 0, not_increasing = 0, checked_at_sources_point = 0;
  size_t trade_frames = 0, taker_checked = 0;
  for (const json& o : replay.lines) {
    const std::string type = o["type"];
    if (type == "http" &&
        o["url"].get<std::string>().find("/orderbook/level2") != std::string::npos) {
      const std::string sym = symbol_of_request(o["url"]);
      const auto pending = host.pending_requests("level2_100?symbol=" + sym);
      ASSERT_EQ(pending.size(), 1u) << sym << ": the stream's first change comes first";
      host.respond(pending[0]->token, 200, replay.snapshot_body.at(sym));
    } else if (type == "ws_recv") {
      const std::string text = o["text"];
      if (text.find("\"welcome\"") != std::string::npos) continue;  // connect() delivered it
      const json frame = json::parse(text);
      const bool match = frame.value("subject", "") == "trade.l3match";
      const size_t trades_before = host.trades().size();
      if (match) {
        // The taker side against the book just before the trade, when the book is older than it.
        const std::string m = market_of(frame["data"]["symbol"]);
        const RefBook& b = books[m];
        const uint64_t trade_seq = std::stoull(frame["data"]["sequence"].get<std::string>());
        if (b.update_id != 0 && b.update_id < trade_seq) {
          astra_decimal price{};
          ASSERT_TRUE(astra::sdk::parse_decimal(frame["data"]["price"].get<std::string>(), price));
          if (frame["data"]["side"] == "sell") {
            EXPECT_LE(astra::sdk::compare_decimal(price, b.bids.rbegin()->first), 0)
                << "a taker sell trades at or below the best bid";
          } else {
            EXPECT_GE(astra::sdk::compare_decimal(price, b.asks.begin()->first), 0)
                << "a taker buy trades at or above the best ask";
          }
          ++taker_checked;
        }
      }
      host.ws_message(conn, text);
      if (match) {
        ++trade_frames;
        ASSERT_EQ(host.trades().size(), trades_before + 1);
        const auto& t = host.trades().back().trades.at(0);
        EXPECT_EQ(t.taker_side, frame["data"]["side"] == "buy" ? uint32_t(ASTRA_SIDE_BUY)
                                                               : uint32_t(ASTRA_SIDE_SELL));
        EXPECT_EQ(t.trade_id, frame["data"]["tradeId"]);
        EXPECT_EQ(t.time_us, int64_t(std::stoull(frame["data"]["time"].get<std::string>()) / 1000));
      }
    }
    for (; seen_events < host.books().size(); ++seen_events) {
      const auto& e = host.books()[seen_events];
      RefBook& b = books[e.market];
      if (e.kind != ASTRA_BOOK_UPDATE) b = RefBook{};
      if (e.kind == ASTRA_BOOK_RESET) continue;
      if (e.update_id <= last_id[e.market]) ++not_increasing;
      last_id[e.market] = e.update_id;
      b.apply(e.bids, e.asks);
      b.update_id = e.update_id;
      if (b.crossed()) ++crossed;
      if (e.market == kBchsv && e.update_id == 1613277184371u) {
        // SOURCES.md's stated state of BCHSV-USDT at 1613277184372 (a price-"0" no-op away).
        EXPECT_EQ(b.best_bid(), "242.473 x 0.18247733");
        EXPECT_EQ(b.best_ask(), "242.901 x 4.51280965");
        ++checked_at_sources_point;
      }
    }
  }
  EXPECT_EQ(host.counter(ASTRA_COUNT_GAP), 0u);
  EXPECT_EQ(host.counter(ASTRA_COUNT_BAD_FRAME), 0u);
  EXPECT_EQ(crossed, 0u);
  EXPECT_EQ(not_increasing, 0u);
  EXPECT_EQ(checked_at_sources_point, 1u);
  for (const auto& s : replay.symbols) {
    size_t snapshots = 0, resets = 0;
    for (const auto* e : host.books_of(market_of(s))) {
      snapshots += e->kind == ASTRA_BOOK_SNAPSHOT;
      resets += e->kind == ASTRA_BOOK_RESET;
    }
    EXPECT_EQ(snapshots, 1u) << s;
    EXPECT_EQ(resets, 0u) << s;
  }
  EXPECT_EQ(books[kBchsv].update_id, 1613277186234u);  // the recording's last BCHSV sequenceEnd
  EXPECT_EQ(trade_frames, 18u);
  EXPECT_EQ(taker_checked, 4u);  // 1 buy and 3 sells have a book older than the trade
}

TEST(KucoinBook, DroppedChangeResetsThatMarketOnlyAndResyncs) {
  ASTRA_REQUIRE_SHARED(cap, "recordings/kucoin-spot.capture.jsonl");
  const Replay replay = load_replay();
  // Two instances in lockstep: `clean` sees everything, `lossy` misses one BCHSV change. The
  // resync snapshot for `lossy` is `clean`'s book at that moment (real data, not invented).
  FakeHost clean(plugin().api()), lossy(plugin().api());
  const std::string other = "KUCOIN-SPOT-ANKR-BTC";
  for (FakeHost* h : {&clean, &lossy}) {
    create_and_list(*h, {"spot"});
    ASSERT_EQ(h->subscribe(kBchsv, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
    ASSERT_EQ(h->subscribe(other, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  }
  const uint64_t c1 = connect(clean), c2 = connect(lossy);
  int bchsv_changes = 0;
  bool dropped = false, resynced = false;
  for (const json& o : replay.lines) {
    const std::string type = o["type"];
    if (type == "http" &&
        o["url"].get<std::string>().find("/orderbook/level2") != std::string::npos) {
      const std::string sym = symbol_of_request(o["url"]);
      for (FakeHost* h : {&clean, &lossy})
        for (const auto* r : h->pending_requests("level2_100?symbol=" + sym))
          h->respond(r->token, 200, replay.snapshot_body.at(sym));
      continue;
    }
    if (type != "ws_recv") continue;
    const std::string text = o["text"];
    if (text.find("\"welcome\"") != std::string::npos) continue;
    clean.ws_message(c1, text);
    const bool is_bchsv_change = text.find("trade.l2update") != std::string::npos &&
                                 text.find("\"BCHSV-USDT\"") != std::string::npos;
    if (is_bchsv_change && ++bchsv_changes == 300) {
      dropped = true;  // lost in transit
      continue;
    }
    const size_t events_before = lossy.books().size();
    lossy.ws_message(c2, text);
    if (dropped && !resynced && lossy.books().size() > events_before) {
      // The next BCHSV change revealed the gap.
      const auto& e = lossy.books().back();
      ASSERT_EQ(e.kind, ASTRA_BOOK_RESET);
      EXPECT_EQ(e.market, kBchsv);
      EXPECT_EQ(e.reset_reason, uint32_t(ASTRA_RESET_GAP));
      const auto pending = lossy.pending_requests("level2_100?symbol=BCHSV-USDT");
      ASSERT_EQ(pending.size(), 1u);
      const RefBook truth = book_from_events(clean, kBchsv);
      lossy.respond(pending[0]->token, 200, level2_response(truth));
      const auto& snap = lossy.books().back();
      EXPECT_EQ(snap.kind, ASTRA_BOOK_SNAPSHOT);
      EXPECT_EQ(snap.market, kBchsv);
      EXPECT_EQ(snap.update_id, truth.update_id);
      resynced = true;
    }
  }
  ASSERT_TRUE(resynced);
  EXPECT_EQ(lossy.counter(ASTRA_COUNT_GAP, kBchsv), 1u);
  EXPECT_EQ(lossy.counter(ASTRA_COUNT_GAP, other), 0u);
  for (const auto* e : lossy.books_of(other))
    EXPECT_NE(e->kind, ASTRA_BOOK_RESET) << "the other market is untouched";
  EXPECT_EQ(lossy.books_of(other).size(), clean.books_of(other).size());
  const RefBook a = book_from_events(clean, kBchsv), b = book_from_events(lossy, kBchsv);
  EXPECT_EQ(a.update_id, b.update_id);
  EXPECT_EQ(a.best_bid(), b.best_bid());
  EXPECT_EQ(a.best_ask(), b.best_ask());
  EXPECT_EQ(a.bids.size(), b.bids.size());
  EXPECT_EQ(a.asks.size(), b.asks.size());
  EXPECT_EQ(clean.counter(ASTRA_COUNT_GAP), 0u);
}

TEST(KucoinBook, DisconnectResetsAndReconnectsWithANewToken) {
  ASTRA_REQUIRE_SHARED(cap, "recordings/kucoin-spot.capture.jsonl");
  ASTRA_REQUIRE_SHARED(frames_file, "fixtures/kucoin/ws_level2_BCHSV-USDT_first500.jsonl");
  ASTRA_REQUIRE_SHARED(snap, "fixtures/kucoin/orderbook_level2_v3_snapshot_BCHSV-USDT.json");
  FakeHost host(plugin().api());
  create_and_list(host, {"spot"});
  ASSERT_EQ(host.subscribe(kBchsv, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  const uint64_t conn = connect(host);
  const auto frames = read_lines(frames_file);
  for (size_t i = 1; i < 60; ++i)
    host.ws_message(conn, frames[i]);
  host.respond(host.pending_requests("level2_100")[0]->token, 200, read_file(snap));
  ASSERT_EQ(host.books().back().kind, ASTRA_BOOK_UPDATE);
  host.ws_closed(conn, 1006, "gone");
  EXPECT_EQ(host.books().back().kind, ASTRA_BOOK_RESET);
  EXPECT_EQ(host.books().back().reset_reason, uint32_t(ASTRA_RESET_DISCONNECT));
  EXPECT_TRUE(host.pending_requests("bullet-public").empty());
  host.advance(100);
  const uint64_t conn2 = connect(host);
  ASSERT_NE(conn2, conn);
  const auto sent = sent_json(host, conn2);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["topic"], "/market/level2:BCHSV-USDT");
}

TEST(KucoinRest, GetOrderbookFromTheRecordedSnapshot) {
  ASTRA_REQUIRE_SHARED(cap, "recordings/kucoin-spot.capture.jsonl");
  ASTRA_REQUIRE_SHARED(snap, "fixtures/kucoin/orderbook_level2_v3_snapshot_BCHSV-USDT.json");
  FakeHost host(plugin().api());
  create_and_list(host, {"spot"});
  ASSERT_EQ(host.get_orderbook(5, kBchsv, 3), ASTRA_OK);
  const auto pending =
      host.pending_requests("/api/v1/market/orderbook/level2_20?symbol=BCHSV-USDT");
  ASSERT_EQ(pending.size(), 1u);
  host.respond(pending[0]->token, 200, read_file(snap));
  const auto done = host.completions_of(5);
  ASSERT_EQ(done.size(), 1u);
  ASSERT_EQ(done[0]->status, ASTRA_OK) << done[0]->json;
  const json r = json::parse(done[0]->json);
  const json raw = json::parse(read_file(snap))["data"];
  EXPECT_EQ(r["market"], kBchsv);
  EXPECT_EQ(r["updateId"], 1613277183892u);
  ASSERT_EQ(r["bids"].size(), 3u);
  EXPECT_EQ(r["bids"][0], raw["bids"][0]);
  EXPECT_EQ(r["asks"][0], raw["asks"][0]);
}

}  // namespace
}  // namespace kucoin_test
