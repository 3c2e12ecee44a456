#include "astra/sim/loopback_server.hpp"

#include "astra/sim/fault_injector.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <algorithm>
#include <cctype>
#include <deque>
#include <future>
#include <optional>
#include <type_traits>
#include <unordered_map>

namespace astra::sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
// The two transports a connection runs on; sessions are templates over them.
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

const std::string* HttpRequest::param(std::string_view name) const {
  for (const auto& [key, value] : query)
    if (key == name) return &value;
  return nullptr;
}

const std::string* HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        }))
      return &value;
  return nullptr;
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
               hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

HttpRequest parse_target(std::string_view method, std::string_view target) {
  HttpRequest req;
  req.method = std::string(method);
  const size_t q = target.find('?');
  req.path = percent_decode(target.substr(0, q));
  if (q == std::string_view::npos) return req;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      if (eq == std::string_view::npos)
        req.query.emplace_back(percent_decode(pair), std::string());
      else
        req.query.emplace_back(percent_decode(pair.substr(0, eq)),
                               percent_decode(pair.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return req;
}

// Something the server can close at shutdown.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual void force_close() = 0;
};

}  // namespace

struct LoopbackServer::Shared {
  explicit Shared(asio::io_context& io, ServerOptions o) : options(o), acceptor(io) {}

  ServerOptions options;
  std::unordered_map<std::string, std::unordered_map<std::string, HttpHandler>>
      routes;  // path, method
  WsHandlers ws;
  tcp::acceptor acceptor;
  std::unique_ptr<ssl::context> tls;  // set by start() when options.tls is
  uint64_t next_id = 1;
  std::unordered_map<uint64_t, std::weak_ptr<Connection>> connections;  // io thread only
  std::atomic<size_t> ws_sessions{0};
  std::atomic<uint64_t> ws_messages_sent{0};
  std::atomic<uint64_t> ws_pings_sent{0};
  std::atomic<uint64_t> ws_pongs_received{0};
  std::atomic<uint64_t> http_requests{0};
  std::atomic<uint64_t> tls_handshakes_failed{0};
};

