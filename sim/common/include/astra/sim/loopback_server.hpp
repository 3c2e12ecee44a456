// A small HTTP + WebSocket server on 127.0.0.1 that venue simulators share.
//
// One io_context thread runs everything: REST handlers, WebSocket callbacks, and whatever timers
// the simulator puts on io(). WebSocket sessions have a bounded outgoing queue (a client that
// falls behind is closed, not buffered without end), send ping frames on a period and close a
// connection whose pongs stop. With a TLS identity the same server speaks only TLS (https, wss).
#pragma once

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "astra/sim/server_security.hpp"

namespace astra::sim {

struct HttpRequest {
  std::string method;                                        // "GET"
  std::string path;                                          // "/api/v3/depth"
  std::vector<std::pair<std::string, std::string>> query;    // percent-decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // as received, in order
  std::string body;
  // The first value of a query parameter, or nullptr.
  const std::string* param(std::string_view name) const;
  // The first value of a header (name compared case-insensitively), or nullptr.
  const std::string* header(std::string_view name) const;
};

struct HttpResponse {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json;charset=UTF-8";
  std::vector<std::pair<std::string, std::string>> headers;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// A connected WebSocket client as the simulator sees it. Use it on the io thread only.
class WsSession {
 public:
  virtual ~WsSession() = default;
  virtual uint64_t id() const = 0;
  // Queues a text frame; past the queue bound the session is closed instead.
  virtual void send(std::string text) = 0;
  // Queues a binary frame (HTX sends gzip-compressed binary frames), with the same bound.
  virtual void send_binary(std::string bytes) = 0;
  virtual void close(std::string_view reason) = 0;
};

struct WsHandlers {
  // Decides before the upgrade; a refused request gets HTTP 404.
  std::function<bool(const HttpRequest&)> accept;
  std::function<void(const std::shared_ptr<WsSession>&, const HttpRequest&)> on_open;
  std::function<void(const std::shared_ptr<WsSession>&, std::string_view text)> on_message;
  std::function<void(uint64_t session_id)> on_close;
};

struct ServerOptions {
  std::chrono::milliseconds ping_interval{20000};
  std::chrono::milliseconds pong_timeout{60000};
  size_t max_queued_messages = 10000;
  std::shared_ptr<const TlsIdentity> tls;  // serve TLS only when set
  std::shared_ptr<FaultInjector> faults;   // scripted misbehaviour when set
  // A client that has not completed the TLS handshake by then is dropped (and counted).
  std::chrono::milliseconds tls_handshake_timeout{10000};
};

struct ServerStats {
  size_t ws_sessions = 0;
  uint64_t ws_messages_sent = 0;
  uint64_t ws_pings_sent = 0;
  uint64_t ws_pongs_received = 0;
  uint64_t http_requests = 0;
  uint64_t tls_handshakes_failed = 0;  // clients dropped before a TLS session (bad/no handshake)
};

class LoopbackServer {
 public:
  explicit LoopbackServer(ServerOptions options = {});
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  // Register before start(). The path matches exactly; other methods on a known path get 405.
  void route(std::string path, HttpHandler handler);  // GET
  void route(std::string_view method, std::string path, HttpHandler handler);
  void websocket(WsHandlers handlers);

  // Binds 127.0.0.1:port (0 = a free port) and starts the io thread. False with a message when
  // the port cannot be bound.
  bool start(uint16_t port, std::string& error);
  uint16_t port() const { return port_; }
  // Closes every connection and joins the io thread. Idempotent.
  void stop();

  boost::asio::io_context& io() { return io_; }
  // Runs fn on the io thread and waits for it (inline when called from it or after stop()).
  void run_sync(const std::function<void()>& fn);

  ServerStats stats() const;

  struct Shared;  // state the connections share (implementation detail)

 private:
  boost::asio::io_context io_;
  std::shared_ptr<Shared> shared_;
  std::thread thread_;
  std::mutex lifecycle_;
  bool running_ = false;
  uint16_t port_ = 0;
};

}  // namespace astra::sim
