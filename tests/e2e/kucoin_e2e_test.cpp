// End to end: the KuCoin simulator (spot and futures hosts) on loopback, the real `astra serve`
// binary with kucoin.so loaded from the plugin folder, and API clients. A WebSocket client's book
// must equal the simulator's book at every check, REST /orderbook must agree, trades carry the
// taker side, and a dropped level2 message resets that market only.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>
#include <astra/sim/kucoin/kucoin_sim.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <thread>

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
using astra::test::WsClient;
using namespace std::chrono_literals;

std::string config_yaml(uint16_t spot_port, uint16_t futures_port, int metrics_port,
                        const std::filesystem::path& dir) {
  return "server:\n  listen: 127.0.0.1\n  port: 0\n  metrics_port: " +
         std::to_string(metrics_port) + "\nstate: " + (dir / "astra.db").string() +
         "\nplugin_dir: " ASTRA_PLUGIN_DIR
         "\nlog_level: info\n"
         "venues:\n  kucoin:\n    enabled: true\n    families: [spot, futures]\n"
         "    snapshot_depth: 100\n"
         "    spot:\n      rest: http://127.0.0.1:" +
         std::to_string(spot_port) +
         "\n    futures:\n      rest: http://127.0.0.1:" + std::to_string(futures_port) +
         "\n  binance:\n    enabled: false\n";
}

class KucoinEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    astra::sim::kucoin::Options options;
    options.seed = 42;
    options.rate = 20ms;
    options.ping_interval = 2000ms;  // the plugin pings at the advertised interval (min 1 s)
    options.ping_timeout = 2000ms;
    std::string error;
    sim_ = astra::sim::kucoin::KucoinSim::start(options, error);
    ASSERT_TRUE(sim_) << error;
    dir_ = std::filesystem::temp_directory_path() /
           ("astra-e2e-kucoin-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    metrics_port_ = free_port();
    gateway_ = std::make_unique<GatewayProcess>(
        dir_, config_yaml(sim_->port(), sim_->futures_port(), metrics_port_, dir_));
    ASSERT_FALSE(gateway_->api_key().empty()) << "no API key printed:\n" << gateway_->output();
    ASSERT_GT(gateway_->port(), 0) << "no listening line:\n" << gateway_->output();
    for (int i = 0; i < 100; ++i) {
      if (http_get(gateway_->port(), "/ready", key()).status == 200) return;
      std::this_thread::sleep_for(50ms);
    }
    FAIL() << "gateway never became ready:\n" << gateway_->output();
  }

  void TearDown() override {
    if (sim_) sim_->resume();
    if (gateway_) {
      EXPECT_EQ(gateway_->stop(), 0) << gateway_->output();
    }
    gateway_.reset();
    if (sim_) sim_->stop();
    std::filesystem::remove_all(dir_);
  }

  const std::string& key() const { return gateway_->api_key(); }

  // Reads `ws` into `book` until it has a snapshot at the sim's sequence `target` (bounded).
  void catch_up(WsClient& ws, ClientBook& book, uint64_t target) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!(book.have_snapshot && book.update_id >= target) &&
           std::chrono::steady_clock::now() < deadline) {
      auto msg = ws.read(200ms);
      if (!msg) {
        ASSERT_FALSE(ws.closed()) << ws.error().message() << "\n" << gateway_->output();
        continue;
      }
      if (msg->find("\"reset\":true") != std::string::npos) last_reset_ = *msg;
      apply_message(*msg, book);
      if (::testing::Test::HasFatalFailure()) return;
    }
    ASSERT_TRUE(book.have_snapshot) << "no snapshot within 10 s (resets " << book.resets
                                    << ", snapshots " << book.snapshots << ")\n"
                                    << gateway_->output();
  }

  // Pauses the sim, brings the client to the sim's book and compares every level.
  void expect_equal_at_pause(WsClient& ws, ClientBook& book, const std::string& venue_symbol,
                             const std::string& market, const std::string& what) {
    catch_up(ws, book, 0);  // a first snapshot needs a first level2 message: not while paused
    if (HasFatalFailure()) return;
    sim_->pause();
    const auto target = sim_->book(venue_symbol);
    ASSERT_TRUE(target.has_value());
    catch_up(ws, book, target->sequence);
    if (HasFatalFailure()) return;
    ASSERT_EQ(book.update_id, target->sequence) << what;
    ASSERT_FALSE(target->bids.empty() || target->asks.empty()) << "the simulator has no book";
    ASSERT_LT(target->bids.size(), 100u) << "deeper than the top-100 snapshot can show";
    ASSERT_LT(target->asks.size(), 100u);
    EXPECT_EQ(book.bids, side_of(target->bids)) << "bids differ " << what;
    EXPECT_EQ(book.asks, side_of(target->asks)) << "asks differ " << what;

    // REST agrees: served from the live book at the same sequence.
    const auto rest =
        http_get(gateway_->port(), "/orderbook?market=" + market + "&depth=20", key());
    ASSERT_EQ(rest.status, 200) << rest.body;
    ClientBook top;
    simdjson::ondemand::parser parser;
    simdjson::padded_string json(rest.body);
    auto doc = parser.iterate(json);
    ASSERT_EQ(uint64_t(doc["updateId"].get_uint64()), target->sequence) << rest.body;
    apply_levels(doc["bids"].get_array(), top.bids, true);
    apply_levels(doc["asks"].get_array(), top.asks, true);
    const auto top20 = sim_->book(venue_symbol, 20);
    EXPECT_EQ(top.bids, side_of(top20->bids)) << what;
    EXPECT_EQ(top.asks, side_of(top20->asks)) << what;
    sim_->resume();
  }

  void book_equals_sim(const std::string& venue_symbol, const std::string& market) {
    WsClient ws(gateway_->port(), "/ws?market=" + market + "&dataType=ORDERBOOK", key());
    ClientBook book;
    constexpr int kChecks = 6;
    for (int check = 0; check < kChecks; ++check) {
      std::this_thread::sleep_for(60ms);  // let the flow move the book between checks
      expect_equal_at_pause(ws, book, venue_symbol, market, "at check " + std::to_string(check));
      if (HasFatalFailure()) return;
    }
    EXPECT_EQ(book.snapshots, 1) << "one snapshot, then updates only";
    EXPECT_EQ(book.resets, 0) << last_reset_ << "\n" << gateway_->output();
    EXPECT_GT(book.updates, uint64_t(kChecks)) << "the book should have moved between checks";
  }

  std::unique_ptr<astra::sim::kucoin::KucoinSim> sim_;
  std::unique_ptr<GatewayProcess> gateway_;
  std::filesystem::path dir_;
  int metrics_port_ = 0;
  std::string last_reset_;  // the last {"reset":…} message a client saw
};

