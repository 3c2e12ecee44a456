// A Coinbase Advanced Trade market-data venue on 127.0.0.1: REST
// /api/v3/brokerage/market/products and /market/product_book, and the WebSocket channels
// level2 (arriving as `l2_data`), market_trades and heartbeats, all driven by a seeded order flow
// over a matching engine.
//
// Every envelope a connection receives carries that connection's own `sequence_num` (0, 1, 2..,
// across all channels), as Advanced Trade does. drop_next_update() skips one l2 update envelope
// while still counting it, which is what a lost message looks like to a client.
//
// Tests drive it in process: pause() freezes the flow, step() advances it by whole ticks, and
// book() returns the book, taken atomically.
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

namespace astra::sim::coinbase {

// Which Coinbase API the simulator speaks (the plugin's `feed` setting).
//   advanced: Advanced Trade (the default).
//   exchange: Coinbase Exchange: GET /products, /products/{id}/book?level=2, ws-feed channels
//             level2 / level2_batch (snapshot + l2update, no sequence numbers) and matches
//             (`side` = the maker order's side). Spot products only.
enum class Feed { advanced, exchange };

struct Options {
  Feed feed = Feed::advanced;
  uint16_t port = 0;  // 0 = any free port
  uint64_t seed = 1;
  // Product ids (see known_symbols()): spot, an FCM dated future and an INTX perpetual. The
  // exchange feed lists spot products only (name only those).
  std::vector<std::string> products = {"BTC-USD", "ETH-USD", "BIT-31DEC26-CDE", "ETH-PERP-INTX"};
  std::chrono::milliseconds rate{100};  // one tick: order flow, then one update per product
  int actions_per_tick = 4;             // order-flow actions per product per tick
  bool start_paused = false;
  std::chrono::milliseconds heartbeat_interval{1000};  // `heartbeats` channel: 1 per second
  // What Advanced Trade market_trades `side` carries. Coinbase does not document it; the Exchange
  // feed of the same matching engine sends the maker order's side, so the simulator does too by
  // default.
  bool trade_side_is_maker = true;
  std::chrono::milliseconds ping_interval{20000};
  std::chrono::milliseconds pong_timeout{60000};
  size_t max_queued_messages = 10000;      // per WebSocket client
  std::shared_ptr<const TlsIdentity> tls;  // TLS only (https/wss) when set
  std::shared_ptr<FaultInjector> faults;   // scripted faults when set
};

struct BookView {
  uint64_t update_id = 0;  // the matching engine's count of level changes (not on the wire)
  std::vector<std::pair<std::string, std::string>> bids;  // [price, size] text, best first
  std::vector<std::pair<std::string, std::string>> asks;
};

// A trade as the simulator generated it (the truth a client's stream is checked against).
struct TradeRecord {
  std::string trade_id;
  std::string price;
  std::string size;
  bool taker_buys = false;  // the aggressor's side
};

struct SimStats {
  uint64_t ticks = 0;
  uint64_t book_updates = 0;     // l2 update events generated (per product)
  uint64_t trades = 0;           // engine fills
  uint64_t events_sent = 0;      // envelopes queued to clients
  uint64_t updates_dropped = 0;  // envelopes skipped by drop_next_update()
  size_t ws_sessions = 0;
  uint64_t http_requests = 0;
};

class CoinbaseSim {
 public:
  // nullptr with a message for an unknown product or a port that cannot be bound.
  static std::unique_ptr<CoinbaseSim> start(Options options, std::string& error);
  ~CoinbaseSim();
  CoinbaseSim(const CoinbaseSim&) = delete;
  CoinbaseSim& operator=(const CoinbaseSim&) = delete;

  uint16_t port() const;

  void pause();
  void resume();
  // Runs `ticks` ticks now (paused or not); their envelopes are queued to clients on return.
  void step(int ticks = 1);

  // The book (all levels, or the best `depth`) in the text the wire carries; nullopt for an
  // unknown product.
  std::optional<BookView> book(std::string_view product_id, size_t depth = 0) const;
  // The most recent trades of a product (up to 1000), oldest first.
  std::vector<TradeRecord> trades(std::string_view product_id) const;
  SimStats stats() const;

  // Fault: the next l2 update envelope of `product_id` is not sent to any subscriber, but the
  // connection's sequence_num still advances past it (advanced). On the exchange feed the
  // l2update is simply lost: that protocol has no sequence to show it. False for an unknown
  // product.
  bool drop_next_update(std::string_view product_id);

  // Closes every connection and stops the io thread. Idempotent; the destructor calls it.
  void stop();

  // Products the simulator knows.
  static std::vector<std::string> known_symbols();

  class Impl;

 private:
  explicit CoinbaseSim(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace astra::sim::coinbase
