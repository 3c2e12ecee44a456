#include "binance_connector.hpp"

#include <astra/sdk/decimal.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace astra::binance {

namespace {

using json = nlohmann::json;

constexpr size_t kMaxParamsPerMessage = 100;
constexpr size_t kMaxShadow = 20000;

SyncRule rule_of(Family f) {
  return f == Family::spot ? SyncRule::spot : SyncRule::futures;
}

std::string depth_path(Family f) {
  switch (f) {
    case Family::spot:
      return "/api/v3/depth";
    case Family::usdm:
      return "/fapi/v1/depth";
    case Family::coinm:
      return "/dapi/v1/depth";
  }
  return {};
}

std::string exchange_info_path(Family f) {
  switch (f) {
    case Family::spot:
      return "/api/v3/exchangeInfo";
    case Family::usdm:
      return "/fapi/v1/exchangeInfo";
    case Family::coinm:
      return "/dapi/v1/exchangeInfo";
  }
  return {};
}

// Request weight of a depth snapshot, per the venue's tables.
uint32_t depth_weight(Family f, uint32_t limit) {
  if (f == Family::spot) {
    if (limit == 0 || limit <= 100) return 5;
    if (limit <= 500) return 25;
    if (limit <= 1000) return 50;
    return 250;
  }
  if (limit == 0) return 10;  // default 500
  if (limit <= 50) return 2;
  if (limit <= 100) return 5;
  if (limit <= 500) return 10;
  return 20;
}

// The smallest limit the venue accepts that gives at least `depth` levels (0: venue default).
uint32_t depth_limit(Family f, uint32_t depth) {
  if (depth == 0) return 0;
  if (f == Family::spot) return std::min<uint32_t>(depth, 5000);
  for (uint32_t v : {5u, 10u, 20u, 50u, 100u, 500u, 1000u})
    if (depth <= v) return v;
  return 1000;
}

// Maps a failed REST exchange to a status and an error body.
std::pair<sdk::Status, std::string> rest_error(const sdk::HttpResponse& r, std::string_view what) {
  if (r.error != ASTRA_OK) {
    return {r.error, sdk::error_json("venue_unreachable", std::string(what) + ": no response")};
  }
  std::string venue_msg;
  int64_t venue_code = 0;
  const json body = json::parse(r.body.begin(), r.body.end(), nullptr, false);
  if (body.is_object()) {
    if (auto m = body.find("msg"); m != body.end() && m->is_string()) venue_msg = *m;
    if (auto c = body.find("code"); c != body.end() && c->is_number_integer()) venue_code = *c;
  }
  std::string message = std::string(what) + ": HTTP " + std::to_string(r.status);
  if (!venue_msg.empty()) message += " (" + std::to_string(venue_code) + " " + venue_msg + ")";
  if (r.status == 429 || r.status == 418)
    return {ASTRA_E_RESOURCE_EXHAUSTED, sdk::error_json("rate_limited", message)};
  if (venue_code == -1121) return {ASTRA_E_NOT_FOUND, sdk::error_json("unknown_market", message)};
  if (r.status >= 500) return {ASTRA_E_UNAVAILABLE, sdk::error_json("venue_unavailable", message)};
  return {ASTRA_E_UPSTREAM, sdk::error_json("venue_error", message)};
}

// Parses [["price","qty"],...]; false on any malformed entry.
bool parse_levels(const json& v, std::vector<astra_book_level>& out) {
  if (!v.is_array()) return false;
  out.clear();
  out.reserve(v.size());
  for (const json& level : v) {
    if (!level.is_array() || level.size() < 2 || !level[0].is_string() || !level[1].is_string())
      return false;
    astra_book_level l{};
    if (!sdk::parse_decimal(level[0].get_ref<const std::string&>(), l.price) ||
        !sdk::parse_decimal(level[1].get_ref<const std::string&>(), l.quantity))
      return false;
    out.push_back(l);
  }
  return true;
}

}  // namespace

BinanceConnector::BinanceConnector(sdk::Host host, std::string_view config_json)
    : sdk::Connector(host), config_(parse_config(config_json)) {}

BinanceConnector::~BinanceConnector() {
  // Release what the host holds for us; nothing is called after destroy() returns.
  for (auto& [token, id] : timer_ids_)
    host().timer_cancel(id);
  for (FamilyState& f : families_) {
    if (f.active && f.active->id) host().ws_close(f.active->id);
    if (f.standby && f.standby->id) host().ws_close(f.standby->id);
  }
}

std::string BinanceConnector::family_market_key(Family f, std::string_view venue_symbol) const {
  std::string key(family_name(f));
  key.push_back('|');
  key.append(venue_symbol);
  return key;
}

const Market* BinanceConnector::find_market(std::string_view symbol) const {
  auto it = markets_.find(symbol);
  return it == markets_.end() ? nullptr : &it->second;
}

// ---------------------------------------------------------------------------------------------
// Timers
// ---------------------------------------------------------------------------------------------

