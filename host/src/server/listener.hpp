// Accepts connections on one port and starts an HttpSession for each, each on its own strand.
// Over the connection limit, the session answers 503 and closes.
#pragma once

#include "server/http_session.hpp"
#include "server/state.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <memory>
#include <string>

namespace astra::host {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(boost::asio::io_context& io, std::shared_ptr<ServerState> state, HttpSession::Port port,
           std::atomic<size_t>& connections, size_t max_connections);

  // Binds and listens; returns the bound port.
  core::Result<uint16_t> open(const std::string& address, uint16_t port);
  void run();
  void stop();  // from any thread

 private:
  void do_accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  std::shared_ptr<ServerState> state_;
  const HttpSession::Port port_;
  std::atomic<size_t>& connections_;
  const size_t max_connections_;
};

}  // namespace astra::host