namespace {

using Shared = LoopbackServer::Shared;

template <class Stream>
class WsSessionImpl final : public WsSession,
                            public Connection,
                            public std::enable_shared_from_this<WsSessionImpl<Stream>> {
 public:
  using std::enable_shared_from_this<WsSessionImpl<Stream>>::shared_from_this;

  WsSessionImpl(Stream stream, std::shared_ptr<Shared> shared, uint64_t id)
      : ws_(std::move(stream)),
        ping_timer_(ws_.get_executor()),
        shared_(std::move(shared)),
        id_(id) {}

  uint64_t id() const override { return id_; }

  void start(http::request<http::string_body> upgrade, HttpRequest parsed) {
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout t{};
    t.handshake_timeout = std::chrono::seconds(5);
    t.idle_timeout = websocket::stream_base::none();
    t.keep_alive_pings = false;
    ws_.set_option(t);
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
      // Any pong counts (Binance allows unsolicited pongs); the ping clock restarts.
      if (kind == websocket::frame_type::pong) {
        unanswered_since_.reset();
        shared_->ws_pongs_received.fetch_add(1, std::memory_order_relaxed);
      }
    });
    // The simulator learns of the session before the handshake answer goes out, so a client
    // whose handshake completed is already subscribed to the streams in its URL. Frames sent
    // meanwhile wait in the queue until the handshake is done.
    open_ = true;
    shared_->ws_sessions.fetch_add(1, std::memory_order_relaxed);
    if (shared_->options.faults) attach_faults(std::string(upgrade.target()));
    if (shared_->ws.on_open) shared_->ws.on_open(shared_from_this(), parsed);
    ws_.async_accept(upgrade, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->finish();
      self->accepted_ = true;
      if (self->stalled_) return;
      if (self->close_after_accept_) {
        auto [code, reason] = *self->close_after_accept_;
        return self->close_with(code, reason);
      }
      if (!self->queue_.empty() && !self->closing_) self->write_next();
      self->read();
      self->schedule_ping();
    });
  }

  void send(std::string text) override { enqueue(std::move(text), false); }
  void send_binary(std::string bytes) override { enqueue(std::move(bytes), true); }

  void close(std::string_view reason) override {
    close_with(websocket::close_code::policy_error, reason);
  }

  void close_with(uint16_t code, std::string_view reason) {
    if (closed_ || closing_) return;
    if (!accepted_) return force_close();
    if (stalled_) {  // a stalled session writes nothing, not even a close frame
      force_close();
      return finish();
    }
    closing_ = true;
    // Keep the frame being written; drop what never started.
    if (writing_ && !queue_.empty())
      queue_.erase(queue_.begin() + 1, queue_.end());
    else
      queue_.clear();
    websocket::close_reason why(code);
    why.reason = std::string(reason.substr(0, 120));
    ws_.async_close(why, [self = shared_from_this()](beast::error_code) { self->finish(); });
    // A peer that does not read would keep the closing handshake waiting: cut it off.
    ping_timer_.expires_after(std::chrono::seconds(1));
    ping_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->force_close();
    });
  }

  // Closes the socket: pending reads and writes complete with an error and finish() runs.
  void force_close() override {
    closing_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    ping_timer_.cancel();
    if (stalled_) finish();  // nothing is pending that would
  }

  // FaultInjector::stall: no more writes, pings or pong answers (the pending read would answer
  // pings, so it is cancelled); the TCP connection stays open.
  void stall() {
    if (stalled_ || closed_ || closing_) return;
    stalled_ = true;
    // No pending operation holds the session any more: without this it would be destroyed and
    // its socket closed (an EOF at the client, not a stall). Released by finish().
    stalled_self_ = shared_from_this();
    if (!accepted_) return;  // the handshake completion starts nothing
    ping_timer_.cancel();
    beast::get_lowest_layer(ws_).cancel();
  }

 private:
  void read() {
    if (stalled_) return;
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec && self->stalled_ && !self->closing_) return;
      if (ec) return self->finish();
      const std::string text = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(self->buffer_.size());
      if (self->shared_->options.faults)
        self->shared_->options.faults->frame_received(self->id_, text);
      if (!self->closing_ && self->shared_->ws.on_message) self->shared_->ws.on_message(self, text);
      self->read();
    });
  }

  void enqueue(std::string payload, bool binary) {
    if (closed_ || closing_) return;
    if (!shared_->options.faults) return push(std::move(payload), binary);
    for (auto& frame : shared_->options.faults->outgoing(id_, {std::move(payload), binary}))
      push(std::move(frame.payload), frame.binary);
  }

  void push(std::string payload, bool binary) {
    if (closed_ || closing_ || stalled_) return;
    if (queue_.size() >= shared_->options.max_queued_messages) {
      // A close frame could not get through a full pipe either: drop the connection.
      force_close();
      return;
    }
    queue_.push_back(Frame{std::move(payload), binary});
    if (accepted_ && !writing_) write_next();
  }

  void write_next() {
    writing_ = true;
    ws_.binary(queue_.front().binary);
    ws_.async_write(asio::buffer(queue_.front().payload),
                    [self = shared_from_this()](beast::error_code ec, size_t) {
                      self->writing_ = false;
                      if (ec && self->stalled_ && !self->closing_) return;
                      if (ec) return self->finish();
                      self->shared_->ws_messages_sent.fetch_add(1, std::memory_order_relaxed);
                      if (self->shared_->options.faults)
                        self->shared_->options.faults->frame_written(self->id_);
                      self->queue_.pop_front();
                      if (!self->queue_.empty() && !self->closing_ && !self->stalled_)
                        self->write_next();
                    });
  }

  void schedule_ping() {
    if (stalled_) return;
    ping_timer_.expires_after(shared_->options.ping_interval);
    ping_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->closed_ || self->closing_ || self->stalled_) return;
      self->on_ping_timer();
    });
  }

  void on_ping_timer() {
    const auto now = Clock::now();
    if (unanswered_since_ && now - *unanswered_since_ >= shared_->options.pong_timeout) {
      close("pong timeout");
      return;
    }
    if (!pinging_) {
      pinging_ = true;
      if (!unanswered_since_) unanswered_since_ = now;
      ping_payload_ = std::to_string(++pings_);
      ws_.async_ping(websocket::ping_data(ping_payload_.c_str()),
                     [self = shared_from_this()](beast::error_code ec) {
                       self->pinging_ = false;
                       if (!ec)
                         self->shared_->ws_pings_sent.fetch_add(1, std::memory_order_relaxed);
                     });
    }
    schedule_ping();
  }

  void finish() {
    if (closed_) return;
    closed_ = true;
    const auto keep = std::move(stalled_self_);  // released when this returns
    ping_timer_.cancel();
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    shared_->connections.erase(id_);
    if (open_) {
      if (shared_->options.faults) shared_->options.faults->session_closed(id_);
      shared_->ws_sessions.fetch_sub(1, std::memory_order_relaxed);
      if (shared_->ws.on_close) shared_->ws.on_close(id_);
    }
  }

  // Lets the injector stall, cut or close this session from any thread (posted to the io thread).
  void attach_faults(std::string target) {
    std::weak_ptr<WsSessionImpl> weak = shared_from_this();
    auto on_io = [weak, io = ws_.get_executor()](std::function<void(WsSessionImpl&)> fn) {
      asio::post(io, [weak, fn = std::move(fn)] {
        if (auto self = weak.lock()) fn(*self);
      });
    };
    FaultInjector::SessionControl control;
    control.stall = [on_io] { on_io([](WsSessionImpl& s) { s.stall(); }); };
    control.disconnect = [on_io] {
      on_io([](WsSessionImpl& s) {
        s.force_close();
        s.finish();
      });
    };
    control.close = [on_io](uint16_t code, std::string reason) {
      on_io([code, reason](WsSessionImpl& s) {
        if (!s.accepted_ && !s.closed_)  // a close frame needs the handshake done
          s.close_after_accept_.emplace(code, reason);
        else
          s.close_with(code, reason);
      });
    };
    beast::error_code ec;
    const auto local = beast::get_lowest_layer(ws_).socket().local_endpoint(ec);
    stalled_ = shared_->options.faults->session_opened(id_, ec ? 0 : local.port(),
                                                       std::move(target), std::move(control));
  }

  struct Frame {
    std::string payload;
    bool binary = false;
  };

  websocket::stream<Stream> ws_;
  beast::flat_buffer buffer_;
  std::deque<Frame> queue_;
  asio::steady_timer ping_timer_;
  std::shared_ptr<Shared> shared_;
  uint64_t id_;
  bool open_ = false;
  bool accepted_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool closed_ = false;
  bool pinging_ = false;
  bool stalled_ = false;
  std::shared_ptr<WsSessionImpl> stalled_self_;  // keeps a stalled session (and its TCP) alive
  std::optional<std::pair<uint16_t, std::string>> close_after_accept_;  // injected
  uint64_t pings_ = 0;
  std::string ping_payload_;
  std::optional<Clock::time_point> unanswered_since_;
};

