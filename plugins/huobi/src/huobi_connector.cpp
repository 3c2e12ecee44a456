#include "huobi_connector.hpp"

#include <astra/sdk/decimal.hpp>
#include <astra/sdk/json.hpp>

#include <algorithm>

namespace astra::huobi {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string markets_path(Family f) {
  switch (f) {
    case Family::spot:
      return "/v1/common/symbols";
    case Family::coin_futures:
      return "/api/v1/contract_contract_info";
    case Family::coin_swap:
      return "/swap-api/v1/swap_contract_info";
    case Family::linear_swap:
      return "/linear-swap-api/v1/swap_contract_info";
  }
  return {};
}

std::string depth_query(const Market& m) {
  switch (m.family) {
    case Family::spot:
      return "/market/depth?symbol=" + m.venue_symbol + "&type=step0";
    case Family::coin_futures:
      return "/market/depth?symbol=" + m.venue_symbol + "&type=step0";
    case Family::coin_swap:
      return "/swap-ex/market/depth?contract_code=" + m.venue_symbol + "&type=step0";
    case Family::linear_swap:
      return "/linear-swap-ex/market/depth?contract_code=" + m.venue_symbol + "&type=step0";
  }
  return {};
}

// Maps a failed REST exchange to a status and an error body.
std::pair<sdk::Status, std::string> rest_error(const sdk::HttpResponse& r, std::string_view what) {
  const std::string w(what);
  if (r.error != ASTRA_OK)
    return {
        r.error == ASTRA_E_RESOURCE_EXHAUSTED ? ASTRA_E_RESOURCE_EXHAUSTED : ASTRA_E_UNAVAILABLE,
        sdk::error_json("UNAVAILABLE", w + ": no response from the venue")};
  const std::string message = w + ": HTTP " + std::to_string(r.status);
  if (r.status == 429)
    return {ASTRA_E_RESOURCE_EXHAUSTED, sdk::error_json("RATE_LIMITED", message)};
  if (r.status >= 500) return {ASTRA_E_UNAVAILABLE, sdk::error_json("UNAVAILABLE", message)};
  return {ASTRA_E_UPSTREAM, sdk::error_json("UPSTREAM", message)};
}

void sort_levels(std::vector<astra_book_level>& bids, std::vector<astra_book_level>& asks) {
  std::sort(bids.begin(), bids.end(), [](const auto& a, const auto& b) {
    return sdk::compare_decimal(a.price, b.price) > 0;
  });
  std::sort(asks.begin(), asks.end(), [](const auto& a, const auto& b) {
    return sdk::compare_decimal(a.price, b.price) < 0;
  });
}

}  // namespace

HuobiConnector::HuobiConnector(sdk::Host host, std::string_view config_json)
    : sdk::Connector(host), config_(parse_config(config_json)) {}

HuobiConnector::~HuobiConnector() {
  // Release what the host holds for us; nothing is called after destroy() returns.
  for (auto& [token, id] : timer_ids_)
    host().timer_cancel(id);
  for (Link& l : links_)
    if (l.conn) host().ws_close(l.conn);
}

// ---------------------------------------------------------------------------------------------
// Timers
// ---------------------------------------------------------------------------------------------

uint64_t HuobiConnector::start_timer(uint32_t delay_ms, TimerTask task) {
  const uint64_t token = next_token_++;
  timer_tasks_[token] = std::move(task);
  timer_ids_[token] = host().timer_start(delay_ms, token);
  return token;
}

void HuobiConnector::cancel_timer(uint64_t& token) {
  if (token == 0) return;
  if (auto it = timer_ids_.find(token); it != timer_ids_.end()) {
    host().timer_cancel(it->second);
    timer_ids_.erase(it);
  }
  timer_tasks_.erase(token);
  token = 0;
}

