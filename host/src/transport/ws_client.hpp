// An upstream WebSocket client over Beast: WSS with certificate and host-name verification and
// SNI, plain ws:// to loopback only; text and binary frames; pings answered automatically; a cap
// on the size of a received message; the peer's close code and reason reported.
#pragma once

#include "transport/url.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace astra::host {

struct WsLimits {
  size_t max_message_bytes = 16 * 1024 * 1024;
  std::chrono::milliseconds handshake_timeout{10'000};
  // With no frame for this long the client pings; without an answer the connection ends.
  std::chrono::milliseconds idle_timeout{60'000};
};

struct WsHandlers {
  std::function<void()> on_open;
  std::function<void(std::string_view data, bool binary)> on_message;
  // Once, when the connection fails to open or ends; not after close() was called.
  // code: the peer's close code, or 1006 (abnormal) when there was no close frame.
  std::function<void(int32_t code, std::string reason)> on_close;
};

class WsConnection {
 public:
  virtual ~WsConnection() = default;
  // Queues a text frame; frames go out in order. False when the connection is not open.
  virtual bool send(std::string text) = 0;
  // Closes normally (1000). No handler is called after this.
  virtual void close() = 0;
  virtual bool is_open() const noexcept = 0;

  static std::shared_ptr<WsConnection> start(boost::asio::io_context& io,
                                             std::shared_ptr<boost::asio::ssl::context> tls,
                                             const Url& url, WsLimits limits, WsHandlers handlers);
};

}  // namespace astra::host
