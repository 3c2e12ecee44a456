// The KuCoin connector: market lists, REST books, and streamed level-2 books and trades for spot
// and futures. Sans-I/O: every request, socket and timer goes through the host.
//
// One WebSocket per family. Its URL is dynamic: POST /api/v1/bullet-public returns a token and
// an instance server (endpoint, pingInterval, pingTimeout); the connection is
// `<endpoint>?token=…&connectId=…`, subscriptions go out only after the `welcome` message, and a
// JSON ping is sent every pingInterval (a missing pong within pingTimeout drops the connection).
// Books follow KuCoin's buffer + snapshot + sequenceStart/End rules (book_sync.hpp).
#pragma once

#include "book_sync.hpp"
#include "config.hpp"
#include "frames.hpp"
#include "markets.hpp"

#include <astra/connector.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace astra::kucoin {

class KucoinConnector : public sdk::Connector {
 public:
  KucoinConnector(sdk::Host host, std::string_view config_json);
  ~KucoinConnector() override;

  void on_http_response(uint64_t token, const sdk::HttpResponse& response) override;
  void on_ws_open(uint64_t conn) override;
  void on_ws_message(uint64_t conn, std::string_view data, bool binary) override;
  void on_ws_close(uint64_t conn, int32_t code, std::string_view reason) override;
  void on_timer(uint64_t token) override;

  sdk::Status list_markets(uint64_t call_id) override;
  sdk::Status get_orderbook(uint64_t call_id, std::string_view market, uint32_t depth) override;
  sdk::Status subscribe(std::string_view market, uint32_t data_type) override;
  sdk::Status unsubscribe(std::string_view market, uint32_t data_type) override;

  static constexpr size_t kMaxTopicsPerMessage = 100;  // KuCoin's limit per subscribe

 private:
  enum class Phase { idle, token, connecting, open, ready };
  struct FamilyState {
    Phase phase = Phase::idle;
    uint64_t conn = 0;
    uint32_t ping_interval_ms = 18000;
    uint32_t ping_timeout_ms = 10000;
    uint64_t ping_timer = 0;
    uint64_t pong_deadline = 0;  // running while a ping is unanswered
    bool keepalive = true;       // JSON pings (false on a configured endpoint: no contract)
    uint32_t reconnects = 0;
    uint64_t reconnect_timer = 0;
    uint64_t bullet_generation = 0;
    std::set<std::string> books;   // venue symbols with a level2 subscription
    std::set<std::string> trades;  // venue symbols with a match subscription
  };
  struct Book {
    std::string market;
    const Market* info = nullptr;
    BookSync sync;
    bool announced = false;  // a SNAPSHOT went out since the last RESET
    uint64_t generation = 0;
    bool snapshot_pending = false;
    uint32_t snapshot_failures = 0;
    uint64_t retry_timer = 0;
  };
  struct ListCall {
    int remaining = 0;
    std::vector<Market> parsed;
    std::string errors;
  };
  struct HttpTask {
    enum class Kind { markets, bullet, snapshot, orderbook } kind = Kind::markets;
    Family family = Family::spot;
    uint64_t call_id = 0;
    std::string market;
    uint64_t generation = 0;
    uint32_t depth = 0;
  };
  struct TimerTask {
    enum class Kind { ping, pong_deadline, reconnect, snapshot_retry } kind = Kind::ping;
    Family family = Family::spot;
    std::string market;
  };

  const Market* find_market(std::string_view symbol) const;
  const Market* find_venue(Family f, std::string_view venue_symbol) const;
  FamilyState& fam(Family f) { return families_[static_cast<size_t>(f)]; }
  bool locate(uint64_t conn, Family& f);

  // Markets.
  void finish_markets(const HttpTask& task, const sdk::HttpResponse& r);

  // Connection: token, open, welcome, pings.
  void request_token(Family f);
  void finish_token(const HttpTask& task, const sdk::HttpResponse& r);
  // ws_open of `url` (+ token when not empty, + connectId); false when the host refuses.
  bool open_socket(Family f, std::string url, std::string_view token);
  void on_welcome(Family f);
  void send_topics(Family f, bool subscribe, std::string_view prefix,
                   const std::vector<std::string>& symbols);
  void send_ping(Family f);
  void connection_lost(Family f, std::string_view why);
  void schedule_reconnect(Family f);
  uint64_t start_timer(uint32_t delay_ms, TimerTask task);
  void cancel_timer(uint64_t& token);

  // Books.
  void on_level2(Family f, const Frame& frame);
  void request_snapshot(Book& b);
  void finish_snapshot(const HttpTask& task, const sdk::HttpResponse& r);
  void snapshot_failed(Book& b, std::string_view why);
  void resync(Book& b, uint32_t reason);
  void emit_applied(Book& b, const Applied& a);
  std::string snapshot_url(const Market& m, uint32_t depth) const;

  void on_trade(Family f, const Frame& frame);
  void finish_orderbook(const HttpTask& task, const sdk::HttpResponse& r);

  Config config_;
  std::map<std::string, Market, std::less<>> markets_;        // by normalized symbol
  std::map<std::string, std::string, std::less<>> by_venue_;  // family|venue symbol -> symbol
  std::array<FamilyState, kFamilyCount> families_;
  std::map<std::string, Book, std::less<>> books_;          // by normalized symbol
  std::map<std::string, std::string, std::less<>> trades_;  // normalized symbol -> itself
  std::map<uint64_t, ListCall> list_calls_;
  std::map<uint64_t, HttpTask> http_tasks_;
  std::map<uint64_t, TimerTask> timer_tasks_;  // by token
  std::map<uint64_t, uint64_t> timer_ids_;     // token -> host timer id
  uint64_t next_token_ = 1;
  uint64_t next_message_id_ = 1;
  FrameDecoder decoder_;
  Frame frame_;
};

}  // namespace astra::kucoin
