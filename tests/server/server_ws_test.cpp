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

}  // namespace
}  // namespace astra::host::testing
