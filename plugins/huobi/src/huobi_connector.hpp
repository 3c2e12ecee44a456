// The HTX (Huobi) connector, market data: market lists, REST books, and streamed books and
// trades for spot, coin-margined futures and swaps, and USDT-margined swaps. Sans-I/O: every
// request, socket and timer goes through the host.
//
// One market WebSocket per family (spot /ws, /ws, /swap-ws, /linear-swap-ws), plus spot /feed for
// mbp books. Frames are gzip; pings are answered with the same number. Books are `depth.step0`
// full pushes (FullBook: SNAPSHOT, then diffs as UPDATEs) or, for spot with spot_book "mbp",
// incremental `mbp` pushes bridged from a snapshot requested on the /feed connection (MbpSync).
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

namespace astra::huobi {

class HuobiConnector : public sdk::Connector {
 public:
  HuobiConnector(sdk::Host host, std::string_view config_json);
  ~HuobiConnector() override;

  void on_http_response(uint64_t token, const sdk::HttpResponse& response) override;
  void on_ws_open(uint64_t conn) override;
  void on_ws_message(uint64_t conn, std::string_view data, bool binary) override;
  void on_ws_close(uint64_t conn, int32_t code, std::string_view reason) override;
  void on_timer(uint64_t token) override;

  sdk::Status list_markets(uint64_t call_id) override;
  sdk::Status get_orderbook(uint64_t call_id, std::string_view market, uint32_t depth) override;
  sdk::Status subscribe(std::string_view market, uint32_t data_type) override;
  sdk::Status unsubscribe(std::string_view market, uint32_t data_type) override;

 private:
  // The WebSocket connections: one per family, plus the spot mbp feed.
  enum class LinkId { spot_ws = 0, spot_feed, futures_ws, swap_ws, linear_ws };
  static constexpr size_t kLinkCount = 5;
  struct Link {
    uint64_t conn = 0;  // 0: none
    bool open = false;
    std::set<std::string> topics;  // what should be subscribed
    uint32_t reconnects = 0;       // consecutive failures (backoff)
    uint64_t reconnect_timer = 0;  // token
    int64_t next_req_us = 0;       // earliest time of the next snapshot req (venue limit)
    int64_t last_recv_us = 0;      // the last frame received (stall watch)
    uint64_t watch_timer = 0;      // token
  };
  static constexpr int64_t kReqIntervalUs = 100'000;
  struct Book {
    Market info;
    LinkId link{};
    std::string topic;
    bool mbp = false;
    FullBook full;
    MbpSync sync;
    bool announced = false;   // a SNAPSHOT went out since the last RESET
    uint64_t last_id = 0;     // update id of the last event emitted
    std::string pending_req;  // id of the snapshot request in flight; "" when none
    uint64_t retry_timer = 0;
  };
  struct TradeSub {
    Market info;
    LinkId link{};
    std::string topic;
  };
  struct ListCall {
    int remaining = 0;
    std::vector<Market> markets;
    std::string errors;
    sdk::Status status = ASTRA_OK;
  };
  struct HttpTask {
    enum class Kind { markets, orderbook } kind = Kind::markets;
    Family family = Family::spot;
    uint64_t call_id = 0;
    std::string market;
    uint32_t depth = 0;
  };
  struct TimerTask {
    enum class Kind { reconnect, snapshot_retry, watch } kind = Kind::reconnect;
    LinkId link{};
    std::string market;
  };

  Link& link(LinkId id) { return links_[static_cast<size_t>(id)]; }
  LinkId link_of(Family f, bool feed) const;
  std::string_view url_of(LinkId id) const;
  bool locate(uint64_t conn, LinkId& id) const;
  std::string route_key(LinkId id, std::string_view topic) const;

  void add_topic(LinkId id, const std::string& topic, const std::string& market);
  void remove_topic(LinkId id, const std::string& topic);
  sdk::Status open_link(LinkId id);
  void send_sub(LinkId id, const std::string& topic, bool subscribe);
  void link_lost(LinkId id);
  void schedule_reconnect(LinkId id);
  void watch(LinkId id);
  uint64_t start_timer(uint32_t delay_ms, TimerTask task);
  void cancel_timer(uint64_t& token);

  void on_full_book(LinkId id);
  void on_mbp_update(LinkId id);
  void on_mbp_snapshot(LinkId id);
  void on_trades(LinkId id);
  void on_venue_error(LinkId id);
  Book* book_of(LinkId id, std::string_view topic);
  void request_snapshot(Book& b);
  void resync(Book& b, uint32_t reason);
  void emit_update(Book& b, const MbpUpdate& u);

  void finish_markets(const HttpTask& task, const sdk::HttpResponse& r);
  void finish_orderbook(const HttpTask& task, const sdk::HttpResponse& r);

  Config config_;
  std::map<std::string, Market, std::less<>> markets_;  // by normalized symbol
  std::array<Link, kLinkCount> links_;
  std::map<std::string, Book, std::less<>> books_;          // by normalized symbol
  std::map<std::string, TradeSub, std::less<>> trades_;     // by normalized symbol
  std::map<std::string, std::string, std::less<>> routes_;  // link|lower(topic) -> symbol
  std::map<uint64_t, ListCall> list_calls_;
  std::map<uint64_t, HttpTask> http_tasks_;
  std::map<uint64_t, TimerTask> timer_tasks_;  // by token
  std::map<uint64_t, uint64_t> timer_ids_;     // token -> host timer id
  uint64_t next_token_ = 1;
  uint64_t next_request_id_ = 1;
  FrameDecoder decoder_;
  Frame frame_;
  std::vector<astra_book_level> bids_, asks_;  // scratch for emitted events
  MbpUpdate update_;                           // scratch for the mbp push being handled
};

}  // namespace astra::huobi
