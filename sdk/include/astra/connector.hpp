// astra/connector.hpp: the header-only C++ layer over the connector C ABI.
//
// Derive from astra::sdk::Connector, override what the venue supports, and export it:
//
//   class MyVenue : public astra::sdk::Connector {
//    public:
//     MyVenue(astra::sdk::Host host, std::string_view config_json);
//     astra_status list_markets(uint64_t call_id) override;
//     ...
//   };
//   ASTRA_CONNECTOR(MyVenue, "myvenue", "MYVENUE", "1.0.0", ASTRA_CAP_SPOT | ASTRA_CAP_ORDERBOOK)
//
// Every trampoline catches every exception: nothing unwinds across the C ABI. A throwing
// operation completes with ASTRA_E_INTERNAL; a throwing constructor fails create() with its
// message (std::invalid_argument means a configuration error: ASTRA_E_INVALID_ARGUMENT).
#pragma once

#include <astra/connector.h>

#include <cstdint>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace astra::sdk {

using Status = astra_status;

inline std::string_view view(astra_str s) noexcept {
  return s.data ? std::string_view(s.data, s.size) : std::string_view();
}
inline astra_str str(std::string_view s) noexcept {
  return astra_str{s.data(), s.size()};
}

// Escapes a string for inclusion in a JSON string literal (without the quotes).
inline void append_json_escaped(std::string& out, std::string_view s) {
  static const char* hex = "0123456789abcdef";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out.push_back(hex[u >> 4]);
          out.push_back(hex[u & 15]);
        } else {
          out.push_back(c);
        }
    }
  }
}

// {"code":"...","message":"..."}: the error body every failed call completes with.
inline std::string error_json(std::string_view code, std::string_view message) {
  std::string out = "{\"code\":\"";
  append_json_escaped(out, code);
  out += "\",\"message\":\"";
  append_json_escaped(out, message);
  out += "\"}";
  return out;
}

struct Header {
  std::string name;
  std::string value;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<Header> headers;
  std::string body;
  uint32_t weight = 1;
  uint32_t timeout_ms = 0;
};

// A borrowed view of a response, valid during on_http_response only.
struct HttpResponse {
  int status = 0;
  Status error = ASTRA_OK;
  const astra_header* headers = nullptr;
  size_t header_count = 0;
  std::string_view body;

  bool ok() const noexcept { return error == ASTRA_OK && status >= 200 && status < 300; }
  // Case-insensitive header lookup; empty when absent.
  std::string_view header(std::string_view name) const noexcept {
    for (size_t i = 0; i < header_count; ++i) {
      std::string_view n = view(headers[i].name);
      if (n.size() != name.size()) continue;
      bool same = true;
      for (size_t k = 0; k < n.size() && same; ++k) {
        char a = n[k], b = name[k];
        if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
        same = (a == b);
      }
      if (same) return view(headers[i].value);
    }
    return {};
  }
};

// Borrowed credentials, valid during one call only. Never log, never keep.
struct Credentials {
  std::string_view api_key;
  std::string_view api_secret;
  std::string_view passphrase;
};

// A C++ view of the host services table. Cheap to copy.
class Host {
 public:
  Host() = default;
  Host(const astra_host_api* api, astra_host_ctx ctx) : api_(api), ctx_(ctx) {}

  const astra_host_api* api() const noexcept { return api_; }
  astra_host_ctx context() const noexcept { return ctx_; }

  void log(int32_t level, std::string_view message) const {
    if (api_ && api_->log) api_->log(ctx_, level, str(message));
  }
  bool log_enabled(int32_t level) const {
    return api_ && api_->log_enabled ? api_->log_enabled(ctx_, level) != 0 : true;
  }
  int64_t now_us() const { return api_ && api_->now_us ? api_->now_us(ctx_) : 0; }

  Status http_request(const HttpRequest& request, uint64_t token) const {
    std::vector<astra_header> headers;
    headers.reserve(request.headers.size());
    for (const auto& h : request.headers)
      headers.push_back({str(h.name), str(h.value)});
    astra_http_request r{};
    r.struct_size = sizeof r;
    r.method = str(request.method);
    r.url = str(request.url);
    r.headers = headers.data();
    r.header_count = headers.size();
    r.body = str(request.body);
    r.weight = request.weight;
    r.timeout_ms = request.timeout_ms;
    return api_->http_request(ctx_, &r, token);
  }
  Status ws_open(std::string_view url, uint64_t& conn) const {
    return api_->ws_open(ctx_, str(url), &conn);
  }
  Status ws_send(uint64_t conn, std::string_view text) const {
    return api_->ws_send(ctx_, conn, str(text));
  }
  void ws_close(uint64_t conn) const { api_->ws_close(ctx_, conn); }
  uint64_t timer_start(uint32_t delay_ms, uint64_t token) const {
    return api_->timer_start(ctx_, delay_ms, token);
  }
  void timer_cancel(uint64_t timer_id) const { api_->timer_cancel(ctx_, timer_id); }