void HuobiConnector::on_timer(uint64_t token) {
  auto it = timer_tasks_.find(token);
  if (it == timer_tasks_.end()) return;
  const TimerTask task = std::move(it->second);
  timer_tasks_.erase(it);
  timer_ids_.erase(token);
  switch (task.kind) {
    case TimerTask::Kind::reconnect: {
      Link& l = link(task.link);
      l.reconnect_timer = 0;
      if (l.conn == 0 && !l.topics.empty() && open_link(task.link) != ASTRA_OK)
        schedule_reconnect(task.link);
      break;
    }
    case TimerTask::Kind::watch:
      if (link(task.link).watch_timer == token) {
        link(task.link).watch_timer = 0;
        watch(task.link);
      }
      break;
    case TimerTask::Kind::snapshot_retry: {
      auto b = books_.find(task.market);
      if (b == books_.end() || b->second.retry_timer != token) break;
      b->second.retry_timer = 0;
      if (b->second.pending_req.empty() && !b->second.sync.live()) request_snapshot(b->second);
      break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Markets and REST books
// ---------------------------------------------------------------------------------------------

sdk::Status HuobiConnector::list_markets(uint64_t call_id) {
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
      call.errors += std::string(family_name(f)) + ": request refused; ";
      call.status = ASTRA_E_UNAVAILABLE;
    }
  }
  if (call.remaining == 0) {
    list_calls_.erase(call_id);
    host().complete_error(call_id, ASTRA_E_UNAVAILABLE, "UNAVAILABLE",
                          "no market list request could be sent");
  }
  return ASTRA_OK;
}

void HuobiConnector::finish_markets(const HttpTask& task, const sdk::HttpResponse& r) {
  auto it = list_calls_.find(task.call_id);
  if (it == list_calls_.end()) return;
  ListCall& call = it->second;
  const std::string fname(family_name(task.family));
  std::string error;
  if (!r.ok()) {
    auto [status, body] = rest_error(r, fname + " markets");
    call.status = status;
    call.errors += fname + ": HTTP " + std::to_string(r.status) + "; ";
  } else if (!parse_markets(task.family, r.body, call.markets, error)) {
    call.status = ASTRA_E_UPSTREAM;
    call.errors += fname + ": " + error + "; ";
  }
  if (--call.remaining > 0) return;
  const ListCall done = std::move(call);
  list_calls_.erase(it);
  if (done.status != ASTRA_OK) {
    // Any family missing makes the list incomplete: fail rather than answer a partial list.
    host().complete_error(task.call_id, done.status,
                          done.status == ASTRA_E_UPSTREAM ? "UPSTREAM" : "UNAVAILABLE",
                          "market list failed: " + done.errors);
    return;
  }
  markets_.clear();
  std::string out = "[";
  for (const Market& m : done.markets) {
    if (!markets_.emplace(m.symbol, m).second) continue;  // first of duplicates wins
    if (out.size() > 1) out.push_back(',');
    out += m.json;
  }
  out.push_back(']');
  host().complete(task.call_id, ASTRA_OK, out);
}

sdk::Status HuobiConnector::get_orderbook(uint64_t call_id, std::string_view market,
                                          uint32_t depth) {
  auto m = markets_.find(market);
  if (m == markets_.end()) return ASTRA_E_NOT_FOUND;
  sdk::HttpRequest req;
  req.url = config_.of(m->second.family).rest + depth_query(m->second);
  const uint64_t token = next_token_++;
  http_tasks_[token] =
      HttpTask{HttpTask::Kind::orderbook, m->second.family, call_id, m->second.symbol, depth};
  if (host().http_request(req, token) != ASTRA_OK) {
    http_tasks_.erase(token);
    return ASTRA_E_UNAVAILABLE;
  }
  return ASTRA_OK;
}

void HuobiConnector::finish_orderbook(const HttpTask& task, const sdk::HttpResponse& r) {
  if (!r.ok()) {
    auto [status, body] = rest_error(r, "depth");
    host().complete(task.call_id, status, body);
    return;
  }
  std::string error;
  Frame book;
  if (!decoder_.decode_rest_book(r.body, book, error)) {
    host().complete_error(task.call_id, ASTRA_E_UPSTREAM, "UPSTREAM", "depth: " + error);
    return;
  }
  sort_levels(book.bids, book.asks);
  if (task.depth > 0) {
    if (book.bids.size() > task.depth) book.bids.resize(task.depth);
    if (book.asks.size() > task.depth) book.asks.resize(task.depth);
  }
  // Spot's version is a sequence; the derivatives' equals a seconds timestamp: not one.
  const uint64_t id = task.family == Family::spot && book.has_version ? book.version : 0;
  std::string out = "{\"market\":";
  sdk::append_json_string(out, task.market);
  out += ",\"updateId\":" + std::to_string(id) + ",\"bids\":";
  sdk::append_json_levels(out, book.bids.data(), book.bids.size());
  out += ",\"asks\":";
  sdk::append_json_levels(out, book.asks.data(), book.asks.size());
  out += "}";
  host().complete(task.call_id, ASTRA_OK, out);
}

void HuobiConnector::on_http_response(uint64_t token, const sdk::HttpResponse& response) {
  auto it = http_tasks_.find(token);
  if (it == http_tasks_.end()) return;
  const HttpTask task = std::move(it->second);
  http_tasks_.erase(it);
  if (task.kind == HttpTask::Kind::markets)
    finish_markets(task, response);
  else
    finish_orderbook(task, response);
}

// ---------------------------------------------------------------------------------------------
// Subscriptions and connections
// ---------------------------------------------------------------------------------------------

HuobiConnector::LinkId HuobiConnector::link_of(Family f, bool feed) const {
  switch (f) {
    case Family::spot:
      return feed ? LinkId::spot_feed : LinkId::spot_ws;
    case Family::coin_futures:
      return LinkId::futures_ws;
    case Family::coin_swap:
      return LinkId::swap_ws;
    case Family::linear_swap:
      return LinkId::linear_ws;
  }
  return LinkId::spot_ws;
}

std::string_view HuobiConnector::url_of(LinkId id) const {
  switch (id) {
    case LinkId::spot_ws:
      return config_.of(Family::spot).ws;
    case LinkId::spot_feed:
      return config_.of(Family::spot).feed;
    case LinkId::futures_ws:
      return config_.of(Family::coin_futures).ws;
    case LinkId::swap_ws:
      return config_.of(Family::coin_swap).ws;
    case LinkId::linear_ws:
      return config_.of(Family::linear_swap).ws;
  }
  return {};
}

bool HuobiConnector::locate(uint64_t conn, LinkId& id) const {
  if (conn == 0) return false;
  for (size_t i = 0; i < kLinkCount; ++i) {
    if (links_[i].conn == conn) {
      id = static_cast<LinkId>(i);
      return true;
    }
  }
  return false;
}

std::string HuobiConnector::route_key(LinkId id, std::string_view topic) const {
  std::string key = std::to_string(static_cast<int>(id));
  key.push_back('|');
  key += lower(topic);
  return key;
}

sdk::Status HuobiConnector::subscribe(std::string_view market, uint32_t data_type) {
  auto m = markets_.find(market);
  if (m == markets_.end()) return ASTRA_E_NOT_FOUND;
  const Market& info = m->second;
  if (data_type == ASTRA_DATA_ORDERBOOK) {
    if (books_.count(market)) return ASTRA_OK;
    const bool mbp = info.family == Family::spot && config_.spot_book == SpotBook::mbp;
    Book b;
    b.info = info;
    b.mbp = mbp;
    b.link = link_of(info.family, mbp);
    b.topic = "market." + info.venue_symbol +
              (mbp ? ".mbp." + std::to_string(config_.mbp_levels) : std::string(".depth.step0"));
    const LinkId id = b.link;
    const std::string topic = b.topic;
    books_.emplace(info.symbol, std::move(b));
    add_topic(id, topic, info.symbol);
    return ASTRA_OK;
  }
  if (data_type == ASTRA_DATA_TRADES) {
    if (trades_.count(market)) return ASTRA_OK;
    TradeSub t{info, link_of(info.family, false), "market." + info.venue_symbol + ".trade.detail"};
    const LinkId id = t.link;
    const std::string topic = t.topic;
    trades_.emplace(info.symbol, std::move(t));
    add_topic(id, topic, info.symbol);
    return ASTRA_OK;
  }
  return ASTRA_E_UNIMPLEMENTED;
}

sdk::Status HuobiConnector::unsubscribe(std::string_view market, uint32_t data_type) {
  if (data_type == ASTRA_DATA_ORDERBOOK) {
    auto it = books_.find(market);
    if (it == books_.end()) return markets_.count(market) ? ASTRA_OK : ASTRA_E_NOT_FOUND;
    Book& b = it->second;
    if (b.announced) host().emit_reset(b.info.symbol, ASTRA_RESET_UNSUBSCRIBED);
    cancel_timer(b.retry_timer);
    const LinkId id = b.link;
    const std::string topic = b.topic;
    books_.erase(it);
    remove_topic(id, topic);
    return ASTRA_OK;
  }
  if (data_type == ASTRA_DATA_TRADES) {
    auto it = trades_.find(market);
    if (it == trades_.end()) return markets_.count(market) ? ASTRA_OK : ASTRA_E_NOT_FOUND;
    const LinkId id = it->second.link;
    const std::string topic = it->second.topic;
    trades_.erase(it);
    remove_topic(id, topic);
    return ASTRA_OK;
  }
  return ASTRA_E_UNIMPLEMENTED;
}

void HuobiConnector::add_topic(LinkId id, const std::string& topic, const std::string& market) {
  Link& l = link(id);
  routes_[route_key(id, topic)] = market;
  if (!l.topics.insert(topic).second) return;
  if (l.open) {
    send_sub(id, topic, true);
  } else if (l.conn == 0 && l.reconnect_timer == 0 && open_link(id) != ASTRA_OK) {
    schedule_reconnect(id);
  }
}

void HuobiConnector::remove_topic(LinkId id, const std::string& topic) {
  Link& l = link(id);
  routes_.erase(route_key(id, topic));
  if (l.topics.erase(topic) == 0) return;
  if (l.topics.empty()) {
    // Nothing left on this connection: close it.
    if (l.conn) host().ws_close(l.conn);
    l.conn = 0;
    l.open = false;
    cancel_timer(l.reconnect_timer);
    cancel_timer(l.watch_timer);
  } else if (l.open) {
    send_sub(id, topic, false);
  }
}

sdk::Status HuobiConnector::open_link(LinkId id) {
  Link& l = link(id);
  uint64_t conn = 0;
  const sdk::Status s = host().ws_open(url_of(id), conn);
  if (s != ASTRA_OK) return s;
  l.conn = conn;
  l.open = false;
  return ASTRA_OK;
}

void HuobiConnector::send_sub(LinkId id, const std::string& topic, bool subscribe) {
  std::string msg = subscribe ? "{\"sub\":" : "{\"unsub\":";
  sdk::append_json_string(msg, topic);
  msg += ",\"id\":\"" + std::to_string(next_request_id_++) + "\"}";
  if (host().ws_send(link(id).conn, msg) != ASTRA_OK)
    host().log(ASTRA_LOG_WARN, "huobi: ws_send refused for " + topic);
}

void HuobiConnector::on_ws_open(uint64_t conn) {
  LinkId id{};
  if (!locate(conn, id)) return;
  Link& l = link(id);
  l.open = true;
  l.reconnects = 0;
  l.last_recv_us = host().now_us();
  cancel_timer(l.watch_timer);
  l.watch_timer = start_timer(config_.heartbeat_ms / 8, {TimerTask::Kind::watch, id, {}});
  for (const std::string& topic : l.topics)
    send_sub(id, topic, true);
}

void HuobiConnector::on_ws_close(uint64_t conn, int32_t code, std::string_view reason) {
  LinkId id{};
  if (!locate(conn, id)) return;
  host().log(ASTRA_LOG_INFO, "huobi: connection " + std::string(url_of(id)) + " closed (" +
                                 std::to_string(code) + " " + std::string(reason) + ")");
  Link& l = link(id);
  l.conn = 0;  // already closed: do not ws_close it
  l.open = false;
  cancel_timer(l.watch_timer);
  link_lost(id);
}

// Every eighth of a heartbeat: a connection with no frame (not even HTX's ping) for 1.25
// heartbeats is stalled; detection within 1.375 heartbeats leaves the rest of two heartbeats for
// the replacement.
void HuobiConnector::watch(LinkId id) {
  Link& l = link(id);
  if (l.conn == 0 || !l.open) return;
  const int64_t silent_ms = (host().now_us() - l.last_recv_us) / 1000;
  if (silent_ms * 4 >= int64_t(config_.heartbeat_ms) * 5) {
    host().log(ASTRA_LOG_WARN, "huobi: connection " + std::string(url_of(id)) + " silent for " +
                                   std::to_string(silent_ms) + " ms (heartbeat " +
                                   std::to_string(config_.heartbeat_ms) + " ms): replacing it");
    host().ws_close(l.conn);
    l.conn = 0;
    l.open = false;
    link_lost(id);
    return;
  }
  l.watch_timer = start_timer(config_.heartbeat_ms / 8, {TimerTask::Kind::watch, id, {}});
}

void HuobiConnector::link_lost(LinkId id) {
  for (auto& [m, b] : books_) {
    if (b.link != id) continue;
    if (b.announced) host().emit_reset(b.info.symbol, ASTRA_RESET_DISCONNECT);
    b.announced = false;
    b.last_id = 0;  // the next SNAPSHOT starts afresh
    b.full.clear();
    b.sync.restart();
    b.pending_req.clear();
    cancel_timer(b.retry_timer);
  }
  if (!link(id).topics.empty()) schedule_reconnect(id);
}

void HuobiConnector::schedule_reconnect(LinkId id) {
  Link& l = link(id);
  if (l.reconnect_timer) return;
  // 100 ms, then doubling up to 30 s; the host adds its own limits on connection attempts.
  const uint32_t delay = std::min<uint32_t>(30'000, 100u << std::min<uint32_t>(l.reconnects, 9));
  ++l.reconnects;
  l.reconnect_timer = start_timer(delay, {TimerTask::Kind::reconnect, id, {}});
}

// ---------------------------------------------------------------------------------------------
// Frames
// ---------------------------------------------------------------------------------------------

void HuobiConnector::on_ws_message(uint64_t conn, std::string_view data, bool binary) {
  LinkId id{};
  if (!locate(conn, id)) return;
  link(id).last_recv_us = host().now_us();
  switch (decoder_.decode(data, binary, frame_)) {
    case Frame::Kind::bad:
      host().count(ASTRA_COUNT_BAD_FRAME, {});
      if (host().log_enabled(ASTRA_LOG_DEBUG))
        host().log(ASTRA_LOG_DEBUG, "huobi: bad frame: " + frame_.message);
      return;
    case Frame::Kind::ping:
      // Two unanswered pings end the connection: answer with the same number.
      if (host().ws_send(conn, "{\"pong\":" + frame_.ping + "}") != ASTRA_OK)
        host().log(ASTRA_LOG_WARN, "huobi: could not send pong");
      return;
    case Frame::Kind::venue_error:
      on_venue_error(id);
      return;
    case Frame::Kind::full_book:
      on_full_book(id);
      return;
    case Frame::Kind::mbp_update:
      on_mbp_update(id);
      return;
    case Frame::Kind::mbp_snapshot:
      on_mbp_snapshot(id);
      return;
    case Frame::Kind::trades:
      on_trades(id);
      return;
    case Frame::Kind::ack:
    case Frame::Kind::other:
      return;
  }
}

HuobiConnector::Book* HuobiConnector::book_of(LinkId id, std::string_view topic) {
  auto r = routes_.find(route_key(id, topic));
  if (r == routes_.end()) return nullptr;
  auto b = books_.find(r->second);
  if (b == books_.end() || lower(b->second.topic) != lower(topic)) return nullptr;
  return &b->second;
}

void HuobiConnector::on_full_book(LinkId id) {
  Book* found = book_of(id, frame_.topic);
  if (found == nullptr || found->mbp) return;
  Book& b = *found;
  // Spot's version is a sequence number; the derivatives' version is a seconds timestamp (not a
  // sequence), so their ids come from the book's ms time, bumped to stay strictly increasing
  // (pushes replace each other in arrival order).
  uint64_t update_id = 0;
  if (b.info.family == Family::spot && frame_.has_version) {
    if (frame_.version <= b.last_id) {
      host().count(ASTRA_COUNT_STALE_DROPPED, b.info.symbol);
      return;
    }
    update_id = frame_.version;
  } else {
    const auto ts = static_cast<uint64_t>(frame_.tick_ts_ms > 0 ? frame_.tick_ts_ms : frame_.ts_ms);
    update_id = std::max(ts, b.last_id + 1);
  }
  const int64_t time_us = (frame_.tick_ts_ms > 0 ? frame_.tick_ts_ms : frame_.ts_ms) * 1000;
  const bool snapshot = b.full.replace(frame_.bids, frame_.asks, bids_, asks_);
  if (!snapshot && bids_.empty() && asks_.empty()) return;  // nothing changed
  host().emit_book(snapshot ? ASTRA_BOOK_SNAPSHOT : ASTRA_BOOK_UPDATE, b.info.symbol, update_id,
                   time_us, bids_, asks_);
  b.last_id = update_id;
  b.announced = true;
}

void HuobiConnector::on_mbp_update(LinkId id) {
  Book* found = book_of(id, frame_.topic);
  if (found == nullptr || !found->mbp) return;
  Book& b = *found;
  MbpUpdate& u = update_;
  u.seq = frame_.seq;
  u.prev = frame_.prev;
  u.time_us = frame_.ts_ms * 1000;
  u.bids.swap(frame_.bids);
  u.asks.swap(frame_.asks);
  switch (b.sync.on_update(u)) {
    case MbpSync::Step::buffered:
      if (b.pending_req.empty() && b.retry_timer == 0) request_snapshot(b);
      return;
    case MbpSync::Step::applied:
      emit_update(b, u);
      return;
    case MbpSync::Step::stale:
      host().count(ASTRA_COUNT_STALE_DROPPED, b.info.symbol);
      return;
    case MbpSync::Step::gap:
      resync(b, ASTRA_RESET_GAP);
      return;
  }
}

void HuobiConnector::emit_update(Book& b, const MbpUpdate& u) {
  if (u.seq <= b.last_id || (u.bids.empty() && u.asks.empty())) return;  // keep-alive
  host().emit_book(ASTRA_BOOK_UPDATE, b.info.symbol, u.seq, u.time_us, u.bids, u.asks);
  b.last_id = u.seq;
}

void HuobiConnector::resync(Book& b, uint32_t reason) {
  if (b.announced) host().emit_reset(b.info.symbol, reason);
  b.announced = false;
  if (reason == ASTRA_RESET_GAP) host().count(ASTRA_COUNT_GAP, b.info.symbol);
  cancel_timer(b.retry_timer);
  request_snapshot(b);
}

void HuobiConnector::request_snapshot(Book& b) {
  Link& l = link(b.link);
  if (!l.open) return;  // the reconnect resubscribes, and the first update asks again
  // HTX allows one req per 100 ms on a connection: later ones wait their turn.
  const int64_t now = host().now_us();
  if (l.next_req_us > now) {
    const auto wait_ms = static_cast<uint32_t>((l.next_req_us - now + 999) / 1000);
    cancel_timer(b.retry_timer);
    b.retry_timer = start_timer(wait_ms, {TimerTask::Kind::snapshot_retry, b.link, b.info.symbol});
    return;
  }
  l.next_req_us = now + kReqIntervalUs;
  b.pending_req = std::to_string(next_request_id_++);
  std::string msg = "{\"req\":";
  sdk::append_json_string(msg, b.topic);
  msg += ",\"id\":\"" + b.pending_req + "\"}";
  host().count(ASTRA_COUNT_RESYNC, b.info.symbol);
  if (host().ws_send(l.conn, msg) != ASTRA_OK) {
    b.pending_req.clear();
    b.retry_timer = start_timer(1000, {TimerTask::Kind::snapshot_retry, b.link, b.info.symbol});
  }
}

void HuobiConnector::on_mbp_snapshot(LinkId id) {
  Book* found = book_of(id, frame_.topic);
  if (found == nullptr || !found->mbp) return;
  Book& b = *found;
  if (b.pending_req.empty() || frame_.id != b.pending_req) return;  // superseded or unasked
  b.pending_req.clear();
  MbpSync::SnapshotResult r = b.sync.on_snapshot(frame_.seq);
  if (r.dropped) host().count(ASTRA_COUNT_STALE_DROPPED, b.info.symbol, r.dropped);
  if (r.outcome == MbpSync::Outcome::gap) {
    // The snapshot does not bridge onto the buffered updates: ask again, a little later (the
    // venue allows one request per 100 ms per connection).
    b.retry_timer = start_timer(200, {TimerTask::Kind::snapshot_retry, b.link, b.info.symbol});
    return;
  }
  bids_ = frame_.bids;
  asks_ = frame_.asks;
  bids_.erase(std::remove_if(bids_.begin(), bids_.end(),
                             [](const auto& l) { return sdk::is_zero(l.quantity); }),
              bids_.end());
  asks_.erase(std::remove_if(asks_.begin(), asks_.end(),
                             [](const auto& l) { return sdk::is_zero(l.quantity); }),
              asks_.end());
  sort_levels(bids_, asks_);
  // A snapshot after a RESET may carry an older seqNum than the last event before it; the host
  // treats a SNAPSHOT as a new start, so its id is the venue's seqNum as is.
  host().emit_book(ASTRA_BOOK_SNAPSHOT, b.info.symbol, frame_.seq, frame_.ts_ms * 1000, bids_,
                   asks_);
  b.announced = true;
  b.last_id = frame_.seq;
  for (const MbpUpdate& u : r.to_apply)
    emit_update(b, u);
}

void HuobiConnector::on_venue_error(LinkId id) {
  host().log(ASTRA_LOG_WARN, "huobi: venue error on " + std::string(url_of(id)) + ": " +
                                 frame_.message +
                                 (frame_.id.empty() ? "" : " (id " + frame_.id + ")"));
  if (frame_.id.empty()) return;
  for (auto& [m, b] : books_) {
    if (b.link == id && b.pending_req == frame_.id) {
      // The snapshot request failed: try again in a second.
      b.pending_req.clear();
      b.retry_timer = start_timer(1000, {TimerTask::Kind::snapshot_retry, b.link, b.info.symbol});
      return;
    }
  }
}

void HuobiConnector::on_trades(LinkId id) {
  auto r = routes_.find(route_key(id, frame_.topic));
  if (r == routes_.end()) return;
  auto t = trades_.find(r->second);
  if (t == trades_.end() || lower(t->second.topic) != lower(frame_.topic)) return;
  std::vector<astra_trade> out;
  out.reserve(frame_.trades.size());
  for (TradeRow& row : frame_.trades) {
    row.trade.trade_id = sdk::str(row.id);
    out.push_back(row.trade);
  }
  if (!out.empty()) host().emit_trades(t->second.info.symbol, out.data(), out.size());
}

}  // namespace astra::huobi

ASTRA_CONNECTOR(astra::huobi::HuobiConnector, "huobi", "HUOBI", "0.1.0",
                ASTRA_CAP_SPOT | ASTRA_CAP_PERP | ASTRA_CAP_FUTURES | ASTRA_CAP_ORDERBOOK |
                    ASTRA_CAP_TRADES)
