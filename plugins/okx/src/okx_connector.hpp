// The OKX connector (API v5): market lists, REST books, and streamed books and trades for spot,
// perpetual swaps, dated futures and options. Sans-I/O: every request, socket and timer goes
// through the host.
//
// One public WebSocket (<ws>/ws/v5/public) carries every subscription; subscribe/unsubscribe
// requests are batched and paced under OKX's limit of 480 per hour per connection. Books follow
// book_sync.hpp: the WebSocket snapshot when the venue sends one, else a REST snapshot bridged by
// seqId; checksums verified whenever non-zero. A broken book of the 2022 protocol (no seqId) is
// resubscribed, which makes the venue send a new snapshot; a sequenced one resyncs from REST.
// The connection is kept alive with the text "ping" after 25 s without data; no "pong" (or any
// data) within 5 s means it is dead: RESET(DISCONNECT), reconnect, resubscribe. (Those are 5/6
// and 1/6 of config heartbeat_ms, 30 s: OKX's own idle limit.)
#pragma once

#include "book_sync.hpp"
#include "config.hpp"
#include "frames.hpp"
#include "markets.hpp"

#include <astra/connector.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace astra::okx {

class OkxConnector : public sdk::Connector {
 public:
  OkxConnector(sdk::Host host, std::string_view config_json);
  ~OkxConnector() override;

  void on_http_response(uint64_t token, const sdk::HttpResponse& response) override;
  void on_ws_open(uint64_t conn) override;
  void on_ws_message(uint64_t conn, std::string_view data, bool binary) override;
  void on_ws_close(uint64_t conn, int32_t code, std::string_view reason) override;
  void on_timer(uint64_t token) override;

  sdk::Status list_markets(uint64_t call_id) override;
  sdk::Status get_orderbook(uint64_t call_id, std::string_view market, uint32_t depth) override;
  sdk::Status subscribe(std::string_view market, uint32_t data_type) override;
  sdk::Status unsubscribe(std::string_view market, uint32_t data_type) override;

  static constexpr uint32_t kPaceMs = 500;        // between two subscribe/unsubscribe requests
  static constexpr size_t kHourlyRequests = 450;  // OKX allows 480 per hour per connection
  static constexpr size_t kMaxArgsPerRequest = 100;
  static constexpr uint32_t kSnapshotDepth = 400;  // the `books` channel's depth

 private:
  using Arg = std::pair<std::string, std::string>;  // channel, instId
  struct Op {
    bool subscribe = true;
    Arg arg;
  };
  struct Connection {
    uint64_t id = 0;
    bool open = false;
    std::deque<Op> queue;         // not sent yet (paced)
    std::deque<int64_t> sent_us;  // when each request of the last hour went out
    uint64_t pace_timer = 0;
    int64_t last_recv_us = 0;
    bool ping_outstanding = false;
    int64_t ping_sent_us = 0;
    uint64_t idle_timer = 0;
  };
  struct Book {
    std::string market;
    const Market* info = nullptr;
    BookSync sync;
    bool announced = false;   // a SNAPSHOT went out since the last RESET
    uint64_t generation = 0;  // bumps when in-flight REST snapshots become irrelevant
    bool snapshot_pending = false;
    uint32_t snapshot_failures = 0;
    uint64_t retry_timer = 0;
  };
  struct ListCall {
    int remaining = 0;
    int failed = 0;
    std::vector<Market> parsed;
    std::set<std::string> sources_ok;
    std::string errors;
  };
  struct HttpTask {
    enum class Kind { instruments, snapshot, orderbook } kind = Kind::instruments;
    uint64_t call_id = 0;
    InstType inst_type = InstType::spot;
    std::string source;  // instruments: instType[&uly]
    std::string market;
    uint64_t generation = 0;
    uint32_t depth = 0;
  };
  struct TimerTask {
    enum class Kind { pace, idle, reconnect, snapshot_retry } kind = Kind::pace;
    std::string market;
  };

  // Markets.
  void finish_instruments(const HttpTask& task, const sdk::HttpResponse& r);
  void complete_list(uint64_t call_id, ListCall& call);
  const Market* find_market(std::string_view symbol) const;

  // The connection and its control messages.
  sdk::Status open_connection();
  void enqueue(bool subscribe, const Arg& arg);
  void flush();
  void close_connection();
  void connection_lost();
  void schedule_reconnect();
  void on_idle_timer();
  uint32_t idle_ping_ms() const { return config_.heartbeat_ms / 6 * 5; }
  uint32_t pong_timeout_ms() const { return config_.heartbeat_ms / 6; }
  uint64_t start_timer(uint32_t delay_ms, TimerTask task);
  void cancel_timer(uint64_t& token);

  // Books.
  void on_books(Frame& frame);
  void handle(Book& b, SyncOutput& out);
  void restart_book(Book& b, uint32_t reason);
  void request_snapshot(Book& b);
  void snapshot_failed(Book& b, std::string_view why, uint32_t delay_ms = 0);
  void finish_snapshot(const HttpTask& task, const sdk::HttpResponse& r);

  void on_trades(const Frame& frame);
  void finish_orderbook(const HttpTask& task, const sdk::HttpResponse& r);

  Config config_;
  std::map<std::string, Market, std::less<>> markets_;       // by normalized symbol
  std::map<std::string, std::string, std::less<>> by_inst_;  // instId -> symbol
  std::optional<Connection> conn_;
  std::set<Arg> wanted_;  // what the connection should carry
  uint32_t reconnects_ = 0;
  uint64_t reconnect_timer_ = 0;
  std::map<std::string, Book, std::less<>> books_;  // by normalized symbol
  std::set<std::string, std::less<>> trades_;       // subscribed trade markets
  std::map<uint64_t, ListCall> list_calls_;
  std::map<uint64_t, HttpTask> http_tasks_;
  std::map<uint64_t, TimerTask> timer_tasks_;  // by token
  std::map<uint64_t, uint64_t> timer_ids_;     // token -> host timer id
  uint64_t next_token_ = 1;
  FrameDecoder decoder_;
  Frame frame_;
  SyncOutput out_;
};

}  // namespace astra::okx
