// The Kraken simulator's WebSocket feeds against real Kraken payloads and Kraken's book rules:
// spot v2 (apply in order, truncate to the depth, CRC32 over the top 10 with the pair's
// precision) and futures (book_snapshot then one delta per seq).
#include "json_shape.hpp"
#include "local_book.hpp"
#include "test_client.hpp"

#include <astra/sim/kraken/kraken_sim.hpp>
#include <common/shared_dir.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>
#include <regex>

namespace astra::sim::test {
namespace {

using kraken::KrakenSim;
using Levels = std::vector<std::pair<std::string, std::string>>;

std::unique_ptr<KrakenSim> start_paused(uint64_t seed = 11) {
  kraken::Options o;
  o.symbols = {"XBT/USD", "ETH/USD", "PF_XBTUSD"};
  o.seed = seed;
  o.start_paused = true;
  std::string error;
  auto sim = KrakenSim::start(o, error);
  EXPECT_TRUE(sim) << error;
  return sim;
}

// JSON numbers of price/qty keys as strings, so a test sees the exact tokens.
ojson parse_exact(const std::string& text) {
  static const std::regex number(R"re("(price|qty)":\s*(-?[0-9][0-9.eE+-]*))re");
  return ojson::parse(std::regex_replace(text, number, "\"$1\":\"$2\""));
}

// "0.566" with 4 decimals -> "0.5660"; empty when the token has more decimals than that.
std::string fixed(const std::string& token, int decimals) {
  const size_t dot = token.find('.');
  std::string whole = dot == std::string::npos ? token : token.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : token.substr(dot + 1);
  if (frac.size() > static_cast<size_t>(decimals)) return "";
  frac.append(static_cast<size_t>(decimals) - frac.size(), '0');
  return decimals == 0 ? whole : whole + "." + frac;
}

// A v2 subscriber's book: levels applied in order, each side truncated to the depth.
struct V2Book {
  int price_decimals, qty_decimals;
  size_t depth;
  std::map<std::string, std::string, PriceGreater> bids;
  std::map<std::string, std::string, PriceLess> asks;

