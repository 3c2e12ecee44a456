// A Kraken venue on 127.0.0.1: spot (REST Assets, AssetPairs and Depth, WebSocket v2 `book` with
// Kraken's CRC32 checksum and `trade`, and the older WebSocket v1 with the same books and trades in
// its array frames) and Kraken Futures (REST instruments and orderbook, WebSocket v1
// `book_snapshot`/`book` with `seq`, `trade`), all driven by a seeded order flow over a matching
// engine. One port serves both families: spot WebSocket v2 at /v2 and v1 at / (as
// wss://ws.kraken.com), futures at /ws/v1.
//
// Tests drive it in process: pause() freezes the flow, step() advances it by whole ticks, and
// book() returns the book as the venue would write it, taken atomically.
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

namespace astra::sim::kraken {

struct Options {
  uint16_t port = 0;  // 0 = any free port
  uint64_t seed = 1;
  // Spot pairs by their WebSocket v1 name (wsname "XBT/USD"; the v2 name "BTC/USD" is accepted
  // too) and futures products ("PF_XBTUSD").
  std::vector<std::string> symbols = {"XBT/USD", "ETH/USD", "PF_XBTUSD"};
  std::chrono::milliseconds rate{100};  // one tick: order flow, then the book messages
  int actions_per_tick = 4;             // order-flow actions per market per tick
  bool start_paused = false;
  std::chrono::milliseconds ping_interval{20000};  // WebSocket ping frames
  std::chrono::milliseconds pong_timeout{60000};
  size_t max_queued_messages = 10000;      // per WebSocket client
  std::shared_ptr<const TlsIdentity> tls;  // TLS only (https/wss) when set
  std::shared_ptr<FaultInjector> faults;   // scripted faults when set
};

struct BookView {
  // Spot: the matching engine's update id (Kraken spot books carry none); futures: the `seq` of
  // the last book message of that product.
  uint64_t last_update_id = 0;
  // [price, qty] text, best first. Spot: fixed decimals (the pair's price and lot decimals, the
  // text Kraken checksums); futures: the JSON number tokens the feed carries ("57000.0").
  std::vector<std::pair<std::string, std::string>> bids;
  std::vector<std::pair<std::string, std::string>> asks;
};

struct TradeView {
  std::string price;  // as the WebSocket feed writes it
  std::string qty;
  bool taker_buys = false;
  uint64_t id = 0;  // spot: the v2 trade_id; futures: the trade seq
};

struct SimStats {
  uint64_t ticks = 0;
  uint64_t book_messages = 0;  // book updates/deltas generated (per market and depth)
  uint64_t trades = 0;         // engine fills
  uint64_t events_sent = 0;    // frames queued to clients
  uint64_t checksums_corrupted = 0;
  uint64_t updates_dropped = 0;
  size_t ws_sessions = 0;
  uint64_t ws_pings_sent = 0;
  uint64_t ws_pongs_received = 0;
  uint64_t http_requests = 0;
};

class KrakenSim {
 public:
  // nullptr with a message for an unknown symbol or a port that cannot be bound.
  static std::unique_ptr<KrakenSim> start(Options options, std::string& error);
  ~KrakenSim();
  KrakenSim(const KrakenSim&) = delete;
  KrakenSim& operator=(const KrakenSim&) = delete;

  uint16_t port() const;

  void pause();
  void resume();
  // Runs `ticks` ticks now (paused or not); their events are queued to clients on return.
  void step(int ticks = 1);

  // The book (all levels, or the best `depth`); nullopt for an unknown symbol.
  std::optional<BookView> book(std::string_view symbol, size_t depth = 0) const;
  // Every trade the market printed so far (oldest first; the last 10,000 are kept).
  std::vector<TradeView> trades(std::string_view symbol) const;
  SimStats stats() const;

  // Fault hooks. Spot: the next non-empty book update of `symbol` carries a wrong checksum (its
  // levels stay right). Futures: the next book delta of `product_id` is not sent (its seq is
  // spent, so subscribers see a gap). False for an unknown symbol or the wrong family.
  bool corrupt_next_checksum(std::string_view symbol);
  bool drop_next_update(std::string_view product_id);

  // Closes every connection and stops the io thread. Idempotent; the destructor calls it.
  void stop();

  // Symbols the simulator knows (spot wsnames and futures product ids).
  static std::vector<std::string> known_symbols();

  class Impl;

 private:
  explicit KrakenSim(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Kraken's book checksum: CRC32 (zlib) over the top 10 asks (low to high) then the top 10 bids
// (high to low), each level its price then its quantity with '.' and leading zeros removed. The
// texts must carry the pair's fixed decimals. Exposed for tests.
uint32_t book_checksum(const std::vector<std::pair<std::string, std::string>>& bids,
                       const std::vector<std::pair<std::string, std::string>>& asks);

}  // namespace astra::sim::kraken
