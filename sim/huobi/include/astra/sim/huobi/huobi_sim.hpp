// An HTX (Huobi) venue on 127.0.0.1, market data only, for what Astra's huobi plugin asks:
//   REST  GET /v1/common/symbols, /market/depth (spot), /swap-api/v1/swap_contract_info,
//         /swap-ex/market/depth, /linear-swap-api/v1/swap_contract_info,
//         /linear-swap-ex/market/depth
//   WS    /ws (spot depth.step0, trade.detail), /feed (spot mbp.N incremental + its req
//         snapshot), /swap-ws (coin swaps), /linear-swap-ws (USDT swaps); depth.step0 and
//         trade.detail on the swap paths.
// Every WebSocket frame the sim sends is gzip-compressed binary. The server pings in HTX's JSON
// form ({"ping":ms}) and drops a client that leaves `max_missed_pongs` pings unanswered.
//
// Books come from the seeded order flow over the matching engine. HTX publishes at most 150
// levels a side; the sim's views (pushes, snapshots and book()) are that top of book. Each
// published book change advances the market's seqNum by a random step of 2..6 (HTX seqNums are
// not consecutive), and every mbp push carries the previous seqNum as prevSeqNum.
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

namespace astra::sim::huobi {

struct Options {
  uint16_t port = 0;  // 0 = any free port
  uint64_t seed = 1;
  // Venue symbols: spot "btcusdt", "ethusdt"; linear swap "BTC-USDT"; coin swap "BTC-USD".
  std::vector<std::string> symbols = {"btcusdt", "ethusdt", "BTC-USDT", "BTC-USD"};
  std::chrono::milliseconds rate{100};  // one tick: order flow, then one push per book topic
  int actions_per_tick = 4;             // order-flow actions per symbol per tick
  bool start_paused = false;
  std::chrono::milliseconds ping_interval{5000};  // HTX pings every 5 s
  int max_missed_pongs = 2;                       // and drops a client after 2 unanswered
  size_t max_queued_messages = 10000;             // per WebSocket client
  std::shared_ptr<const TlsIdentity> tls;         // TLS only (https/wss) when set
  std::shared_ptr<FaultInjector> faults;          // scripted faults when set
};

struct BookView {
  uint64_t last_update_id = 0;                            // the seqNum of the last published change
  std::vector<std::pair<std::string, std::string>> bids;  // [price, qty] venue text, best first
  std::vector<std::pair<std::string, std::string>> asks;
};

struct TradeView {
  std::string id;  // the id the plugin reports: spot tradeId, swap id
  std::string price;
  std::string amount;
  bool taker_buy = true;
};

struct SimStats {
  uint64_t ticks = 0;
  uint64_t book_changes = 0;  // published changes (seqNum advances), all symbols
  uint64_t trades = 0;        // engine fills
  uint64_t events_sent = 0;   // pushes queued to clients
  uint64_t updates_dropped = 0;
  uint64_t snapshot_requests = 0;  // req answered
  uint64_t pings_sent = 0;         // JSON pings
  uint64_t pongs_received = 0;
  uint64_t clients_dropped = 0;  // for unanswered pings
  size_t ws_sessions = 0;
  uint64_t http_requests = 0;
};

class HuobiSim {
 public:
  // nullptr with a message for an unknown symbol or a port that cannot be bound.
  static std::unique_ptr<HuobiSim> start(Options options, std::string& error);
  ~HuobiSim();
  HuobiSim(const HuobiSim&) = delete;
  HuobiSim& operator=(const HuobiSim&) = delete;

  uint16_t port() const;

  void pause();
  void resume();
  // Runs `ticks` ticks now (paused or not); their pushes are queued to clients on return.
  void step(int ticks = 1);

  // The published book (the best `depth` levels, 0 = all published, at most 150) with its
  // seqNum; nullopt for an unknown symbol.
  std::optional<BookView> book(std::string_view symbol, size_t depth = 0) const;
  // The last trades generated for `symbol` (up to 1000, oldest first).
  std::vector<TradeView> recent_trades(std::string_view symbol) const;
  SimStats stats() const;

  // Fault: the next mbp update of `symbol` advances seqNum but is sent to nobody, so the
  // following one's prevSeqNum does not match what clients applied. False for a symbol
  // without an mbp book (not spot, or unknown).
  bool drop_next_update(std::string_view symbol);

  // Closes every connection and stops the io thread. Idempotent; the destructor calls it.
  void stop();

  static std::vector<std::string> known_symbols();

  class Impl;

 private:
  explicit HuobiSim(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace astra::sim::huobi
