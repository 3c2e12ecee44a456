// Trades, keep-alive, reconnects, subscription batching and pacing, garbage frames and the REST
// order book, through the plugin with recorded OKX data.
#include "okx_test_support.hpp"

namespace okx_test {
namespace {

using astra::sdk::BookSide;

struct Session {
  FakeHost host{plugin().api()};
  uint64_t conn = 0;
  explicit Session(bool book = true, bool trades = false) {
    create_and_list(host, books_config());
    if (book) {
      EXPECT_EQ(host.subscribe(kSpot, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
    }
    if (trades) {
      EXPECT_EQ(host.subscribe(kSpot, ASTRA_DATA_TRADES), ASTRA_OK);
    }
    conn = open_connection(host);
  }
  void feed_spot_fixture() {
    const auto dir = astra::test::shared_dir() / "fixtures/okx";
    for (const auto& f : read_lines(dir / "ws_books_BTC-USDT_snapshot_plus_updates.jsonl"))
      ASSERT_TRUE(host.ws_message(conn, f));
  }
};

TEST(OkxTrades, TakerSidePriceSizeTimeAndId) {
  OKX_REQUIRE_DATA();
  Session s(false, true);
  const auto lines =
      read_lines(astra::test::shared_dir() / "fixtures/okx/ws_trades_BTC-USDT.jsonl");
  ASSERT_EQ(lines.size(), 30u);
  for (const auto& l : lines)
    ASSERT_TRUE(s.host.ws_message(s.conn, l));
  ASSERT_EQ(s.host.trades().size(), lines.size());
  size_t buys = 0, sells = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const json d = json::parse(lines[i])["data"][0];
    const auto& event = s.host.trades()[i];
    EXPECT_EQ(event.market, kSpot);
    ASSERT_EQ(event.trades.size(), 1u);
    const auto& t = event.trades[0];
    const bool buy = d["side"] == "buy";
    buys += buy;
    sells += !buy;
    EXPECT_EQ(t.taker_side, uint32_t(buy ? ASTRA_SIDE_BUY : ASTRA_SIDE_SELL));
    EXPECT_EQ(astra::sdk::format_decimal(t.price), d["px"].get<std::string>());
    EXPECT_EQ(astra::sdk::format_decimal(t.quantity), d["sz"].get<std::string>());
    EXPECT_EQ(t.time_us, std::stoll(d["ts"].get<std::string>()) * 1000);
    EXPECT_EQ(t.trade_id, d["tradeId"].get<std::string>());
  }
  EXPECT_GT(buys, 0u);
  EXPECT_GT(sells, 0u);
  // Trades of a market nobody subscribed are not emitted.
  ASSERT_TRUE(s.host.ws_message(
      s.conn,
      R"({"arg":{"channel":"trades","instId":"BTC-USD-220527"},"data":[{"instId":"BTC-USD-220527","tradeId":"7849","px":"30218.8","sz":"1","side":"buy","ts":"1652459199958"}]})"));
  EXPECT_EQ(s.host.trades().size(), lines.size());
}

TEST(OkxKeepAlive, PingAfter25SecondsOfSilenceAndReconnectWithoutPong) {
  OKX_REQUIRE_DATA();
  Session s;
  s.feed_spot_fixture();
  const size_t sent = s.host.connection(s.conn)->sent.size();
  s.host.advance(24'000);
  EXPECT_EQ(s.host.connection(s.conn)->sent.size(), sent) << "not before 25 s";
  s.host.advance(1'000);
  ASSERT_EQ(s.host.connection(s.conn)->sent.size(), sent + 1);
  EXPECT_EQ(s.host.connection(s.conn)->sent.back(), "ping");
  ASSERT_TRUE(s.host.ws_message(s.conn, "pong"));
  s.host.advance(10'000);
  EXPECT_FALSE(s.host.connection(s.conn)->closed) << "the pong kept it";
  // Data keeps it alive too: 20 s later a frame, so no ping at 25 s after the pong.
  s.host.advance(10'000);
  ASSERT_TRUE(s.host.ws_message(
      s.conn, R"({"event":"subscribe","arg":{"channel":"books","instId":"BTC-USDT"}})"));
  s.host.advance(20'000);
  EXPECT_EQ(s.host.connection(s.conn)->sent.size(), sent + 1);
  s.host.advance(5'000);
  ASSERT_EQ(s.host.connection(s.conn)->sent.size(), sent + 2);
  EXPECT_EQ(s.host.counter(ASTRA_COUNT_BAD_FRAME), 0u) << "pong is not a bad frame";
  // No pong: after 5 s the connection is given up, the book reset, and a new one opened.
  s.host.advance(5'000);
  EXPECT_TRUE(s.host.connection(s.conn)->closed_by_plugin);
  EXPECT_EQ(count_kind(s.host, kSpot, ASTRA_BOOK_RESET, ASTRA_RESET_DISCONNECT), 1u);
  s.host.advance(1'000);
  const auto live = s.host.live_connections();
  ASSERT_EQ(live.size(), 1u);
  EXPECT_NE(live[0]->id, s.conn);
}

TEST(OkxReconnect, CloseResetsReopensResubscribesAndResyncs) {
  OKX_REQUIRE_DATA();
  Session s(true, true);
  s.feed_spot_fixture();
  ASSERT_EQ(count_kind(s.host, kSpot, ASTRA_BOOK_SNAPSHOT), 1u);
  ASSERT_TRUE(s.host.ws_closed(s.conn, 1006, "gone"));
  EXPECT_EQ(count_kind(s.host, kSpot, ASTRA_BOOK_RESET, ASTRA_RESET_DISCONNECT), 1u);
  EXPECT_TRUE(s.host.live_connections().empty());
  s.host.advance(500);
  const auto live = s.host.live_connections();
  ASSERT_EQ(live.size(), 1u);
  const uint64_t conn = live[0]->id;
  EXPECT_EQ(live[0]->url, "ws://127.0.0.1:18090/ws/v5/public");
  ASSERT_TRUE(s.host.ws_open_ok(conn));
  ASSERT_EQ(s.host.connection(conn)->sent.size(), 1u);
  const json sub = json::parse(s.host.connection(conn)->sent[0]);
  EXPECT_EQ(sub["op"], "subscribe");
  EXPECT_EQ(sub["args"].size(), 2u) << "books and trades in one request";
  // The venue's new snapshot syncs the book again.
  const auto dir = astra::test::shared_dir() / "fixtures/okx";
  for (const auto& f : read_lines(dir / "ws_books_BTC-USDT_snapshot_plus_updates.jsonl"))
    ASSERT_TRUE(s.host.ws_message(conn, f));
  EXPECT_EQ(count_kind(s.host, kSpot, ASTRA_BOOK_SNAPSHOT), 2u);
  EXPECT_EQ(s.host.counter(ASTRA_COUNT_CHECKSUM_FAILURE), 0u);
  EXPECT_EQ(astra::sdk::okx_checksum(book_from_events(s.host, kSpot)), -1762330246);
  // Frames of the old connection are ignored.
  EXPECT_FALSE(s.host.ws_message(s.conn, "{}"));
}

TEST(OkxSubscriptions, BatchedAndPaced) {
  OKX_REQUIRE_DATA();
  FakeHost host(plugin().api());
  create_and_list(host, books_config());
  // Before the connection opens: everything goes in the first request.
  for (const char* m : {kSpot, kFuture})
    ASSERT_EQ(host.subscribe(m, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  ASSERT_EQ(host.subscribe(kSpot, ASTRA_DATA_TRADES), ASTRA_OK);
  ASSERT_EQ(host.subscribe(kSpot, ASTRA_DATA_TRADES), ASTRA_OK);  // twice: once on the wire
  const uint64_t conn = open_connection(host);
  ASSERT_EQ(host.connection(conn)->sent.size(), 1u);
  EXPECT_EQ(json::parse(host.connection(conn)->sent[0])["args"].size(), 3u);
  // Right after: the next requests wait for the pace, and go together.
  ASSERT_EQ(host.subscribe("OKX-SPOT-ETH-USDT", ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  ASSERT_EQ(host.subscribe("OKX-SPOT-ETH-BTC", ASTRA_DATA_TRADES), ASTRA_OK);
  EXPECT_EQ(host.connection(conn)->sent.size(), 1u);
  host.advance(499);
  EXPECT_EQ(host.connection(conn)->sent.size(), 1u);
  host.advance(1);
  ASSERT_EQ(host.connection(conn)->sent.size(), 2u);
  EXPECT_EQ(json::parse(host.connection(conn)->sent[1]),
            json::parse(R"({"op":"subscribe","args":[{"channel":"books","instId":"ETH-USDT"},)"
                        R"({"channel":"trades","instId":"ETH-BTC"}]})"));
  // Unsubscribe is its own request.
  ASSERT_EQ(host.unsubscribe(kFuture, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  host.advance(500);
  ASSERT_EQ(host.connection(conn)->sent.size(), 3u);
  EXPECT_EQ(json::parse(host.connection(conn)->sent[2]),
            json::parse(
                R"({"op":"unsubscribe","args":[{"channel":"books","instId":"BTC-USD-220527"}]})"));
  EXPECT_EQ(host.subscribe(kSpot, 77), ASTRA_E_UNIMPLEMENTED);
  EXPECT_EQ(host.subscribe("OKX-SPOT-NOPE-USDT", ASTRA_DATA_ORDERBOOK), ASTRA_E_NOT_FOUND);
}

TEST(OkxSubscriptions, HourlyBudgetIsKept) {
  OKX_REQUIRE_DATA();
  FakeHost host(plugin().api());
  create_and_list(host, books_config());
  ASSERT_EQ(host.subscribe(kSpot, ASTRA_DATA_TRADES), ASTRA_OK);
  const uint64_t conn = open_connection(host);
  // Alternate subscribe / unsubscribe: every call is a request of its own.
  for (int i = 0; i < 600; ++i) {
    ASSERT_EQ(host.subscribe(kFuture, ASTRA_DATA_TRADES), ASTRA_OK);
    ASSERT_EQ(host.unsubscribe(kFuture, ASTRA_DATA_TRADES), ASTRA_OK);
  }
  // The venue answers the keep-alive pings, so the connection stays up for the whole test.
  auto run = [&](int64_t minutes) {
    for (int64_t t = 0; t < minutes * 60; t += 10) {
      host.advance(10'000);
      ASSERT_TRUE(host.ws_message(conn, "pong"));
    }
  };
  run(30);
  const size_t in_half_hour = host.connection(conn)->sent.size();
  run(29);
  EXPECT_LE(host.connection(conn)->sent.size(), 480u) << "OKX allows 480 requests an hour";
  EXPECT_GE(host.connection(conn)->sent.size(), 400u);
  EXPECT_GT(in_half_hour, 300u);
  run(60);
  EXPECT_GT(host.connection(conn)->sent.size(), 480u) << "and more the next hour";
}

TEST(OkxFrames, GarbageIsCountedAndABadBooksPushResyncsItsBook) {
  OKX_REQUIRE_DATA();
  Session s;
  s.feed_spot_fixture();
  const uint64_t before = s.host.counter(ASTRA_COUNT_BAD_FRAME);
  for (
      const char* f :
      {"not json", "[1,2]",
       R"({"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"px":"1"}]})",
       R"({"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"1","px":"1","sz":"1","side":"up","ts":"1"}]})"})
    ASSERT_TRUE(s.host.ws_message(s.conn, f));
  EXPECT_EQ(s.host.counter(ASTRA_COUNT_BAD_FRAME) - before, 4u);
  EXPECT_EQ(count_kind(s.host, kSpot, ASTRA_BOOK_RESET), 0u);
  EXPECT_TRUE(s.host.trades().empty());
  // A books push for this book that cannot be read: the book lost an update.
  ASSERT_TRUE(s.host.ws_message(
      s.conn,
      R"({"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[{"asks":[["x","1","0","1"]],"bids":[],"ts":"1","checksum":5}]})"));
  EXPECT_EQ(s.host.counter(ASTRA_COUNT_BAD_FRAME) - before, 5u);
  EXPECT_EQ(count_kind(s.host, kSpot, ASTRA_BOOK_RESET, ASTRA_RESET_GAP), 1u);
  s.host.advance(1000);
  const auto& sent = s.host.connection(s.conn)->sent;
  ASSERT_GE(sent.size(), 3u);
  EXPECT_EQ(json::parse(sent[sent.size() - 2])["op"], "unsubscribe");
  EXPECT_EQ(json::parse(sent.back())["op"], "subscribe");
  // Venue errors and notices are logged, not fatal.
  ASSERT_TRUE(
      s.host.ws_message(s.conn, R"({"event":"error","code":"60012","msg":"Invalid request"})"));
  ASSERT_TRUE(s.host.ws_message(s.conn, R"({"event":"notice","code":"64008","msg":"upgrade"})"));
  EXPECT_FALSE(s.host.connection(s.conn)->closed);
  ASSERT_TRUE(s.host.ws_message(s.conn, "\x1f\x8b", true));
  EXPECT_EQ(s.host.counter(ASTRA_COUNT_BAD_FRAME) - before, 6u);
}

TEST(OkxOrderBook, RestSnapshotSortedCutAndNumbered) {
  OKX_REQUIRE_DATA();
  FakeHost host(plugin().api());
  create_and_list(host, books_config());
  // The recorded snapshot of BTC-USDT as the REST answer, with a seqId.
  const auto spot = books_pushes(recorded_frames(), "BTC-USDT");
  json data = spot[0]["data"][0];
  data.erase("checksum");
  data["seqId"] = 123456789;
  const std::string answer = json{{"code", "0"}, {"msg", ""}, {"data", {data}}}.dump();
  ASSERT_EQ(host.get_orderbook(5, kSpot, 10), ASTRA_OK);
  ASSERT_EQ(host.pending_requests().size(), 1u);
  EXPECT_EQ(host.pending_requests()[0]->url,
            "http://127.0.0.1:18090/api/v5/market/books?instId=BTC-USDT&sz=10");
  host.respond(host.pending_requests()[0]->token, 200, answer);
  ASSERT_EQ(host.completions_of(5).size(), 1u);
  ASSERT_EQ(host.completions_of(5)[0]->status, ASTRA_OK) << host.completions_of(5)[0]->json;
  const json book = json::parse(host.completions_of(5)[0]->json);
  EXPECT_EQ(book["market"], kSpot);
  EXPECT_EQ(book["updateId"], 123456789);
  ASSERT_EQ(book["bids"].size(), 10u);
  ASSERT_EQ(book["asks"].size(), 10u);
  EXPECT_EQ(book["bids"][0], json({data["bids"][0][0], data["bids"][0][1]}));
  EXPECT_EQ(book["asks"][0], json({"30243.5", "1.44679"}));
  // Deeper than 400 levels: books-full.
  ASSERT_EQ(host.get_orderbook(6, kSpot, 1000), ASTRA_OK);
  EXPECT_EQ(host.pending_requests().back()->url,
            "http://127.0.0.1:18090/api/v5/market/books-full?instId=BTC-USDT&sz=1000");
  host.respond(host.pending_requests().back()->token, 200,
               R"({"code":"51001","msg":"Instrument ID does not exist","data":[]})");
  ASSERT_EQ(host.completions_of(6).size(), 1u);
  EXPECT_EQ(host.completions_of(6)[0]->status, ASTRA_E_NOT_FOUND);
  EXPECT_EQ(json::parse(host.completions_of(6)[0]->json)["venueCode"], "51001");
  EXPECT_EQ(host.get_orderbook(7, "OKX-SPOT-NOPE-USDT"), ASTRA_E_NOT_FOUND);
  ASSERT_EQ(host.get_orderbook(8, kSpot), ASTRA_OK);
  host.fail_request(host.pending_requests().back()->token, ASTRA_E_DEADLINE_EXCEEDED);
  EXPECT_EQ(host.completions_of(8)[0]->status, ASTRA_E_DEADLINE_EXCEEDED);
}

}  // namespace
}  // namespace okx_test