  void emit_book(const astra_book_event& event) const { api_->emit_book(ctx_, &event); }
  void emit_book(uint32_t kind, std::string_view market, uint64_t update_id, int64_t venue_time_us,
                 const std::vector<astra_book_level>& bids,
                 const std::vector<astra_book_level>& asks) const {
    astra_book_event e{};
    e.struct_size = sizeof e;
    e.kind = kind;
    e.market = str(market);
    e.update_id = update_id;
    e.venue_time_us = venue_time_us;
    e.bids = bids.data();
    e.bid_count = bids.size();
    e.asks = asks.data();
    e.ask_count = asks.size();
    api_->emit_book(ctx_, &e);
  }
  void emit_reset(std::string_view market, uint32_t reason) const {
    astra_book_event e{};
    e.struct_size = sizeof e;
    e.kind = ASTRA_BOOK_RESET;
    e.market = str(market);
    e.reset_reason = reason;
    api_->emit_book(ctx_, &e);
  }
  void emit_trades(std::string_view market, const astra_trade* trades, size_t count) const {
    astra_trade_event e{};
    e.struct_size = sizeof e;
    e.market = str(market);
    e.trades = trades;
    e.trade_count = count;
    api_->emit_trades(ctx_, &e);
  }
  void count(uint32_t counter, std::string_view market, uint64_t n = 1) const {
    if (api_->count) api_->count(ctx_, counter, str(market), n);
  }
  void complete(uint64_t call_id, Status status, std::string_view json) const {
    api_->complete(ctx_, call_id, status, str(json));
  }
  void complete_error(uint64_t call_id, Status status, std::string_view code,
                      std::string_view message) const {
    complete(call_id, status, error_json(code, message));
  }

 private:
  const astra_host_api* api_ = nullptr;
  astra_host_ctx ctx_ = nullptr;
};

// Base class of a connector. Defaults answer "not supported".
class Connector {
 public:
  explicit Connector(Host host) : host_(host) {}
  virtual ~Connector() = default;
  Connector(const Connector&) = delete;
  Connector& operator=(const Connector&) = delete;

  virtual void on_http_response(uint64_t /*token*/, const HttpResponse& /*response*/) {}
  virtual void on_ws_open(uint64_t /*conn*/) {}
  virtual void on_ws_message(uint64_t /*conn*/, std::string_view /*data*/, bool /*binary*/) {}
  virtual void on_ws_close(uint64_t /*conn*/, int32_t /*code*/, std::string_view /*reason*/) {}
  virtual void on_timer(uint64_t /*token*/) {}

  virtual Status list_markets(uint64_t /*call_id*/) { return ASTRA_E_UNIMPLEMENTED; }
  virtual Status get_orderbook(uint64_t /*call_id*/, std::string_view /*market*/,
                               uint32_t /*depth*/) {
    return ASTRA_E_UNIMPLEMENTED;
  }
  virtual Status subscribe(std::string_view /*market*/, uint32_t /*data_type*/) {
    return ASTRA_E_UNIMPLEMENTED;
  }
  virtual Status unsubscribe(std::string_view /*market*/, uint32_t /*data_type*/) {
    return ASTRA_E_UNIMPLEMENTED;
  }

  virtual Status list_orders(uint64_t, const Credentials&, std::string_view) {
    return ASTRA_E_UNIMPLEMENTED;
  }
  virtual Status place_order(uint64_t, const Credentials&, std::string_view) {
    return ASTRA_E_UNIMPLEMENTED;
  }
  virtual Status cancel_order(uint64_t, const Credentials&, std::string_view) {
    return ASTRA_E_UNIMPLEMENTED;
  }
  virtual Status list_fills(uint64_t, const Credentials&, std::string_view) {
    return ASTRA_E_UNIMPLEMENTED;
  }
  virtual Status get_balances(uint64_t, const Credentials&, std::string_view) {
    return ASTRA_E_UNIMPLEMENTED;
  }
  virtual Status get_positions(uint64_t, const Credentials&, std::string_view) {
    return ASTRA_E_UNIMPLEMENTED;
  }
  virtual Status request_quote(uint64_t, const Credentials&, std::string_view) {
    return ASTRA_E_UNIMPLEMENTED;
  }
  virtual Status accept_quote(uint64_t, const Credentials&, std::string_view) {
    return ASTRA_E_UNIMPLEMENTED;
  }

