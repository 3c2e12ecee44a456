#include "transport/net_io.hpp"

#include "runtime/logger.hpp"
#include "transport/tls_context.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <nlohmann/json.hpp>

#include <strings.h>

#include <map>

namespace astra::host {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// ------------------------------------------------------------------------------------------------

core::Result<TransportOptions> transport_options_from_json(std::string_view venue_json) {
  TransportOptions o;
  if (venue_json.empty()) return o;
  const auto j = nlohmann::json::parse(venue_json, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return core::make_error(ASTRA_E_INVALID_ARGUMENT, "bad_config",
                            "venue settings: not a JSON object");
  auto positive = [&](const nlohmann::json& obj, const char* key, const std::string& path,
                      uint64_t& out) -> std::optional<core::Error> {
    auto it = obj.find(key);
    if (it == obj.end()) return std::nullopt;
    if (!it->is_number_unsigned() || it->get<uint64_t>() == 0)
      return core::make_error(ASTRA_E_INVALID_ARGUMENT, "bad_config",
                              path + ": must be a positive integer");
    out = it->get<uint64_t>();
    return std::nullopt;
  };
  if (auto b = j.find("request_budget"); b != j.end()) {
    if (!b->is_object())
      return core::make_error(ASTRA_E_INVALID_ARGUMENT, "bad_config",
                              "request_budget: must be a map with weight and interval_ms");
    uint64_t weight = o.budget.weight, interval = static_cast<uint64_t>(o.budget.interval.count());
    if (auto e = positive(*b, "weight", "request_budget.weight", weight)) return *e;
    if (auto e = positive(*b, "interval_ms", "request_budget.interval_ms", interval)) return *e;
    if (weight > 0xffffffffu)
      return core::make_error(ASTRA_E_INVALID_ARGUMENT, "bad_config",
                              "request_budget.weight: too large");
    o.budget.weight = static_cast<uint32_t>(weight);
    o.budget.interval = std::chrono::milliseconds(interval);
  }
  if (auto b = j.find("reconnect_backoff"); b != j.end()) {
    if (!b->is_object())
      return core::make_error(ASTRA_E_INVALID_ARGUMENT, "bad_config",
                              "reconnect_backoff: must be a map with base_ms, cap_ms and "
                              "healthy_after_ms");
    uint64_t base = static_cast<uint64_t>(o.backoff.base.count());
    uint64_t cap = static_cast<uint64_t>(o.backoff.cap.count());
    uint64_t healthy = static_cast<uint64_t>(o.backoff.healthy_after.count());
    if (auto e = positive(*b, "base_ms", "reconnect_backoff.base_ms", base)) return *e;
    if (auto e = positive(*b, "cap_ms", "reconnect_backoff.cap_ms", cap)) return *e;
    if (auto e = positive(*b, "healthy_after_ms", "reconnect_backoff.healthy_after_ms", healthy))
      return *e;
    if (cap < base || cap > 3'600'000)
      return core::make_error(ASTRA_E_INVALID_ARGUMENT, "bad_config",
                              "reconnect_backoff.cap_ms: must be between base_ms and 3600000");
    o.backoff.base = std::chrono::milliseconds(base);
    o.backoff.cap = std::chrono::milliseconds(cap);
    o.backoff.healthy_after = std::chrono::milliseconds(healthy);
  }
  if (auto ca = j.find("ca_file"); ca != j.end()) {
    if (!ca->is_string())
      return core::make_error(ASTRA_E_INVALID_ARGUMENT, "bad_config", "ca_file: must be a path");
    o.ca_file = ca->get<std::string>();
  }
  uint64_t v = static_cast<uint64_t>(o.http.default_timeout.count());
  if (auto e = positive(j, "request_timeout_ms", "request_timeout_ms", v)) return *e;
  o.http.default_timeout = std::chrono::milliseconds(v);
  v = o.http.max_body_bytes;
  if (auto e = positive(j, "max_response_bytes", "max_response_bytes", v)) return *e;
  o.http.max_body_bytes = v;
  v = o.ws.max_message_bytes;
  if (auto e = positive(j, "max_ws_message_bytes", "max_ws_message_bytes", v)) return *e;
  o.ws.max_message_bytes = v;
  return o;
}

std::string plugin_settings_json(std::string_view venue_json) {
  auto j = nlohmann::json::parse(venue_json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::string(venue_json);
  for (const char* key : {"request_budget", "reconnect_backoff", "ca_file", "request_timeout_ms",
                          "max_response_bytes", "max_ws_message_bytes"})
    j.erase(key);
  return j.dump();
}

// ------------------------------------------------------------------------------------------------

struct NetIo::State : std::enable_shared_from_this<State> {
  struct Ws {
    std::shared_ptr<WsConnection> conn;
    std::shared_ptr<asio::steady_timer> delay;
    std::string endpoint;
    Clock::time_point opened_at{};
    uint32_t paced_at = 0;  // the endpoint's failure count when this attempt was paced
    bool open = false;
  };

  State(asio::io_context& io_in, TransportOptions options_in, Logger& log_in, std::string venue_in,
        std::shared_ptr<asio::ssl::context> tls_in)
      : io(io_in),
        options(std::move(options_in)),
        log(log_in),
        venue(std::move(venue_in)),
        tls(std::move(tls_in)),
        http(io_in, tls, options.http),
        budget(options.budget),
        pacer(options.backoff),
        rng(std::random_device{}()) {
    jitter = [this] { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); };
  }

  // Delivers an HTTP result later (never inside the call that asked).
  void deliver_later(uint64_t token, HttpResult r) {
    asio::post(io, [weak = weak_from_this(), token, r = std::move(r)] {
      if (auto s = weak.lock(); s && s->events) s->events->on_http_response(token, r);
    });
  }

  void on_http_result(uint64_t token, HttpResult r) {
    if (r.status == 429 || r.status == 418) {
      for (const auto& [name, value] : r.headers) {
        if (name.size() != 11 || strncasecmp(name.c_str(), "retry-after", 11) != 0) continue;
        if (auto wait = parse_retry_after(value, std::chrono::system_clock::now())) {
          budget.block_until(Clock::now() + *wait);
          log.warn("[" + venue + "] venue answered " + std::to_string(r.status) +
                   ": requests paused for " + std::to_string(wait->count()) + " s (Retry-After)");
        }
      }
    }
    // A request that got no answer (no connection, TLS refused, timeout): the plugin may only
    // report that it failed, so the reason is logged here. It names host and port, never the
    // query (which may hold a signature).
    if (r.status == 0 && r.error != ASTRA_OK) log.warn("[" + venue + "] " + r.body);
    if (events) events->on_http_response(token, r);
  }

  void start_ws(uint64_t id, const Url& url) {
    auto it = ws.find(id);
    if (it == ws.end()) return;
    WsHandlers h;
    auto weak = weak_from_this();
    h.on_open = [weak, id] {
      auto s = weak.lock();
      if (!s) return;
      auto w = s->ws.find(id);
      if (w == s->ws.end()) return;
      w->second.open = true;
      w->second.opened_at = Clock::now();
      if (s->events) s->events->on_ws_open(id);
    };
    h.on_message = [weak, id](std::string_view data, bool binary) {
      auto s = weak.lock();
      if (s && s->events) s->events->on_ws_message(id, data, binary);
    };
    h.on_close = [weak, id](int32_t code, std::string reason) {
      auto s = weak.lock();
      if (!s) return;
      auto w = s->ws.find(id);
      if (w == s->ws.end()) return;
      if (w->second.open)
        s->pacer.ended(w->second.endpoint, w->second.opened_at, Clock::now(), w->second.paced_at);
      else
        s->pacer.failed(w->second.endpoint, w->second.paced_at);
      s->log.info("[" + s->venue + "] WebSocket " + w->second.endpoint +
                  " ended: " + std::to_string(code) + " " + reason);
      s->ws.erase(w);
      if (s->events) s->events->on_ws_close(id, code, reason);
    };
    it->second.conn = WsConnection::start(io, tls, url, options.ws, std::move(h));
  }

  asio::io_context& io;
  TransportOptions options;
  Logger& log;
  std::string venue;
  std::shared_ptr<asio::ssl::context> tls;
  HttpClient http;
  RequestBudget budget;
  ReconnectPacer pacer;
  std::mt19937_64 rng;
  std::function<double()> jitter;
  IoEvents* events = nullptr;
  uint64_t next_id = 1;
  std::map<uint64_t, Ws> ws;
  std::map<uint64_t, std::shared_ptr<asio::steady_timer>> timers;
};

core::Result<std::unique_ptr<NetIo>> NetIo::create(asio::io_context& io, TransportOptions options,
                                                   Logger& log, std::string venue_id) {
  auto tls = make_client_tls_context(options.ca_file);
  if (!tls.ok()) return tls.error();
  return std::unique_ptr<NetIo>(
      new NetIo(io, std::move(options), log, std::move(venue_id), std::move(*tls)));
}

NetIo::NetIo(asio::io_context& io, TransportOptions options, Logger& log, std::string venue_id,
             std::shared_ptr<asio::ssl::context> tls)
    : state_(std::make_shared<State>(io, std::move(options), log, std::move(venue_id),
                                     std::move(tls))) {}

NetIo::~NetIo() {
  state_->events = nullptr;
  for (auto& [id, w] : state_->ws) {
    if (w.delay) w.delay->cancel();
    if (w.conn) w.conn->close();
  }
  state_->ws.clear();
  for (auto& [id, t] : state_->timers)
    t->cancel();
  state_->timers.clear();
}

void NetIo::attach(IoEvents* events) {
  state_->events = events;
}

astra_status NetIo::http_request(HttpRequest request, uint64_t token) {
  State& s = *state_;
  auto url = parse_url(request.url);
  if (!url.ok()) {
    s.log.warn("[" + s.venue + "] request refused: " + url.error().message);
    return ASTRA_E_INVALID_ARGUMENT;
  }
  const auto now = Clock::now();
  if (s.budget.blocked(now)) {
    s.deliver_later(token, HttpResult{0,
                                      ASTRA_E_RESOURCE_EXHAUSTED,
                                      {},
                                      "the venue asked us to wait (Retry-After); not sent"});
    return ASTRA_OK;
  }
  if (!s.budget.try_take(request.weight, now)) {
    s.deliver_later(token, HttpResult{0,
                                      ASTRA_E_RESOURCE_EXHAUSTED,
                                      {},
                                      "the venue's request budget is exhausted (weight " +
                                          std::to_string(request.weight) + "); not sent"});
    return ASTRA_OK;
  }
  s.http.request(*url, request, [weak = state_->weak_from_this(), token](HttpResult r) {
    if (auto st = weak.lock()) st->on_http_result(token, std::move(r));
  });
  return ASTRA_OK;
}

astra_status NetIo::ws_open(std::string_view url_text, uint64_t& conn) {
  State& s = *state_;
  auto url = parse_url(url_text);
  if (!url.ok()) {
    s.log.warn("[" + s.venue + "] WebSocket refused: " + url.error().message);
    return ASTRA_E_INVALID_ARGUMENT;
  }
  if (url->scheme != "ws" && url->scheme != "wss") {
    s.log.warn("[" + s.venue + "] WebSocket refused: not a ws:// or wss:// URL");
    return ASTRA_E_INVALID_ARGUMENT;
  }
  conn = s.next_id++;
  State::Ws entry;
  entry.endpoint = url->endpoint();
  entry.paced_at = s.pacer.failures(entry.endpoint);
  const auto delay = s.pacer.delay(entry.endpoint, s.jitter());
  if (delay.count() > 0)
    s.log.info("[" + s.venue + "] reconnecting to " + entry.endpoint + " in " +
               std::to_string(delay.count()) + " ms");
  // Always started from the loop, never inside this call.
  entry.delay = std::make_shared<asio::steady_timer>(s.io, delay);
  entry.delay->async_wait(
      [weak = state_->weak_from_this(), conn, u = *url](const boost::system::error_code& ec) {
        if (ec) return;
        if (auto st = weak.lock()) st->start_ws(conn, u);
      });
  s.ws.emplace(conn, std::move(entry));
  return ASTRA_OK;
}

astra_status NetIo::ws_send(uint64_t conn, std::string_view text) {
  auto it = state_->ws.find(conn);
  if (it == state_->ws.end() || !it->second.conn || !it->second.conn->is_open())
    return ASTRA_E_FAILED_PRECONDITION;
  return it->second.conn->send(std::string(text)) ? ASTRA_OK : ASTRA_E_FAILED_PRECONDITION;
}

void NetIo::ws_close(uint64_t conn) {
  auto it = state_->ws.find(conn);
  if (it == state_->ws.end()) return;
  if (it->second.delay) it->second.delay->cancel();
  if (it->second.conn) it->second.conn->close();
  state_->ws.erase(it);
}

uint64_t NetIo::timer_start(uint32_t delay_ms, uint64_t token) {
  State& s = *state_;
  const uint64_t id = s.next_id++;
  auto timer = std::make_shared<asio::steady_timer>(s.io, std::chrono::milliseconds(delay_ms));
  timer->async_wait(
      [weak = state_->weak_from_this(), id, token](const boost::system::error_code& ec) {
        if (ec) return;
        auto st = weak.lock();
        if (!st || st->timers.erase(id) == 0) return;
        if (st->events) st->events->on_timer(token);
      });
  s.timers.emplace(id, std::move(timer));
  return id;
}

void NetIo::timer_cancel(uint64_t timer_id) {
  auto it = state_->timers.find(timer_id);
  if (it == state_->timers.end()) return;
  it->second->cancel();
  state_->timers.erase(it);
}

int64_t NetIo::now_us() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void NetIo::defer(std::function<void()> task) {
  asio::post(state_->io, std::move(task));
}

size_t NetIo::http_connections_opened() const noexcept {
  return state_->http.connections_opened();
}

uint32_t NetIo::reconnect_failures(std::string_view url) const {
  auto u = parse_url(url);
  return u.ok() ? state_->pacer.failures(u->endpoint()) : 0;
}

void NetIo::set_jitter(std::function<double()> jitter) {
  state_->jitter = std::move(jitter);
}

}  // namespace astra::host
