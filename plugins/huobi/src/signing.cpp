#include "signing.hpp"

#include <astra/sdk/crypto.hpp>
#include <astra/sdk/url.hpp>

#include <algorithm>

namespace astra::huobi {

std::string canonical_query(Params params) {
  std::sort(params.begin(), params.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out.push_back('&');
    sdk::append_percent_encoded(out, k);
    out.push_back('=');
    sdk::append_percent_encoded(out, v);
  }
  return out;
}

std::string signing_payload(std::string_view method, std::string_view host, std::string_view path,
                            std::string_view canonical) {
  std::string out(method);
  out.push_back('\n');
  for (char c : host)
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  out.push_back('\n');
  out.append(path);
  out.push_back('\n');
  out.append(canonical);
  return out;
}

std::string sign(std::string_view secret, std::string_view method, std::string_view host,
                 std::string_view path, std::string_view canonical) {
  return sdk::base64_encode(
      sdk::hmac_sha256(secret, signing_payload(method, host, path, canonical)));
}

std::string signed_query(std::string_view access_key, std::string_view secret,
                         std::string_view method, std::string_view host, std::string_view path,
                         std::string_view utc_timestamp, const Params& request_params) {
  Params params = request_params;
  params.emplace_back("AccessKeyId", std::string(access_key));
  params.emplace_back("SignatureMethod", "HmacSHA256");
  params.emplace_back("SignatureVersion", "2");
  params.emplace_back("Timestamp", std::string(utc_timestamp));
  std::string query = canonical_query(std::move(params));
  const std::string signature = sign(secret, method, host, path, query);
  query += "&Signature=";
  sdk::append_percent_encoded(query, signature);
  return query;
}

}  // namespace astra::huobi
