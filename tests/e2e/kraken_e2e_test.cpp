// End to end: the Kraken simulator on loopback (spot WebSocket v2 and Kraken Futures), the real
// `astra serve` binary with kraken.so loaded from the plugin folder, and API clients. A client's
// book must equal the simulator's at every check; a bad checksum (spot) or a seq gap (futures)
// must reset and resynchronize that market only.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>
#include <astra/sdk/decimal.hpp>
#include <astra/sim/kraken/kraken_sim.hpp>

#include <filesystem>
#include <functional>
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

constexpr const char* kSpotXbt = "KRAKEN-SPOT-XBT-USD";
constexpr const char* kSpotEth = "KRAKEN-SPOT-ETH-USD";
constexpr const char* kPerp = "KRAKEN-PERP-XBT-USD";           // PF_XBTUSD
constexpr const char* kInverse = "KRAKEN-PERP-XBT-USD-COINM";  // PI_XBTUSD

std::string config_yaml(uint16_t sim_port, int metrics_port, const std::filesystem::path& dir) {
  const std::string url = "127.0.0.1:" + std::to_string(sim_port);
  return "server:\n  listen: 127.0.0.1\n  port: 0\n  metrics_port: " +
         std::to_string(metrics_port) + "\nstate: " + (dir / "astra.db").string() +
         "\nplugin_dir: " ASTRA_PLUGIN_DIR
         "\nlog_level: info\n"
         "venues:\n  kraken:\n    enabled: true\n    families: [spot, futures]\n"
         "    spot:\n      rest: http://" +
         url + "\n      ws: ws://" + url + "/v2\n    futures:\n      rest: http://" + url +
         "\n      ws: ws://" + url + "/ws/v1\n";
}

std::string ws_target(const char* market, const char* type) {
  return std::string("/ws?market=") + market + "&dataType=" + type;
}

class KrakenEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    astra::sim::kraken::Options options;
    options.seed = 42;
    options.symbols = {"XBT/USD", "ETH/USD", "PF_XBTUSD", "PI_XBTUSD"};
    options.rate = 20ms;
    std::string error;
    sim_ = astra::sim::kraken::KrakenSim::start(options, error);
    ASSERT_TRUE(sim_) << error;
    dir_ = std::filesystem::temp_directory_path() /
           ("astra-e2e-kraken-" + std::to_string(::getpid()) + "-" +
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
    if (gateway_) {
      EXPECT_EQ(gateway_->stop(), 0) << gateway_->output();
    }
    gateway_.reset();
    if (sim_) sim_->stop();
    std::filesystem::remove_all(dir_);
  }

  const std::string& key() const { return gateway_->api_key(); }

  // Applies messages until `done()` holds; false after 10 s.
  bool read_until(WsClient& ws, ClientBook& book, const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      auto msg = ws.read(100ms);
      if (!msg) {
        if (ws.closed()) {
          ADD_FAILURE() << ws.error().message() << "\n" << gateway_->output();
          return false;
        }
        continue;
      }
      apply_message(*msg, book);
      if (HasFatalFailure()) return false;
    }
    return true;
  }

  // Spot (gateway-counted updateId): with the simulator paused, the client's book must become
  // exactly the simulator's top 10 (the depth the plugin subscribes).
  void expect_spot_converges(WsClient& ws, ClientBook& book, const std::string& symbol,
                             const std::string& context) {
    const auto target = sim_->book(symbol, 10);
    ASSERT_TRUE(target);
    ASSERT_FALSE(target->bids.empty() || target->asks.empty());
    const auto want_bids = side_of(target->bids), want_asks = side_of(target->asks);
    const bool ok = read_until(ws, book, [&] {
      return book.have_snapshot && book.bids == want_bids && book.asks == want_asks;
    });
    ASSERT_TRUE(ok) << context << ": " << symbol << " never equalled the simulator's book";
  }

  // Futures (updateId = seq): read up to the simulator's seq, then the whole book must match.
  void expect_futures_equal(WsClient& ws, ClientBook& book, const std::string& product,
                            const std::string& context) {
    const auto target = sim_->book(product);
    ASSERT_TRUE(target);
    const bool ok = read_until(
        ws, book, [&] { return book.have_snapshot && book.update_id >= target->last_update_id; });
    ASSERT_TRUE(ok) << context << ": " << product << " never reached seq "
                    << target->last_update_id;
    ASSERT_EQ(book.update_id, target->last_update_id) << context;
    EXPECT_EQ(book.bids, side_of(target->bids)) << context;
    EXPECT_EQ(book.asks, side_of(target->asks)) << context;
  }

  std::unique_ptr<astra::sim::kraken::KrakenSim> sim_;
  std::unique_ptr<GatewayProcess> gateway_;
  std::filesystem::path dir_;
  int metrics_port_ = 0;
};

