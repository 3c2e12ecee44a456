// End to end: the Binance simulator on loopback, the real `astra serve` binary with binance.so
// loaded from the plugin folder, and API clients. A WebSocket client's book must equal the
// simulator's book at every check, and REST /orderbook must agree.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>
#include <astra/sdk/decimal.hpp>
#include <astra/sim/binance/binance_sim.hpp>

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

#include "e2e/api_client.hpp"
#include "e2e/client_book.hpp"
#include "e2e/gateway_process.hpp"

namespace {

using astra::test::apply_levels;
using astra::test::apply_message;
using astra::test::ClientBook;
using astra::test::free_port;
using astra::test::GatewayProcess;
using astra::test::http_get;
using astra::test::side_of;
using astra::test::tcp;
using astra::test::WsClient;
using namespace std::chrono_literals;

std::string config_yaml(uint16_t sim_port, int metrics_port, const std::filesystem::path& dir) {
  const std::string url = "127.0.0.1:" + std::to_string(sim_port);
  return "server:\n  listen: 127.0.0.1\n  port: 0\n  metrics_port: " +
         std::to_string(metrics_port) +
         "\n"
         "state: " +
         (dir / "astra.db").string() +
         "\nplugin_dir: " ASTRA_PLUGIN_DIR
         "\nlog_level: info\n"
         "venues:\n  binance:\n    enabled: true\n    families: [spot]\n"
         "    snapshot_limit: 5000\n"
         "    spot:\n      rest: http://" +
         url + "\n      ws: ws://" + url + "\n  okx:\n    enabled: false\n";
}

class BinanceEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    astra::sim::binance::Options options;
    options.seed = 42;
    options.symbols = {"BTCUSDT", "ETHUSDT"};
    options.rate = 20ms;
    std::string error;
    sim_ = astra::sim::binance::BinanceSim::start(options, error);
    ASSERT_TRUE(sim_) << error;
    dir_ = std::filesystem::temp_directory_path() /
           ("astra-e2e-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    metrics_port_ = free_port();
    gateway_ =
        std::make_unique<GatewayProcess>(dir_, config_yaml(sim_->port(), metrics_port_, dir_));
    ASSERT_FALSE(gateway_->api_key().empty()) << "no API key printed:\n" << gateway_->output();
    ASSERT_GT(gateway_->port(), 0) << "no listening line:\n" << gateway_->output();
    // Ready once the venue's markets are loaded (bounded wait).
    for (int i = 0; i < 100; ++i) {
      if (http_get(gateway_->port(), "/ready", key()).status == 200) return;
      std::this_thread::sleep_for(50ms);
    }
    FAIL() << "gateway never became ready:\n" << gateway_->output();
  }

  void TearDown() override {
    if (gateway_) {
      EXPECT_EQ(gateway_->stop(), 0) << gateway_->output();
    }
    gateway_.reset();
    if (sim_) sim_->stop();
    std::filesystem::remove_all(dir_);
  }

  const std::string& key() const { return gateway_->api_key(); }
  void resyncs_after_maintenance(bool close_connections);

  std::unique_ptr<astra::sim::binance::BinanceSim> sim_;
  std::unique_ptr<GatewayProcess> gateway_;
  std::filesystem::path dir_;
  int metrics_port_ = 0;
};

