// An OKX (API v5) venue on 127.0.0.1: REST GET /api/v5/public/instruments and
// /api/v5/market/books (and books-full), and the public WebSocket /ws/v5/public with the `books`
// and `trades` channels, all driven by a seeded order flow over a matching engine.
//
// Books carry OKX's sequencing (seqId, prevSeqId; -1 on a snapshot) and checksum. Two modes:
//   legacy     (until 2026): a WebSocket snapshot after each books subscription, and the CRC32
//              checksum on every push;
//   production (2026): no WebSocket snapshot and checksum 0; a client syncs from the REST
//              snapshot by seqId bridging.
// Fault hooks break the next books update of one instrument for every subscriber: a wrong
// checksum on a right book, or the update not sent at all (a prevSeqId gap).
//
// Tests drive it in process: pause() freezes the flow, step() advances it by whole ticks, and
// book() returns the book with the seqId it corresponds to, taken atomically.
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

namespace astra::sim::okx {

enum class BookMode { legacy, production };

struct Options {
  uint16_t port = 0;  // 0 = any free port
  uint64_t seed = 1;
  std::vector<std::string> inst_ids = {"BTC-USDT", "ETH-USDT", "BTC-USDT-SWAP"};
  std::chrono::milliseconds rate{100};  // one tick: order flow, then one books push per instrument
  int actions_per_tick = 4;             // order-flow actions per instrument per tick
  bool start_paused = false;
  BookMode mode = BookMode::legacy;
  // OKX sends no WebSocket ping frames (clients send the text "ping"); the shared server pings on
  // a period, so the default period is long enough never to matter in a test.
  std::chrono::milliseconds ping_interval{3600000};
  std::chrono::milliseconds pong_timeout{3600000};
  size_t max_queued_messages = 10000;      // per WebSocket client
  std::shared_ptr<const TlsIdentity> tls;  // TLS only (https/wss) when set
  std::shared_ptr<FaultInjector> faults;   // scripted faults when set
};

struct BookView {
  int64_t seq_id = 0;
  std::vector<std::pair<std::string, std::string>> bids;  // [px, sz] text, best first
  std::vector<std::pair<std::string, std::string>> asks;
};

struct TradeView {
  std::string trade_id;
  std::string px;
  std::string sz;
  std::string side;  // the taker's side: "buy" or "sell"
  int64_t ts_ms = 0;
};

struct SimStats {
  uint64_t ticks = 0;
  uint64_t book_updates = 0;  // books updates generated (one per instrument and tick with changes)
  uint64_t trades = 0;        // engine fills
  uint64_t events_sent = 0;   // pushes queued to clients
  uint64_t checksums_corrupted = 0;
  uint64_t updates_dropped = 0;
  size_t ws_sessions = 0;
  uint64_t http_requests = 0;
};

class OkxSim {
 public:
  // nullptr with a message for an unknown instrument or a port that cannot be bound.
  static std::unique_ptr<OkxSim> start(Options options, std::string& error);
  ~OkxSim();
  OkxSim(const OkxSim&) = delete;
  OkxSim& operator=(const OkxSim&) = delete;

  uint16_t port() const;

  void pause();
  void resume();
  // Runs `ticks` ticks now (paused or not); their pushes are queued to clients on return.
  void step(int ticks = 1);

  // The book (all levels, or the best `depth`) and its seqId; nullopt for an unknown instId.
  std::optional<BookView> book(std::string_view inst_id, size_t depth = 0) const;
  // The most recent trades of an instrument (up to 10000), oldest first.
  std::vector<TradeView> trades(std::string_view inst_id) const;
  SimStats stats() const;

  // Fault hooks; false for an unknown instId. They act on the next books update of the
  // instrument (the next tick that changes its book).
  bool corrupt_next_checksum(std::string_view inst_id);
  bool drop_next_update(std::string_view inst_id);

  // Closes every connection and stops the io thread. Idempotent; the destructor calls it.
  void stop();

  // Instruments the simulator knows.
  static std::vector<std::string> known_symbols();

  class Impl;

 private:
  explicit OkxSim(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace astra::sim::okx
