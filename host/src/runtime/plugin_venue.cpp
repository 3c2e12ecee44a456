#include "runtime/plugin_venue.hpp"

#include "metrics/metrics.hpp"

#include <astra/connector.hpp>

#include "runtime/logger.hpp"

#include <exception>
#include <utility>
#include <vector>

namespace astra::host {

using sdk::str;
using sdk::view;

std::string_view status_code_name(astra_status status) noexcept {
  switch (status) {
    case ASTRA_OK:
      return "ok";
    case ASTRA_E_INVALID_ARGUMENT:
      return "invalid_argument";
    case ASTRA_E_NOT_FOUND:
      return "not_found";
    case ASTRA_E_UNAUTHENTICATED:
      return "unauthenticated";
    case ASTRA_E_PERMISSION_DENIED:
      return "permission_denied";
    case ASTRA_E_RESOURCE_EXHAUSTED:
      return "resource_exhausted";
    case ASTRA_E_UNAVAILABLE:
      return "unavailable";
    case ASTRA_E_DEADLINE_EXCEEDED:
      return "deadline_exceeded";
    case ASTRA_E_FAILED_PRECONDITION:
      return "failed_precondition";
    case ASTRA_E_UNIMPLEMENTED:
      return "unimplemented";
    case ASTRA_E_INTERNAL:
      return "internal";
    case ASTRA_E_INCOMPATIBLE:
      return "incompatible";
    case ASTRA_E_REJECTED:
      return "rejected";
    case ASTRA_E_UNKNOWN_OUTCOME:
      return "unknown_outcome";
    case ASTRA_E_UPSTREAM:
      return "upstream";
    default:
      return "unknown";
  }
}

namespace {

// Counts nesting of plugin calls so that re-entrant venue operations can be deferred.
class PluginCallScope {
 public:
  explicit PluginCallScope(int& depth) : depth_(depth) { ++depth_; }
  ~PluginCallScope() { --depth_; }
  PluginCallScope(const PluginCallScope&) = delete;
  PluginCallScope& operator=(const PluginCallScope&) = delete;

 private:
  int& depth_;
};

const char* what_of(std::exception_ptr e) noexcept {
  try {
    std::rethrow_exception(std::move(e));
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
  }
  return "unknown exception";
}

}  // namespace

// ------------------------------------------------------------------------------------------------
// The host services table. Every trampoline catches everything: nothing unwinds into the plugin.

struct PluginVenue::HostApi {
  static PluginVenue& self(astra_host_ctx ctx) noexcept {
    return *reinterpret_cast<PluginVenue*>(ctx);
  }

  static void caught(astra_host_ctx ctx, const char* where) noexcept {
    try {
      self(ctx).log_.error(std::string("host service ") + where +
                           " failed: " + what_of(std::current_exception()));
    } catch (...) {
    }
  }

  static void log(astra_host_ctx ctx, int32_t level, astra_str message) noexcept {
    try {
      auto& v = self(ctx);
      const LogLevel l = log_level_from_abi(level);
      if (!v.log_.enabled(l)) return;
      v.log_.log(l, "[" + v.plugin_.id + "] " + std::string(view(message)));
    } catch (...) {
    }
  }

  static int log_enabled(astra_host_ctx ctx, int32_t level) noexcept {
    return self(ctx).log_.enabled(log_level_from_abi(level)) ? 1 : 0;
  }

  static int64_t now_us(astra_host_ctx ctx) noexcept {
    try {
      return self(ctx).io_->now_us();
    } catch (...) {
      caught(ctx, "now_us");
    }
    return 0;
  }

  static astra_status http_request(astra_host_ctx ctx, const astra_http_request* r,
                                   uint64_t token) noexcept {
    try {
      if (r == nullptr || !ASTRA_HAS_FIELD(astra_http_request, r, timeout_ms) || r->url.size == 0 ||
          r->method.size == 0 || (r->header_count > 0 && !r->headers))
        return ASTRA_E_INVALID_ARGUMENT;
      HttpRequest req;
      req.method = view(r->method);
      req.url = view(r->url);
      req.headers.reserve(r->header_count);
      for (size_t i = 0; i < r->header_count; ++i)
        req.headers.emplace_back(view(r->headers[i].name), view(r->headers[i].value));
      req.body = view(r->body);
      req.weight = r->weight == 0 ? 1 : r->weight;
      req.timeout_ms = r->timeout_ms;
      return self(ctx).io_->http_request(std::move(req), token);
    } catch (...) {
      caught(ctx, "http_request");
    }
    return ASTRA_E_INTERNAL;
  }

