#include "coinbase_connector.hpp"

#include <astra/sdk/decimal.hpp>
#include <astra/sdk/json.hpp>
#include <astra/sdk/l2_book.hpp>
#include <astra/sdk/url.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace astra::coinbase {

namespace {

using json = nlohmann::json;

constexpr uint32_t kMaxReconnectDelayMs = 30'000;

std::string markets_path(Feed f) {
  return f == Feed::advanced ? "/api/v3/brokerage/market/products" : "/products";
}

// Maps a failed REST exchange (transport or HTTP status) to a status and an error body.
std::pair<sdk::Status, std::string> rest_error(const sdk::HttpResponse& r, std::string_view what) {
  if (r.error != ASTRA_OK)
    return {r.error, sdk::error_json("venue_unreachable", std::string(what) + ": no response")};
  const std::string message = std::string(what) + ": HTTP " + std::to_string(r.status);
  if (r.status == 429)
    return {ASTRA_E_RESOURCE_EXHAUSTED, sdk::error_json("rate_limited", message)};
  if (r.status >= 500) return {ASTRA_E_UNAVAILABLE, sdk::error_json("venue_unavailable", message)};
  return {ASTRA_E_UPSTREAM, sdk::error_json("venue_error", message)};
}

std::string text_of(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return v.dump();
  return {};
}

}  // namespace

CoinbaseConnector::CoinbaseConnector(sdk::Host host, std::string_view config_json)
    : sdk::Connector(host), config_(parse_config(config_json)) {}

CoinbaseConnector::~CoinbaseConnector() {
  for (auto& [role, c] : conns_) {
    if (c.reconnect_timer) host().timer_cancel(c.reconnect_timer);
    if (c.watch_timer) host().timer_cancel(c.watch_timer);
    if (c.id) host().ws_close(c.id);
  }
}

const Market* CoinbaseConnector::find_market(std::string_view symbol) const {
  auto it = markets_.find(symbol);
  return it == markets_.end() ? nullptr : &it->second;
}

// ---------------------------------------------------------------------------------------------
// Markets and REST books
// ---------------------------------------------------------------------------------------------

sdk::Status CoinbaseConnector::list_markets(uint64_t call_id) {
  if (list_calls_.count(call_id)) return ASTRA_E_INVALID_ARGUMENT;
  list_calls_[call_id];
  const sdk::Status s = request_markets(call_id, {});
  if (s != ASTRA_OK) list_calls_.erase(call_id);
  return s;
}

sdk::Status CoinbaseConnector::request_markets(uint64_t call_id, const std::string& cursor) {
  sdk::HttpRequest req;
  req.url = config_.rest + markets_path(config_.feed);
  if (!cursor.empty()) req.url += "?cursor=" + sdk::percent_encode(cursor);
  const uint64_t token = next_token_++;
  http_tasks_[token] = HttpTask{HttpTask::Kind::markets, call_id, {}, 0};
  const sdk::Status s = host().http_request(req, token);
  if (s != ASTRA_OK) http_tasks_.erase(token);
  return s;
}

void CoinbaseConnector::finish_markets(const HttpTask& task, const sdk::HttpResponse& r) {
  auto call = list_calls_.find(task.call_id);
  if (call == list_calls_.end()) return;
  const std::string what = markets_path(config_.feed);
  if (!r.ok()) {
    list_calls_.erase(call);
    auto [status, body] = rest_error(r, what);
    host().complete(task.call_id, status, body);
    return;
  }
  std::string error, cursor;
  const bool ok = advanced() ? parse_advanced_products(r.body, call->second.markets, error, &cursor)
                             : parse_exchange_products(r.body, call->second.markets, error);
  if (!ok) {
    list_calls_.erase(call);
    host().complete_error(task.call_id, ASTRA_E_UPSTREAM, "bad_venue_response",
                          what + ": " + error);
    return;
  }
  // Another page: at most 100, and never the same cursor twice (a venue loop must not hang us).
  auto& seen = call->second.cursors;
  if (!cursor.empty() && seen.size() < 100 &&
      std::find(seen.begin(), seen.end(), cursor) == seen.end()) {
    seen.push_back(cursor);
    if (request_markets(task.call_id, cursor) == ASTRA_OK) return;
    list_calls_.erase(call);
    host().complete_error(task.call_id, ASTRA_E_UNAVAILABLE, "venue_unavailable",
                          what + ": the next page could not be requested");
    return;
  }
  std::vector<Market> parsed = std::move(call->second.markets);
  list_calls_.erase(call);
  complete_markets(task.call_id, std::move(parsed));
}