  template <class Side>
  void apply(Side& side, const ojson& levels) {
    for (const auto& l : levels) {
      const std::string p = fixed(l["price"].get<std::string>(), price_decimals);
      const std::string q = fixed(l["qty"].get<std::string>(), qty_decimals);
      ASSERT_FALSE(p.empty() || q.empty()) << l;
      if (dec(q).mantissa == 0)
        side.erase(p);
      else
        side[p] = q;
    }
    while (side.size() > depth)
      side.erase(std::prev(side.end()));
  }
  void message(const ojson& entry, bool snapshot) {
    if (snapshot) bids.clear(), asks.clear();
    apply(bids, entry["bids"]);
    apply(asks, entry["asks"]);
  }
  Levels levels_of(bool bid) const {
    Levels out;
    if (bid)
      out.assign(bids.begin(), bids.end());
    else
      out.assign(asks.begin(), asks.end());
    return out;
  }
  uint32_t checksum() const { return kraken::book_checksum(levels_of(true), levels_of(false)); }
};

// Reads frames until `pred` holds for one (returned), failing after `limit` frames.
std::optional<ojson> read_until(WsClient& ws, const std::function<bool(const ojson&)>& pred,
                                bool exact = true, int limit = 5000) {
  for (int i = 0; i < limit; ++i) {
    auto text = ws.read();
    if (!text) return std::nullopt;
    ojson f = exact ? parse_exact(*text) : ojson::parse(*text);
    if (pred(f)) return f;
  }
  return std::nullopt;
}

TEST(KrakenSimV2, BookUpdatesKeepTheTruncatedBookAndEveryChecksumVerifies) {
  ASTRA_REQUIRE_SHARED(snap_doc, "fixtures/kraken/ws_v2_book_snapshot_doc_MATICUSD.json");
  ASTRA_REQUIRE_SHARED(update_doc, "fixtures/kraken/ws_v2_book_update_doc_MATICUSD.json");
  ASTRA_REQUIRE_SHARED(ack_doc, "fixtures/kraken/ws_v2_subscribe_ack_doc.jsonl");
  const ojson real_snapshot = parse_exact(read_text(snap_doc));
  ojson real_update = parse_exact(read_text(update_doc));
  // The documented update touches bids only; its ask levels have the same shape.
  real_update["data"][0]["asks"] = real_update["data"][0]["bids"];
  const ojson real_ack = read_first_jsonl(ack_doc);
  auto sim = start_paused();
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/v2"));
  auto status = ws.read();
  ASSERT_TRUE(status);
  EXPECT_EQ(ojson::parse(*status)["channel"], "status");
  ASSERT_TRUE(ws.send(
      R"({"method":"subscribe","params":{"channel":"book","symbol":["BTC/USD"],"depth":10,"snapshot":true}})"));
  auto ack = ws.read();
  ASSERT_TRUE(ack);
  EXPECT_EQ(shape_problems(ojson::parse(*ack), real_ack), "") << *ack;
  auto snap = ws.read();
  ASSERT_TRUE(snap);
  const ojson snapshot = parse_exact(*snap);
  EXPECT_EQ(shape_problems(snapshot, real_snapshot), "") << *snap;
  V2Book local{1, 8, 10, {}, {}};
  local.message(snapshot["data"][0], true);
  EXPECT_EQ(local.checksum(), snapshot["data"][0]["checksum"].get<uint32_t>());
  EXPECT_EQ(local.bids.size(), 10u);

  sim->step(200);
  const auto target = sim->book("XBT/USD", 10);
  ASSERT_TRUE(target);
  int updates = 0, deletes = 0;
  while (local.levels_of(true) != target->bids || local.levels_of(false) != target->asks) {
    auto text = ws.read();
    ASSERT_TRUE(text) << "the book never reached the simulator's; " << updates << " updates";
    const ojson f = parse_exact(*text);
    if (f["channel"] == "heartbeat") continue;
    ASSERT_EQ(f["type"], "update") << *text;
    EXPECT_EQ(shape_problems(f, real_update), "") << *text;
    const ojson& entry = f["data"][0];
    for (const char* side : {"bids", "asks"})
      for (const auto& l : entry[side])
        deletes += dec(l["qty"].get<std::string>()).mantissa == 0;
    local.message(entry, false);
    ASSERT_EQ(local.checksum(), entry["checksum"].get<uint32_t>()) << "update " << updates;
    ++updates;
  }
  EXPECT_GT(updates, 50);
  EXPECT_GT(deletes, 0);
}

TEST(KrakenSimV2, CorruptNextChecksumBreaksOnlyTheChecksumOfOneUpdate) {
  kraken::Options o;
  o.symbols = {"XBT/USD", "ETH/USD"};  // spot only: every book message is one of these frames
  o.seed = 12;
  o.start_paused = true;
  std::string error;
  auto sim = KrakenSim::start(o, error);
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/v2"));
  ASSERT_TRUE(ws.send(
      R"({"method":"subscribe","params":{"channel":"book","symbol":["BTC/USD","ETH/USD"],"depth":10},"req_id":7})"));
  std::map<std::string, V2Book> books;
  books.emplace("BTC/USD", V2Book{1, 8, 10, {}, {}});
  books.emplace("ETH/USD", V2Book{2, 8, 10, {}, {}});
  int snapshots = 0;
  ASSERT_TRUE(read_until(ws, [&](const ojson& f) {
    if (f.value("method", "") == "subscribe") {
      EXPECT_EQ(f["req_id"], 7);
    }
    if (f.value("type", "") != "snapshot") return false;
    books.at(f["data"][0]["symbol"].get<std::string>()).message(f["data"][0], true);
    return ++snapshots == 2;
  }));
  ASSERT_TRUE(sim->corrupt_next_checksum("XBT/USD"));
  const uint64_t before = sim->stats().book_messages;
  sim->step(30);
  const uint64_t expected = sim->stats().book_messages - before;  // one depth: one frame each
  int bad = 0, good = 0;
  while (static_cast<uint64_t>(bad + good) < expected) {
    auto text = ws.read();
    ASSERT_TRUE(text) << "after " << bad + good << " of " << expected << " updates";
    const ojson f = parse_exact(*text);
    if (f.value("channel", "") != "book") continue;
    const ojson& entry = f["data"][0];
    V2Book& b = books.at(entry["symbol"].get<std::string>());
    b.message(entry, false);
    if (b.checksum() == entry["checksum"].get<uint32_t>()) {
      ++good;
    } else {
      ++bad;
      EXPECT_EQ(entry["symbol"], "BTC/USD");
    }
  }
  EXPECT_EQ(bad, 1);
  EXPECT_GT(good, 20);
  EXPECT_EQ(sim->stats().checksums_corrupted, 1u);
  // The levels stayed right: the book still equals the simulator's.
  const auto target = sim->book("XBT/USD", 10);
  EXPECT_EQ(books.at("BTC/USD").levels_of(true), target->bids);
  EXPECT_EQ(books.at("BTC/USD").levels_of(false), target->asks);
}

TEST(KrakenSimV2, ResubscribingGivesAFreshSnapshotAndBadRequestsGetErrors) {
  auto sim = start_paused(13);
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/v2"));
  ASSERT_TRUE(
      ws.send(R"({"method":"subscribe","params":{"channel":"book","symbol":["XBT/USD"]}})"));
  auto err = read_until(ws, [](const ojson& f) { return f.contains("success"); });
  ASSERT_TRUE(err);
  EXPECT_EQ((*err)["success"], false);
  EXPECT_EQ((*err)["error"], "Currency pair not supported XBT/USD") << "v2 names it BTC/USD";
  ASSERT_TRUE(ws.send(
      R"({"method":"subscribe","params":{"channel":"book","symbol":["BTC/USD"],"depth":7}})"));
  err = read_until(ws, [](const ojson& f) { return f.contains("success"); });
  ASSERT_TRUE(err);
  EXPECT_EQ((*err)["success"], false);
  ASSERT_TRUE(ws.send("not json"));
  err = read_until(ws, [](const ojson& f) { return f.contains("success"); });
  ASSERT_TRUE(err);
  EXPECT_EQ((*err)["success"], false);
  ASSERT_TRUE(ws.send(R"({"method":"ping","req_id":3})"));
  auto pong = read_until(ws, [](const ojson& f) { return f.value("method", "") == "pong"; });
  ASSERT_TRUE(pong);
  EXPECT_EQ((*pong)["req_id"], 3);

  const std::string sub =
      R"({"method":"subscribe","params":{"channel":"book","symbol":["BTC/USD"],"depth":10,"snapshot":true}})";
  ASSERT_TRUE(ws.send(sub));
  ASSERT_TRUE(read_until(ws, [](const ojson& f) { return f.value("type", "") == "snapshot"; }));
  sim->step(30);
  ASSERT_TRUE(ws.send(
      R"({"method":"unsubscribe","params":{"channel":"book","symbol":["BTC/USD"],"depth":10}})"));
  ASSERT_TRUE(ws.send(sub));
  auto snap = read_until(ws, [](const ojson& f) { return f.value("type", "") == "snapshot"; });
  ASSERT_TRUE(snap);
  V2Book fresh{1, 8, 10, {}, {}};
  fresh.message((*snap)["data"][0], true);
  const auto target = sim->book("BTC/USD", 10);
  EXPECT_EQ(fresh.levels_of(true), target->bids);
  EXPECT_EQ(fresh.levels_of(false), target->asks);
  EXPECT_EQ(fresh.checksum(), (*snap)["data"][0]["checksum"].get<uint32_t>());
}

TEST(KrakenSimV2, TradesCarryTheTakerSideOfEachFill) {
  auto sim = start_paused(14);
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/v2"));
  ASSERT_TRUE(ws.send(
      R"({"method":"subscribe","params":{"channel":"trade","symbol":["ETH/USD"],"snapshot":false}})"));
  ASSERT_TRUE(read_until(ws, [](const ojson& f) { return f.value("method", "") == "subscribe"; }));
  sim->step(100);
  const auto expected = sim->trades("ETH/USD");
  ASSERT_GT(expected.size(), 5u);
  std::vector<kraken::TradeView> got;
  while (got.size() < expected.size()) {
    auto text = ws.read();
    ASSERT_TRUE(text);
    const ojson f = parse_exact(*text);
    if (f.value("channel", "") != "trade") continue;
    ASSERT_EQ(f["type"], "update");
    for (const auto& t : f["data"]) {
      EXPECT_EQ(t["symbol"], "ETH/USD");
      EXPECT_TRUE(t["trade_id"].is_number_integer());
      got.push_back(
          {t["price"].get<std::string>(), t["qty"].get<std::string>(), t["side"] == "buy"});
    }
  }
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].price, expected[i].price);
    EXPECT_EQ(got[i].qty, expected[i].qty);
    EXPECT_EQ(got[i].taker_buys, expected[i].taker_buys);
  }
}

