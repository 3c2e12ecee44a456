// A KuCoin venue on 127.0.0.1: spot (BTC-USDT, ETH-USDT) and futures (XBTUSDTM) market data,
// each family on its own port as KuCoin has its own host per family.
//
//   REST  GET  /api/v2/symbols, /api/v1/symbols             (spot)
//         GET  /api/v1/market/orderbook/level2_20|level2_100 (spot; sequence as a string)
//         GET  /api/v3/market/orderbook/level2               (spot; needs an API key: refused)
//         GET  /api/v1/contracts/active, /api/v1/level2/snapshot (futures)
//         POST /api/v1/bullet-public                         (both: token + instance server)
//   WS    <endpoint>?token=…&connectId=…: `welcome`, subscribe/unsubscribe with ack, JSON
//         ping/pong, level2 (spot trade.l2update, futures level2) and matches with the taker
//         side. A connection without a token the sim issued gets an error 401 and is closed; a
//         client silent for pingInterval + pingTimeout is closed.
//
// Tests drive it in process: pause() freezes the flow, step() advances it by whole ticks, and
// book() returns the book with the sequence it corresponds to, taken atomically.
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

namespace astra::sim::kucoin {

struct Options {
  uint16_t port = 0;          // spot host; 0 = any free port
  uint16_t futures_port = 0;  // futures host; 0 = any free port
  uint64_t seed = 1;
  std::vector<std::string> symbols = {"BTC-USDT", "ETH-USDT", "XBTUSDTM"};
  std::chrono::milliseconds rate{100};  // one tick: order flow, then one level2 message per symbol
  int actions_per_tick = 4;             // order-flow actions per symbol per tick
  bool start_paused = false;
  std::chrono::milliseconds ping_interval{18000};  // advertised by bullet-public (spot docs)
  std::chrono::milliseconds ping_timeout{10000};
  size_t max_queued_messages = 10000;      // per WebSocket client
  std::shared_ptr<const TlsIdentity> tls;  // TLS only (https/wss) when set
  std::shared_ptr<FaultInjector> faults;   // scripted faults when set
};

struct BookView {
  uint64_t sequence = 0;                                  // the last level2 sequence applied
  std::vector<std::pair<std::string, std::string>> bids;  // [price, size] venue text, best first
  std::vector<std::pair<std::string, std::string>> asks;
};

struct TradeView {
  std::string price;  // venue text
  std::string size;
  std::string side;  // the taker's side: "buy" or "sell"
  std::string trade_id;
};

struct SimStats {
  uint64_t ticks = 0;
  uint64_t level2_messages = 0;  // generated (dropped ones included)
  uint64_t dropped_updates = 0;  // level2 messages withheld by drop_next_update
  uint64_t trades = 0;           // engine fills
  uint64_t events_sent = 0;      // frames queued to clients
  uint64_t tokens_issued = 0;
  uint64_t connections_refused = 0;  // WebSocket connects without a valid token
  uint64_t pings = 0;                // client JSON pings answered
  size_t ws_sessions = 0;
  uint64_t http_requests = 0;
};

class KucoinSim {
 public:
  // nullptr with a message for an unknown symbol or a port that cannot be bound.
  static std::unique_ptr<KucoinSim> start(Options options, std::string& error);
  ~KucoinSim();
  KucoinSim(const KucoinSim&) = delete;
  KucoinSim& operator=(const KucoinSim&) = delete;

  uint16_t port() const;  // spot
  uint16_t futures_port() const;

  void pause();
  void resume();
  // Runs `ticks` ticks now (paused or not); their events are queued to clients on return.
  void step(int ticks = 1);

  // The book (all levels, or the best `depth`) and its sequence; nullopt for an unknown symbol.
  std::optional<BookView> book(std::string_view symbol, size_t depth = 0) const;
  // The most recent trades of a symbol (up to 1000), oldest first.
  std::vector<TradeView> trades(std::string_view symbol) const;
  SimStats stats() const;

  // Fault: the next level2 message of `symbol` is generated (the sequence advances) but not
  // sent, a sequence gap for every subscriber. False for an unknown symbol.
  bool drop_next_update(std::string_view symbol);

  // Closes every connection and stops the io threads. Idempotent; the destructor calls it.
  void stop();

  static std::vector<std::string> known_symbols();

  class Impl;

 private:
  explicit KucoinSim(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace astra::sim::kucoin