void CoinbaseConnector::complete_markets(uint64_t call_id, std::vector<Market> parsed) {
  // Replace the list; subscribed markets stay (their subscriptions point at them).
  for (auto m = markets_.begin(); m != markets_.end();) {
    if (books_.count(m->first) || trades_.count(m->first)) {
      ++m;
    } else {
      by_product_.erase(m->second.venue_symbol);
      m = markets_.erase(m);
    }
  }
  for (Market& m : parsed) {
    if (markets_.count(m.symbol)) continue;  // in use, or a duplicate symbol (first wins)
    by_product_[m.venue_symbol] = m.symbol;
    std::string key = m.symbol;
    markets_.emplace(std::move(key), std::move(m));
  }
  std::vector<const Market*> list;
  for (const auto& [symbol, m] : markets_)
    list.push_back(&m);
  host().complete(call_id, ASTRA_OK, markets_json(list));
}

sdk::Status CoinbaseConnector::get_orderbook(uint64_t call_id, std::string_view market,
                                             uint32_t depth) {
  const Market* m = find_market(market);
  if (m == nullptr) return ASTRA_E_NOT_FOUND;
  sdk::HttpRequest req;
  if (advanced()) {
    req.url = config_.rest + "/api/v3/brokerage/market/product_book?product_id=" + m->venue_symbol +
              (depth ? "&limit=" + std::to_string(depth) : "");
  } else {
    req.url = config_.rest + "/products/" + m->venue_symbol + "/book?level=2";
  }
  const uint64_t token = next_token_++;
  http_tasks_[token] = HttpTask{HttpTask::Kind::orderbook, call_id, std::string(market), depth};
  const sdk::Status s = host().http_request(req, token);
  if (s != ASTRA_OK) http_tasks_.erase(token);
  return s;
}

// Exchange {"sequence":n,"bids":[[price,size,orders]],..}; Advanced
// {"pricebook":{"bids":[{"price","size"}],..}}.
void CoinbaseConnector::finish_orderbook(const HttpTask& task, const sdk::HttpResponse& r) {
  if (!r.ok()) {
    auto [status, body] = rest_error(r, "orderbook");
    host().complete(task.call_id, status, body);
    return;
  }
  const json doc = json::parse(r.body, nullptr, false);
  const json* book = &doc;
  if (advanced() && doc.is_object() && doc.contains("pricebook")) book = &doc["pricebook"];
  sdk::L2Book levels;
  bool ok = book->is_object();
  uint64_t update_id = 0;
  if (ok && !advanced()) {
    auto seq = book->find("sequence");
    if (seq != book->end() && seq->is_number_unsigned()) update_id = seq->get<uint64_t>();
  }
  for (const char* side : {"bids", "asks"}) {
    if (!ok) break;
    auto list = book->find(side);
    ok = list != book->end() && list->is_array();
    if (!ok) break;
    for (const json& l : *list) {
      std::string price, size;
      if (l.is_array() && l.size() >= 2) {
        price = text_of(l[0]);
        size = text_of(l[1]);
      } else if (l.is_object()) {
        price = text_of(l.value("price", json()));
        size = text_of(l.value("size", json()));
      }
      const auto s = side[0] == 'b' ? sdk::BookSide::bid : sdk::BookSide::ask;
      if (!(ok = levels.apply(s, price, size))) break;
    }
  }
  if (!ok) {
    host().complete_error(task.call_id, ASTRA_E_UPSTREAM, "bad_venue_response",
                          "orderbook: not a book of decimal prices and sizes");
    return;
  }
  const auto bids = levels.top(sdk::BookSide::bid, task.depth);
  const auto asks = levels.top(sdk::BookSide::ask, task.depth);
  std::string out = "{\"market\":";
  sdk::append_json_string(out, task.market);
  out += ",\"updateId\":" + std::to_string(update_id) + ",\"bids\":";
  sdk::append_json_levels(out, bids.data(), bids.size());
  out += ",\"asks\":";
  sdk::append_json_levels(out, asks.data(), asks.size());
  out += "}";
  host().complete(task.call_id, ASTRA_OK, out);
}