template <class Stream>
class HttpSession final : public Connection,
                          public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  using std::enable_shared_from_this<HttpSession<Stream>>::shared_from_this;

  // stream_args: the socket, and for TLS the server's ssl::context.
  template <class... StreamArgs>
  HttpSession(std::shared_ptr<Shared> shared, uint64_t id, StreamArgs&&... stream_args)
      : stream_(std::forward<StreamArgs>(stream_args)...),
        delay_(stream_.get_executor()),
        shared_(std::move(shared)),
        id_(id) {}

  // TLS first (bounded in time: a client that never completes it is dropped and counted), then
  // HTTP requests.
  void start() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      beast::get_lowest_layer(stream_).expires_after(shared_->options.tls_handshake_timeout);
      stream_.async_handshake(
          ssl::stream_base::server, [self = shared_from_this()](beast::error_code ec) {
            if (!ec) return self->read();
            self->shared_->tls_handshakes_failed.fetch_add(1, std::memory_order_relaxed);
            self->finish();
          });
    } else {
      read();
    }
  }

  void read() {
    request_ = {};
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(30));
    http::async_read(stream_, buffer_, request_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->finish();
                       self->handle();
                     });
  }

  void force_close() override {
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().close(ignored);
    delay_.cancel();
  }

 private:
  void handle() {
    const std::string_view target(request_.target().data(), request_.target().size());
    HttpRequest parsed = parse_target(request_.method_string(), target);
    for (const auto& field : request_)
      parsed.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    parsed.body = request_.body();
    if (websocket::is_upgrade(request_)) {
      if (auto refused =
              shared_->options.faults ? shared_->options.faults->upgrade_refusal() : std::nullopt)
        return respond(
            HttpResponse{*refused, "upgrade refused (injected fault)", "text/plain", {}});
      if (shared_->ws.accept && shared_->ws.accept(parsed)) {
        shared_->connections.erase(id_);
        auto ws = std::make_shared<WsSessionImpl<Stream>>(std::move(stream_), shared_, id_);
        shared_->connections[id_] = ws;
        ws->start(std::move(request_), std::move(parsed));
        return;
      }
      return respond(HttpResponse{404, "", "text/plain", {}});
    }
    shared_->http_requests.fetch_add(1, std::memory_order_relaxed);
    if (auto fault = shared_->options.faults ? shared_->options.faults->http_request(parsed.path)
                                             : std::nullopt)
      return respond_faulted(std::move(*fault), parsed, std::string(target));
    HttpResponse r = dispatch(parsed);
    if (shared_->options.faults) shared_->options.faults->http_answered(target, r.status);
    respond(std::move(r));
  }

  HttpResponse dispatch(const HttpRequest& parsed) {
    auto path = shared_->routes.find(parsed.path);
    if (path == shared_->routes.end()) return HttpResponse{404, "", "text/plain", {}};
    auto handler = path->second.find(parsed.method);
    if (handler == path->second.end()) return HttpResponse{405, "", "text/plain", {}};
    return handler->second(parsed);
  }

  // An injected HTTP fault: the error (or, with status 0, the normal answer computed now) goes
  // out after the fault's delay, on a timer so the io thread keeps serving.
  void respond_faulted(HttpFault fault, const HttpRequest& parsed, const std::string& target) {
    HttpResponse r;
    if (fault.status == 0) {
      r = dispatch(parsed);
    } else {
      r.status = fault.status;
      r.body = fault.body.empty()
                   ? "{\"code\":" + std::to_string(fault.status) + ",\"msg\":\"injected fault\"}"
                   : fault.body;
      if (fault.retry_after_s >= 0)
        r.headers.emplace_back("Retry-After", std::to_string(fault.retry_after_s));
    }
    shared_->options.faults->http_answered(target, r.status);
    if (fault.delay.count() <= 0) return respond(std::move(r));
    delay_.expires_after(fault.delay);
    delay_.async_wait([self = shared_from_this(), r = std::move(r)](beast::error_code ec) mutable {
      if (ec) return self->finish();
      self->respond(std::move(r));
    });
  }

  void respond(HttpResponse r) {
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(r.status), request_.version());
    res->set(http::field::server, "astra-sim");
    res->set(http::field::content_type, r.content_type);
    for (const auto& [name, value] : r.headers)
      res->set(name, value);
    res->body() = std::move(r.body);
    res->keep_alive(request_.keep_alive());
    res->prepare_payload();
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, size_t) {
                        if (ec || !res->keep_alive()) return self->finish();
                        self->read();
                      });
  }

  void finish() {
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream_).socket().close(ignored);
    auto it = shared_->connections.find(id_);
    if (it != shared_->connections.end() && it->second.lock().get() == this)
      shared_->connections.erase(it);
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  asio::steady_timer delay_;  // injected slow answers
  std::shared_ptr<Shared> shared_;
  uint64_t id_;
};

