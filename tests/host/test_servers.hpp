// Small Beast servers on 127.0.0.1 (port 0) for the transport tests, on the test's io_context.
//   HTTP(S): /hello -> 200 "hi" (keep-alive), /slow -> never answers, /big -> a 2 MiB body,
//            /429 -> 429 with Retry-After: 30, anything else -> 404.
//   WS(S):   echoes text; "binary" -> a binary frame; "close" -> close 4001 "bye";
//            "big" -> a 2 MiB message; "ping" -> a ping, then "pinged";
//            "pongs?" -> "pongs N", the number of pongs received; "mute" -> reads nothing
//            (so answers no ping) for 3 s. stats().pings counts the client's pings.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace astra::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

// Runs io until pred() is true or the time limit passes; returns pred().
inline bool run_until(asio::io_context& io, const std::function<bool()>& pred,
                      std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  io.restart();
  while (!pred() && std::chrono::steady_clock::now() < end)
    io.run_one_for(std::chrono::milliseconds(10));
  return pred();
}

struct ServerStats {
  int connections = 0;
  int requests = 0;
  int pongs = 0;
  int pings = 0;
};

class TestServer {
 public:
  enum class Kind { http, ws };

  // tls: a server context (certificate loaded), or nullptr for plain.
  TestServer(asio::io_context& io, Kind kind, std::shared_ptr<asio::ssl::context> tls = nullptr)
      : core_(std::make_shared<Core>(io, kind, std::move(tls))) {
    asio::co_spawn(io, accept_loop(core_), asio::detached);
  }
  ~TestServer() {
    boost::system::error_code ec;
    core_->acceptor.close(ec);
  }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  uint16_t port() const { return core_->port; }
  const ServerStats& stats() const { return core_->stats; }

 private:
  // Shared with the coroutines, which may outlive the TestServer object.
  struct Core {
    Core(asio::io_context& io_in, Kind kind_in, std::shared_ptr<asio::ssl::context> tls_in)
        : io(io_in),
          kind(kind_in),
          tls(std::move(tls_in)),
          acceptor(io_in, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
          port(acceptor.local_endpoint().port()) {}
    asio::io_context& io;
    Kind kind;
    std::shared_ptr<asio::ssl::context> tls;
    tcp::acceptor acceptor;
    uint16_t port;
    ServerStats stats;
  };

  static asio::awaitable<void> accept_loop(std::shared_ptr<Core> core) {
    for (;;) {
      tcp::socket s = co_await core->acceptor.async_accept(asio::use_awaitable);
      ++core->stats.connections;
      if (core->tls) {
        auto stream =
            std::make_shared<beast::ssl_stream<beast::tcp_stream>>(std::move(s), *core->tls);
        asio::co_spawn(core->io, serve_tls(core, stream), asio::detached);
      } else {
        auto stream = std::make_shared<beast::tcp_stream>(std::move(s));
        asio::co_spawn(core->io, serve_plain(core, stream), asio::detached);
      }
    }
  }

  static asio::awaitable<void> serve_tls(std::shared_ptr<Core> core,
                                         std::shared_ptr<beast::ssl_stream<beast::tcp_stream>> s) {
    co_await s->async_handshake(asio::ssl::stream_base::server, asio::use_awaitable);
    if (core->kind == Kind::http)
      co_await serve_http(core, *s);
    else
      co_await serve_ws(core, *s);
  }
  static asio::awaitable<void> serve_plain(std::shared_ptr<Core> core,
                                           std::shared_ptr<beast::tcp_stream> s) {
    if (core->kind == Kind::http)
      co_await serve_http(core, *s);
    else
      co_await serve_ws(core, *s);
  }

  template <class Stream>
  static asio::awaitable<void> serve_http(std::shared_ptr<Core> core, Stream& stream) {
    ServerStats* stats = &core->stats;
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      co_await http::async_read(stream, buffer, req, asio::use_awaitable);
      ++stats->requests;
      http::response<http::string_body> res{http::status::ok, req.version()};
      res.keep_alive(req.keep_alive());
      const std::string target(req.target());
      if (target == "/hello") {
        res.body() = "hi";
      } else if (target == "/slow") {
        asio::steady_timer t(core->io, std::chrono::seconds(30));
        co_await t.async_wait(asio::use_awaitable);
        co_return;
      } else if (target == "/big") {
        res.body() = std::string(2 * 1024 * 1024, 'x');
      } else if (target == "/429") {
        res.result(http::status::too_many_requests);
        res.set(http::field::retry_after, "30");
        res.body() = "{\"code\":-1003}";
      } else {
        res.result(http::status::not_found);
      }
      res.prepare_payload();
      co_await http::async_write(stream, res, asio::use_awaitable);
      if (!res.keep_alive()) co_return;
    }
  }

  template <class Stream>
  static asio::awaitable<void> serve_ws(std::shared_ptr<Core> core, Stream& stream) {
    ServerStats* stats = &core->stats;
    websocket::stream<Stream&> ws(stream);
    ws.control_callback([stats](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::pong) ++stats->pongs;
      if (kind == websocket::frame_type::ping) ++stats->pings;
    });
    co_await ws.async_accept(asio::use_awaitable);
    beast::flat_buffer buffer;
    for (;;) {
      co_await ws.async_read(buffer, asio::use_awaitable);
      const std::string msg = beast::buffers_to_string(buffer.data());
      buffer.consume(buffer.size());
      ++stats->requests;
      if (msg == "binary") {
        ws.binary(true);
        const std::string bytes("\x00\x01\xfe\xff", 4);
        co_await ws.async_write(asio::buffer(bytes), asio::use_awaitable);
        ws.text(true);
      } else if (msg == "close") {
        co_await ws.async_close(
            websocket::close_reason(static_cast<websocket::close_code>(4001), "bye"),
            asio::use_awaitable);
        co_return;
      } else if (msg == "big") {
        const std::string big(2 * 1024 * 1024, 'y');
        co_await ws.async_write(asio::buffer(big), asio::use_awaitable);
      } else if (msg == "ping") {
        // The client's automatic pong is on the wire before it sees "pinged".
        co_await ws.async_ping({}, asio::use_awaitable);
        const std::string pinged = "pinged";
        co_await ws.async_write(asio::buffer(pinged), asio::use_awaitable);
      } else if (msg == "mute") {
        asio::steady_timer wait(ws.get_executor(), std::chrono::seconds(3));
        co_await wait.async_wait(asio::use_awaitable);
      } else if (msg == "pongs?") {
        const std::string answer = "pongs " + std::to_string(stats->pongs);
        co_await ws.async_write(asio::buffer(answer), asio::use_awaitable);
      } else {
        co_await ws.async_write(asio::buffer(msg), asio::use_awaitable);
      }
    }
  }

  std::shared_ptr<Core> core_;
};

// A loopback port with nothing listening on it.
inline uint16_t closed_port(asio::io_context& io) {
  tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

}  // namespace astra::test
