#include "signing.hpp"

#include <astra/sdk/crypto.hpp>

namespace astra::binance {

std::string percent_encode(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const bool unreserved = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') ||
                            (u >= '0' && u <= '9') || u == '-' || u == '_' || u == '.' || u == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(hex[u >> 4]);
      out.push_back(hex[u & 15]);
    }
  }
  return out;
}

std::string build_query(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out.push_back('&');
    out += percent_encode(k);
    out.push_back('=');
    out += percent_encode(v);
  }
  return out;
}

std::string sign(std::string_view secret, std::string_view query, std::string_view body) {
  std::string payload;
  payload.reserve(query.size() + body.size());
  payload.append(query);
  payload.append(body);
  return sdk::hex_encode(sdk::hmac_sha256(secret, payload));
}

std::string signed_query(std::string_view secret, std::string_view query, std::string_view body) {
  std::string out(query);
  if (!out.empty()) out.push_back('&');
  out += "signature=";
  out += sign(secret, query, body);
  return out;
}

}  // namespace astra::binance
