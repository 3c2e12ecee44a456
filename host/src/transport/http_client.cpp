#include "transport/http_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/ssl.h>

#include <sys/socket.h>

#include <cerrno>
#include <map>
#include <optional>
#include <set>
#include <vector>

namespace astra::host {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using error_code = boost::system::error_code;

namespace {

// One upstream TCP (and maybe TLS) connection, reusable for the same scheme, host and port.
struct Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  Clock::time_point idle_since;
  bool reused = false;

  tcp::socket& socket() { return tls ? beast::get_lowest_layer(*tls).socket() : plain->socket(); }
  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
  template <class F>
  void with_stream(F&& f) {
    if (tls)
      f(*tls);
    else
      f(*plain);
  }
  void close() {
    error_code ec;
    socket().shutdown(tcp::socket::shutdown_both, ec);
    socket().close(ec);
  }
  // An idle connection may be reused when the peer has neither closed it nor sent anything.
  bool reusable(Clock::time_point now, std::chrono::milliseconds max_age) {
    if (now - idle_since > max_age || !socket().is_open() || buffer.size() != 0) return false;
    char byte;
    const auto n = ::recv(socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
};

bool idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

// Headers the transport owns; a plugin may not set them.
bool reserved_header(std::string_view name) {
  return beast::iequals(name, "host") || beast::iequals(name, "content-length") ||
         beast::iequals(name, "transfer-encoding") || beast::iequals(name, "connection");
}

// Errors on a reused connection that mean "the server had closed it": safe to retry idempotent
// requests on a fresh connection.
bool stale_connection_error(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == ssl::error::stream_truncated;
}

}  // namespace

struct HttpClient::Impl : std::enable_shared_from_this<Impl> {
  struct Exchange;

  Impl(asio::io_context& io_in, std::shared_ptr<ssl::context> tls_in, HttpLimits limits_in)
      : io(io_in), tls(std::move(tls_in)), limits(limits_in) {}

  std::unique_ptr<Connection> take_idle(const std::string& key) {
    auto it = idle.find(key);
    if (it == idle.end()) return nullptr;
    auto& list = it->second;
    const auto now = Clock::now();
    while (!list.empty()) {
      auto c = std::move(list.back());
      list.pop_back();
      if (c->reusable(now, limits.max_idle_age)) {
        c->reused = true;
        return c;
      }
      c->close();
    }
    return nullptr;
  }

  void give_back(const std::string& key, std::unique_ptr<Connection> c) {
    if (closed) {
      c->close();
      return;
    }
    auto& list = idle[key];
    if (list.size() >= limits.max_idle_per_host) {
      c->close();
      return;
    }
    c->idle_since = Clock::now();
    list.push_back(std::move(c));
  }

  void shutdown();

  asio::io_context& io;
  std::shared_ptr<ssl::context> tls;
  HttpLimits limits;
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle;
  std::set<std::shared_ptr<Exchange>> live;
  size_t opened = 0;
  bool closed = false;
};

struct HttpClient::Impl::Exchange : std::enable_shared_from_this<Exchange> {
  enum class Stage { resolve, connect, handshake, write, read };

  Exchange(std::shared_ptr<Impl> owner_in, Url url_in, const HttpRequest& r, Done done_in)
      : owner(std::move(owner_in)),
        url(std::move(url_in)),
        method(r.method),
        done(std::move(done_in)),
        resolver(owner->io),
        deadline(owner->io) {
    key = url.scheme + "://" + url.host_header();
    timeout =
        r.timeout_ms > 0 ? std::chrono::milliseconds(r.timeout_ms) : owner->limits.default_timeout;
    req.method_string(r.method);
    req.target(url.target);
    req.version(11);
    req.set(http::field::host, url.host_header());
    req.set(http::field::user_agent, "astra/0.1");
    for (const auto& [name, value] : r.headers)
      if (!reserved_header(name)) req.set(name, value);
    req.body() = r.body;
    req.keep_alive(true);
    req.prepare_payload();
  }

  void start() {
    deadline.expires_after(timeout);
    deadline.async_wait([self = shared_from_this()](const error_code& ec) {
      if (!ec) self->on_deadline();
    });
    conn = owner->take_idle(key);
    if (conn)
      write();
    else
      connect_new();
  }

  void on_deadline() {
    if (finished) return;
    timed_out = true;
    resolver.cancel();
    if (conn) conn->close();
  }

  void connect_new() {
    conn = std::make_unique<Connection>();
    if (url.tls) {
      conn->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(owner->io, *owner->tls);
      // SNI, and the certificate must name this host.
      if (!SSL_set_tlsext_host_name(conn->tls->native_handle(), url.host.c_str()))
        return fail(Stage::handshake, error_code(static_cast<int>(::ERR_get_error()),
                                                 asio::error::get_ssl_category()));
      conn->tls->set_verify_mode(ssl::verify_peer);
      conn->tls->set_verify_callback(ssl::host_name_verification(url.host));
    } else {
      conn->plain = std::make_unique<beast::tcp_stream>(owner->io);
    }
    ++owner->opened;
    resolver.async_resolve(
        url.host, url.port,
        [self = shared_from_this()](const error_code& ec, tcp::resolver::results_type results) {
          if (ec) return self->fail(Stage::resolve, ec);
          self->connect(results);
        });
  }

