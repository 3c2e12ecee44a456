// The KuCoin simulator against real KuCoin payloads (shared/fixtures/kucoin, the recording) and
// KuCoin's documented rules: token handshake, welcome, ack, ping/pong, level2 sequencing (spot
// sequenceStart/End, futures sequence), matches with the taker side, and the dropped-update fault.
#include "json_shape.hpp"
#include "test_client.hpp"

#include <astra/sim/fault_injector.hpp>
#include <astra/sim/kucoin/kucoin_sim.hpp>
#include <common/shared_dir.hpp>

#include <gtest/gtest.h>

#include <map>
#include <thread>

namespace astra::sim::test {
namespace {

using kucoin::KucoinSim;

std::unique_ptr<KucoinSim> start(kucoin::Options options) {
  std::string error;
  auto sim = KucoinSim::start(std::move(options), error);
  EXPECT_TRUE(sim) << error;
  return sim;
}

kucoin::Options paused(uint64_t seed = 5) {
  kucoin::Options o;
  o.seed = seed;
  o.start_paused = true;
  return o;
}

std::optional<HttpResult> http_post(uint16_t port, const std::string& target,
                                    std::chrono::milliseconds timeout = 2000ms) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  bool done = false;
  beast::error_code error;
  stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                       [&](beast::error_code ec) {
                         error = ec;
                         done = true;
                       });
  if (!run_until(io, stream, done, timeout) || error) return std::nullopt;
  http::request<http::string_body> req{http::verb::post, target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.prepare_payload();
  http::response<http::string_body> res;
  beast::flat_buffer buffer;
  done = false;
  http::async_write(stream, req, [&](beast::error_code ec, size_t) {
    if (ec) {
      error = ec;
      done = true;
      return;
    }
    http::async_read(stream, buffer, res, [&](beast::error_code ec2, size_t) {
      error = ec2;
      done = true;
    });
  });
  if (!run_until(io, stream, done, timeout) || error) return std::nullopt;
  return HttpResult{res.result_int(), res.body(), {}, {}};
}

ojson get_json(uint16_t port, const std::string& target, unsigned want_status = 200) {
  auto res = http_get(port, target);
  EXPECT_TRUE(res.has_value()) << target;
  if (!res) return ojson();
  EXPECT_EQ(res->status, want_status) << target << ": " << res->body;
  return ojson::parse(res->body, nullptr, false);
}

// The token and the WebSocket target ("/?token=…&connectId=…") from the host's bullet-public.
struct Bullet {
  ojson answer;
  std::string target;
};
Bullet bullet(uint16_t port, const std::string& connect_id = "test1") {
  Bullet b;
  auto res = http_post(port, "/api/v1/bullet-public");
  EXPECT_TRUE(res && res->status == 200);
  if (!res) return b;
  b.answer = ojson::parse(res->body);
  const std::string endpoint = b.answer["data"]["instanceServers"][0]["endpoint"];
  const std::string prefix = "ws://127.0.0.1:" + std::to_string(port);
  EXPECT_EQ(endpoint.rfind(prefix, 0), 0u) << endpoint;
  b.target = endpoint.substr(prefix.size()) +
             "?token=" + b.answer["data"]["token"].get<std::string>() + "&connectId=" + connect_id;
  return b;
}

// A connected, welcomed client with the given topics subscribed (acks consumed).
std::unique_ptr<WsClient> subscribed(uint16_t port, const std::vector<std::string>& topics) {
  auto ws = std::make_unique<WsClient>();
  const Bullet b = bullet(port);
  EXPECT_TRUE(ws->connect(port, b.target));
  auto welcome = ws->read();
  EXPECT_TRUE(welcome && ojson::parse(*welcome)["type"] == "welcome");
  int n = 0;
  for (const auto& t : topics) {
    ojson sub = {{"id", std::to_string(++n)},
                 {"type", "subscribe"},
                 {"topic", t},
                 {"privateChannel", false},
                 {"response", true}};
    EXPECT_TRUE(ws->send(sub.dump()));
    auto ack = ws->read();
    EXPECT_TRUE(ack.has_value());
    if (ack) {
      EXPECT_EQ(ojson::parse(*ack),
                ojson::parse(R"({"id":")" + std::to_string(n) + R"(","type":"ack"})"));
    }
  }
  return ws;
}

// A line of a .jsonl fixture whose parsed JSON satisfies `pred`.
template <class Pred>
ojson find_line(const std::filesystem::path& path, Pred pred) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    ojson j = ojson::parse(line, nullptr, false);
    if (!j.is_discarded() && pred(j)) return j;
  }
  return ojson();
}

