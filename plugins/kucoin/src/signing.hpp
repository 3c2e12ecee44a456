// KuCoin request signing (spot and futures use the same scheme).
//   KC-API-SIGN       = base64(HMAC-SHA256(secret, timestamp_ms + METHOD + endpoint + body))
//                       endpoint includes the query string; body is "" for GET/DELETE
//   KC-API-PASSPHRASE = base64(HMAC-SHA256(secret, passphrase)) for KC-API-KEY-VERSION 2
#pragma once

#include <string>
#include <string_view>

namespace astra::kucoin {

std::string sign_request(std::string_view secret, std::string_view timestamp_ms,
                         std::string_view method, std::string_view endpoint, std::string_view body);

std::string sign_passphrase_v2(std::string_view secret, std::string_view passphrase);

}  // namespace astra::kucoin
