// HTX request signing (signature version 2): Signature = base64(HMAC-SHA256(secret, payload))
// over payload = METHOD "\n" lowercase host "\n" path "\n" canonical query, where the canonical
// query is every parameter percent-encoded (upper-case hex) and sorted by key in byte order. The
// secret is used as given (not base64-decoded).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace astra::huobi {

using Params = std::vector<std::pair<std::string, std::string>>;

// "k1=v1&k2=v2", keys sorted by byte order, keys and values percent-encoded.
std::string canonical_query(Params params);

// The text that is signed.
std::string signing_payload(std::string_view method, std::string_view host, std::string_view path,
                            std::string_view canonical);

// base64(HMAC-SHA256(secret, payload)).
std::string sign(std::string_view secret, std::string_view method, std::string_view host,
                 std::string_view path, std::string_view canonical);

// The REST auth parameters plus the request's own, signed; returns the full query string
// including "&Signature=..." (GET: all parameters; POST: pass only the auth ones).
std::string signed_query(std::string_view access_key, std::string_view secret,
                         std::string_view method, std::string_view host, std::string_view path,
                         std::string_view utc_timestamp, const Params& request_params);

}  // namespace astra::huobi