// A server context for the identity: TLS 1.2 and later, the chain and key checked to match.
std::unique_ptr<ssl::context> make_tls_context(const TlsIdentity& identity, std::string& error) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  beast::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::single_dh_use,
                   ec);
  if (!ec) ctx->use_certificate_chain(asio::buffer(identity.cert_chain_pem), ec);
  if (ec) {
    error = "bad TLS certificate chain: " + ec.message();
    return nullptr;
  }
  ctx->use_private_key(asio::buffer(identity.key_pem), ssl::context::pem, ec);
  if (ec) {
    error = "bad TLS private key (or it does not match the certificate): " + ec.message();
    return nullptr;
  }
  return ctx;
}

void accept_next(const std::shared_ptr<Shared>& shared) {
  shared->acceptor.async_accept([shared](beast::error_code ec, tcp::socket socket) {
    if (ec) return;  // closed at shutdown
    // Ids unique across the servers sharing an injector (KuCoin runs two).
    const uint64_t id =
        shared->options.faults ? shared->options.faults->next_connection_id() : shared->next_id++;
    if (shared->tls) {
      auto session =
          std::make_shared<HttpSession<TlsStream>>(shared, id, std::move(socket), *shared->tls);
      shared->connections[id] = session;
      session->start();
    } else {
      auto session = std::make_shared<HttpSession<PlainStream>>(shared, id, std::move(socket));
      shared->connections[id] = session;
      session->start();
    }
    accept_next(shared);
  });
}

}  // namespace

