#include <astra/core/venue.hpp>

#include <openssl/crypto.h>

namespace astra::core {

std::string_view to_string(ConnectionState s) noexcept {
  switch (s) {
    case ConnectionState::idle:
      return "idle";
    case ConnectionState::connecting:
      return "connecting";
    case ConnectionState::connected:
      return "connected";
    case ConnectionState::degraded:
      return "degraded";
    case ConnectionState::disconnected:
      return "disconnected";
  }
  return "unknown";
}

Credentials::~Credentials() {
  // Secrets do not outlive the call that needed them (OPENSSL_cleanse is not optimized away).
  for (std::string* s : {&api_key, &api_secret, &passphrase}) {
    if (!s->empty()) OPENSSL_cleanse(s->data(), s->size());
  }
}

}  // namespace astra::core
