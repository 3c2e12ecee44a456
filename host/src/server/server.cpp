#include "server/server.hpp"

#include "server/listener.hpp"
#include "server/server_impl.hpp"

namespace astra::host {

namespace {
// Scrapes are few; this keeps a flood on the API port from starving them and vice versa.
constexpr size_t kMaxMetricsConnections = 16;
}  // namespace

Server::Server(boost::asio::io_context& io, Api& api, Metrics& metrics, core::ServerConfig config)
    : impl_(std::make_unique<Impl>(Impl{io, nullptr, nullptr, nullptr, 0, 0})) {
  impl_->state = std::make_shared<ServerState>(std::move(config), api, metrics);
}

Server::~Server() {
  stop();
}

core::Result<bool> Server::start() {
  if (impl_->api_listener) {
    return core::make_error(ASTRA_E_FAILED_PRECONDITION, "already_started",
                            "the server is already started");
  }
  const core::ServerConfig& cfg = impl_->state->config;
  auto api = std::make_shared<Listener>(impl_->io, impl_->state, HttpSession::Port::api,
                                        impl_->state->connections, cfg.max_connections);
  auto port = api->open(cfg.listen, cfg.port);
  if (!port) return port.error();
  std::shared_ptr<Listener> metrics;
  uint16_t metrics_port = 0;
  if (cfg.metrics_port != 0) {
    metrics = std::make_shared<Listener>(impl_->io, impl_->state, HttpSession::Port::metrics,
                                         impl_->state->metrics_connections, kMaxMetricsConnections);
    auto mp = metrics->open(cfg.listen, cfg.metrics_port);
    if (!mp) return mp.error();
    metrics_port = *mp;
  }
  impl_->api_listener = std::move(api);
  impl_->metrics_listener = std::move(metrics);
  impl_->port = *port;
  impl_->metrics_port = metrics_port;
  impl_->api_listener->run();
  if (impl_->metrics_listener) impl_->metrics_listener->run();
  return true;
}

void Server::stop() {
  impl_->state->stopping = true;
  if (impl_->api_listener) impl_->api_listener->stop();
  if (impl_->metrics_listener) impl_->metrics_listener->stop();
  impl_->state->shutdown_sessions();
}

uint16_t Server::port() const noexcept {
  return impl_->port;
}

uint16_t Server::metrics_port() const noexcept {
  return impl_->metrics_port;
}

uint64_t Server::ws_data_writes() const noexcept {
  return impl_->state->ws_data_writes.load(std::memory_order_relaxed);
}

}  // namespace astra::host
