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
