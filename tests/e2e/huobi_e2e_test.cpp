// End to end: the HTX simulator on loopback, the real `astra serve` binary with huobi.so loaded
// from the plugin folder (spot books over the /feed mbp stream, swaps over depth.step0), and API
// clients. A WebSocket client's book must equal the simulator's book at every check, REST
// /orderbook must agree, trades carry the taker side the simulator generated, and a dropped mbp
// update resets that market only.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>
#include <astra/sdk/decimal.hpp>
#include <astra/sim/huobi/huobi_sim.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "e2e/api_client.hpp"
#include "e2e/client_book.hpp"
#include "e2e/gateway_process.hpp"

namespace {

using astra::sim::huobi::HuobiSim;
using astra::test::apply_levels;
using astra::test::apply_message;
using astra::test::ClientBook;
using astra::test::free_port;
using astra::test::GatewayProcess;
using astra::test::http_get;
using astra::test::side_of;
using astra::test::WsClient;
using namespace std::chrono_literals;

constexpr const char* kBtc = "HUOBI-SPOT-BTC-USDT";
constexpr const char* kEth = "HUOBI-SPOT-ETH-USDT";
constexpr const char* kLinear = "HUOBI-PERP-BTC-USDT";
constexpr const char* kCoin = "HUOBI-PERP-BTC-USD-COINM";

std::string config_yaml(uint16_t sim_port, int metrics_port, const std::filesystem::path& dir) {
  const std::string host = "127.0.0.1:" + std::to_string(sim_port);
  const std::string rest = "http://" + host;
  const std::string ws = "ws://" + host;
  return "server:\n  listen: 127.0.0.1\n  port: 0\n  metrics_port: " +
         std::to_string(metrics_port) + "\nstate: " + (dir / "astra.db").string() +
         "\nplugin_dir: " ASTRA_PLUGIN_DIR
         "\nlog_level: info\n"
         "venues:\n  binance:\n    enabled: false\n"
         "  huobi:\n    enabled: true\n"
         "    families: [spot, coin_swap, linear_swap]\n"
         "    spot_book: mbp\n"
         "    spot:\n      rest: " +
         rest + "\n      ws: " + ws + "/ws\n      feed: " + ws +
         "/feed\n"
         "    coin_swap:\n      rest: " +
         rest + "\n      ws: " + ws +
         "/swap-ws\n"
         "    linear_swap:\n      rest: " +
         rest + "\n      ws: " + ws + "/linear-swap-ws\n";
}

std::string book_stream(const char* market) {
  return std::string("/ws?market=") + market + "&dataType=ORDERBOOK";
}

class HuobiEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    astra::sim::huobi::Options options;
    options.seed = 42;
    options.rate = 20ms;
    options.ping_interval = 100ms;  // the plugin must keep answering HTX's JSON pings
    std::string error;
    sim_ = HuobiSim::start(options, error);
    ASSERT_TRUE(sim_) << error;
    dir_ = std::filesystem::temp_directory_path() /
           ("astra-e2e-huobi-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    metrics_port_ = free_port();
    gateway_ =
        std::make_unique<GatewayProcess>(dir_, config_yaml(sim_->port(), metrics_port_, dir_));
    ASSERT_FALSE(gateway_->api_key().empty()) << "no API key printed:\n" << gateway_->output();
    ASSERT_GT(gateway_->port(), 0) << "no listening line:\n" << gateway_->output();
    for (int i = 0; i < 100; ++i) {
      if (http_get(gateway_->port(), "/ready", key()).status == 200) return;
      std::this_thread::sleep_for(50ms);
    }
    FAIL() << "gateway never became ready:\n" << gateway_->output();
  }

  void TearDown() override {
    if (gateway_ && gateway_->port() > 0) {
      // `astra serve` can crash on SIGTERM (exit 139) while an API WebSocket session still has
      // an operation pending: ~io_context destroys it after the engine it unsubscribes from
      // (host/src/cli/serve_command.cpp; reported, not ours to fix). Stop once the clients this
      // test closed are gone, so that the exit-code check below tests a quiet shutdown.
      const auto deadline = std::chrono::steady_clock::now() + 2s;
      while (std::chrono::steady_clock::now() < deadline &&
             http_get(metrics_port_, "/metrics", "").body.find("\nastra_ws_clients 0") ==
                 std::string::npos)
        std::this_thread::sleep_for(20ms);
    }
    if (gateway_) {
      EXPECT_EQ(gateway_->stop(), 0) << gateway_->output();
    }
    gateway_.reset();
    if (sim_) sim_->stop();
    std::filesystem::remove_all(dir_);
  }

  const std::string& key() const { return gateway_->api_key(); }