  static astra_status ws_open(astra_host_ctx ctx, astra_str url, uint64_t* out_conn) noexcept {
    try {
      if (out_conn == nullptr || url.size == 0) return ASTRA_E_INVALID_ARGUMENT;
      auto& v = self(ctx);
      uint64_t conn = 0;
      const astra_status s = v.io_->ws_open(view(url), conn);
      if (s == ASTRA_OK) {
        v.ws_opening_.insert(conn);
        *out_conn = conn;
      }
      return s;
    } catch (...) {
      caught(ctx, "ws_open");
    }
    return ASTRA_E_INTERNAL;
  }

  static astra_status ws_send(astra_host_ctx ctx, uint64_t conn, astra_str text) noexcept {
    try {
      return self(ctx).io_->ws_send(conn, view(text));
    } catch (...) {
      caught(ctx, "ws_send");
    }
    return ASTRA_E_INTERNAL;
  }

  static void ws_close(astra_host_ctx ctx, uint64_t conn) noexcept {
    try {
      auto& v = self(ctx);
      v.ws_opening_.erase(conn);
      v.ws_open_.erase(conn);
      v.io_->ws_close(conn);
    } catch (...) {
      caught(ctx, "ws_close");
    }
  }

  static uint64_t timer_start(astra_host_ctx ctx, uint32_t delay_ms, uint64_t token) noexcept {
    try {
      return self(ctx).io_->timer_start(delay_ms, token);
    } catch (...) {
      caught(ctx, "timer_start");
    }
    return 0;
  }

  static void timer_cancel(astra_host_ctx ctx, uint64_t timer_id) noexcept {
    try {
      self(ctx).io_->timer_cancel(timer_id);
    } catch (...) {
      caught(ctx, "timer_cancel");
    }
  }

  static void emit_book(astra_host_ctx ctx, const astra_book_event* e) noexcept {
    try {
      auto& v = self(ctx);
      if (e == nullptr || !ASTRA_HAS_FIELD(astra_book_event, e, reset_reason) ||
          e->market.size == 0 || (e->bid_count > 0 && !e->bids) || (e->ask_count > 0 && !e->asks) ||
          e->kind < ASTRA_BOOK_SNAPSHOT || e->kind > ASTRA_BOOK_RESET) {
        v.log_.warn("[" + v.plugin_.id + "] malformed book event dropped");
        v.counters_.add(ASTRA_COUNT_BAD_FRAME, e && e->market.data ? view(e->market) : "", 1);
        return;
      }
      if (v.metrics_.book_events) v.metrics_.book_events->inc();
      v.sink_.on_book(*e);
    } catch (...) {
      caught(ctx, "emit_book");
    }
  }

  static void emit_trades(astra_host_ctx ctx, const astra_trade_event* e) noexcept {
    try {
      auto& v = self(ctx);
      if (e == nullptr || !ASTRA_HAS_FIELD(astra_trade_event, e, trade_count) ||
          e->market.size == 0 || (e->trade_count > 0 && !e->trades)) {
        v.log_.warn("[" + v.plugin_.id + "] malformed trade event dropped");
        return;
      }
      if (v.metrics_.trade_events) v.metrics_.trade_events->inc();
      v.sink_.on_trades(*e);
    } catch (...) {
      caught(ctx, "emit_trades");
    }
  }

  static void count(astra_host_ctx ctx, uint32_t counter, astra_str market, uint64_t n) noexcept {
    try {
      self(ctx).counters_.add(counter, view(market), n);
    } catch (...) {
      caught(ctx, "count");
    }
  }

  static void complete(astra_host_ctx ctx, uint64_t call_id, astra_status status,
                       astra_str json) noexcept {
    try {
      self(ctx).finish(call_id, status, std::string(view(json)));
    } catch (...) {
      caught(ctx, "complete");
    }
  }

  static astra_host_api make() noexcept {
    astra_host_api t{};
    t.struct_size = sizeof t;
    t.abi_major = ASTRA_ABI_VERSION_MAJOR;
    t.abi_minor = ASTRA_ABI_VERSION_MINOR;
    t.log = &log;
    t.log_enabled = &log_enabled;
    t.now_us = &now_us;
    t.http_request = &http_request;
    t.ws_open = &ws_open;
    t.ws_send = &ws_send;
    t.ws_close = &ws_close;
    t.timer_start = &timer_start;
    t.timer_cancel = &timer_cancel;
    t.emit_book = &emit_book;
    t.emit_trades = &emit_trades;
    t.count = &count;
    t.complete = &complete;
    return t;
  }

