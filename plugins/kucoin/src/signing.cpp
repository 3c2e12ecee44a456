#include "signing.hpp"

#include <astra/sdk/crypto.hpp>

namespace astra::kucoin {

std::string sign_request(std::string_view secret, std::string_view timestamp_ms,
                         std::string_view method, std::string_view endpoint,
                         std::string_view body) {
  std::string payload;
  payload.reserve(timestamp_ms.size() + method.size() + endpoint.size() + body.size());
  payload.append(timestamp_ms).append(method).append(endpoint).append(body);
  return sdk::base64_encode(sdk::hmac_sha256(secret, payload));
}

std::string sign_passphrase_v2(std::string_view secret, std::string_view passphrase) {
  return sdk::base64_encode(sdk::hmac_sha256(secret, passphrase));
}

}  // namespace astra::kucoin
