// fakegood: a small, well-behaved connector for the host's adapter tests. Its behaviour is fixed
// and simple so that tests can check what the host does with each call:
//   list_markets   completes at once with two markets (BTCUSDT, ETHUSDT)
//   get_orderbook  GET <http_url>/depth?symbol=BTCUSDT&limit=N, completes with the body
//   subscribe      opens <ws_url> once, sends "SUB <market> <type>" when open
//   ws text "book" -> a snapshot, "update" -> an update, "trade" -> a trade, "gap" -> a reset and
//   a gap count; anything else counts a bad frame. Binary frames count a bad frame.
//   get_positions  starts a 5 ms timer, completes "[]" when it fires
//   place_order    completes with the lengths of the credentials (never their values)
//   list_orders    refuses (UNAUTHENTICATED) without completing
//   get_balances   completes twice (the host must ignore the second)
//   list_fills     throws (the SDK turns it into ASTRA_E_INTERNAL)
//   cancel_order   completes, then returns REJECTED (a contract violation the host survives)
#include <astra/connector.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace {

constexpr std::string_view kMarket = "FAKEGOOD-SPOT-BTC-USDT";

// The value of "key":"value" in a flat JSON object, or empty.
std::string string_field(std::string_view json, std::string_view key) {
  const std::string needle = "\"" + std::string(key) + "\":\"";
  const auto at = json.find(needle);
  if (at == std::string_view::npos) return {};
  const auto start = at + needle.size();
  const auto end = json.find('"', start);
  return end == std::string_view::npos ? std::string()
                                       : std::string(json.substr(start, end - start));
}

astra_decimal dec(int64_t mantissa, int32_t exponent) {
  return astra_decimal{mantissa, exponent};
}

}  // namespace

class FakeGood : public astra::sdk::Connector {
 public:
  FakeGood(astra::sdk::Host host, std::string_view config)
      : Connector(host),
        http_url_(string_field(config, "http_url")),
        ws_url_(string_field(config, "ws_url")) {
    // Defaults that only a replay can answer (no such host is ever contacted).
    if (http_url_.empty()) http_url_ = "https://fake.invalid";
    if (ws_url_.empty()) ws_url_ = "wss://fake.invalid/stream";
    host.log(ASTRA_LOG_INFO, "fakegood created");
  }

  astra_status list_markets(uint64_t call_id) override {
    host().complete(call_id, ASTRA_OK,
                    "[{\"symbol\":\"FAKEGOOD-SPOT-BTC-USDT\",\"venueSymbol\":\"BTCUSDT\"},"
                    "{\"symbol\":\"FAKEGOOD-SPOT-ETH-USDT\",\"venueSymbol\":\"ETHUSDT\"}]");
    return ASTRA_OK;
  }

  astra_status get_orderbook(uint64_t call_id, std::string_view market, uint32_t depth) override {
    if (market != kMarket) return ASTRA_E_NOT_FOUND;
    astra::sdk::HttpRequest r;
    r.url = http_url_ + "/depth?symbol=BTCUSDT&limit=" + std::to_string(depth);
    r.weight = 5;
    return host().http_request(r, call_id);
  }

  void on_http_response(uint64_t token, const astra::sdk::HttpResponse& r) override {
    if (r.ok()) {
      host().complete(token, ASTRA_OK, r.body);
    } else {
      host().complete_error(token, r.error != ASTRA_OK ? r.error : ASTRA_E_UPSTREAM, "upstream",
                            "status " + std::to_string(r.status));
    }
  }

  astra_status subscribe(std::string_view market, uint32_t type) override {
    if (market != kMarket) return ASTRA_E_NOT_FOUND;
    pending_subs_.push_back("SUB " + std::string(market) + " " + std::to_string(type));
    if (conn_ == 0) {
      const astra_status s = host().ws_open(ws_url_, conn_);
      if (s != ASTRA_OK) return s;
    } else if (open_) {
      flush();
    }
    return ASTRA_OK;
  }

  astra_status unsubscribe(std::string_view market, uint32_t) override {
    return market == kMarket ? ASTRA_OK : ASTRA_E_NOT_FOUND;
  }