TEST_F(KucoinEndToEnd, SpotWebSocketBookEqualsSimulatorBookAndRestAgrees) {
  book_equals_sim("BTC-USDT", "KUCOIN-SPOT-BTC-USDT");
}

TEST_F(KucoinEndToEnd, FuturesWebSocketBookEqualsSimulatorBookAndRestAgrees) {
  book_equals_sim("XBTUSDTM", "KUCOIN-PERP-XBT-USDT");
}

TEST_F(KucoinEndToEnd, TradesCarryTheTakerSideTheSimulatorGenerated) {
  WsClient ws(gateway_->port(), "/ws?market=KUCOIN-SPOT-ETH-USDT&dataType=TRADE", key());
  struct Seen {
    std::string price, size, side;
  };
  std::vector<Seen> seen;
  auto read_trades = [&](std::chrono::milliseconds timeout) {
    auto msg = ws.read(timeout);
    if (!msg) return false;
    if (msg->find("\"trades\"") == std::string::npos) return true;
    // The numbers' own text: exact decimals, compared as text with the venue's.
    simdjson::ondemand::parser parser;
    simdjson::padded_string json(*msg);
    auto doc = parser.iterate(json);
    for (auto t : doc["trades"].get_array()) {
      Seen one;
      one.price = std::string(astra::test::token(t["price"].value()));
      one.size = std::string(astra::test::token(t["quantity"].value()));
      one.side = std::string(std::string_view(t["side"].get_string()));
      seen.push_back(std::move(one));
    }
    return true;
  };
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (seen.size() < 5 && std::chrono::steady_clock::now() < deadline)
    read_trades(200ms);
  sim_->pause();
  while (read_trades(500ms)) {
  }
  ASSERT_GE(seen.size(), 5u) << gateway_->output();
  // What the client saw is exactly the last trades the simulator made, in order, with the
  // taker's side.
  const auto made = sim_->trades("ETH-USDT");
  ASSERT_GE(made.size(), seen.size());
  const size_t offset = made.size() - seen.size();
  int buys = 0, sells = 0;
  for (size_t i = 0; i < seen.size(); ++i) {
    const auto& m = made[offset + i];
    EXPECT_EQ(seen[i].price, m.price) << i;
    EXPECT_EQ(seen[i].size, m.size) << i;
    EXPECT_EQ(seen[i].side, m.side == "buy" ? "BUY" : "SELL") << i;
    (m.side == "buy" ? buys : sells)++;
  }
  EXPECT_GT(buys + sells, 0);
}

