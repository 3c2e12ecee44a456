// One venue simulator with a FaultInjector, and several real `astra serve` gateways pointed at
// it (config and lookups from venue_gateway.hpp), for the reconnect e2e tests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>
#include <astra/sim/fault_injector.hpp>
#include <astra/sim/registry.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "e2e/api_client.hpp"
#include "e2e/client_book.hpp"
#include "e2e/gateway_process.hpp"
#include "e2e/venue_gateway.hpp"

namespace astra::test {

inline std::string book_path(const std::string& market) {
  return "/ws?market=" + market + "&dataType=ORDERBOOK";
}

// Reads until the client's book equals the paused simulator's top `depth` levels (bounded); true
// when equal.
inline bool catch_up(WsClient& ws, ClientBook& book, astra::sim::RunningSim& sim,
                     const std::string& venue_symbol, size_t depth,
                     std::chrono::steady_clock::time_point deadline) {
  const auto want = sim.book(venue_symbol, depth);
  if (!want) return false;
  const Side wb = side_of(want->bids), wa = side_of(want->asks);
  auto prefix_equal = [](const Side& mine, const Side& theirs) {
    // The client's book may hold more levels than `depth`: compare the venue's top levels.
    for (const auto& [p, q] : theirs) {
      auto it = mine.find(p);
      if (it == mine.end() || it->second != q) return false;
    }
    return true;
  };
  while (std::chrono::steady_clock::now() < deadline) {
    if (book.have_snapshot && !wb.empty() && prefix_equal(book.bids, wb) &&
        prefix_equal(book.asks, wa))
      return true;
    auto msg = ws.read(std::chrono::milliseconds(100));
    if (msg) apply_message(*msg, book);
    if (::testing::Test::HasFailure()) return false;
  }
  return false;
}

class SimRig {
 public:
  // Starts the venue's simulator with a fresh injector (seeded) serving `symbols` (empty: the
  // simulator's defaults). Fails the test when it cannot start.
  void start_sim(const std::string& venue, std::vector<std::string> symbols = {}) {
    venue_ = venue;
    faults = std::make_shared<astra::sim::FaultInjector>(7);
    astra::sim::SimSettings s;
    s.seed = 11;
    s.faults = faults;
    s.symbols = std::move(symbols);
    std::string error;
    sim = astra::sim::start_simulator(venue, s, error);
    ASSERT_TRUE(sim) << error;
  }

  // Starts one more gateway for the simulator's venue with `extra` laid over the simulator's
  // settings, and waits (bounded) until it is ready. Fails the test when it is not.
  GatewayProcess& start_gateway(const nlohmann::json& extra, const std::string& tag) {
    nlohmann::json settings =
        nlohmann::json::parse(astra::sim::gateway_settings(venue_, "{}", *sim));
    settings.update(extra);
    const auto dir = std::filesystem::temp_directory_path() /
                     ("astra-" + tag + "-" + std::to_string(::getpid()) + "-" + venue_ + "-" +
                      std::to_string(gateways.size()));
    std::filesystem::remove_all(dir);
    dirs_.push_back(dir);
    gateways.push_back(std::make_unique<GatewayProcess>(
        dir, yaml_for(venue_, settings.dump(), (dir / "astra.db").string())));
    GatewayProcess& g = *gateways.back();
    EXPECT_FALSE(g.api_key().empty()) << g.output();
    if (g.api_key().empty()) return g;
    for (int i = 0; i < 200; ++i) {
      try {
        if (http_get(g.port(), "/ready", g.api_key()).status == 200) return g;
      } catch (const std::exception& e) {
        ADD_FAILURE() << "gateway unreachable (" << e.what() << "):\n" << g.output();
        return g;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "gateway never became ready:\n" << g.output();
    return g;
  }

  // The gateway's symbol for a venue symbol the simulator serves; empty when it lists none.
  std::string market_of(GatewayProcess& g, const std::string& venue_symbol) const {
    return astra::test::market_of(g.port(), g.api_key(), venue_, venue_symbol);
  }

  // Gateways first (they hold connections to the simulator), then the simulator.
  void stop() {
    for (auto& g : gateways)
      g->stop();
    gateways.clear();
    if (sim) sim->stop();
    for (const auto& d : dirs_)
      std::filesystem::remove_all(d);
    dirs_.clear();
  }

  ~SimRig() { stop(); }

  std::shared_ptr<astra::sim::FaultInjector> faults;
  std::unique_ptr<astra::sim::RunningSim> sim;
  std::vector<std::unique_ptr<GatewayProcess>> gateways;

 private:
  std::string venue_;
  std::vector<std::filesystem::path> dirs_;
};

}  // namespace astra::test