void CoinbaseConnector::on_http_response(uint64_t token, const sdk::HttpResponse& r) {
  auto it = http_tasks_.find(token);
  if (it == http_tasks_.end()) return;
  const HttpTask task = std::move(it->second);
  http_tasks_.erase(it);
  if (task.kind == HttpTask::Kind::markets)
    finish_markets(task, r);
  else
    finish_orderbook(task, r);
}

// ---------------------------------------------------------------------------------------------
// Subscriptions and connections
// ---------------------------------------------------------------------------------------------

std::string CoinbaseConnector::request(const Market& m, bool book, bool subscribe) const {
  const char* verb = subscribe ? "subscribe" : "unsubscribe";
  if (advanced())
    return json{{"type", verb},
                {"product_ids", {m.venue_symbol}},
                {"channel", book ? "level2" : "market_trades"}}
        .dump();
  return json{{"type", verb},
              {"product_ids", {m.venue_symbol}},
              {"channels", {book ? config_.exchange_book_channel : "matches"}}}
      .dump();
}

// Advanced Trade closes quiet connections; heartbeats (1/s) keep each one alive.
std::string CoinbaseConnector::heartbeats(const std::vector<std::string>& products) const {
  return json{{"type", "subscribe"}, {"product_ids", products}, {"channel", "heartbeats"}}.dump();
}

bool CoinbaseConnector::wanted(const std::string& role) const {
  if (!role.empty()) return books_.count(role) != 0;
  if (!trades_.empty()) return true;
  return !advanced() && !books_.empty();
}

CoinbaseConnector::Connection* CoinbaseConnector::find_conn(uint64_t id) {
  if (id == 0) return nullptr;
  for (auto& [role, c] : conns_)
    if (c.id == id) return &c;
  return nullptr;
}

void CoinbaseConnector::send(const std::string& role, const std::string& text) {
  auto it = conns_.find(role);
  if (it == conns_.end() || !it->second.open) return;  // sent when the connection opens
  if (host().ws_send(it->second.id, text) != ASTRA_OK)
    host().log(ASTRA_LOG_WARN, "coinbase: ws_send refused; the connection will be replaced");
}

void CoinbaseConnector::ensure_connection(const std::string& role) {
  Connection& c = conns_[role];
  c.role = role;
  if (c.id != 0 || c.reconnect_timer != 0) return;
  uint64_t id = 0;
  if (host().ws_open(config_.ws, id) != ASTRA_OK) {
    host().log(ASTRA_LOG_WARN, "coinbase: ws_open refused");
    schedule_reconnect(c);
    return;
  }
  c.id = id;
  c.open = false;
  c.seq.reset();
}

void CoinbaseConnector::schedule_reconnect(Connection& c) {
  if (c.reconnect_timer) return;
  // 100 ms, doubling up to 30 s; the host adds its own limits on connection attempts.
  const uint32_t delay =
      std::min<uint32_t>(kMaxReconnectDelayMs, 100u << std::min<uint32_t>(c.reconnects, 9));
  ++c.reconnects;
  const uint64_t token = next_token_++;
  reconnect_tokens_[token] = c.role;
  c.reconnect_timer = host().timer_start(delay, token);
}

