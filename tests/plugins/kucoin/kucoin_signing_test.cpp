// Signing: the official KuCoin vector and the labelled derived ones from signing_vectors.json.
#include "kucoin_test_support.hpp"
#include "signing.hpp"

#include <astra/sdk/crypto.hpp>

namespace kucoin_test {
namespace {

TEST(KucoinSigning, PublishedVectorsReproduce) {
  ASTRA_REQUIRE_SHARED(file, "fixtures/kucoin/signing_vectors.json");
  const json doc = json::parse(read_file(file));
  size_t checked = 0;
  for (const json& v : doc["vectors"]) {
    EXPECT_EQ(v["payload"].get<std::string>(),
              v["timestamp"].get<std::string>() + v["method"].get<std::string>() +
                  v["endpoint"].get<std::string>() + v["body"].get<std::string>());
    EXPECT_EQ(astra::kucoin::sign_request(
                  v["secret"].get<std::string>(), v["timestamp"].get<std::string>(),
                  v["method"].get<std::string>(), v["endpoint"].get<std::string>(),
                  v["body"].get<std::string>()),
              v["expected_signature"].get<std::string>())
        << v["name"];
    ++checked;
  }
  EXPECT_GE(checked, 1u);
}

TEST(KucoinSigning, DerivedVectorsReproduce) {
  ASTRA_REQUIRE_SHARED(file, "fixtures/kucoin/signing_vectors.json");
  const json doc = json::parse(read_file(file));
  const std::string secret = doc["vectors"][0]["secret"];
  for (const json& v : doc["derived_not_official"]) {
    if (v["name"] == "v2_passphrase_transform_of_docs_example") {
      // The docs' published header is plain base64 of the passphrase text.
      std::string passphrase;
      ASSERT_TRUE(astra::sdk::base64_decode(
          doc["vectors"][0]["published_passphrase_header"].get<std::string>(), passphrase));
      EXPECT_EQ(astra::kucoin::sign_passphrase_v2(secret, passphrase), v["expected"]);
    } else if (v["name"] == "get_with_query_string") {
      EXPECT_EQ(astra::kucoin::sign_request(v["secret"].get<std::string>(), "1547015186532", "GET",
                                            "/api/v1/accounts?currency=BTC", ""),
                v["expected"]);
      EXPECT_EQ(v["payload"], "1547015186532GET/api/v1/accounts?currency=BTC");
    }
  }
}

}  // namespace
}  // namespace kucoin_test
