// NetIo: the real Io of one venue, on the engine's io_context: HTTPS/WSS through HttpClient and
// WsConnection, the venue's request budget (token bucket + Retry-After), reconnect pacing with
// exponential backoff and full jitter, and timers.
#pragma once

#include <astra/core/result.hpp>

#include "runtime/io.hpp"
#include "transport/backoff.hpp"
#include "transport/http_client.hpp"
#include "transport/request_budget.hpp"
#include "transport/ws_client.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <string_view>

namespace astra::host {

class Logger;

struct TransportOptions {
  std::string ca_file;  // extra trusted CA certificates (PEM), besides the OS trust store
  HttpLimits http;
  WsLimits ws;
  BudgetConfig budget;
  BackoffPolicy backoff;
};

// Reads the transport settings of a venue section (JSON), all optional:
//   "request_budget": {"weight": 1200, "interval_ms": 60000}, "ca_file": "/path/ca.pem",
//   "reconnect_backoff": {"base_ms": 250, "cap_ms": 30000, "healthy_after_ms": 60000},
//   "request_timeout_ms": 10000, "max_response_bytes": N, "max_ws_message_bytes": N
// Errors: ASTRA_E_INVALID_ARGUMENT, code "bad_config", naming the key.
core::Result<TransportOptions> transport_options_from_json(std::string_view venue_json);

// The venue section without the transport settings above: what the plugin is given (plugins
// refuse keys they do not know). Text that is not a JSON object is returned unchanged.
std::string plugin_settings_json(std::string_view venue_json);

class NetIo final : public Io {
 public:
  // Errors: the TLS context could not be set up (e.g. a bad CA file).
  static core::Result<std::unique_ptr<NetIo>> create(boost::asio::io_context& io,
                                                     TransportOptions options, Logger& log,
                                                     std::string venue_id);
  ~NetIo() override;

  void attach(IoEvents* events) override;
  astra_status http_request(HttpRequest request, uint64_t token) override;
  astra_status ws_open(std::string_view url, uint64_t& conn) override;
  astra_status ws_send(uint64_t conn, std::string_view text) override;
  void ws_close(uint64_t conn) override;
  uint64_t timer_start(uint32_t delay_ms, uint64_t token) override;
  void timer_cancel(uint64_t timer_id) override;
  int64_t now_us() const override;
  void defer(std::function<void()> task) override;

  // For tests: connections the HTTP client opened, the current backoff of an endpoint.
  size_t http_connections_opened() const noexcept;
  uint32_t reconnect_failures(std::string_view url) const;
  // For tests: the jitter source (returns a value in [0, 1)).
  void set_jitter(std::function<double()> jitter);

 private:
  struct State;
  NetIo(boost::asio::io_context& io, TransportOptions options, Logger& log, std::string venue_id,
        std::shared_ptr<boost::asio::ssl::context> tls);
  std::shared_ptr<State> state_;
};

}  // namespace astra::host
