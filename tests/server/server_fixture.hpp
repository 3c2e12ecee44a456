// A real Server on 127.0.0.1 (two I/O threads) over a FakeApi, and small Beast clients whose
// every operation is bounded by a timeout.
#pragma once

#include "fake_api.hpp"
#include "metrics/metrics.hpp"
#include "server/server.hpp"

#include <gtest/gtest.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace astra::host::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

// Runs one asynchronous operation on io to completion; its own timeout (tcp_stream expiry or
// websocket timeout) bounds it.
template <class Start>
beast::error_code run_op(net::io_context& io, Start&& start) {
  beast::error_code result = net::error::timed_out;
  bool done = false;
  start([&result, &done](beast::error_code ec, auto&&...) {
    result = ec;
    done = true;
  });
  io.restart();
  // Until this operation completes (other work, such as a WebSocket's idle timer, stays
  // pending), and at most 10 s if an operation has no timeout of its own.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!done && std::chrono::steady_clock::now() < deadline) {
    io.run_one_until(deadline);
  }
  return result;
}

// Polls cond every 2 ms for at most limit.
inline bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds limit = 3s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return cond();
}

struct HttpResult {
  beast::error_code ec;
  http::response<http::string_body> res;
  unsigned status() const { return res.result_int(); }
};

// One HTTP/1.1 connection.
class HttpClient {
 public:
  explicit HttpClient(uint16_t port) : stream_(io_) {
    ec_ = run_op(io_, [&](auto h) {
      stream_.expires_after(5s);
      stream_.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), h);
    });
  }
  bool connected() const { return !ec_; }

  HttpResult request(http::request<http::string_body> req) {
    req.prepare_payload();
    HttpResult out;
    out.ec = run_op(io_, [&](auto h) {
      stream_.expires_after(5s);
      http::async_write(stream_, req, h);
    });
    if (!out.ec) out.ec = read(out.res);
    return out;
  }

  HttpResult get(std::string target, std::optional<std::string> key = std::string(kValidKey),
                 http::verb method = http::verb::get) {
    http::request<http::string_body> req(method, target, 11);
    req.set(http::field::host, "127.0.0.1");
    if (key) req.set("x-astra-api-key", "Bearer " + *key);
    return request(std::move(req));
  }

  // Sends raw bytes, then reads one response.
  HttpResult raw(const std::string& bytes) {
    HttpResult out;
    out.ec = run_op(io_, [&](auto h) {
      stream_.expires_after(5s);
      net::async_write(stream_, net::buffer(bytes), h);
    });
    if (!out.ec) out.ec = read(out.res);
    return out;
  }

  beast::error_code read(http::response<http::string_body>& res) {
    return run_op(io_, [&](auto h) {
      stream_.expires_after(5s);
      http::async_read(stream_, buffer_, res, h);
    });
  }

  // True when the server closed the connection (EOF or reset) within the timeout.
  bool closed_by_server() {
    char c;
    const auto ec = run_op(io_, [&](auto h) {
      stream_.expires_after(3s);
      stream_.async_read_some(net::buffer(&c, 1), h);
    });
    return ec && ec != beast::error::timeout;
  }

 private:
  net::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  beast::error_code ec_;
};

