// The offline sandbox: the venue simulators started in process on loopback, and the enabled
// venues' settings rewritten to point at them, so the whole API works without internet.
#pragma once

#include <astra/core/config.hpp>
#include <astra/core/result.hpp>
#include <astra/sim/registry.hpp>

#include <memory>
#include <string>
#include <vector>

#include "runtime/logger.hpp"

namespace astra::host {

// The settings that point venue `venue_id` at a simulator on 127.0.0.1:port (and second_port,
// for a venue with two hosts), laid over the venue's own settings (JSON object text). Empty when
// the venue has no sandbox mapping.
std::string sandbox_settings(const std::string& venue_id, const std::string& settings_json,
                             uint16_t port, uint16_t second_port = 0);

class Sandbox {
 public:
  // Starts one simulator per enabled venue and rewrites config.venues to use them. An enabled
  // venue without a simulator is disabled with a warning (the sandbox never talks to a venue).
  static core::Result<std::unique_ptr<Sandbox>> start(core::Config& config, Logger& log);
  ~Sandbox();
  void stop();

 private:
  std::vector<std::unique_ptr<sim::RunningSim>> sims_;
};

}  // namespace astra::host
