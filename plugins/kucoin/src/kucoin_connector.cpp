#include "kucoin_connector.hpp"

#include <astra/sdk/decimal.hpp>
#include <astra/sdk/json.hpp>
#include <astra/sdk/url.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace astra::kucoin {

namespace {

using json = nlohmann::json;

std::string_view book_prefix(Family f) {
  return f == Family::spot ? "/market/level2:" : "/contractMarket/level2:";
}
std::string_view trade_prefix(Family f) {
  return f == Family::spot ? "/market/match:" : "/contractMarket/execution:";
}

// Maps a failed REST exchange to a status and an error body. KuCoin codes are strings; HTTP 200
// can still carry an error code.
std::pair<sdk::Status, std::string> rest_error(const sdk::HttpResponse& r, std::string_view what) {
  if (r.error != ASTRA_OK)
    return {r.error, sdk::error_json("venue_unreachable", std::string(what) + ": no response")};
  std::string code, msg;
  const json body = json::parse(r.body.begin(), r.body.end(), nullptr, false);
  if (body.is_object()) {
    if (auto c = body.find("code"); c != body.end() && c->is_string()) code = *c;
    if (auto m = body.find("msg"); m != body.end() && m->is_string()) msg = *m;
  }
  std::string message = std::string(what) + ": HTTP " + std::to_string(r.status);
  if (!code.empty()) message += " (" + code + (msg.empty() ? "" : " " + msg) + ")";
  if (r.status == 429 || code == "429000" || code == "200002")
    return {ASTRA_E_RESOURCE_EXHAUSTED, sdk::error_json("rate_limited", message)};
  if (code == "900001") return {ASTRA_E_NOT_FOUND, sdk::error_json("unknown_market", message)};
  if (r.status >= 500) return {ASTRA_E_UNAVAILABLE, sdk::error_json("venue_unavailable", message)};
  return {ASTRA_E_UPSTREAM, sdk::error_json("venue_error", message)};
}

// The `data` object of a successful envelope, or null.
const json* ok_data(const json& doc) {
  if (!doc.is_object()) return nullptr;
  auto code = doc.find("code");
  if (code == doc.end() || !code->is_string() || *code != "200000") return nullptr;
  auto data = doc.find("data");
  return data != doc.end() && data->is_object() ? &*data : nullptr;
}

// A decimal sent as a string (spot) or a JSON number (futures snapshots).
bool decimal_of(const json& v, astra_decimal& out) {
  if (v.is_string()) return sdk::parse_decimal(v.get_ref<const std::string&>(), out);
  if (v.is_number()) return sdk::parse_decimal(v.dump(), out);
  return false;
}

// [[price, size], ...]; false on any malformed entry.
bool parse_levels(const json& v, std::vector<astra_book_level>& out) {
  if (!v.is_array()) return false;
  out.clear();
  out.reserve(v.size());
  for (const json& level : v) {
    astra_book_level l{};
    if (!level.is_array() || level.size() < 2 || !decimal_of(level[0], l.price) ||
        !decimal_of(level[1], l.quantity))
      return false;
    out.push_back(l);
  }
  return true;
}

bool sequence_of(const json& v, uint64_t& out) {
  if (v.is_number_unsigned()) {
    out = v.get<uint64_t>();
    return true;
  }
  if (!v.is_string()) return false;
  const std::string& s = v.get_ref<const std::string&>();
  if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos)
    return false;
  out = std::stoull(s);
  return true;
}

// A parsed REST book: spot level2_20/100 {"sequence":"…","time":ms,"bids","asks"} or futures
// /api/v1/level2/snapshot {"sequence":N,"ts":ns,"bids","asks"}.
struct RestBook {
  uint64_t sequence = 0;
  int64_t time_us = 0;
  std::vector<astra_book_level> bids, asks;
};

