// Coinbase Advanced Trade JWT (ES256), as the official SDK (coinbase-advanced-py
// jwt_generator.py) builds it:
//   header {"alg":"ES256","kid":<key name>,"nonce":<64 hex>,"typ":"JWT"}
//   claims {"sub":<key name>,"iss":"cdp","nbf":now,"exp":now+120[,"uri":"GET
//   api.coinbase.com/path"]}
// The signature is raw r||s (2 x 32 bytes), base64url without padding (OpenSSL gives DER).
// REST tokens carry `uri` (method, host and path; never the query); WebSocket tokens do not.
// Sent as `Authorization: Bearer <jwt>`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace astra::coinbase {

// "GET" + "api.coinbase.com" + "/api/v3/brokerage/accounts?limit=1" ->
// "GET api.coinbase.com/api/v3/brokerage/accounts".
std::string jwt_uri(std::string_view method, std::string_view host, std::string_view path);

// 32 random bytes as 64 hex characters.
std::string jwt_nonce();

// The signed token, or nullopt with `error` when the key is not a PEM P-256 private key. `uri`
// empty: a WebSocket token (no uri claim). Never puts key material in `error`.
std::optional<std::string> make_jwt(std::string_view pem_private_key, std::string_view key_name,
                                    std::string_view uri, int64_t now_s, std::string_view nonce,
                                    std::string& error);

}  // namespace astra::coinbase
