// Third-party proof that the simulators speak the venues' protocols: ccxt (installed from npm into
// a temporary folder) points its own Binance, OKX and Kraken clients at our simulators, and its
// fetchMarkets, fetchOrderBook, watchOrderBook and watchTrades must return what the simulator
// holds. ccxt_proof.js drives ccxt and reports; this test owns the simulator, paces the script
// and judges. Without node/npm or without network for the install, the tests skip with the reason.
#include "child_process.hpp"

#include <astra/sim/binance/binance_sim.hpp>
#include <astra/sim/kraken/kraken_sim.hpp>
#include <astra/sim/okx/okx_sim.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using TextLevels = std::vector<std::pair<std::string, std::string>>;

// Runs a shell command; true if it exited 0.
bool run(const std::string& command) {
  return std::system(command.c_str()) == 0;
}

class CcxtProof : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::signal(SIGPIPE, SIG_IGN);  // a script that died must fail the test, not kill it
    if (!run("node --version > /dev/null 2>&1") || !run("npm --version > /dev/null 2>&1")) {
      skip_reason() = "node or npm is not installed";
      return;
    }
    std::string templ = (std::filesystem::temp_directory_path() / "astra-ccxt-XXXXXX").string();
    if (!mkdtemp(templ.data())) {
      skip_reason() = "cannot create a temporary folder";
      return;
    }
    dir() = templ;
    const std::string log = dir() + "/npm-install.log";
    // Bounded: without network npm fails fast (few, short retries) or is cut off, and the tests
    // skip.
    const std::string install =
        "timeout 180 npm install --no-audit --no-fund --fetch-retries=1 "
        "--fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=5000 --fetch-timeout=60000 "
        "--prefix '" +
        dir() + "' ccxt@" ASTRA_CCXT_VERSION " > '" + log + "' 2>&1";
    if (!run(install))
      skip_reason() = "npm could not install ccxt@" ASTRA_CCXT_VERSION " (see " + log + ")";
  }

  static void TearDownTestSuite() {
    if (skip_reason().empty() && !dir().empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir(), ec);
    }
  }

  void SetUp() override {
    if (!skip_reason().empty()) GTEST_SKIP() << skip_reason();
  }

  static std::string& dir() {
    static std::string d;
    return d;
  }
  static std::string& skip_reason() {
    static std::string r;
    return r;
  }
};

// What a venue test gives the driver.
struct Venue {
  std::string name;  // ccxt's id
  uint16_t port = 0;
  std::string symbol;  // unified
  // The markets fetchMarkets must list: {id, symbol, base, quote}.
  std::vector<std::vector<std::string>> markets;
  std::function<void()> pause, resume;
  std::function<void(int)> step;
  std::function<std::pair<TextLevels, TextLevels>(size_t depth)> book;  // bids, asks
  // Checks the trades ccxt saw ([{id, price, amount, side}], in arrival order) against the
  // simulator's.
  std::function<void(const json& trades)> check_trades;
};

double number(const std::string& text) {
  return std::stod(text);
}

// ccxt's [[price, amount, ...], ...] against the simulator's text levels, as numbers.
void expect_levels(const json& got, const TextLevels& want, const std::string& what) {
  ASSERT_TRUE(got.is_array()) << what;
  ASSERT_EQ(got.size(), want.size()) << what << ": " << got.dump();
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i][0].get<double>(), number(want[i].first)) << what << " level " << i;
    EXPECT_EQ(got[i][1].get<double>(), number(want[i].second)) << what << " level " << i;
  }
}

// The next JSON line of the script, which must be `key: value`; a failure if it reports an error
// or nothing comes in time.
json expect_line(astra::test::ChildProcess& script, const std::string& key,
                 const std::string& value) {
  const auto line = script.read_line(90s);
  if (!line) {
    ADD_FAILURE() << "no '" << value << "' from the ccxt script (timed out or exited)";
    return json();
  }
  json j = json::parse(*line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    ADD_FAILURE() << "not JSON from the ccxt script: " << *line;
    return json();
  }
  if (j.contains("error")) {
    ADD_FAILURE() << "ccxt failed: " << j["error"].get<std::string>();
    return json();
  }
  if (j.value(key, "") != value) {
    ADD_FAILURE() << "expected " << key << "=" << value << ", got " << *line;
    return json();
  }
  return j;
}