bool parse_rest_book(std::string_view body, RestBook& out) {
  const json doc = json::parse(body.begin(), body.end(), nullptr, false);
  const json* data = ok_data(doc);
  if (!data || !data->contains("sequence") || !sequence_of((*data)["sequence"], out.sequence) ||
      !parse_levels(data->value("bids", json()), out.bids) ||
      !parse_levels(data->value("asks", json()), out.asks))
    return false;
  if (auto t = data->find("time"); t != data->end() && t->is_number_integer())
    out.time_us = t->get<int64_t>() * 1000;
  else if (auto ts = data->find("ts"); ts != data->end() && ts->is_number_integer())
    out.time_us = ts->get<int64_t>() / 1000;
  return true;
}

}  // namespace

KucoinConnector::KucoinConnector(sdk::Host host, std::string_view config_json)
    : sdk::Connector(host), config_(parse_config(config_json)) {}

KucoinConnector::~KucoinConnector() {
  for (auto& [token, id] : timer_ids_)
    host().timer_cancel(id);
  for (FamilyState& f : families_)
    if (f.conn) host().ws_close(f.conn);
}

const Market* KucoinConnector::find_market(std::string_view symbol) const {
  auto it = markets_.find(symbol);
  return it == markets_.end() ? nullptr : &it->second;
}

const Market* KucoinConnector::find_venue(Family f, std::string_view venue_symbol) const {
  std::string key(family_name(f));
  key.push_back('|');
  key.append(venue_symbol);
  auto it = by_venue_.find(key);
  return it == by_venue_.end() ? nullptr : find_market(it->second);
}