  // Logs an exception caught at the ABI boundary. Never throws.
  void log_boundary_exception(const char* where, const char* what) const noexcept {
    try {
      std::string m = "exception at the ABI boundary in ";
      m += where;
      m += ": ";
      m += what;
      host_.log(ASTRA_LOG_ERROR, m);
    } catch (...) {
    }
  }

 protected:
  const Host& host() const noexcept { return host_; }

 private:
  Host host_;
};

namespace detail {

inline Connector* self(astra_connector* c) noexcept {
  return reinterpret_cast<Connector*>(c);
}

inline const char* what_of(const std::exception_ptr& e) noexcept {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
  }
  return "unknown exception";
}

// Runs f on an instance; any exception is logged and becomes ASTRA_E_INTERNAL (fail closed).
template <class F>
Status guard(astra_connector* c, const char* where, F&& f) noexcept {
  if (c == nullptr) return ASTRA_E_INVALID_ARGUMENT;
  try {
    return f(*self(c));
  } catch (...) {
    self(c)->log_boundary_exception(where, what_of(std::current_exception()));
  }
  return ASTRA_E_INTERNAL;
}

template <class F>
void guard_void(astra_connector* c, const char* where, F&& f) noexcept {
  if (c == nullptr) return;
  try {
    f(*self(c));
  } catch (...) {
    self(c)->log_boundary_exception(where, what_of(std::current_exception()));
  }
}

inline Credentials credentials_of(const astra_credentials* c) noexcept {
  Credentials out;
  if (c == nullptr) return out;
  if (ASTRA_HAS_FIELD(astra_credentials, c, api_key)) out.api_key = view(c->api_key);
  if (ASTRA_HAS_FIELD(astra_credentials, c, api_secret)) out.api_secret = view(c->api_secret);
  if (ASTRA_HAS_FIELD(astra_credentials, c, passphrase)) out.passphrase = view(c->passphrase);
  return out;
}

inline void write_error(char* buf, size_t cap, std::string_view message) noexcept {
  if (buf == nullptr || cap == 0) return;
  const size_t n = message.size() < cap - 1 ? message.size() : cap - 1;
  std::memcpy(buf, message.data(), n);
  buf[n] = '\0';
}

template <class T>
astra_status create(const astra_host_api* host, astra_host_ctx ctx, astra_str config_json,
                    astra_connector** out, char* error_buf, size_t error_cap) noexcept {
  if (out == nullptr || host == nullptr) return ASTRA_E_INVALID_ARGUMENT;
  *out = nullptr;
  if (host->abi_major != ASTRA_ABI_VERSION_MAJOR) {
    write_error(error_buf, error_cap, "host ABI major version differs from the plugin's");
    return ASTRA_E_INCOMPATIBLE;
  }
  try {
    Connector* c = new T(Host(host, ctx), view(config_json));
    *out = reinterpret_cast<astra_connector*>(c);
    return ASTRA_OK;
  } catch (const std::invalid_argument& e) {
    write_error(error_buf, error_cap, e.what());
    return ASTRA_E_INVALID_ARGUMENT;
  } catch (...) {
    write_error(error_buf, error_cap, what_of(std::current_exception()));
    return ASTRA_E_INTERNAL;
  }
}

inline void destroy(astra_connector* c) noexcept {
  try {
    delete self(c);
  } catch (...) {
  }
}

#define ASTRA_SDK_PRIVATE_CALL(NAME)                                                              \
  inline astra_status NAME(astra_connector* c, uint64_t call_id, const astra_credentials* k,      \
                           astra_str params) noexcept {                                           \
    return guard(c, #NAME,                                                                        \
                 [&](Connector& x) { return x.NAME(call_id, credentials_of(k), view(params)); }); \
  }
