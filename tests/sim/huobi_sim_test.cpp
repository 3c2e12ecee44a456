// The HTX simulator against real HTX payloads and its book-sync rule. Helpers first: gunzip every
// frame, numbers compared as numbers (HTX writes whole numbers without a fraction, "56" next to
// "26.5841" in one recorded book, so integer versus float is not a difference of shape for HTX).

#include "json_shape.hpp"
#include "test_client.hpp"

#include <astra/sdk/gzip.hpp>
#include <astra/sim/huobi/huobi_sim.hpp>

#include <gtest/gtest.h>
#include <common/shared_dir.hpp>

#include <fstream>
#include <functional>
#include <optional>
#include <regex>
#include <string>

namespace astra::sim::test {

inline std::unique_ptr<huobi::HuobiSim> start_huobi(huobi::Options options) {
  std::string error;
  auto sim = huobi::HuobiSim::start(std::move(options), error);
  EXPECT_TRUE(sim) << error;
  return sim;
}

inline huobi::Options paused_huobi(uint64_t seed = 5) {
  huobi::Options o;
  o.seed = seed;
  o.start_paused = true;
  return o;
}

// Every number becomes a float: HTX's integer/float choice follows the value, not the field.
inline ojson numbers_as_floats(const ojson& v) {
  if (v.is_number()) return ojson(v.get<double>());
  if (v.is_array()) {
    ojson out = ojson::array();
    for (const auto& e : v)
      out.push_back(numbers_as_floats(e));
    return out;
  }
  if (v.is_object()) {
    ojson out = ojson::object();
    for (auto it = v.begin(); it != v.end(); ++it)
      out[it.key()] = numbers_as_floats(it.value());
    return out;
  }
  return v;
}

inline std::string htx_shape_problems(const ojson& sim, const ojson& real) {
  return shape_problems(numbers_as_floats(sim), numbers_as_floats(real));
}

// The next frame, which must be binary gzip, as JSON text; nullopt on timeout or close.
inline std::optional<std::string> read_gz(WsClient& ws,
                                          std::chrono::milliseconds timeout = 2000ms) {
  auto raw = ws.read(timeout);
  if (!raw) return std::nullopt;
  std::string text;
  const auto e = sdk::gunzip(*raw, text);
  EXPECT_EQ(e, sdk::InflateError::none) << "frame is not gzip: " << raw->substr(0, 80);
  if (e != sdk::InflateError::none) return std::nullopt;
  return text;
}

// Reads frames (answering pings) until `match` accepts one; nullopt after `max` frames.
inline std::optional<ojson> read_until(WsClient& ws, const std::function<bool(const ojson&)>& match,
                                       int max = 5000) {
  for (int i = 0; i < max; ++i) {
    auto text = read_gz(ws);
    if (!text) return std::nullopt;
    ojson j = ojson::parse(*text);
    if (j.contains("ping")) {
      ws.send("{\"pong\":" + j["ping"].dump() + "}");
      continue;
    }
    if (match(j)) return j;
  }
  return std::nullopt;
}

// The first line of a .jsonl file that `match` accepts, parsed.
inline ojson first_jsonl(const std::string& path, const std::function<bool(const ojson&)>& match) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ojson j = ojson::parse(line);
    if (match(j)) return j;
  }
  return ojson();
}

inline bool ch_ends_with(const ojson& j, const std::string& suffix) {
  if (!j.contains("ch") || !j["ch"].is_string()) return false;
  const std::string ch = j["ch"].get<std::string>();
  return ch.size() >= suffix.size() &&
         ch.compare(ch.size() - suffix.size(), suffix.size(), suffix) == 0;
}