  static const astra_host_api table;
};

const astra_host_api PluginVenue::HostApi::table = PluginVenue::HostApi::make();

// ------------------------------------------------------------------------------------------------

PluginVenue::PluginVenue(LoadedPlugin plugin, std::unique_ptr<Io> io, MarketSink& sink, Logger& log)
    : plugin_(std::move(plugin)), io_(std::move(io)), sink_(sink), log_(log) {
  io_->attach(this);
}

core::Result<std::unique_ptr<PluginVenue>> PluginVenue::create(LoadedPlugin plugin,
                                                               std::string_view config_json,
                                                               std::unique_ptr<Io> io,
                                                               MarketSink& sink, Logger& log) {
  if (plugin.api == nullptr || !io)
    return core::make_error(ASTRA_E_INVALID_ARGUMENT, "plugin_create_failed",
                            "no plugin or no I/O given");
  std::unique_ptr<PluginVenue> venue(new PluginVenue(std::move(plugin), std::move(io), sink, log));
  char error[512] = {0};
  astra_connector* instance = nullptr;
  astra_status s;
  {
    PluginCallScope scope(venue->plugin_depth_);
    s = venue->plugin_.api->create(&HostApi::table, reinterpret_cast<astra_host_ctx>(venue.get()),
                                   str(config_json), &instance, error, sizeof error);
  }
  error[sizeof error - 1] = '\0';
  if (s != ASTRA_OK || instance == nullptr) {
    std::string message = "plugin " + venue->plugin_.id + " refused its configuration: " +
                          (error[0] ? std::string(error) : std::string(status_code_name(s)));
    log.error(message);
    if (s == ASTRA_OK && instance == nullptr) s = ASTRA_E_INTERNAL;
    if (s == ASTRA_OK) s = ASTRA_E_INTERNAL;
    return core::make_error(s, "plugin_create_failed", std::move(message));
  }
  venue->instance_ = instance;
  return venue;
}

PluginVenue::~PluginVenue() {
  alive_.reset();
  if (instance_ != nullptr) {
    PluginCallScope scope(plugin_depth_);
    plugin_.api->destroy(instance_);
    instance_ = nullptr;
  }
  io_->attach(nullptr);
  // Every accepted call gets its answer, even when the venue goes away first.
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [id, done] : pending) {
    try {
      done(ASTRA_E_UNAVAILABLE, sdk::error_json("unavailable", "the venue was stopped"));
    } catch (...) {
    }
  }
}

core::ConnectionState PluginVenue::state() const {
  if (!ws_open_.empty())
    return ws_opening_.empty() ? core::ConnectionState::connected : core::ConnectionState::degraded;
  if (!ws_opening_.empty()) return core::ConnectionState::connecting;
  return ws_ever_opened_ ? core::ConnectionState::disconnected : core::ConnectionState::idle;
}

void PluginVenue::finish(uint64_t call_id, astra_status status, std::string json) {
  auto it = pending_.find(call_id);
  if (it == pending_.end()) {
    log_.warn("[" + plugin_.id + "] complete() for unknown or already completed call " +
              std::to_string(call_id) + " ignored");
    return;
  }
  core::Callback done = std::move(it->second);
  pending_.erase(it);
  Logger* log = &log_;
  io_->defer([done = std::move(done), status, json = std::move(json), log]() mutable {
    try {
      done(status, std::move(json));
    } catch (...) {
      log->error(std::string("a venue call's callback threw: ") +
                 what_of(std::current_exception()));
    }
  });
}

template <class Start>
void PluginVenue::start_call(const char* what, core::Callback done, Start&& start) {
  const uint64_t call_id = next_call_id_++;
  pending_.emplace(call_id, std::move(done));
  astra_status s;
  {
    PluginCallScope scope(plugin_depth_);
    s = start(call_id);
  }
  if (s == ASTRA_OK) return;
  if (pending_.count(call_id) == 0) {
    // The plugin completed the call and then refused it: the completion stands.
    log_.warn("[" + plugin_.id + "] " + what + " completed and then returned " +
              std::string(status_code_name(s)));
    return;
  }
  finish(call_id, s,
         sdk::error_json(status_code_name(s), plugin_.id + " refused " + what + ": " +
                                                  std::string(status_code_name(s))));
}

void PluginVenue::list_markets(core::Callback done) {
  start_call("list_markets", std::move(done),
             [&](uint64_t id) { return plugin_.api->list_markets(instance_, id); });
}

void PluginVenue::get_orderbook(std::string_view market, uint32_t depth, core::Callback done) {
  std::string m(market);  // the plugin reads it during the call only
  start_call("get_orderbook", std::move(done),
             [&](uint64_t id) { return plugin_.api->get_orderbook(instance_, id, str(m), depth); });
}

