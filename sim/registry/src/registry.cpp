#include "astra/sim/registry.hpp"

#include <astra/sim/binance/binance_sim.hpp>
#include <astra/sim/coinbase/coinbase_sim.hpp>
#include <astra/sim/huobi/huobi_sim.hpp>
#include <astra/sim/kraken/kraken_sim.hpp>
#include <astra/sim/kucoin/kucoin_sim.hpp>
#include <astra/sim/okx/okx_sim.hpp>

#include <algorithm>
#include <functional>
#include <map>

namespace astra::sim {
namespace {

// Adapts a venue simulator class with the common shape (start/port/stats/stop) to RunningSim.
template <class Sim>
class Running final : public RunningSim {
 public:
  Running(std::unique_ptr<Sim> sim, std::string what)
      : sim_(std::move(sim)), what_(std::move(what)) {}
  ~Running() override { stop(); }
  uint16_t port() const override { return sim_->port(); }
  uint16_t second_port() const override {
    if constexpr (requires(const Sim& s) { s.futures_port(); })
      return sim_->futures_port();
    else
      return 0;
  }
  std::string describe() const override {
    std::string d = what_ + " on 127.0.0.1:" + std::to_string(port());
    if (second_port() != 0) d += " and 127.0.0.1:" + std::to_string(second_port());
    return d;
  }
  std::string stats_line() const override {
    const auto s = sim_->stats();
    return std::to_string(s.ticks) + " ticks, " + std::to_string(s.trades) + " trades, " +
           std::to_string(s.events_sent) + " events sent";
  }
  void stop() override { sim_->stop(); }

 private:
  std::unique_ptr<Sim> sim_;
  std::string what_;
};

// The settings every simulator has; `symbols` names each venue's own list field.
template <class Sim, class Options>
std::unique_ptr<RunningSim> start_as(Options options, std::vector<std::string> Options::*symbols,
                                     const SimSettings& s, std::string what, std::string& error) {
  options.port = s.port;
  options.seed = s.seed;
  options.rate = s.rate;
  options.start_paused = s.start_paused;
  if (!s.symbols.empty()) options.*symbols = s.symbols;
  auto sim = Sim::start(std::move(options), error);
  if (!sim) return nullptr;
  return std::make_unique<Running<Sim>>(std::move(sim), std::move(what));
}

using Starter = std::function<std::unique_ptr<RunningSim>(const SimSettings&, std::string&)>;

const std::map<std::string, Starter, std::less<>>& starters() {
  static const std::map<std::string, Starter, std::less<>> all = {
      {"binance",
       [](const SimSettings& s, std::string& error) {
         return start_as<binance::BinanceSim>(binance::Options{}, &binance::Options::symbols, s,
                                              "binance spot (REST + WS)", error);
       }},
      {"coinbase",
       [](const SimSettings& s, std::string& error) {
         return start_as<coinbase::CoinbaseSim>(coinbase::Options{}, &coinbase::Options::products,
                                                s, "coinbase advanced trade (REST + WS)", error);
       }},
      {"huobi",
       [](const SimSettings& s, std::string& error) {
         return start_as<huobi::HuobiSim>(huobi::Options{}, &huobi::Options::symbols, s,
                                          "htx spot, coin and linear swaps (REST + gzip WS)",
                                          error);
       }},
      {"kraken",
       [](const SimSettings& s, std::string& error) {
         return start_as<kraken::KrakenSim>(kraken::Options{}, &kraken::Options::symbols, s,
                                            "kraken spot ws v2 and futures (REST + WS)", error);
       }},
      {"kucoin",
       [](const SimSettings& s, std::string& error) {
         return start_as<kucoin::KucoinSim>(kucoin::Options{}, &kucoin::Options::symbols, s,
                                            "kucoin spot and futures (REST + token WS)", error);
       }},
      {"okx",
       [](const SimSettings& s, std::string& error) {
         return start_as<okx::OkxSim>(okx::Options{}, &okx::Options::inst_ids, s,
                                      "okx spot and swap (REST + WS, checksummed books)", error);
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
