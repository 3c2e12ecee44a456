// End to end: the Coinbase Advanced Trade simulator on loopback, the real `astra serve` binary
// with coinbase.so loaded from the plugin folder (default feed "advanced"), and API clients.
//
// Advanced Trade has no per-book sequence the client could see (sequence_num counts a
// connection's envelopes), so updateId is the gateway's counter and a check waits until the
// client's book equals the paused simulator's book (bounded), then compares every level.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>
#include <astra/sdk/decimal.hpp>
#include <astra/sim/coinbase/coinbase_sim.hpp>

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
using astra::test::WsClient;
using namespace std::chrono_literals;

constexpr const char* kBtc = "COINBASE-SPOT-BTC-USD";
constexpr const char* kEth = "COINBASE-SPOT-ETH-USD";

std::string config_yaml(uint16_t sim_port, int metrics_port, const std::filesystem::path& dir,
                        bool exchange) {
  const std::string url = "127.0.0.1:" + std::to_string(sim_port);
  return "server:\n  listen: 127.0.0.1\n  port: 0\n  metrics_port: " +
         std::to_string(metrics_port) + "\nstate: " + (dir / "astra.db").string() +
         "\nplugin_dir: " ASTRA_PLUGIN_DIR
         "\nlog_level: info\n"
         "venues:\n  coinbase:\n    enabled: true\n"
         "    rest: http://" +
         url + "\n    ws: ws://" + url + "\n" + (exchange ? "    feed: exchange\n" : "");
}

bool same_decimal(std::string_view a, std::string_view b) {
  astra_decimal x{}, y{};
  return astra::sdk::parse_decimal(a, x) && astra::sdk::parse_decimal(b, y) &&
         astra::sdk::format_decimal(x) == astra::sdk::format_decimal(y);
}

class CoinbaseEndToEnd : public ::testing::Test {
 protected:
  virtual bool exchange_feed() const { return false; }

  void SetUp() override {
    astra::sim::coinbase::Options options;
    if (exchange_feed()) {
      options.feed = astra::sim::coinbase::Feed::exchange;
      options.products = {"BTC-USD", "ETH-USD"};
    }
    options.seed = 42;
    options.rate = 20ms;
    std::string error;
    sim_ = astra::sim::coinbase::CoinbaseSim::start(options, error);
    ASSERT_TRUE(sim_) << error;
    dir_ = std::filesystem::temp_directory_path() /
           ("astra-e2e-coinbase-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    metrics_port_ = free_port();
    gateway_ = std::make_unique<GatewayProcess>(
        dir_, config_yaml(sim_->port(), metrics_port_, dir_, exchange_feed()));
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
      // The test's API clients are gone; let the gateway finish their sessions before SIGTERM.
      // (Stopping with a session still closing can crash `astra serve` at exit: a host bug,
      // WebsocketSession destroyed in ~io_context, reported with this test.)
      for (int i = 0; i < 40 && ws_clients() != 0; ++i)
        std::this_thread::sleep_for(25ms);
      EXPECT_EQ(gateway_->stop(), 0) << gateway_->output();
    }
    gateway_.reset();
    if (sim_) sim_->stop();
    std::filesystem::remove_all(dir_);
  }

  const std::string& key() const { return gateway_->api_key(); }

  // The gateway's astra_ws_clients gauge; -1 when unreadable.
  int ws_clients() {
    const auto m = http_get(metrics_port_, "/metrics", "");
    const std::string name = "\nastra_ws_clients ";
    const auto at = m.body.find(name);
    if (m.status != 200 || at == std::string::npos) return -1;
    return std::atoi(m.body.c_str() + at + name.size());
  }

