// Reliability through the real `astra serve` child against each venue's simulator with faults
// injected (sim::FaultInjector): a stalled connection is replaced within twice the venue's
// heartbeat; heartbeat-only (a quiet market) is left alone. Each test prints its figures. The
// venue-wide disconnect and the reconnect backoff: reconnect_test.cpp; frame loss: loss_test.cpp.
#include <gtest/gtest.h>
#include <unistd.h>
#include <astra/sdk/gzip.hpp>
#include <astra/sim/fault_injector.hpp>
#include <astra/sim/registry.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "e2e/api_client.hpp"
#include "e2e/client_book.hpp"
#include "e2e/gateway_process.hpp"
#include "e2e/sim_rig.hpp"
#include "e2e/venue_gateway.hpp"

namespace {

using astra::test::apply_message;
using astra::test::book_path;
using astra::test::ClientBook;
using astra::test::free_port;
using astra::test::GatewayProcess;
using astra::test::http_get;
using astra::test::lower;
using astra::test::WsClient;
using astra::test::yaml_for;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// What each venue promises and how its heartbeat is shortened for the tests (plugin setting, or
// the simulator's announced keep-alive; the other simulators' heartbeats are already that short or
// are not what the plugin relies on).
struct VenueFacts {
  double heartbeat_s = 0;  // what the stall bar is measured against
  json settings;           // laid over the simulator's gateway settings
  std::chrono::milliseconds sim_ping_interval{0}, sim_ping_timeout{0};  // 0: the venue's own
};

VenueFacts facts(const std::string& venue) {
  if (venue == "binance") return {2.0, {{"heartbeat_ms", 2000}}};  // venue: 20 s pings
  if (venue == "okx") return {3.0, {{"heartbeat_ms", 3000}}};      // venue: 30 s idle limit
  if (venue == "huobi") return {5.0, json::object()};              // venue: pings every 5 s
  if (venue == "kraken") return {1.0, json::object()};             // venue: heartbeat 1/s
  if (venue == "coinbase") return {1.0, json::object()};           // venue: heartbeats 1/s
  // KuCoin: the client pings every pingInterval and gives up pingTimeout after an unanswered ping
  // (bullet-public announces 18 s and 10 s); scaled down with the same order: timeout < interval.
  return {3.0, json::object(), 3000ms, 1000ms};
}

// Frames a venue sends as its heartbeat (what heartbeat-only lets through besides ping frames).
bool is_heartbeat(const std::string& venue, std::string_view frame) {
  if (venue == "huobi") {
    std::string text;
    if (astra::sdk::gunzip(frame, text) != astra::sdk::InflateError::none) return false;
    return text.rfind("{\"ping\"", 0) == 0;
  }
  if (venue == "kraken") return frame.find("\"channel\":\"heartbeat\"") != std::string_view::npos;
  if (venue == "coinbase")
    return frame.find("\"channel\":\"heartbeats\"") != std::string_view::npos;
  if (venue == "okx") return frame == "pong";
  if (venue == "kucoin") return frame.find("\"type\":\"pong\"") != std::string_view::npos;
  if (venue == "binance") return frame.rfind("{\"result\":", 0) == 0;  // answers to requests
  return false;
}

class Resilience : public ::testing::TestWithParam<std::string> {
 protected:
  std::string venue() const { return GetParam(); }

  // Starts the simulator (with the injector) and the gateway pointed at it.
  void start(std::vector<std::string> symbols = {}, json extra = json::object()) {
    faults_ = std::make_shared<astra::sim::FaultInjector>(7);
    astra::sim::SimSettings s;
    s.seed = 11;
    s.faults = faults_;
    s.symbols = std::move(symbols);
    s.ping_interval = facts(venue()).sim_ping_interval;
    s.ping_timeout = facts(venue()).sim_ping_timeout;
    std::string error;
    sim_ = astra::sim::start_simulator(venue(), s, error);
    ASSERT_TRUE(sim_) << error;
    json settings = json::parse(astra::sim::gateway_settings(venue(), "{}", *sim_));
    settings.update(facts(venue()).settings);
    settings.update(extra);
    dir_ = std::filesystem::temp_directory_path() /
           ("astra-resilience-" + std::to_string(::getpid()) + "-" + venue());
    std::filesystem::remove_all(dir_);
    gateway_ = std::make_unique<GatewayProcess>(
        dir_, yaml_for(venue(), settings.dump(), (dir_ / "astra.db").string()));
    ASSERT_FALSE(gateway_->api_key().empty()) << gateway_->output();
    for (int i = 0; i < 200; ++i) {
      if (http_get(gateway_->port(), "/ready", key()).status == 200) return;
      std::this_thread::sleep_for(50ms);
    }
    FAIL() << "gateway never became ready:\n" << gateway_->output();
  }

  void TearDown() override {
    if (gateway_) gateway_->stop();
    gateway_.reset();
    if (sim_) sim_->stop();
    std::filesystem::remove_all(dir_);
  }

  const std::string& key() const { return gateway_->api_key(); }

  // The gateway's symbol for a venue symbol the simulator serves.
  std::string market_of(const std::string& venue_symbol) {
    return astra::test::market_of(gateway_->port(), key(), venue(), venue_symbol);
  }

