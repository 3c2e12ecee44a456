#include "transport/ws_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <openssl/ssl.h>

#include <algorithm>
#include <deque>
#include <type_traits>

namespace astra::host {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

template <class Next>
class WsSession final : public WsConnection, public std::enable_shared_from_this<WsSession<Next>> {
  static constexpr bool kTls = !std::is_same_v<Next, beast::tcp_stream>;

 public:
  template <class... Args>
  WsSession(asio::io_context& io, Url url, WsLimits limits, WsHandlers handlers, Args&&... args)
      : resolver_(io),
        idle_timer_(io),
        ws_(std::forward<Args>(args)...),
        url_(std::move(url)),
        limits_(limits),
        handlers_(std::move(handlers)) {}

  void run() {
    if constexpr (kTls) {
      if (!SSL_set_tlsext_host_name(ws_.next_layer().native_handle(), url_.host.c_str()))
        return fail("cannot set TLS SNI");
      ws_.next_layer().set_verify_mode(ssl::verify_peer);
      ws_.next_layer().set_verify_callback(ssl::host_name_verification(url_.host));
    }
    beast::get_lowest_layer(ws_).expires_after(limits_.handshake_timeout);
    resolver_.async_resolve(
        url_.host, url_.port,
        [self = this->shared_from_this()](const error_code& ec, tcp::resolver::results_type r) {
          if (ec) return self->fail("cannot resolve " + self->url_.host + ": " + ec.message());
          self->connect(r);
        });
  }

  bool send(std::string text) override {
    if (!open_ || closing_) return false;
    queue_.push_back(std::move(text));
    if (queue_.size() == 1) write_next();
    return true;
  }

  void close() override {
    if (closing_) return;
    closing_ = true;
    handlers_ = {};
    resolver_.cancel();
    idle_timer_.cancel();
    if (!open_) {
      error_code ec;
      beast::get_lowest_layer(ws_).socket().close(ec);
      return;
    }
    ws_.async_close(websocket::close_code::normal,
                    [self = this->shared_from_this()](const error_code&) {
                      error_code ec;
                      beast::get_lowest_layer(self->ws_).socket().close(ec);
                    });
  }

  bool is_open() const noexcept override { return open_ && !closing_; }

 private:
  void connect(const tcp::resolver::results_type& results) {
    beast::get_lowest_layer(ws_).async_connect(
        results, [self = this->shared_from_this()](const error_code& ec, const tcp::endpoint&) {
          if (ec)
            return self->fail("cannot connect to " + self->url_.host_header() + ": " +
                              ec.message());
          if constexpr (kTls) {
            self->ws_.next_layer().async_handshake(
                ssl::stream_base::client, [self](const error_code& hec) {
                  if (hec)
                    return self->fail("TLS handshake with " + self->url_.host_header() +
                                      " failed: " + hec.message());
                  self->handshake();
                });
          } else {
            self->handshake();
          }
        });
  }

