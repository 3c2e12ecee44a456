// End to end over TLS, for every venue simulator: the simulator serves https/wss with a
// certificate from a CA made at test time, the real `astra serve` trusts that CA through the
// venue's `ca_file` setting (verification stays on), lists the simulator's markets and streams a
// book equal to the simulator's. Without the CA the gateway refuses the certificate.
#include <gtest/gtest.h>
#include <unistd.h>
#include <astra/sim/registry.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "common/test_ca.hpp"
#include "e2e/api_client.hpp"
#include "e2e/client_book.hpp"
#include "e2e/gateway_process.hpp"

namespace {

using astra::test::apply_message;
using astra::test::ClientBook;
using astra::test::GatewayProcess;
using astra::test::http_get;
using astra::test::side_of;
using astra::test::WsClient;
using nlohmann::json;
using namespace std::chrono_literals;

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// Levels of the first (spot) symbol the gateway's book holds: Kraken spot subscribes the top 10,
// every other venue streams the whole book.
size_t compared_depth(const std::string& venue) {
  return venue == "kraken" ? 10 : 0;
}

// The gateway config (JSON is YAML) with one venue: `settings` from the registry, plus `ca_file`
// when not empty.
std::string gateway_config(const std::filesystem::path& dir, const std::string& venue,
                           const std::string& settings, const std::string& ca_file) {
  json section = json::parse(settings);
  section["enabled"] = true;
  if (!ca_file.empty()) section["ca_file"] = ca_file;
  const json config = {
      {"server", {{"listen", "127.0.0.1"}, {"port", 0}, {"metrics_port", 0}}},
      {"state", (dir / "astra.db").string()},
      {"plugin_dir", ASTRA_PLUGIN_DIR},
      {"log_level", "info"},
      {"venues", {{venue, section}}},
  };
  return config.dump(2);
}

class TlsSetup {
 protected:
  // A TLS simulator for `venue` and a directory holding the CA file.
  void start_sim(const std::string& venue) {
    ca_ = astra::test::make_test_ca();
    dir_ = std::filesystem::temp_directory_path() /
           ("astra-e2e-tls-" + std::to_string(::getpid()) + "-" + venue);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ca_file_ = (dir_ / "test-ca.pem").string();
    std::ofstream(ca_file_) << ca_.ca_pem;
    astra::sim::SimSettings settings;
    settings.seed = 7;
    settings.rate = 20ms;
    settings.tls = std::make_shared<astra::sim::TlsIdentity>(
        astra::sim::TlsIdentity{ca_.leaf_chain_pem, ca_.leaf_key_pem});
    std::string error;
    sim_ = astra::sim::start_simulator(venue, settings, error);
    ASSERT_TRUE(sim_) << error;
    ASSERT_TRUE(sim_->tls());
  }

  void stop_all() {
    if (sim_) sim_->resume();
    if (gateway_) {
      EXPECT_EQ(gateway_->stop(), 0) << gateway_->output();
    }
    gateway_.reset();
    if (sim_) sim_->stop();
    std::filesystem::remove_all(dir_);
  }