// A client book kept by KuCoin's calibration rule over [price, size] text.
struct LocalBook {
  uint64_t sequence = 0;
  std::map<std::string, std::string> bids, asks;  // text -> text (compared as sets below)

  void load(const ojson& levels, std::map<std::string, std::string>& side) {
    side.clear();
    for (const auto& l : levels)
      side[l[0].is_string() ? l[0].get<std::string>() : l[0].dump()] =
          l[1].is_string() ? l[1].get<std::string>() : l[1].dump();
  }
  void set(std::map<std::string, std::string>& side, const std::string& p, const std::string& s) {
    if (s == "0")
      side.erase(p);
    else
      side[p] = s;
  }
  // Spot: false on a gap.
  bool apply_spot(const ojson& data) {
    const uint64_t start = data["sequenceStart"], end = data["sequenceEnd"];
    if (end <= sequence) return true;
    if (start > sequence + 1) return false;
    for (const char* key : {"asks", "bids"})
      for (const auto& c : data["changes"][key]) {
        if (std::stoull(c[2].get<std::string>()) <= sequence || c[0] == "0") continue;
        set(std::string(key) == "bids" ? bids : asks, c[0], c[1]);
      }
    sequence = end;
    return true;
  }
  // Futures: false on a gap.
  bool apply_futures(const ojson& data) {
    const uint64_t seq = data["sequence"];
    if (seq <= sequence) return true;
    if (seq != sequence + 1) return false;
    const std::string change = data["change"];
    const auto c1 = change.find(','), c2 = change.rfind(',');
    set(change.substr(c1 + 1, c2 - c1 - 1) == "buy" ? bids : asks, change.substr(0, c1),
        change.substr(c2 + 1));
    sequence = seq;
    return true;
  }
};

std::map<std::string, std::string> as_map(
    const std::vector<std::pair<std::string, std::string>>& v) {
  return {v.begin(), v.end()};
}

// ---------------------------------------------------------------------------------------------
// REST
// ---------------------------------------------------------------------------------------------

TEST(KucoinSimRest, SymbolsHaveTheRealShapeV2AndV1) {
  ASTRA_REQUIRE_SHARED(v2, "fixtures/kucoin/docs_rest_symbols_v2_response.json");
  ASTRA_REQUIRE_SHARED(v1, "fixtures/kucoin/symbols_v1_trimmed.json");
  auto sim = start(paused());
  ASSERT_TRUE(sim);
  const ojson s2 = get_json(sim->port(), "/api/v2/symbols");
  EXPECT_EQ(shape_problems(s2, read_json(v2.string())), "");
  ASSERT_EQ(s2["data"].size(), 2u) << "spot symbols only (futures are on their own host)";
  EXPECT_EQ(s2["data"][0]["symbol"], "BTC-USDT");
  EXPECT_EQ(s2["data"][0]["priceIncrement"], "0.1");
  const ojson s1 = get_json(sim->port(), "/api/v1/symbols");
  EXPECT_EQ(shape_problems(s1, read_json(v1.string())), "");
}

TEST(KucoinSimRest, ContractsHaveTheDocumentedShapeWithXbt) {
  ASTRA_REQUIRE_SHARED(real, "fixtures/kucoin/docs_futures_contracts_active_response_data.json");
  auto sim = start(paused());
  ASSERT_TRUE(sim);
  const ojson c = get_json(sim->futures_port(), "/api/v1/contracts/active");
  EXPECT_EQ(c["code"], "200000");
  EXPECT_EQ(shape_problems(c["data"], read_json(real.string())), "");
  ASSERT_EQ(c["data"].size(), 1u);
  EXPECT_EQ(c["data"][0]["symbol"], "XBTUSDTM");
  EXPECT_EQ(c["data"][0]["baseCurrency"], "XBT");
  EXPECT_EQ(http_get(sim->port(), "/api/v1/contracts/active")->status, 404u)
      << "contracts live on the futures host only";
}