TEST_F(KrakenEndToEnd, SpotBookEqualsTheSimulatorsTop10AtEveryCheckAndRestAgrees) {
  WsClient ws(gateway_->port(), ws_target(kSpotXbt, "ORDERBOOK"), key());
  ClientBook book;
  constexpr int kChecks = 6;
  for (int check = 0; check < kChecks; ++check) {
    std::this_thread::sleep_for(60ms);  // let the flow move the book between checks
    sim_->pause();
    expect_spot_converges(ws, book, "XBT/USD", "check " + std::to_string(check));
    if (HasFatalFailure()) return;
    const auto rest = http_get(gateway_->port(),
                               std::string("/orderbook?market=") + kSpotXbt + "&depth=10", key());
    ASSERT_EQ(rest.status, 200) << rest.body;
    ClientBook top;
    simdjson::ondemand::parser parser;
    simdjson::padded_string json(rest.body);
    auto doc = parser.iterate(json);
    apply_levels(doc["bids"].get_array(), top.bids, true);
    apply_levels(doc["asks"].get_array(), top.asks, true);
    EXPECT_EQ(top.bids, book.bids) << rest.body;
    EXPECT_EQ(top.asks, book.asks) << rest.body;
    sim_->resume();
  }
  EXPECT_EQ(book.snapshots, 1) << "one snapshot, then updates only";
  EXPECT_EQ(book.resets, 0);
  EXPECT_GT(book.updates, uint64_t(kChecks)) << "the book should have moved between checks";
}

TEST_F(KrakenEndToEnd, FuturesBookEqualsTheSimulatorsWithSeqAsUpdateId) {
  WsClient ws(gateway_->port(), ws_target(kPerp, "ORDERBOOK"), key());
  ClientBook book;
  for (int check = 0; check < 5; ++check) {
    std::this_thread::sleep_for(60ms);
    sim_->pause();
    expect_futures_equal(ws, book, "PF_XBTUSD", "check " + std::to_string(check));
    if (HasFatalFailure()) return;
    sim_->resume();
  }
  EXPECT_EQ(book.snapshots, 1) << gateway_->output();
  EXPECT_EQ(book.resets, 0);
  EXPECT_GT(book.updates, 5u);
}

TEST_F(KrakenEndToEnd, TradesCarryTheSimulatorsTakerSide) {
  WsClient ws(gateway_->port(), ws_target(kSpotEth, "TRADE"), key());
  struct Got {
    std::string price, qty;
    bool buy;
  };
  std::vector<Got> got;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (got.size() < 10 && std::chrono::steady_clock::now() < deadline) {
    auto msg = ws.read(100ms);
    if (!msg) continue;
    simdjson::ondemand::parser parser;
    simdjson::padded_string json(*msg);
    auto doc = parser.iterate(json);
    for (auto t : doc["trades"].get_array()) {
      const std::string_view side = t["side"].get_string();
      ASSERT_TRUE(side == "BUY" || side == "SELL") << side;
      Got g;
      g.price = std::string(astra::test::token(t["price"].value()));
      g.qty = std::string(astra::test::token(t["quantity"].value()));
      g.buy = side == "BUY";
      got.push_back(g);
    }
  }
  sim_->pause();
  ASSERT_GE(got.size(), 10u) << gateway_->output();
  const auto sim_trades = sim_->trades("ETH/USD");
  auto same = [](const std::string& a, const std::string& b) {
    astra_decimal x{}, y{};
    return astra::sdk::parse_decimal(a, x) && astra::sdk::parse_decimal(b, y) &&
           astra::sdk::compare_decimal(x, y) == 0;
  };
  // What the client received is a run of the simulator's trades, in order, side for side.
  bool found = false;
  for (size_t start = 0; start + got.size() <= sim_trades.size() && !found; ++start) {
    bool all = true;
    for (size_t i = 0; i < got.size() && all; ++i) {
      const auto& s = sim_trades[start + i];
      all = same(got[i].price, s.price) && same(got[i].qty, s.qty) && got[i].buy == s.taker_buys;
    }
    found = all;
  }
  EXPECT_TRUE(found) << "the trades received are not the simulator's (first: " << got[0].price
                     << " " << got[0].qty << (got[0].buy ? " BUY" : " SELL") << ")";
}