  astra::test::TestCa ca_;
  std::filesystem::path dir_;
  std::string ca_file_;
  std::unique_ptr<astra::sim::RunningSim> sim_;
  std::unique_ptr<GatewayProcess> gateway_;
};

class TlsEndToEnd : public ::testing::TestWithParam<std::string>, protected TlsSetup {
 protected:
  void TearDown() override { stop_all(); }
};

TEST_P(TlsEndToEnd, GatewayTrustsTheTestCaThroughCaFileListsMarketsAndStreamsTheBook) {
  const std::string venue = GetParam();
  start_sim(venue);
  if (HasFatalFailure()) return;
  const std::string settings = astra::sim::gateway_settings(venue, "{}", *sim_);
  ASSERT_FALSE(settings.empty());
  EXPECT_NE(settings.find("https://127.0.0.1:"), std::string::npos) << settings;
  gateway_ =
      std::make_unique<GatewayProcess>(dir_, gateway_config(dir_, venue, settings, ca_file_));
  ASSERT_GT(gateway_->port(), 0) << gateway_->output();
  const std::string key = gateway_->api_key();
  bool ready = false;
  for (int i = 0; i < 200 && !ready; ++i) {
    ready = http_get(gateway_->port(), "/ready", key).status == 200;
    if (!ready) std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(ready) << gateway_->output();

  // /markets lists every symbol the simulator serves.
  const auto markets = http_get(gateway_->port(), "/markets?exchange=" + upper(venue), key);
  ASSERT_EQ(markets.status, 200) << markets.body;
  const json listed = json::parse(markets.body, nullptr, false);
  ASSERT_TRUE(listed.is_array()) << markets.body.substr(0, 300);
  std::map<std::string, std::string> market_of;  // simulator symbol -> gateway market
  std::string seen;
  for (const auto& m : listed) {
    const std::string symbol = m.value("symbol", ""), venue_symbol = m.value("venueSymbol", "");
    market_of[venue_symbol] = symbol;
    seen += " " + symbol + "=" + venue_symbol;
  }
  for (const auto& symbol : sim_->symbols()) {
    // Kraken lists spot pairs by their AssetPairs key (XXBTZUSD); the simulator names them by
    // wsname (XBT/USD), the market's base/quote.
    if (const auto slash = symbol.find('/'); slash != std::string::npos && !market_of.count(symbol))
      for (const auto& m : listed)
        if (m.value("symbol", "") ==
            upper(venue) + "-SPOT-" + symbol.substr(0, slash) + "-" + symbol.substr(slash + 1))
          market_of[symbol] = m.value("symbol", "");
    EXPECT_TRUE(market_of.count(symbol)) << symbol << " not listed:" << seen;
  }

  // A /ws ORDERBOOK stream of the first symbol: its snapshot arrives over the venue's wss
  // stream; with the simulator paused the client's book becomes exactly the simulator's.
  const std::string symbol = sim_->symbols().front();
  ASSERT_TRUE(market_of.count(symbol));
  {
    WsClient ws(gateway_->port(), "/ws?market=" + market_of[symbol] + "&dataType=ORDERBOOK", key);
    ClientBook book;
    astra::test::await_snapshot(ws, book);
    if (HasFatalFailure()) return;
    sim_->pause();
    const auto target = sim_->book(symbol, compared_depth(venue));
    ASSERT_TRUE(target.has_value());
    ASSERT_FALSE(target->bids.empty() || target->asks.empty()) << "the simulator has no book";
    const auto bids = side_of(target->bids), asks = side_of(target->asks);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!(book.bids == bids && book.asks == asks) &&
           std::chrono::steady_clock::now() < deadline) {
      auto msg = ws.read(100ms);
      if (!msg) {
        ASSERT_FALSE(ws.closed()) << ws.error().message() << "\n" << gateway_->output();
        continue;
      }
      apply_message(*msg, book);
      if (HasFatalFailure()) return;
    }
    EXPECT_EQ(book.bids, bids) << "bids differ";
    EXPECT_EQ(book.asks, asks) << "asks differ";
    EXPECT_EQ(book.resets, 0) << gateway_->output();
  }
  EXPECT_EQ(gateway_->output().find("certificate verify failed"), std::string::npos)
      << gateway_->output();
}

INSTANTIATE_TEST_SUITE_P(EveryVenue, TlsEndToEnd,
                         ::testing::ValuesIn(astra::sim::simulated_venues()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

class TlsWithoutTheCa : public ::testing::Test, protected TlsSetup {
 protected:
  void TearDown() override { stop_all(); }
};

TEST_F(TlsWithoutTheCa, GatewayRefusesTheVenueCertificate) {
  start_sim("binance");
  if (HasFatalFailure()) return;
  const std::string settings = astra::sim::gateway_settings("binance", "{}", *sim_);
  gateway_ = std::make_unique<GatewayProcess>(dir_, gateway_config(dir_, "binance", settings, ""));
  ASSERT_GT(gateway_->port(), 0) << gateway_->output();
  const std::string key = gateway_->api_key();
  // The market list fails on the certificate (logged), so the venue never becomes ready.
  const auto logged = [&] {
    return gateway_->output().find("certificate verify failed") != std::string::npos &&
           gateway_->output().find("BINANCE: market list failed") != std::string::npos;
  };
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!logged() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(50ms);
  EXPECT_NE(gateway_->output().find("certificate verify failed"), std::string::npos)
      << gateway_->output();
  EXPECT_NE(gateway_->output().find("BINANCE: market list failed"), std::string::npos)
      << gateway_->output();
  EXPECT_EQ(http_get(gateway_->port(), "/ready", key).status, 503);
  const auto markets = http_get(gateway_->port(), "/markets?exchange=BINANCE", key);
  EXPECT_EQ(markets.body.find("BTCUSDT"), std::string::npos) << markets.body;
}

}  // namespace
