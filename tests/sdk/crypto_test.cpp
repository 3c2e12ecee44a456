#include <astra/sdk/crypto.hpp>
#include <astra/sdk/url.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

#include "common/shared_dir.hpp"

namespace {

using namespace astra::sdk;

std::string unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

TEST(Crypto, Sha256KnownAnswers) {
  // FIPS 180-2 examples.
  EXPECT_EQ(hex_encode(sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex_encode(sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex_encode(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Crypto, HmacRfc4231) {
  // RFC 4231 test case 1.
  const std::string key1(20, '\x0b');
  EXPECT_EQ(hex_encode(hmac_sha256(key1, "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hex_encode(hmac_sha512(key1, "Hi There")),
            "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
            "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854");
  // Test case 2: a key shorter than the block.
  EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block is hashed first.
  const std::string key6(131, '\xaa');
  EXPECT_EQ(hex_encode(hmac_sha256(key6, "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Crypto, HmacWithEmptyKeyOrData) {
  // Well-known values (e.g. Python hmac.new(b"", b"", sha256)).
  EXPECT_EQ(hex_encode(hmac_sha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  EXPECT_EQ(hmac_sha256("key", "").size(), 32u);
  EXPECT_EQ(hmac_sha512("", "data").size(), 64u);
}

TEST(Crypto, BinancePublishedSigningVectors) {
  ASTRA_REQUIRE_SHARED(path, "fixtures/binance/signing_vectors.json");
  std::ifstream in(path);
  const auto doc = nlohmann::json::parse(in);
  int checked = 0;
  for (const auto& v : doc.at("vectors")) {
    SCOPED_TRACE(v.at("name").get<std::string>());
    const std::string secret = v.at("secret");
    const std::string payload = v.at("payload");
    EXPECT_EQ(hex_encode(hmac_sha256(secret, payload)), v.at("expected_signature"));
    ++checked;
    if (v.contains("unencoded_params")) {
      // Rebuild the signed payload from the raw parameters with the SDK's query builder: the
      // percent-encoded UTF-8 text is what Binance signs.
      QueryBuilder q;
      const std::string raw = v.at("unencoded_params");
      size_t start = 0;
      while (start <= raw.size()) {
        size_t amp = raw.find('&', start);
        if (amp == std::string::npos) amp = raw.size();
        const std::string pair = raw.substr(start, amp - start);
        const size_t eq = pair.find('=');
        q.add(pair.substr(0, eq), pair.substr(eq + 1));
        start = amp + 1;
      }
      EXPECT_EQ(q.str(), payload);
      EXPECT_EQ(hex_encode(hmac_sha256(secret, q.str())), v.at("expected_signature"));
    }
  }
  EXPECT_EQ(checked, 3);
}

TEST(Crypto, Base64Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    std::string decoded;
    ASSERT_TRUE(base64_decode(encoded, decoded)) << encoded;
    EXPECT_EQ(decoded, plain);
  }
}

TEST(Crypto, Base64BinaryRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i)
    all.push_back(static_cast<char>(i));
  for (size_t n = 0; n <= all.size(); n += 37) {
    std::string decoded;
    ASSERT_TRUE(base64_decode(base64_encode(all.substr(0, n)), decoded));
    EXPECT_EQ(decoded, all.substr(0, n));
  }
  // Kraken's secrets are base64 of 64 bytes; the decode feeds HMAC-SHA512.
  std::string decoded;
  ASSERT_TRUE(base64_decode("+/+/", decoded));
  EXPECT_EQ(decoded, unhex("fbffbf"));
}

TEST(Crypto, Base64DecodeRejectsBadInput) {
  std::string out;
  EXPECT_FALSE(base64_decode("Zm9v!", out));
  EXPECT_FALSE(base64_decode("Zm 9v", out));
  EXPECT_FALSE(base64_decode("Z", out));      // one leftover sextet
  EXPECT_FALSE(base64_decode("Zm9vY", out));  // ditto after a full group
  EXPECT_FALSE(base64_decode("Zm=9v", out));  // padding in the middle
  EXPECT_FALSE(base64_decode("Zm9v\n", out));
  // Unpadded and URL-safe input is accepted (venues vary).
  ASSERT_TRUE(base64_decode("Zg", out));
  EXPECT_EQ(out, "f");
  ASSERT_TRUE(base64_decode("-_-_", out));
  EXPECT_EQ(out, unhex("fbffbf"));
}

TEST(Crypto, HexEncode) {
  EXPECT_EQ(hex_encode(""), "");
  EXPECT_EQ(hex_encode(std::string("\x00\x0f\xf0\xff", 4)), "000ff0ff");
}

}  // namespace