void CoinbaseConnector::start_watch(Connection& c) {
  stop_watch(c);
  const uint64_t token = next_token_++;
  watch_tokens_[token] = c.role;
  c.watch_timer = host().timer_start(config_.heartbeat_ms / 8, token);
}

void CoinbaseConnector::stop_watch(Connection& c) {
  if (c.watch_timer) host().timer_cancel(c.watch_timer);
  c.watch_timer = 0;
  std::erase_if(watch_tokens_, [&](const auto& w) { return w.second == c.role; });
}

// Advanced Trade only, every eighth of a heartbeat: no frame (not even the `heartbeats` channel's
// one a second) for 1.25 heartbeats is a stall; detection within 1.375 heartbeats leaves the rest
// of two heartbeats for the replacement.
void CoinbaseConnector::watch(const std::string& role) {
  auto it = conns_.find(role);
  if (it == conns_.end()) return;
  Connection& c = it->second;
  c.watch_timer = 0;
  if (c.id == 0 || !c.open) return;
  const int64_t silent_ms = (host().now_us() - c.last_recv_us) / 1000;
  if (silent_ms * 4 >= int64_t(config_.heartbeat_ms) * 5) {
    host().log(ASTRA_LOG_WARN, "coinbase: connection " + (role.empty() ? "(trades)" : role) +
                                   " silent for " + std::to_string(silent_ms) + " ms (heartbeat " +
                                   std::to_string(config_.heartbeat_ms) + " ms): replacing it");
    host().ws_close(c.id);
    connection_lost(c);  // may erase c
    return;
  }
  start_watch(c);
}

void CoinbaseConnector::on_timer(uint64_t token) {
  if (auto w = watch_tokens_.find(token); w != watch_tokens_.end()) {
    const std::string role = w->second;
    watch_tokens_.erase(w);
    watch(role);
    return;
  }
  auto it = reconnect_tokens_.find(token);
  if (it == reconnect_tokens_.end()) return;
  const std::string role = it->second;
  reconnect_tokens_.erase(it);
  auto c = conns_.find(role);
  if (c == conns_.end()) return;
  c->second.reconnect_timer = 0;
  if (wanted(role))
    ensure_connection(role);
  else
    conns_.erase(c);
}

sdk::Status CoinbaseConnector::subscribe(std::string_view market, uint32_t data_type) {
  const Market* m = find_market(market);
  if (m == nullptr) return ASTRA_E_NOT_FOUND;
  if (data_type != ASTRA_DATA_ORDERBOOK && data_type != ASTRA_DATA_TRADES)
    return ASTRA_E_UNIMPLEMENTED;
  const bool book = data_type == ASTRA_DATA_ORDERBOOK;
  if (book ? books_.count(market) != 0 : trades_.count(market) != 0) return ASTRA_OK;
  std::string role;
  if (book) {
    BookSub b;
    b.market = m->symbol;
    b.info = m;
    books_.emplace(m->symbol, std::move(b));
    role = book_role(m->symbol);
  } else {
    trades_.emplace(m->symbol, m);
  }
  const bool existed = conns_.count(role) != 0 && conns_[role].open;
  ensure_connection(role);
  if (existed) {
    send(role, request(*m, book, true));
    if (advanced() && !book) send(role, heartbeats({m->venue_symbol}));
  }
  return ASTRA_OK;
}

