// One HTTP connection (API or metrics port): reads requests within the limits, authenticates,
// routes, answers, keeps alive, and hands /ws upgrades to a WebsocketSession.
#pragma once

#include "server/routes.hpp"
#include "server/state.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <memory>
#include <optional>

namespace astra::host {

class HttpSession : public Closable, public std::enable_shared_from_this<HttpSession> {
 public:
  enum class Port { api, metrics };

  // slot is null when the connection is over the limit: the session answers 503 and closes.
  HttpSession(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<ServerState> state, Port port,
              std::unique_ptr<ConnectionSlot> slot);
  ~HttpSession() override;

  void run();
  void shutdown() override;

 private:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  void wait_for_request();
  void on_first_bytes(boost::beast::error_code ec, size_t bytes);
  void read_request();
  void on_read(boost::beast::error_code ec, size_t bytes);
  void handle(Request request);
  void handle_metrics_port(const Request& request);
  void reply(Reply r, bool keep_alive);
  void on_write(bool keep_alive, boost::beast::error_code ec, size_t bytes);
  void linger_close();
  void on_linger(boost::beast::error_code ec, size_t bytes);
  void close();

  boost::beast::tcp_stream stream_;
  const boost::asio::any_io_executor executor_;  // the connection's strand
  std::shared_ptr<ServerState> state_;
  const Port port_;
  std::unique_ptr<ConnectionSlot> slot_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<Response> response_;  // in flight
  boost::asio::steady_timer api_deadline_;
  uint64_t request_seq_ = 0;  // an Api answer for an older request (timed out) is ignored
  unsigned version_ = 11;
  std::string route_ = "other";
  std::chrono::steady_clock::time_point started_;
  size_t lingered_ = 0;
  char linger_buffer_[4096];
  bool closed_ = false;
};

}  // namespace astra::host