  void handshake() {
    // The websocket stream keeps the handshake and closing timeouts from here on. The idle
    // timeout is ours (watch_idle): Beast's re-arms a timer on every read, one timerfd_settime
    // system call per venue message.
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout t{};
    t.handshake_timeout = limits_.handshake_timeout;
    t.idle_timeout = websocket::stream_base::none();
    t.keep_alive_pings = false;
    ws_.set_option(t);
    ws_.control_callback([this](websocket::frame_type, beast::string_view) { heard_ = true; });
    ws_.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
      req.set(beast::http::field::user_agent, "astra/0.1");
    }));
    ws_.read_message_max(limits_.max_message_bytes);
    ws_.auto_fragment(false);
    ws_.async_handshake(
        url_.host_header(), url_.target, [self = this->shared_from_this()](const error_code& ec) {
          if (ec)
            return self->fail("WebSocket handshake with " + self->url_.host_header() +
                              " failed: " + ec.message());
          self->open_ = true;
          self->watch_idle();
          if (self->handlers_.on_open) self->handlers_.on_open();
          self->read();
        });
  }

  void read() {
    if (closing_) return;
    ws_.async_read(buffer_, [self = this->shared_from_this()](const error_code& ec, size_t) {
      if (self->closing_) return;
      if (ec) {
        if (ec == websocket::error::closed) {
          const auto& reason = self->ws_.reason();
          return self->ended(static_cast<int32_t>(reason.code), std::string(reason.reason.c_str()));
        }
        if (ec == websocket::error::message_too_big)
          return self->ended(1009, "message larger than " +
                                       std::to_string(self->limits_.max_message_bytes) + " bytes");
        return self->ended(1006, ec.message());
      }
      self->heard_ = true;
      const auto data = self->buffer_.cdata();
      const std::string_view text(static_cast<const char*>(data.data()), data.size());
      if (self->handlers_.on_message) self->handlers_.on_message(text, !self->ws_.got_text());
      self->buffer_.consume(self->buffer_.size());
      self->read();
    });
  }

  void write_next() {
    ws_.text(true);
    ws_.async_write(asio::buffer(queue_.front()),
                    [self = this->shared_from_this()](const error_code& ec, size_t) {
                      if (self->closing_) return;
                      if (ec) return self->ended(1006, "write failed: " + ec.message());
                      self->queue_.pop_front();
                      if (!self->queue_.empty()) self->write_next();
                    });
  }

  // Keep-alive on a period P of a quarter of the idle timeout, instead of a deadline moved on
  // every message: a tick that finds nothing heard since the tick before is silent, any frame
  // (pongs included) resets the count. The first silent tick comes 1 to 2 P after the last frame,
  // so 2 silent ticks (ping) mean 1/2 to 3/4 of the timeout without a frame, and 4 (timed out)
  // the whole timeout to 1.25 of it. Beast's own timer pinged after 1/2 and timed out after 1.
  void watch_idle() {
    const auto period =
        std::max<std::chrono::milliseconds>(limits_.idle_timeout / 4, std::chrono::milliseconds(1));
    idle_timer_.expires_after(period);
    idle_timer_.async_wait([weak = this->weak_from_this()](const error_code& ec) {
      auto self = weak.lock();
      if (ec || !self || self->closing_) return;
      if (self->heard_) {
        self->heard_ = false;
        self->silent_ticks_ = 0;
      } else if (++self->silent_ticks_ >= 4) {
        return self->ended(1006, beast::error_code(beast::error::timeout).message());
      } else if (self->silent_ticks_ == 2 && !self->pinging_) {
        self->pinging_ = true;
        self->ws_.async_ping({}, [self](const error_code&) { self->pinging_ = false; });
      }
      self->watch_idle();
    });
  }

  void fail(std::string reason) { ended(1006, std::move(reason)); }

  void ended(int32_t code, std::string reason) {
    if (ended_ || closing_) return;
    ended_ = true;
    open_ = false;
    closing_ = true;
    idle_timer_.cancel();
    error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
    auto on_close = std::move(handlers_.on_close);
    handlers_ = {};
    if (on_close) on_close(code, std::move(reason));
  }

  tcp::resolver resolver_;
  asio::steady_timer idle_timer_;
  websocket::stream<Next> ws_;
  Url url_;
  WsLimits limits_;
  WsHandlers handlers_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  bool open_ = false;
  bool closing_ = false;
  bool ended_ = false;
  bool heard_ = false;  // a frame came since the last idle tick
  int silent_ticks_ = 0;
  bool pinging_ = false;
};

}  // namespace

std::shared_ptr<WsConnection> WsConnection::start(asio::io_context& io,
                                                  std::shared_ptr<ssl::context> tls, const Url& url,
                                                  WsLimits limits, WsHandlers handlers) {
  if (url.tls) {
    using Stream = beast::ssl_stream<beast::tcp_stream>;
    auto s = std::make_shared<WsSession<Stream>>(io, url, limits, std::move(handlers), io, *tls);
    s->run();
    return s;
  }
  auto s = std::make_shared<WsSession<beast::tcp_stream>>(io, url, limits, std::move(handlers), io);
  s->run();
  return s;
}

}  // namespace astra::host