  // Reads `ws` until `book` equals the simulator's current book of `product` (the simulator is
  // paused), bounded. True when equal.
  bool catch_up(WsClient& ws, ClientBook& book, const std::string& product) {
    const auto target = sim_->book(product);
    if (!target || target->bids.empty() || target->asks.empty()) {
      ADD_FAILURE() << "the simulator has no book for " << product;
      return false;
    }
    const auto bids = side_of(target->bids);
    const auto asks = side_of(target->asks);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (book.have_snapshot && book.bids == bids && book.asks == asks) return true;
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
    EXPECT_EQ(book.bids, bids) << product << " bids differ";
    EXPECT_EQ(book.asks, asks) << product << " asks differ";
    return false;
  }

  // Nothing more arrives while the simulator is paused (the book is not still moving).
  void expect_quiet(WsClient& ws, ClientBook& book) {
    if (auto msg = ws.read(150ms)) {
      apply_message(*msg, book);
      ADD_FAILURE() << "a message while the simulator is paused: " << msg->substr(0, 200);
    }
  }

  std::unique_ptr<astra::sim::coinbase::CoinbaseSim> sim_;
  std::unique_ptr<GatewayProcess> gateway_;
  std::filesystem::path dir_;
  int metrics_port_ = 0;
};

TEST_F(CoinbaseEndToEnd, WebSocketBookEqualsSimulatorBookAtEveryCheckAndRestAgrees) {
  WsClient ws(gateway_->port(), std::string("/ws?market=") + kBtc + "&dataType=ORDERBOOK", key());
  ClientBook book;
  constexpr int kChecks = 8;
  uint64_t last_id = 0;
  for (int check = 0; check < kChecks; ++check) {
    std::this_thread::sleep_for(60ms);  // let the flow move the book between checks
    sim_->pause();
    ASSERT_TRUE(catch_up(ws, book, "BTC-USD")) << "check " << check << "\n" << gateway_->output();
    expect_quiet(ws, book);
    EXPECT_GT(book.update_id, last_id) << "updateId must advance between checks";
    last_id = book.update_id;

    // REST agrees: served from the live book, at the same updateId.
    const auto rest =
        http_get(gateway_->port(), std::string("/orderbook?market=") + kBtc + "&depth=20", key());
    ASSERT_EQ(rest.status, 200) << rest.body;
    ClientBook top;
    simdjson::ondemand::parser parser;
    simdjson::padded_string json(rest.body);
    auto doc = parser.iterate(json);
    EXPECT_EQ(uint64_t(doc["updateId"].get_uint64()), book.update_id);
    apply_levels(doc["bids"].get_array(), top.bids, true);
    apply_levels(doc["asks"].get_array(), top.asks, true);
    const auto top20 = sim_->book("BTC-USD", 20);
    EXPECT_EQ(top.bids, side_of(top20->bids));
    EXPECT_EQ(top.asks, side_of(top20->asks));
    sim_->resume();
  }
  EXPECT_EQ(book.snapshots, 1) << "one snapshot, then updates only";
  EXPECT_EQ(book.resets, 0);
  EXPECT_GT(book.updates, uint64_t(kChecks)) << "the book should have moved between checks";
}

