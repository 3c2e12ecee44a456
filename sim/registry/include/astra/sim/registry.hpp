// Every venue simulator behind one small interface, chosen by the venue id the gateway uses
// ("binance", "okx", ...). For the astra-sim command and the gateway's offline sandbox.
#pragma once

#include <astra/sim/server_security.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
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
  // The keep-alive a venue announces to its clients, where it announces one (KuCoin's bullet
  // pingInterval and pingTimeout); zero keeps the venue's own values. Tests shorten it.
  std::chrono::milliseconds ping_interval{0};
  std::chrono::milliseconds ping_timeout{0};
  std::shared_ptr<const TlsIdentity> tls;  // TLS only (https/wss) when set
  std::shared_ptr<FaultInjector> faults;   // scripted faults when set
};

// A simulator's book in the venue's own text, best first, with the venue's sequence number for
// it (or the simulator's own counter where the venue's book carries none).
struct SimBook {
  uint64_t sequence = 0;
  std::vector<std::pair<std::string, std::string>> bids;
  std::vector<std::pair<std::string, std::string>> asks;
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

  // For tests: freeze and drive the order flow, read a book atomically.
  virtual void pause() = 0;
  virtual void resume() = 0;
  virtual void step(int ticks) = 0;
  // All levels (depth 0) or the best `depth`; nullopt for a symbol the simulator does not serve.
  virtual std::optional<SimBook> book(std::string_view venue_symbol, size_t depth = 0) const = 0;
  // The venue symbols served.
  virtual std::vector<std::string> symbols() const = 0;
  // Whether it serves TLS (https/wss) rather than plain http/ws.
  virtual bool tls() const = 0;
};

// The venue ids that have a simulator, sorted.
std::vector<std::string> simulated_venues();

// nullptr with a message for a venue without a simulator, an unknown symbol or a port that cannot
// be bound.
std::unique_ptr<RunningSim> start_simulator(std::string_view venue, const SimSettings& settings,
                                            std::string& error);

// The venue settings (JSON object text) that point the gateway's venue `venue` at `sim`, laid
// over the venue's own `settings_json`. Empty when the venue has no simulator mapping.
std::string gateway_settings(std::string_view venue, const std::string& settings_json,
                             const RunningSim& sim);

}  // namespace astra::sim