  void connect(const tcp::resolver::results_type& results) {
    if (timed_out) return fail(Stage::connect, asio::error::timed_out);
    conn->lowest().async_connect(
        results, [self = shared_from_this()](const error_code& ec, const tcp::endpoint&) {
          if (ec) return self->fail(Stage::connect, ec);
          if (!self->conn->tls) return self->write();
          self->conn->tls->async_handshake(ssl::stream_base::client, [self](const error_code& hec) {
            if (hec) return self->fail(Stage::handshake, hec);
            self->write();
          });
        });
  }

  void write() {
    conn->with_stream([&](auto& stream) {
      http::async_write(stream, req, [self = shared_from_this()](const error_code& ec, size_t) {
        if (ec) return self->fail(Stage::write, ec);
        self->read();
      });
    });
  }

  void read() {
    parser.emplace();
    parser->body_limit(owner->limits.max_body_bytes);
    parser->header_limit(64 * 1024);
    conn->with_stream([&](auto& stream) {
      http::async_read(stream, conn->buffer, *parser,
                       [self = shared_from_this()](const error_code& ec, size_t) {
                         if (ec) return self->fail(Stage::read, ec);
                         self->succeed();
                       });
    });
  }

  void succeed() {
    auto& res = parser->get();
    HttpResult r;
    r.status = static_cast<int>(res.result_int());
    for (const auto& f : res)
      r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    r.body = std::move(res.body());
    if (res.keep_alive() && !timed_out) owner->give_back(key, std::move(conn));
    finish(std::move(r));
  }

  void fail(Stage stage, const error_code& ec) {
    if (finished) return;
    const bool stale = conn && conn->reused && (stage == Stage::write || stage == Stage::read) &&
                       stale_connection_error(ec);
    if (stale && !timed_out && idempotent(method) && !retried) {
      retried = true;
      conn->close();
      conn.reset();
      return connect_new();
    }
    HttpResult r;
    const std::string where = url.host_header();
    if (timed_out) {
      r.error = ASTRA_E_DEADLINE_EXCEEDED;
      r.body = "no response from " + where + " within " + std::to_string(timeout.count()) + " ms";
    } else if (ec == http::error::body_limit) {
      r.error = ASTRA_E_UPSTREAM;
      r.body = "response from " + where + " is larger than " +
               std::to_string(owner->limits.max_body_bytes) + " bytes";
    } else if (stage == Stage::resolve || stage == Stage::connect) {
      r.error = ASTRA_E_UNAVAILABLE;
      r.body = "cannot connect to " + where + ": " + ec.message();
    } else if (stage == Stage::handshake) {
      r.error = ASTRA_E_UNAVAILABLE;
      r.body = "TLS handshake with " + where + " failed: " + ec.message();
    } else if (stage == Stage::read &&
               ec.category() == http::make_error_code(http::error::bad_version).category()) {
      r.error = ASTRA_E_UPSTREAM;
      r.body = "malformed response from " + where + ": " + ec.message();
    } else {
      // The request may have reached the venue: only an idempotent one is safe to call failed.
      r.error = idempotent(method) ? ASTRA_E_UNAVAILABLE : ASTRA_E_UNKNOWN_OUTCOME;
      r.body = "connection to " + where + " failed: " + ec.message();
    }
    if (conn) conn->close();
    finish(std::move(r));
  }

  void finish(HttpResult r) {
    if (finished) return;
    finished = true;
    deadline.cancel();
    resolver.cancel();
    if (conn) conn->close();
    auto d = std::move(done);
    done = nullptr;
    auto self = shared_from_this();  // keep alive while we leave the live set
    owner->live.erase(self);
    if (d) d(std::move(r));
  }

  void abort() {
    finished = true;
    done = nullptr;
    deadline.cancel();
    resolver.cancel();
    if (conn) conn->close();
  }

  std::shared_ptr<Impl> owner;
  Url url;
  std::string method;
  std::string key;
  Done done;
  tcp::resolver resolver;
  asio::steady_timer deadline;
  std::chrono::milliseconds timeout{};
  http::request<http::string_body> req;
  std::optional<http::response_parser<http::string_body>> parser;
  std::unique_ptr<Connection> conn;
  bool timed_out = false;
  bool finished = false;
  bool retried = false;
};

void HttpClient::Impl::shutdown() {
  closed = true;
  auto exchanges = std::move(live);
  live.clear();
  for (const auto& e : exchanges)
    e->abort();
  for (auto& [key, list] : idle)
    for (auto& c : list)
      c->close();
  idle.clear();
}

HttpClient::HttpClient(asio::io_context& io, std::shared_ptr<ssl::context> tls, HttpLimits limits)
    : impl_(std::make_shared<Impl>(io, std::move(tls), limits)) {}

HttpClient::~HttpClient() {
  impl_->shutdown();
}

void HttpClient::request(const Url& url, const HttpRequest& request, Done done) {
  auto e = std::make_shared<Impl::Exchange>(impl_, url, request, std::move(done));
  impl_->live.insert(e);
  e->start();
}

size_t HttpClient::connections_opened() const noexcept {
  return impl_->opened;
}

}  // namespace astra::host
