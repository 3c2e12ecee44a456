// The OKX simulator's public WebSocket against real OKX frames, its sequencing and checksums,
// both book modes, and the fault hooks.
#include "json_shape.hpp"
#include "okx_local_book.hpp"
#include "test_client.hpp"

#include <astra/sim/okx/okx_sim.hpp>
#include <common/shared_dir.hpp>

#include <gtest/gtest.h>

namespace astra::sim::test {
namespace {

using okx::OkxSim;

std::unique_ptr<OkxSim> start_paused(okx::BookMode mode = okx::BookMode::legacy) {
  okx::Options o;
  o.seed = 11;
  o.start_paused = true;
  o.mode = mode;
  std::string error;
  auto sim = OkxSim::start(o, error);
  EXPECT_TRUE(sim) << error;
  return sim;
}

std::string sub(const std::string& op, const std::string& channel, const std::string& inst) {
  return R"({"op":")" + op + R"(","args":[{"channel":")" + channel + R"(","instId":")" + inst +
         R"("}]})";
}

ojson next_json(WsClient& ws) {
  auto text = ws.read();
  EXPECT_TRUE(text.has_value()) << ws.last_error.message();
  return text ? ojson::parse(*text) : ojson();
}

// The recorded frame at `index` (0-based) of a .jsonl fixture.
ojson recorded(const std::filesystem::path& path, int index) {
  std::ifstream in(path);
  std::string line;
  for (int i = 0; i <= index; ++i)
    std::getline(in, line);
  return ojson::parse(line);
}

// The recorded 2022 frame has no seqId/prevSeqId: compare the rest, and check those two apart.
ojson without_seq(ojson frame) {
  for (auto& d : frame["data"]) {
    EXPECT_TRUE(d["seqId"].is_number_integer());
    EXPECT_TRUE(d["prevSeqId"].is_number_integer());
    d.erase("seqId");
    d.erase("prevSeqId");
  }
  return frame;
}

void expect_equal(const OkxLocalBook& local, const okx::BookView& sim) {
  EXPECT_EQ(local.bids(), sim.bids);
  EXPECT_EQ(local.asks(), sim.asks);
}

TEST(OkxSimWs, LegacyBooksHaveTheRecordedShapeSequenceAndChecksums) {
  ASTRA_REQUIRE_SHARED(path, "fixtures/okx/ws_books_BTC-USDT_snapshot_plus_updates.jsonl");
  auto sim = start_paused();
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/ws/v5/public"));
  ASSERT_TRUE(ws.send(sub("subscribe", "books", "BTC-USDT")));
  const ojson ack = next_json(ws);
  EXPECT_EQ(ack, recorded(path, 0)) << "the ack is exactly OKX's";
  const ojson snap = next_json(ws);
  EXPECT_EQ(shape_problems(without_seq(snap), recorded(path, 1)), "");
  EXPECT_EQ(snap["action"], "snapshot");
  EXPECT_EQ(snap["data"][0]["prevSeqId"], -1);
  OkxLocalBook local;
  local.apply(snap["data"][0], true);
  EXPECT_EQ(local.checksum(), snap["data"][0]["checksum"].get<int32_t>());
  int64_t seq = snap["data"][0]["seqId"].get<int64_t>();
  EXPECT_EQ(seq, sim->book("BTC-USDT")->seq_id);

  sim->step(20);
  const int64_t target = sim->book("BTC-USDT")->seq_id;
  ASSERT_GT(target, seq);
  int updates = 0;
  while (seq < target) {
    const ojson f = next_json(ws);
    if (HasFailure()) return;
    EXPECT_EQ(shape_problems(without_seq(f), recorded(path, 2)), "");
    const ojson& d = f["data"][0];
    EXPECT_EQ(f["action"], "update");
    EXPECT_EQ(d["prevSeqId"].get<int64_t>(), seq) << "prevSeqId is the last seqId";
    EXPECT_GT(d["seqId"].get<int64_t>(), seq);
    seq = d["seqId"].get<int64_t>();
    local.apply(d, false);
    EXPECT_EQ(local.checksum(), d["checksum"].get<int32_t>()) << "update " << updates;
    ++updates;
  }
  EXPECT_GT(updates, 5);
  expect_equal(local, *sim->book("BTC-USDT"));
}