TEST(KrakenSimFutures, BookSnapshotThenOneDeltaPerSeqLikeTheRecording) {
  ASTRA_REQUIRE_SHARED(recording, "recordings/kraken-futures.capture.jsonl");
  // The recorded frames of each kind, as models.
  std::map<std::string, ojson> real;
  {
    std::ifstream in(recording);
    std::string line;
    while (std::getline(in, line)) {
      const ojson l = ojson::parse(line);
      if (l["type"] != "ws_recv") continue;
      const ojson f = ojson::parse(l["text"].get<std::string>());
      const std::string kind = f.value("feed", "") + "/" + f.value("event", "");
      if (!real.count(kind)) real[kind] = f;
    }
  }
  ASSERT_TRUE(real.count("book_snapshot/") && real.count("book/") && real.count("trade/") &&
              real.count("book/subscribed") && real.count("/info"));
  auto sim = start_paused(15);
  ASSERT_TRUE(sim);
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/ws/v1"));
  auto info = ws.read();
  ASSERT_TRUE(info);
  EXPECT_EQ(ojson::parse(*info), real["/info"]);
  ASSERT_TRUE(ws.send(R"({"event":"subscribe","feed":"book","product_ids":["pf_xbtusd"]})"));
  auto sub = ws.read();
  ASSERT_TRUE(sub);
  EXPECT_EQ(shape_problems(ojson::parse(*sub), real["book/subscribed"]), "");
  EXPECT_EQ(ojson::parse(*sub)["product_ids"][0], "PF_XBTUSD");
  auto snap_text = ws.read();
  ASSERT_TRUE(snap_text);
  const ojson snap = ojson::parse(*snap_text);
  EXPECT_EQ(shape_problems(snap, real["book_snapshot/"]), "") << snap_text->substr(0, 300);
  const auto start = sim->book("PF_XBTUSD");
  EXPECT_EQ(snap["seq"], start->last_update_id);

  std::map<std::string, std::string, PriceGreater> bids;
  std::map<std::string, std::string, PriceLess> asks;
  const ojson exact = parse_exact(*snap_text);
  for (const auto& l : exact["bids"])
    bids[l["price"].get<std::string>()] = l["qty"].get<std::string>();
  for (const auto& l : exact["asks"])
    asks[l["price"].get<std::string>()] = l["qty"].get<std::string>();
  ASSERT_TRUE(sim->drop_next_update("PF_XBTUSD"));
  sim->step(60);
  const auto target = sim->book("PF_XBTUSD");
  uint64_t seq = snap["seq"].get<uint64_t>();
  int gaps = 0, deltas = 0;
  while (seq < target->last_update_id) {
    auto text = ws.read();
    ASSERT_TRUE(text) << "stopped at seq " << seq;
    const ojson f = parse_exact(*text);
    ASSERT_EQ(f["feed"], "book");
    EXPECT_EQ(shape_problems(ojson::parse(*text), real["book/"]), "") << *text;
    const uint64_t s = f["seq"].get<uint64_t>();
    if (s != seq + 1) ++gaps;
    EXPECT_EQ(s, seq + (gaps == 1 && s != seq + 1 ? 2 : 1));
    seq = s;
    ++deltas;
    const std::string p = f["price"].get<std::string>(), q = f["qty"].get<std::string>();
    auto apply = [&](auto& side) {
      if (dec(q).mantissa == 0)
        side.erase(p);
      else
        side[p] = q;
    };
    if (f["side"] == "buy")
      apply(bids);
    else
      apply(asks);
  }
  EXPECT_EQ(gaps, 1) << "exactly the dropped delta is missing";
  EXPECT_GT(deltas, 50);
  // The dropped delta leaves the book wrong; a fresh snapshot is right again.
  ASSERT_TRUE(ws.send(R"({"event":"unsubscribe","feed":"book","product_ids":["PF_XBTUSD"]})"));
  ASSERT_TRUE(ws.send(R"({"event":"subscribe","feed":"book","product_ids":["PF_XBTUSD"]})"));
  auto fresh =
      read_until(ws, [](const ojson& f) { return f.value("feed", "") == "book_snapshot"; });
  ASSERT_TRUE(fresh);
  EXPECT_EQ((*fresh)["seq"], target->last_update_id);
  Levels fresh_bids;
  for (const auto& l : (*fresh)["bids"])
    fresh_bids.emplace_back(l["price"].get<std::string>(), l["qty"].get<std::string>());
  EXPECT_EQ(fresh_bids, target->bids);
}

