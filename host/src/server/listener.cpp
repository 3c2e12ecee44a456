#include "server/listener.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>

namespace astra::host {

namespace net = boost::asio;
using net::ip::tcp;

Listener::Listener(net::io_context& io, std::shared_ptr<ServerState> state, HttpSession::Port port,
                   std::atomic<size_t>& connections, size_t max_connections)
    : io_(io),
      strand_(net::make_strand(io)),
      acceptor_(strand_),
      retry_timer_(strand_),
      state_(std::move(state)),
      port_(port),
      connections_(connections),
      max_connections_(max_connections) {}

core::Result<uint16_t> Listener::open(const std::string& address, uint16_t port) {
  boost::system::error_code ec;
  const auto ip = net::ip::make_address(address, ec);
  if (ec) {
    return core::make_error(ASTRA_E_INVALID_ARGUMENT, "bad_listen_address",
                            "server.listen: '" + address + "' is not an IP address");
  }
  const tcp::endpoint endpoint(ip, port);
  auto fail = [&](const char* what) {
    return core::make_error(
        ASTRA_E_UNAVAILABLE, "listen_failed",
        std::string(what) + " " + address + ":" + std::to_string(port) + ": " + ec.message());
  };
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return fail("cannot open a socket for");
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return fail("cannot set SO_REUSEADDR on");
  acceptor_.bind(endpoint, ec);
  if (ec) return fail("cannot bind");
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail("cannot listen on");
  const uint16_t bound = acceptor_.local_endpoint(ec).port();
  if (ec) return fail("cannot read the port of");
  return bound;
}

void Listener::run() {
  net::dispatch(strand_, [self = shared_from_this()] { self->do_accept(); });
}

void Listener::stop() {
  net::dispatch(strand_, [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_timer_.cancel();
  });
}

void Listener::do_accept() {
  if (!acceptor_.is_open()) return;
  // Each connection gets its own strand.
  acceptor_.async_accept(
      net::make_strand(io_),
      [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
        self->on_accept(ec, std::move(socket));
      });
}

void Listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // Out of file descriptors and the like: back off briefly instead of spinning.
    retry_timer_.expires_after(std::chrono::milliseconds(50));
    retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code e) {
      if (!e) self->do_accept();
    });
    return;
  }
  // Book updates are small messages written one by one: without TCP_NODELAY, Nagle holds each
  // one until the client acknowledges the previous, and delayed ACKs make that up to 40 ms.
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  std::unique_ptr<ConnectionSlot> slot;
  if (connections_.fetch_add(1) < max_connections_) {
    slot = std::make_unique<ConnectionSlot>(connections_);
  } else {
    connections_.fetch_sub(1);
  }
  std::make_shared<HttpSession>(std::move(socket), state_, port_, std::move(slot))->run();
  do_accept();
}

}  // namespace astra::host
