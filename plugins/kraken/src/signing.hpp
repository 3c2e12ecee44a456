// Kraken spot REST signing (docs guides/spot-rest-auth):
//   API-Sign = base64(HMAC-SHA512(base64decode(secret), uri_path + SHA256(nonce + post_data)))
// where the SHA256 digest enters as 32 raw bytes. Headers: API-Key, API-Sign.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace astra::kraken {

// The API-Sign value, or nullopt when the secret is not valid base64.
std::optional<std::string> spot_sign(std::string_view secret_base64, std::string_view uri_path,
                                     std::string_view nonce, std::string_view post_data);

}  // namespace astra::kraken