  // The open session whose client asked for `venue_symbol` last.
  uint64_t session_carrying(const std::string& venue_symbol) const {
    std::string needle = lower(venue_symbol);
    // Kraken WS v2 names pairs with BTC where the v1/REST names (and the simulator) say XBT.
    if (venue() == "kraken" && needle.rfind("xbt/", 0) == 0) needle.replace(0, 3, "btc");
    uint64_t best = 0;
    for (const auto& s : faults_->sessions()) {
      if (!s.open) continue;
      for (const auto& [at, text] : s.received)
        if (lower(text).find(needle) != std::string::npos) best = std::max(best, s.id);
    }
    return best;
  }

  std::shared_ptr<astra::sim::FaultInjector> faults_;
  std::unique_ptr<astra::sim::RunningSim> sim_;
  std::unique_ptr<GatewayProcess> gateway_;
  std::filesystem::path dir_;
};

TEST_P(Resilience, StalledConnectionIsReplacedWithinTwoHeartbeats) {
  const VenueFacts f = facts(venue());
  ASSERT_NO_FATAL_FAILURE(start());
  const std::string vs = sim_->symbols()[0];
  const std::string market = market_of(vs);
  ASSERT_FALSE(market.empty()) << "no market for " << vs << ": "
                               << http_get(gateway_->port(), "/markets", key()).body.substr(0, 600);
  WsClient ws(gateway_->port(), book_path(market), key());
  ClientBook book;
  ASSERT_NO_FATAL_FAILURE(astra::test::await_snapshot(ws, book, 15s));
  const uint64_t victim = session_carrying(vs);
  ASSERT_NE(victim, 0u) << "no session carries " << vs;
  const int resets = book.resets, snapshots = book.snapshots;

  const auto t0 = Clock::now();
  faults_->stall(victim);
  const auto limit = std::chrono::duration<double>(2 * f.heartbeat_s);
  const auto deadline = t0 + limit + 5s;  // hard bound: the bar plus slack to report a figure
  Clock::time_point resynced{};
  while (Clock::now() < deadline) {
    auto msg = ws.read(50ms);
    if (!msg) continue;
    apply_message(*msg, book);
    ASSERT_FALSE(HasFatalFailure());
    if (book.resets > resets && book.snapshots > snapshots && book.have_snapshot) {
      resynced = Clock::now();
      break;
    }
  }
  ASSERT_NE(resynced, Clock::time_point{})
      << "no RESET then SNAPSHOT within " << 2 * f.heartbeat_s + 5 << " s of the stall\n"
      << gateway_->output();
  bool new_session = false;
  for (const auto& s : faults_->sessions())
    new_session = new_session || (s.id > victim && s.opened >= t0 && s.opened <= resynced);
  EXPECT_TRUE(new_session) << "the book re-synced without a new session";
  const double took = std::chrono::duration<double>(resynced - t0).count();
  std::printf("%s: stalled connection replaced in %.2f s (heartbeat %.1f s, limit %.1f s)\n",
              venue().c_str(), took, f.heartbeat_s, 2 * f.heartbeat_s);
  EXPECT_LE(took, 2 * f.heartbeat_s);
  if (std::getenv("RESILIENCE_LOG")) std::printf("%s\n", gateway_->output().c_str());

  // And the re-synced book is the simulator's.
  faults_->clear();
  sim_->pause();
  EXPECT_TRUE(astra::test::catch_up(ws, book, *sim_, vs, 10, Clock::now() + 10s))
      << "the re-synced book differs from the simulator's";
  sim_->resume();
}

TEST_P(Resilience, HeartbeatOnlyIsAQuietMarketNotAStall) {
  const VenueFacts f = facts(venue());
  ASSERT_NO_FATAL_FAILURE(start());
  const std::string v = venue();
  faults_->set_heartbeat_filter([v](std::string_view frame) { return is_heartbeat(v, frame); });
  const std::string vs = sim_->symbols()[0];
  const std::string market = market_of(vs);
  ASSERT_FALSE(market.empty());
  WsClient ws(gateway_->port(), book_path(market), key());
  ClientBook book;
  ASSERT_NO_FATAL_FAILURE(astra::test::await_snapshot(ws, book, 15s));
  const uint64_t quiet = session_carrying(vs);
  ASSERT_NE(quiet, 0u);
  const int resets = book.resets;
  faults_->heartbeat_only(quiet);
  // Three heartbeats of a quiet market (plus the keep-alive's own period for OKX's pings).
  const auto until = Clock::now() + std::chrono::duration<double>(3 * f.heartbeat_s);
  while (Clock::now() < until) {
    if (auto msg = ws.read(50ms)) apply_message(*msg, book);
    ASSERT_FALSE(HasFatalFailure());
  }
  size_t open_sessions = 0;
  bool still_open = false;
  for (const auto& s : faults_->sessions()) {
    open_sessions += s.open;
    still_open = still_open || (s.id == quiet && s.open);
  }
  std::printf("%s: heartbeat-only for %.1f s (3 heartbeats): connection kept: %s, resets: %d\n",
              venue().c_str(), 3 * f.heartbeat_s, still_open ? "yes" : "no", book.resets - resets);
  EXPECT_TRUE(still_open) << "a quiet market with heartbeats was treated as a stall";
  if (venue() == "coinbase") {
    // Coinbase numbers every message of a connection (sequence_num, heartbeats included): the
    // withheld level2 messages show as a gap, so the book is reset and resubscribed (noticed).
    EXPECT_GE(book.resets, resets + 1) << "withheld level2 messages went unnoticed";
  } else {
    EXPECT_EQ(book.resets, resets);
  }
}

INSTANTIATE_TEST_SUITE_P(Venues, Resilience, ::testing::ValuesIn(astra::sim::simulated_venues()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