  // Reads `ws` into `book` until `done` holds (bounded); false on timeout or a closed stream.
  bool read_until(WsClient& ws, ClientBook& book, const std::function<bool()>& done,
                  std::chrono::seconds limit = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      auto msg = ws.read(200ms);
      if (!msg) {
        if (ws.closed()) {
          ADD_FAILURE() << ws.error().message() << "\n" << gateway_->output();
          return false;
        }
        continue;
      }
      apply_message(*msg, book);
      if (::testing::Test::HasFatalFailure()) return false;
    }
    return done();
  }

  // Reads until the client has caught up with the paused simulator's mbp book of `symbol`, then
  // compares every level.
  void expect_caught_up(WsClient& ws, ClientBook& book, const char* symbol, const char* what) {
    const auto target = sim_->book(symbol);
    ASSERT_TRUE(target.has_value());
    ASSERT_TRUE(read_until(
        ws, book, [&] { return book.have_snapshot && book.update_id >= target->last_update_id; }))
        << what << ": no catch-up within 10 s";
    ASSERT_EQ(book.update_id, target->last_update_id) << what;
    ASSERT_FALSE(target->bids.empty() || target->asks.empty()) << "the simulator has no book";
    EXPECT_EQ(book.bids, side_of(target->bids)) << what << ": bids differ";
    EXPECT_EQ(book.asks, side_of(target->asks)) << what << ": asks differ";
  }

  std::unique_ptr<HuobiSim> sim_;
  std::unique_ptr<GatewayProcess> gateway_;
  std::filesystem::path dir_;
  int metrics_port_ = 0;
};

TEST_F(HuobiEndToEnd, SpotMbpBookEqualsSimulatorBookAtEveryCheckAndRestAgrees) {
  WsClient ws(gateway_->port(), book_stream(kBtc), key());
  ClientBook book;
  astra::test::await_snapshot(ws, book);
  if (HasFatalFailure()) return;
  constexpr int kChecks = 8;
  for (int check = 0; check < kChecks; ++check) {
    std::this_thread::sleep_for(60ms);  // let the flow move the book between checks
    sim_->pause();
    expect_caught_up(ws, book, "btcusdt", ("check " + std::to_string(check)).c_str());
    if (HasFatalFailure()) return;

    const auto rest =
        http_get(gateway_->port(), std::string("/orderbook?market=") + kBtc + "&depth=20", key());
    ASSERT_EQ(rest.status, 200) << rest.body;
    ClientBook top;
    simdjson::ondemand::parser parser;
    simdjson::padded_string json(rest.body);
    auto doc = parser.iterate(json);
    ASSERT_EQ(uint64_t(doc["updateId"].get_uint64()), sim_->book("btcusdt")->last_update_id);
    apply_levels(doc["bids"].get_array(), top.bids, true);
    apply_levels(doc["asks"].get_array(), top.asks, true);
    const auto top20 = sim_->book("btcusdt", 20);
    EXPECT_EQ(top.bids, side_of(top20->bids));
    EXPECT_EQ(top.asks, side_of(top20->asks));
    sim_->resume();
  }
  EXPECT_EQ(book.snapshots, 1) << "one snapshot, then updates only";
  EXPECT_EQ(book.resets, 0);
  EXPECT_GT(book.updates, uint64_t(kChecks)) << "the book should have moved between checks";
  const auto stats = sim_->stats();
  EXPECT_GT(stats.pongs_received, 0u) << "the plugin answers HTX's JSON pings";
  EXPECT_EQ(stats.clients_dropped, 0u) << "no gateway connection dropped for silence";
}

TEST_F(HuobiEndToEnd, SwapStep0BooksConvergeOnSimulatorBooks) {
  struct Case {
    const char* market;
    const char* symbol;
  };
  for (const Case& c : {Case{kLinear, "BTC-USDT"}, Case{kCoin, "BTC-USD"}}) {
    SCOPED_TRACE(c.market);
    WsClient ws(gateway_->port(), book_stream(c.market), key());
    ClientBook book;
    for (int check = 0; check < 4; ++check) {
      std::this_thread::sleep_for(60ms);
      sim_->pause();
      sim_->step(1);  // a push of the paused book (when the tick changed it)
      const auto target = sim_->book(c.symbol);
      ASSERT_TRUE(target.has_value());
      const auto bids = side_of(target->bids);
      const auto asks = side_of(target->asks);
      // depth.step0 ids are times, not sequences: wait for the book itself (bounded).
      ASSERT_TRUE(read_until(
          ws, book, [&] { return book.have_snapshot && book.bids == bids && book.asks == asks; }))
          << "check " << check << ": the client's book never equalled the simulator's";
      sim_->resume();
    }
    EXPECT_EQ(book.snapshots, 1);
    EXPECT_EQ(book.resets, 0);
  }
}

