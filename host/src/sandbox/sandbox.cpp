#include "sandbox/sandbox.hpp"

#include <algorithm>

namespace astra::host {

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
    const std::string settings = sim::gateway_settings(venue.id, venue.settings_json, *running);
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