void prove(const std::string& ccxt_dir, const Venue& v) {
  const std::string base = "127.0.0.1:" + std::to_string(v.port);
  astra::test::ChildProcess script({"timeout", "150", "node", ASTRA_CCXT_SCRIPT, ccxt_dir, v.name,
                                    "http://" + base, "ws://" + base, v.symbol});
  ASSERT_TRUE(script.started());

  // fetchMarkets: every simulated market, under ccxt's unified names.
  const json markets = expect_line(script, "check", "fetchMarkets");
  ASSERT_FALSE(markets.is_null());
  for (const auto& want : v.markets) {
    bool found = false;
    for (const json& m : markets["markets"]) {
      if (m.value("id", "") != want[0]) continue;
      found = true;
      EXPECT_EQ(m.value("symbol", ""), want[1]);
      EXPECT_EQ(m.value("base", ""), want[2]);
      EXPECT_EQ(m.value("quote", ""), want[3]);
    }
    EXPECT_TRUE(found) << want[0] << " missing from " << markets.dump();
  }

  // fetchOrderBook while the simulator is paused: the book it holds, level for level.
  const json rest = expect_line(script, "check", "fetchOrderBook");
  ASSERT_FALSE(rest.is_null());
  ASSERT_GE(rest["bids"].size(), 10u);
  ASSERT_GE(rest["asks"].size(), 10u);
  expect_levels(rest["bids"], v.book(rest["bids"].size()).first, "fetchOrderBook bids");
  expect_levels(rest["asks"], v.book(rest["asks"].size()).second, "fetchOrderBook asks");

  // Streams: the simulator runs until ccxt saw the book change and trades; then it is paused,
  // stepped (so the last messages are fresh updates, not the subscription's first ones) and ccxt's
  // book must settle on the simulator's.
  ASSERT_FALSE(expect_line(script, "event", "ready").is_null());
  v.resume();
  ASSERT_TRUE(script.write_line("resume"));
  const json streaming = expect_line(script, "event", "streaming");
  v.pause();
  ASSERT_FALSE(streaming.is_null());
  v.step(3);
  ASSERT_TRUE(script.write_line("paused"));

  const json book = expect_line(script, "check", "watchOrderBook");
  ASSERT_FALSE(book.is_null());
  const auto [bids, asks] = v.book(10);
  ASSERT_EQ(bids.size(), 10u);
  ASSERT_EQ(asks.size(), 10u);
  expect_levels(book["bids"], bids, "watchOrderBook bids");
  expect_levels(book["asks"], asks, "watchOrderBook asks");
  EXPECT_GE(book.value("changes", 0), 5);

  const json trades = expect_line(script, "check", "watchTrades");
  ASSERT_FALSE(trades.is_null());
  ASSERT_GE(trades["trades"].size(), 3u);
  v.check_trades(trades["trades"]);
  EXPECT_FALSE(expect_line(script, "event", "done").is_null());
}

// Each trade ccxt saw (once) is a trade the simulator made: found by its id, with the same price,
// amount and taker side. ccxt does not keep the order of trades within one timestamp.
template <typename Trade>
void expect_trades_made(const json& got, const std::vector<Trade>& made,
                        const std::function<std::string(const Trade&)>& id,
                        const std::function<bool(const json&, const Trade&)>& same) {
  std::map<std::string, const Trade*> by_id;
  for (const Trade& t : made)
    by_id[id(t)] = &t;
  std::set<std::string> seen;
  for (const json& t : got) {
    const std::string tid = t.value("id", "");
    EXPECT_TRUE(seen.insert(tid).second) << "ccxt saw trade " << tid << " twice";
    const auto it = by_id.find(tid);
    if (it == by_id.end()) {
      ADD_FAILURE() << "ccxt saw a trade the simulator did not make: " << t.dump();
      continue;
    }
    EXPECT_TRUE(same(t, *it->second)) << "ccxt's trade differs from the simulator's: " << t.dump();
  }
}