TEST(KucoinSimRest, BulletPublicHasTheRealShapeOnBothHosts) {
  ASTRA_REQUIRE_SHARED(spot, "fixtures/kucoin/docs_ws_bullet_public_response.json");
  ASTRA_REQUIRE_SHARED(futures, "fixtures/kucoin/docs_futures_bullet_public_response.json");
  kucoin::Options o = paused();
  o.ping_interval = 1500ms;
  o.ping_timeout = 700ms;
  auto sim = start(o);
  ASSERT_TRUE(sim);
  const Bullet b = bullet(sim->port());
  EXPECT_EQ(shape_problems(b.answer, read_json(spot.string())), "");
  EXPECT_EQ(b.answer["data"]["instanceServers"][0]["pingInterval"], 1500);
  EXPECT_EQ(b.answer["data"]["instanceServers"][0]["pingTimeout"], 700);
  const Bullet f = bullet(sim->futures_port());
  // The futures docs list the same keys in another order: compare as unordered objects.
  EXPECT_EQ(shape_problems(ojson::parse(nlohmann::json::parse(f.answer.dump()).dump()),
                           ojson::parse(nlohmann::json::parse(read_text(futures.string())).dump())),
            "");
  EXPECT_NE(b.answer["data"]["token"], f.answer["data"]["token"]);
  EXPECT_EQ(http_get(sim->port(), "/api/v1/bullet-public")->status, 405u) << "POST only";
}

TEST(KucoinSimRest, SpotBookHasTheRecordedShapeAndDepth) {
  ASTRA_REQUIRE_SHARED(real, "fixtures/kucoin/orderbook_level2_v3_snapshot_BCHSV-USDT.json");
  auto sim = start(paused());
  ASSERT_TRUE(sim);
  sim->step(20);
  const ojson b100 = get_json(sim->port(), "/api/v1/market/orderbook/level2_100?symbol=BTC-USDT");
  EXPECT_EQ(shape_problems(b100, read_json(real.string())), "");
  const auto view = sim->book("BTC-USDT");
  ASSERT_TRUE(view);
  EXPECT_EQ(b100["data"]["sequence"], std::to_string(view->sequence)) << "a string sequence";
  LocalBook local;
  local.load(b100["data"]["bids"], local.bids);
  local.load(b100["data"]["asks"], local.asks);
  EXPECT_EQ(local.bids, as_map(view->bids));
  EXPECT_EQ(local.asks, as_map(view->asks));
  const ojson b20 = get_json(sim->port(), "/api/v1/market/orderbook/level2_20?symbol=ETH-USDT");
  EXPECT_EQ(b20["data"]["bids"].size(), 20u);
  EXPECT_EQ(b20["data"]["asks"].size(), 20u);
  // KuCoin's text: no trailing zeros ("57000.1", "0.001").
  for (const auto& l : b100["data"]["bids"]) {
    const std::string p = l[0], s = l[1];
    EXPECT_NE(p.back(), '0') << p;
    EXPECT_NE(s.back(), '0') << s;
  }
}

TEST(KucoinSimRest, FuturesSnapshotSendsNumbersAndErrorsHaveTheRealShape) {
  ASTRA_REQUIRE_SHARED(error, "fixtures/kucoin/docs_rest_error_response.json");
  auto sim = start(paused());
  ASSERT_TRUE(sim);
  const ojson f = get_json(sim->futures_port(), "/api/v1/level2/snapshot?symbol=XBTUSDTM");
  EXPECT_EQ(f["code"], "200000");
  EXPECT_TRUE(f["data"]["sequence"].is_number_unsigned());
  EXPECT_TRUE(f["data"]["ts"].is_number_integer());
  ASSERT_FALSE(f["data"]["bids"].empty());
  EXPECT_TRUE(f["data"]["bids"][0][0].is_number());
  EXPECT_TRUE(f["data"]["bids"][0][1].is_number_integer()) << "sizes in whole contracts";
  const ojson real_error = read_json(error.string());
  const ojson missing = get_json(sim->port(), "/api/v1/market/orderbook/level2_100", 400);
  EXPECT_EQ(shape_problems(missing, real_error), "");
  EXPECT_EQ(missing["code"], "400100");
  const ojson unknown =
      get_json(sim->port(), "/api/v1/market/orderbook/level2_100?symbol=XBTUSDTM", 400);
  EXPECT_EQ(unknown["code"], "900001") << "futures symbols are not spot symbols";
  const ojson full = get_json(sim->port(), "/api/v3/market/orderbook/level2?symbol=BTC-USDT", 401);
  EXPECT_EQ(full["code"], "400001") << "the full spot book needs an API key";
}