uint64_t BinanceConnector::start_timer(uint32_t delay_ms, TimerTask task) {
  const uint64_t token = next_token_++;
  timer_tasks_[token] = std::move(task);
  timer_ids_[token] = host().timer_start(delay_ms, token);
  return token;
}

void BinanceConnector::cancel_timer(uint64_t& token) {
  if (token == 0) return;
  if (auto it = timer_ids_.find(token); it != timer_ids_.end()) {
    host().timer_cancel(it->second);
    timer_ids_.erase(it);
  }
  timer_tasks_.erase(token);
  token = 0;
}

void BinanceConnector::on_timer(uint64_t token) {
  auto it = timer_tasks_.find(token);
  if (it == timer_tasks_.end()) return;
  const TimerTask task = std::move(it->second);
  timer_tasks_.erase(it);
  timer_ids_.erase(token);
  FamilyState& fs = fam(task.family);
  switch (task.kind) {
    case TimerTask::Kind::pace:
      for (std::optional<Connection>* c : {&fs.active, &fs.standby}) {
        if (*c && (*c)->pace_timer == token) {
          (*c)->pace_timer = 0;
          flush(task.family, **c);
        }
      }
      break;
    case TimerTask::Kind::rollover:
      if (fs.active && fs.active->rollover_timer == token) fs.active->rollover_timer = 0;
      if (fs.active && fs.active->open && !fs.standby && !fs.streams.empty()) {
        if (open_connection(task.family, true) != ASTRA_OK && fs.active)
          fs.active->rollover_timer =
              start_timer(60'000, {TimerTask::Kind::rollover, task.family, 0, {}, 0});
      }
      break;
    case TimerTask::Kind::reconnect:
      fs.reconnect_timer = 0;
      if (!fs.active && !fs.streams.empty() && open_connection(task.family, false) != ASTRA_OK)
        schedule_reconnect(task.family);
      break;
    case TimerTask::Kind::deadline:
      fs.deadline_timer = 0;
      if (fs.standby && fs.standby->open) switch_over(task.family);
      break;
    case TimerTask::Kind::watch:
      if (fs.active && fs.active->watch_timer == token) {
        fs.active->watch_timer = 0;
        watch(task.family);
      }
      break;
    case TimerTask::Kind::snapshot_pace:
      snapshot_pace_timer_ = 0;
      drain_snapshot_queue();
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

sdk::Status BinanceConnector::list_markets(uint64_t call_id) {
  if (list_calls_.count(call_id)) return ASTRA_E_INVALID_ARGUMENT;
  ListCall& call = list_calls_[call_id];
  for (Family f : config_.families) {
    sdk::HttpRequest req;
    req.url = config_.of(f).rest + exchange_info_path(f);
    req.weight = f == Family::spot ? 20 : 1;
    const uint64_t token = next_token_++;
    http_tasks_[token] = HttpTask{HttpTask::Kind::exchange_info, f, call_id, {}, 0, 0};
    if (host().http_request(req, token) == ASTRA_OK) {
      ++call.remaining;
    } else {
      http_tasks_.erase(token);
      call.failed.push_back(f);
      call.errors += std::string(family_name(f)) + ": request refused; ";
    }
  }
  if (call.remaining == 0) {
    list_calls_.erase(call_id);
    host().complete_error(call_id, ASTRA_E_UNAVAILABLE, "venue_unavailable",
                          "no exchangeInfo request could be sent");
  }
  return ASTRA_OK;
}

void BinanceConnector::finish_exchange_info(const HttpTask& task, const sdk::HttpResponse& r) {
  auto it = list_calls_.find(task.call_id);
  if (it == list_calls_.end()) return;
  ListCall& call = it->second;
  std::vector<Market> parsed;
  std::string error;
  const std::string fname(family_name(task.family));
  if (!r.ok()) {
    error = rest_error(r, fname + " exchangeInfo").second;
  } else if (!parse_exchange_info(task.family, r.body, parsed, error)) {
    error = fname + " exchangeInfo: " + error;
  }
  if (!error.empty()) {
    host().log(ASTRA_LOG_WARN, "binance: " + error);
    call.failed.push_back(task.family);
    call.errors += error + "; ";
  } else {
    // Replace this family's markets (subscribed books keep pointing at live entries: a market
    // that disappears from the listing stays until it is unsubscribed).
    for (auto m = markets_.begin(); m != markets_.end();) {
      const bool in_use = books_.count(m->first) || trades_.count(m->first);
      if (m->second.family == task.family && !in_use) {
        by_venue_.erase(family_market_key(task.family, m->second.venue_symbol));
        m = markets_.erase(m);
      } else {
        ++m;
      }
    }
    for (Market& m : parsed) {
      by_venue_[family_market_key(task.family, m.venue_symbol)] = m.symbol;
      std::string key = m.symbol;
      markets_.insert_or_assign(std::move(key), std::move(m));
    }
  }
  if (--call.remaining > 0) return;
  const bool all_failed = call.failed.size() == config_.families.size();
  const uint64_t call_id = task.call_id;
  const std::string errors = call.errors;
  list_calls_.erase(it);
  if (all_failed) {
    host().complete_error(call_id, ASTRA_E_UNAVAILABLE, "venue_unavailable",
                          "every exchangeInfo request failed: " + errors);
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

sdk::Status BinanceConnector::get_orderbook(uint64_t call_id, std::string_view market,
                                            uint32_t depth) {
  const Market* m = find_market(market);
  if (m == nullptr) return ASTRA_E_NOT_FOUND;
  const uint32_t limit = depth_limit(m->family, depth);
  sdk::HttpRequest req;
  req.url = config_.of(m->family).rest + depth_path(m->family) + "?symbol=" + m->venue_symbol;
  if (limit) req.url += "&limit=" + std::to_string(limit);
  req.weight = depth_weight(m->family, limit);
  const uint64_t token = next_token_++;
  http_tasks_[token] =
      HttpTask{HttpTask::Kind::orderbook, m->family, call_id, std::string(market), 0, depth};
  const sdk::Status s = host().http_request(req, token);
  if (s != ASTRA_OK) http_tasks_.erase(token);
  return s;
}

void BinanceConnector::finish_orderbook(const HttpTask& task, const sdk::HttpResponse& r) {
  if (!r.ok()) {
    auto [status, body] = rest_error(r, "depth");
    host().complete(task.call_id, status, body);
    return;
  }
  const json doc = json::parse(r.body.begin(), r.body.end(), nullptr, false);
  std::vector<astra_book_level> bids, asks;
  if (!doc.is_object() || !doc.contains("lastUpdateId") ||
      !doc["lastUpdateId"].is_number_unsigned() || !parse_levels(doc.value("bids", json()), bids) ||
      !parse_levels(doc.value("asks", json()), asks)) {
    host().complete_error(task.call_id, ASTRA_E_UPSTREAM, "bad_venue_response",
                          "depth: the venue's answer is not a depth snapshot");
    return;
  }
  auto side = [&](const std::vector<astra_book_level>& levels) {
    json arr = json::array();
    const size_t n = task.depth ? std::min<size_t>(task.depth, levels.size()) : levels.size();
    for (size_t i = 0; i < n; ++i)
      arr.push_back(
          {sdk::format_decimal(levels[i].price), sdk::format_decimal(levels[i].quantity)});
    return arr;
  };
  json out = {{"market", task.market},
              {"updateId", doc["lastUpdateId"].get<uint64_t>()},
              {"bids", side(bids)},
              {"asks", side(asks)}};
  host().complete(task.call_id, ASTRA_OK, out.dump());
}

// ---------------------------------------------------------------------------------------------
// HTTP dispatch
// ---------------------------------------------------------------------------------------------

void BinanceConnector::on_http_response(uint64_t token, const sdk::HttpResponse& r) {
  // A snapshot's weight is counted from its answer on; queued books may wait for it to age out.
  bool snapshot_answered = false;
  if (auto spent = snapshot_in_flight_.find(token); spent != snapshot_in_flight_.end()) {
    snapshot_weights_.emplace_back(host().now_us(), spent->second);
    snapshot_in_flight_.erase(spent);
    snapshot_answered = true;
  }
  auto it = http_tasks_.find(token);
  if (it == http_tasks_.end()) return;
  const HttpTask task = std::move(it->second);
  http_tasks_.erase(it);
  switch (task.kind) {
    case HttpTask::Kind::exchange_info:
      finish_exchange_info(task, r);
      break;
    case HttpTask::Kind::snapshot:
      finish_snapshot(task, r);
      break;
    case HttpTask::Kind::orderbook:
      finish_orderbook(task, r);
      break;
  }
  if (snapshot_answered) drain_snapshot_queue();
}

// ---------------------------------------------------------------------------------------------
// Subscriptions and connections
// ---------------------------------------------------------------------------------------------

sdk::Status BinanceConnector::subscribe(std::string_view market, uint32_t data_type) {
  const Market* m = find_market(market);
  if (m == nullptr) return ASTRA_E_NOT_FOUND;
  if (data_type != ASTRA_DATA_ORDERBOOK && data_type != ASTRA_DATA_TRADES)
    return ASTRA_E_UNIMPLEMENTED;
  const bool book = data_type == ASTRA_DATA_ORDERBOOK;
  if (book ? books_.count(market) != 0 : trades_.count(market) != 0) return ASTRA_OK;
  FamilyState& fs = fam(m->family);
  if (!fs.active) {
    const sdk::Status s = open_connection(m->family, false);
    if (s != ASTRA_OK) return ASTRA_E_UNAVAILABLE;
  }
  const std::string stream = book ? depth_stream(m->venue_symbol) : trade_stream(m->venue_symbol);
  if (book) {
    Book b(rule_of(m->family));
    b.market = std::string(market);
    b.info = m;
    b.generation = next_token_++;
    books_.emplace(b.market, std::move(b));
  } else {
    TradeSub t;
    t.market = std::string(market);
    t.info = m;
    trades_.emplace(t.market, std::move(t));
  }
  fs.streams.insert(stream);
  enqueue(m->family, true, stream);
  return ASTRA_OK;
}

sdk::Status BinanceConnector::unsubscribe(std::string_view market, uint32_t data_type) {
  const Market* m = find_market(market);
  if (m == nullptr) return ASTRA_E_NOT_FOUND;
  if (data_type != ASTRA_DATA_ORDERBOOK && data_type != ASTRA_DATA_TRADES)
    return ASTRA_E_UNIMPLEMENTED;
  const bool book = data_type == ASTRA_DATA_ORDERBOOK;
  if (book) {
    auto it = books_.find(market);
    if (it == books_.end()) return ASTRA_OK;
    cancel_timer(it->second.retry_timer);
    books_.erase(it);  // in-flight snapshots and retries find no book and are ignored
  } else {
    auto it = trades_.find(market);
    if (it == trades_.end()) return ASTRA_OK;
    trades_.erase(it);
  }
  const Family f = m->family;
  FamilyState& fs = fam(f);
  const std::string stream = book ? depth_stream(m->venue_symbol) : trade_stream(m->venue_symbol);
  fs.streams.erase(stream);
  if (fs.streams.empty()) {
    // Nothing left on this family: close rather than keep an idle connection.
    if (fs.active) close_connection(*fs.active);
    if (fs.standby) close_connection(*fs.standby);
    fs.active.reset();
    fs.standby.reset();
    cancel_timer(fs.deadline_timer);
    cancel_timer(fs.reconnect_timer);
    return ASTRA_OK;
  }
  enqueue(f, false, stream);
  maybe_switch(f);
  return ASTRA_OK;
}

sdk::Status BinanceConnector::open_connection(Family f, bool standby) {
  uint64_t id = 0;
  const sdk::Status s = host().ws_open(config_.of(f).ws + "/stream", id);
  if (s != ASTRA_OK) {
    host().log(ASTRA_LOG_WARN,
               "binance: " + std::string(family_name(f)) + " WebSocket open refused by the host");
    return s;
  }
  Connection c;
  c.id = id;
  // A new connection subscribes everything the family wants, once it is open.
  for (const std::string& stream : fam(f).streams)
    c.queue.push_back({true, stream});
  (standby ? fam(f).standby : fam(f).active) = std::move(c);
  return ASTRA_OK;
}

bool BinanceConnector::locate(uint64_t conn, Family& f, bool& standby) {
  for (int i = 0; i < kFamilyCount; ++i) {
    FamilyState& fs = families_[static_cast<size_t>(i)];
    if (fs.active && fs.active->id == conn) {
      f = static_cast<Family>(i);
      standby = false;
      return true;
    }
    if (fs.standby && fs.standby->id == conn) {
      f = static_cast<Family>(i);
      standby = true;
      return true;
    }
  }
  return false;
}

void BinanceConnector::enqueue(Family f, bool subscribe, const std::string& stream) {
  FamilyState& fs = fam(f);
  for (std::optional<Connection>* c : {&fs.active, &fs.standby}) {
    if (!*c) continue;
    (*c)->queue.push_back({subscribe, stream});
    flush(f, **c);
  }
}

void BinanceConnector::flush(Family f, Connection& c) {
  if (!c.open || c.queue.empty() || c.pace_timer != 0) return;
  const int64_t now = host().now_us();
  const int64_t interval_us = int64_t(pace_ms(f)) * 1000;
  if (c.sent_any && now - c.last_send_us < interval_us) {
    const auto wait_ms = static_cast<uint32_t>((interval_us - (now - c.last_send_us) + 999) / 1000);
    c.pace_timer = start_timer(wait_ms, {TimerTask::Kind::pace, f, c.id, {}, 0});
    return;
  }
  // One message: the leading run of items with the same method.
  const bool subscribe = c.queue.front().subscribe;
  json params = json::array();
  while (!c.queue.empty() && c.queue.front().subscribe == subscribe &&
         params.size() < kMaxParamsPerMessage) {
    params.push_back(c.queue.front().stream);
    c.queue.pop_front();
  }
  const int64_t id = next_request_id_++;
  const json msg = {
      {"method", subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE"}, {"params", params}, {"id", id}};
  if (host().ws_send(c.id, msg.dump()) != ASTRA_OK) {
    host().log(ASTRA_LOG_WARN, "binance: ws_send refused; waiting for the connection to recover");
    return;
  }
  c.unacked.insert(id);
  c.sent_any = true;
  c.last_send_us = now;
  if (!c.queue.empty())
    c.pace_timer = start_timer(pace_ms(f), {TimerTask::Kind::pace, f, c.id, {}, 0});
}

void BinanceConnector::close_connection(Connection& c) {
  cancel_timer(c.pace_timer);
  cancel_timer(c.rollover_timer);
  cancel_timer(c.watch_timer);
  if (c.id) host().ws_close(c.id);
  c.id = 0;
}

void BinanceConnector::on_ws_open(uint64_t conn) {
  Family f{};
  bool standby = false;
  if (!locate(conn, f, standby)) return;
  FamilyState& fs = fam(f);
  Connection& c = standby ? *fs.standby : *fs.active;
  c.open = true;
  c.opened_us = host().now_us();
  if (standby) {
    fs.deadline_timer = start_timer(kSwitchDeadlineMs, {TimerTask::Kind::deadline, f, conn, {}, 0});
  } else {
    fs.reconnects = 0;
    c.rollover_timer = start_timer(kRolloverMs, {TimerTask::Kind::rollover, f, conn, {}, 0});
    c.last_recv_us = c.opened_us;
    c.watch_timer = start_timer(config_.heartbeat_ms / 4, {TimerTask::Kind::watch, f, conn, {}, 0});
  }
  flush(f, c);
}

void BinanceConnector::on_ws_close(uint64_t conn, int32_t code, std::string_view reason) {
  Family f{};
  bool standby = false;
  if (!locate(conn, f, standby)) return;
  FamilyState& fs = fam(f);
  host().log(ASTRA_LOG_INFO, "binance: " + std::string(family_name(f)) + " connection closed (" +
                                 std::to_string(code) + " " + std::string(reason) + ")");
  if (standby) {
    // The replacement failed: forget its data and try again in a minute.
    cancel_timer(fs.standby->pace_timer);
    fs.standby.reset();
    cancel_timer(fs.deadline_timer);
    for (auto& [m, b] : books_)
      if (b.info->family == f) {
        b.shadow.clear();
        b.shadow_ready = false;
      }
    for (auto& [m, t] : trades_)
      if (t.info->family == f) t.shadow.clear();
    if (fs.active)
      fs.active->rollover_timer = start_timer(60'000, {TimerTask::Kind::rollover, f, 0, {}, 0});
    return;
  }
  fs.active->id = 0;  // already closed: do not ws_close it
  cancel_timer(fs.active->pace_timer);
  cancel_timer(fs.active->rollover_timer);
  cancel_timer(fs.active->watch_timer);
  fs.active.reset();
  connection_lost(f);
}

void BinanceConnector::connection_lost(Family f) {
  FamilyState& fs = fam(f);
  for (auto& [m, b] : books_) {
    if (b.info->family != f) continue;
    if (b.announced) host().emit_reset(b.market, ASTRA_RESET_DISCONNECT);
    b.announced = false;
    b.sync.restart();
    b.waiting_first = true;
    b.snapshot_pending = false;
    b.snapshot_queued = false;  // asked again after the new connection's first diff
    cancel_timer(b.retry_timer);
    b.generation = next_token_++;  // unique: in-flight answers miss
  }
  if (fs.standby && fs.standby->open) {
    // The replacement is up: it carries the books now, each resynchronized from a snapshot.
    cancel_timer(fs.deadline_timer);
    fs.active = std::move(fs.standby);
    fs.standby.reset();
    fs.active->rollover_timer = start_timer(kRolloverMs, {TimerTask::Kind::rollover, f, 0, {}, 0});
    fs.active->last_recv_us = host().now_us();
    fs.active->watch_timer =
        start_timer(config_.heartbeat_ms / 4, {TimerTask::Kind::watch, f, 0, {}, 0});
    for (auto& [m, b] : books_) {
      if (b.info->family != f) continue;
      std::deque<DepthDiff> shadow = std::move(b.shadow);
      b.shadow.clear();
      b.shadow_ready = false;
      for (DepthDiff& d : shadow)
        on_depth(f, false, d, b.info->venue_symbol);
    }
    for (auto& [m, t] : trades_) {
      if (t.info->family != f) continue;
      for (const AggTrade& a : t.shadow)
        emit_trade(t, a);
      t.shadow.clear();
    }
    return;
  }
  if (fs.standby) close_connection(*fs.standby);
  fs.standby.reset();
  cancel_timer(fs.deadline_timer);
  if (!fs.streams.empty()) schedule_reconnect(f);
}

// Every quarter heartbeat: probe a connection silent for half a heartbeat, replace one silent for
// a whole heartbeat (its data, pings and probe answers all stopped: a stall). Detection takes at
// most 1.25 heartbeats after the last frame, leaving the rest of 2 heartbeats for the replacement.
void BinanceConnector::watch(Family f) {
  FamilyState& fs = fam(f);
  if (!fs.active || !fs.active->open) return;
  Connection& c = *fs.active;
  const int64_t silent_ms = (host().now_us() - c.last_recv_us) / 1000;
  if (silent_ms >= int64_t(config_.heartbeat_ms)) {
    host().log(ASTRA_LOG_WARN, "binance: " + std::string(family_name(f)) +
                                   " connection silent for " + std::to_string(silent_ms) +
                                   " ms (heartbeat " + std::to_string(config_.heartbeat_ms) +
                                   " ms): replacing it");
    close_connection(c);
    fs.active.reset();
    connection_lost(f);
    return;
  }
  const bool paced = !c.sent_any || host().now_us() - c.last_send_us >= int64_t(pace_ms(f)) * 1000;
  if (silent_ms >= int64_t(config_.heartbeat_ms / 2) && !c.probed && c.pace_timer == 0 && paced) {
    // Any answer proves the connection alive; one message per half heartbeat at most.
    const int64_t id = next_request_id_++;
    const json probe = {{"method", "LIST_SUBSCRIPTIONS"}, {"id", id}};
    if (host().ws_send(c.id, probe.dump()) == ASTRA_OK) {
      c.probed = true;
      c.unacked.insert(id);
      c.sent_any = true;
      c.last_send_us = host().now_us();
    }
  }
  c.watch_timer = start_timer(config_.heartbeat_ms / 4, {TimerTask::Kind::watch, f, c.id, {}, 0});
}

void BinanceConnector::schedule_reconnect(Family f) {
  FamilyState& fs = fam(f);
  if (fs.reconnect_timer) return;
  // 100 ms, then doubling up to 30 s; the host adds its own limits on connection attempts.
  const uint32_t delay = std::min<uint32_t>(30'000, 100u << std::min<uint32_t>(fs.reconnects, 9));
  ++fs.reconnects;
  fs.reconnect_timer = start_timer(delay, {TimerTask::Kind::reconnect, f, 0, {}, 0});
}

// ---------------------------------------------------------------------------------------------
// The 24 h switch-over
// ---------------------------------------------------------------------------------------------

void BinanceConnector::update_shadow(Book& b) {
  if (!b.sync.live()) return;
  const uint64_t at = b.sync.last_id();
  while (!b.shadow.empty() && b.shadow.front().last <= at) {
    b.shadow.pop_front();
    b.shadow_ready = true;  // the replacement delivered something already applied: overlap
  }
  if (!b.shadow_ready && !b.shadow.empty() && b.sync.bridges(b.shadow.front(), at))
    b.shadow_ready = true;
}

void BinanceConnector::maybe_switch(Family f) {
  FamilyState& fs = fam(f);
  if (!fs.standby || !fs.standby->open || !fs.standby->queue.empty() ||
      !fs.standby->unacked.empty())
    return;
  for (auto& [m, b] : books_)
    if (b.info->family == f && b.sync.live() && !b.shadow_ready) return;
  switch_over(f);
}

void BinanceConnector::switch_over(Family f) {
  FamilyState& fs = fam(f);
  cancel_timer(fs.deadline_timer);
  if (fs.active) close_connection(*fs.active);
  fs.active = std::move(fs.standby);
  fs.standby.reset();
  const int64_t age_ms = (host().now_us() - fs.active->opened_us) / 1000;
  const auto delay = static_cast<uint32_t>(std::max<int64_t>(0, int64_t(kRolloverMs) - age_ms));
  fs.active->rollover_timer = start_timer(delay, {TimerTask::Kind::rollover, f, 0, {}, 0});
  fs.active->last_recv_us = host().now_us();
  fs.active->probed = false;
  cancel_timer(fs.active->watch_timer);
  fs.active->watch_timer =
      start_timer(config_.heartbeat_ms / 4, {TimerTask::Kind::watch, f, 0, {}, 0});
  host().log(ASTRA_LOG_INFO,
             "binance: " + std::string(family_name(f)) + " moved to its replacement connection");
  for (auto& [m, b] : books_) {
    if (b.info->family != f) continue;
    std::deque<DepthDiff> shadow = std::move(b.shadow);
    b.shadow.clear();
    b.shadow_ready = false;
    if (b.sync.live()) b.sync.expect_bridge();
    for (DepthDiff& d : shadow)
      on_depth(f, false, d, b.info->venue_symbol);
  }
  for (auto& [m, t] : trades_) {
    if (t.info->family != f) continue;
    for (const AggTrade& a : t.shadow)
      emit_trade(t, a);
    t.shadow.clear();
  }
}

// ---------------------------------------------------------------------------------------------
// Frames
// ---------------------------------------------------------------------------------------------

void BinanceConnector::on_ws_message(uint64_t conn, std::string_view data, bool binary) {
  Family f{};
  bool standby = false;
  if (!locate(conn, f, standby)) return;
  if (!standby) {
    Connection& c = *fam(f).active;
    c.last_recv_us = host().now_us();
    c.probed = false;
  }
  if (binary) {
    host().count(ASTRA_COUNT_BAD_FRAME, {});
    return;
  }
  switch (decoder_.decode(data, frame_)) {
    case Frame::Kind::bad:
      host().count(ASTRA_COUNT_BAD_FRAME, {});
      if (host().log_enabled(ASTRA_LOG_DEBUG))
        host().log(ASTRA_LOG_DEBUG, "binance: bad frame: " + frame_.error);
      return;
    case Frame::Kind::ack:
    case Frame::Kind::error_ack: {
      Connection& c = standby ? *fam(f).standby : *fam(f).active;
      c.unacked.erase(frame_.id);
      if (frame_.kind == Frame::Kind::error_ack)
        host().log(ASTRA_LOG_WARN, "binance: subscription request " + std::to_string(frame_.id) +
                                       " failed: " + frame_.error);
      if (standby) maybe_switch(f);
      return;
    }
    case Frame::Kind::depth:
      on_depth(f, standby, frame_.depth, frame_.symbol);
      return;
    case Frame::Kind::agg_trade:
      on_trade(f, standby, frame_);
      return;
    case Frame::Kind::other:
      return;
  }
}

void BinanceConnector::on_depth(Family f, bool standby, DepthDiff& d, std::string_view symbol) {
  auto key = by_venue_.find(family_market_key(f, symbol));
  if (key == by_venue_.end()) return;
  auto it = books_.find(key->second);
  if (it == books_.end()) return;  // not subscribed (or just unsubscribed)
  Book& b = it->second;
  if (standby) {
    if (b.shadow.size() >= kMaxShadow) b.shadow.pop_front();
    if (b.shadow.empty() || d.last > b.shadow.back().last) b.shadow.push_back(d);
    if (!b.sync.live()) b.shadow_ready = true;  // nothing to bridge onto yet
    update_shadow(b);
    maybe_switch(f);
    return;
  }
  if (b.waiting_first) {
    // The first diff on this connection: buffer it, then fetch the snapshot (Binance's order).
    b.waiting_first = false;
    b.sync.on_diff(d);
    request_snapshot(b);
    return;
  }
  feed_live(b, d);
  if (fam(f).standby) {
    update_shadow(b);
    maybe_switch(f);
  }
}

void BinanceConnector::feed_live(Book& b, const DepthDiff& d) {
  switch (b.sync.on_diff(d)) {
    case DepthSync::Step::buffered:
      if (!b.snapshot_pending && b.retry_timer == 0) request_snapshot(b);
      return;
    case DepthSync::Step::applied:
      emit_update(b, d);
      return;
    case DepthSync::Step::stale:
      host().count(ASTRA_COUNT_STALE_DROPPED, b.market);
      return;
    case DepthSync::Step::gap:
      resync(b, ASTRA_RESET_GAP);
      return;
  }
}

void BinanceConnector::resync(Book& b, uint32_t reason) {
  if (b.announced) host().emit_reset(b.market, reason);
  b.announced = false;
  if (reason == ASTRA_RESET_GAP) host().count(ASTRA_COUNT_GAP, b.market);
  b.generation = next_token_++;  // unique: in-flight answers miss
  b.snapshot_pending = false;
  cancel_timer(b.retry_timer);
  request_snapshot(b);
}

void BinanceConnector::emit_update(Book& b, const DepthDiff& d) {
  host().emit_book(ASTRA_BOOK_UPDATE, b.market, d.last, d.time_us, d.bids, d.asks);
}

uint32_t BinanceConnector::snapshot_weight_in_window(int64_t now_us) {
  while (!snapshot_weights_.empty() && now_us - snapshot_weights_.front().first >= 60'000'000)
    snapshot_weights_.pop_front();
  uint32_t sum = 0;
  for (const auto& [at, w] : snapshot_weights_)
    sum += w;
  for (const auto& [token, w] : snapshot_in_flight_)
    sum += w;
  return sum;
}

// Sends queued snapshot requests while the last minute's snapshot weight stays within half the
// venue's budget; otherwise waits until the oldest spend leaves the window.
void BinanceConnector::drain_snapshot_queue() {
  const uint32_t limit = config_.request_weight_per_minute / 2;
  while (!snapshot_queue_.empty()) {
    auto it = books_.find(snapshot_queue_.front());
    if (it == books_.end() || !it->second.snapshot_queued) {
      snapshot_queue_.pop_front();
      continue;
    }
    const int64_t now = host().now_us();
    const uint32_t used = snapshot_weight_in_window(now);
    const uint32_t w = depth_weight(it->second.info->family, config_.snapshot_limit);
    if (used + w > limit && used > 0) {
      // Weight frees when the oldest answered spend leaves the window; with none answered yet,
      // the next answer drains again.
      if (snapshot_pace_timer_ == 0 && !snapshot_weights_.empty()) {
        const int64_t wait_us = snapshot_weights_.front().first + 60'000'000 - now;
        snapshot_pace_timer_ =
            start_timer(static_cast<uint32_t>((wait_us + 999) / 1000) + 1,
                        {TimerTask::Kind::snapshot_pace, Family::spot, 0, {}, 0});
      }
      return;
    }
    snapshot_queue_.pop_front();
    it->second.snapshot_queued = false;
    send_snapshot_request(it->second);
  }
}

void BinanceConnector::request_snapshot(Book& b) {
  b.snapshot_pending = true;  // queued or in flight: no second request
  if (b.snapshot_queued) return;
  b.snapshot_queued = true;
  snapshot_queue_.push_back(b.market);
  drain_snapshot_queue();
}

void BinanceConnector::send_snapshot_request(Book& b) {
  const Family f = b.info->family;
  const uint32_t limit = config_.snapshot_limit;
  sdk::HttpRequest req;
  req.url = config_.of(f).rest + depth_path(f) + "?symbol=" + b.info->venue_symbol +
            "&limit=" + std::to_string(limit);
  req.weight = depth_weight(f, limit);
  const uint64_t token = next_token_++;
  http_tasks_[token] = HttpTask{HttpTask::Kind::snapshot, f, 0, b.market, b.generation, 0};
  host().count(ASTRA_COUNT_RESYNC, b.market);
  snapshot_in_flight_[token] = req.weight;
  if (host().http_request(req, token) != ASTRA_OK) {
    http_tasks_.erase(token);
    snapshot_in_flight_.erase(token);
    snapshot_failed(b, "request refused by the host");
    return;
  }
  b.snapshot_pending = true;
}

void BinanceConnector::snapshot_failed(Book& b, std::string_view why) {
  b.snapshot_pending = false;
  ++b.snapshot_failures;
  host().log(ASTRA_LOG_WARN, "binance: snapshot for " + b.market + " failed: " + std::string(why));
  // 500 ms, doubling up to 30 s.
  const uint32_t delay =
      std::min<uint32_t>(30'000, 500u << std::min<uint32_t>(b.snapshot_failures - 1, 6));
  cancel_timer(b.retry_timer);
  b.retry_timer =
      start_timer(delay, {TimerTask::Kind::snapshot_retry, b.info->family, 0, b.market, 0});
}

void BinanceConnector::finish_snapshot(const HttpTask& task, const sdk::HttpResponse& r) {
  auto it = books_.find(task.market);
  if (it == books_.end() || it->second.generation != task.generation) return;  // superseded
  Book& b = it->second;
  b.snapshot_pending = false;
  if (!r.ok()) {
    snapshot_failed(b, rest_error(r, "depth").second);
    return;
  }
  const json doc = json::parse(r.body.begin(), r.body.end(), nullptr, false);
  std::vector<astra_book_level> bids, asks;
  if (!doc.is_object() || !doc.contains("lastUpdateId") ||
      !doc["lastUpdateId"].is_number_unsigned() || !parse_levels(doc.value("bids", json()), bids) ||
      !parse_levels(doc.value("asks", json()), asks)) {
    snapshot_failed(b, "the answer is not a depth snapshot");
    return;
  }
  const uint64_t L = doc["lastUpdateId"].get<uint64_t>();
  int64_t time_us = 0;
  if (auto e = doc.find("E"); e != doc.end() && e->is_number_integer())
    time_us = e->get<int64_t>() * 1000;
  DepthSync::SnapshotResult result = b.sync.on_snapshot(L);
  if (result.dropped) host().count(ASTRA_COUNT_STALE_DROPPED, b.market, result.dropped);
  switch (result.outcome) {
    case DepthSync::Outcome::snapshot_too_old:
      request_snapshot(b);
      return;
    case DepthSync::Outcome::gap:
      host().count(ASTRA_COUNT_GAP, b.market);
      request_snapshot(b);
      return;
    case DepthSync::Outcome::synced:
      break;
  }
  b.snapshot_failures = 0;
  host().emit_book(ASTRA_BOOK_SNAPSHOT, b.market, L, time_us, bids, asks);
  b.announced = true;
  for (const DepthDiff& d : result.to_apply) {
    // A futures diff ending exactly at L is already inside the snapshot: applying it again would
    // repeat update id L.
    if (d.last > L) emit_update(b, d);
  }
  if (fam(b.info->family).standby) {
    update_shadow(b);
    maybe_switch(b.info->family);
  }
}

// ---------------------------------------------------------------------------------------------
// Trades
// ---------------------------------------------------------------------------------------------

void BinanceConnector::on_trade(Family f, bool standby, Frame& frame) {
  auto key = by_venue_.find(family_market_key(f, frame.symbol));
  if (key == by_venue_.end()) return;
  auto it = trades_.find(key->second);
  if (it == trades_.end()) return;
  TradeSub& t = it->second;
  if (standby) {
    if (t.shadow.size() >= kMaxShadow) t.shadow.pop_front();
    t.shadow.push_back(frame.agg);
    return;
  }
  emit_trade(t, frame.agg);
}

void BinanceConnector::emit_trade(TradeSub& t, const AggTrade& a) {
  if (a.id <= t.last_id) return;  // already emitted (overlap of two connections)
  t.last_id = a.id;
  const std::string id = std::to_string(a.id);
  astra_trade trade = a.trade;
  trade.trade_id = sdk::str(id);
  host().emit_trades(t.market, &trade, 1);
}

}  // namespace astra::binance

ASTRA_CONNECTOR(astra::binance::BinanceConnector, "binance", "BINANCE", "0.1.0",
                ASTRA_CAP_SPOT | ASTRA_CAP_PERP | ASTRA_CAP_FUTURES | ASTRA_CAP_ORDERBOOK |
                    ASTRA_CAP_TRADES)
