// An HTTP/1.1 client over Beast for upstream venue requests: HTTPS with certificate and host-name
// verification and SNI, plain HTTP to loopback only, keep-alive connection reuse per host, a
// deadline per request and a cap on the response body.
//
// THREADING: one io_context thread. Destroying the client aborts what is in flight; their
// callbacks are then never called.
#pragma once

#include "runtime/io.hpp"
#include "transport/url.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

namespace astra::host {

struct HttpLimits {
  std::chrono::milliseconds default_timeout{10'000};
  size_t max_body_bytes = 16 * 1024 * 1024;
  size_t max_idle_per_host = 4;
  std::chrono::milliseconds max_idle_age{30'000};
};

class HttpClient {
 public:
  using Done = std::function<void(HttpResult)>;

  HttpClient(boost::asio::io_context& io, std::shared_ptr<boost::asio::ssl::context> tls,
             HttpLimits limits);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends the request; `done` is called exactly once (unless the client is destroyed first).
  // Errors: UNAVAILABLE (could not connect or TLS verification failed), DEADLINE_EXCEEDED,
  // UPSTREAM (malformed or oversized response), UNKNOWN_OUTCOME (a non-idempotent request was
  // sent but no answer came).
  void request(const Url& url, const HttpRequest& request, Done done);

  // Connections opened so far (keep-alive reuse shows as fewer connections than requests).
  size_t connections_opened() const noexcept;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace astra::host
