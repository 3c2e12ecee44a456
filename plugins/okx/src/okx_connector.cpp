#include "okx_connector.hpp"

#include <astra/sdk/decimal.hpp>
#include <astra/sdk/url.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace astra::okx {

namespace {

using json = nlohmann::json;

constexpr int64_t kHourUs = 3600LL * 1000 * 1000;

std::string text_of(const json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Maps a failed REST exchange (transport, HTTP or OKX's {"code":"<non-zero>"}) to a status and an
// error body.
std::pair<sdk::Status, std::string> rest_error(const sdk::HttpResponse& r, std::string_view what) {
  if (r.error != ASTRA_OK)
    return {r.error, sdk::error_json("VENUE_UNREACHABLE", std::string(what) + ": no response")};
  const json body = json::parse(r.body.begin(), r.body.end(), nullptr, false);
  std::string code, msg;
  if (body.is_object()) {
    code = text_of(body, "code");
    msg = text_of(body, "msg");
  }
  std::string message = std::string(what) + ": HTTP " + std::to_string(r.status);
  if (!code.empty()) message += " (" + code + (msg.empty() ? "" : " " + msg) + ")";
  auto with_code = [&](std::string_view token) {
    json e = {{"code", token}, {"message", message}};
    if (!code.empty()) e["venueCode"] = code;
    return e.dump();
  };
  if (r.status == 429 || code == "50011" || code == "50061")
    return {ASTRA_E_RESOURCE_EXHAUSTED, with_code("RATE_LIMITED")};
  if (code == "51001") return {ASTRA_E_NOT_FOUND, with_code("NOT_FOUND")};
  if (r.status >= 500) return {ASTRA_E_UNAVAILABLE, with_code("UNAVAILABLE")};
  return {ASTRA_E_UPSTREAM, with_code("UPSTREAM")};
}

// A REST book answer {"code":"0","data":[{asks,bids,ts,seqId}]} into a BookMessage.
bool parse_rest_book(std::string_view text, BookMessage& m, std::string& error) {
  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (!doc.is_object() || text_of(doc, "code") != "0" || !doc.contains("data") ||
      !doc["data"].is_array() || doc["data"].empty() || !doc["data"][0].is_object()) {
    error = "the answer is not an OKX books answer";
    return false;
  }
  const json& d = doc["data"][0];
  auto levels = [](const json& side, std::vector<Level>& out) {
    if (!side.is_array()) return false;
    out.clear();
    for (const json& l : side) {
      if (!l.is_array() || l.size() < 2 || !l[0].is_string() || !l[1].is_string()) return false;
      Level x;
      x.price = l[0].get<std::string>();
      x.size = l[1].get<std::string>();
      if (!sdk::parse_decimal(x.price, x.value.price) ||
          !sdk::parse_decimal(x.size, x.value.quantity) || x.value.price.mantissa <= 0 ||
          x.value.quantity.mantissa < 0)
        return false;
      out.push_back(std::move(x));
    }
    return true;
  };
  if (!levels(d.value("bids", json()), m.bids) || !levels(d.value("asks", json()), m.asks)) {
    error = "the answer has malformed levels";
    return false;
  }
  m.snapshot = true;
  m.checksum = 0;
  m.prev_seq_id = -1;
  m.has_seq = false;
  m.time_us = 0;
  const std::string ts = text_of(d, "ts");
  if (!ts.empty()) m.time_us = std::strtoll(ts.c_str(), nullptr, 10) * 1000;
  if (auto s = d.find("seqId"); s != d.end()) {
    if (s->is_number_integer()) {
      m.seq_id = s->get<int64_t>();
      m.has_seq = m.seq_id >= 0;
    } else if (s->is_string()) {
      const std::string v = s->get<std::string>();
      char* end = nullptr;
      m.seq_id = std::strtoll(v.c_str(), &end, 10);
      m.has_seq = !v.empty() && end && *end == '\0' && m.seq_id >= 0;
    }
  }
  return true;
}

std::string instruments_url(const Config& c, InstType t, std::string_view uly) {
  std::string url =
      c.rest + "/api/v5/public/instruments?instType=" + std::string(inst_type_name(t));
  if (!uly.empty()) url += "&uly=" + sdk::percent_encode(uly);
  return url;
}

}  // namespace

OkxConnector::OkxConnector(sdk::Host host, std::string_view config_json)
    : sdk::Connector(host), config_(parse_config(config_json)) {}

OkxConnector::~OkxConnector() {
  // Release what the host holds for us; nothing is called after destroy() returns.
  for (auto& [token, id] : timer_ids_)
    host().timer_cancel(id);
  if (conn_ && conn_->id) host().ws_close(conn_->id);
}

const Market* OkxConnector::find_market(std::string_view symbol) const {
  auto it = markets_.find(symbol);
  return it == markets_.end() ? nullptr : &it->second;
}

// ---------------------------------------------------------------------------------------------
// Timers
// ---------------------------------------------------------------------------------------------

uint64_t OkxConnector::start_timer(uint32_t delay_ms, TimerTask task) {
  const uint64_t token = next_token_++;
  timer_tasks_[token] = std::move(task);
  timer_ids_[token] = host().timer_start(delay_ms, token);
  return token;
}

void OkxConnector::cancel_timer(uint64_t& token) {
  if (token == 0) return;
  if (auto it = timer_ids_.find(token); it != timer_ids_.end()) {
    host().timer_cancel(it->second);
    timer_ids_.erase(it);
  }
  timer_tasks_.erase(token);
  token = 0;
}

void OkxConnector::on_timer(uint64_t token) {
  auto it = timer_tasks_.find(token);
  if (it == timer_tasks_.end()) return;
  const TimerTask task = std::move(it->second);
  timer_tasks_.erase(it);
  timer_ids_.erase(token);
  switch (task.kind) {
    case TimerTask::Kind::pace:
      if (conn_ && conn_->pace_timer == token) {
        conn_->pace_timer = 0;
        flush();
      }
      return;
    case TimerTask::Kind::idle:
      if (conn_ && conn_->idle_timer == token) {
        conn_->idle_timer = 0;
        on_idle_timer();
      }
      return;
    case TimerTask::Kind::reconnect:
      reconnect_timer_ = 0;
      if (!conn_ && !wanted_.empty() && open_connection() != ASTRA_OK) schedule_reconnect();
      return;
    case TimerTask::Kind::snapshot_retry: {
      auto b = books_.find(task.market);
      if (b == books_.end() || b->second.retry_timer != token) return;
      b->second.retry_timer = 0;
      if (!b->second.snapshot_pending && b->second.sync.state() == BookSync::State::buffering)
        request_snapshot(b->second);
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Markets
// ---------------------------------------------------------------------------------------------

sdk::Status OkxConnector::list_markets(uint64_t call_id) {
  if (list_calls_.count(call_id)) return ASTRA_E_INVALID_ARGUMENT;
  ListCall& call = list_calls_[call_id];
  auto send = [&](InstType t, std::string_view uly) {
    sdk::HttpRequest req;
    req.url = instruments_url(config_, t, uly);
    const uint64_t token = next_token_++;
    HttpTask task;
    task.kind = HttpTask::Kind::instruments;
    task.call_id = call_id;
    task.inst_type = t;
    task.source = std::string(inst_type_name(t)) + "|" + std::string(uly);
    http_tasks_[token] = task;
    if (host().http_request(req, token) == ASTRA_OK) {
      ++call.remaining;
    } else {
      http_tasks_.erase(token);
      ++call.failed;
      call.errors += task.source + ": request refused; ";
    }
  };
  for (InstType t : config_.inst_types) {
    if (t != InstType::option) {
      send(t, {});
      continue;
    }
    for (const std::string& uly : config_.option_underlyings)
      send(t, uly);
  }
  if (call.remaining == 0) {
    list_calls_.erase(call_id);
    host().complete_error(call_id, ASTRA_E_UNAVAILABLE, "UNAVAILABLE",
                          "no instruments request could be sent");
  }
  return ASTRA_OK;
}

void OkxConnector::finish_instruments(const HttpTask& task, const sdk::HttpResponse& r) {
  auto it = list_calls_.find(task.call_id);
  if (it == list_calls_.end()) return;
  ListCall& call = it->second;
  std::string error;
  size_t skipped = 0;
  std::vector<Market> parsed;
  if (!r.ok()) {
    error = rest_error(r, "instruments " + task.source).second;
  } else if (!parse_instruments(task.inst_type, r.body, parsed, skipped, error)) {
    error = "instruments " + task.source + ": " + error;
  }
  if (!error.empty()) {
    host().log(ASTRA_LOG_WARN, "okx: " + error);
    ++call.failed;
    call.errors += error + "; ";
  } else {
    if (skipped)
      host().log(ASTRA_LOG_INFO, "okx: " + std::to_string(skipped) + " instruments of " +
                                     task.source + " cannot be named and are not listed");
    for (Market& m : parsed) {
      m.source = task.source;
      call.parsed.push_back(std::move(m));
    }
    call.sources_ok.insert(task.source);
  }
  if (--call.remaining > 0) return;
  ListCall done = std::move(call);
  list_calls_.erase(it);
  complete_list(task.call_id, done);
}

void OkxConnector::complete_list(uint64_t call_id, ListCall& call) {
  if (call.sources_ok.empty()) {
    host().complete_error(call_id, ASTRA_E_UNAVAILABLE, "UNAVAILABLE",
                          "every instruments request failed: " + call.errors);
    return;
  }
  // Replace the markets of each listing that answered (subscribed markets stay until they are
  // unsubscribed, so the books keep pointing at live entries).
  for (auto m = markets_.begin(); m != markets_.end();) {
    const bool in_use = books_.count(m->first) || trades_.count(m->first);
    if (call.sources_ok.count(m->second.source) && !in_use) {
      by_inst_.erase(m->second.inst_id);
      m = markets_.erase(m);
    } else {
      ++m;
    }
  }
  std::set<std::string> fresh;
  for (Market& m : call.parsed) {
    if (!fresh.insert(m.symbol).second) {
      host().log(ASTRA_LOG_WARN, "okx: " + m.inst_id + " maps to " + m.symbol +
                                     " like another instrument: not listed");
      continue;
    }
    by_inst_[m.inst_id] = m.symbol;
    std::string key = m.symbol;
    markets_.insert_or_assign(std::move(key), std::move(m));
  }
  std::vector<const Market*> list;
  for (const auto& [symbol, m] : markets_)
    list.push_back(&m);
  host().complete(call_id, ASTRA_OK, markets_json(list));
}

// ---------------------------------------------------------------------------------------------
// REST order book
// ---------------------------------------------------------------------------------------------

sdk::Status OkxConnector::get_orderbook(uint64_t call_id, std::string_view market, uint32_t depth) {
  const Market* m = find_market(market);
  if (m == nullptr) return ASTRA_E_NOT_FOUND;
  // books serves up to 400 levels a side; books-full up to 5000 (a tighter rate limit).
  const uint32_t want = depth == 0 ? kSnapshotDepth : std::min<uint32_t>(depth, 5000);
  sdk::HttpRequest req;
  req.url = config_.rest +
            (want > kSnapshotDepth ? "/api/v5/market/books-full" : "/api/v5/market/books") +
            "?instId=" + sdk::percent_encode(m->inst_id) + "&sz=" + std::to_string(want);
  const uint64_t token = next_token_++;
  HttpTask task;
  task.kind = HttpTask::Kind::orderbook;
  task.call_id = call_id;
  task.market = std::string(market);
  task.depth = depth;
  http_tasks_[token] = task;
  const sdk::Status s = host().http_request(req, token);
  if (s != ASTRA_OK) http_tasks_.erase(token);
  return s;
}

void OkxConnector::finish_orderbook(const HttpTask& task, const sdk::HttpResponse& r) {
  BookMessage m;
  std::string error;
  const json doc = json::parse(r.body.begin(), r.body.end(), nullptr, false);
  if (!r.ok() || !doc.is_object() || text_of(doc, "code") != "0") {
    auto [status, body] = rest_error(r, "books");
    host().complete(task.call_id, status, body);
    return;
  }
  if (!parse_rest_book(r.body, m, error)) {
    host().complete_error(task.call_id, ASTRA_E_UPSTREAM, "UPSTREAM", "books: " + error);
    return;
  }
  // Sort as the ABI promises (OKX already sends best first) and cut to the asked depth.
  sdk::L2Book book;
  for (const Level& l : m.bids)
    book.apply(sdk::BookSide::bid, l.price, l.size);
  for (const Level& l : m.asks)
    book.apply(sdk::BookSide::ask, l.price, l.size);
  auto side = [&](sdk::BookSide s) {
    json arr = json::array();
    book.for_each_top(s, task.depth ? task.depth : book.size(s),
                      [&](const astra_decimal&, const sdk::L2Level& level) {
                        arr.push_back({level.price_text, level.quantity_text});
                      });
    return arr;
  };
  json out = {{"market", task.market},
              {"updateId", m.has_seq ? static_cast<uint64_t>(m.seq_id) : 0},
              {"bids", side(sdk::BookSide::bid)},
              {"asks", side(sdk::BookSide::ask)}};
  host().complete(task.call_id, ASTRA_OK, out.dump());
}

// ---------------------------------------------------------------------------------------------
// HTTP dispatch
// ---------------------------------------------------------------------------------------------

void OkxConnector::on_http_response(uint64_t token, const sdk::HttpResponse& r) {
  auto it = http_tasks_.find(token);
  if (it == http_tasks_.end()) return;
  const HttpTask task = std::move(it->second);
  http_tasks_.erase(it);
  switch (task.kind) {
    case HttpTask::Kind::instruments:
      finish_instruments(task, r);
      break;
    case HttpTask::Kind::snapshot:
      finish_snapshot(task, r);
      break;
    case HttpTask::Kind::orderbook:
      finish_orderbook(task, r);
      break;
  }
}

// ---------------------------------------------------------------------------------------------
// Subscriptions and the connection
// ---------------------------------------------------------------------------------------------

sdk::Status OkxConnector::subscribe(std::string_view market, uint32_t data_type) {
  const Market* m = find_market(market);
  if (m == nullptr) return ASTRA_E_NOT_FOUND;
  if (data_type != ASTRA_DATA_ORDERBOOK && data_type != ASTRA_DATA_TRADES)
    return ASTRA_E_UNIMPLEMENTED;
  const bool book = data_type == ASTRA_DATA_ORDERBOOK;
  if (book ? books_.count(market) != 0 : trades_.count(market) != 0) return ASTRA_OK;
  if (!conn_ && open_connection() != ASTRA_OK) return ASTRA_E_UNAVAILABLE;
  const Arg arg{book ? "books" : "trades", m->inst_id};
  if (book) {
    Book b;
    b.market = std::string(market);
    b.info = m;
    b.generation = next_token_++;
    books_.emplace(b.market, std::move(b));
  } else {
    trades_.emplace(market);
  }
  wanted_.insert(arg);
  enqueue(true, arg);
  return ASTRA_OK;
}

sdk::Status OkxConnector::unsubscribe(std::string_view market, uint32_t data_type) {
  const Market* m = find_market(market);
  if (m == nullptr) return ASTRA_E_NOT_FOUND;
  if (data_type != ASTRA_DATA_ORDERBOOK && data_type != ASTRA_DATA_TRADES)
    return ASTRA_E_UNIMPLEMENTED;
  const bool book = data_type == ASTRA_DATA_ORDERBOOK;
  if (book) {
    auto it = books_.find(market);
    if (it == books_.end()) return ASTRA_OK;
    if (it->second.announced) host().emit_reset(it->second.market, ASTRA_RESET_UNSUBSCRIBED);
    cancel_timer(it->second.retry_timer);
    books_.erase(it);  // in-flight snapshots and retries find no book and are ignored
  } else {
    auto it = trades_.find(market);
    if (it == trades_.end()) return ASTRA_OK;
    trades_.erase(it);
  }
  const Arg arg{book ? "books" : "trades", m->inst_id};
  wanted_.erase(arg);
  if (wanted_.empty()) {
    close_connection();  // nothing left: no idle connection
    cancel_timer(reconnect_timer_);
    return ASTRA_OK;
  }
  enqueue(false, arg);
  return ASTRA_OK;
}

sdk::Status OkxConnector::open_connection() {
  uint64_t id = 0;
  const sdk::Status s = host().ws_open(config_.ws + "/ws/v5/public", id);
  if (s != ASTRA_OK) {
    host().log(ASTRA_LOG_WARN, "okx: WebSocket open refused by the host");
    return s;
  }
  Connection c;
  c.id = id;
  // A new connection subscribes everything wanted, once it is open.
  for (const Arg& arg : wanted_)
    c.queue.push_back({true, arg});
  conn_ = std::move(c);
  return ASTRA_OK;
}

void OkxConnector::enqueue(bool subscribe, const Arg& arg) {
  if (!conn_) return;
  conn_->queue.push_back({subscribe, arg});
  flush();
}

void OkxConnector::flush() {
  if (!conn_) return;
  Connection& c = *conn_;
  if (!c.open || c.queue.empty() || c.pace_timer != 0) return;
  const int64_t now = host().now_us();
  while (!c.sent_us.empty() && now - c.sent_us.front() >= kHourUs)
    c.sent_us.pop_front();
  int64_t wait_us = 0;
  if (!c.sent_us.empty()) wait_us = c.sent_us.back() + int64_t(kPaceMs) * 1000 - now;
  if (c.sent_us.size() >= kHourlyRequests)
    wait_us = std::max(wait_us, c.sent_us.front() + kHourUs - now);
  if (wait_us > 0) {
    c.pace_timer = start_timer(static_cast<uint32_t>((wait_us + 999) / 1000), {});
    return;
  }
  // One request: the leading run of operations of the same kind.
  const bool subscribe = c.queue.front().subscribe;
  json args = json::array();
  while (!c.queue.empty() && c.queue.front().subscribe == subscribe &&
         args.size() < kMaxArgsPerRequest) {
    const Arg& a = c.queue.front().arg;
    args.push_back({{"channel", a.first}, {"instId", a.second}});
    c.queue.pop_front();
  }
  const json msg = {{"op", subscribe ? "subscribe" : "unsubscribe"}, {"args", args}};
  if (host().ws_send(c.id, msg.dump()) != ASTRA_OK) {
    host().log(ASTRA_LOG_WARN, "okx: ws_send refused; waiting for the connection to recover");
    return;
  }
  c.sent_us.push_back(now);
  if (!c.queue.empty()) c.pace_timer = start_timer(kPaceMs, {});
}

void OkxConnector::close_connection() {
  if (!conn_) return;
  cancel_timer(conn_->pace_timer);
  cancel_timer(conn_->idle_timer);
  if (conn_->id) host().ws_close(conn_->id);
  conn_.reset();
}

void OkxConnector::on_ws_open(uint64_t conn) {
  if (!conn_ || conn_->id != conn) return;
  conn_->open = true;
  conn_->last_recv_us = host().now_us();
  reconnects_ = 0;
  conn_->idle_timer = start_timer(idle_ping_ms(), {TimerTask::Kind::idle, {}});
  flush();
}

void OkxConnector::on_ws_close(uint64_t conn, int32_t code, std::string_view reason) {
  if (!conn_ || conn_->id != conn) return;
  host().log(ASTRA_LOG_INFO,
             "okx: connection closed (" + std::to_string(code) + " " + std::string(reason) + ")");
  conn_->id = 0;  // already closed: do not ws_close it
  close_connection();
  connection_lost();
}

void OkxConnector::connection_lost() {
  for (auto& [m, b] : books_)
    restart_book(b, ASTRA_RESET_DISCONNECT);
  if (!wanted_.empty()) schedule_reconnect();
}

void OkxConnector::schedule_reconnect() {
  if (reconnect_timer_) return;
  // 500 ms (OKX allows 3 connection requests per second per IP), doubling up to 30 s.
  const uint32_t delay = std::min<uint32_t>(30'000, 500u << std::min<uint32_t>(reconnects_, 6));
  ++reconnects_;
  reconnect_timer_ = start_timer(delay, {TimerTask::Kind::reconnect, {}});
}

void OkxConnector::on_idle_timer() {
  if (!conn_ || !conn_->open) return;
  Connection& c = *conn_;
  const int64_t now = host().now_us();
  if (c.ping_outstanding) {
    const int64_t waited_ms = (now - c.ping_sent_us) / 1000;
    if (waited_ms >= pong_timeout_ms()) {
      host().log(ASTRA_LOG_WARN,
                 "okx: no pong within " + std::to_string(pong_timeout_ms()) + " ms; reconnecting");
      close_connection();
      connection_lost();
      return;
    }
    c.idle_timer = start_timer(static_cast<uint32_t>(pong_timeout_ms() - waited_ms),
                               {TimerTask::Kind::idle, {}});
    return;
  }
  const int64_t idle_ms = (now - c.last_recv_us) / 1000;
  if (idle_ms >= idle_ping_ms()) {
    if (host().ws_send(c.id, "ping") == ASTRA_OK) {
      c.ping_outstanding = true;
      c.ping_sent_us = now;
    }
    c.idle_timer = start_timer(pong_timeout_ms(), {TimerTask::Kind::idle, {}});
    return;
  }
  c.idle_timer =
      start_timer(static_cast<uint32_t>(idle_ping_ms() - idle_ms), {TimerTask::Kind::idle, {}});
}

// ---------------------------------------------------------------------------------------------
// Frames
// ---------------------------------------------------------------------------------------------

void OkxConnector::on_ws_message(uint64_t conn, std::string_view data, bool binary) {
  if (!conn_ || conn_->id != conn) return;
  conn_->last_recv_us = host().now_us();
  conn_->ping_outstanding = false;  // any data proves the connection alive
  if (binary) {
    host().count(ASTRA_COUNT_BAD_FRAME, {});
    return;
  }
  switch (decoder_.decode(data, frame_)) {
    case Frame::Kind::pong:
    case Frame::Kind::ack:
    case Frame::Kind::other:
      return;
    case Frame::Kind::error:
      host().log(ASTRA_LOG_WARN, "okx: venue error " + frame_.code + ": " + frame_.message);
      return;
    case Frame::Kind::notice:
      host().log(ASTRA_LOG_INFO,
                 "okx: venue " + frame_.event + " " + frame_.code + ": " + frame_.message);
      return;
    case Frame::Kind::books:
      on_books(frame_);
      return;
    case Frame::Kind::trades:
      on_trades(frame_);
      return;
    case Frame::Kind::bad:
      host().count(ASTRA_COUNT_BAD_FRAME, {});
      if (host().log_enabled(ASTRA_LOG_DEBUG))
        host().log(ASTRA_LOG_DEBUG, "okx: bad frame: " + frame_.message);
      // A books push we could not read is a lost update: that book cannot be trusted.
      if (frame_.channel == "books") {
        auto key = by_inst_.find(frame_.inst_id);
        if (key == by_inst_.end()) return;
        auto it = books_.find(key->second);
        if (it != books_.end() && it->second.sync.state() != BookSync::State::awaiting) {
          it->second.sync.restart();
          restart_book(it->second, ASTRA_RESET_GAP);
        }
      }
      return;
  }
}

void OkxConnector::on_books(Frame& frame) {
  auto key = by_inst_.find(frame.inst_id);
  if (key == by_inst_.end()) return;
  auto it = books_.find(key->second);
  if (it == books_.end()) return;  // not subscribed (or just unsubscribed)
  Book& b = it->second;
  for (const BookMessage& m : frame.books) {
    out_.clear();
    b.sync.on_message(m, out_);
    handle(b, out_);
  }
}

void OkxConnector::handle(Book& b, SyncOutput& out) {
  if (out.checksum_ok) host().count(ASTRA_COUNT_CHECKSUM_OK, b.market, out.checksum_ok);
  if (out.checksum_failures)
    host().count(ASTRA_COUNT_CHECKSUM_FAILURE, b.market, out.checksum_failures);
  if (out.stale_dropped) host().count(ASTRA_COUNT_STALE_DROPPED, b.market, out.stale_dropped);
  for (const SyncOutput::Emit& e : out.emits) {
    if (e.kind == ASTRA_BOOK_SNAPSHOT) {
      // Live now: a REST snapshot still in flight is not needed any more.
      b.announced = true;
      b.generation = next_token_++;
      b.snapshot_pending = false;
      b.snapshot_failures = 0;
      cancel_timer(b.retry_timer);
    }
    host().emit_book(e.kind, b.market, e.update_id, e.time_us, e.bids, e.asks);
  }
  if (out.reset) restart_book(b, out.reset);
  if (out.fetch_snapshot && !b.snapshot_pending && b.retry_timer == 0) request_snapshot(b);
}

// The book broke or its connection went away (the BookSync is already restarted, or is
// restarted by the caller): tell the host, forget in-flight work, and start resynchronizing.
void OkxConnector::restart_book(Book& b, uint32_t reason) {
  if (b.announced) host().emit_reset(b.market, reason);
  b.announced = false;
  if (reason == ASTRA_RESET_GAP) host().count(ASTRA_COUNT_GAP, b.market);
  b.generation = next_token_++;  // unique: in-flight answers miss
  b.snapshot_pending = false;
  cancel_timer(b.retry_timer);
  if (reason == ASTRA_RESET_DISCONNECT) {
    b.sync.restart();  // the new connection subscribes again; its data syncs the book
    return;
  }
  if (!b.sync.sequenced()) {
    // No seqId on this stream: only a new WebSocket snapshot can resync it. Resubscribe.
    host().count(ASTRA_COUNT_RESYNC, b.market);
    const Arg arg{"books", b.info->inst_id};
    enqueue(false, arg);
    enqueue(true, arg);
  }
  // Sequenced: the next push is buffered and bridged onto a REST snapshot (BookSync).
}

void OkxConnector::request_snapshot(Book& b) {
  sdk::HttpRequest req;
  req.url = config_.rest + "/api/v5/market/books?instId=" + sdk::percent_encode(b.info->inst_id) +
            "&sz=" + std::to_string(kSnapshotDepth);
  const uint64_t token = next_token_++;
  HttpTask task;
  task.kind = HttpTask::Kind::snapshot;
  task.market = b.market;
  task.generation = b.generation;
  http_tasks_[token] = task;
  host().count(ASTRA_COUNT_RESYNC, b.market);
  if (host().http_request(req, token) != ASTRA_OK) {
    http_tasks_.erase(token);
    snapshot_failed(b, "request refused by the host");
    return;
  }
  b.snapshot_pending = true;
}

void OkxConnector::snapshot_failed(Book& b, std::string_view why, uint32_t delay_ms) {
  b.snapshot_pending = false;
  if (delay_ms == 0) {
    ++b.snapshot_failures;
    host().log(ASTRA_LOG_WARN, "okx: snapshot for " + b.market + " failed: " + std::string(why));
    // 500 ms, doubling up to 30 s.
    delay_ms = std::min<uint32_t>(30'000, 500u << std::min<uint32_t>(b.snapshot_failures - 1, 6));
  }
  cancel_timer(b.retry_timer);
  b.retry_timer = start_timer(delay_ms, {TimerTask::Kind::snapshot_retry, b.market});
}

void OkxConnector::finish_snapshot(const HttpTask& task, const sdk::HttpResponse& r) {
  auto it = books_.find(task.market);
  if (it == books_.end() || it->second.generation != task.generation) return;  // superseded
  Book& b = it->second;
  b.snapshot_pending = false;
  if (!r.ok()) {
    snapshot_failed(b, rest_error(r, "books").second);
    return;
  }
  BookMessage m;
  std::string error;
  if (!parse_rest_book(r.body, m, error)) {
    snapshot_failed(b, error);
    return;
  }
  if (!m.has_seq) {
    snapshot_failed(b, "the answer has no seqId to bridge with");
    return;
  }
  out_.clear();
  b.sync.on_rest_snapshot(m, out_);
  // Older than the buffered updates: fetch again shortly, not at once.
  const bool again = out_.fetch_snapshot;
  out_.fetch_snapshot = false;
  handle(b, out_);
  if (again && b.sync.state() == BookSync::State::buffering)
    snapshot_failed(b, "snapshot older than the stream", 200);
}

// ---------------------------------------------------------------------------------------------
// Trades
// ---------------------------------------------------------------------------------------------

void OkxConnector::on_trades(const Frame& frame) {
  auto key = by_inst_.find(frame.inst_id);
  if (key == by_inst_.end() || !trades_.count(key->second)) return;
  std::vector<astra_trade> trades;
  trades.reserve(frame.trades.size());
  for (const TradeRecord& r : frame.trades) {
    astra_trade t = r.trade;
    t.trade_id = sdk::str(r.id);
    trades.push_back(t);
  }
  if (!trades.empty()) host().emit_trades(key->second, trades.data(), trades.size());
}

}  // namespace astra::okx

ASTRA_CONNECTOR(astra::okx::OkxConnector, "okx", "OKX", "0.1.0",
                ASTRA_CAP_SPOT | ASTRA_CAP_PERP | ASTRA_CAP_FUTURES | ASTRA_CAP_OPTIONS |
                    ASTRA_CAP_ORDERBOOK | ASTRA_CAP_TRADES)
