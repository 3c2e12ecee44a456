// The Coinbase connector: market lists, REST books, and streamed books and trades from either
// Advanced Trade (default) or the Exchange feed. Sans-I/O: every request, socket and timer goes
// through the host.
//
// Exchange: one WebSocket; level2 (snapshot + l2update, no sequence numbers: update_id 0) and
// matches (taker side = opposite of the maker `side`).
// Advanced Trade: `sequence_num` counts every envelope of a connection across channels, so each
// book gets its own connection (level2 + heartbeats for that product): a gap there is a loss for
// that product only -> RESET(GAP), unsubscribe + subscribe that product, fresh snapshot. Trades
// share one connection (market_trades + heartbeats).
#pragma once

#include "book_sync.hpp"
#include "config.hpp"
#include "frames.hpp"
#include "markets.hpp"

#include <astra/connector.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace astra::coinbase {

class CoinbaseConnector : public sdk::Connector {
 public:
  CoinbaseConnector(sdk::Host host, std::string_view config_json);
  ~CoinbaseConnector() override;

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
  // A WebSocket and what it carries. Role "": the shared connection (Exchange: everything;
  // Advanced: trades). Advanced book connections have the book's symbol as role.
  struct Connection {
    std::string role;
    uint64_t id = 0;  // 0: none
    bool open = false;
    uint32_t reconnects = 0;       // consecutive failures (backoff)
    uint64_t reconnect_timer = 0;  // host timer id; 0: none
    SequenceCheck seq;             // advanced sequence_num
    int64_t last_recv_us = 0;      // the last frame received (stall watch)
    uint64_t watch_timer = 0;      // host timer id; 0: none
  };
  struct BookSub {
    std::string market;
    const Market* info = nullptr;
    Book book;
    bool live = false;       // a snapshot was applied on the current subscription
    bool announced = false;  // a SNAPSHOT went out since the last RESET
  };
  struct HttpTask {
    enum class Kind { markets, orderbook } kind = Kind::markets;
    uint64_t call_id = 0;
    std::string market;
    uint32_t depth = 0;
  };
  // A market list being read page by page (Advanced Trade cursor paging).
  struct ListCall {
    std::vector<Market> markets;
    std::vector<std::string> cursors;  // cursors requested so far (a repeat stops the loop)
  };

  bool advanced() const noexcept { return config_.feed == Feed::advanced; }
  const Market* find_market(std::string_view symbol) const;
  std::string book_role(const std::string& market) const { return advanced() ? market : ""; }
  bool wanted(const std::string& role) const;
  Connection* find_conn(uint64_t id);
  void ensure_connection(const std::string& role);
  void schedule_reconnect(Connection& c);
  void start_watch(Connection& c);
  void stop_watch(Connection& c);
  void watch(const std::string& role);
  void connection_lost(Connection& c);
  std::string request(const Market& m, bool book, bool subscribe) const;
  std::string heartbeats(const std::vector<std::string>& products) const;
  void send(const std::string& role, const std::string& text);

  sdk::Status request_markets(uint64_t call_id, const std::string& cursor);
  void finish_markets(const HttpTask& task, const sdk::HttpResponse& r);
  void complete_markets(uint64_t call_id, std::vector<Market> parsed);
  void finish_orderbook(const HttpTask& task, const sdk::HttpResponse& r);
  void on_book(const BookPart& part);
  void resync(BookSub& b, uint32_t reason);
  void on_trades(const Frame& frame);

  Config config_;
  std::map<std::string, Market, std::less<>> markets_;          // by normalized symbol
  std::map<std::string, std::string, std::less<>> by_product_;  // product id -> symbol
  std::map<std::string, Connection, std::less<>> conns_;        // by role
  std::map<std::string, BookSub, std::less<>> books_;           // by normalized symbol
  std::map<std::string, const Market*, std::less<>> trades_;    // by normalized symbol
  std::map<uint64_t, HttpTask> http_tasks_;
  std::map<uint64_t, ListCall> list_calls_;
  std::map<uint64_t, std::string> reconnect_tokens_;  // timer token -> role
  std::map<uint64_t, std::string> watch_tokens_;      // timer token -> role
  uint64_t next_token_ = 1;
  FrameDecoder decoder_;
  Frame frame_;
  std::vector<astra_book_level> bids_, asks_;  // reused event buffers
};

}  // namespace astra::coinbase