TEST_F(CoinbaseEndToEnd, TradesStreamCarriesTheTakerSideTheSimulatorGenerated) {
  WsClient ws(gateway_->port(), std::string("/ws?market=") + kEth + "&dataType=TRADE", key());
  struct Seen {
    std::string id, price, qty, side;
  };
  std::vector<Seen> seen;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (seen.size() < 20 && std::chrono::steady_clock::now() < deadline) {
    auto msg = ws.read(200ms);
    if (!msg) continue;
    simdjson::ondemand::parser parser;
    simdjson::padded_string json(*msg);
    auto doc = parser.iterate(json);
    for (auto t : doc["trades"].get_array()) {
      Seen s;
      s.price = std::string(astra::test::token(t["price"].value()));
      s.qty = std::string(astra::test::token(t["quantity"].value()));
      s.side = std::string(std::string_view(t["side"].get_string()));
      s.id = std::string(std::string_view(t["id"].get_string()));
      seen.push_back(std::move(s));
    }
  }
  ASSERT_GE(seen.size(), 20u) << gateway_->output();
  sim_->pause();
  std::map<std::string, astra::sim::coinbase::TradeRecord> truth;
  for (const auto& t : sim_->trades("ETH-USD"))
    truth[t.trade_id] = t;
  int buys = 0;
  for (const auto& s : seen) {
    auto it = truth.find(s.id);
    ASSERT_NE(it, truth.end()) << "trade " << s.id << " was not generated by the simulator";
    EXPECT_EQ(s.side, it->second.taker_buys ? "BUY" : "SELL") << "trade " << s.id;
    EXPECT_TRUE(same_decimal(s.price, it->second.price)) << s.price << " vs " << it->second.price;
    EXPECT_TRUE(same_decimal(s.qty, it->second.size)) << s.qty << " vs " << it->second.size;
    buys += s.side == "BUY";
  }
  EXPECT_GT(buys, 0) << "both taker sides should occur";
  EXPECT_LT(buys, static_cast<int>(seen.size())) << "both taker sides should occur";
}

TEST_F(CoinbaseEndToEnd, MarketsListEveryFamilyTheSimulatorServes) {
  const auto res = http_get(gateway_->port(), "/markets?exchange=COINBASE", key());
  ASSERT_EQ(res.status, 200) << res.body;
  std::map<std::string, std::string> types;  // symbol -> assetType/status
  simdjson::ondemand::parser parser;
  simdjson::padded_string json(res.body);
  auto doc = parser.iterate(json);
  auto list = doc.get_array();
  for (auto m : list) {
    const std::string symbol(std::string_view(m["symbol"].get_string()));
    std::string type(std::string_view(m["assetType"].get_string()));
    types[symbol] = type + "/" + std::string(std::string_view(m["status"].get_string()));
  }
  const std::map<std::string, std::string> expected = {
      {"COINBASE-SPOT-BTC-USD", "SPOT/TRADING"},
      {"COINBASE-SPOT-ETH-USD", "SPOT/TRADING"},
      {"COINBASE-FUT-BIT-USD-261231", "FUT/TRADING"},
      {"COINBASE-PERP-ETH-USDC", "PERP/TRADING"}};
  EXPECT_EQ(types, expected) << res.body;
}

TEST_F(CoinbaseEndToEnd, DroppedUpdateResetsThatMarketOnlyAndItsBookHeals) {
  WsClient btc(gateway_->port(), std::string("/ws?market=") + kBtc + "&dataType=ORDERBOOK", key());
  WsClient eth(gateway_->port(), std::string("/ws?market=") + kEth + "&dataType=ORDERBOOK", key());
  ClientBook btc_book, eth_book;
  std::this_thread::sleep_for(60ms);
  sim_->pause();
  ASSERT_TRUE(catch_up(btc, btc_book, "BTC-USD"));
  ASSERT_TRUE(catch_up(eth, eth_book, "ETH-USD"));
  ASSERT_EQ(btc_book.resets, 0);

  // One BTC-USD l2 update is lost on the wire; the flow goes on.
  ASSERT_TRUE(sim_->drop_next_update("BTC-USD"));
  sim_->resume();
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  std::string reset;
  while (btc_book.resets == 0 && std::chrono::steady_clock::now() < deadline) {
    if (auto msg = btc.read(100ms)) {
      apply_message(*msg, btc_book);
      if (btc_book.resets == 1) reset = *msg;
    }
    if (HasFatalFailure()) return;
  }
  ASSERT_EQ(btc_book.resets, 1) << "the gap was not reported to the client\n" << gateway_->output();
  EXPECT_NE(reset.find("\"reason\":\"gap\""), std::string::npos) << reset;
  EXPECT_EQ(sim_->stats().updates_dropped, 1u);

  // A fresh snapshot follows, and the book is right again.
  std::this_thread::sleep_for(100ms);
  sim_->pause();
  ASSERT_TRUE(catch_up(btc, btc_book, "BTC-USD")) << gateway_->output();
  EXPECT_EQ(btc_book.snapshots, 2) << "a reset, then exactly one fresh snapshot";
  EXPECT_EQ(btc_book.resets, 1);

  // The other market was not touched.
  ASSERT_TRUE(catch_up(eth, eth_book, "ETH-USD"));
  EXPECT_EQ(eth_book.resets, 0);
  EXPECT_EQ(eth_book.snapshots, 1);

  // And both keep following the simulator.
  sim_->resume();
  std::this_thread::sleep_for(100ms);
  sim_->pause();
  EXPECT_TRUE(catch_up(btc, btc_book, "BTC-USD"));
  EXPECT_TRUE(catch_up(eth, eth_book, "ETH-USD"));
  EXPECT_EQ(btc_book.resets, 1);
  EXPECT_EQ(eth_book.resets, 0);
}

