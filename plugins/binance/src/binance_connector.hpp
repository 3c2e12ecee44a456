// The Binance connector: market lists, REST books, and streamed books and trades for spot,
// USD-M and COIN-M. Sans-I/O: every request, socket and timer goes through the host.
//
// One WebSocket per family (combined stream `<ws>/stream`), streams added with paced SUBSCRIBE
// messages. Books follow Binance's buffer + snapshot + sequence rules (depth_sync.hpp). Binance
// ends every connection at 24 h: at 23 h 50 min a replacement connection is opened and
// subscribed, and the books move to it only once its stream overlaps what was applied, so
// clients see neither a RESET nor a gap.
//
// Stalls: Binance's own pings are answered by the host and never reach the plugin, so a
// connection silent for half the heartbeat (config heartbeat_ms) gets a LIST_SUBSCRIPTIONS probe;
// one that stays silent for a whole heartbeat is declared stalled, closed and replaced (RESET,
// reconnect, resubscribe, resync). Snapshots for streamed books spend at most half of the venue's
// request weight per minute; the rest wait in a queue (a venue-wide reconnect does not storm).
#pragma once

#include "config.hpp"
#include "depth_sync.hpp"
#include "frames.hpp"
#include "markets.hpp"

#include <astra/connector.hpp>

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace astra::binance {

class BinanceConnector : public sdk::Connector {
 public:
  BinanceConnector(sdk::Host host, std::string_view config_json);
  ~BinanceConnector() override;

  void on_http_response(uint64_t token, const sdk::HttpResponse& response) override;
  void on_ws_open(uint64_t conn) override;
  void on_ws_message(uint64_t conn, std::string_view data, bool binary) override;
  void on_ws_close(uint64_t conn, int32_t code, std::string_view reason) override;
  void on_timer(uint64_t token) override;

  sdk::Status list_markets(uint64_t call_id) override;
  sdk::Status get_orderbook(uint64_t call_id, std::string_view market, uint32_t depth) override;
  sdk::Status subscribe(std::string_view market, uint32_t data_type) override;
  sdk::Status unsubscribe(std::string_view market, uint32_t data_type) override;

  // Binance ends connections at 24 h; the replacement opens this long after a connection opened.
  static constexpr uint32_t kRolloverMs = (23 * 60 + 50) * 60 * 1000;
  // A replacement that has not caught up after this long takes over anyway (bridging check).
  static constexpr uint32_t kSwitchDeadlineMs = 8 * 60 * 1000;

 private:
  // One queued control message item.
  struct StreamOp {
    bool subscribe = true;
    std::string stream;
  };
  struct Connection {
    uint64_t id = 0;
    bool open = false;
    int64_t opened_us = 0;
    std::deque<StreamOp> queue;  // not sent yet (paced)
    std::set<int64_t> unacked;   // request ids sent, not answered
    int64_t last_send_us = 0;
    bool sent_any = false;
    uint64_t pace_timer = 0;      // host timer id; 0: none
    uint64_t rollover_timer = 0;  // active: opens the replacement
    int64_t last_recv_us = 0;     // the last frame received (stall watch)
    uint64_t watch_timer = 0;
    bool probed = false;  // a LIST_SUBSCRIPTIONS probe went out since the last frame
  };
  struct FamilyState {
    std::set<std::string> streams;      // what should be subscribed
    std::optional<Connection> active;   // carries the books
    std::optional<Connection> standby;  // the 24 h replacement, until it takes over
    uint32_t reconnects = 0;            // consecutive failed attempts (backoff)
    uint64_t reconnect_timer = 0;
    uint64_t deadline_timer = 0;
  };
  struct Book {
    std::string market;
    const Market* info = nullptr;
    DepthSync sync;
    bool waiting_first = true;  // no diff seen yet on this connection
    bool announced = false;     // a SNAPSHOT went out since the last RESET
    uint64_t generation = 0;    // bumps when in-flight snapshots become irrelevant
    bool snapshot_pending = false;
    bool snapshot_queued = false;  // waiting for request weight (snapshot_queue_)
    uint32_t snapshot_failures = 0;
    uint64_t retry_timer = 0;  // snapshot retry after a failure
    // The replacement connection's diffs, kept until the switch-over.
    std::deque<DepthDiff> shadow;
    bool shadow_ready = false;
    explicit Book(SyncRule rule) : sync(rule) {}
  };
  struct TradeSub {
    std::string market;
    const Market* info = nullptr;
    uint64_t last_id = 0;  // highest aggregate trade id emitted (dedupe across connections)
    std::deque<AggTrade> shadow;
  };
  struct ListCall {
    int remaining = 0;
    std::vector<Family> failed;
    std::string errors;
  };
  struct HttpTask {
    enum class Kind { exchange_info, snapshot, orderbook } kind = Kind::exchange_info;
    Family family = Family::spot;
    uint64_t call_id = 0;
    std::string market;
    uint64_t generation = 0;
    uint32_t depth = 0;
  };
  struct TimerTask {
    enum class Kind {
      pace,
      rollover,
      reconnect,
      deadline,
      snapshot_retry,
      watch,
      snapshot_pace
    } kind = Kind::pace;
    Family family = Family::spot;
    uint64_t conn = 0;
    std::string market;
    uint64_t generation = 0;
  };

  // Markets.
  void finish_exchange_info(const HttpTask& task, const sdk::HttpResponse& r);
  const Market* find_market(std::string_view symbol) const;

  // Connections and control messages.
  FamilyState& fam(Family f) { return families_[static_cast<size_t>(f)]; }
  bool locate(uint64_t conn, Family& f, bool& standby);
  sdk::Status open_connection(Family f, bool standby);
  void enqueue(Family f, bool subscribe, const std::string& stream);
  void flush(Family f, Connection& c);
  // Control messages at most 2/3 of the venue's limit in any 1 s window, leaving room for pongs
  // and probes: spot allows 5/s (at most 3 here), futures 10/s (at most 6).
  uint32_t pace_ms(Family f) const { return f == Family::spot ? 350 : 175; }
  void close_connection(Connection& c);
  void connection_lost(Family f);
  void schedule_reconnect(Family f);
  void maybe_switch(Family f);
  void switch_over(Family f);
  uint64_t start_timer(uint32_t delay_ms, TimerTask task);
  void cancel_timer(uint64_t& timer_id);

  // Books.
  void on_depth(Family f, bool standby, DepthDiff& diff, std::string_view symbol);
  void feed_live(Book& b, const DepthDiff& d);
  void request_snapshot(Book& b);
  void send_snapshot_request(Book& b);
  uint32_t snapshot_weight_in_window(int64_t now_us);
  void drain_snapshot_queue();
  void watch(Family f);
  void finish_snapshot(const HttpTask& task, const sdk::HttpResponse& r);
  void snapshot_failed(Book& b, std::string_view why);
  void resync(Book& b, uint32_t reason);
  void update_shadow(Book& b);
  void emit_update(Book& b, const DepthDiff& d);

  // Trades.
  void on_trade(Family f, bool standby, Frame& frame);
  void emit_trade(TradeSub& t, const AggTrade& a);

  void finish_orderbook(const HttpTask& task, const sdk::HttpResponse& r);

  std::string family_market_key(Family f, std::string_view venue_symbol) const;

  Config config_;
  std::map<std::string, Market, std::less<>> markets_;        // by normalized symbol
  std::map<std::string, std::string, std::less<>> by_venue_;  // family|SYMBOL -> symbol
  std::array<FamilyState, kFamilyCount> families_;
  std::map<std::string, Book, std::less<>> books_;       // by normalized symbol
  std::map<std::string, TradeSub, std::less<>> trades_;  // by normalized symbol
  std::map<uint64_t, ListCall> list_calls_;
  std::map<uint64_t, HttpTask> http_tasks_;
  std::map<uint64_t, TimerTask> timer_tasks_;  // by token
  std::map<uint64_t, uint64_t> timer_ids_;     // token -> host timer id
  // Depth snapshot weight spent in the last minute (answer time, weight), the weight of requests
  // not answered yet (by token), and books waiting for weight. A spend counts from when it is
  // sent until a minute after its answer: the venue counts it on arrival, which queueing in the
  // host can delay past the send.
  std::deque<std::pair<int64_t, uint32_t>> snapshot_weights_;
  std::map<uint64_t, uint32_t> snapshot_in_flight_;
  std::deque<std::string> snapshot_queue_;
  uint64_t snapshot_pace_timer_ = 0;
  uint64_t next_token_ = 1;
  int64_t next_request_id_ = 1;
  FrameDecoder decoder_;
  Frame frame_;
};

}  // namespace astra::binance