LoopbackServer::LoopbackServer(ServerOptions options)
    : shared_(std::make_shared<Shared>(io_, options)) {}

LoopbackServer::~LoopbackServer() {
  stop();
}

void LoopbackServer::route(std::string path, HttpHandler handler) {
  route("GET", std::move(path), std::move(handler));
}

void LoopbackServer::route(std::string_view method, std::string path, HttpHandler handler) {
  shared_->routes[std::move(path)][std::string(method)] = std::move(handler);
}

void LoopbackServer::websocket(WsHandlers handlers) {
  shared_->ws = std::move(handlers);
}

bool LoopbackServer::start(uint16_t port, std::string& error) {
  std::lock_guard lock(lifecycle_);
  if (running_) {
    error = "already started";
    return false;
  }
  if (shared_->options.tls && !shared_->tls) {
    shared_->tls = make_tls_context(*shared_->options.tls, error);
    if (!shared_->tls) return false;
  }
  beast::error_code ec;
  const tcp::endpoint endpoint(asio::ip::make_address_v4("127.0.0.1"), port);
  auto& acceptor = shared_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "cannot listen on 127.0.0.1:" + std::to_string(port) + ": " + ec.message();
    beast::error_code ignored;
    acceptor.close(ignored);
    return false;
  }
  port_ = acceptor.local_endpoint().port();
  accept_next(shared_);
  running_ = true;
  thread_ = std::thread([this] {
    auto guard = asio::make_work_guard(io_);
    (void)guard;
    io_.run();
  });
  return true;
}

void LoopbackServer::stop() {
  std::lock_guard lock(lifecycle_);
  if (!running_) return;
  // Close the acceptor and every connection on the io thread, then stop the loop; handlers still
  // queued are drained below so nothing waits for ever.
  std::promise<void> closed;
  asio::post(io_, [this, &closed] {
    beast::error_code ignored;
    shared_->acceptor.close(ignored);
    auto connections = shared_->connections;
    for (auto& [id, weak] : connections)
      if (auto c = weak.lock()) c->force_close();
    closed.set_value();
  });
  closed.get_future().wait();
  io_.stop();
  thread_.join();
  io_.restart();
  io_.poll();
  running_ = false;
}

void LoopbackServer::run_sync(const std::function<void()>& fn) {
  if (io_.get_executor().running_in_this_thread()) return fn();
  std::packaged_task<void()> task(fn);
  auto done = task.get_future();
  {
    std::lock_guard lock(lifecycle_);
    if (!running_) return fn();
    asio::post(io_, [&task] { task(); });
  }
  done.get();
}

ServerStats LoopbackServer::stats() const {
  ServerStats s;
  s.ws_sessions = shared_->ws_sessions.load(std::memory_order_relaxed);
  s.ws_messages_sent = shared_->ws_messages_sent.load(std::memory_order_relaxed);
  s.ws_pings_sent = shared_->ws_pings_sent.load(std::memory_order_relaxed);
  s.ws_pongs_received = shared_->ws_pongs_received.load(std::memory_order_relaxed);
  s.http_requests = shared_->http_requests.load(std::memory_order_relaxed);
  s.tls_handshakes_failed = shared_->tls_handshakes_failed.load(std::memory_order_relaxed);
  return s;
}

}  // namespace astra::sim