  void on_ws_open(uint64_t conn) override {
    if (conn != conn_) return;
    open_ = true;
    flush();
  }

  void on_ws_message(uint64_t, std::string_view data, bool binary) override {
    if (binary) {
      host().count(ASTRA_COUNT_BAD_FRAME, kMarket);
      return;
    }
    if (data == "book") {
      ++update_id_;
      host().emit_book(ASTRA_BOOK_SNAPSHOT, kMarket, update_id_, 1'700'000'000'000'000,
                       {{dec(1005, -1), dec(2, 0)}}, {{dec(10125, -2), dec(15, -1)}});
      host().count(ASTRA_COUNT_CHECKSUM_OK, kMarket);
    } else if (data == "update") {
      ++update_id_;
      host().emit_book(ASTRA_BOOK_UPDATE, kMarket, update_id_, 0, {{dec(1005, -1), dec(0, 0)}}, {});
    } else if (data == "trade") {
      astra_trade t{dec(1010, -1), dec(3, -1), ASTRA_SIDE_BUY, 1'700'000'000'000'000,
                    astra::sdk::str("t1")};
      host().emit_trades(kMarket, &t, 1);
    } else if (data == "gap") {
      host().count(ASTRA_COUNT_GAP, kMarket);
      host().emit_reset(kMarket, ASTRA_RESET_GAP);
    } else {
      host().count(ASTRA_COUNT_BAD_FRAME, kMarket);
    }
  }

  void on_ws_close(uint64_t conn, int32_t code, std::string_view reason) override {
    if (conn != conn_) return;
    conn_ = 0;
    open_ = false;
    host().log(ASTRA_LOG_WARN,
               "fakegood stream closed: " + std::to_string(code) + " " + std::string(reason));
  }

  astra_status get_positions(uint64_t call_id, const astra::sdk::Credentials&,
                             std::string_view) override {
    host().timer_start(5, call_id);
    return ASTRA_OK;
  }
  void on_timer(uint64_t token) override { host().complete(token, ASTRA_OK, "[]"); }

  astra_status place_order(uint64_t call_id, const astra::sdk::Credentials& c,
                           std::string_view params) override {
    host().complete(call_id, ASTRA_OK,
                    "{\"apiKeyLength\":" + std::to_string(c.api_key.size()) +
                        ",\"secretLength\":" + std::to_string(c.api_secret.size()) +
                        ",\"passphraseLength\":" + std::to_string(c.passphrase.size()) +
                        ",\"params\":" + std::string(params) + "}");
    return ASTRA_OK;
  }
  astra_status list_orders(uint64_t, const astra::sdk::Credentials&, std::string_view) override {
    return ASTRA_E_UNAUTHENTICATED;
  }
  astra_status get_balances(uint64_t call_id, const astra::sdk::Credentials&,
                            std::string_view) override {
    host().complete(call_id, ASTRA_OK, "[]");
    host().complete(call_id, ASTRA_OK, "[\"second\"]");
    return ASTRA_OK;
  }
  astra_status list_fills(uint64_t, const astra::sdk::Credentials&, std::string_view) override {
    throw std::runtime_error("fakegood list_fills always throws");
  }
  astra_status cancel_order(uint64_t call_id, const astra::sdk::Credentials&,
                            std::string_view) override {
    host().complete(call_id, ASTRA_OK, "{\"cancelled\":true}");
    return ASTRA_E_REJECTED;
  }

 private:
  void flush() {
    for (const auto& s : pending_subs_)
      host().ws_send(conn_, s);
    pending_subs_.clear();
  }

  std::string http_url_;
  std::string ws_url_;
  uint64_t conn_ = 0;
  bool open_ = false;
  uint64_t update_id_ = 0;
  std::vector<std::string> pending_subs_;
};

ASTRA_CONNECTOR(FakeGood, "fakegood", "FAKEGOOD", "1.2.3",
                ASTRA_CAP_SPOT | ASTRA_CAP_ORDERBOOK | ASTRA_CAP_TRADES | ASTRA_CAP_ORDERS)
