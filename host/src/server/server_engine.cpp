// Server over the engine's gateway: the production constructor.
#include "server/gateway_api.hpp"
#include "server/server_impl.hpp"

namespace astra::host {

Server::Server(boost::asio::io_context& io, Engine& engine, const core::KeyStore& keys,
               Metrics& metrics, core::ServerConfig config)
    : impl_(std::make_unique<Impl>(
          Impl{io, std::make_unique<GatewayApi>(engine, keys), nullptr, nullptr, nullptr, 0, 0})) {
  impl_->state = std::make_shared<ServerState>(std::move(config), *impl_->owned_api, metrics);
}

}  // namespace astra::host