TEST(OkxSimWs, ProductionModeSyncsFromTheRestSnapshotBySeqId) {
  auto sim = start_paused(okx::BookMode::production);
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/ws/v5/public"));
  ASSERT_TRUE(ws.send(sub("subscribe", "books", "ETH-USDT")));
  EXPECT_EQ(next_json(ws)["event"], "subscribe");
  sim->step(3);
  // The first push is an update (no WebSocket snapshot), with checksum 0.
  const ojson first = next_json(ws);
  ASSERT_EQ(first["action"], "update");
  EXPECT_EQ(first["data"][0]["checksum"], 0);
  // The documented bridge: a REST snapshot with seqId S, drop buffered pushes with seqId <= S,
  // the first kept one has prevSeqId <= S < seqId.
  auto rest = http_get(sim->port(), "/api/v5/market/books?instId=ETH-USDT&sz=400");
  ASSERT_TRUE(rest && rest->status == 200);
  const ojson snap = ojson::parse(rest->body)["data"][0];
  const int64_t s = snap["seqId"].get<int64_t>();
  EXPECT_GE(s, first["data"][0]["seqId"].get<int64_t>());
  OkxLocalBook local;
  local.apply(snap, true);
  sim->step(10);
  const int64_t target = sim->book("ETH-USDT")->seq_id;
  int64_t last = s;
  bool bridged = false;
  while (last < target) {
    const ojson f = next_json(ws);
    if (HasFailure()) return;
    const ojson& d = f["data"][0];
    EXPECT_EQ(f["action"], "update");
    EXPECT_EQ(d["checksum"], 0);
    if (d["seqId"].get<int64_t>() <= s) continue;
    if (!bridged) {
      EXPECT_LE(d["prevSeqId"].get<int64_t>(), s);
      bridged = true;
    } else {
      EXPECT_EQ(d["prevSeqId"].get<int64_t>(), last);
    }
    last = d["seqId"].get<int64_t>();
    local.apply(d, false);
  }
  expect_equal(local, *sim->book("ETH-USDT"));
}

TEST(OkxSimWs, CorruptedChecksumIsWrongWhileTheBookStaysRight) {
  auto sim = start_paused();
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/ws/v5/public"));
  ASSERT_TRUE(ws.send(sub("subscribe", "books", "BTC-USDT")));
  next_json(ws);
  OkxLocalBook local;
  local.apply(next_json(ws)["data"][0], true);
  EXPECT_FALSE(sim->corrupt_next_checksum("NOPE-USDT"));
  ASSERT_TRUE(sim->corrupt_next_checksum("BTC-USDT"));
  int bad = 0;
  for (int i = 0; i < 5; ++i) {
    sim->step(1);
    const ojson f = next_json(ws);
    if (HasFailure()) return;
    local.apply(f["data"][0], false);
    const int32_t sent = f["data"][0]["checksum"].get<int32_t>();
    if (sent != local.checksum()) {
      ++bad;
      EXPECT_EQ(i, 0) << "only the next update is corrupted";
      EXPECT_NE(sent, 0);
    }
  }
  EXPECT_EQ(bad, 1);
  EXPECT_EQ(sim->stats().checksums_corrupted, 1u);
  expect_equal(local, *sim->book("BTC-USDT"));
}

