// Advanced Trade ES256 JWTs: made with the official SDK test key (signing_vectors.json), verified
// with its public key, and decoded to check the header and claims the venue documents. ES256 is
// randomized, so no byte-exact vector exists; the researcher's example token checks the verifier.
#include "coinbase_test_support.hpp"

#include "signing.hpp"

#include <astra/sdk/crypto.hpp>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace coinbase_test {
namespace {

std::string b64url_decode(std::string s) {
  for (char& c : s) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (s.size() % 4)
    s.push_back('=');
  std::string out;
  EXPECT_TRUE(astra::sdk::base64_decode(s, out)) << s;
  return out;
}

std::vector<std::string> split(const std::string& jwt) {
  std::vector<std::string> parts(1);
  for (char c : jwt) {
    if (c == '.')
      parts.emplace_back();
    else
      parts.back().push_back(c);
  }
  return parts;
}

// True when `jwt`'s raw r||s signature verifies over "header.claims" with the PEM public key.
bool verify(const std::string& jwt, const std::string& public_pem) {
  const auto parts = split(jwt);
  if (parts.size() != 3) return false;
  const std::string input = parts[0] + "." + parts[1];
  const std::string raw = b64url_decode(parts[2]);
  if (raw.size() != 64) return false;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr),
                 BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr));
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  BIO* bio = BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      key && der_len > 0 && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx, der, static_cast<size_t>(der_len),
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  OPENSSL_free(der);
  return ok;
}

class CoinbaseJwt : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto p = shared("fixtures/coinbase/signing_vectors.json");
    if (!std::filesystem::exists(p)) GTEST_SKIP() << "shared data not found: " << p;
    v_ = json::parse(read_file(p))["advanced_trade_jwt"];
  }
  json v_;
};

TEST_F(CoinbaseJwt, VerifierAcceptsTheExampleToken) {
  const std::string token = v_["researcher_generated_example_verify_only"]["jwt"];
  EXPECT_TRUE(verify(token, v_["ec_public_key_pem_derived"]));
  std::string tampered = token;
  tampered[tampered.find('.') + 5] ^= 1;
  EXPECT_FALSE(verify(tampered, v_["ec_public_key_pem_derived"]));
}

TEST_F(CoinbaseJwt, RestTokenVerifiesAndCarriesTheDocumentedClaims) {
  const std::string kid = v_["key_name_kid"];
  const std::string uri =
      astra::coinbase::jwt_uri("GET", "api.coinbase.com", "/api/v3/brokerage/accounts?limit=250");
  EXPECT_EQ(uri, "GET api.coinbase.com/api/v3/brokerage/accounts");
  const std::string nonce = astra::coinbase::jwt_nonce();
  ASSERT_EQ(nonce.size(), 64u);
  EXPECT_NE(nonce, astra::coinbase::jwt_nonce());
  std::string error;
  const auto jwt = astra::coinbase::make_jwt(v_["ec_private_key_pem"].get<std::string>(), kid, uri,
                                             1'700'000'000, nonce, error);
  ASSERT_TRUE(jwt) << error;
  EXPECT_TRUE(verify(*jwt, v_["ec_public_key_pem_derived"]));

  const auto parts = split(*jwt);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(b64url_decode(parts[2]).size(), 64u) << "raw r||s, not DER";
  EXPECT_EQ(parts[2].find('='), std::string::npos);
  const json header = json::parse(b64url_decode(parts[0]));
  EXPECT_EQ(header["alg"], "ES256");
  EXPECT_EQ(header["kid"], kid);
  EXPECT_EQ(header["nonce"], nonce);
  EXPECT_EQ(header["typ"], "JWT");
  const json claims = json::parse(b64url_decode(parts[1]));
  EXPECT_EQ(claims["sub"], kid);
  EXPECT_EQ(claims["iss"], "cdp");
  EXPECT_EQ(claims["nbf"], 1'700'000'000);
  EXPECT_EQ(claims["exp"], 1'700'000'120);
  EXPECT_EQ(claims["uri"], "GET api.coinbase.com/api/v3/brokerage/accounts");

  // Another signature over other claims must not verify with this one's header.claims.
  const auto other = astra::coinbase::make_jwt(v_["ec_private_key_pem"].get<std::string>(), kid,
                                               uri, 1'700'000'001, nonce, error);
  ASSERT_TRUE(other);
  EXPECT_FALSE(
      verify(parts[0] + "." + parts[1] + "." + split(*other)[2], v_["ec_public_key_pem_derived"]));
}

TEST_F(CoinbaseJwt, WebSocketTokenHasNoUri) {
  std::string error;
  const auto jwt =
      astra::coinbase::make_jwt(v_["ec_private_key_pem"].get<std::string>(),
                                v_["key_name_kid"].get<std::string>(), "", 5, "ab", error);
  ASSERT_TRUE(jwt) << error;
  EXPECT_TRUE(verify(*jwt, v_["ec_public_key_pem_derived"]));
  const json claims = json::parse(b64url_decode(split(*jwt)[1]));
  EXPECT_FALSE(claims.contains("uri"));
  EXPECT_EQ(claims["exp"], 125);
}

TEST(CoinbaseJwtKeys, BadKeysAreErrorsWithoutKeyMaterial) {
  std::string error;
  const std::string not_pem = "-----BEGIN EC PRIVATE KEY-----\nSECRETSECRET\n-----END EC";
  EXPECT_FALSE(astra::coinbase::make_jwt(not_pem, "k", "", 1, "ab", error));
  EXPECT_FALSE(error.empty());
  EXPECT_EQ(error.find("SECRET"), std::string::npos);
  // A P-384 key is not ES256.
  EVP_PKEY* p384 = EVP_EC_gen("P-384");
  ASSERT_NE(p384, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  ASSERT_EQ(PEM_write_bio_PrivateKey(bio, p384, nullptr, nullptr, 0, nullptr, nullptr), 1);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  const std::string pem(data, static_cast<size_t>(n));
  BIO_free(bio);
  EVP_PKEY_free(p384);
  EXPECT_FALSE(astra::coinbase::make_jwt(pem, "k", "", 1, "ab", error));
}

}  // namespace
}  // namespace coinbase_test
