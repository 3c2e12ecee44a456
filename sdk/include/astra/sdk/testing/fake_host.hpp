// astra/sdk/testing/fake_host.hpp: an in-memory host for connector plugin unit tests.
//
// FakeHost implements the astra_host_api table with no I/O at all: it records every HTTP request,
// WebSocket open/send/close, timer, emitted event, counter and completion (copying everything it
// is given), runs timers on a manual clock, and lets the test deliver responses and frames:
//
//   auto lib = astra::sdk::testing::PluginLibrary::open("build/lib/astra/plugins/binance.so");
//   astra::sdk::testing::FakeHost host(lib.api());
//   host.create(R"({"families":["spot"]})");
//   host.list_markets(1);
//   host.respond(host.requests().back().token, 200, exchange_info_json);
//   host.advance(250);  // fires due timers in order
//
// Single-threaded by design, like the host's per-instance strand. Header-only; needs dlopen (-ldl
// on old glibc) only when PluginLibrary is used.
#pragma once

#include <astra/connector.h>

#include <dlfcn.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace astra::sdk::testing {

inline std::string_view sv(astra_str s) {
  return s.data ? std::string_view(s.data, s.size) : std::string_view();
}
inline astra_str as_str(std::string_view s) {
  return astra_str{s.data(), s.size()};
}

// ---------------------------------------------------------------------------------------------
// Loading a plugin
// ---------------------------------------------------------------------------------------------

// A dlopen'ed plugin library (or an in-process entry function). Closes the library on destruction.
class PluginLibrary {
 public:
  PluginLibrary() = default;
  explicit PluginLibrary(astra_connector_entry_fn entry_fn) : entry_(entry_fn) {}
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;
  PluginLibrary(PluginLibrary&& o) noexcept
      : handle_(std::exchange(o.handle_, nullptr)), entry_(std::exchange(o.entry_, nullptr)) {}
  PluginLibrary& operator=(PluginLibrary&& o) noexcept {
    if (this != &o) {
      close();
      handle_ = std::exchange(o.handle_, nullptr);
      entry_ = std::exchange(o.entry_, nullptr);
    }
    return *this;
  }
  ~PluginLibrary() { close(); }

  // Loads `path`; throws std::runtime_error with dlerror()'s text when it cannot.
  static PluginLibrary open(const std::string& path) {
    PluginLibrary lib;
    lib.handle_ = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib.handle_ == nullptr) {
      const char* e = ::dlerror();
      throw std::runtime_error("dlopen " + path + ": " + (e ? e : "unknown error"));
    }
    void* sym = ::dlsym(lib.handle_, ASTRA_CONNECTOR_ENTRY_NAME);
    if (sym == nullptr) throw std::runtime_error(path + " has no " ASTRA_CONNECTOR_ENTRY_NAME);
    lib.entry_ = reinterpret_cast<astra_connector_entry_fn>(sym);
    return lib;
  }

  astra_connector_entry_fn entry() const noexcept { return entry_; }
  const astra_connector_api* api(uint32_t major = ASTRA_ABI_VERSION_MAJOR,
                                 uint32_t minor = ASTRA_ABI_VERSION_MINOR) const {
    return entry_ ? entry_(major, minor) : nullptr;
  }

 private:
  void close() noexcept {
    if (handle_) ::dlclose(handle_);
    handle_ = nullptr;
    entry_ = nullptr;
  }
  void* handle_ = nullptr;
  astra_connector_entry_fn entry_ = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Records (owned copies of what the plugin passed)
// ---------------------------------------------------------------------------------------------

struct HttpCall {
  uint64_t token = 0;
  std::string method;
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  uint32_t weight = 0;
  uint32_t timeout_ms = 0;
  bool answered = false;

  std::string_view header(std::string_view name) const {
    for (const auto& [n, v] : headers)
      if (n == name) return v;
    return {};
  }
};

struct WsConnection {
  uint64_t id = 0;
  std::string url;
  bool open = false;              // the test delivered ws_open_ok
  bool closed = false;            // closed by either side
  bool closed_by_plugin = false;  // the plugin called ws_close
  std::vector<std::string> sent;  // text frames the plugin sent, in order
};

