#include "astra/sim/registry.hpp"

#include <astra/sim/binance/binance_sim.hpp>
#include <astra/sim/coinbase/coinbase_sim.hpp>
#include <astra/sim/huobi/huobi_sim.hpp>
#include <astra/sim/kraken/kraken_sim.hpp>
#include <astra/sim/kucoin/kucoin_sim.hpp>
#include <astra/sim/okx/okx_sim.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <map>

namespace astra::sim {
namespace {

// Adapts a venue simulator class with the common shape (start/port/stats/stop) to RunningSim.
template <class Sim>
class Running final : public RunningSim {
 public:
  Running(std::unique_ptr<Sim> sim, std::string what, std::vector<std::string> symbols, bool tls)
      : sim_(std::move(sim)), what_(std::move(what)), symbols_(std::move(symbols)), tls_(tls) {}
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
  void pause() override { sim_->pause(); }
  void resume() override { sim_->resume(); }
  void step(int ticks) override { sim_->step(ticks); }
  std::optional<SimBook> book(std::string_view symbol, size_t depth) const override {
    const auto view = sim_->book(symbol, depth);
    if (!view) return std::nullopt;
    SimBook b;
    b.sequence = sequence_of(*view);
    b.bids = view->bids;
    b.asks = view->asks;
    return b;
  }
  std::vector<std::string> symbols() const override { return symbols_; }
  bool tls() const override { return tls_; }

 private:
  // Each simulator names its book's sequence after its venue.
  template <class View>
  static uint64_t sequence_of(const View& v) {
    if constexpr (requires { v.last_update_id; })
      return v.last_update_id;
    else if constexpr (requires { v.seq_id; })
      return static_cast<uint64_t>(v.seq_id);
    else if constexpr (requires { v.sequence; })
      return v.sequence;
    else
      return v.update_id;
  }

  std::unique_ptr<Sim> sim_;
  std::string what_;
  std::vector<std::string> symbols_;
  bool tls_;
};

// The settings every simulator has; `symbols` names each venue's own list field.
template <class Sim, class Options>
std::unique_ptr<RunningSim> start_as(Options options, std::vector<std::string> Options::*symbols,
                                     const SimSettings& s, std::string what, std::string& error) {
  options.port = s.port;
  options.seed = s.seed;
  options.rate = s.rate;
  options.start_paused = s.start_paused;
  options.tls = s.tls;
  options.faults = s.faults;
  if (!s.symbols.empty()) options.*symbols = s.symbols;
  std::vector<std::string> served = options.*symbols;
  auto sim = Sim::start(std::move(options), error);
  if (!sim) return nullptr;
  return std::make_unique<Running<Sim>>(std::move(sim), std::move(what), std::move(served),
                                        s.tls != nullptr);
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
         kucoin::Options o;
         if (s.ping_interval.count() > 0) o.ping_interval = s.ping_interval;
         if (s.ping_timeout.count() > 0) o.ping_timeout = s.ping_timeout;
         return start_as<kucoin::KucoinSim>(std::move(o), &kucoin::Options::symbols, s,
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

std::string gateway_settings(std::string_view venue, const std::string& settings_json,
                             const RunningSim& sim) {
  using nlohmann::json;
  json settings = json::parse(settings_json.empty() ? "{}" : settings_json, nullptr, false);
  if (!settings.is_object()) settings = json::object();
  const std::string host = "127.0.0.1:" + std::to_string(sim.port());
  const std::string http = (sim.tls() ? "https://" : "http://") + host;
  const std::string ws = (sim.tls() ? "wss://" : "ws://") + host;
  json overlay;
  if (venue == "binance") {
    // The simulator serves Binance spot; the derivative families have no simulator yet.
    overlay = {{"families", {"spot"}}, {"spot", {{"rest", http}, {"ws", ws}}}};
  } else if (venue == "okx") {
    overlay = {{"rest", http}, {"ws", ws}};
  } else if (venue == "coinbase") {
    overlay = {{"feed", "advanced"}, {"rest", http}, {"ws", ws}};
  } else if (venue == "huobi") {
    overlay = {{"families", {"spot", "coin_swap", "linear_swap"}},
               {"spot", {{"rest", http}, {"ws", ws + "/ws"}, {"feed", ws + "/feed"}}},
               {"coin_swap", {{"rest", http}, {"ws", ws + "/swap-ws"}}},
               {"linear_swap", {{"rest", http}, {"ws", ws + "/linear-swap-ws"}}}};
  } else if (venue == "kraken") {
    overlay = {{"families", {"spot", "futures"}},
               {"spot", {{"rest", http}, {"ws", ws + "/v2"}}},
               {"futures", {{"rest", http}, {"ws", ws + "/ws/v1"}}}};
  } else if (venue == "kucoin") {
    // The full order book needs an API key; the simulator, like KuCoin, serves the top 100. The
    // WebSocket address comes from the bullet-public answer.
    const std::string futures = (sim.tls() ? "https://" : "http://") + std::string("127.0.0.1:") +
                                std::to_string(sim.second_port());
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
