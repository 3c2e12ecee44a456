#include "sandbox/sandbox.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace astra::host {

using nlohmann::json;

std::string sandbox_settings(const std::string& venue_id, const std::string& settings_json,
                             uint16_t port, uint16_t second_port) {
  json settings = json::parse(settings_json.empty() ? "{}" : settings_json, nullptr, false);
  if (!settings.is_object()) settings = json::object();
  const std::string host = "127.0.0.1:" + std::to_string(port);
  const std::string http = "http://" + host, ws = "ws://" + host;
  json overlay;
  if (venue_id == "binance") {
    // The simulator serves Binance spot; the derivative families have no simulator yet.
    overlay = {{"families", {"spot"}}, {"spot", {{"rest", http}, {"ws", ws}}}};
  } else if (venue_id == "okx") {
    overlay = {{"rest", http}, {"ws", ws}};
  } else if (venue_id == "coinbase") {
    overlay = {{"feed", "advanced"}, {"rest", http}, {"ws", ws}};
  } else if (venue_id == "huobi") {
    overlay = {{"families", {"spot", "coin_swap", "linear_swap"}},
               {"spot", {{"rest", http}, {"ws", ws + "/ws"}, {"feed", ws + "/feed"}}},
               {"coin_swap", {{"rest", http}, {"ws", ws + "/swap-ws"}}},
               {"linear_swap", {{"rest", http}, {"ws", ws + "/linear-swap-ws"}}}};
  } else if (venue_id == "kraken") {
    overlay = {{"families", {"spot", "futures"}},
               {"spot", {{"rest", http}, {"ws", ws + "/v2"}}},
               {"futures", {{"rest", http}, {"ws", ws + "/ws/v1"}}}};
  } else if (venue_id == "kucoin") {
    // The full order book needs an API key; the simulator, like KuCoin, serves the top 100.
    const std::string futures = "http://127.0.0.1:" + std::to_string(second_port);
    overlay = {{"families", {"spot", "futures"}},
               {"snapshot_depth", 100},
               {"spot", {{"rest", http}}},
               {"futures", {{"rest", futures}}}};
  } else {
    return {};
  }
  settings.merge_patch(overlay);
  return settings.dump();
}

core::Result<std::unique_ptr<Sandbox>> Sandbox::start(core::Config& config, Logger& log) {
  auto sandbox = std::unique_ptr<Sandbox>(new Sandbox());
  const auto simulated = sim::simulated_venues();
  for (auto& venue : config.venues) {
    if (!venue.enabled) continue;
    if (std::find(simulated.begin(), simulated.end(), venue.id) == simulated.end()) {
      venue.enabled = false;
      log.warn("sandbox: no simulator for venue " + venue.id + "; it stays off");
      continue;
    }
    sim::SimSettings s;
    s.seed = config.sandbox.seed;
    s.rate = std::chrono::milliseconds(config.sandbox.rate_ms);
    std::string error;
    auto running = sim::start_simulator(venue.id, s, error);
    if (!running)
      return core::make_error(ASTRA_E_UNAVAILABLE, "sandbox_failed",
                              "sandbox: cannot start the " + venue.id + " simulator: " + error);
    const std::string settings =
        sandbox_settings(venue.id, venue.settings_json, running->port(), running->second_port());
    if (settings.empty()) {
      venue.enabled = false;
      log.warn("sandbox: venue " + venue.id + " has no sandbox settings; it stays off");
      continue;
    }
    venue.settings_json = settings;
    log.info("sandbox: " + venue.id + " -> simulator " + running->describe());
    sandbox->sims_.push_back(std::move(running));
  }
  return sandbox;
}

Sandbox::~Sandbox() {
  stop();
}

void Sandbox::stop() {
  for (auto& s : sims_)
    s->stop();
}

}  // namespace astra::host