TEST(KrakenSimFutures, TradesLikeTheRecordingWithTheTakerSide) {
  ASTRA_REQUIRE_SHARED(recording, "recordings/kraken-futures.capture.jsonl");
  ojson real_trade, real_snapshot;
  {
    std::ifstream in(recording);
    std::string line;
    while (std::getline(in, line) && (real_trade.is_null() || real_snapshot.is_null())) {
      const ojson l = ojson::parse(line);
      if (l["type"] != "ws_recv") continue;
      const ojson f = ojson::parse(l["text"].get<std::string>());
      if (f.value("feed", "") == "trade" && !f.contains("event") && real_trade.is_null())
        real_trade = f;
      if (f.value("feed", "") == "trade_snapshot" && real_snapshot.is_null()) real_snapshot = f;
    }
  }
  ASSERT_FALSE(real_trade.is_null() || real_snapshot.is_null());
  auto sim = start_paused(16);
  ASSERT_TRUE(sim);
  sim->step(50);  // history for the snapshot
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/ws/v1"));
  ASSERT_TRUE(ws.send(R"({"event":"subscribe","feed":"trade","product_ids":["PF_XBTUSD"]})"));
  auto snap = read_until(
      ws, [](const ojson& f) { return f.value("feed", "") == "trade_snapshot"; }, false);
  ASSERT_TRUE(snap);
  EXPECT_EQ(shape_problems(*snap, real_snapshot), "");
  const size_t before = sim->trades("PF_XBTUSD").size();
  sim->step(50);
  const auto all = sim->trades("PF_XBTUSD");
  ASSERT_GT(all.size(), before + 3);
  for (size_t i = before; i < all.size(); ++i) {
    std::optional<ojson> t;
    while (!t) {
      auto text = ws.read();
      ASSERT_TRUE(text);
      const ojson raw = ojson::parse(*text);
      if (raw.value("feed", "") != "trade") continue;
      EXPECT_EQ(shape_problems(raw, real_trade), "") << *text;
      t = parse_exact(*text);
    }
    EXPECT_EQ((*t)["price"].get<std::string>(), all[i].price);
    EXPECT_EQ((*t)["qty"].get<std::string>(), all[i].qty);
    EXPECT_EQ((*t)["side"] == "buy", all[i].taker_buys);
  }
}

}  // namespace
}  // namespace astra::sim::test
