// The Kraken connector: market lists, REST books, and streamed books and trades for spot
// (WebSocket v2, or v1 when configured) and Kraken Futures. Sans-I/O: every request, socket and
// timer goes through the host.
//
// One WebSocket per family. Spot books are verified with Kraken's CRC32 on every message that
// carries one; a mismatch resets that market only (RESET(CHECKSUM)) and resubscribes that one
// symbol, whose fresh snapshot follows as a new SNAPSHOT. Futures books follow `seq`: a gap
// resets and resubscribes that product. update_id: futures `seq`; spot 0 (the host counts).
#pragma once

#include "book_sync.hpp"
#include "config.hpp"
#include "frames.hpp"
#include "markets.hpp"

#include <astra/connector.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace astra::kraken {

class KrakenConnector : public sdk::Connector {
 public:
  KrakenConnector(sdk::Host host, std::string_view config_json);
  ~KrakenConnector() override;

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
  struct Connection {
    uint64_t id = 0;  // 0: none
    bool open = false;
    uint32_t reconnects = 0;       // consecutive failures (backoff)
    uint64_t reconnect_timer = 0;  // host timer id; 0: none
    int64_t last_recv_us = 0;      // spot: the last frame received (stall watch)
    uint64_t watch_timer = 0;      // host timer id; 0: none
  };
  struct Book {
    std::string market;
    const Market* info = nullptr;
    SpotBook spot;
    SeqCheck seq;
    bool live = false;       // a snapshot was applied on the current subscription
    bool announced = false;  // a SNAPSHOT went out since the last RESET
    Book(const Market* m, uint32_t depth) : market(m->symbol), info(m), spot(-1, -1, depth) {}
  };
  struct TradeSub {
    std::string market;
    const Market* info = nullptr;
    bool has_seq = false;
    uint64_t last_seq = 0;  // futures: highest trade seq seen (no repeats across resubscribes)
  };
  struct ListCall {
    int remaining = 0;
    int failed = 0;
    std::string errors;
  };
  struct HttpTask {
    enum class Kind { markets, orderbook } kind = Kind::markets;
    Family family = Family::spot;
    uint64_t call_id = 0;
    std::string market;
    uint32_t depth = 0;
  };

  // Markets.
  void finish_markets(const HttpTask& task, const sdk::HttpResponse& r);
  const Market* find_market(std::string_view symbol) const;
  const std::string& stream_name(const Market& m) const;
  std::string stream_key(Family f, std::string_view name) const;

  // Connections and subscriptions.
  Connection& conn_of(Family f) { return conns_[static_cast<size_t>(f)]; }
  bool locate(uint64_t conn, Family& f) const;
  Protocol protocol_of(Family f) const;
  void ensure_connection(Family f);
  void schedule_reconnect(Family f);
  void start_watch(Family f);
  void watch(Family f);
  void connection_lost(Family f);
  std::string request(const Market& m, bool book, bool subscribe);
  void send(Family f, const std::string& text);

  // Books and trades.
  void on_book(Family f, const BookPart& part);
  void on_spot_book(Book& b, const BookPart& part);
  void on_futures_book(Book& b, const BookPart& part);
  void resync(Book& b, uint32_t reason);
  void on_trades(Family f, const Frame& frame);

  void finish_orderbook(const HttpTask& task, const sdk::HttpResponse& r);

  Config config_;
  std::map<std::string, Market, std::less<>> markets_;         // by normalized symbol
  std::map<std::string, std::string, std::less<>> by_stream_;  // family|stream name -> symbol
  std::array<Connection, kFamilyCount> conns_;
  std::map<std::string, Book, std::less<>> books_;       // by normalized symbol
  std::map<std::string, TradeSub, std::less<>> trades_;  // by normalized symbol
  std::map<uint64_t, ListCall> list_calls_;
  std::map<uint64_t, HttpTask> http_tasks_;
  std::map<uint64_t, Family> reconnect_tokens_;  // timer token -> family
  std::map<uint64_t, Family> watch_tokens_;      // timer token -> family
  uint64_t next_token_ = 1;
  int64_t next_req_id_ = 1;
  FrameDecoder decoder_;
  Frame frame_;
  std::vector<astra_book_level> bids_, asks_;  // reused event buffers
};

}  // namespace astra::kraken