TEST_F(CcxtProof, Binance) {
  namespace bn = astra::sim::binance;
  bn::Options o;
  o.seed = 11;
  o.rate = 50ms;
  o.start_paused = true;
  std::string error;
  auto sim = bn::BinanceSim::start(o, error);
  ASSERT_TRUE(sim) << error;
  sim->step(3);  // a few trades and book changes before ccxt looks

  Venue v;
  v.name = "binance";
  v.port = sim->port();
  v.symbol = "BTC/USDT";
  v.markets = {{"BTCUSDT", "BTC/USDT", "BTC", "USDT"}, {"ETHUSDT", "ETH/USDT", "ETH", "USDT"}};
  v.pause = [&] { sim->pause(); };
  v.resume = [&] { sim->resume(); };
  v.step = [&](int n) { sim->step(n); };
  v.book = [&](size_t depth) {
    const auto b = sim->book("BTCUSDT", depth);
    return std::make_pair(b->bids, b->asks);
  };
  v.check_trades = [&](const json& got) {
    expect_trades_made<bn::TradeView>(
        got, sim->trades("BTCUSDT"), [](const bn::TradeView& s) { return std::to_string(s.id); },
        [](const json& t, const bn::TradeView& s) {
          return t.value("price", 0.0) == number(s.price) &&
                 t.value("amount", 0.0) == number(s.qty) &&
                 t.value("side", "") == (s.buyer_is_maker ? "sell" : "buy");
        });
  };
  prove(dir(), v);
}

TEST_F(CcxtProof, Okx) {
  namespace ox = astra::sim::okx;
  ox::Options o;
  o.seed = 12;
  o.rate = 50ms;
  o.start_paused = true;
  o.mode = ox::BookMode::legacy;  // a WebSocket snapshot and checksums, which ccxt verifies
  std::string error;
  auto sim = ox::OkxSim::start(o, error);
  ASSERT_TRUE(sim) << error;
  sim->step(3);

  Venue v;
  v.name = "okx";
  v.port = sim->port();
  v.symbol = "BTC/USDT";
  v.markets = {{"BTC-USDT", "BTC/USDT", "BTC", "USDT"},
               {"ETH-USDT", "ETH/USDT", "ETH", "USDT"},
               {"BTC-USDT-SWAP", "BTC/USDT:USDT", "BTC", "USDT"}};
  v.pause = [&] { sim->pause(); };
  v.resume = [&] { sim->resume(); };
  v.step = [&](int n) { sim->step(n); };
  v.book = [&](size_t depth) {
    const auto b = sim->book("BTC-USDT", depth);
    return std::make_pair(b->bids, b->asks);
  };
  v.check_trades = [&](const json& got) {
    expect_trades_made<ox::TradeView>(
        got, sim->trades("BTC-USDT"), [](const ox::TradeView& s) { return s.trade_id; },
        [](const json& t, const ox::TradeView& s) {
          return t.value("price", 0.0) == number(s.px) && t.value("amount", 0.0) == number(s.sz) &&
                 t.value("side", "") == s.side;
        });
  };
  prove(dir(), v);
}

TEST_F(CcxtProof, Kraken) {
  namespace kr = astra::sim::kraken;
  kr::Options o;
  o.seed = 13;
  o.rate = 50ms;
  o.start_paused = true;
  o.symbols = {"XBT/USD", "ETH/USD"};
  std::string error;
  auto sim = kr::KrakenSim::start(o, error);
  ASSERT_TRUE(sim) << error;
  sim->step(3);

  Venue v;
  v.name = "kraken";
  v.port = sim->port();
  v.symbol = "BTC/USD";
  v.markets = {{"XXBTZUSD", "BTC/USD", "BTC", "USD"}, {"XETHZUSD", "ETH/USD", "ETH", "USD"}};
  v.pause = [&] { sim->pause(); };
  v.resume = [&] { sim->resume(); };
  v.step = [&](int n) { sim->step(n); };
  v.book = [&](size_t depth) {
    const auto b = sim->book("XBT/USD", depth);
    return std::make_pair(b->bids, b->asks);
  };
  v.check_trades = [&](const json& got) {
    expect_trades_made<kr::TradeView>(
        got, sim->trades("XBT/USD"), [](const kr::TradeView& s) { return std::to_string(s.id); },
        [](const json& t, const kr::TradeView& s) {
          return t.value("price", 0.0) == number(s.price) &&
                 t.value("amount", 0.0) == number(s.qty) &&
                 t.value("side", "") == (s.taker_buys ? "buy" : "sell");
        });
  };
  prove(dir(), v);
}

}  // namespace
