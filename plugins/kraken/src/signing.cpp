#include "signing.hpp"

#include <astra/sdk/crypto.hpp>

#include <openssl/crypto.h>

namespace astra::kraken {

std::optional<std::string> spot_sign(std::string_view secret_base64, std::string_view uri_path,
                                     std::string_view nonce, std::string_view post_data) {
  std::string key;
  if (!sdk::base64_decode(secret_base64, key) || key.empty()) return std::nullopt;
  std::string inner(nonce);
  inner.append(post_data);
  std::string message(uri_path);
  message += sdk::sha256(inner);
  std::string out = sdk::base64_encode(sdk::hmac_sha512(key, message));
  OPENSSL_cleanse(key.data(), key.size());  // the decoded secret does not outlive the call
  return out;
}

}  // namespace astra::kraken
