// /ws on a real Server over the FakeApi: upgrade errors, snapshot then updates, client frames,
// slow clients, unsubscribe on close.
#include "server_fixture.hpp"

#include <nlohmann/json.hpp>

namespace astra::host::testing {
namespace {

const std::string kBtcBook = std::string("/ws?market=") + kBtc + "&dataType=ORDERBOOK";

nlohmann::json parse(const std::string& text) {
  return nlohmann::json::parse(text, nullptr, false);
}

TEST_F(ServerTest, WsUpgradeErrorsAreHttpAnswers) {
  start();
  struct Case {
    std::string target;
    std::optional<std::string> key;
    unsigned status;
  } cases[] = {
      {kBtcBook, std::nullopt, 401},
      {kBtcBook, std::string(kRevokedKey), 403},
      {"/ws?dataType=ORDERBOOK", std::string(kValidKey), 400},
      {std::string("/ws?market=") + kBtc, std::string(kValidKey), 400},
      {std::string("/ws?market=") + kBtc + "&dataType=CANDLES", std::string(kValidKey), 400},
      {"/ws?market=garbage&dataType=ORDERBOOK", std::string(kValidKey), 400},
      {"/ws?market=BINANCE-SPOT-NOPE-USDT&dataType=ORDERBOOK", std::string(kValidKey), 404},
  };
  for (const auto& c : cases) {
    WsClient ws(port());
    EXPECT_EQ(ws.handshake(c.target, c.key), websocket::error::upgrade_declined) << c.target;
    EXPECT_EQ(ws.response().result_int(), c.status) << c.target;
  }
  EXPECT_EQ(api_.subscriptions(), 0u);
}

TEST_F(ServerTest, WsSnapshotFirstThenUpdatesThenUnsubscribeOnClose) {
  start();
  WsClient ws(port());
  ASSERT_FALSE(ws.handshake(kBtcBook)) << ws.response();
  std::string msg;
  ASSERT_FALSE(ws.read(msg));
  auto snap = parse(msg);
  ASSERT_TRUE(snap.is_object()) << msg;
  EXPECT_EQ(snap["snapshot"], true);
  const uint64_t first = snap["updateId"];
  EXPECT_TRUE(eventually([&] { return metrics_.gauge("astra_ws_clients", "").value() == 1; }));

  for (int i = 1; i <= 3; ++i)
    api_.publish_update(kBtc);

  for (int i = 1; i <= 3; ++i) {
    ASSERT_FALSE(ws.read(msg));
    auto u = parse(msg);
    EXPECT_EQ(u["snapshot"], false);
    EXPECT_EQ(u["updateId"].get<uint64_t>(), first + i);
  }
  EXPECT_EQ(api_.subscriptions(), 1u);
  ASSERT_FALSE(ws.close());
  EXPECT_TRUE(eventually([&] { return api_.subscriptions() == 0; }));
  EXPECT_EQ(api_.unsubscribed(), 1u);
  EXPECT_TRUE(eventually([&] { return metrics_.gauge("astra_ws_clients", "").value() == 0; }));
  EXPECT_GE(counter("astra_ws_messages_sent_total"), 4u);
}

TEST_F(ServerTest, WsTrades) {
  start();
  WsClient ws(port());
  ASSERT_FALSE(ws.handshake(std::string("/ws?market=") + kBtc + "&dataType=TRADE"));
  // The subscription is registered before the 101, so this trade is for this client.
  api_.publish_trade(kBtc);
  api_.publish_update(kBtc);  // a book update is not for a trade subscriber
  std::string msg;
  ASSERT_FALSE(ws.read(msg));
  EXPECT_EQ(parse(msg)["dataType"], "TRADE");
}

TEST_F(ServerTest, WsClientMessagesGetErrorsNotCrashes) {
  start();
  WsClient ws(port());
  ASSERT_FALSE(ws.handshake(kBtcBook));
  std::string msg;
  ASSERT_FALSE(ws.read(msg));  // snapshot

  ASSERT_FALSE(ws.write("this is not json {"));
  ASSERT_FALSE(ws.read(msg));
  EXPECT_EQ(parse(msg)["error"]["code"], "bad_json") << msg;

  ASSERT_FALSE(ws.write(R"({"op":"subscribe","market":"X"})"));
  ASSERT_FALSE(ws.read(msg));
  EXPECT_EQ(parse(msg)["error"]["code"], "unsupported") << msg;

  // Still streaming afterwards.
  const uint64_t id = api_.publish_update(kBtc);
  ASSERT_FALSE(ws.read(msg));
  EXPECT_EQ(parse(msg)["updateId"].get<uint64_t>(), id);
}

TEST_F(ServerTest, WsBinaryFrameCloses1003) {
  start();
  WsClient ws(port());
  ASSERT_FALSE(ws.handshake(kBtcBook));
  std::string msg;
  ASSERT_FALSE(ws.read(msg));
  ASSERT_FALSE(ws.write(std::string("\x00\x01\x02", 3), /*binary=*/true));
  EXPECT_EQ(ws.read(msg), websocket::error::closed);
  EXPECT_EQ(ws.reason().code, 1003);
  EXPECT_TRUE(eventually([&] { return api_.subscriptions() == 0; }));
}

TEST_F(ServerTest, WsOversizedMessageCloses1009) {
  start();  // max_ws_message_bytes = 256
  WsClient ws(port());
  ASSERT_FALSE(ws.handshake(kBtcBook));
  std::string msg;
  ASSERT_FALSE(ws.read(msg));
  ASSERT_FALSE(ws.write("\"" + std::string(1000, 'x') + "\""));
  EXPECT_EQ(ws.read(msg), websocket::error::closed);
  EXPECT_EQ(ws.reason().code, 1009);
  EXPECT_TRUE(eventually([&] { return api_.subscriptions() == 0; }));
}

// Reads messages until the one with update id `last` (or an error) and checks that the stream
// is one a client can rebuild the book from: a snapshot, then updates each one above the
// previous message, where a snapshot may jump ahead. Returns the number of snapshots seen.
int read_consistent_stream(WsClient& ws, uint64_t first_snapshot, uint64_t last,
                           beast::error_code* end = nullptr) {
  uint64_t prev = first_snapshot;
  int snapshots = 0;
  std::string msg;
  for (int i = 0; i < 100000 && prev < last; ++i) {
    if (auto ec = ws.read(msg)) {
      if (end) *end = ec;
      return snapshots;
    }
    // The head of the message says all (a full parse of megabytes would slow the drain).
    const std::string head = msg.substr(0, 200);
    const size_t at = head.find("\"updateId\":");
    if (at == std::string::npos) {
      ADD_FAILURE() << "unexpected message: " << head;
      return snapshots;
    }
    const uint64_t id = std::stoull(head.substr(at + 11));
    if (head.find("\"snapshot\":true") != std::string::npos) {
      EXPECT_GE(id, prev) << "snapshot went back";
      ++snapshots;
    } else {
      EXPECT_EQ(id, prev + 1) << "gap or repeat without a snapshot";
    }
    prev = id;
  }
  if (end) *end = {};
  return snapshots;
}

TEST_F(ServerTest, WsSlowClientGetsOneSnapshotInsteadOfBacklog) {
  auto cfg = small_config();
  cfg.ws_behind_close_ms = 20000;  // this client catches up: it must not be closed
  cfg.idle_timeout_ms = 60000;     // nor time out (it answers no ping while it does not read)
  start(cfg);
  WsClient ws(port(), /*receive_buffer=*/4096);
  ASSERT_FALSE(ws.handshake(kBtcBook));
  std::string msg;
  ASSERT_FALSE(ws.read(msg));
  const uint64_t first = parse(msg)["updateId"];

  // The client reads nothing while big updates pile up, until the server replaces its backlog.
  uint64_t last = first;
  for (int i = 0; i < 20000 && counter("astra_ws_snapshots_replaced_total") == 0; ++i) {
    last = api_.publish_update(kBtc, 2000);  // ~30 KB each
    if (i % 20 == 19) std::this_thread::sleep_for(1ms);
  }
  ASSERT_GE(counter("astra_ws_snapshots_replaced_total"), 1u);
  // The queue stays bounded: the limit (4) plus the message in flight.
  EXPECT_LE(metrics_.gauge("astra_ws_queue_depth", "").value(), 5);
  last = api_.publish_update(kBtc, 2000);

  // Now it reads: what it gets is consistent and includes the replacement snapshot.
  beast::error_code end;
  const int snapshots = read_consistent_stream(ws, first, last, &end);
  EXPECT_FALSE(end) << end.message();
  EXPECT_GE(snapshots, 1);
  EXPECT_EQ(counter("astra_ws_slow_closed_total"), 0u);
  EXPECT_TRUE(eventually([&] { return metrics_.gauge("astra_ws_queue_depth", "").value() == 0; }));
}

TEST_F(ServerTest, WsClientThatStaysBehindIsClosed1008) {
  auto cfg = small_config();    // ws_queue_limit 4, ws_behind_close_ms 300
  cfg.idle_timeout_ms = 60000;  // the close must come from the slow-client rule
  start(cfg);
  WsClient ws(port(), /*receive_buffer=*/4096);
  ASSERT_FALSE(ws.handshake(kBtcBook));
  std::string msg;
  ASSERT_FALSE(ws.read(msg));
  const uint64_t first = parse(msg)["updateId"];

  // Keep publishing while the client reads nothing, until the server gives up on it.
  for (int i = 0; i < 100000 && counter("astra_ws_slow_closed_total") == 0; ++i) {
    api_.publish_update(kBtc, 2000);
    if (i % 20 == 19) std::this_thread::sleep_for(1ms);
  }
  ASSERT_EQ(counter("astra_ws_slow_closed_total"), 1u);
  EXPECT_GE(counter("astra_ws_snapshots_replaced_total"), 1u);

  // It drains what was sent (consistent), then gets the close frame.
  beast::error_code end;
  read_consistent_stream(ws, first, UINT64_MAX, &end);
  EXPECT_EQ(end, websocket::error::closed) << end.message();
  EXPECT_EQ(ws.reason().code, 1008);
  EXPECT_EQ(ws.reason().reason, "client too slow");
  EXPECT_TRUE(eventually([&] { return api_.subscriptions() == 0; }));
  EXPECT_TRUE(eventually([&] { return metrics_.gauge("astra_ws_queue_depth", "").value() == 0; }));
}

TEST_F(ServerTest, StopClosesWebSocketClients) {
  start();
  WsClient ws(port());
  ASSERT_FALSE(ws.handshake(kBtcBook));
  std::string msg;
  ASSERT_FALSE(ws.read(msg));
  server_->stop();
  EXPECT_EQ(ws.read(msg), websocket::error::closed);
  EXPECT_EQ(ws.reason().code, 1001);
  EXPECT_TRUE(eventually([&] { return api_.subscriptions() == 0; }));
}

// The update id in the head of a book message, or 0.
uint64_t update_id_of(const std::string& msg) {
  const size_t at = msg.find("\"updateId\":");
  return at == std::string::npos || at > 200 ? 0 : std::stoull(msg.substr(at + 11, 20));
}

TEST_F(ServerTest, WsQueuedMessagesAreCoalescedAndArriveSeparatelyInOrder) {
  auto cfg = small_config();
  cfg.ws_queue_limit = 100000;  // nothing is replaced: every message must arrive
  cfg.ws_behind_close_ms = 20000;
  cfg.idle_timeout_ms = 60000;
  start(cfg);
  WsClient ws(port(), /*receive_buffer=*/4096);
  ASSERT_FALSE(ws.handshake(kBtcBook));
  std::string msg;
  ASSERT_FALSE(ws.read(msg));
  const uint64_t writes_before = server_->ws_data_writes();

  // Every form of the frame length (7 bits up to 125, 16 bits from 126 up to 65535, 64 bits
  // above), published while the client reads nothing, so the server's queue fills and it writes
  // several messages at a time.
  const size_t lengths[] = {125, 126, 127, 1000, 65535, 65536, 65537, 70000, 200, 124};
  std::vector<std::pair<uint64_t, size_t>> sent;
  for (int round = 0; round < 40; ++round) {
    for (size_t length : lengths)
      sent.emplace_back(api_.publish_update_of_length(kBtc, length), length);
  }

  for (const auto& [id, length] : sent) {
    ASSERT_FALSE(ws.read(msg)) << "update " << id;
    ASSERT_EQ(msg.size(), length) << "update " << id;
    ASSERT_EQ(update_id_of(msg), id) << msg.substr(0, 120);
    ASSERT_EQ(msg.substr(msg.size() - 2), "\"}");
  }
  EXPECT_TRUE(
      eventually([&] { return counter("astra_ws_messages_sent_total") == sent.size() + 1; }));
  const uint64_t writes = server_->ws_data_writes() - writes_before;
  EXPECT_LT(writes, sent.size()) << "queued messages were not coalesced";
  EXPECT_TRUE(eventually([&] { return metrics_.gauge("astra_ws_queue_depth", "").value() == 0; }));
  ASSERT_FALSE(ws.close());
  EXPECT_TRUE(eventually([&] { return api_.subscriptions() == 0; }));
}

TEST_F(ServerTest, WsShortMessagesUseTheShortLengthForm) {
  // 125 bytes is the longest 7-bit length, 126 the shortest 16-bit one; control messages are
  // the server's shortest.
  start();
  WsClient ws(port());
  ASSERT_FALSE(ws.handshake(kBtcBook));
  std::string msg;
  ASSERT_FALSE(ws.read(msg));
  for (int i = 0; i < 3; ++i)
    ASSERT_FALSE(ws.write("this is not json {"));
  for (int i = 0; i < 3; ++i) {
    ASSERT_FALSE(ws.read(msg));
    EXPECT_EQ(parse(msg)["error"]["code"], "bad_json") << msg;
  }
}

TEST_F(ServerTest, WsSlowClientWithLongBatchesStillGetsTheReplacementSnapshot) {
  auto cfg = small_config();
  cfg.ws_queue_limit = 64;  // batches of up to 32 small messages are in flight
  cfg.ws_behind_close_ms = 20000;
  cfg.idle_timeout_ms = 60000;
  start(cfg);
  WsClient ws(port(), /*receive_buffer=*/4096);
  ASSERT_FALSE(ws.handshake(kBtcBook));
  std::string msg;
  ASSERT_FALSE(ws.read(msg));
  const uint64_t first = parse(msg)["updateId"];

  uint64_t last = first;
  for (int i = 0; i < 200000 && counter("astra_ws_snapshots_replaced_total") == 0; ++i) {
    last = api_.publish_update(kBtc, 20);
    if (i % 200 == 199) std::this_thread::sleep_for(1ms);
  }
  ASSERT_GE(counter("astra_ws_snapshots_replaced_total"), 1u);
  EXPECT_LE(metrics_.gauge("astra_ws_queue_depth", "").value(), 65) << "limit + 1 held";
  last = api_.publish_update(kBtc, 20);

  beast::error_code end;
  const int snapshots = read_consistent_stream(ws, first, last, &end);
  EXPECT_FALSE(end) << end.message();
  EXPECT_GE(snapshots, 1);
  EXPECT_EQ(counter("astra_ws_slow_closed_total"), 0u);
  EXPECT_TRUE(eventually([&] { return metrics_.gauge("astra_ws_queue_depth", "").value() == 0; }));
}

TEST_F(ServerTest, WsPingsPongsAndKeepAliveInterleaveWithBatches) {
  auto cfg = small_config();
  cfg.ws_queue_limit = 100000;
  cfg.ws_behind_close_ms = 20000;
  cfg.idle_timeout_ms = 300;  // the server pings a client silent for 150 ms
  start(cfg);
  WsClient ws(port());
  ASSERT_FALSE(ws.handshake(kBtcBook));
  std::string msg;
  ASSERT_FALSE(ws.read(msg));
  const uint64_t first = parse(msg)["updateId"];

  // Streams for about a second; the client pings during the first half, then is silent (the
  // server's keep-alive pings come) while it keeps reading.
  constexpr int kUpdates = 3000;
  std::thread publisher([&] {
    for (int i = 0; i < kUpdates; ++i) {
      api_.publish_update(kBtc, 40);
      if (i % 5 == 4) std::this_thread::sleep_for(1ms);
    }
  });
  int pings_sent = 0;
  uint64_t prev = first;
  beast::error_code ec;
  for (int i = 0; i < kUpdates && !ec; ++i) {
    if (i < kUpdates / 2 && i % 30 == 0) {
      ec = ws.ping();
      ++pings_sent;
    }
    if (!ec) ec = ws.read(msg);
    if (!ec) {
      ASSERT_EQ(update_id_of(msg), prev + 1) << "lost or reordered";
      prev = update_id_of(msg);
    }
  }
  publisher.join();
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(prev, first + kUpdates);
  EXPECT_GE(ws.pongs(), pings_sent - 1) << "the last pong may come after the last update";
  EXPECT_GE(ws.pings(), 1) << "keep-alive pings while the client was silent";
  ASSERT_FALSE(ws.close());
  EXPECT_TRUE(eventually([&] { return api_.subscriptions() == 0; }));
}

TEST_F(ServerTest, WsCloseWhileStreaming) {
  auto cfg = small_config();
  cfg.ws_queue_limit = 100000;
  cfg.ws_behind_close_ms = 20000;
  cfg.idle_timeout_ms = 60000;
  start(cfg);
  std::atomic<bool> stop{false};
  {
    WsClient ws(port());
    ASSERT_FALSE(ws.handshake(kBtcBook));
    std::thread publisher([&] {
      for (int i = 0; i < 100000 && !stop; ++i) {
        api_.publish_update(kBtc, 40);
        if (i % 5 == 4) std::this_thread::sleep_for(1ms);
      }
    });
    std::string msg;
    for (int i = 0; i < 200; ++i)
      ASSERT_FALSE(ws.read(msg));
    // The client's close: the server answers with its close frame (after whatever data it was
    // writing), and Beast's close succeeds only on that frame.
    EXPECT_FALSE(ws.close());
    EXPECT_EQ(ws.reason().code, 1000);
    EXPECT_TRUE(eventually([&] { return api_.subscriptions() == 0; }));
    stop = true;
    publisher.join();
  }
  {
    // The server's close (shutdown) while a backlog is queued: data first, then 1001.
    WsClient ws(port(), /*receive_buffer=*/4096);
    ASSERT_FALSE(ws.handshake(kBtcBook));
    std::string msg;
    ASSERT_FALSE(ws.read(msg));
    const uint64_t first = parse(msg)["updateId"];
    for (int i = 0; i < 300; ++i)
      api_.publish_update(kBtc, 40);
    server_->stop();
    beast::error_code end;
    read_consistent_stream(ws, first, UINT64_MAX, &end);
    EXPECT_EQ(end, websocket::error::closed) << end.message();
    EXPECT_EQ(ws.reason().code, 1001);
  }
  EXPECT_TRUE(eventually([&] { return api_.subscriptions() == 0; }));
}

}  // namespace
}  // namespace astra::host::testing