astra_status PluginVenue::subscribe(std::string_view market, core::DataType type) {
  if (plugin_depth_ > 0) {
    // Called back from inside a plugin call (e.g. by the sink): run it after that call returns.
    io_->defer([this, alive = std::weak_ptr<int>(alive_), m = std::string(market), type] {
      if (!alive.expired()) subscribe(m, type);
    });
    return ASTRA_OK;
  }
  PluginCallScope scope(plugin_depth_);
  return plugin_.api->subscribe(instance_, str(market), static_cast<uint32_t>(type));
}

astra_status PluginVenue::unsubscribe(std::string_view market, core::DataType type) {
  if (plugin_depth_ > 0) {
    io_->defer([this, alive = std::weak_ptr<int>(alive_), m = std::string(market), type] {
      if (!alive.expired()) unsubscribe(m, type);
    });
    return ASTRA_OK;
  }
  PluginCallScope scope(plugin_depth_);
  return plugin_.api->unsubscribe(instance_, str(market), static_cast<uint32_t>(type));
}

void PluginVenue::call_private(core::PrivateOp op, const core::Credentials& credentials,
                               std::string_view params_json, core::Callback done) {
  using Fn = astra_status (*)(astra_connector*, uint64_t, const astra_credentials*, astra_str);
  const astra_connector_api& api = *plugin_.api;
  Fn fn = nullptr;
  const char* what = "?";
  switch (op) {
    case core::PrivateOp::list_orders:
      fn = api.list_orders, what = "list_orders";
      break;
    case core::PrivateOp::place_order:
      fn = api.place_order, what = "place_order";
      break;
    case core::PrivateOp::cancel_order:
      fn = api.cancel_order, what = "cancel_order";
      break;
    case core::PrivateOp::list_fills:
      fn = api.list_fills, what = "list_fills";
      break;
    case core::PrivateOp::balances:
      fn = api.get_balances, what = "get_balances";
      break;
    case core::PrivateOp::positions:
      fn = api.get_positions, what = "get_positions";
      break;
    case core::PrivateOp::request_quote:
      fn = api.request_quote, what = "request_quote";
      break;
    case core::PrivateOp::accept_quote:
      fn = api.accept_quote, what = "accept_quote";
      break;
  }
  std::string params(params_json);
  start_call(what, std::move(done), [&](uint64_t id) -> astra_status {
    if (fn == nullptr) return ASTRA_E_UNIMPLEMENTED;
    // Borrowed views of the caller's credentials, for the duration of this call only.
    astra_credentials c{};
    c.struct_size = sizeof c;
    c.api_key = str(credentials.api_key);
    c.api_secret = str(credentials.api_secret);
    c.passphrase = str(credentials.passphrase);
    return fn(instance_, id, &c, str(params));
  });
}

// ------------------------------------------------------------------------------------------------
// Io results, forwarded to the plugin.

void PluginVenue::on_http_response(uint64_t token, const HttpResult& result) {
  std::vector<astra_header> headers;
  headers.reserve(result.headers.size());
  for (const auto& [name, value] : result.headers)
    headers.push_back({str(name), str(value)});
  astra_http_response r{};
  r.struct_size = sizeof r;
  r.status = result.status;
  r.error = result.error;
  r.headers = headers.data();
  r.header_count = headers.size();
  r.body = str(result.body);
  PluginCallScope scope(plugin_depth_);
  plugin_.api->on_http_response(instance_, token, &r);
}

void PluginVenue::on_ws_open(uint64_t conn) {
  ws_opening_.erase(conn);
  ws_open_.insert(conn);
  ws_ever_opened_ = true;
  if (metrics_.connects) metrics_.connects->inc();
  PluginCallScope scope(plugin_depth_);
  plugin_.api->on_ws_open(instance_, conn);
}

void PluginVenue::on_ws_message(uint64_t conn, std::string_view data, bool binary) {
  if (metrics_.frames) metrics_.frames->inc();
  PluginCallScope scope(plugin_depth_);
  plugin_.api->on_ws_message(instance_, conn, str(data), binary ? 1 : 0);
}

void PluginVenue::on_ws_close(uint64_t conn, int32_t code, std::string_view reason) {
  ws_opening_.erase(conn);
  if (ws_open_.erase(conn) > 0 && metrics_.disconnects) metrics_.disconnects->inc();
  ws_ever_opened_ = true;
  PluginCallScope scope(plugin_depth_);
  plugin_.api->on_ws_close(instance_, conn, code, str(reason));
}

void PluginVenue::on_timer(uint64_t token) {
  PluginCallScope scope(plugin_depth_);
  plugin_.api->on_timer(instance_, token);
}

}  // namespace astra::host
