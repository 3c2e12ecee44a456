// A Binance spot venue on 127.0.0.1: REST exchangeInfo and depth, WebSocket diff-depth, aggTrade
// and trade streams, all driven by a seeded order flow over a matching engine.
//
// Tests drive it in process: pause() freezes the flow, step() advances it by whole ticks, and
// book() returns the book with the update id it corresponds to, taken atomically.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <astra/sim/server_security.hpp>

namespace astra::sim::binance {

struct Options {
  uint16_t port = 0;  // 0 = any free port
  uint64_t seed = 1;
  // Listed symbols (known_symbols()) or made-up load symbols "LDAAUSDT".."LDZZUSDT".
  std::vector<std::string> symbols = {"BTCUSDT", "ETHUSDT"};
  std::chrono::milliseconds rate{100};  // one tick: order flow, then one diff per symbol
  int actions_per_tick = 4;             // order-flow actions per symbol per tick
  bool start_paused = false;
  std::chrono::milliseconds ping_interval{20000};  // Binance spot pings every 20 s
  std::chrono::milliseconds pong_timeout{60000};   // and drops a client silent for 1 min
  size_t max_queued_messages = 10000;              // per WebSocket client
  int weight_limit = 6000;                         // REQUEST_WEIGHT per minute
  // How long a client that ignores a 429's Retry-After is banned (HTTP 418; Binance: 2 min to
  // 3 days, growing for repeat offenders).
  std::chrono::seconds ban_duration{120};
  std::shared_ptr<const TlsIdentity> tls;  // TLS only (https/wss) when set
  std::shared_ptr<FaultInjector> faults;   // scripted faults when set
};

struct BookView {
  uint64_t last_update_id = 0;
  std::vector<std::pair<std::string, std::string>> bids;  // [price, qty] text, best first
  std::vector<std::pair<std::string, std::string>> asks;
};

struct TradeView {
  uint64_t id = 0;  // the trade stream's `t`
  std::string price;
  std::string qty;
  bool buyer_is_maker = false;  // `m`: the taker sold
};

struct SimStats {
  uint64_t ticks = 0;
  uint64_t depth_events = 0;  // diffs generated (per symbol and speed)
  uint64_t trades = 0;        // engine fills
  uint64_t events_sent = 0;   // stream frames queued to clients
  size_t ws_sessions = 0;
  uint64_t ws_pings_sent = 0;
  uint64_t ws_pongs_received = 0;
  uint64_t http_requests = 0;
};

class BinanceSim {
 public:
  // nullptr with a message for an unknown symbol or a port that cannot be bound.
  static std::unique_ptr<BinanceSim> start(Options options, std::string& error);
  ~BinanceSim();
  BinanceSim(const BinanceSim&) = delete;
  BinanceSim& operator=(const BinanceSim&) = delete;

  uint16_t port() const;

  void pause();
  void resume();
  // Runs `ticks` ticks now (paused or not); their events are queued to clients on return.
  void step(int ticks = 1);

  // Maintenance: every WebSocket connection is closed (reason "maintenance"; unless
  // `close_connections` is false), and every book's update ids start over at `start` plus
  // 100,000,000 per symbol, lower than before when `start` is small (the books themselves are
  // kept). Clients must resynchronize from a snapshot.
  void maintenance(uint64_t start = 1000, bool close_connections = true);

  // The book (all levels, or the best `depth`) and its update id; nullopt for an unknown symbol.
  std::optional<BookView> book(std::string_view symbol, size_t depth = 0) const;
  // The trades (one per fill, as the trade stream sends them) of a symbol, oldest first; the last
  // 10,000 are kept. Empty for an unknown symbol.
  std::vector<TradeView> trades(std::string_view symbol) const;
  SimStats stats() const;

  // Closes every connection and stops the io thread. Idempotent; the destructor calls it.
  void stop();

  // Symbols the simulator knows.
  static std::vector<std::string> known_symbols();

  class Impl;

 private:
  explicit BinanceSim(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace astra::sim::binance
