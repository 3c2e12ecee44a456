#include "signing.hpp"

#include <astra/sdk/crypto.hpp>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <nlohmann/json.hpp>

#include <memory>

namespace astra::coinbase {

namespace {

std::string base64url(std::string_view bytes) {
  std::string s = sdk::base64_encode(bytes);
  while (!s.empty() && s.back() == '=')
    s.pop_back();
  for (char& c : s) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return s;
}

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct SigFree {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};

std::unique_ptr<EVP_PKEY, PkeyFree> load_p256(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return nullptr;
  std::unique_ptr<EVP_PKEY, PkeyFree> key(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  if (!key || EVP_PKEY_base_id(key.get()) != EVP_PKEY_EC || EVP_PKEY_bits(key.get()) != 256)
    return nullptr;
  return key;
}

}  // namespace

std::string jwt_uri(std::string_view method, std::string_view host, std::string_view path) {
  path = path.substr(0, path.find('?'));
  std::string out(method);
  out.push_back(' ');
  out.append(host);
  out.append(path);
  return out;
}

std::string jwt_nonce() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return {};
  return sdk::hex_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

std::optional<std::string> make_jwt(std::string_view pem_private_key, std::string_view key_name,
                                    std::string_view uri, int64_t now_s, std::string_view nonce,
                                    std::string& error) {
  const auto key = load_p256(pem_private_key);
  if (!key) {
    error = "the API secret is not a PEM P-256 (EC) private key";
    return std::nullopt;
  }
  if (nonce.empty()) {
    error = "no nonce";
    return std::nullopt;
  }
  using json = nlohmann::json;
  const json header = {{"alg", "ES256"}, {"kid", key_name}, {"nonce", nonce}, {"typ", "JWT"}};
  json claims = {{"sub", key_name}, {"iss", "cdp"}, {"nbf", now_s}, {"exp", now_s + 120}};
  if (!uri.empty()) claims["uri"] = uri;
  const std::string input = base64url(header.dump()) + "." + base64url(claims.dump());

  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  size_t der_len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &der_len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    error = "signing failed";
    return std::nullopt;
  }
  std::string der(der_len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &der_len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    error = "signing failed";
    return std::nullopt;
  }
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<ECDSA_SIG, SigFree> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len)));
  if (!sig) {
    error = "signing failed";
    return std::nullopt;
  }
  unsigned char raw[64];
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), raw, 32) != 32 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), raw + 32, 32) != 32) {
    error = "signing failed";
    return std::nullopt;
  }
  return input + "." + base64url(std::string_view(reinterpret_cast<const char*>(raw), 64));
}

}  // namespace astra::coinbase
