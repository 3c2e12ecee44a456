// Binance HMAC-SHA256 signing against the published vectors
// (fixtures/binance/signing_vectors.json).
#include "binance_test_support.hpp"
#include "signing.hpp"

namespace binance_test {
namespace {

TEST(BinanceSigning, PublishedVectorsReproduce) {
  ASTRA_REQUIRE_SHARED(path, "fixtures/binance/signing_vectors.json");
  const json doc = json::parse(read_file(path));
  ASSERT_GE(doc["vectors"].size(), 3u);
  for (const auto& v : doc["vectors"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    const std::string secret = v["secret"];
    const std::string payload = v["payload"];
    const std::string expected = v["expected_signature"];
    EXPECT_EQ(astra::binance::sign(secret, payload), expected);
    // Query and body are concatenated with no separator: any split signs the same bytes.
    const size_t mid = payload.find("&quantity=");
    ASSERT_NE(mid, std::string::npos);
    EXPECT_EQ(astra::binance::sign(secret, payload.substr(0, mid), payload.substr(mid)), expected);
    EXPECT_EQ(astra::binance::signed_query(secret, payload), payload + "&signature=" + expected);
    if (v.contains("unencoded_params")) {
      // Non-ASCII values are percent-encoded (UTF-8) before signing.
      std::vector<std::pair<std::string, std::string>> params;
      std::string raw = v["unencoded_params"];
      for (size_t start = 0; start <= raw.size();) {
        const size_t amp = std::min(raw.find('&', start), raw.size());
        const std::string kv = raw.substr(start, amp - start);
        const size_t eq = kv.find('=');
        params.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
        start = amp + 1;
      }
      EXPECT_EQ(astra::binance::build_query(params), payload);
      EXPECT_EQ(astra::binance::sign(secret, astra::binance::build_query(params)), expected);
    }
  }
}

TEST(BinanceSigning, AnyChangedByteChangesTheSignature) {
  const std::string secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
  const std::string a = astra::binance::sign(secret, "symbol=LTCBTC&timestamp=1");
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a, astra::binance::sign(secret, "symbol=LTCBTC&timestamp=2"));
  EXPECT_NE(a, astra::binance::sign(secret + "x", "symbol=LTCBTC&timestamp=1"));
}

}  // namespace
}  // namespace binance_test
