// URLs for venue requests: percent-encoding, an ordered query-string builder, and a URL parser.
//
// Venues sign the query string exactly as sent (Binance signs the percent-encoded text), so the
// builder keeps insertion order and encodes every byte outside RFC 3986's unreserved set
// (ALPHA DIGIT - . _ ~) as %XX with upper-case hex, UTF-8 bytes included.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace astra::sdk {

inline bool is_unreserved(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

inline void append_percent_encoded(std::string& out, std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  for (char c : text) {
    if (is_unreserved(c)) {
      out.push_back(c);
    } else {
      const auto u = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(hex[u >> 4]);
      out.push_back(hex[u & 15]);
    }
  }
}

inline std::string percent_encode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_percent_encoded(out, text);
  return out;
}

// Decodes %XX escapes (either case). '+' stays '+' (this is RFC 3986, not form encoding).
// Returns false on a truncated or non-hex escape.
inline bool percent_decode(std::string_view text, std::string& out) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  out.clear();
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return false;
    const int hi = nibble(text[i + 1]);
    const int lo = nibble(text[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

// Builds "k1=v1&k2=v2" in insertion order, percent-encoding keys and values.
class QueryBuilder {
 public:
  QueryBuilder& add(std::string_view key, std::string_view value) {
    if (!text_.empty()) text_.push_back('&');
    append_percent_encoded(text_, key);
    text_.push_back('=');
    append_percent_encoded(text_, value);
    return *this;
  }
  // Integers are common (timestamps, limits); this avoids a to_string at every call site.
  template <std::integral Int>
  requires(!std::same_as<Int, bool> &&
           !std::same_as<Int, char>) QueryBuilder& add(std::string_view key, Int value) {
    return add(key, std::string_view(std::to_string(value)));
  }

  const std::string& str() const noexcept { return text_; }
  bool empty() const noexcept { return text_.empty(); }

 private:
  std::string text_;
};

// A parsed absolute URL. target is the path plus "?query" as it goes on the request line
// ("/" when the URL has no path); the fragment is dropped.
struct Url {
  std::string scheme;  // lower case: http, https, ws, wss
  std::string host;    // as written; IPv6 literals keep their brackets
  uint16_t port = 0;   // explicit, else 80 (http, ws) or 443 (https, wss)
  std::string target = "/";

  bool tls() const noexcept { return scheme == "https" || scheme == "wss"; }
};

struct UrlResult {
  Url url;
  std::string error;  // empty on success
  bool ok() const noexcept { return error.empty(); }
};

// Parses scheme://host[:port][/path][?query][#fragment] for http, https, ws and wss. Userinfo,
// empty hosts, bad ports and control characters or spaces are errors.
inline UrlResult parse_url(std::string_view text) {
  UrlResult r;
  auto fail = [&](std::string message) {
    r.error = std::move(message);
    return r;
  };
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return fail("URL contains a space or control character");
  }
  const size_t colon = text.find("://");
  if (colon == std::string_view::npos || colon == 0) return fail("URL has no scheme");
  for (char c : text.substr(0, colon)) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    r.url.scheme.push_back(c);
  }
  uint16_t default_port = 0;
  if (r.url.scheme == "http" || r.url.scheme == "ws")
    default_port = 80;
  else if (r.url.scheme == "https" || r.url.scheme == "wss")
    default_port = 443;
  else
    return fail("unsupported URL scheme: " + r.url.scheme);

  std::string_view rest = text.substr(colon + 3);
  const size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos)
    return fail("URL user information is not supported");

  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return fail("unterminated IPv6 address in URL");
    host = authority.substr(0, close + 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail("unexpected text after IPv6 address in URL");
      port = after.substr(1);
      if (port.empty()) return fail("empty port in URL");
    }
  } else if (const size_t c = authority.rfind(':'); c != std::string_view::npos) {
    host = authority.substr(0, c);
    port = authority.substr(c + 1);
    if (port.empty()) return fail("empty port in URL");
  }
  if (host.empty() || host == "[]") return fail("URL has no host");
  r.url.host = std::string(host);
  if (port.empty()) {
    r.url.port = default_port;
  } else {
    uint32_t value = 0;
    for (char c : port) {
      if (c < '0' || c > '9') return fail("URL port is not a number");
      value = value * 10 + static_cast<uint32_t>(c - '0');
      if (value > 65535) return fail("URL port is out of range");
    }
    if (value == 0) return fail("URL port is out of range");
    r.url.port = static_cast<uint16_t>(value);
  }

  tail = tail.substr(0, tail.find('#'));
  if (tail.empty()) {
    r.url.target = "/";
  } else if (tail.front() == '?') {
    r.url.target = "/" + std::string(tail);
  } else {
    r.url.target = std::string(tail);
  }
  return r;
}

}  // namespace astra::sdk