// One WebSocket client.
class WsClient {
 public:
  // receive_buffer: a small kernel buffer lets a test fill the path quickly (a slow client).
  explicit WsClient(uint16_t port, int receive_buffer = 0) : ws_(io_) {
    auto& sock = beast::get_lowest_layer(ws_).socket();
    sock.open(tcp::v4());
    if (receive_buffer > 0) sock.set_option(net::socket_base::receive_buffer_size(receive_buffer));
    connect_ec_ = run_op(io_, [&](auto h) {
      beast::get_lowest_layer(ws_).expires_after(5s);
      beast::get_lowest_layer(ws_).async_connect(
          tcp::endpoint(net::ip::make_address("127.0.0.1"), port), h);
    });
    ws_.read_message_max(64 << 20);
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::ping) ++pings_;
      if (kind == websocket::frame_type::pong) ++pongs_;
    });
  }

  // Upgrades; returns the handshake error, with the server's HTTP answer in response().
  beast::error_code handshake(const std::string& target,
                              std::optional<std::string> key = std::string(kValidKey)) {
    if (connect_ec_) return connect_ec_;
    ws_.set_option(websocket::stream_base::decorator([key](websocket::request_type& req) {
      if (key) req.set("x-astra-api-key", "Bearer " + *key);
    }));
    return run_op(io_, [&](auto h) {
      ws_.async_handshake(response_, "127.0.0.1", target, [this, h](beast::error_code ec) {
        if (!ec) {
          beast::get_lowest_layer(ws_).expires_never();
          websocket::stream_base::timeout t{5s, 5s, false};
          ws_.set_option(t);
        }
        h(ec);
      });
    });
  }
  const websocket::response_type& response() const { return response_; }

  // Reads one message (text), or returns the error (websocket::error::closed after a close).
  beast::error_code read(std::string& out) {
    beast::flat_buffer buffer;
    const auto ec = run_op(io_, [&](auto h) { ws_.async_read(buffer, h); });
    out = beast::buffers_to_string(buffer.data());
    return ec;
  }

  beast::error_code write(const std::string& text, bool binary = false) {
    ws_.binary(binary);
    return run_op(io_, [&](auto h) { ws_.async_write(net::buffer(text), h); });
  }

  // Sends a ping; the server's pong is counted by pongs() while reading.
  beast::error_code ping() {
    return run_op(io_, [&](auto h) { ws_.async_ping({}, h); });
  }
  int pongs() const { return pongs_; }
  int pings() const { return pings_; }  // the server's keep-alive pings seen while reading

  beast::error_code close() {
    return run_op(io_, [&](auto h) { ws_.async_close(websocket::close_code::normal, h); });
  }

  websocket::close_reason reason() const { return ws_.reason(); }

 private:
  net::io_context io_;
  websocket::stream<beast::tcp_stream> ws_;
  websocket::response_type response_;
  beast::error_code connect_ec_;
  int pings_ = 0;
  int pongs_ = 0;
};

class ServerTest : public ::testing::Test {
 protected:
  static core::ServerConfig small_config() {
    core::ServerConfig cfg;
    cfg.listen = "127.0.0.1";
    cfg.port = 0;
    cfg.max_connections = 8;
    cfg.max_header_bytes = 2048;
    cfg.max_body_bytes = 1024;
    cfg.max_ws_message_bytes = 256;
    cfg.ws_queue_limit = 4;
    cfg.ws_behind_close_ms = 300;
    cfg.read_timeout_ms = 5000;
    cfg.idle_timeout_ms = 5000;
    return cfg;
  }

  // metrics_port 0 disables the metrics listener, so a free port is found first (and retried
  // if another process takes it in between).
  void start(core::ServerConfig cfg = small_config()) {
    for (int attempt = 0; attempt < 5; ++attempt) {
      {
        net::io_context probe_io;
        tcp::acceptor probe(probe_io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
        cfg.metrics_port = probe.local_endpoint().port();
      }
      server_ = std::make_unique<Server>(io_, api_, metrics_, cfg);
      auto started = server_->start();
      if (started) break;
      server_.reset();
    }
    ASSERT_TRUE(server_) << "server did not start";
    work_.emplace(io_.get_executor());
    for (int i = 0; i < 2; ++i)
      threads_.emplace_back([this] { io_.run(); });
  }

  void TearDown() override {
    if (server_) server_->stop();
    work_.reset();
    io_.stop();
    for (auto& t : threads_)
      t.join();
    server_.reset();
  }

  uint16_t port() const { return server_->port(); }
  uint64_t counter(const char* name) { return metrics_.counter(name, "").value(); }

  FakeApi api_;
  Metrics metrics_;
  net::io_context io_;
  std::unique_ptr<Server> server_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
};

}  // namespace astra::host::testing
