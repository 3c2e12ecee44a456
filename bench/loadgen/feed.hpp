// A Binance spot feed for load tests: REST exchangeInfo and depth (on sim/common's loopback
// server) and the combined WebSocket stream (raw sockets, one generator thread), speaking exactly
// what the Binance plugin consumes.
//
// Each market's book lives on a fixed price grid (`grid` levels a side, every level always
// present), so the book keeps its size however long the feed runs. Every diff sets `levels` bid
// and `levels` ask quantities on that grid and continues the previous one (U = previous u + 1);
// diff bodies are precomputed, so sending costs little more than a copy. The send time of every
// diff is kept, keyed by (market, u), in a preallocated table for the clients to join on.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

namespace astra::loadgen {

// Every diff spans this many update ids (U..u): diffs applied = difference of u / this.
inline constexpr uint64_t kIdsPerDiff = 3;

struct FeedOptions {
  int markets = 1;
  int levels = 20;                 // bid and ask levels per diff
  int grid = 100;                  // levels a side in every book
  size_t table_entries = 1 << 20;  // send-time slots over all markets (a ring per market)
};

struct FeedStats {
  uint64_t diffs = 0;   // diff frames written (to every subscribed connection)
  uint64_t trades = 0;  // aggTrade frames written
  uint64_t bytes = 0;
  uint64_t rest_requests = 0;
  int connections = 0;
  int depth_streams = 0;  // markets whose diff stream some connection subscribed
  int trade_streams = 0;
  uint64_t send_stalls = 0;  // times a connection's buffer was full (the gateway read slower)
};

class BinanceFeed {
 public:
  // nullptr with a message when the options are out of range or a port cannot be bound.
  static std::unique_ptr<BinanceFeed> start(const FeedOptions& options, std::string& error);
  ~BinanceFeed();
  BinanceFeed(const BinanceFeed&) = delete;
  BinanceFeed& operator=(const BinanceFeed&) = delete;

  uint16_t rest_port() const;
  uint16_t ws_port() const;
  // "LG0001USDT" and the gateway's name for it, "BINANCE-SPOT-LG0001-USDT".
  std::string symbol(int market) const;
  std::string market_id(int market) const;

  // Diffs per second per subscribed market (0: as fast as the gateway's socket takes them;
  // negative: paused) and aggTrades per second per market whose trade stream is subscribed.
  void set_rate(double diffs_per_market, double trades_per_market);

  // steady_clock nanoseconds when the diff ending at `u` of `market` was handed to send(); -1
  // when it was never sent or its slot has been reused since.
  int64_t sent_at(int market, uint64_t u) const;
  // The `u` of the market's last diff sent.
  uint64_t last_u(int market) const;

  FeedStats stats() const;
  // The generator thread, for its CPU time.
  std::thread::native_handle_type generator_handle();

  void stop();

  class Impl;

 private:
  explicit BinanceFeed(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace astra::loadgen