// ---------------------------------------------------------------------------------------------
// WebSocket
// ---------------------------------------------------------------------------------------------

TEST(KucoinSimWs, ConnectionWithoutAValidTokenIsRefused) {
  auto sim = start(paused());
  ASSERT_TRUE(sim);
  for (const std::string target : {"/?connectId=x", "/?token=forged&connectId=x"}) {
    WsClient ws;
    ASSERT_TRUE(ws.connect(sim->port(), target));
    auto first = ws.read();
    ASSERT_TRUE(first.has_value());
    const ojson e = ojson::parse(*first);
    EXPECT_EQ(e["type"], "error");
    EXPECT_EQ(e["code"], 401);
    EXPECT_FALSE(ws.read(3000ms).has_value()) << "closed after the error";
  }
  // A spot token does not open a futures connection.
  const Bullet spot = bullet(sim->port());
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->futures_port(), spot.target));
  auto first = ws.read();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(ojson::parse(*first)["code"], 401);
  EXPECT_EQ(sim->stats().connections_refused, 3u);
}

TEST(KucoinSimWs, WelcomeCarriesTheConnectIdAndPingsGetPongs) {
  auto sim = start(paused());
  ASSERT_TRUE(sim);
  const Bullet b = bullet(sim->port(), "astra42");
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), b.target));
  auto welcome = ws.read();
  ASSERT_TRUE(welcome);
  EXPECT_EQ(ojson::parse(*welcome), ojson::parse(R"({"id":"astra42","type":"welcome"})"));
  ASSERT_TRUE(ws.send(R"({"id":"1545910840805","type":"ping"})"));
  auto pong = ws.read();
  ASSERT_TRUE(pong);
  EXPECT_EQ(ojson::parse(*pong), ojson::parse(R"({"id":"1545910840805","type":"pong"})"));
  // Numeric ids come back as strings (recorded ack {"id":"1","type":"ack"}).
  ASSERT_TRUE(ws.send(R"({"id":1,"type":"subscribe","topic":"/market/match:BTC-USDT",)"
                      R"("privateChannel":false,"response":true})"));
  auto ack = ws.read();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ojson::parse(*ack), ojson::parse(R"({"id":"1","type":"ack"})"));
  ASSERT_TRUE(ws.send(R"({"id":"2","type":"subscribe","topic":"/market/level2:NOPE-USDT",)"
                      R"("response":true})"));
  auto error = ws.read();
  ASSERT_TRUE(error);
  EXPECT_EQ(ojson::parse(*error)["type"], "error");
  EXPECT_EQ(ojson::parse(*error)["id"], "2");
}