bool KucoinConnector::locate(uint64_t conn, Family& f) {
  for (size_t i = 0; i < families_.size(); ++i) {
    if (conn != 0 && families_[i].conn == conn) {
      f = static_cast<Family>(i);
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Timers
// ---------------------------------------------------------------------------------------------

uint64_t KucoinConnector::start_timer(uint32_t delay_ms, TimerTask task) {
  const uint64_t token = next_token_++;
  timer_tasks_[token] = std::move(task);
  timer_ids_[token] = host().timer_start(delay_ms, token);
  return token;
}

void KucoinConnector::cancel_timer(uint64_t& token) {
  if (token == 0) return;
  if (auto it = timer_ids_.find(token); it != timer_ids_.end()) {
    host().timer_cancel(it->second);
    timer_ids_.erase(it);
  }
  timer_tasks_.erase(token);
  token = 0;
}

void KucoinConnector::on_timer(uint64_t token) {
  auto it = timer_tasks_.find(token);
  if (it == timer_tasks_.end()) return;
  const TimerTask task = std::move(it->second);
  timer_tasks_.erase(it);
  timer_ids_.erase(token);
  FamilyState& fs = fam(task.family);
  switch (task.kind) {
    case TimerTask::Kind::ping:
      if (fs.ping_timer != token) break;
      fs.ping_timer = 0;
      send_ping(task.family);
      break;
    case TimerTask::Kind::pong_deadline:
      if (fs.pong_deadline != token) break;
      fs.pong_deadline = 0;
      if (fs.conn) {
        host().ws_close(fs.conn);
        fs.conn = 0;  // closed by us: no on_ws_close is expected for it
      }
      connection_lost(task.family, fs.phase == Phase::ready ? "no pong within pingTimeout"
                                                            : "no welcome within pingTimeout");
      break;
    case TimerTask::Kind::reconnect:
      if (fs.reconnect_timer != token) break;
      fs.reconnect_timer = 0;
      if (fs.phase == Phase::idle && (!fs.books.empty() || !fs.trades.empty()))
        request_token(task.family);
      break;
    case TimerTask::Kind::snapshot_retry: {
      auto b = books_.find(task.market);
      if (b == books_.end() || b->second.retry_timer != token) break;
      b->second.retry_timer = 0;
      if (!b->second.snapshot_pending && !b->second.sync.live()) request_snapshot(b->second);
      break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Markets
// ---------------------------------------------------------------------------------------------

sdk::Status KucoinConnector::list_markets(uint64_t call_id) {
  if (list_calls_.count(call_id)) return ASTRA_E_INVALID_ARGUMENT;
  ListCall& call = list_calls_[call_id];
  for (Family f : config_.families) {
    sdk::HttpRequest req;
    req.url = config_.rest(f) + (f == Family::futures      ? "/api/v1/contracts/active"
                                 : config_.spot_symbols_v1 ? "/api/v1/symbols"
                                                           : "/api/v2/symbols");
    const uint64_t token = next_token_++;
    http_tasks_[token] = HttpTask{HttpTask::Kind::markets, f, call_id, {}, 0, 0};
    if (host().http_request(req, token) == ASTRA_OK) {
      ++call.remaining;
    } else {
      http_tasks_.erase(token);
      call.errors += std::string(family_name(f)) + ": request refused; ";
    }
  }
  if (call.remaining == 0) {
    list_calls_.erase(call_id);
    host().complete_error(call_id, ASTRA_E_UNAVAILABLE, "venue_unavailable",
                          "no market list request could be sent");
  }
  return ASTRA_OK;
}

void KucoinConnector::finish_markets(const HttpTask& task, const sdk::HttpResponse& r) {
  auto it = list_calls_.find(task.call_id);
  if (it == list_calls_.end()) return;
  ListCall& call = it->second;
  const std::string fname(family_name(task.family));
  std::string error;
  sdk::Status status = ASTRA_E_UPSTREAM;
  if (!r.ok()) {
    auto [s, body] = rest_error(r, fname + " markets");
    status = s;
    error = body;
  } else {
    const bool ok = task.family == Family::spot ? parse_spot_symbols(r.body, call.parsed, error)
                                                : parse_contracts(r.body, call.parsed, error);
    if (!ok) error = fname + " markets: " + error;
  }
  if (!error.empty()) call.errors += error + "; ";
  if (--call.remaining > 0) return;
  ListCall done = std::move(call);
  list_calls_.erase(it);
  if (done.parsed.empty() && !done.errors.empty()) {
    host().complete_error(task.call_id, status, "venue_error", done.errors);
    return;
  }
  if (!done.errors.empty())
    host().log(ASTRA_LOG_WARN, "kucoin: market list incomplete: " + done.errors);
  std::vector<const Market*> list;
  for (Market& m : done.parsed) {
    std::string key(family_name(m.family));
    key.push_back('|');
    key.append(m.venue_symbol);
    // Keep existing records in place: live books point at them.
    auto [pos, inserted] = markets_.try_emplace(m.symbol, m);
    if (!inserted) {
      pos->second.status = m.status;
      pos->second.venue_status = m.venue_status;
    }
    by_venue_[key] = m.symbol;
    list.push_back(&pos->second);
  }
  host().complete(task.call_id, ASTRA_OK, markets_json(list));
}

// ---------------------------------------------------------------------------------------------
// Connection
// ---------------------------------------------------------------------------------------------

void KucoinConnector::request_token(Family f) {
  FamilyState& fs = fam(f);
  // A configured endpoint (replays): no token handshake, and so no advertised ping contract:
  // the plugin sends no pings and expects no pongs on it.
  fs.keepalive = config_.ws(f).empty();
  if (!fs.keepalive) {
    fs.phase = Phase::token;
    if (!open_socket(f, config_.ws(f), {})) {
      fs.phase = Phase::idle;
      schedule_reconnect(f);
    }
    return;
  }
  sdk::HttpRequest req;
  req.method = "POST";
  req.url = config_.rest(f) + "/api/v1/bullet-public";
  const uint64_t token = next_token_++;
  fs.bullet_generation = token;
  http_tasks_[token] = HttpTask{HttpTask::Kind::bullet, f, 0, {}, token, 0};
  fs.phase = Phase::token;
  if (host().http_request(req, token) != ASTRA_OK) {
    http_tasks_.erase(token);
    fs.phase = Phase::idle;
    schedule_reconnect(f);
  }
}

void KucoinConnector::finish_token(const HttpTask& task, const sdk::HttpResponse& r) {
  FamilyState& fs = fam(task.family);
  if (fs.phase != Phase::token || fs.bullet_generation != task.generation) return;
  if (fs.books.empty() && fs.trades.empty()) {  // everything was unsubscribed meanwhile
    fs.phase = Phase::idle;
    return;
  }
  const std::string fname(family_name(task.family));
  auto fail = [&](const std::string& why) {
    host().log(ASTRA_LOG_WARN, "kucoin: " + fname + " connection token failed: " + why);
    fs.phase = Phase::idle;
    schedule_reconnect(task.family);
  };
  if (!r.ok()) return fail(rest_error(r, "bullet-public").second);
  const json doc = json::parse(r.body.begin(), r.body.end(), nullptr, false);
  const json* data = ok_data(doc);
  if (!data) return fail("not a token answer");
  const json& tok = data->value("token", json());
  const json& servers = data->value("instanceServers", json());
  if (!tok.is_string() || tok.get_ref<const std::string&>().empty() || !servers.is_array() ||
      servers.empty() || !servers[0].is_object())
    return fail("no token or instance server");
  const json& server = servers[0];
  const json& endpoint = server.value("endpoint", json());
  if (!endpoint.is_string()) return fail("no endpoint");
  const json& interval = server.value("pingInterval", json());
  const json& timeout = server.value("pingTimeout", json());
  // Bounded so that a strange answer cannot make us ping in a loop or never.
  if (interval.is_number_unsigned())
    fs.ping_interval_ms = std::clamp<uint32_t>(interval.get<uint32_t>(), 1000, 120'000);
  if (timeout.is_number_unsigned())
    fs.ping_timeout_ms = std::clamp<uint32_t>(timeout.get<uint32_t>(), 1000, 120'000);
  if (!open_socket(task.family, endpoint.get<std::string>(), tok.get<std::string>()))
    return fail("ws_open refused");
}

bool KucoinConnector::open_socket(Family f, std::string url, std::string_view token) {
  url += url.find('?') == std::string::npos ? '?' : '&';
  if (!token.empty()) url += "token=" + sdk::percent_encode(token) + "&";
  url += "connectId=astra" + std::to_string(next_token_++);
  uint64_t conn = 0;
  if (host().ws_open(url, conn) != ASTRA_OK || conn == 0) return false;
  fam(f).conn = conn;
  fam(f).phase = Phase::connecting;
  return true;
}

void KucoinConnector::on_ws_open(uint64_t conn) {
  Family f{};
  if (!locate(conn, f)) return;
  FamilyState& fs = fam(f);
  fs.phase = Phase::open;  // subscriptions wait for `welcome`
  // A server that never says welcome is treated like one that stops answering pings.
  cancel_timer(fs.pong_deadline);
  fs.pong_deadline = start_timer(fs.ping_timeout_ms, {TimerTask::Kind::pong_deadline, f, {}});
}

void KucoinConnector::on_welcome(Family f) {
  FamilyState& fs = fam(f);
  if (fs.phase != Phase::open) return;
  fs.phase = Phase::ready;
  fs.reconnects = 0;
  cancel_timer(fs.pong_deadline);
  send_topics(f, true, book_prefix(f), {fs.books.begin(), fs.books.end()});
  send_topics(f, true, trade_prefix(f), {fs.trades.begin(), fs.trades.end()});
  cancel_timer(fs.ping_timer);
  if (fs.keepalive)
    fs.ping_timer = start_timer(fs.ping_interval_ms, {TimerTask::Kind::ping, f, {}});
}

void KucoinConnector::send_topics(Family f, bool subscribe, std::string_view prefix,
                                  const std::vector<std::string>& symbols) {
  FamilyState& fs = fam(f);
  if (fs.phase != Phase::ready) return;
  for (size_t i = 0; i < symbols.size(); i += kMaxTopicsPerMessage) {
    std::string topic(prefix);
    for (size_t k = i; k < std::min(symbols.size(), i + kMaxTopicsPerMessage); ++k) {
      if (k != i) topic.push_back(',');
      topic += symbols[k];
    }
    const json msg = {{"id", std::to_string(next_message_id_++)},
                      {"type", subscribe ? "subscribe" : "unsubscribe"},
                      {"topic", topic},
                      {"privateChannel", false},
                      {"response", true}};
    if (host().ws_send(fs.conn, msg.dump()) != ASTRA_OK)
      host().log(ASTRA_LOG_WARN, "kucoin: ws_send refused for " + topic);
  }
}

void KucoinConnector::send_ping(Family f) {
  FamilyState& fs = fam(f);
  if (fs.phase != Phase::ready) return;
  const json msg = {{"id", std::to_string(host().now_us() / 1000)}, {"type", "ping"}};
  host().ws_send(fs.conn, msg.dump());
  if (fs.pong_deadline == 0)
    fs.pong_deadline = start_timer(fs.ping_timeout_ms, {TimerTask::Kind::pong_deadline, f, {}});
  fs.ping_timer = start_timer(fs.ping_interval_ms, {TimerTask::Kind::ping, f, {}});
}

void KucoinConnector::on_ws_close(uint64_t conn, int32_t code, std::string_view reason) {
  Family f{};
  if (!locate(conn, f)) return;
  fam(f).conn = 0;  // already closed
  connection_lost(f, "closed (" + std::to_string(code) + " " + std::string(reason) + ")");
}

void KucoinConnector::connection_lost(Family f, std::string_view why) {
  FamilyState& fs = fam(f);
  host().log(ASTRA_LOG_INFO,
             "kucoin: " + std::string(family_name(f)) + " connection lost: " + std::string(why));
  if (fs.conn) host().ws_close(fs.conn);
  fs.conn = 0;
  fs.phase = Phase::idle;
  cancel_timer(fs.ping_timer);
  cancel_timer(fs.pong_deadline);
  for (auto& [m, b] : books_) {
    if (b.info->family != f) continue;
    if (b.announced) host().emit_reset(b.market, ASTRA_RESET_DISCONNECT);
    b.announced = false;
    b.sync.restart();
    b.snapshot_pending = false;
    cancel_timer(b.retry_timer);
    b.generation = next_token_++;  // in-flight snapshot answers miss
  }
  if (!fs.books.empty() || !fs.trades.empty()) schedule_reconnect(f);
}

void KucoinConnector::schedule_reconnect(Family f) {
  FamilyState& fs = fam(f);
  if (fs.reconnect_timer) return;
  // 100 ms, then doubling up to 30 s; the host adds its own limits on connection attempts.
  const uint32_t delay = std::min<uint32_t>(30'000, 100u << std::min<uint32_t>(fs.reconnects, 9));
  ++fs.reconnects;
  fs.reconnect_timer = start_timer(delay, {TimerTask::Kind::reconnect, f, {}});
}

// ---------------------------------------------------------------------------------------------
// Subscriptions
// ---------------------------------------------------------------------------------------------

sdk::Status KucoinConnector::subscribe(std::string_view market, uint32_t data_type) {
  if (data_type != ASTRA_DATA_ORDERBOOK && data_type != ASTRA_DATA_TRADES)
    return ASTRA_E_UNIMPLEMENTED;
  const Market* m = find_market(market);
  if (!m) return ASTRA_E_NOT_FOUND;
  const Family f = m->family;
  if (std::find(config_.families.begin(), config_.families.end(), f) == config_.families.end())
    return ASTRA_E_NOT_FOUND;
  FamilyState& fs = fam(f);
  if (data_type == ASTRA_DATA_ORDERBOOK) {
    if (books_.count(m->symbol)) return ASTRA_OK;
    Book& b = books_[m->symbol];
    b.market = m->symbol;
    b.info = m;
    b.generation = next_token_++;
    fs.books.insert(m->venue_symbol);
    send_topics(f, true, book_prefix(f), {m->venue_symbol});
  } else {
    if (trades_.count(m->symbol)) return ASTRA_OK;
    trades_[m->symbol] = m->symbol;
    fs.trades.insert(m->venue_symbol);
    send_topics(f, true, trade_prefix(f), {m->venue_symbol});
  }
  if (fs.phase == Phase::idle && fs.reconnect_timer == 0) request_token(f);
  return ASTRA_OK;
}

sdk::Status KucoinConnector::unsubscribe(std::string_view market, uint32_t data_type) {
  if (data_type != ASTRA_DATA_ORDERBOOK && data_type != ASTRA_DATA_TRADES)
    return ASTRA_E_UNIMPLEMENTED;
  const Market* m = find_market(market);
  if (!m) return ASTRA_E_NOT_FOUND;
  const Family f = m->family;
  FamilyState& fs = fam(f);
  if (data_type == ASTRA_DATA_ORDERBOOK) {
    auto it = books_.find(m->symbol);
    if (it == books_.end()) return ASTRA_OK;
    if (it->second.announced) host().emit_reset(m->symbol, ASTRA_RESET_UNSUBSCRIBED);
    cancel_timer(it->second.retry_timer);
    books_.erase(it);
    fs.books.erase(m->venue_symbol);
    send_topics(f, false, book_prefix(f), {m->venue_symbol});
  } else {
    if (!trades_.erase(m->symbol)) return ASTRA_OK;
    fs.trades.erase(m->venue_symbol);
    send_topics(f, false, trade_prefix(f), {m->venue_symbol});
  }
  if (fs.books.empty() && fs.trades.empty() && fs.conn) {
    host().ws_close(fs.conn);
    fs.conn = 0;
    fs.phase = Phase::idle;
    cancel_timer(fs.ping_timer);
    cancel_timer(fs.pong_deadline);
  }
  return ASTRA_OK;
}

// ---------------------------------------------------------------------------------------------
// Frames
// ---------------------------------------------------------------------------------------------

void KucoinConnector::on_ws_message(uint64_t conn, std::string_view data, bool binary) {
  Family f{};
  if (!locate(conn, f)) return;
  if (binary) {
    host().count(ASTRA_COUNT_BAD_FRAME, {});
    return;
  }
  switch (decoder_.decode(data, frame_)) {
    case Frame::Kind::bad:
      host().count(ASTRA_COUNT_BAD_FRAME, {});
      if (host().log_enabled(ASTRA_LOG_DEBUG))
        host().log(ASTRA_LOG_DEBUG, "kucoin: bad frame: " + frame_.message);
      return;
    case Frame::Kind::welcome:
      on_welcome(f);
      return;
    case Frame::Kind::pong:
      cancel_timer(fam(f).pong_deadline);
      return;
    case Frame::Kind::error:
      host().log(ASTRA_LOG_WARN,
                 "kucoin: venue error for request " + frame_.id + ": " + frame_.message);
      return;
    case Frame::Kind::level2:
      on_level2(f, frame_);
      return;
    case Frame::Kind::trade:
      on_trade(f, frame_);
      return;
    case Frame::Kind::ack:
    case Frame::Kind::other:
      return;
  }
}

void KucoinConnector::on_level2(Family f, const Frame& frame) {
  const Market* m = find_venue(f, frame.symbol);
  if (!m) return;
  auto it = books_.find(m->symbol);
  if (it == books_.end()) return;  // not subscribed (or just unsubscribed)
  Book& b = it->second;
  Applied applied;
  switch (b.sync.on_message(frame.l2, applied)) {
    case BookSync::Step::buffered:
      // KuCoin's order: buffer first, then fetch the snapshot.
      if (!b.snapshot_pending && b.retry_timer == 0) request_snapshot(b);
      return;
    case BookSync::Step::applied:
      emit_applied(b, applied);
      return;
    case BookSync::Step::stale:
      host().count(ASTRA_COUNT_STALE_DROPPED, b.market);
      return;
    case BookSync::Step::gap:
      resync(b, ASTRA_RESET_GAP);
      b.sync.on_message(frame.l2, applied);  // buffered: the new snapshot may bridge onto it
      return;
  }
}

void KucoinConnector::emit_applied(Book& b, const Applied& a) {
  if (a.bids.empty() && a.asks.empty()) return;  // only no-ops or entries already in the book
  host().emit_book(ASTRA_BOOK_UPDATE, b.market, a.update_id, a.time_us, a.bids, a.asks);
}

void KucoinConnector::resync(Book& b, uint32_t reason) {
  if (b.announced) host().emit_reset(b.market, reason);
  b.announced = false;
  if (reason == ASTRA_RESET_GAP) host().count(ASTRA_COUNT_GAP, b.market);
  b.sync.restart();
  b.generation = next_token_++;  // in-flight answers miss
  b.snapshot_pending = false;
  cancel_timer(b.retry_timer);
  request_snapshot(b);
}

std::string KucoinConnector::snapshot_url(const Market& m, uint32_t depth) const {
  if (m.family == Family::futures)
    return config_.futures_rest + "/api/v1/level2/snapshot?symbol=" + m.venue_symbol;
  if (depth == 0)
    return config_.spot_rest + "/api/v3/market/orderbook/level2?symbol=" + m.venue_symbol;
  return config_.spot_rest + "/api/v1/market/orderbook/level2_" + std::to_string(depth) +
         "?symbol=" + m.venue_symbol;
}

void KucoinConnector::request_snapshot(Book& b) {
  sdk::HttpRequest req;
  req.url = snapshot_url(*b.info, config_.snapshot_depth);
  const uint64_t token = next_token_++;
  http_tasks_[token] =
      HttpTask{HttpTask::Kind::snapshot, b.info->family, 0, b.market, b.generation, 0};
  host().count(ASTRA_COUNT_RESYNC, b.market);
  if (host().http_request(req, token) != ASTRA_OK) {
    http_tasks_.erase(token);
    snapshot_failed(b, "request refused by the host");
    return;
  }
  b.snapshot_pending = true;
}

void KucoinConnector::snapshot_failed(Book& b, std::string_view why) {
  b.snapshot_pending = false;
  ++b.snapshot_failures;
  host().log(ASTRA_LOG_WARN, "kucoin: snapshot for " + b.market + " failed: " + std::string(why));
  // 500 ms, doubling up to 30 s.
  const uint32_t delay =
      std::min<uint32_t>(30'000, 500u << std::min<uint32_t>(b.snapshot_failures - 1, 6));
  cancel_timer(b.retry_timer);
  b.retry_timer = start_timer(delay, {TimerTask::Kind::snapshot_retry, b.info->family, b.market});
}

void KucoinConnector::finish_snapshot(const HttpTask& task, const sdk::HttpResponse& r) {
  auto it = books_.find(task.market);
  if (it == books_.end() || it->second.generation != task.generation) return;  // superseded
  Book& b = it->second;
  b.snapshot_pending = false;
  if (!r.ok()) {
    snapshot_failed(b, rest_error(r, "level2 snapshot").second);
    return;
  }
  RestBook book;
  if (!parse_rest_book(r.body, book)) {
    snapshot_failed(b, "the answer is not a level2 snapshot");
    return;
  }
  BookSync::SnapshotResult result = b.sync.on_snapshot(book.sequence);
  if (result.dropped) host().count(ASTRA_COUNT_STALE_DROPPED, b.market, result.dropped);
  switch (result.outcome) {
    case BookSync::Outcome::too_old:
      snapshot_failed(b, "snapshot older than the buffered stream");
      return;
    case BookSync::Outcome::gap:
      host().count(ASTRA_COUNT_GAP, b.market);
      request_snapshot(b);
      return;
    case BookSync::Outcome::synced:
      break;
  }
  b.snapshot_failures = 0;
  host().emit_book(ASTRA_BOOK_SNAPSHOT, b.market, book.sequence, book.time_us, book.bids,
                   book.asks);
  b.announced = true;
  for (const Applied& a : result.to_apply)
    emit_applied(b, a);
}

// ---------------------------------------------------------------------------------------------
// Trades and REST books
// ---------------------------------------------------------------------------------------------

void KucoinConnector::on_trade(Family f, const Frame& frame) {
  const Market* m = find_venue(f, frame.symbol);
  if (!m || !trades_.count(m->symbol)) return;
  astra_trade trade = frame.trade.trade;
  trade.trade_id = sdk::str(frame.trade.trade_id);
  host().emit_trades(m->symbol, &trade, 1);
}

sdk::Status KucoinConnector::get_orderbook(uint64_t call_id, std::string_view market,
                                           uint32_t depth) {
  const Market* m = find_market(market);
  if (!m) {
    host().complete_error(call_id, ASTRA_E_NOT_FOUND, "NOT_FOUND",
                          "unknown market " + std::string(market));
    return ASTRA_OK;
  }
  sdk::HttpRequest req;
  req.url = snapshot_url(*m, depth != 0 && depth <= 20 ? 20 : 100);
  const uint64_t token = next_token_++;
  http_tasks_[token] = HttpTask{HttpTask::Kind::orderbook, m->family, call_id, m->symbol, 0, depth};
  if (host().http_request(req, token) != ASTRA_OK) {
    http_tasks_.erase(token);
    host().complete_error(call_id, ASTRA_E_UNAVAILABLE, "venue_unavailable",
                          "the host refused the request");
  }
  return ASTRA_OK;
}

void KucoinConnector::finish_orderbook(const HttpTask& task, const sdk::HttpResponse& r) {
  if (!r.ok()) {
    auto [status, body] = rest_error(r, "orderbook");
    host().complete(task.call_id, status, body);
    return;
  }
  RestBook book;
  if (!parse_rest_book(r.body, book)) {
    host().complete_error(task.call_id, ASTRA_E_UPSTREAM, "venue_error",
                          "the answer is not a level2 book");
    return;
  }
  if (task.depth) {
    if (book.bids.size() > task.depth) book.bids.resize(task.depth);
    if (book.asks.size() > task.depth) book.asks.resize(task.depth);
  }
  std::string out = "{\"market\":";
  sdk::append_json_string(out, task.market);
  out += ",\"updateId\":" + std::to_string(book.sequence) + ",\"bids\":";
  sdk::append_json_levels(out, book.bids.data(), book.bids.size());
  out += ",\"asks\":";
  sdk::append_json_levels(out, book.asks.data(), book.asks.size());
  out += "}";
  host().complete(task.call_id, ASTRA_OK, out);
}

void KucoinConnector::on_http_response(uint64_t token, const sdk::HttpResponse& response) {
  auto it = http_tasks_.find(token);
  if (it == http_tasks_.end()) return;
  const HttpTask task = std::move(it->second);
  http_tasks_.erase(it);
  switch (task.kind) {
    case HttpTask::Kind::markets:
      finish_markets(task, response);
      return;
    case HttpTask::Kind::bullet:
      finish_token(task, response);
      return;
    case HttpTask::Kind::snapshot:
      finish_snapshot(task, response);
      return;
    case HttpTask::Kind::orderbook:
      finish_orderbook(task, response);
      return;
  }
}

}  // namespace astra::kucoin

ASTRA_CONNECTOR(astra::kucoin::KucoinConnector, "kucoin", "KUCOIN", "0.1.0",
                ASTRA_CAP_SPOT | ASTRA_CAP_PERP | ASTRA_CAP_FUTURES | ASTRA_CAP_ORDERBOOK |
                    ASTRA_CAP_TRADES)
