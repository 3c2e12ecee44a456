// Kraken spot REST signing against the official documented vector.
#include "kraken_test_support.hpp"
#include "signing.hpp"

namespace kraken_test {
namespace {

TEST(KrakenSigning, OfficialSpotVector) {
  ASTRA_REQUIRE_SHARED(f, "fixtures/kraken/signing_vectors.json");
  const json v = json::parse(read_file(f))["spot_rest"][0];
  ASSERT_TRUE(v["official"].get<bool>());
  const auto sig = astra::kraken::spot_sign(
      v["private_key_base64"].get<std::string>(), v["uri_path"].get<std::string>(),
      v["nonce"].get<std::string>(), v["encoded_payload"].get<std::string>());
  ASSERT_TRUE(sig.has_value());
  EXPECT_EQ(*sig, v["expected_api_sign"].get<std::string>());
  // Any change of the signed input changes the signature.
  const auto other = astra::kraken::spot_sign(
      v["private_key_base64"].get<std::string>(), "/0/private/CancelOrder",
      v["nonce"].get<std::string>(), v["encoded_payload"].get<std::string>());
  ASSERT_TRUE(other.has_value());
  EXPECT_NE(*other, *sig);
}

TEST(KrakenSigning, SecretThatIsNotBase64IsRefused) {
  EXPECT_FALSE(astra::kraken::spot_sign("not base64 !!", "/0/private/Balance", "1", "nonce=1"));
}

}  // namespace
}  // namespace kraken_test
