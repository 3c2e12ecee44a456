// The Kraken simulator's spot WebSocket v1 (path "/", as wss://ws.kraken.com) against the REAL v1
// frames recorded from Kraken (recordings/kraken-spot-{book,trades}.capture.jsonl) and Kraken's
// v1 book rules: apply every level, truncate to the depth, CRC32 over the top 10 with the strings
// exactly as sent. The checksum is recomputed here from the frames, independently of the sim's.
#include "json_shape.hpp"
#include "local_book.hpp"
#include "test_client.hpp"

#include <astra/sim/kraken/kraken_sim.hpp>
#include <common/shared_dir.hpp>

#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <map>

namespace astra::sim::test {
namespace {

using kraken::KrakenSim;
using Levels = std::vector<std::pair<std::string, std::string>>;

// The first received frame of a recording that `pred` accepts.
ojson real_frame(const std::string& path, const std::function<bool(const ojson&)>& pred) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const ojson l = ojson::parse(line);
    if (l.value("type", "") != "ws_recv") continue;
    const ojson f = ojson::parse(l["text"].get<std::string>());
    if (pred(f)) return f;
  }
  ADD_FAILURE() << "no such frame in " << path;
  return ojson();
}

// v1 data frames are arrays whose elements differ in kind: compare position by position.
std::string frame_problems(const ojson& sim, const ojson& real) {
  if (!sim.is_array() || !real.is_array()) return shape_problems(sim, real);
  if (sim.size() != real.size())
    return "sim has " + std::to_string(sim.size()) + " elements, real " +
           std::to_string(real.size());
  std::string out;
  for (size_t i = 0; i < sim.size(); ++i)
    out += shape_problems(sim[i], real[i]);
  return out;
}

// Kraken's v1 checksum, written out here: asks low to high then bids high to low, top 10, each
// price then volume with '.' and leading zeros removed, CRC32 (zlib).
uint32_t crc_of(const Levels& bids, const Levels& asks) {
  std::string input;
  auto add = [&](const std::string& text) {
    std::string digits;
    for (char ch : text)
      if (ch != '.') digits += ch;
    input += digits.substr(std::min(digits.find_first_not_of('0'), digits.size()));
  };
  for (size_t i = 0; i < asks.size() && i < 10; ++i)
    add(asks[i].first), add(asks[i].second);
  for (size_t i = 0; i < bids.size() && i < 10; ++i)
    add(bids[i].first), add(bids[i].second);
  return static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(input.data()), static_cast<uInt>(input.size())));
}

// A v1 subscriber's book.
struct V1Book {
  size_t depth;
  std::map<std::string, std::string, PriceGreater> bids;
  std::map<std::string, std::string, PriceLess> asks;

  template <class Side>
  void apply(Side& side, const ojson& levels) {
    for (const auto& l : levels) {
      const std::string p = l[0].get<std::string>(), q = l[1].get<std::string>();
      if (dec(q).mantissa == 0)
        side.erase(p);
      else
        side[p] = q;
    }
    while (side.size() > depth)
      side.erase(std::prev(side.end()));
  }
  Levels levels_of(bool bid) const {
    return bid ? Levels(bids.begin(), bids.end()) : Levels(asks.begin(), asks.end());
  }
  uint32_t checksum() const { return crc_of(levels_of(true), levels_of(false)); }
};

// "57000.1" with 5 decimals -> "57000.10000" (the simulator's book() uses the v2 decimals).
std::string widen(const std::string& text, int decimals) {
  const size_t dot = text.find('.');
  const std::string frac = dot == std::string::npos ? "" : text.substr(dot + 1);
  return (dot == std::string::npos ? text : text.substr(0, dot)) + "." + frac +
         std::string(static_cast<size_t>(decimals) - frac.size(), '0');
}

std::unique_ptr<KrakenSim> start_spot(uint64_t seed) {
  kraken::Options o;
  o.symbols = {"XBT/USD", "ETH/USD"};
  o.seed = seed;
  o.start_paused = true;
  std::string error;
  auto sim = KrakenSim::start(o, error);
  EXPECT_TRUE(sim) << error;
  return sim;
}

TEST(KrakenSimV1, IndependentChecksumMatchesKrakensOwn) {
  ASTRA_REQUIRE_SHARED(vectors, "fixtures/kraken/checksum_vectors.json");
  const ojson v = read_json(vectors);
  ASSERT_FALSE(v["recorded_v1"].empty());
  for (const auto& s : v["recorded_v1"]) {
    Levels bids, asks;
    for (const auto& l : s["top10_bids_high_to_low"])
      bids.emplace_back(l[0], l[1]);
    for (const auto& l : s["top10_asks_low_to_high"])
      asks.emplace_back(l[0], l[1]);
    EXPECT_EQ(std::to_string(crc_of(bids, asks)), s["expected_checksum_from_kraken"]) << s["pair"];
  }
}