struct BookEvent {
  uint32_t kind = 0;
  std::string market;
  uint64_t update_id = 0;
  int64_t venue_time_us = 0;
  std::vector<astra_book_level> bids;
  std::vector<astra_book_level> asks;
  uint32_t reset_reason = 0;
};

struct Trade {
  astra_decimal price{};
  astra_decimal quantity{};
  uint32_t taker_side = 0;
  int64_t time_us = 0;
  std::string trade_id;
};

struct TradeEvent {
  std::string market;
  std::vector<Trade> trades;
};

struct CountCall {
  uint32_t counter = 0;
  std::string market;
  uint64_t n = 0;
};

struct Completion {
  uint64_t call_id = 0;
  astra_status status = ASTRA_OK;
  std::string json;
};

struct LogLine {
  int32_t level = 0;
  std::string message;
};

// ---------------------------------------------------------------------------------------------
// The fake host
// ---------------------------------------------------------------------------------------------

class FakeHost {
 public:
  static constexpr int64_t kDefaultStartUs = 1'700'000'000'000'000;  // 2023-11-14T22:13:20Z

  explicit FakeHost(const astra_connector_api* plugin, int64_t start_us = kDefaultStartUs)
      : plugin_(plugin), now_us_(start_us) {
    if (plugin_ == nullptr) throw std::invalid_argument("FakeHost needs a connector table");
    table_.struct_size = sizeof table_;
    table_.abi_major = ASTRA_ABI_VERSION_MAJOR;
    table_.abi_minor = ASTRA_ABI_VERSION_MINOR;
    table_.log = &FakeHost::t_log;
    table_.log_enabled = &FakeHost::t_log_enabled;
    table_.now_us = &FakeHost::t_now_us;
    table_.http_request = &FakeHost::t_http_request;
    table_.ws_open = &FakeHost::t_ws_open;
    table_.ws_send = &FakeHost::t_ws_send;
    table_.ws_close = &FakeHost::t_ws_close;
    table_.timer_start = &FakeHost::t_timer_start;
    table_.timer_cancel = &FakeHost::t_timer_cancel;
    table_.emit_book = &FakeHost::t_emit_book;
    table_.emit_trades = &FakeHost::t_emit_trades;
    table_.count = &FakeHost::t_count;
    table_.complete = &FakeHost::t_complete;
  }
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;
  ~FakeHost() { destroy(); }

  // ----- lifetime of the instance ------------------------------------------------------------

  // Creates the instance. On failure returns the status and fills *error (when given).
  astra_status create(std::string_view config_json, std::string* error = nullptr) {
    destroy();
    destroyed_ = false;
    char buf[1024] = {0};
    astra_connector* out = nullptr;
    const astra_status s =
        plugin_->create(&table_, ctx(), as_str(config_json), &out, buf, sizeof buf);
    if (s == ASTRA_OK) {
      instance_ = out;
    } else if (error) {
      *error = buf;
    }
    if (s != ASTRA_OK && out != nullptr) calls_after_destroy_++;  // must stay NULL on failure
    return s;
  }
  void destroy() {
    if (instance_ == nullptr) return;
    plugin_->destroy(instance_);
    instance_ = nullptr;
    destroyed_ = true;
    timers_.clear();  // an instance's timers die with it
  }
  astra_connector* instance() const noexcept { return instance_; }
  const astra_connector_api* plugin() const noexcept { return plugin_; }
  const astra_host_api* table() const noexcept { return &table_; }

  // ----- operations (thin wrappers over the plugin table) ------------------------------------

  astra_status list_markets(uint64_t call_id) { return plugin_->list_markets(instance_, call_id); }
  astra_status get_orderbook(uint64_t call_id, std::string_view market, uint32_t depth = 0) {
    return plugin_->get_orderbook(instance_, call_id, as_str(market), depth);
  }
  astra_status subscribe(std::string_view market, uint32_t data_type) {
    return plugin_->subscribe(instance_, as_str(market), data_type);
  }
  astra_status unsubscribe(std::string_view market, uint32_t data_type) {
    return plugin_->unsubscribe(instance_, as_str(market), data_type);
  }