sdk::Status CoinbaseConnector::unsubscribe(std::string_view market, uint32_t data_type) {
  const Market* m = find_market(market);
  if (m == nullptr) return ASTRA_E_NOT_FOUND;
  if (data_type != ASTRA_DATA_ORDERBOOK && data_type != ASTRA_DATA_TRADES)
    return ASTRA_E_UNIMPLEMENTED;
  const bool book = data_type == ASTRA_DATA_ORDERBOOK;
  std::string role;
  if (book) {
    auto it = books_.find(market);
    if (it == books_.end()) return ASTRA_OK;
    if (it->second.announced) host().emit_reset(it->second.market, ASTRA_RESET_UNSUBSCRIBED);
    role = book_role(it->second.market);
    books_.erase(it);
  } else {
    auto it = trades_.find(market);
    if (it == trades_.end()) return ASTRA_OK;
    trades_.erase(it);
  }
  send(role, request(*m, book, false));
  auto c = conns_.find(role);
  if (c != conns_.end() && !wanted(role)) {  // nothing left on it
    if (c->second.reconnect_timer) host().timer_cancel(c->second.reconnect_timer);
    stop_watch(c->second);
    if (c->second.id) host().ws_close(c->second.id);
    conns_.erase(c);
  }
  return ASTRA_OK;
}

void CoinbaseConnector::on_ws_open(uint64_t id) {
  Connection* c = find_conn(id);
  if (c == nullptr) return;
  c->open = true;
  c->reconnects = 0;
  c->seq.reset();
  c->last_recv_us = host().now_us();
  if (advanced()) start_watch(*c);
  const std::string role = c->role;  // send() looks it up again
  std::vector<std::string> products;
  for (const auto& [symbol, b] : books_) {
    if (book_role(symbol) != role) continue;
    send(role, request(*b.info, true, true));
    products.push_back(b.info->venue_symbol);
  }
  if (role.empty()) {
    for (const auto& [symbol, m] : trades_) {
      send(role, request(*m, false, true));
      products.push_back(m->venue_symbol);
    }
  }
  if (advanced() && !products.empty()) send(role, heartbeats(products));
}

void CoinbaseConnector::on_ws_close(uint64_t id, int32_t code, std::string_view reason) {
  Connection* c = find_conn(id);
  if (c == nullptr) return;
  host().log(ASTRA_LOG_INFO, "coinbase: connection closed (" + std::to_string(code) + " " +
                                 std::string(reason) + ")");
  connection_lost(*c);
}

void CoinbaseConnector::connection_lost(Connection& conn) {
  Connection* c = &conn;
  c->id = 0;
  c->open = false;
  stop_watch(*c);
  for (auto& [symbol, b] : books_) {
    if (book_role(symbol) != c->role) continue;
    if (b.announced) host().emit_reset(b.market, ASTRA_RESET_DISCONNECT);
    b.announced = false;
    b.live = false;
  }
  const std::string role = c->role;
  if (wanted(role))
    schedule_reconnect(*c);
  else
    conns_.erase(role);
}

// ---------------------------------------------------------------------------------------------
// Frames
// ---------------------------------------------------------------------------------------------

void CoinbaseConnector::on_ws_message(uint64_t id, std::string_view data, bool binary) {
  Connection* c = find_conn(id);
  if (c == nullptr) return;
  c->last_recv_us = host().now_us();
  if (binary) {
    host().count(ASTRA_COUNT_BAD_FRAME, {});
    return;
  }
  const Frame::Kind kind = decoder_.decode(config_.feed, data, frame_);
  if (kind == Frame::Kind::bad) {
    host().count(ASTRA_COUNT_BAD_FRAME, {});
    if (host().log_enabled(ASTRA_LOG_DEBUG))
      host().log(ASTRA_LOG_DEBUG, "coinbase: bad frame: " + frame_.message);
    return;
  }
  if (frame_.has_seq) {
    switch (c->seq.check(frame_.seq)) {
      case SequenceCheck::Step::first:
      case SequenceCheck::Step::next:
        break;
      case SequenceCheck::Step::stale:
        host().count(ASTRA_COUNT_STALE_DROPPED, c->role);
        return;
      case SequenceCheck::Step::gap: {
        host().count(ASTRA_COUNT_GAP, c->role);
        auto b = books_.find(c->role);
        if (b != books_.end()) {  // this product's own connection lost a message
          resync(b->second, ASTRA_RESET_GAP);
          return;
        }
        break;  // the trades connection: nothing to rebuild
      }
    }
  }
  switch (kind) {
    case Frame::Kind::venue_error:
      host().log(ASTRA_LOG_WARN, "coinbase: the venue reported an error: " + frame_.message);
      return;
    case Frame::Kind::book:
      for (size_t i = 0; i < frame_.book_count; ++i)
        on_book(frame_.books[i]);
      return;
    case Frame::Kind::trades:
      on_trades(frame_);
      return;
    default:
      return;
  }
}

