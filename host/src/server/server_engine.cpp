// Server over the engine's gateway: the production constructor.
#include "server/gateway_api.hpp"
#include "server/server_impl.hpp"

namespace astra::host {

Server::Server(boost::asio::io_context& io, Engine& engine, const core::KeyStore& keys,
               Metrics& metrics, core::ServerConfig config)
    : impl_(std::make_unique<Impl>(Impl{io, nullptr, nullptr, nullptr, 0, 0})) {
  auto api = std::make_unique<GatewayApi>(engine, keys);
  impl_->state = std::make_shared<ServerState>(std::move(config), *api, metrics);
  // The state owns it: a session destroyed after the Server (its handler still queued in the
  // io_context at shutdown) unsubscribes through it.
  impl_->state->owned_api = std::move(api);
}

}  // namespace astra::host