  // ----- delivering I/O results into the plugin ---------------------------------------------

  // Answers request `token` with an HTTP response. Returns false for an unknown or answered token.
  bool respond(uint64_t token, int32_t status, std::string_view body,
               const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    HttpCall* call = find_call(token);
    if (call == nullptr || call->answered) return false;
    call->answered = true;
    std::vector<astra_header> h;
    for (const auto& [n, v] : headers)
      h.push_back({as_str(n), as_str(v)});
    astra_http_response r{};
    r.struct_size = sizeof r;
    r.status = status;
    r.error = ASTRA_OK;
    r.headers = h.data();
    r.header_count = h.size();
    r.body = as_str(body);
    plugin_->on_http_response(instance_, token, &r);
    return true;
  }
  // Fails request `token` without a response (e.g. ASTRA_E_UNAVAILABLE, DEADLINE_EXCEEDED).
  bool fail_request(uint64_t token, astra_status error) {
    HttpCall* call = find_call(token);
    if (call == nullptr || call->answered) return false;
    call->answered = true;
    astra_http_response r{};
    r.struct_size = sizeof r;
    r.error = error;
    plugin_->on_http_response(instance_, token, &r);
    return true;
  }
  // Reports a connection as established. False when unknown, already open or closed.
  bool ws_open_ok(uint64_t conn) {
    WsConnection* c = find_ws(conn);
    if (c == nullptr || c->open || c->closed) return false;
    c->open = true;
    plugin_->on_ws_open(instance_, conn);
    return true;
  }
  // Delivers a frame on an open connection. False when the connection is not open.
  bool ws_message(uint64_t conn, std::string_view data, bool binary = false) {
    WsConnection* c = find_ws(conn);
    if (c == nullptr || !c->open || c->closed) return false;
    plugin_->on_ws_message(instance_, conn, as_str(data), binary ? 1 : 0);
    return true;
  }
  // The venue (or the network) closed the connection, or it failed to open.
  bool ws_closed(uint64_t conn, int32_t code = 1006, std::string_view reason = {}) {
    WsConnection* c = find_ws(conn);
    if (c == nullptr || c->closed) return false;
    c->closed = true;
    c->open = false;
    plugin_->on_ws_close(instance_, conn, code, as_str(reason));
    return true;
  }

  // ----- the manual clock ---------------------------------------------------------------------

  int64_t now_us() const noexcept { return now_us_; }
  // Moves the clock forward by ms, firing every timer that falls due, in due order (ties: in the
  // order they were started). Timers started by a firing timer fire too when they fall due.
  void advance(int64_t ms) {
    const int64_t target = now_us_ + ms * 1000;
    for (;;) {
      auto next = timers_.end();
      for (auto it = timers_.begin(); it != timers_.end(); ++it) {
        if (it->second.due_us > target) continue;
        if (next == timers_.end() || it->second.due_us < next->second.due_us) next = it;
      }
      if (next == timers_.end()) break;
      const uint64_t token = next->second.token;
      now_us_ = std::max(now_us_, next->second.due_us);
      timers_.erase(next);
      if (instance_) plugin_->on_timer(instance_, token);
    }
    now_us_ = target;
  }
  size_t pending_timers() const noexcept { return timers_.size(); }
  // Delay (ms) until the earliest pending timer; -1 when none.
  int64_t next_timer_in_ms() const {
    int64_t best = -1;
    for (const auto& [id, t] : timers_) {
      const int64_t d = (t.due_us - now_us_ + 999) / 1000;
      if (best < 0 || d < best) best = d;
    }
    return best;
  }

  // ----- what the plugin did (owned copies, stable references: deques) -----------------------