TEST_F(KucoinEndToEnd, MarketsListSpotAndFuturesWithCoreSymbols) {
  const auto reply = http_get(gateway_->port(), "/markets?exchange=KUCOIN", key());
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto doc = nlohmann::json::parse(reply.body, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << reply.body;
  const nlohmann::json& list = doc.is_array() ? doc : doc["markets"];
  std::map<std::string, nlohmann::json> by_symbol;
  for (const auto& m : list)
    by_symbol[m["symbol"].get<std::string>()] = m;
  ASSERT_EQ(by_symbol.size(), 3u) << reply.body;
  ASSERT_TRUE(by_symbol.count("KUCOIN-SPOT-BTC-USDT")) << reply.body;
  ASSERT_TRUE(by_symbol.count("KUCOIN-SPOT-ETH-USDT")) << reply.body;
  ASSERT_TRUE(by_symbol.count("KUCOIN-PERP-XBT-USDT")) << reply.body;
  const auto& perp = by_symbol["KUCOIN-PERP-XBT-USDT"];
  EXPECT_EQ(perp["baseAsset"], "BTC") << "the symbol keeps XBT, the metadata says BTC";
  EXPECT_EQ(perp["assetType"], "PERP");
  EXPECT_EQ(by_symbol["KUCOIN-SPOT-BTC-USDT"]["tickSize"], "0.1");
  EXPECT_EQ(http_get(gateway_->port(), "/orderbook?market=KUCOIN-SPOT-NOPE-USDT", key()).status,
            404);
}

TEST_F(KucoinEndToEnd, DroppedUpdateResetsThatMarketOnlyAndTheBookRecovers) {
  WsClient btc(gateway_->port(), "/ws?market=KUCOIN-SPOT-BTC-USDT&dataType=ORDERBOOK", key());
  WsClient eth(gateway_->port(), "/ws?market=KUCOIN-SPOT-ETH-USDT&dataType=ORDERBOOK", key());
  ClientBook btc_book, eth_book;
  expect_equal_at_pause(btc, btc_book, "BTC-USDT", "KUCOIN-SPOT-BTC-USDT", "before the fault");
  if (HasFatalFailure()) return;
  expect_equal_at_pause(eth, eth_book, "ETH-USDT", "KUCOIN-SPOT-ETH-USDT", "before the fault");
  if (HasFatalFailure()) return;
  ASSERT_EQ(btc_book.resets, 0);

  ASSERT_TRUE(sim_->drop_next_update("BTC-USDT"));
  // The plugin sees the gap on the next message: RESET, then a fresh snapshot.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!(btc_book.resets == 1 && btc_book.snapshots == 2) &&
         std::chrono::steady_clock::now() < deadline) {
    auto msg = btc.read(200ms);
    if (msg && msg->find("\"reset\":true") != std::string::npos) last_reset_ = *msg;
    if (msg) apply_message(*msg, btc_book);
    if (HasFatalFailure()) return;
  }
  ASSERT_EQ(btc_book.resets, 1) << gateway_->output();
  // Detected by the plugin's sequence check, not by the gateway's crossed-book safety net.
  const auto reset = nlohmann::json::parse(last_reset_, nullptr, false);
  ASSERT_TRUE(reset.is_object()) << last_reset_;
  EXPECT_EQ(reset["reason"], "gap") << last_reset_;
  EXPECT_EQ(reset["market"], "KUCOIN-SPOT-BTC-USDT");
  ASSERT_EQ(btc_book.snapshots, 2) << "a fresh snapshot after the reset";
  EXPECT_EQ(sim_->stats().dropped_updates, 1u);

  for (int check = 0; check < 3; ++check) {
    std::this_thread::sleep_for(60ms);
    expect_equal_at_pause(btc, btc_book, "BTC-USDT", "KUCOIN-SPOT-BTC-USDT",
                          "after recovery, check " + std::to_string(check));
    if (HasFatalFailure()) return;
    expect_equal_at_pause(eth, eth_book, "ETH-USDT", "KUCOIN-SPOT-ETH-USDT",
                          "other market, check " + std::to_string(check));
    if (HasFatalFailure()) return;
  }
  EXPECT_EQ(btc_book.resets, 1);
  EXPECT_EQ(eth_book.resets, 0) << "the other market on the same connection is untouched";
  EXPECT_EQ(eth_book.snapshots, 1);
}

}  // namespace
