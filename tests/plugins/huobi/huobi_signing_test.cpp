// The published HTX signing vectors (fixtures/huobi/signing_vectors.json, from the official
// huobi_Golang SDK tests) reproduced byte for byte.
#include "huobi_test_support.hpp"
#include "signing.hpp"

namespace huobi_test {
namespace {

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == '\n')
      out.emplace_back();
    else
      out.back().push_back(c);
  }
  return out;
}

TEST(HuobiSigning, PublishedVectorsReproduce) {
  ASTRA_REQUIRE_SHARED(path, "fixtures/huobi/signing_vectors.json");
  const json doc = json::parse(read_file(path));
  ASSERT_GE(doc["vectors"].size(), 5u);
  size_t checked_queries = 0;
  for (const json& v : doc["vectors"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    const std::string secret = v["secret"];
    const std::string method = v["method"], host = v["host"], path_ = v["path"];
    const std::vector<std::string> payload = lines(v["payload_to_sign"]);
    ASSERT_EQ(payload.size(), 4u);

    // The canonical query built from the parameters.
    std::string canonical;
    if (v.contains("canonical_query")) {
      canonical = v["canonical_query"];
    } else {
      const std::string key = v["access_key"], time = v["utc_time"];
      astra::huobi::Params params;
      if (path_ == "/ws/v2") {
        params = {{"accessKey", key},
                  {"signatureMethod", "HmacSHA256"},
                  {"signatureVersion", "2.1"},
                  {"timestamp", time}};
      } else {
        params = {{"AccessKeyId", key},
                  {"SignatureMethod", "HmacSHA256"},
                  {"SignatureVersion", "2"},
                  {"Timestamp", time}};
      }
      if (v.contains("request_params"))
        for (const auto& [k, val] : v["request_params"].items())
          params.emplace_back(k, val.get<std::string>());
      canonical = astra::huobi::canonical_query(params);
      ++checked_queries;
    }
    EXPECT_EQ(astra::huobi::signing_payload(method, host, path_, canonical),
              v["payload_to_sign"].get<std::string>());
    EXPECT_EQ(astra::huobi::sign(secret, method, host, path_, canonical),
              v["expected_signature"].get<std::string>());

    if (v.contains("expected_url")) {
      astra::huobi::Params request;
      if (v.contains("request_params"))
        for (const auto& [k, val] : v["request_params"].items())
          request.emplace_back(k, val.get<std::string>());
      const std::string query =
          astra::huobi::signed_query(v["access_key"].get<std::string>(), secret, method, host,
                                     path_, v["utc_time"].get<std::string>(), request);
      EXPECT_EQ("https://" + host + path_ + "?" + query, v["expected_url"].get<std::string>());
    }
  }
  EXPECT_EQ(checked_queries, 4u);
}

TEST(HuobiSigning, HostIsLowercasedAndKeysSortByteWise) {
  EXPECT_EQ(astra::huobi::signing_payload("GET", "API.Huobi.PRO", "/p", "a=1"),
            "GET\napi.huobi.pro\n/p\na=1");
  EXPECT_EQ(astra::huobi::canonical_query({{"b", "x y"}, {"a", "1:2"}, {"Z", "3"}}),
            "Z=3&a=1%3A2&b=x%20y");
}

}  // namespace
}  // namespace huobi_test