ASTRA_SDK_PRIVATE_CALL(list_orders)
ASTRA_SDK_PRIVATE_CALL(place_order)
ASTRA_SDK_PRIVATE_CALL(cancel_order)
ASTRA_SDK_PRIVATE_CALL(list_fills)
ASTRA_SDK_PRIVATE_CALL(get_balances)
ASTRA_SDK_PRIVATE_CALL(get_positions)
ASTRA_SDK_PRIVATE_CALL(request_quote)
ASTRA_SDK_PRIVATE_CALL(accept_quote)
#undef ASTRA_SDK_PRIVATE_CALL

// Builds the static table for connector class T.
template <class T>
const astra_connector_api* entry(uint32_t host_major, uint32_t /*host_minor*/, const char* id,
                                 const char* exchange, const char* version,
                                 uint64_t capabilities) noexcept {
  if (host_major != ASTRA_ABI_VERSION_MAJOR) return nullptr;
  static const astra_connector_api table = [&] {
    astra_connector_api t{};
    t.struct_size = sizeof t;
    t.abi_major = ASTRA_ABI_VERSION_MAJOR;
    t.abi_minor = ASTRA_ABI_VERSION_MINOR;
    t.id = id;
    t.exchange = exchange;
    t.version = version;
    t.capabilities = capabilities;
    t.create = &create<T>;
    t.destroy = &destroy;
    t.on_http_response = [](astra_connector* c, uint64_t token,
                            const astra_http_response* r) noexcept {
      guard_void(c, "on_http_response", [&](Connector& x) {
        HttpResponse resp;
        if (r != nullptr) {
          resp.status = r->status;
          resp.error = r->error;
          resp.headers = r->headers;
          resp.header_count = r->header_count;
          resp.body = view(r->body);
        } else {
          resp.error = ASTRA_E_INTERNAL;
        }
        x.on_http_response(token, resp);
      });
    };
    t.on_ws_open = [](astra_connector* c, uint64_t conn) noexcept {
      guard_void(c, "on_ws_open", [&](Connector& x) { x.on_ws_open(conn); });
    };
    t.on_ws_message = [](astra_connector* c, uint64_t conn, astra_str data, int binary) noexcept {
      guard_void(c, "on_ws_message",
                 [&](Connector& x) { x.on_ws_message(conn, view(data), binary != 0); });
    };
    t.on_ws_close = [](astra_connector* c, uint64_t conn, int32_t code, astra_str reason) noexcept {
      guard_void(c, "on_ws_close", [&](Connector& x) { x.on_ws_close(conn, code, view(reason)); });
    };
    t.on_timer = [](astra_connector* c, uint64_t token) noexcept {
      guard_void(c, "on_timer", [&](Connector& x) { x.on_timer(token); });
    };
    t.list_markets = [](astra_connector* c, uint64_t call_id) noexcept {
      return guard(c, "list_markets", [&](Connector& x) { return x.list_markets(call_id); });
    };
    t.get_orderbook = [](astra_connector* c, uint64_t call_id, astra_str market,
                         uint32_t depth) noexcept {
      return guard(c, "get_orderbook",
                   [&](Connector& x) { return x.get_orderbook(call_id, view(market), depth); });
    };
    t.subscribe = [](astra_connector* c, astra_str market, uint32_t data_type) noexcept {
      return guard(c, "subscribe",
                   [&](Connector& x) { return x.subscribe(view(market), data_type); });
    };
    t.unsubscribe = [](astra_connector* c, astra_str market, uint32_t data_type) noexcept {
      return guard(c, "unsubscribe",
                   [&](Connector& x) { return x.unsubscribe(view(market), data_type); });
    };
    t.list_orders = &list_orders;
    t.place_order = &place_order;
    t.cancel_order = &cancel_order;
    t.list_fills = &list_fills;
    t.get_balances = &get_balances;
    t.get_positions = &get_positions;
    t.request_quote = &request_quote;
    t.accept_quote = &accept_quote;
    return t;
  }();
  return &table;
}

}  // namespace detail
}  // namespace astra::sdk

// Exports connector class CLASS as this library's astra_connector_entry. Use once per plugin.
#define ASTRA_CONNECTOR(CLASS, ID, EXCHANGE, VERSION, CAPABILITIES)                         \
  extern "C" ASTRA_EXPORT const astra_connector_api* astra_connector_entry(                 \
      uint32_t host_abi_major, uint32_t host_abi_minor) {                                   \
    return ::astra::sdk::detail::entry<CLASS>(host_abi_major, host_abi_minor, ID, EXCHANGE, \
                                              VERSION, CAPABILITIES);                       \
  }