TEST(KucoinSimWs, SilentClientIsDroppedAndAPingingOneIsNot) {
  kucoin::Options o = paused();
  o.rate = 20ms;
  o.ping_interval = 200ms;
  o.ping_timeout = 200ms;
  auto sim = start(o);
  ASSERT_TRUE(sim);
  auto silent = subscribed(sim->port(), {});
  auto pinging = subscribed(sim->port(), {});
  const auto until = std::chrono::steady_clock::now() + 700ms;
  int n = 0;
  while (std::chrono::steady_clock::now() < until) {
    ASSERT_TRUE(pinging->send(R"({"id":")" + std::to_string(++n) + R"(","type":"ping"})"));
    ASSERT_TRUE(pinging->read(1000ms).has_value());
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_FALSE(silent->read(1500ms).has_value());
  EXPECT_TRUE(silent->last_error == websocket::error::closed ||
              silent->last_error == asio::error::eof ||
              silent->last_error == asio::error::connection_reset)
      << silent->last_error.message();
  ASSERT_TRUE(pinging->send(R"({"id":"last","type":"ping"})"));
  EXPECT_TRUE(pinging->read(1000ms).has_value()) << "a client that pings stays connected";
}

// Several silent clients closed in one sweep: closing one removed it from the client map while
// the sweep still walked the map (a crash, seen with stalled sessions).
TEST(KucoinSimWs, SeveralSilentStalledClientsAreDroppedInOneSweep) {
  kucoin::Options o = paused();
  o.rate = 20ms;
  o.ping_interval = 200ms;
  o.ping_timeout = 200ms;
  o.faults = std::make_shared<astra::sim::FaultInjector>(1);
  auto sim = start(o);
  ASSERT_TRUE(sim);
  std::vector<std::unique_ptr<WsClient>> silent;
  for (int i = 0; i < 4; ++i)
    silent.push_back(subscribed(sim->port(), {}));
  o.faults->stall(0);  // every session: nothing more is read or sent until closed
  std::this_thread::sleep_for(700ms);
  size_t open = 0;
  for (const auto& info : o.faults->sessions())
    open += info.open;
  EXPECT_EQ(open, 0u) << "silent clients are closed";
  o.faults->clear();
  auto fresh = subscribed(sim->port(), {});  // the simulator is still serving
  ASSERT_TRUE(fresh->send(R"({"id":"1","type":"ping"})"));
  EXPECT_TRUE(fresh->read(1000ms).has_value());
}

TEST(KucoinSimWs, SpotFramesHaveTheRecordedShapesAndRebuildTheBook) {
  ASTRA_REQUIRE_SHARED(level2, "fixtures/kucoin/ws_level2_BCHSV-USDT_first500.jsonl");
  ASTRA_REQUIRE_SHARED(matches, "fixtures/kucoin/ws_match_l3match.jsonl");
  auto sim = start(paused(11));
  ASSERT_TRUE(sim);
  auto ws = subscribed(sim->port(), {"/market/level2:BTC-USDT,ETH-USDT", "/market/match:BTC-USDT"});
  sim->step(5);  // buffered before the snapshot, as KuCoin's procedure says
  const ojson snap = get_json(sim->port(), "/api/v1/market/orderbook/level2_100?symbol=BTC-USDT");
  sim->step(60);
  const auto target = sim->book("BTC-USDT");
  ASSERT_TRUE(target);
  ASSERT_LT(target->bids.size(), 100u) << "the sim book must fit the top-100 snapshot";
  ASSERT_LT(target->asks.size(), 100u);

  // The recorded frames change one side at a time: the model is a recorded ask change with a
  // recorded bid change of another frame next to it (both real entries).
  auto changes_on = [](const char* side) {
    return [side](const ojson& j) {
      return j.value("subject", "") == "trade.l2update" && !j["data"]["changes"][side].empty();
    };
  };
  ojson real_l2 = find_line(level2, changes_on("asks"));
  const ojson real_bid = find_line(level2, changes_on("bids"));
  ASSERT_TRUE(real_l2.is_object() && real_bid.is_object());
  real_l2["data"]["changes"]["bids"] = real_bid["data"]["changes"]["bids"];
  const ojson real_match = find_line(matches, [](const ojson&) { return true; });
  ASSERT_TRUE(real_l2.is_object());
  LocalBook local;
  local.sequence = std::stoull(snap["data"]["sequence"].get<std::string>());
  local.load(snap["data"]["bids"], local.bids);
  local.load(snap["data"]["asks"], local.asks);
  int l2 = 0, trades = 0;
  while (local.sequence < target->sequence) {
    auto text = ws->read();
    ASSERT_TRUE(text) << ws->last_error.message();
    const ojson f = ojson::parse(*text);
    if (f["subject"] == "trade.l3match") {
      EXPECT_EQ(shape_problems(f, real_match), "") << *text;
      const std::string side = f["data"]["side"];
      EXPECT_TRUE(side == "buy" || side == "sell");
      ++trades;
      continue;
    }
    ASSERT_EQ(f["subject"], "trade.l2update");
    if (f["data"]["symbol"] != "BTC-USDT") continue;
    if (!f["data"]["changes"]["asks"].empty() && !f["data"]["changes"]["bids"].empty()) {
      EXPECT_EQ(shape_problems(f, real_l2), "") << *text;
    }
    ASSERT_TRUE(local.apply_spot(f["data"])) << "gap at " << f["data"]["sequenceStart"];
    ++l2;
  }
  EXPECT_GT(l2, 10);
  EXPECT_GT(trades, 0);
  EXPECT_EQ(local.sequence, target->sequence);
  EXPECT_EQ(local.bids, as_map(target->bids));
  EXPECT_EQ(local.asks, as_map(target->asks));
  // The trades the sim reports are those it sent: the taker side included.
  const auto log = sim->trades("BTC-USDT");
  EXPECT_EQ(log.size(), static_cast<size_t>(trades));
}

TEST(KucoinSimWs, FuturesLevel2AndExecutionRebuildTheBook) {
  auto sim = start(paused(12));
  ASSERT_TRUE(sim);
  auto ws = subscribed(sim->futures_port(),
                       {"/contractMarket/level2:XBTUSDTM", "/contractMarket/execution:XBTUSDTM"});
  sim->step(3);
  const ojson snap = get_json(sim->futures_port(), "/api/v1/level2/snapshot?symbol=XBTUSDTM");
  sim->step(40);
  const auto target = sim->book("XBTUSDTM");
  ASSERT_TRUE(target);
  LocalBook local;
  local.sequence = snap["data"]["sequence"];
  local.load(snap["data"]["bids"], local.bids);
  local.load(snap["data"]["asks"], local.asks);
  int trades = 0;
  while (local.sequence < target->sequence) {
    auto text = ws->read();
    ASSERT_TRUE(text) << ws->last_error.message();
    const ojson f = ojson::parse(*text);
    if (f["subject"] == "match") {
      EXPECT_TRUE(f["data"]["ts"].is_number_unsigned());
      EXPECT_TRUE(f["data"]["matchSize"].is_number_unsigned());
      ++trades;
      continue;
    }
    ASSERT_EQ(f["subject"], "level2");
    EXPECT_EQ(f["sn"], f["data"]["sequence"]);
    ASSERT_TRUE(local.apply_futures(f["data"])) << *text;
  }
  EXPECT_GT(trades, 0);
  EXPECT_EQ(local.bids, as_map(target->bids));
  EXPECT_EQ(local.asks, as_map(target->asks));
}

TEST(KucoinSimWs, DropNextUpdateLeavesAGapInThatSymbolOnly) {
  auto sim = start(paused(13));
  ASSERT_TRUE(sim);
  auto ws = subscribed(sim->port(), {"/market/level2:BTC-USDT,ETH-USDT"});
  EXPECT_FALSE(sim->drop_next_update("NOPE-USDT"));
  std::map<std::string, uint64_t> last;  // symbol -> sequenceEnd
  std::map<std::string, int> gaps;
  // Reads until both symbols reached the sim's sequence (a timed-out read would end the client).
  auto drain = [&] {
    const uint64_t btc = sim->book("BTC-USDT")->sequence, eth = sim->book("ETH-USDT")->sequence;
    while (last["BTC-USDT"] < btc || last["ETH-USDT"] < eth) {
      auto text = ws->read();
      ASSERT_TRUE(text) << ws->last_error.message();
      const ojson f = ojson::parse(*text);
      const std::string sym = f["data"]["symbol"];
      const uint64_t start = f["data"]["sequenceStart"];
      if (last[sym] != 0 && start != last[sym] + 1) ++gaps[sym];  // 0: none yet
      last[sym] = f["data"]["sequenceEnd"];
    }
  };
  sim->step(5);
  drain();
  ASSERT_TRUE(sim->drop_next_update("BTC-USDT"));
  sim->step(5);
  drain();
  EXPECT_EQ(gaps["BTC-USDT"], 1);
  EXPECT_EQ(gaps["ETH-USDT"], 0);
  EXPECT_EQ(sim->stats().dropped_updates, 1u);
  EXPECT_EQ(last["BTC-USDT"], sim->book("BTC-USDT")->sequence);
  EXPECT_EQ(last["ETH-USDT"], sim->book("ETH-USDT")->sequence);
}

TEST(KucoinSimWs, SameSeedSameBooks) {
  auto a = start(paused(21));
  auto b = start(paused(21));
  ASSERT_TRUE(a && b);
  a->step(50);
  b->step(50);
  for (const char* s : {"BTC-USDT", "ETH-USDT", "XBTUSDTM"}) {
    const auto x = a->book(s), y = b->book(s);
    ASSERT_TRUE(x && y);
    EXPECT_EQ(x->sequence, y->sequence) << s;
    EXPECT_EQ(x->bids, y->bids) << s;
    EXPECT_EQ(x->asks, y->asks) << s;
  }
  std::string error;
  kucoin::Options bad;
  bad.symbols = {"BTCUSDT"};
  EXPECT_FALSE(KucoinSim::start(bad, error));
  EXPECT_NE(error.find("unknown symbol"), std::string::npos);
}

}  // namespace
}  // namespace astra::sim::test
