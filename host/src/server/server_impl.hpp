// Server's private state, shared by server.cpp and server_engine.cpp (the Engine constructor
// lives apart so that code using only the Api constructor does not link the core gateway).
#pragma once

#include "server/api.hpp"
#include "server/listener.hpp"
#include "server/server.hpp"
#include "server/state.hpp"

#include <memory>

namespace astra::host {

struct Server::Impl {
  boost::asio::io_context& io;
  std::shared_ptr<ServerState> state;
  std::shared_ptr<Listener> api_listener;
  std::shared_ptr<Listener> metrics_listener;
  uint16_t port = 0;
  uint16_t metrics_port = 0;
};

}  // namespace astra::host