TEST_F(BinanceEndToEnd, WebSocketBookEqualsSimulatorBookAtEveryCheckAndRestAgrees) {
  WsClient ws(gateway_->port(), "/ws?market=BINANCE-SPOT-BTC-USDT&dataType=ORDERBOOK", key());
  ClientBook book;
  astra::test::await_snapshot(ws, book);
  if (HasFatalFailure()) return;
  constexpr int kChecks = 8;
  for (int check = 0; check < kChecks; ++check) {
    std::this_thread::sleep_for(60ms);  // let the flow move the book between checks
    sim_->pause();
    const auto target = sim_->book("BTCUSDT");
    ASSERT_TRUE(target.has_value());
    // Read until the client has caught up with the paused simulator (bounded).
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!(book.have_snapshot && book.update_id >= target->last_update_id) &&
           std::chrono::steady_clock::now() < deadline) {
      auto msg = ws.read(200ms);
      if (!msg) {
        ASSERT_FALSE(ws.closed()) << ws.error().message() << "\n" << gateway_->output();
        continue;
      }
      apply_message(*msg, book);
      if (HasFatalFailure()) return;
    }
    ASSERT_TRUE(book.have_snapshot) << "no snapshot within 10 s";
    ASSERT_EQ(book.update_id, target->last_update_id) << "check " << check;
    ASSERT_FALSE(target->bids.empty() || target->asks.empty()) << "the simulator has no book";
    EXPECT_EQ(book.bids, side_of(target->bids)) << "bids differ at check " << check;
    EXPECT_EQ(book.asks, side_of(target->asks)) << "asks differ at check " << check;

    // REST agrees with the same book, served from the live book at the same update id.
    const auto rest =
        http_get(gateway_->port(), "/orderbook?market=BINANCE-SPOT-BTC-USDT&depth=20", key());
    ASSERT_EQ(rest.status, 200) << rest.body;
    ClientBook top;
    std::string as_snapshot = rest.body;
    simdjson::ondemand::parser parser;
    simdjson::padded_string json(rest.body);
    auto doc = parser.iterate(json);
    ASSERT_EQ(uint64_t(doc["updateId"].get_uint64()), target->last_update_id);
    apply_levels(doc["bids"].get_array(), top.bids, true);
    apply_levels(doc["asks"].get_array(), top.asks, true);
    const auto top20 = sim_->book("BTCUSDT", 20);
    EXPECT_EQ(top.bids, side_of(top20->bids));
    EXPECT_EQ(top.asks, side_of(top20->asks));
    sim_->resume();
  }
  EXPECT_EQ(book.snapshots, 1) << "one snapshot, then updates only";
  EXPECT_EQ(book.resets, 0);
  EXPECT_GT(book.updates, uint64_t(kChecks)) << "the book should have moved between checks";
}