TEST_F(KrakenEndToEnd, MarketsListSpotAndFuturesWithCoreSymbols) {
  const auto markets = http_get(gateway_->port(), "/markets?exchange=KRAKEN", key());
  ASSERT_EQ(markets.status, 200) << markets.body;
  for (const char* symbol : {kSpotXbt, kSpotEth, kPerp, kInverse})
    EXPECT_NE(markets.body.find(std::string("\"") + symbol + "\""), std::string::npos)
        << symbol << " missing: " << markets.body;
  EXPECT_NE(markets.body.find("\"BTC\""), std::string::npos) << "baseAsset is the abstract BTC";
  EXPECT_EQ(http_get(gateway_->port(), "/orderbook?market=KRAKEN-SPOT-NOPE-USD", key()).status,
            404);
}

TEST_F(KrakenEndToEnd, ChecksumMismatchResetsThatMarketOnly) {
  WsClient xbt(gateway_->port(), ws_target(kSpotXbt, "ORDERBOOK"), key());
  WsClient eth(gateway_->port(), ws_target(kSpotEth, "ORDERBOOK"), key());
  ClientBook xbt_book, eth_book;
  sim_->pause();
  expect_spot_converges(xbt, xbt_book, "XBT/USD", "before the fault");
  expect_spot_converges(eth, eth_book, "ETH/USD", "before the fault");
  if (HasFatalFailure()) return;

  ASSERT_TRUE(sim_->corrupt_next_checksum("XBT/USD"));
  sim_->resume();
  // The XBT client sees {"reset":...} and then a fresh snapshot.
  ASSERT_TRUE(read_until(xbt, xbt_book, [&] { return xbt_book.snapshots >= 2; }))
      << "no reset and fresh snapshot; resets " << xbt_book.resets << "\n"
      << gateway_->output();
  EXPECT_EQ(sim_->stats().checksums_corrupted, 1u);
  sim_->pause();
  expect_spot_converges(xbt, xbt_book, "XBT/USD", "after the resync");
  expect_spot_converges(eth, eth_book, "ETH/USD", "after the resync");
  if (HasFatalFailure()) return;
  EXPECT_EQ(xbt_book.resets, 1);
  EXPECT_EQ(xbt_book.snapshots, 2);
  EXPECT_EQ(eth_book.resets, 0) << "ETH/USD shares the upstream connection but not the fault";
  EXPECT_EQ(eth_book.snapshots, 1);
}

TEST_F(KrakenEndToEnd, FuturesSeqGapResyncsThatProductOnly) {
  WsClient perp(gateway_->port(), ws_target(kPerp, "ORDERBOOK"), key());
  WsClient inverse(gateway_->port(), ws_target(kInverse, "ORDERBOOK"), key());
  ClientBook perp_book, inverse_book;
  sim_->pause();
  expect_futures_equal(perp, perp_book, "PF_XBTUSD", "before the gap");
  expect_futures_equal(inverse, inverse_book, "PI_XBTUSD", "before the gap");
  if (HasFatalFailure()) return;

  ASSERT_TRUE(sim_->drop_next_update("PF_XBTUSD"));
  sim_->resume();
  ASSERT_TRUE(read_until(perp, perp_book, [&] { return perp_book.snapshots >= 2; }))
      << "no reset and fresh snapshot; resets " << perp_book.resets << "\n"
      << gateway_->output();
  EXPECT_EQ(sim_->stats().updates_dropped, 1u);
  sim_->pause();
  expect_futures_equal(perp, perp_book, "PF_XBTUSD", "after the resync");
  expect_futures_equal(inverse, inverse_book, "PI_XBTUSD", "after the resync");
  if (HasFatalFailure()) return;
  EXPECT_EQ(perp_book.resets, 1);
  EXPECT_EQ(perp_book.snapshots, 2);
  EXPECT_EQ(inverse_book.resets, 0) << "PI_XBTUSD shares the upstream connection but not the gap";
  EXPECT_EQ(inverse_book.snapshots, 1);
}

}  // namespace
