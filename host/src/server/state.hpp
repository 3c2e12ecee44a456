// What every connection of one Server shares: limits, the Api, metrics, the connection count and
// the list of live sessions (so that stop() can close them). Sessions hold it by shared_ptr.
#pragma once

#include "metrics/metrics.hpp"
#include "server/api.hpp"

#include <astra/core/config.hpp>

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace astra::host {

// A live connection that Server::stop() can close (from any thread).
class Closable {
 public:
  virtual ~Closable() = default;
  virtual void shutdown() = 0;
};

struct ServerState {
  ServerState(core::ServerConfig cfg, Api& a, Metrics& m);

  const core::ServerConfig config;
  Api& api;
  Metrics& metrics;
  // The api when the server built it (from an Engine); null when the caller owns it. Kept here,
  // not in the Server, because sessions share this state and may outlive the Server.
  std::unique_ptr<Api> owned_api;

  Gauge& ws_clients;
  Gauge& ws_queue_depth;
  Counter& ws_messages_sent;
  Counter& ws_snapshots_replaced;
  Counter& ws_slow_closed;

  std::atomic<size_t> connections{0};          // API port
  std::atomic<size_t> metrics_connections{0};  // metrics port
  std::atomic<bool> stopping{false};
  // Socket writes of WebSocket data frames (one carries 1 or more messages); not exported, for
  // tests to see that queued messages are coalesced.
  std::atomic<uint64_t> ws_data_writes{0};

  // Records one finished HTTP request (route is one of the known routes, or "other").
  void record_request(std::string_view route, unsigned status, double seconds);

  void add_session(Closable* key, std::weak_ptr<Closable> session);
  void remove_session(Closable* key);
  void shutdown_sessions();

 private:
  std::mutex mutex_;
  std::unordered_map<Closable*, std::weak_ptr<Closable>> sessions_;
};

// Holds one slot of a connection counter; releases it on destruction.
class ConnectionSlot {
 public:
  explicit ConnectionSlot(std::atomic<size_t>& counter) : counter_(&counter) {}
  ~ConnectionSlot() { counter_->fetch_sub(1); }
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;

 private:
  std::atomic<size_t>* counter_;
};

}  // namespace astra::host
