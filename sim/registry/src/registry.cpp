#include "astra/sim/registry.hpp"

#include <astra/sim/binance/binance_sim.hpp>

#include <algorithm>
#include <functional>
#include <map>

namespace astra::sim {
namespace {

// Adapts a venue simulator class with the common shape (start/port/stats/stop) to RunningSim.
template <class Sim, class Options>
class Running final : public RunningSim {
 public:
  Running(std::unique_ptr<Sim> sim, std::string what)
      : sim_(std::move(sim)), what_(std::move(what)) {}
  ~Running() override { stop(); }
  uint16_t port() const override { return sim_->port(); }
  std::string describe() const override {
    return what_ + " on 127.0.0.1:" + std::to_string(sim_->port());
  }
  std::string stats_line() const override {
    const auto s = sim_->stats();
    return std::to_string(s.ticks) + " ticks, " + std::to_string(s.events_sent) + " events sent";
  }
  void stop() override { sim_->stop(); }

 private:
  std::unique_ptr<Sim> sim_;
  std::string what_;
};

template <class Sim, class Options>
std::unique_ptr<RunningSim> start_as(Options options, const SimSettings& s, std::string what,
                                     std::string& error) {
  options.port = s.port;
  options.seed = s.seed;
  options.rate = s.rate;
  options.start_paused = s.start_paused;
  if (!s.symbols.empty()) options.symbols = s.symbols;
  auto sim = Sim::start(std::move(options), error);
  if (!sim) return nullptr;
  return std::make_unique<Running<Sim, Options>>(std::move(sim), std::move(what));
}

using Starter = std::function<std::unique_ptr<RunningSim>(const SimSettings&, std::string&)>;

const std::map<std::string, Starter, std::less<>>& starters() {
  static const std::map<std::string, Starter, std::less<>> all = {
      {"binance",
       [](const SimSettings& s, std::string& error) {
         return start_as<binance::BinanceSim>(binance::Options{}, s, "binance spot (REST + WS)",
                                              error);
       }},
  };
  return all;
}

}  // namespace

std::vector<std::string> simulated_venues() {
  std::vector<std::string> out;
  for (const auto& [id, _] : starters())
    out.push_back(id);
  return out;
}

std::unique_ptr<RunningSim> start_simulator(std::string_view venue, const SimSettings& settings,
                                            std::string& error) {
  const auto& all = starters();
  auto it = all.find(venue);
  if (it == all.end()) {
    error = "no simulator for venue '" + std::string(venue) + "'";
    return nullptr;
  }
  return it->second(settings, error);
}

}  // namespace astra::sim
