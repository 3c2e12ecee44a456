// Upstream URLs: https/wss anywhere, http/ws only to loopback hosts (tests and simulators).
#pragma once

#include <astra/core/result.hpp>

#include <string>
#include <string_view>

namespace astra::host {

struct Url {
  std::string scheme;  // http, https, ws, wss
  std::string host;    // without brackets for IPv6
  std::string port;    // always set (default for the scheme when absent)
  std::string target;  // path and query, "/" at least
  bool tls = false;

  // "host" or "host:port" as it goes into a Host header ("[::1]:8080" for IPv6).
  std::string host_header() const;
  // scheme://host:port/path, without the query: identifies an endpoint for reconnect pacing.
  std::string endpoint() const;
};

// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(std::string_view host) noexcept;

// Parses an absolute URL. Errors (ASTRA_E_INVALID_ARGUMENT, code "bad_url"): an unknown scheme,
// no host, a bad port, or a plain http:// or ws:// URL to a host that is not loopback.
core::Result<Url> parse_url(std::string_view text);

}  // namespace astra::host