TEST(OkxSimWs, DroppedUpdateLeavesAPrevSeqIdGap) {
  auto sim = start_paused();
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/ws/v5/public"));
  ASSERT_TRUE(ws.send(sub("subscribe", "books", "BTC-USDT")));
  next_json(ws);
  int64_t seq = next_json(ws)["data"][0]["seqId"].get<int64_t>();
  ASSERT_TRUE(sim->drop_next_update("BTC-USDT"));
  sim->step(2);
  const ojson f = next_json(ws);
  ASSERT_FALSE(HasFailure());
  EXPECT_GT(f["data"][0]["prevSeqId"].get<int64_t>(), seq) << "a gap: one update never came";
  EXPECT_EQ(f["data"][0]["seqId"].get<int64_t>(), sim->book("BTC-USDT")->seq_id);
  EXPECT_EQ(sim->stats().updates_dropped, 1u);
}

TEST(OkxSimWs, TradesHaveTheRecordedShapeAndTheTakerSide) {
  ASTRA_REQUIRE_SHARED(path, "fixtures/okx/ws_trades_BTC-USDT.jsonl");
  auto sim = start_paused();
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/ws/v5/public"));
  ASSERT_TRUE(ws.send(sub("subscribe", "trades", "BTC-USDT")));
  EXPECT_EQ(
      next_json(ws),
      ojson::parse(R"({"event":"subscribe","arg":{"channel":"trades","instId":"BTC-USDT"}})"));
  for (int i = 0; i < 200 && sim->trades("BTC-USDT").size() < 3; ++i)
    sim->step(1);
  const auto trades = sim->trades("BTC-USDT");
  ASSERT_GE(trades.size(), 3u);
  for (size_t i = 0; i < trades.size(); ++i) {
    const ojson f = next_json(ws);
    if (HasFailure()) return;
    EXPECT_EQ(shape_problems(f, recorded(path, 0)), "");
    const ojson& d = f["data"][0];
    EXPECT_EQ(d["tradeId"], trades[i].trade_id);
    EXPECT_EQ(d["px"], trades[i].px);
    EXPECT_EQ(d["sz"], trades[i].sz);
    EXPECT_EQ(d["side"], trades[i].side);
    EXPECT_TRUE(trades[i].side == "buy" || trades[i].side == "sell");
  }
}

TEST(OkxSimWs, PingPongUnsubscribeAndErrors) {
  auto sim = start_paused();
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/ws/v5/public"));
  ASSERT_TRUE(ws.send("ping"));
  EXPECT_EQ(ws.read(), "pong");
  ASSERT_TRUE(ws.send(sub("subscribe", "books", "NOPE-USDT")));
  const ojson err = next_json(ws);
  EXPECT_EQ(err["event"], "error");
  EXPECT_EQ(err["code"], "60018");
  ASSERT_TRUE(ws.send("{not json"));
  EXPECT_EQ(next_json(ws)["code"], "60012");
  ASSERT_TRUE(ws.send(sub("subscribe", "books", "ETH-USDT")));
  EXPECT_EQ(next_json(ws)["event"], "subscribe");
  EXPECT_EQ(next_json(ws)["action"], "snapshot");
  ASSERT_TRUE(ws.send(sub("unsubscribe", "books", "ETH-USDT")));
  EXPECT_EQ(next_json(ws)["event"], "unsubscribe");
  sim->step(5);
  ASSERT_TRUE(ws.send("ping"));
  EXPECT_EQ(ws.read(), "pong") << "no books pushes after the unsubscribe";
  // Another path is not OKX's public WebSocket.
  WsClient other;
  EXPECT_FALSE(other.connect(sim->port(), "/ws/v5/private"));
}

TEST(OkxSimWs, SameSeedGivesTheSameBooks) {
  auto a = start_paused();
  auto b = start_paused();
  ASSERT_TRUE(a && b);
  a->step(30);
  b->step(30);
  const auto x = a->book("BTC-USDT-SWAP");
  const auto y = b->book("BTC-USDT-SWAP");
  EXPECT_EQ(x->seq_id, y->seq_id);
  EXPECT_EQ(x->bids, y->bids);
  EXPECT_EQ(x->asks, y->asks);
  EXPECT_LT(x->bids.size(), 400u) << "the book fits the 400 levels the books channel serves";
}

}  // namespace
}  // namespace astra::sim::test
