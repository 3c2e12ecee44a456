// Every venue simulator behind one small interface, chosen by the venue id the gateway uses
// ("binance", "okx", ...). For the astra-sim command and the gateway's offline sandbox.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace astra::sim {

struct SimSettings {
  uint16_t port = 0;  // 0 = any free port
  uint64_t seed = 1;
  std::chrono::milliseconds rate{100};  // one tick: order flow, then one update per market
  std::vector<std::string> symbols;     // venue symbols; empty = the simulator's defaults
  bool start_paused = false;
};

class RunningSim {
 public:
  virtual ~RunningSim() = default;
  virtual uint16_t port() const = 0;
  // A second host where the venue has one (KuCoin futures); 0 when it has none.
  virtual uint16_t second_port() const { return 0; }
  // One line for people: what is served where.
  virtual std::string describe() const = 0;
  // One line of counters, for the log when it stops.
  virtual std::string stats_line() const = 0;
  // Closes every connection and stops. Idempotent; the destructor stops too.
  virtual void stop() = 0;
};

// The venue ids that have a simulator, sorted.
std::vector<std::string> simulated_venues();

// nullptr with a message for a venue without a simulator, an unknown symbol or a port that cannot
// be bound.
std::unique_ptr<RunningSim> start_simulator(std::string_view venue, const SimSettings& settings,
                                            std::string& error);

}  // namespace astra::sim
