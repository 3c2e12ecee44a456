#include "server/state.hpp"

#include <string>
#include <vector>

namespace astra::host {

ServerState::ServerState(core::ServerConfig cfg, Api& a, Metrics& m)
    : config(std::move(cfg)),
      api(a),
      metrics(m),
      ws_clients(m.gauge("astra_ws_clients", "Connected WebSocket clients.")),
      ws_queue_depth(m.gauge("astra_ws_queue_depth",
                             "Messages waiting to be written, summed over WebSocket clients.")),
      ws_messages_sent(
          m.counter("astra_ws_messages_sent_total", "Messages written to WebSocket clients.")),
      ws_snapshots_replaced(m.counter(
          "astra_ws_snapshots_replaced_total",
          "Times a slow client's pending book updates were replaced by one fresh snapshot.")),
      ws_slow_closed(m.counter("astra_ws_slow_closed_total",
                               "WebSocket clients closed because they stayed behind.")) {}

void ServerState::record_request(std::string_view route, unsigned status, double seconds) {
  const std::string r(route);
  metrics
      .counter("astra_http_requests_total", "HTTP requests by route and status.",
               {{"route", r}, {"status", std::to_string(status)}})
      .inc();
  metrics.histogram("astra_http_request_seconds", "HTTP request latency by route.", {{"route", r}})
      .observe(seconds);
}

void ServerState::add_session(Closable* key, std::weak_ptr<Closable> session) {
  std::lock_guard lock(mutex_);
  sessions_[key] = std::move(session);
}

void ServerState::remove_session(Closable* key) {
  std::lock_guard lock(mutex_);
  sessions_.erase(key);
}

void ServerState::shutdown_sessions() {
  std::vector<std::shared_ptr<Closable>> live;
  {
    std::lock_guard lock(mutex_);
    for (auto& [key, weak] : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live)
    s->shutdown();
}

}  // namespace astra::host
