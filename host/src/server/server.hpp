// The client-facing HTTP + WebSocket server (Beast): REST endpoints, /ws streaming, API-key
// authentication, limits. Client I/O runs on its own io_context threads; every touch of the
// gateway is posted to the engine.
#pragma once

#include <astra/core/config.hpp>
#include <astra/core/key_store.hpp>
#include <astra/core/result.hpp>

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <memory>

namespace astra::host {

class Engine;
class Metrics;

class Server {
 public:
  // keys may be shared with the CLI; the server only reads it (check()).
  Server(boost::asio::io_context& io, Engine& engine, const core::KeyStore& keys, Metrics& metrics,
         core::ServerConfig config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting (API port, and the metrics port unless 0). Port 0 picks a free
  // port: see port() / metrics_port().
  core::Result<bool> start();
  void stop();
  uint16_t port() const noexcept;
  uint16_t metrics_port() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace astra::host