// Maintenance: the venue numbers its updates anew, lower than before, after closing every
// connection or on the live stream. The client is told (RESET), then gets a fresh snapshot in the
// new numbering, and the book equals the simulator's again.
void BinanceEndToEnd::resyncs_after_maintenance(bool close_connections) {
  WsClient ws(gateway_->port(), "/ws?market=BINANCE-SPOT-BTC-USDT&dataType=ORDERBOOK", key());
  ClientBook book;
  astra::test::await_snapshot(ws, book);
  if (HasFatalFailure()) return;
  const uint64_t before = book.update_id;
  const int resets = book.resets, snapshots = book.snapshots;
  // On a live stream the plugin compares event times, so let some diffs apply first.
  if (!close_connections) std::this_thread::sleep_for(300ms);
  sim_->maintenance(1000, close_connections);
  const auto t0 = std::chrono::steady_clock::now();
  const auto deadline = t0 + 15s;
  while (!(book.resets > resets && book.snapshots > snapshots && book.have_snapshot) &&
         std::chrono::steady_clock::now() < deadline) {
    auto msg = ws.read(100ms);
    if (!msg) {
      ASSERT_FALSE(ws.closed()) << ws.error().message() << "\n" << gateway_->output();
      continue;
    }
    apply_message(*msg, book);
    if (HasFatalFailure()) return;
  }
  ASSERT_GT(book.resets, resets) << "no RESET after the venue's maintenance\n"
                                 << gateway_->output()
                                 << http_get(metrics_port_, "/metrics", "").body;
  ASSERT_GT(book.snapshots, snapshots) << "no fresh snapshot within 15 s\n" << gateway_->output();
  std::printf(
      "binance: %s (update ids %llu -> ~1000): reset and fresh snapshot in %.2f s\n",
      close_connections ? "maintenance, connections closed" : "ids restart on a live connection",
      static_cast<unsigned long long>(before),
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  EXPECT_LT(book.update_id, before) << "the snapshot is in the venue's new numbering";

  sim_->pause();
  const auto target = sim_->book("BTCUSDT");
  ASSERT_TRUE(target.has_value());
  const auto catch_up = std::chrono::steady_clock::now() + 10s;
  while (book.update_id < target->last_update_id && std::chrono::steady_clock::now() < catch_up) {
    if (auto msg = ws.read(200ms)) apply_message(*msg, book);
    if (HasFatalFailure()) return;
  }
  ASSERT_EQ(book.update_id, target->last_update_id);
  EXPECT_EQ(book.bids, side_of(target->bids));
  EXPECT_EQ(book.asks, side_of(target->asks));
  sim_->resume();
}

TEST_F(BinanceEndToEnd, SequenceRestartAfterMaintenanceResyncsFromAFreshSnapshot) {
  resyncs_after_maintenance(true);
}

TEST_F(BinanceEndToEnd, SequenceRestartOnALiveConnectionResyncsFromAFreshSnapshot) {
  resyncs_after_maintenance(false);
}

TEST_F(BinanceEndToEnd, TradesStreamCarriesTakerSide) {
  WsClient ws(gateway_->port(), "/ws?market=BINANCE-SPOT-ETH-USDT&dataType=TRADE", key());
  int trades = 0;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (trades < 3 && std::chrono::steady_clock::now() < deadline) {
    auto msg = ws.read(200ms);
    if (!msg) continue;
    simdjson::ondemand::parser parser;
    simdjson::padded_string json(*msg);
    auto doc = parser.iterate(json);
    for (auto t : doc["trades"].get_array()) {
      const std::string_view side = t["side"].get_string();
      EXPECT_TRUE(side == "BUY" || side == "SELL") << side;
      ++trades;
    }
  }
  EXPECT_GE(trades, 3) << gateway_->output();
}

TEST_F(BinanceEndToEnd, BadInputGetsClearErrors) {
  const int port = gateway_->port();
  EXPECT_EQ(http_get(port, "/orderbook?market=BINANCE-SPOT-NOPE-USDT", key()).status, 404);
  const auto bad = http_get(port, "/orderbook?market=not-a-symbol", key());
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("\"code\""), std::string::npos) << bad.body;
  EXPECT_EQ(http_get(port, "/markets?exchange=BINANCE", "").status, 401);
  EXPECT_EQ(http_get(port, "/markets?exchange=BINANCE", "abc.def").status, 401);
  EXPECT_EQ(http_get(port, "/markets?exchange=NOPE", key()).status, 404);
  const auto markets = http_get(port, "/markets?exchange=BINANCE", key());
  EXPECT_EQ(markets.status, 200);
  EXPECT_NE(markets.body.find("BINANCE-SPOT-BTC-USDT"), std::string::npos);
}

TEST_F(BinanceEndToEnd, MetricsCountVenueFramesAndEventsAndClientRequests) {
  WsClient ws(gateway_->port(), "/ws?market=BINANCE-SPOT-BTC-USDT&dataType=ORDERBOOK", key());
  ASSERT_TRUE(ws.read(5s).has_value());
  ASSERT_TRUE(ws.read(5s).has_value());
  const auto m = http_get(metrics_port_, "/metrics", "");
  ASSERT_EQ(m.status, 200);
  for (const char* series : {"astra_venue_frames_total{venue=\"binance\"}",
                             "astra_venue_book_events_total{venue=\"binance\"}",
                             "astra_venue_connects_total{venue=\"binance\"}", "astra_ws_clients",
                             "astra_http_requests_total"}) {
    const auto at = m.body.find(series);
    ASSERT_NE(at, std::string::npos) << series << " missing:\n" << m.body;
  }
  // Frames were counted: the value after the series name is not 0.
  const auto at = m.body.find("astra_venue_frames_total{venue=\"binance\"} ");
  ASSERT_NE(at, std::string::npos);
  EXPECT_NE(
      m.body.substr(at + std::string("astra_venue_frames_total{venue=\"binance\"} ").size(), 2),
      "0\n");
}

}  // namespace