  const std::deque<HttpCall>& requests() const noexcept { return requests_; }
  // Requests not answered yet whose URL contains `url_part`.
  std::vector<const HttpCall*> pending_requests(std::string_view url_part = {}) const {
    std::vector<const HttpCall*> out;
    for (const auto& r : requests_)
      if (!r.answered && r.url.find(url_part) != std::string::npos) out.push_back(&r);
    return out;
  }
  const std::deque<WsConnection>& connections() const noexcept { return connections_; }
  const WsConnection* connection(uint64_t id) const {
    for (const auto& c : connections_)
      if (c.id == id) return &c;
    return nullptr;
  }
  // Connections neither side has closed.
  std::vector<const WsConnection*> live_connections() const {
    std::vector<const WsConnection*> out;
    for (const auto& c : connections_)
      if (!c.closed) out.push_back(&c);
    return out;
  }
  const std::deque<BookEvent>& books() const noexcept { return books_; }
  const std::deque<TradeEvent>& trades() const noexcept { return trades_; }
  const std::deque<CountCall>& counts() const noexcept { return counts_; }
  const std::deque<Completion>& completions() const noexcept { return completions_; }
  const std::deque<LogLine>& logs() const noexcept { return logs_; }

  // Sum of count() calls for a counter; for one market when `market` is given.
  uint64_t counter(uint32_t counter_id, std::string_view market = {}) const {
    uint64_t n = 0;
    for (const auto& c : counts_)
      if (c.counter == counter_id && (market.empty() || c.market == market)) n += c.n;
    return n;
  }
  std::vector<const Completion*> completions_of(uint64_t call_id) const {
    std::vector<const Completion*> out;
    for (const auto& c : completions_)
      if (c.call_id == call_id) out.push_back(&c);
    return out;
  }
  std::vector<const BookEvent*> books_of(std::string_view market) const {
    std::vector<const BookEvent*> out;
    for (const auto& b : books_)
      if (b.market == market) out.push_back(&b);
    return out;
  }
  // Host calls that arrived when they must not: after destroy(), or a non-NULL out on failure.
  uint64_t violations() const noexcept { return calls_after_destroy_; }

  void clear_records() {
    books_.clear();
    trades_.clear();
    counts_.clear();
    completions_.clear();
    logs_.clear();
  }

  // Host services may be switched to failing for robustness tests.
  void set_http_status(astra_status s) { http_status_ = s; }
  void set_ws_open_status(astra_status s) { ws_open_status_ = s; }

 private:
  struct Timer {
    uint64_t token = 0;
    int64_t due_us = 0;
  };

  astra_host_ctx ctx() noexcept { return reinterpret_cast<astra_host_ctx>(this); }
  static FakeHost& self(astra_host_ctx c) noexcept { return *reinterpret_cast<FakeHost*>(c); }

  HttpCall* find_call(uint64_t token) {
    for (auto it = requests_.rbegin(); it != requests_.rend(); ++it)
      if (it->token == token && !it->answered) return &*it;
    for (auto& r : requests_)
      if (r.token == token) return &r;
    return nullptr;
  }
  WsConnection* find_ws(uint64_t id) {
    for (auto& c : connections_)
      if (c.id == id) return &c;
    return nullptr;
  }
  void note_call() noexcept {
    if (destroyed_ && instance_ == nullptr) ++calls_after_destroy_;
  }