TEST(KrakenSimV1, BookFramesHaveKrakensShapesAndEveryChecksumVerifies) {
  ASTRA_REQUIRE_SHARED(book_rec, "recordings/kraken-spot-book.capture.jsonl");
  const ojson real_status =
      real_frame(book_rec, [](const ojson& f) { return f.value("event", "") == "systemStatus"; });
  const ojson real_sub = real_frame(
      book_rec, [](const ojson& f) { return f.value("event", "") == "subscriptionStatus"; });
  const ojson real_heartbeat =
      real_frame(book_rec, [](const ojson& f) { return f.value("event", "") == "heartbeat"; });
  const ojson real_snapshot =
      real_frame(book_rec, [](const ojson& f) { return f.is_array() && f[1].contains("as"); });
  const ojson real_asks_only = real_frame(book_rec, [](const ojson& f) {
    return f.is_array() && f.size() == 4 && f[1].contains("a") && f[1].contains("c");
  });
  const ojson real_bids_only = real_frame(book_rec, [](const ojson& f) {
    return f.is_array() && f.size() == 4 && f[1].contains("b") && f[1].contains("c");
  });
  const ojson real_both_sides = real_frame(
      book_rec, [](const ojson& f) { return f.is_array() && f.size() == 5 && f[1].contains("a"); });

  auto sim = start_spot(21);
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/"));
  auto text = ws.read();
  ASSERT_TRUE(text);
  EXPECT_EQ(shape_problems(ojson::parse(*text), real_status), "") << *text;
  ASSERT_TRUE(ws.send(
      R"({"event":"subscribe","pair":["XBT/USD"],"subscription":{"name":"book","depth":10}})"));
  text = ws.read();
  ASSERT_TRUE(text);
  const ojson sub = ojson::parse(*text);
  EXPECT_EQ(shape_problems(sub, real_sub), "") << *text;
  EXPECT_EQ(sub["channelName"], "book-10");
  EXPECT_EQ(sub["pair"], "XBT/USD");
  EXPECT_EQ(sub["status"], "subscribed");
  text = ws.read();
  ASSERT_TRUE(text);
  const ojson snapshot = ojson::parse(*text);
  EXPECT_EQ(frame_problems(snapshot, real_snapshot), "") << *text;
  EXPECT_EQ(snapshot[0], sub["channelID"]);
  V1Book local{10, {}, {}};
  local.apply(local.asks, snapshot[1]["as"]);
  local.apply(local.bids, snapshot[1]["bs"]);
  ASSERT_EQ(local.bids.size(), 10u);
  EXPECT_EQ(local.bids.begin()->first.size(), std::string("57000.00000").size())
      << "v1 writes XBT/USD prices with 5 decimals";

  sim->step(200);
  auto target = sim->book("XBT/USD", 10);
  ASSERT_TRUE(target);
  for (auto* side : {&target->bids, &target->asks})
    for (auto& [p, q] : *side)
      p = widen(p, 5);
  int updates = 0, two_sided = 0, republished = 0, heartbeats = 0;
  while (local.levels_of(true) != target->bids || local.levels_of(false) != target->asks) {
    text = ws.read();
    ASSERT_TRUE(text) << "the book never reached the simulator's; " << updates << " updates";
    const ojson f = ojson::parse(*text);
    if (f.is_object()) {
      EXPECT_EQ(shape_problems(f, real_heartbeat), "") << *text;
      ++heartbeats;
      continue;
    }
    const ojson& real = f.size() == 5        ? real_both_sides
                        : f[1].contains("a") ? real_asks_only
                                             : real_bids_only;
    EXPECT_EQ(frame_problems(f, real), "") << *text;
    EXPECT_EQ(f[0], sub["channelID"]);
    std::string checksum;
    for (size_t i = 1; i + 2 < f.size(); ++i) {
      if (f[i].contains("a")) local.apply(local.asks, f[i]["a"]);
      if (f[i].contains("b")) local.apply(local.bids, f[i]["b"]);
      if (f[i].contains("c")) checksum = f[i]["c"].get<std::string>();
      for (const char* side : {"a", "b"})
        if (f[i].contains(side))
          for (const auto& l : f[i][side])
            republished += l.size() == 4 && l[3] == "r";
    }
    two_sided += f.size() == 5;
    ASSERT_EQ(std::to_string(local.checksum()), checksum) << "update " << updates << ": " << *text;
    ++updates;
  }
  EXPECT_GT(updates, 50);
  EXPECT_GT(two_sided, 0);
  EXPECT_GT(republished, 0) << "levels that only came into range carry \"r\"";
}

