// The I/O a connector instance needs, as the host provides it: HTTP, WebSocket, timers, a clock.
// The real transport (transport/net_io) and the replay (replay/replay_io) both implement it, so
// the plugin adapter runs unchanged on either.
//
// THREADING: an Io and its IoEvents live on one thread. Results are never delivered from inside
// the call that started the operation: they arrive later, through IoEvents, on that thread.
#pragma once

#include <astra/connector.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace astra::host {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  HeaderList headers;
  std::string body;
  uint32_t weight = 1;      // cost in the venue's request budget
  uint32_t timeout_ms = 0;  // 0: the transport's default
};

struct HttpResult {
  int status = 0;                 // HTTP status; 0 when no response arrived
  astra_status error = ASTRA_OK;  // why there is no response
  HeaderList headers;
  std::string body;  // the response body, or a short error text when error != OK
};

// Where an Io delivers results. Implemented by the plugin adapter.
class IoEvents {
 public:
  virtual ~IoEvents() = default;
  virtual void on_http_response(uint64_t token, const HttpResult& result) = 0;
  virtual void on_ws_open(uint64_t conn) = 0;
  virtual void on_ws_message(uint64_t conn, std::string_view data, bool binary) = 0;
  // A connection failed to open or ended (not called for a connection closed with ws_close).
  virtual void on_ws_close(uint64_t conn, int32_t code, std::string_view reason) = 0;
  virtual void on_timer(uint64_t token) = 0;
};

class Io {
 public:
  virtual ~Io() = default;
  // Sets where results go; nullptr detaches: no event is delivered after it returns.
  virtual void attach(IoEvents* events) = 0;

  // Accepted requests always produce exactly one on_http_response(token).
  virtual astra_status http_request(HttpRequest request, uint64_t token) = 0;
  virtual astra_status ws_open(std::string_view url, uint64_t& conn) = 0;
  virtual astra_status ws_send(uint64_t conn, std::string_view text) = 0;
  virtual void ws_close(uint64_t conn) = 0;
  virtual uint64_t timer_start(uint32_t delay_ms, uint64_t token) = 0;
  virtual void timer_cancel(uint64_t timer_id) = 0;
  // Microseconds since the Unix epoch (virtual in a replay).
  virtual int64_t now_us() const = 0;
  // Runs task on the Io's thread after the current handler returns (never inside this call).
  // The task must not depend on the Io: it may run after the Io is destroyed.
  virtual void defer(std::function<void()> task) = 0;
};

}  // namespace astra::host
