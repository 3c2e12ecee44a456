#include "kraken_connector.hpp"

#include <astra/sdk/decimal.hpp>
#include <astra/sdk/json.hpp>
#include <astra/sdk/l2_book.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace astra::kraken {

namespace {

using json = nlohmann::json;

constexpr uint32_t kMaxReconnectDelayMs = 30'000;

std::string markets_path(Family f) {
  return f == Family::spot ? "/0/public/AssetPairs" : "/derivatives/api/v3/instruments";
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

}  // namespace

KrakenConnector::KrakenConnector(sdk::Host host, std::string_view config_json)
    : sdk::Connector(host), config_(parse_config(config_json)) {}

KrakenConnector::~KrakenConnector() {
  for (Connection& c : conns_) {
    if (c.reconnect_timer) host().timer_cancel(c.reconnect_timer);
    if (c.watch_timer) host().timer_cancel(c.watch_timer);
    if (c.id) host().ws_close(c.id);
  }
}

// ---------------------------------------------------------------------------------------------
// Markets
// ---------------------------------------------------------------------------------------------

const Market* KrakenConnector::find_market(std::string_view symbol) const {
  auto it = markets_.find(symbol);
  return it == markets_.end() ? nullptr : &it->second;
}

Protocol KrakenConnector::protocol_of(Family f) const {
  if (f == Family::futures) return Protocol::futures;
  return config_.spot_ws_version == 1 ? Protocol::spot_v1 : Protocol::spot_v2;
}

const std::string& KrakenConnector::stream_name(const Market& m) const {
  return protocol_of(m.family) == Protocol::spot_v2 ? m.ws_v2 : m.ws_v1;
}

std::string KrakenConnector::stream_key(Family f, std::string_view name) const {
  std::string key(family_name(f));
  key.push_back('|');
  key.append(name);
  return key;
}

sdk::Status KrakenConnector::list_markets(uint64_t call_id) {
  if (list_calls_.count(call_id)) return ASTRA_E_INVALID_ARGUMENT;
  ListCall& call = list_calls_[call_id];
  for (Family f : config_.families) {
    sdk::HttpRequest req;
    req.url = config_.of(f).rest + markets_path(f);
    const uint64_t token = next_token_++;
    http_tasks_[token] = HttpTask{HttpTask::Kind::markets, f, call_id, {}, 0};
    if (host().http_request(req, token) == ASTRA_OK) {
      ++call.remaining;
    } else {
      http_tasks_.erase(token);
      ++call.failed;
      call.errors += std::string(family_name(f)) + ": request refused; ";
    }
  }
  if (call.remaining == 0) {
    const std::string errors = call.errors;
    list_calls_.erase(call_id);
    host().complete_error(call_id, ASTRA_E_UNAVAILABLE, "venue_unavailable",
                          "no market list request could be sent: " + errors);
  }
  return ASTRA_OK;
}

void KrakenConnector::finish_markets(const HttpTask& task, const sdk::HttpResponse& r) {
  auto it = list_calls_.find(task.call_id);
  if (it == list_calls_.end()) return;
  ListCall& call = it->second;
  std::vector<Market> parsed;
  std::string error;
  const std::string what = std::string(family_name(task.family)) + " " + markets_path(task.family);
  if (!r.ok()) {
    error = rest_error(r, what).second;
  } else if (task.family == Family::spot ? !parse_asset_pairs(r.body, parsed, error)
                                         : !parse_futures_instruments(r.body, parsed, error)) {
    error = what + ": " + error;
  }
  if (!error.empty()) {
    host().log(ASTRA_LOG_WARN, "kraken: " + error);
    ++call.failed;
    call.errors += error + "; ";
  } else {
    // Replace this family's markets; subscribed ones stay (their books point at them).
    for (auto m = markets_.begin(); m != markets_.end();) {
      const bool in_use = books_.count(m->first) || trades_.count(m->first);
      if (m->second.family == task.family && !in_use) {
        by_stream_.erase(stream_key(task.family, stream_name(m->second)));
        m = markets_.erase(m);
      } else {
        ++m;
      }
    }
    for (Market& m : parsed) {
      if (books_.count(m.symbol) || trades_.count(m.symbol)) continue;
      by_stream_[stream_key(task.family, stream_name(m))] = m.symbol;
      std::string key = m.symbol;
      markets_.insert_or_assign(std::move(key), std::move(m));
    }
  }
  if (--call.remaining > 0) return;
  const uint64_t call_id = task.call_id;
  const bool all_failed = call.failed == static_cast<int>(config_.families.size());
  const std::string errors = call.errors;
  list_calls_.erase(it);
  if (all_failed) {
    host().complete_error(call_id, ASTRA_E_UNAVAILABLE, "venue_unavailable",
                          "every market list request failed: " + errors);
    return;
  }
  std::vector<const Market*> list;
  for (const auto& [symbol, m] : markets_)
    if (std::find(config_.families.begin(), config_.families.end(), m.family) !=
        config_.families.end())
      list.push_back(&m);
  host().complete(call_id, ASTRA_OK, markets_json(list));
}

// ---------------------------------------------------------------------------------------------
// REST order book
// ---------------------------------------------------------------------------------------------

sdk::Status KrakenConnector::get_orderbook(uint64_t call_id, std::string_view market,
                                           uint32_t depth) {
  const Market* m = find_market(market);
  if (m == nullptr) return ASTRA_E_NOT_FOUND;
  sdk::HttpRequest req;
  if (m->family == Family::spot) {
    // count: 1..500 (Kraken's default is 100).
    const uint32_t count = depth == 0 ? 100 : std::min<uint32_t>(depth, 500);
    req.url = config_.spot.rest + "/0/public/Depth?pair=" + m->rest_pair +
              "&count=" + std::to_string(count);
  } else {
    req.url = config_.futures.rest + "/derivatives/api/v3/orderbook?symbol=" + m->venue_symbol;
  }
  const uint64_t token = next_token_++;
  http_tasks_[token] =
      HttpTask{HttpTask::Kind::orderbook, m->family, call_id, std::string(market), depth};
  const sdk::Status s = host().http_request(req, token);
  if (s != ASTRA_OK) http_tasks_.erase(token);
  return s;
}

void KrakenConnector::finish_orderbook(const HttpTask& task, const sdk::HttpResponse& r) {
  if (!r.ok()) {
    auto [status, body] = rest_error(r, "orderbook");
    host().complete(task.call_id, status, body);
    return;
  }
  std::vector<LevelText> levels;
  std::string error;
  if (!decoder_.decode_rest_book(r.body, levels, error)) {
    host().complete_error(task.call_id, ASTRA_E_UPSTREAM, "venue_error", "orderbook: " + error);
    return;
  }
  sdk::L2Book book;  // sorts best first and checks every level
  for (const LevelText& l : levels) {
    if (!book.apply(l.bid ? sdk::BookSide::bid : sdk::BookSide::ask, l.price, l.qty)) {
      host().complete_error(task.call_id, ASTRA_E_UPSTREAM, "bad_venue_response",
                            "orderbook: a level is not a decimal price and quantity");
      return;
    }
  }
  const auto bids = book.top(sdk::BookSide::bid, task.depth);
  const auto asks = book.top(sdk::BookSide::ask, task.depth);
  std::string out = "{\"market\":";
  sdk::append_json_string(out, task.market);
  out += ",\"updateId\":0,\"bids\":";
  sdk::append_json_levels(out, bids.data(), bids.size());
  out += ",\"asks\":";
  sdk::append_json_levels(out, asks.data(), asks.size());
  out += "}";
  host().complete(task.call_id, ASTRA_OK, out);
}

void KrakenConnector::on_http_response(uint64_t token, const sdk::HttpResponse& r) {
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

std::string KrakenConnector::request(const Market& m, bool book, bool subscribe) {
  const std::string& name = stream_name(m);
  const char* verb = subscribe ? "subscribe" : "unsubscribe";
  switch (protocol_of(m.family)) {
    case Protocol::spot_v1: {
      json sub = {{"name", book ? "book" : "trade"}};
      if (book) sub["depth"] = config_.depth;
      return json{{"event", verb}, {"pair", {name}}, {"subscription", sub}}.dump();
    }
    case Protocol::spot_v2: {
      json params = {{"channel", book ? "book" : "trade"}, {"symbol", {name}}};
      if (book) params["depth"] = config_.depth;
      // Book snapshots are how a (re)subscription resynchronizes; trade history is not live.
      if (subscribe) params["snapshot"] = book;
      return json{{"method", verb}, {"params", params}, {"req_id", next_req_id_++}}.dump();
    }
    case Protocol::futures:
      return json{{"event", verb}, {"feed", book ? "book" : "trade"}, {"product_ids", {name}}}
          .dump();
  }
  return {};
}

void KrakenConnector::send(Family f, const std::string& text) {
  Connection& c = conn_of(f);
  if (!c.open) return;  // everything wanted is subscribed when the connection opens
  if (host().ws_send(c.id, text) != ASTRA_OK)
    host().log(ASTRA_LOG_WARN, "kraken: ws_send refused; the connection will be replaced");
}

void KrakenConnector::ensure_connection(Family f) {
  Connection& c = conn_of(f);
  if (c.id != 0 || c.reconnect_timer != 0) return;
  uint64_t id = 0;
  if (host().ws_open(config_.of(f).ws, id) != ASTRA_OK) {
    host().log(ASTRA_LOG_WARN, "kraken: " + std::string(family_name(f)) + " ws_open refused");
    schedule_reconnect(f);
    return;
  }
  c.id = id;
  c.open = false;
}

void KrakenConnector::schedule_reconnect(Family f) {
  Connection& c = conn_of(f);
  if (c.reconnect_timer) return;
  // 100 ms, doubling up to 30 s; the host adds its own limits on connection attempts.
  const uint32_t delay =
      std::min<uint32_t>(kMaxReconnectDelayMs, 100u << std::min<uint32_t>(c.reconnects, 9));
  ++c.reconnects;
  const uint64_t token = next_token_++;
  reconnect_tokens_[token] = f;
  c.reconnect_timer = host().timer_start(delay, token);
}

void KrakenConnector::start_watch(Family f) {
  Connection& c = conn_of(f);
  if (c.watch_timer) host().timer_cancel(c.watch_timer);
  const uint64_t token = next_token_++;
  std::erase_if(watch_tokens_, [f](const auto& w) { return w.second == f; });  // one per family
  watch_tokens_[token] = f;
  c.watch_timer = host().timer_start(config_.heartbeat_ms / 8, token);
}

// Spot only, every eighth of a heartbeat: no frame for 1.25 heartbeats (Kraken's heartbeat comes
// about once a second) is a stall; detection within 1.375 heartbeats leaves the rest of two
// heartbeats for the replacement.
void KrakenConnector::watch(Family f) {
  Connection& c = conn_of(f);
  c.watch_timer = 0;
  if (c.id == 0 || !c.open) return;
  const int64_t silent_ms = (host().now_us() - c.last_recv_us) / 1000;
  if (silent_ms * 4 >= int64_t(config_.heartbeat_ms) * 5) {
    host().log(ASTRA_LOG_WARN, "kraken: " + std::string(family_name(f)) +
                                   " connection silent for " + std::to_string(silent_ms) +
                                   " ms (heartbeat " + std::to_string(config_.heartbeat_ms) +
                                   " ms): replacing it");
    host().ws_close(c.id);
    connection_lost(f);
    return;
  }
  start_watch(f);
}

void KrakenConnector::on_timer(uint64_t token) {
  if (auto w = watch_tokens_.find(token); w != watch_tokens_.end()) {
    const Family f = w->second;
    watch_tokens_.erase(w);
    watch(f);
    return;
  }
  auto it = reconnect_tokens_.find(token);
  if (it == reconnect_tokens_.end()) return;
  const Family f = it->second;
  reconnect_tokens_.erase(it);
  conn_of(f).reconnect_timer = 0;
  bool wanted = false;
  for (const auto& [m, b] : books_)
    wanted = wanted || b.info->family == f;
  for (const auto& [m, t] : trades_)
    wanted = wanted || t.info->family == f;
  if (wanted) ensure_connection(f);
}

bool KrakenConnector::locate(uint64_t conn, Family& f) const {
  for (int i = 0; i < kFamilyCount; ++i)
    if (conns_[static_cast<size_t>(i)].id == conn && conn != 0) {
      f = static_cast<Family>(i);
      return true;
    }
  return false;
}

sdk::Status KrakenConnector::subscribe(std::string_view market, uint32_t data_type) {
  const Market* m = find_market(market);
  if (m == nullptr) return ASTRA_E_NOT_FOUND;
  if (data_type != ASTRA_DATA_ORDERBOOK && data_type != ASTRA_DATA_TRADES)
    return ASTRA_E_UNIMPLEMENTED;
  const bool book = data_type == ASTRA_DATA_ORDERBOOK;
  if (book ? books_.count(market) != 0 : trades_.count(market) != 0) return ASTRA_OK;
  if (book) {
    Book b(m, config_.depth);
    if (protocol_of(m->family) == Protocol::spot_v2)
      b.spot = SpotBook(m->price_decimals, m->qty_decimals, config_.depth);
    books_.emplace(m->symbol, std::move(b));
  } else {
    TradeSub t;
    t.market = m->symbol;
    t.info = m;
    trades_.emplace(m->symbol, std::move(t));
  }
  ensure_connection(m->family);
  send(m->family, request(*m, book, true));
  return ASTRA_OK;
}

sdk::Status KrakenConnector::unsubscribe(std::string_view market, uint32_t data_type) {
  const Market* m = find_market(market);
  if (m == nullptr) return ASTRA_E_NOT_FOUND;
  if (data_type != ASTRA_DATA_ORDERBOOK && data_type != ASTRA_DATA_TRADES)
    return ASTRA_E_UNIMPLEMENTED;
  const bool book = data_type == ASTRA_DATA_ORDERBOOK;
  if (book) {
    auto it = books_.find(market);
    if (it == books_.end()) return ASTRA_OK;
    if (it->second.announced) host().emit_reset(it->second.market, ASTRA_RESET_UNSUBSCRIBED);
    books_.erase(it);
  } else {
    auto it = trades_.find(market);
    if (it == trades_.end()) return ASTRA_OK;
    trades_.erase(it);
  }
  send(m->family, request(*m, book, false));
  return ASTRA_OK;
}

void KrakenConnector::on_ws_open(uint64_t conn) {
  Family f{};
  if (!locate(conn, f)) return;
  Connection& c = conn_of(f);
  c.open = true;
  c.reconnects = 0;
  c.last_recv_us = host().now_us();
  if (f == Family::spot) start_watch(f);
  for (const auto& [m, b] : books_)
    if (b.info->family == f) send(f, request(*b.info, true, true));
  for (const auto& [m, t] : trades_)
    if (t.info->family == f) send(f, request(*t.info, false, true));
}

void KrakenConnector::on_ws_close(uint64_t conn, int32_t code, std::string_view reason) {
  Family f{};
  if (!locate(conn, f)) return;
  host().log(ASTRA_LOG_INFO, "kraken: " + std::string(family_name(f)) + " connection closed (" +
                                 std::to_string(code) + " " + std::string(reason) + ")");
  connection_lost(f);
}

void KrakenConnector::connection_lost(Family f) {
  Connection& c = conn_of(f);
  c.id = 0;
  c.open = false;
  if (c.watch_timer) host().timer_cancel(c.watch_timer);
  c.watch_timer = 0;
  std::erase_if(watch_tokens_, [f](const auto& w) { return w.second == f; });
  for (auto& [m, b] : books_) {
    if (b.info->family != f) continue;
    if (b.announced) host().emit_reset(b.market, ASTRA_RESET_DISCONNECT);
    b.announced = false;
    b.live = false;
    b.seq.stop();
  }
  schedule_reconnect(f);
}

// ---------------------------------------------------------------------------------------------
// Frames
// ---------------------------------------------------------------------------------------------

void KrakenConnector::on_ws_message(uint64_t conn, std::string_view data, bool binary) {
  Family f{};
  if (!locate(conn, f)) return;
  conn_of(f).last_recv_us = host().now_us();
  if (binary) {
    host().count(ASTRA_COUNT_BAD_FRAME, {});
    return;
  }
  switch (decoder_.decode(protocol_of(f), data, frame_)) {
    case Frame::Kind::bad:
      host().count(ASTRA_COUNT_BAD_FRAME, {});
      if (host().log_enabled(ASTRA_LOG_DEBUG))
        host().log(ASTRA_LOG_DEBUG, "kraken: bad frame: " + frame_.message);
      return;
    case Frame::Kind::venue_error:
      host().log(ASTRA_LOG_WARN, "kraken: the venue reported an error: " + frame_.message);
      return;
    case Frame::Kind::book:
      for (size_t i = 0; i < frame_.book_count; ++i)
        on_book(f, frame_.books[i]);
      return;
    case Frame::Kind::trades:
      on_trades(f, frame_);
      return;
    case Frame::Kind::trade_snapshot:
      // History, not live trades: it only sets the high-water mark (futures seq).
      for (const TradeText& t : frame_.trades) {
        auto key = by_stream_.find(stream_key(f, t.symbol));
        if (key == by_stream_.end()) continue;
        auto it = trades_.find(key->second);
        if (it == trades_.end() || !t.has_seq) continue;
        if (!it->second.has_seq || t.seq > it->second.last_seq) it->second.last_seq = t.seq;
        it->second.has_seq = true;
      }
      return;
    case Frame::Kind::ack:
    case Frame::Kind::other:
      return;
  }
}

void KrakenConnector::on_book(Family f, const BookPart& part) {
  auto key = by_stream_.find(stream_key(f, part.symbol));
  if (key == by_stream_.end()) return;
  auto it = books_.find(key->second);
  if (it == books_.end()) return;  // not subscribed (or just unsubscribed)
  if (f == Family::spot)
    on_spot_book(it->second, part);
  else
    on_futures_book(it->second, part);
}

void KrakenConnector::on_spot_book(Book& b, const BookPart& part) {
  SpotBook::Result result;
  if (part.snapshot) {
    if (part.depth) b.spot.set_depth(part.depth);  // v1 names the depth it serves: book-N
    result = b.spot.snapshot(part.levels, part.checksum);
  } else {
    if (!b.live) return;  // an update of the subscription being replaced
    result = b.spot.update(part.levels, part.checksum, bids_, asks_);
  }
  switch (result) {
    case SpotBook::Result::bad_level:
      host().count(ASTRA_COUNT_BAD_FRAME, b.market);
      resync(b, ASTRA_RESET_VENUE);
      return;
    case SpotBook::Result::checksum_mismatch:
      host().count(ASTRA_COUNT_CHECKSUM_FAILURE, b.market);
      if (host().log_enabled(ASTRA_LOG_DEBUG))
        host().log(ASTRA_LOG_DEBUG, "kraken: checksum mismatch on " + b.market + ": computed " +
                                        std::to_string(b.spot.last_computed()) + ", venue " +
                                        std::to_string(*part.checksum));
      resync(b, ASTRA_RESET_CHECKSUM);
      return;
    case SpotBook::Result::ok:
      break;
  }
  if (part.checksum) host().count(ASTRA_COUNT_CHECKSUM_OK, b.market);
  if (part.snapshot) {
    b.live = true;
    b.announced = true;
    host().emit_book(ASTRA_BOOK_SNAPSHOT, b.market, 0, part.time_us,
                     b.spot.book().top(sdk::BookSide::bid), b.spot.book().top(sdk::BookSide::ask));
    return;
  }
  host().emit_book(ASTRA_BOOK_UPDATE, b.market, 0, part.time_us, bids_, asks_);
}

void KrakenConnector::on_futures_book(Book& b, const BookPart& part) {
  if (part.snapshot) {
    sdk::L2Book book;  // sorts and checks the levels
    for (const LevelText& l : part.levels) {
      if (!book.apply(l.bid ? sdk::BookSide::bid : sdk::BookSide::ask, l.price, l.qty)) {
        host().count(ASTRA_COUNT_BAD_FRAME, b.market);
        resync(b, ASTRA_RESET_VENUE);
        return;
      }
    }
    b.seq.start(part.seq);
    b.live = true;
    b.announced = true;
    host().emit_book(ASTRA_BOOK_SNAPSHOT, b.market, part.seq, part.time_us,
                     book.top(sdk::BookSide::bid), book.top(sdk::BookSide::ask));
    return;
  }
  switch (b.seq.next(part.seq)) {
    case SeqCheck::Step::no_snapshot:
      return;
    case SeqCheck::Step::stale:
      host().count(ASTRA_COUNT_STALE_DROPPED, b.market);
      return;
    case SeqCheck::Step::gap:
      host().count(ASTRA_COUNT_GAP, b.market);
      resync(b, ASTRA_RESET_GAP);
      return;
    case SeqCheck::Step::applied:
      break;
  }
  const LevelText& l = part.levels.front();
  astra_book_level level{};
  if (!sdk::parse_decimal(l.price, level.price) || !sdk::parse_decimal(l.qty, level.quantity) ||
      level.price.mantissa <= 0 || level.quantity.mantissa < 0) {
    host().count(ASTRA_COUNT_BAD_FRAME, b.market);
    resync(b, ASTRA_RESET_VENUE);
    return;
  }
  bids_.clear();
  asks_.clear();
  (l.bid ? bids_ : asks_).push_back(level);
  host().emit_book(ASTRA_BOOK_UPDATE, b.market, part.seq, part.time_us, bids_, asks_);
}

// Resets this market only and resubscribes its one symbol: the fresh snapshot that follows is
// emitted as a new SNAPSHOT. Other markets on the connection are untouched.
void KrakenConnector::resync(Book& b, uint32_t reason) {
  if (b.announced) host().emit_reset(b.market, reason);
  b.announced = false;
  b.live = false;
  b.seq.stop();
  host().count(ASTRA_COUNT_RESYNC, b.market);
  const Family f = b.info->family;
  send(f, request(*b.info, true, false));
  send(f, request(*b.info, true, true));
}

void KrakenConnector::on_trades(Family f, const Frame& frame) {
  std::vector<astra_trade> out;
  std::string_view current;
  TradeSub* sub = nullptr;
  auto flush = [&] {
    if (sub && !out.empty()) host().emit_trades(sub->market, out.data(), out.size());
    out.clear();
  };
  for (const TradeText& t : frame.trades) {
    if (t.symbol != current || sub == nullptr) {
      flush();
      current = t.symbol;
      sub = nullptr;
      auto key = by_stream_.find(stream_key(f, t.symbol));
      if (key == by_stream_.end()) continue;
      auto it = trades_.find(key->second);
      if (it == trades_.end()) continue;
      sub = &it->second;
    }
    if (t.has_seq) {
      if (sub->has_seq && t.seq <= sub->last_seq) continue;  // already seen
      sub->has_seq = true;
      sub->last_seq = t.seq;
    }
    astra_trade a{};
    if (!sdk::parse_decimal(t.price, a.price) || !sdk::parse_decimal(t.qty, a.quantity)) {
      host().count(ASTRA_COUNT_BAD_FRAME, sub->market);
      continue;
    }
    a.taker_side = t.taker_side;
    a.time_us = t.time_us;
    a.trade_id = sdk::str(t.id);
    out.push_back(a);
  }
  flush();
}

}  // namespace astra::kraken

ASTRA_CONNECTOR(astra::kraken::KrakenConnector, "kraken", "KRAKEN", "0.1.0",
                ASTRA_CAP_SPOT | ASTRA_CAP_PERP | ASTRA_CAP_FUTURES | ASTRA_CAP_ORDERBOOK |
                    ASTRA_CAP_TRADES)
