// The client-facing HTTP + WebSocket server (Beast): REST endpoints, /ws streaming, API-key
// authentication, limits, and /metrics on its own port. Client I/O runs on the io_context's
// threads (one strand per connection); every touch of the gateway goes through an Api, which
// posts to the engine.
//
//   GET /markets?exchange=EX  /orderbook?market=M[&depth=N]  /exchanges  /health  /ready
//   GET /ws?market=M&dataType=ORDERBOOK|TRADE  (WebSocket)
//
// Every request needs "x-astra-api-key: Bearer <key>". Errors are {"error":{"code","message"}}.
#pragma once

#include <astra/core/config.hpp>
#include <astra/core/key_store.hpp>
#include <astra/core/result.hpp>

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <memory>

namespace astra::host {

class Api;
class Engine;
class Metrics;

class Server {
 public:
  // keys may be shared with the CLI; the server only reads it (check()).
  // Serves the engine's gateway (through a GatewayApi).
  Server(boost::asio::io_context& io, Engine& engine, const core::KeyStore& keys, Metrics& metrics,
         core::ServerConfig config);
  // Serves any Api (tests use a fake). api and metrics must outlive the server and every handler
  // still queued on io.
  Server(boost::asio::io_context& io, Api& api, Metrics& metrics, core::ServerConfig config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting (API port, and the metrics port unless 0). Port 0 picks a free
  // port: see port() / metrics_port().
  core::Result<bool> start();
  // Stops accepting, closes every connection (WebSocket clients get 1001). Handlers still queued
  // on io finish when io runs.
  void stop();
  uint16_t port() const noexcept;
  uint16_t metrics_port() const noexcept;
  // For tests: socket writes of WebSocket data so far (each carries one or more messages).
  uint64_t ws_data_writes() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace astra::host
