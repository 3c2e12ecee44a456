// Small blocking HTTP and WebSocket clients for simulator tests; every call has a deadline.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace astra::sim::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

struct HttpResult {
  unsigned status = 0;
  std::string body;
  std::string weight_header;  // X-MBX-USED-WEIGHT-1M
  std::string retry_after;    // Retry-After
};

// Runs the io_context until `done` or the deadline; false on timeout (pending work cancelled).
template <class Stream>
bool run_until(asio::io_context& io, Stream& stream, const bool& done,
               std::chrono::milliseconds timeout) {
  io.restart();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done && std::chrono::steady_clock::now() < deadline) {
    io.run_one_for(deadline - std::chrono::steady_clock::now());
  }
  if (done) return true;
  beast::get_lowest_layer(stream).cancel();
  io.restart();
  io.run_for(1s);
  return false;
}

inline std::optional<HttpResult> http_get(uint16_t port, const std::string& target,
                                          std::chrono::milliseconds timeout = 2000ms) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  bool done = false;
  beast::error_code error;
  stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                       [&](beast::error_code ec) {
                         error = ec;
                         done = true;
                       });
  if (!run_until(io, stream, done, timeout) || error) return std::nullopt;
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  http::response<http::string_body> res;
  beast::flat_buffer buffer;
  done = false;
  http::async_write(stream, req, [&](beast::error_code ec, size_t) {
    if (ec) {
      error = ec;
      done = true;
      return;
    }
    http::async_read(stream, buffer, res, [&](beast::error_code ec2, size_t) {
      error = ec2;
      done = true;
    });
  });
  if (!run_until(io, stream, done, timeout) || error) return std::nullopt;
  HttpResult out;
  out.status = res.result_int();
  out.body = res.body();
  if (auto it = res.find("X-MBX-USED-WEIGHT-1M"); it != res.end())
    out.weight_header = std::string(it->value());
  if (auto it = res.find(http::field::retry_after); it != res.end())
    out.retry_after = std::string(it->value());
  return out;
}

class WsClient {
 public:
  WsClient() : ws_(io_) {
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::ping) ++pings_seen;
      if (kind == websocket::frame_type::pong) ++pongs_seen;
    });
  }

  bool connect(uint16_t port, const std::string& target,
               std::chrono::milliseconds timeout = 2000ms) {
    bool done = false;
    beast::error_code error;
    beast::get_lowest_layer(ws_).async_connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), [&](beast::error_code ec) {
          if (ec) {
            error = ec;
            done = true;
            return;
          }
          ws_.async_handshake(handshake_response_, "127.0.0.1", target, [&](beast::error_code ec2) {
            error = ec2;
            done = true;
          });
        });
    return run_until(io_, ws_, done, timeout) && !error;
  }

  // The next frame, or nullopt on timeout or close (see last_error). A read that times out
  // stays pending for the next call (cancelling it would leave the stream unusable).
  std::optional<std::string> read(std::chrono::milliseconds timeout = 2000ms) {
    if (!reading_) start_read();
    io_.restart();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!read_done_ && std::chrono::steady_clock::now() < deadline)
      io_.run_one_for(deadline - std::chrono::steady_clock::now());
    if (!read_done_) {
      last_error = asio::error::timed_out;
      return std::nullopt;
    }
    reading_ = false;
    last_error = read_error_;
    if (last_error) return std::nullopt;
    std::string out = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    return out;
  }

  bool send(const std::string& text, std::chrono::milliseconds timeout = 2000ms) {
    bool done = false;
    beast::error_code error;
    ws_.text(true);
    ws_.async_write(asio::buffer(text), [&](beast::error_code ec, size_t) {
      error = ec;
      done = true;
    });
    return run_until(io_, ws_, done, timeout) && !error;
  }

  // Sends a ping and reads (discarding data frames) until its pong or the timeout.
  bool ping_answered(std::chrono::milliseconds timeout = 2000ms) {
    const int before = pongs_seen;
    bool done = false;
    ws_.async_ping({}, [&](beast::error_code) { done = true; });
    if (!run_until(io_, ws_, done, timeout)) return false;
    // The pong is seen by a pending read; data frames that complete it meanwhile are discarded.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    io_.restart();
    while (pongs_seen == before && std::chrono::steady_clock::now() < deadline) {
      if (!reading_ || read_done_) {
        if (reading_ && read_error_) break;
        buffer_.consume(buffer_.size());
        start_read();
      }
      io_.run_one_for(deadline - std::chrono::steady_clock::now());
    }
    return pongs_seen > before;
  }

  // The HTTP status of the upgrade answer (101 when accepted).
  unsigned handshake_status() const { return handshake_response_.result_int(); }
  // The close frame the server sent, once a read ended with websocket::error::closed.
  websocket::close_reason close_reason() const { return ws_.reason(); }

  void start_read() {
    reading_ = true;
    read_done_ = false;
    ws_.async_read(buffer_, [this](beast::error_code ec, size_t) {
      read_done_ = true;
      read_error_ = ec;
    });
  }

  int pings_seen = 0;
  int pongs_seen = 0;
  beast::error_code last_error;

 private:
  asio::io_context io_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  bool reading_ = false;
  bool read_done_ = false;
  beast::error_code read_error_;
  websocket::response_type handshake_response_;
};

}  // namespace astra::sim::test