void CoinbaseConnector::on_book(const BookPart& part) {
  auto key = by_product_.find(part.product);
  if (key == by_product_.end()) return;
  auto it = books_.find(key->second);
  if (it == books_.end()) return;  // not subscribed (or just unsubscribed)
  BookSub& b = it->second;
  if (part.snapshot) {
    if (!b.book.snapshot(part.levels)) {
      host().count(ASTRA_COUNT_BAD_FRAME, b.market);
      resync(b, ASTRA_RESET_VENUE);
      return;
    }
    b.live = true;
    b.announced = true;
    host().emit_book(ASTRA_BOOK_SNAPSHOT, b.market, 0, part.time_us,
                     b.book.levels().top(sdk::BookSide::bid),
                     b.book.levels().top(sdk::BookSide::ask));
    return;
  }
  if (!b.live) return;  // an update of the subscription being replaced
  if (!b.book.update(part.levels, bids_, asks_)) {
    host().count(ASTRA_COUNT_BAD_FRAME, b.market);
    resync(b, ASTRA_RESET_VENUE);
    return;
  }
  if (!bids_.empty() || !asks_.empty())
    host().emit_book(ASTRA_BOOK_UPDATE, b.market, 0, part.time_us, bids_, asks_);
}

// Resets this market only and resubscribes its product: the fresh snapshot that follows is
// emitted as a new SNAPSHOT.
void CoinbaseConnector::resync(BookSub& b, uint32_t reason) {
  if (b.announced) host().emit_reset(b.market, reason);
  b.announced = false;
  b.live = false;
  host().count(ASTRA_COUNT_RESYNC, b.market);
  const std::string role = book_role(b.market);
  send(role, request(*b.info, true, false));
  send(role, request(*b.info, true, true));
}

void CoinbaseConnector::on_trades(const Frame& frame) {
  std::vector<astra_trade> out;
  const std::string* market = nullptr;
  auto flush = [&] {
    if (market && !out.empty()) host().emit_trades(*market, out.data(), out.size());
    out.clear();
  };
  for (const TradeText& t : frame.trades) {
    if (t.history) continue;  // recent trades sent on subscribe, not live
    auto key = by_product_.find(t.product);
    if (key == by_product_.end() || !trades_.count(key->second)) continue;
    if (market == nullptr || *market != key->second) {
      flush();
      market = &key->second;
    }
    astra_trade a{};
    if (!sdk::parse_decimal(t.price, a.price) || !sdk::parse_decimal(t.qty, a.quantity) ||
        a.price.mantissa <= 0 || a.quantity.mantissa <= 0) {
      host().count(ASTRA_COUNT_BAD_FRAME, *market);
      continue;
    }
    a.taker_side = t.taker_side;
    if (advanced()) {
      const uint32_t other = t.venue_side == ASTRA_SIDE_BUY ? ASTRA_SIDE_SELL : ASTRA_SIDE_BUY;
      a.taker_side = config_.advanced_side_is_maker ? other : t.venue_side;
    }
    a.time_us = t.time_us;
    a.trade_id = sdk::str(t.id);
    out.push_back(a);
  }
  flush();
}

}  // namespace astra::coinbase

ASTRA_CONNECTOR(astra::coinbase::CoinbaseConnector, "coinbase", "COINBASE", "0.1.0",
                ASTRA_CAP_SPOT | ASTRA_CAP_PERP | ASTRA_CAP_FUTURES | ASTRA_CAP_ORDERBOOK |
                    ASTRA_CAP_TRADES)
