// A small blocking HTTP and WebSocket client for end-to-end tests, with timeouts on every call.
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

namespace astra::test {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;

struct HttpReply {
  int status = 0;
  std::string body;
};

inline HttpReply http_get(int port, const std::string& target, const std::string& api_key) {
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(10));
  stream.connect(
      tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!api_key.empty()) req.set("x-astra-api-key", "Bearer " + api_key);
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return {static_cast<int>(res.result_int()), res.body()};
}

class WsClient {
 public:
  // Connects and upgrades; throws on failure (a test failure).
  WsClient(int port, const std::string& target, const std::string& api_key) : ws_(io_) {
    auto& layer = beast::get_lowest_layer(ws_);
    layer.expires_after(std::chrono::seconds(10));
    layer.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"),
                                static_cast<unsigned short>(port)));
    layer.expires_never();
    ws_.set_option(websocket::stream_base::decorator([key = api_key](websocket::request_type& r) {
      r.set("x-astra-api-key", "Bearer " + key);
    }));
    ws_.read_message_max(64 * 1024 * 1024);
    ws_.handshake("127.0.0.1", target);
  }

  // The next text message, or nullopt after `timeout` (or when the connection ends).
  std::optional<std::string> read(std::chrono::milliseconds timeout) {
    if (closed_) return std::nullopt;
    if (!pending_) {
      buffer_.clear();
      done_ = false;
      pending_ = true;
      ws_.async_read(buffer_, [this](beast::error_code ec, size_t) {
        done_ = true;
        pending_ = false;
        error_ = ec;
      });
    }
    io_.restart();
    io_.run_for(timeout);
    if (!done_) return std::nullopt;  // the read stays pending for the next call
    done_ = false;
    if (error_) {
      closed_ = true;
      return std::nullopt;
    }
    return beast::buffers_to_string(buffer_.data());
  }

  bool closed() const { return closed_; }
  const beast::error_code& error() const { return error_; }
  websocket::close_reason close_reason() const { return ws_.reason(); }

 private:
  boost::asio::io_context io_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  bool pending_ = false;
  bool done_ = false;
  bool closed_ = false;
  beast::error_code error_;
};

}  // namespace astra::test
