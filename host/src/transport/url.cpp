#include "transport/url.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cctype>

namespace astra::host {

namespace {

core::Error bad(std::string_view url, const std::string& why) {
  return core::make_error(ASTRA_E_INVALID_ARGUMENT, "bad_url",
                          "bad URL '" + std::string(url.substr(0, 200)) + "': " + why);
}

bool default_port(const Url& u) {
  return (u.tls && u.port == "443") || (!u.tls && u.port == "80");
}

}  // namespace

std::string Url::host_header() const {
  const bool v6 = host.find(':') != std::string::npos;
  std::string h = v6 ? "[" + host + "]" : host;
  if (!default_port(*this)) h += ":" + port;
  return h;
}

std::string Url::endpoint() const {
  const auto q = target.find('?');
  return scheme + "://" + host_header() + target.substr(0, q);
}

bool is_loopback_host(std::string_view host) noexcept {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  const auto addr = boost::asio::ip::make_address(std::string(host), ec);
  return !ec && addr.is_loopback();
}

core::Result<Url> parse_url(std::string_view text) {
  Url u;
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) return bad(text, "no scheme");
  u.scheme = std::string(text.substr(0, sep));
  std::transform(u.scheme.begin(), u.scheme.end(), u.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (u.scheme == "https" || u.scheme == "wss") {
    u.tls = true;
  } else if (u.scheme != "http" && u.scheme != "ws") {
    return bad(text, "unsupported scheme '" + u.scheme + "'");
  }
  std::string_view rest = text.substr(sep + 3);
  const auto path_at = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_at);
  std::string_view target = path_at == std::string_view::npos ? "" : rest.substr(path_at);
  if (const auto frag = target.find('#'); frag != std::string_view::npos)
    target = target.substr(0, frag);
  if (authority.find('@') != std::string_view::npos) return bad(text, "user info is not allowed");

  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad(text, "unclosed IPv6 bracket");
    u.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad(text, "junk after the IPv6 address");
      port = after.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (u.host.empty()) return bad(text, "no host");
  std::transform(u.host.begin(), u.host.end(), u.host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!port.empty()) {
    if (port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return bad(text, "bad port");
    const int p = std::stoi(std::string(port));
    if (p < 1 || p > 65535) return bad(text, "bad port");
    u.port = std::string(port);
  } else {
    u.port = u.tls ? "443" : "80";
  }
  u.target = target.empty() ? "/" : std::string(target);
  if (u.target.front() == '?') u.target = "/" + u.target;
  if (!u.tls && !is_loopback_host(u.host))
    return bad(text, "plain " + u.scheme + ":// is allowed only to loopback hosts");
  return u;
}

}  // namespace astra::host