TEST(KrakenSimV1, TradesHaveKrakensShapeAndAreTheSimulatorsTrades) {
  ASTRA_REQUIRE_SHARED(trade_rec, "recordings/kraken-spot-trades.capture.jsonl");
  const ojson real_sub = real_frame(
      trade_rec, [](const ojson& f) { return f.value("event", "") == "subscriptionStatus"; });
  const ojson real_trade = real_frame(trade_rec, [](const ojson& f) { return f.is_array(); });

  auto sim = start_spot(22);
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/"));
  ASSERT_TRUE(ws.read());  // systemStatus
  ASSERT_TRUE(ws.send(
      R"({"event":"subscribe","pair":["XBT/USD"],"subscription":{"name":"trade"},"reqid":5})"));
  auto text = ws.read();
  ASSERT_TRUE(text);
  const ojson sub = ojson::parse(*text);
  ojson sub_without_reqid = sub;
  sub_without_reqid.erase("reqid");
  EXPECT_EQ(shape_problems(sub_without_reqid, real_sub), "") << *text;
  EXPECT_EQ(sub["reqid"], 5);
  EXPECT_EQ(sub["channelName"], "trade");

  const size_t before = sim->trades("XBT/USD").size();
  sim->step(20);
  const auto made = sim->trades("XBT/USD");
  ASSERT_GT(made.size(), before);
  size_t next = before;
  while (next < made.size()) {
    text = ws.read();
    ASSERT_TRUE(text) << "after " << next - before << " of " << made.size() - before;
    const ojson f = ojson::parse(*text);
    if (f.is_object()) continue;  // heartbeat
    EXPECT_EQ(frame_problems(f, real_trade), "") << *text;
    EXPECT_EQ(f[0], sub["channelID"]);
    for (const auto& t : f[1]) {
      ASSERT_LT(next, made.size());
      const auto& m = made[next++];
      EXPECT_EQ(sdk::compare_decimal(dec(t[0].get<std::string>()), dec(m.price)), 0) << t;
      EXPECT_EQ(sdk::compare_decimal(dec(t[1].get<std::string>()), dec(m.qty)), 0) << t;
      EXPECT_EQ(t[3], m.taker_buys ? "b" : "s") << t;
    }
  }
}

TEST(KrakenSimV1, PingUnsubscribeAndErrors) {
  auto sim = start_spot(23);
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/"));
  ASSERT_TRUE(ws.read());
  ASSERT_TRUE(ws.send(R"({"event":"ping","reqid":42})"));
  auto text = ws.read();
  ASSERT_TRUE(text);
  EXPECT_EQ(ojson::parse(*text), ojson::parse(R"({"event":"pong","reqid":42})"));

  ASSERT_TRUE(ws.send(
      R"({"event":"subscribe","pair":["BTC/USD"],"subscription":{"name":"book","depth":10}})"));
  text = ws.read();
  ASSERT_TRUE(text);
  ojson f = ojson::parse(*text);
  EXPECT_EQ(f["status"], "error") << "v1 names the pair XBT/USD";
  EXPECT_EQ(f["errorMessage"], "Currency pair not supported");

  ASSERT_TRUE(ws.send(
      R"({"event":"subscribe","pair":["XBT/USD"],"subscription":{"name":"book","depth":7}})"));
  text = ws.read();
  ASSERT_TRUE(text);
  EXPECT_EQ(ojson::parse(*text)["status"], "error");

  ASSERT_TRUE(
      ws.send(R"({"event":"subscribe","pair":["XBT/USD"],"subscription":{"name":"book"}})"));
  text = ws.read();
  ASSERT_TRUE(text);
  EXPECT_EQ(ojson::parse(*text)["channelName"], "book-10") << "the default depth is 10";
  ASSERT_TRUE(ws.read());  // snapshot
  ASSERT_TRUE(
      ws.send(R"({"event":"unsubscribe","pair":["XBT/USD"],"subscription":{"name":"book"}})"));
  text = ws.read();
  ASSERT_TRUE(text);
  EXPECT_EQ(ojson::parse(*text)["status"], "unsubscribed");
  ASSERT_TRUE(ws.send("not json"));
  text = ws.read();
  ASSERT_TRUE(text);
  EXPECT_EQ(ojson::parse(*text)["event"], "error");
  sim->step(20);
  // Nothing more for this client but heartbeats (none: it holds no subscription).
  EXPECT_FALSE(ws.read(300ms));  // (the client closes on a timeout: last)
}

}  // namespace
}  // namespace astra::sim::test