TEST_F(HuobiEndToEnd, TradesCarryTheTakerSideTheSimulatorGenerated) {
  struct Case {
    const char* market;
    const char* symbol;
  };
  for (const Case& c : {Case{kEth, "ethusdt"}, Case{kLinear, "BTC-USDT"}}) {
    SCOPED_TRACE(c.market);
    WsClient ws(gateway_->port(), std::string("/ws?market=") + c.market + "&dataType=TRADE", key());
    struct Seen {
      std::string price, quantity, side;
    };
    std::map<std::string, Seen> seen;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (seen.size() < 10 && std::chrono::steady_clock::now() < deadline) {
      auto msg = ws.read(200ms);
      if (!msg) continue;
      simdjson::ondemand::parser parser;
      simdjson::padded_string json(*msg);
      auto doc = parser.iterate(json);
      for (auto t : doc["trades"].get_array()) {
        Seen s;
        s.price = std::string(astra::test::token(t["price"].value()));
        s.quantity = std::string(astra::test::token(t["quantity"].value()));
        s.side = std::string(std::string_view(t["side"].get_string()));
        seen[std::string(std::string_view(t["id"].get_string()))] = s;
      }
    }
    ASSERT_GE(seen.size(), 10u) << gateway_->output();
    sim_->pause();
    std::map<std::string, astra::sim::huobi::TradeView> generated;
    for (const auto& t : sim_->recent_trades(c.symbol))
      generated[t.id] = t;
    int buys = 0, sells = 0;
    for (const auto& [id, s] : seen) {
      auto g = generated.find(id);
      ASSERT_NE(g, generated.end()) << "trade " << id << " was not generated by the simulator";
      EXPECT_EQ(s.price, g->second.price) << id;
      EXPECT_EQ(s.quantity, g->second.amount) << id;
      EXPECT_EQ(s.side, g->second.taker_buy ? "BUY" : "SELL") << id << ": the taker's side";
      (s.side == "BUY" ? buys : sells)++;
    }
    EXPECT_GT(buys + sells, 0);
    sim_->resume();
  }
}

TEST_F(HuobiEndToEnd, MarketsListEveryFamilyTheSimulatorServes) {
  const auto markets = http_get(gateway_->port(), "/markets?exchange=HUOBI", key());
  ASSERT_EQ(markets.status, 200) << markets.body;
  simdjson::ondemand::parser parser;
  simdjson::padded_string json(markets.body);
  auto doc = parser.iterate(json);
  std::map<std::string, std::string> types;  // symbol -> assetType
  auto list = doc.get_array();
  ASSERT_FALSE(list.error()) << markets.body.substr(0, 300);
  for (auto m : list)
    types[std::string(std::string_view(m["symbol"].get_string()))] =
        std::string(std::string_view(m["assetType"].get_string()));
  const std::map<std::string, std::string> expected = {
      {kBtc, "SPOT"}, {kEth, "SPOT"}, {kLinear, "PERP"}, {kCoin, "PERP"}};
  EXPECT_EQ(types, expected) << markets.body.substr(0, 600);
}

TEST_F(HuobiEndToEnd, DroppedUpdateResetsThatMarketOnlyAndItRecovers) {
  WsClient btc_ws(gateway_->port(), book_stream(kBtc), key());
  WsClient eth_ws(gateway_->port(), book_stream(kEth), key());
  ClientBook btc, eth;
  // Both books in sync first (both ride the same /feed connection upstream).
  astra::test::await_snapshot(btc_ws, btc);
  astra::test::await_snapshot(eth_ws, eth);
  if (HasFatalFailure()) return;
  sim_->pause();
  expect_caught_up(btc_ws, btc, "btcusdt", "btc before the fault");
  expect_caught_up(eth_ws, eth, "ethusdt", "eth before the fault");
  if (HasFatalFailure()) return;

  // The fault: one btcusdt mbp update is never sent; step until a later one is.
  ASSERT_TRUE(sim_->drop_next_update("btcusdt"));
  uint64_t seen = sim_->book("btcusdt")->last_update_id;
  int changes = 0;
  for (int i = 0; i < 50 && changes < 2; ++i) {
    sim_->step(1);
    const uint64_t now = sim_->book("btcusdt")->last_update_id;
    if (now != seen) ++changes;
    seen = now;
  }
  ASSERT_EQ(changes, 2);
  ASSERT_EQ(sim_->stats().updates_dropped, 1u);

  // The plugin sees prevSeqNum break, resets btc, asks for a snapshot on the same connection.
  ASSERT_TRUE(read_until(btc_ws, btc, [&] { return btc.resets > 0 && btc.have_snapshot; }))
      << "no reset followed by a snapshot:\n"
      << gateway_->output();
  EXPECT_EQ(btc.resets, 1);
  EXPECT_EQ(btc.snapshots, 2) << "a fresh snapshot after the reset";
  expect_caught_up(btc_ws, btc, "btcusdt", "btc after the recovery");
  expect_caught_up(eth_ws, eth, "ethusdt", "eth during the fault");
  EXPECT_GE(sim_->stats().snapshot_requests, 3u) << "one per book, then one for the recovery";

  // And the flow goes on: both stay equal to the simulator.
  for (int check = 0; check < 3; ++check) {
    sim_->resume();
    std::this_thread::sleep_for(60ms);
    sim_->pause();
    expect_caught_up(btc_ws, btc, "btcusdt", "btc after the fault");
    expect_caught_up(eth_ws, eth, "ethusdt", "eth after the fault");
    if (HasFatalFailure()) return;
  }
  EXPECT_EQ(btc.resets, 1);
  EXPECT_EQ(eth.resets, 0) << "the other market on the same connection is not reset";
  EXPECT_EQ(eth.snapshots, 1);
}

}  // namespace