namespace {

using huobi::HuobiSim;

ojson get_json(uint16_t port, const std::string& target) {
  auto res = http_get(port, target);
  EXPECT_TRUE(res && res->status == 200) << target;
  return res ? ojson::parse(res->body) : ojson();
}

// The body of the recorded HTTP answer for `url` in a capture file.
ojson recorded_http(const std::string& capture, const std::string& url) {
  const ojson line = first_jsonl(capture, [&](const ojson& j) {
    return j.value("type", "") == "http" && j.value("url", "") == url;
  });
  return line.is_null() ? ojson() : ojson::parse(line["body"].get<std::string>());
}

// Applies mbp levels to a local side (quantity 0 deletes), as a client would.
void apply_mbp(std::map<std::string, std::string>& side, const ojson& levels) {
  for (const auto& l : levels) {
    const std::string price = l[0].dump();
    const std::string qty = l[1].dump();
    if (l[1].get<double>() == 0)
      side.erase(price);
    else
      side[price] = qty;
  }
}

// Reads frames until every mbp channel in `targets` has pushed its target seqNum (reading on
// after a timeout is not possible: a timed-out read ends the test client's connection).
bool read_mbp_until(WsClient& ws, const std::map<std::string, uint64_t>& targets,
                    const std::function<void(const ojson&)>& on_update) {
  std::map<std::string, uint64_t> seen;
  auto done = [&] {
    for (const auto& [ch, seq] : targets)
      if (seen[ch] < seq) return false;
    return true;
  };
  while (!done()) {
    auto frame = read_until(ws, [](const ojson& j) { return ch_ends_with(j, "mbp.150"); });
    if (!frame) return false;
    seen[(*frame)["ch"].get<std::string>()] = (*frame)["tick"]["seqNum"].get<uint64_t>();
    on_update(*frame);
  }
  return true;
}

std::map<std::string, std::string> side_map(
    const std::vector<std::pair<std::string, std::string>>& v) {
  return {v.begin(), v.end()};
}

TEST(HuobiSimRest, SpotSymbolsHaveTheRecordedShape) {
  ASTRA_REQUIRE_SHARED(path, "fixtures/huobi/spot_symbols.json");
  const ojson real = read_json(path.string());
  ojson real_btc;
  for (const auto& s : real["data"])
    if (s["symbol"] == "btcusdt") real_btc = s;
  ASSERT_FALSE(real_btc.is_null());
  auto sim = start_huobi(paused_huobi());
  const ojson body = get_json(sim->port(), "/v1/common/symbols");
  ASSERT_EQ(body["data"].size(), 2u) << "the two spot symbols";
  EXPECT_EQ(body["data"][0]["symbol"], "btcusdt");
  EXPECT_EQ(body["data"][1]["symbol"], "ethusdt");
  ojson trimmed = real;
  trimmed["data"] = ojson::array({real_btc});
  ojson sim_btc = body;
  sim_btc["data"] = ojson::array({body["data"][0]});
  EXPECT_EQ(htx_shape_problems(sim_btc, trimmed), "");
  EXPECT_EQ(body["data"][0], real_btc) << "the rules of the 2021 recording";
}

TEST(HuobiSimRest, ContractInfoHasTheRecordedShapeAndValues) {
  ASTRA_REQUIRE_SHARED(path, "recordings/huobi-linear-swap.capture.jsonl");
  const ojson linear =
      recorded_http(path.string(), "https://api.hbdm.com/linear-swap-api/v1/swap_contract_info");
  const ojson coin =
      recorded_http(path.string(), "https://api.hbdm.com/swap-api/v1/swap_contract_info");
  ASSERT_FALSE(linear.is_null() || coin.is_null());
  auto sim = start_huobi(paused_huobi());
  const ojson sim_linear = get_json(sim->port(), "/linear-swap-api/v1/swap_contract_info");
  const ojson sim_coin = get_json(sim->port(), "/swap-api/v1/swap_contract_info");
  EXPECT_EQ(htx_shape_problems(sim_linear, linear), "");
  EXPECT_EQ(htx_shape_problems(sim_coin, coin), "");
  ASSERT_EQ(sim_linear["data"].size(), 1u);
  ASSERT_EQ(sim_coin["data"].size(), 1u);
  for (const auto& c : linear["data"])
    if (c["contract_code"] == "BTC-USDT") {
      EXPECT_EQ(sim_linear["data"][0], c);
    }
  for (const auto& c : coin["data"])
    if (c["contract_code"] == "BTC-USD") {
      EXPECT_EQ(sim_coin["data"][0], c);
    }
}

TEST(HuobiSimRest, DepthAnswersCarryTheBookAndTheRecordedTickShape) {
  ASTRA_REQUIRE_SHARED(spot_frame, "fixtures/huobi/ws_spot_frame_depth_step0.decoded.json");
  ASTRA_REQUIRE_SHARED(swap_session, "fixtures/huobi/ws_linear_swap_session_decoded.jsonl");
  auto sim = start_huobi(paused_huobi());
  sim->step(5);
  // No REST depth answer was recorded; its tick is the same object as the recorded push's tick.
  const ojson spot = get_json(sim->port(), "/market/depth?symbol=btcusdt&type=step0");
  EXPECT_EQ(spot["status"], "ok");
  EXPECT_EQ(spot["ch"], "market.btcusdt.depth.step0");
  EXPECT_EQ(htx_shape_problems(spot["tick"], read_json(spot_frame.string())["tick"]), "");
  const auto view = sim->book("btcusdt");
  ASSERT_TRUE(view);
  EXPECT_EQ(spot["tick"]["version"].get<uint64_t>(), view->last_update_id);
  std::map<std::string, std::string> bids, asks;
  apply_mbp(bids, spot["tick"]["bids"]);
  apply_mbp(asks, spot["tick"]["asks"]);
  EXPECT_EQ(bids, side_map(view->bids));
  EXPECT_EQ(asks, side_map(view->asks));

  const ojson real_swap = first_jsonl(
      swap_session.string(), [](const ojson& j) { return ch_ends_with(j, "depth.step0"); });
  const ojson linear =
      get_json(sim->port(), "/linear-swap-ex/market/depth?contract_code=BTC-USDT&type=step0");
  EXPECT_EQ(linear["status"], "ok");
  EXPECT_EQ(htx_shape_problems(linear["tick"], real_swap["tick"]), "");
  const ojson coin =
      get_json(sim->port(), "/swap-ex/market/depth?contract_code=BTC-USD&type=step0");
  EXPECT_EQ(htx_shape_problems(coin["tick"], real_swap["tick"]), "");

  const ojson unknown = get_json(sim->port(), "/market/depth?symbol=nopeusdt&type=step0");
  EXPECT_EQ(unknown["status"], "error");
  EXPECT_TRUE(unknown.contains("err-code"));
  const ojson unknown_swap =
      get_json(sim->port(), "/swap-ex/market/depth?contract_code=NOPE-USD&type=step0");
  EXPECT_EQ(unknown_swap["status"], "error");
  EXPECT_TRUE(unknown_swap.contains("err_code"));
}

TEST(HuobiSimWs, SpotFramesAreGzipAndHaveTheRecordedShapes) {
  ASTRA_REQUIRE_SHARED(subbed, "fixtures/huobi/ws_spot_frame_subbed.decoded.json");
  ASTRA_REQUIRE_SHARED(depth, "fixtures/huobi/ws_spot_frame_depth_step0.decoded.json");
  ASTRA_REQUIRE_SHARED(trade, "fixtures/huobi/ws_spot_frame_trade_detail.decoded.json");
  auto sim = start_huobi(paused_huobi());
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/ws"));
  ASSERT_TRUE(ws.send(R"({"sub":"market.btcusdt.depth.step0","id":1})"));
  auto ack = read_until(ws, [](const ojson& j) { return j.contains("subbed"); });
  ASSERT_TRUE(ack);
  EXPECT_EQ(htx_shape_problems(*ack, read_json(subbed.string())), "");
  EXPECT_EQ((*ack)["id"], 1) << "the client's id comes back as sent";
  ASSERT_TRUE(ws.send(R"({"sub":"market.btcusdt.trade.detail","id":"2"})"));
  ASSERT_TRUE(read_until(ws, [](const ojson& j) { return j.contains("subbed"); }));
  bool saw_depth = false, saw_trade = false;
  // Queue 20 ticks of pushes, then read them (a timed-out read would end the connection).
  sim->step(20);
  for (int i = 0; i < 2000 && !(saw_depth && saw_trade); ++i) {
    auto text = read_gz(ws);
    ASSERT_TRUE(text) << "pushes ended before a depth and a trade push";
    const ojson j = ojson::parse(*text);
    if (ch_ends_with(j, "depth.step0")) {
      saw_depth = true;
      EXPECT_EQ(htx_shape_problems(j, read_json(depth.string())), "");
    } else if (ch_ends_with(j, "trade.detail")) {
      saw_trade = true;
      EXPECT_EQ(htx_shape_problems(j, read_json(trade.string())), "");
      for (const auto& row : j["tick"]["data"]) {
        const std::string d = row["direction"];
        EXPECT_TRUE(d == "buy" || d == "sell") << d;
      }
    }
  }
  EXPECT_TRUE(saw_depth && saw_trade);
}

TEST(HuobiSimWs, SwapFramesHaveTheRecordedShapesAndUpperCaseCodes) {
  ASTRA_REQUIRE_SHARED(linear_session, "fixtures/huobi/ws_linear_swap_session_decoded.jsonl");
  ASTRA_REQUIRE_SHARED(coin_session, "fixtures/huobi/ws_coin_swap_session_decoded.jsonl");
  struct Case {
    const char* path;
    const char* code;
    std::filesystem::path session;
  };
  auto sim = start_huobi(paused_huobi());
  for (const Case& c : {Case{"/linear-swap-ws", "btc-usdt", linear_session},
                        Case{"/swap-ws", "btc-usd", coin_session}}) {
    SCOPED_TRACE(c.path);
    const std::string session = c.session.string();
    WsClient ws;
    ASSERT_TRUE(ws.connect(sim->port(), c.path));
    ASSERT_TRUE(ws.send(std::string(R"({"sub":"market.)") + c.code + R"(.depth.step0","id":"1"})"));
    auto ack = read_until(ws, [](const ojson& j) { return j.contains("subbed"); });
    ASSERT_TRUE(ack);
    EXPECT_EQ(htx_shape_problems(
                  *ack, first_jsonl(session, [](const ojson& j) { return j.contains("subbed"); })),
              "");
    ASSERT_TRUE(
        ws.send(std::string(R"({"sub":"market.)") + c.code + R"(.trade.detail","id":"2"})"));
    ASSERT_TRUE(read_until(ws, [](const ojson& j) { return j.contains("subbed"); }));
    const ojson real_depth =
        first_jsonl(session, [](const ojson& j) { return ch_ends_with(j, "depth.step0"); });
    const ojson real_trade =
        first_jsonl(session, [](const ojson& j) { return ch_ends_with(j, "trade.detail"); });
    bool saw_depth = false, saw_trade = false;
    sim->step(20);
    for (int i = 0; i < 2000 && !(saw_depth && saw_trade); ++i) {
      auto text = read_gz(ws);
      ASSERT_TRUE(text) << "pushes ended before a depth and a trade push";
      const ojson j = ojson::parse(*text);
      const std::string ch = j.value("ch", "");
      EXPECT_EQ(ch.find("btc"), std::string::npos) << "codes are pushed upper-case: " << ch;
      if (ch_ends_with(j, "depth.step0")) {
        saw_depth = true;
        EXPECT_EQ(htx_shape_problems(j, real_depth), "");
      } else if (ch_ends_with(j, "trade.detail")) {
        saw_trade = true;
        EXPECT_EQ(htx_shape_problems(j, real_trade), "");
      }
    }
    EXPECT_TRUE(saw_depth && saw_trade);
  }
}

TEST(HuobiSimWs, WrongTopicOrPathGetsAnError) {
  auto sim = start_huobi(paused_huobi());
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/ws"));
  for (const char* bad : {R"({"sub":"market.BTC-USDT.depth.step0","id":"1"})",
                          R"({"sub":"market.btcusdt.mbp.150","id":"2"})",
                          R"({"sub":"market.nope.depth.step0","id":"3"})", "not json"}) {
    ASSERT_TRUE(ws.send(bad));
    auto reply = read_until(ws, [](const ojson&) { return true; });
    ASSERT_TRUE(reply) << bad;
    EXPECT_EQ((*reply)["status"], "error") << bad;
  }
}

TEST(HuobiSimWs, MbpSnapshotBridgesOntoUpdatesBySeqNumAndNeverPlusOne) {
  ASTRA_REQUIRE_SHARED(rep_doc, "fixtures/huobi/ws_mbp_req_refresh_doc.json");
  ASTRA_REQUIRE_SHARED(inc_doc, "fixtures/huobi/ws_mbp_150_incremental_doc.json");
  auto sim = start_huobi(paused_huobi(11));
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/feed"));
  ASSERT_TRUE(ws.send(R"({"sub":"market.btcusdt.mbp.150","id":"s1"})"));
  ASSERT_TRUE(read_until(ws, [](const ojson& j) { return j.contains("subbed"); }));
  sim->step(3);  // updates before the snapshot: a client buffers them
  ASSERT_TRUE(ws.send(R"({"req":"market.btcusdt.mbp.150","id":"r1"})"));
  std::vector<ojson> buffered;
  auto rep = read_until(ws, [&](const ojson& j) {
    if (j.contains("rep")) return true;
    if (ch_ends_with(j, "mbp.150")) buffered.push_back(j);
    return false;
  });
  ASSERT_TRUE(rep);
  EXPECT_EQ(htx_shape_problems(*rep, read_json(rep_doc.string())), "");
  EXPECT_EQ((*rep)["id"], "r1");
  std::map<std::string, std::string> bids, asks;
  apply_mbp(bids, (*rep)["data"]["bids"]);
  apply_mbp(asks, (*rep)["data"]["asks"]);
  uint64_t last = (*rep)["data"]["seqNum"].get<uint64_t>();
  for (const auto& u : buffered)
    EXPECT_LE(u["tick"]["seqNum"].get<uint64_t>(), last) << "the snapshot contains them";
  const ojson model = read_json(inc_doc.string());
  int updates = 0;
  auto on_update = [&](const ojson& u) {
    ++updates;
    if (updates == 1) {
      // The doc example has one empty side; compare against the non-empty side's shape.
      ojson sim_one = u;
      sim_one["tick"]["bids"] = ojson::array();
      if (u["tick"]["asks"].empty()) sim_one["tick"]["asks"] = model["tick"]["asks"];
      EXPECT_EQ(htx_shape_problems(sim_one, model), "");
    }
    const uint64_t seq = u["tick"]["seqNum"].get<uint64_t>();
    const uint64_t prev = u["tick"]["prevSeqNum"].get<uint64_t>();
    EXPECT_EQ(prev, last) << "each update follows the previous seqNum";
    EXPECT_GT(seq, last + 1) << "HTX seqNums are not consecutive";
    apply_mbp(bids, u["tick"]["bids"]);
    apply_mbp(asks, u["tick"]["asks"]);
    last = seq;
  };
  for (int i = 0; i < 40; ++i) {
    sim->step(1);
    const uint64_t target = sim->book("btcusdt")->last_update_id;
    if (target > last) {
      ASSERT_TRUE(read_mbp_until(ws, {{"market.btcusdt.mbp.150", target}}, on_update));
    }
  }
  EXPECT_GT(updates, 10);
  const auto view = sim->book("btcusdt");
  ASSERT_TRUE(view);
  EXPECT_EQ(view->last_update_id, last);
  EXPECT_EQ(bids, side_map(view->bids));
  EXPECT_EQ(asks, side_map(view->asks));
}

TEST(HuobiSimWs, DroppedUpdateLeavesAPrevSeqNumGapAndANewSnapshotBridgesIt) {
  auto sim = start_huobi(paused_huobi(3));
  WsClient ws;
  ASSERT_TRUE(ws.connect(sim->port(), "/feed"));
  ASSERT_TRUE(ws.send(R"({"sub":"market.btcusdt.mbp.150","id":"1"})"));
  ASSERT_TRUE(ws.send(R"({"sub":"market.ethusdt.mbp.150","id":"2"})"));
  ASSERT_TRUE(read_until(
      ws, [](const ojson& j) { return j.value("subbed", "") == "market.ethusdt.mbp.150"; }));
  EXPECT_FALSE(sim->drop_next_update("BTC-USDT")) << "no mbp book for swaps";
  EXPECT_FALSE(sim->drop_next_update("nope"));
  std::map<std::string, uint64_t> last;
  std::map<std::string, int> gaps;
  auto on_update = [&](const ojson& u) {
    const std::string ch = u["ch"];
    const uint64_t prev = u["tick"]["prevSeqNum"].get<uint64_t>();
    if (last.count(ch) && prev != last[ch]) ++gaps[ch];
    last[ch] = u["tick"]["seqNum"].get<uint64_t>();
  };
  auto targets = [&] {
    return std::map<std::string, uint64_t>{
        {"market.btcusdt.mbp.150", sim->book("btcusdt")->last_update_id},
        {"market.ethusdt.mbp.150", sim->book("ethusdt")->last_update_id}};
  };
  sim->step(5);
  ASSERT_TRUE(read_mbp_until(ws, targets(), on_update));
  ASSERT_TRUE(sim->drop_next_update("btcusdt"));
  // Step until btcusdt has changed twice: the dropped change, then one that is sent.
  const uint64_t before = sim->book("btcusdt")->last_update_id;
  uint64_t changes = 0, seen = before;
  for (int i = 0; i < 50 && changes < 2; ++i) {
    sim->step(1);
    const uint64_t now = sim->book("btcusdt")->last_update_id;
    if (now != seen) ++changes;
    seen = now;
  }
  ASSERT_EQ(changes, 2u);
  ASSERT_TRUE(read_mbp_until(ws, targets(), on_update));
  EXPECT_EQ(gaps["market.btcusdt.mbp.150"], 1);
  EXPECT_EQ(gaps["market.ethusdt.mbp.150"], 0);
  EXPECT_EQ(sim->stats().updates_dropped, 1u);
  // A new snapshot is at the current seqNum, which the next update follows.
  ASSERT_TRUE(ws.send(R"({"req":"market.btcusdt.mbp.150","id":"r"})"));
  auto rep = read_until(ws, [](const ojson& j) { return j.contains("rep"); });
  ASSERT_TRUE(rep);
  EXPECT_EQ((*rep)["data"]["seqNum"].get<uint64_t>(), last["market.btcusdt.mbp.150"]);
}

TEST(HuobiSimWs, JsonPingsKeepAnsweringClientsAndDropSilentOnes) {
  huobi::Options o = paused_huobi();
  o.ping_interval = 30ms;
  auto sim = start_huobi(o);
  WsClient answering, silent;
  ASSERT_TRUE(answering.connect(sim->port(), "/ws"));
  ASSERT_TRUE(silent.connect(sim->port(), "/linear-swap-ws"));
  ASTRA_REQUIRE_SHARED(ping_frame, "fixtures/huobi/ws_spot_frame_ping.decoded.json");
  int pings = 0;
  for (int i = 0; i < 6; ++i) {
    auto text = read_gz(answering);
    ASSERT_TRUE(text);
    const ojson j = ojson::parse(*text);
    ASSERT_TRUE(j.contains("ping")) << *text;
    EXPECT_EQ(htx_shape_problems(j, read_json(ping_frame.string())), "");
    ASSERT_TRUE(answering.send("{\"pong\":" + j["ping"].dump() + "}"));
    ++pings;
  }
  // The silent client got two pings, then the connection ended.
  int silent_pings = 0;
  for (int i = 0; i < 10; ++i) {
    auto raw = silent.read(500ms);
    if (!raw) break;
    ++silent_pings;
  }
  EXPECT_EQ(silent_pings, 2);
  EXPECT_TRUE(silent.last_error) << "the connection was closed";
  EXPECT_EQ(sim->stats().clients_dropped, 1u);
  EXPECT_GE(sim->stats().pongs_received, 6u);
  EXPECT_EQ(pings, 6);
}

TEST(HuobiSim, NumbersAreWrittenAsHtxWritesThem) {
  auto sim = start_huobi(paused_huobi(4));
  sim->step(20);
  // Spot: Java's Double.toString ("57000.0", "57000.1", "0.015"); 0.001 lots never reach the
  // exponent form, which starts below 0.001. Swaps: plain, no trailing zeros ("40000", "40000.1").
  const std::regex spot_price(R"(\d+\.(0|\d?[1-9]))");
  const std::regex spot_qty(R"(\d+\.(0|\d*[1-9]))");
  const std::regex swap_price(R"(\d+(\.[1-9])?)");
  const std::regex contracts(R"([1-9]\d*)");
  for (const char* s : {"btcusdt", "ethusdt", "BTC-USDT", "BTC-USD"}) {
    const bool spot = std::string(s).find('-') == std::string::npos;
    const auto view = sim->book(s);
    ASSERT_TRUE(view);
    for (const auto* side : {&view->bids, &view->asks}) {
      for (const auto& [p, q] : *side) {
        EXPECT_TRUE(std::regex_match(p, spot ? spot_price : swap_price)) << s << " " << p;
        EXPECT_TRUE(std::regex_match(q, spot ? spot_qty : contracts)) << s << " " << q;
      }
    }
  }
}

TEST(HuobiSim, SameSeedSameBooksAndTrades) {
  auto a = start_huobi(paused_huobi(9));
  auto b = start_huobi(paused_huobi(9));
  a->step(30);
  b->step(30);
  for (const auto& s : HuobiSim::known_symbols()) {
    const auto x = a->book(s);
    const auto y = b->book(s);
    ASSERT_TRUE(x && y);
    EXPECT_EQ(x->last_update_id, y->last_update_id) << s;
    EXPECT_EQ(x->bids, y->bids) << s;
    EXPECT_EQ(x->asks, y->asks) << s;
    EXPECT_LE(x->bids.size(), 150u);
    EXPECT_FALSE(x->bids.empty() || x->asks.empty()) << s;
    EXPECT_EQ(a->recent_trades(s).size(), b->recent_trades(s).size()) << s;
  }
  EXPECT_GT(a->stats().trades, 0u);
  std::string error;
  huobi::Options bad;
  bad.symbols = {"dogeusdt"};
  EXPECT_FALSE(HuobiSim::start(bad, error));
  EXPECT_NE(error.find("dogeusdt"), std::string::npos);
}

}  // namespace
}  // namespace astra::sim::test