  // The C table's functions. They copy everything they are given.
  static void t_log(astra_host_ctx c, int32_t level, astra_str message) {
    self(c).logs_.push_back({level, std::string(sv(message))});
  }
  static int t_log_enabled(astra_host_ctx, int32_t) { return 1; }
  static int64_t t_now_us(astra_host_ctx c) { return self(c).now_us_; }
  static astra_status t_http_request(astra_host_ctx c, const astra_http_request* r,
                                     uint64_t token) {
    FakeHost& h = self(c);
    h.note_call();
    if (r == nullptr) return ASTRA_E_INVALID_ARGUMENT;
    if (h.http_status_ != ASTRA_OK) return h.http_status_;
    HttpCall call;
    call.token = token;
    call.method = std::string(sv(r->method));
    call.url = std::string(sv(r->url));
    for (size_t i = 0; i < r->header_count; ++i)
      call.headers.emplace_back(std::string(sv(r->headers[i].name)),
                                std::string(sv(r->headers[i].value)));
    call.body = std::string(sv(r->body));
    call.weight = r->weight;
    call.timeout_ms = r->timeout_ms;
    h.requests_.push_back(std::move(call));
    return ASTRA_OK;
  }
  static astra_status t_ws_open(astra_host_ctx c, astra_str url, uint64_t* out_conn) {
    FakeHost& h = self(c);
    h.note_call();
    if (out_conn == nullptr) return ASTRA_E_INVALID_ARGUMENT;
    if (h.ws_open_status_ != ASTRA_OK) return h.ws_open_status_;
    WsConnection conn;
    conn.id = ++h.next_conn_;
    conn.url = std::string(sv(url));
    *out_conn = conn.id;
    h.connections_.push_back(std::move(conn));
    return ASTRA_OK;
  }
  static astra_status t_ws_send(astra_host_ctx c, uint64_t conn, astra_str text) {
    FakeHost& h = self(c);
    h.note_call();
    WsConnection* w = h.find_ws(conn);
    if (w == nullptr || w->closed) return ASTRA_E_NOT_FOUND;
    if (!w->open) return ASTRA_E_FAILED_PRECONDITION;
    w->sent.emplace_back(sv(text));
    return ASTRA_OK;
  }
  static void t_ws_close(astra_host_ctx c, uint64_t conn) {
    FakeHost& h = self(c);
    h.note_call();
    if (WsConnection* w = h.find_ws(conn); w && !w->closed) {
      w->closed = true;
      w->open = false;
      w->closed_by_plugin = true;
    }
  }
  static uint64_t t_timer_start(astra_host_ctx c, uint32_t delay_ms, uint64_t token) {
    FakeHost& h = self(c);
    h.note_call();
    const uint64_t id = ++h.next_timer_;
    h.timers_[id] = Timer{token, h.now_us_ + int64_t(delay_ms) * 1000};
    return id;
  }
  static void t_timer_cancel(astra_host_ctx c, uint64_t id) { self(c).timers_.erase(id); }
  static void t_emit_book(astra_host_ctx c, const astra_book_event* e) {
    FakeHost& h = self(c);
    h.note_call();
    if (e == nullptr) return;
    BookEvent b;
    b.kind = e->kind;
    b.market = std::string(sv(e->market));
    b.update_id = e->update_id;
    b.venue_time_us = e->venue_time_us;
    if (e->bids) b.bids.assign(e->bids, e->bids + e->bid_count);
    if (e->asks) b.asks.assign(e->asks, e->asks + e->ask_count);
    b.reset_reason = e->reset_reason;
    h.books_.push_back(std::move(b));
  }
  static void t_emit_trades(astra_host_ctx c, const astra_trade_event* e) {
    FakeHost& h = self(c);
    h.note_call();
    if (e == nullptr) return;
    TradeEvent t;
    t.market = std::string(sv(e->market));
    for (size_t i = 0; i < e->trade_count; ++i) {
      const astra_trade& x = e->trades[i];
      t.trades.push_back(
          {x.price, x.quantity, x.taker_side, x.time_us, std::string(sv(x.trade_id))});
    }
    h.trades_.push_back(std::move(t));
  }
  static void t_count(astra_host_ctx c, uint32_t counter, astra_str market, uint64_t n) {
    FakeHost& h = self(c);
    h.note_call();
    h.counts_.push_back({counter, std::string(sv(market)), n});
  }
  static void t_complete(astra_host_ctx c, uint64_t call_id, astra_status status, astra_str json) {
    FakeHost& h = self(c);
    h.note_call();
    h.completions_.push_back({call_id, status, std::string(sv(json))});
  }

  const astra_connector_api* plugin_;
  astra_host_api table_{};
  astra_connector* instance_ = nullptr;
  bool destroyed_ = false;
  uint64_t calls_after_destroy_ = 0;
  int64_t now_us_;
  uint64_t next_conn_ = 0;
  uint64_t next_timer_ = 0;
  astra_status http_status_ = ASTRA_OK;
  astra_status ws_open_status_ = ASTRA_OK;
  std::map<uint64_t, Timer> timers_;
  std::deque<HttpCall> requests_;
  std::deque<WsConnection> connections_;
  std::deque<BookEvent> books_;
  std::deque<TradeEvent> trades_;
  std::deque<CountCall> counts_;
  std::deque<Completion> completions_;
  std::deque<LogLine> logs_;
};

}  // namespace astra::sdk::testing
