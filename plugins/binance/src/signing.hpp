// Binance request signing: HMAC-SHA256 over the query string followed by the body (no separator),
// hex-encoded, sent as the last parameter `signature=`. The key goes in header X-MBX-APIKEY.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace astra::binance {

// Percent-encodes everything but RFC 3986 unreserved characters (UTF-8 bytes as %XX, upper case):
// Binance signs the encoded bytes, so non-ASCII symbols are encoded before signing.
std::string percent_encode(std::string_view text);

// "k1=v1&k2=v2" with values percent-encoded, in the given order (the order that is sent).
std::string build_query(const std::vector<std::pair<std::string, std::string>>& params);

// Hex HMAC-SHA256 of query + body with the API secret.
std::string sign(std::string_view secret, std::string_view query, std::string_view body = {});

// The query with its signature appended: "...&signature=<hex>".
std::string signed_query(std::string_view secret, std::string_view query,
                         std::string_view body = {});

}  // namespace astra::binance