TEST_F(CoinbaseEndToEnd, BadInputGetsClearErrors) {
  const int port = gateway_->port();
  EXPECT_EQ(http_get(port, "/orderbook?market=COINBASE-SPOT-NOPE-USD", key()).status, 404);
  const auto bad = http_get(port, "/orderbook?market=not-a-symbol", key());
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("\"code\""), std::string::npos) << bad.body;
  EXPECT_EQ(http_get(port, "/markets?exchange=COINBASE", "").status, 401);
}

// The same gateway on the Exchange feed (feed: exchange): level2_batch snapshot + l2update and
// matches, whose `side` is the maker's; the client must see the taker side.
class CoinbaseExchangeEndToEnd : public CoinbaseEndToEnd {
 protected:
  bool exchange_feed() const override { return true; }
};

TEST_F(CoinbaseExchangeEndToEnd, WebSocketBookEqualsSimulatorBook) {
  WsClient ws(gateway_->port(), std::string("/ws?market=") + kEth + "&dataType=ORDERBOOK", key());
  ClientBook book;
  for (int check = 0; check < 5; ++check) {
    std::this_thread::sleep_for(60ms);
    sim_->pause();
    ASSERT_TRUE(catch_up(ws, book, "ETH-USD")) << "check " << check << "\n" << gateway_->output();
    expect_quiet(ws, book);
    sim_->resume();
  }
  EXPECT_EQ(book.snapshots, 1);
  EXPECT_EQ(book.resets, 0);
  EXPECT_GT(book.updates, 5u);
}

TEST_F(CoinbaseExchangeEndToEnd, TradesCarryTheTakerSide) {
  WsClient ws(gateway_->port(), std::string("/ws?market=") + kBtc + "&dataType=TRADE", key());
  std::vector<std::pair<std::string, std::string>> seen;  // id, side
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (seen.size() < 20 && std::chrono::steady_clock::now() < deadline) {
    auto msg = ws.read(200ms);
    if (!msg) continue;
    simdjson::ondemand::parser parser;
    simdjson::padded_string json(*msg);
    auto doc = parser.iterate(json);
    for (auto t : doc["trades"].get_array())
      seen.emplace_back(std::string(std::string_view(t["id"].get_string())),
                        std::string(std::string_view(t["side"].get_string())));
  }
  ASSERT_GE(seen.size(), 20u) << gateway_->output();
  sim_->pause();
  std::map<std::string, bool> taker_buys;
  for (const auto& t : sim_->trades("BTC-USD"))
    taker_buys[t.trade_id] = t.taker_buys;
  int buys = 0;
  for (const auto& [id, side] : seen) {
    ASSERT_TRUE(taker_buys.count(id)) << "trade " << id;
    EXPECT_EQ(side, taker_buys[id] ? "BUY" : "SELL") << "trade " << id;
    buys += side == "BUY";
  }
  EXPECT_GT(buys, 0);
  EXPECT_LT(buys, static_cast<int>(seen.size()));
}

}  // namespace
