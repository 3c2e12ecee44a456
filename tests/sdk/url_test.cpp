#include <astra/sdk/url.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace astra::sdk;

TEST(Url, PercentEncodeKeepsOnlyUnreserved) {
  EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(percent_encode(" !\"#$%&'()*+,/:;=?@[]"),
            "%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3D%3F%40%5B%5D");
  EXPECT_EQ(percent_encode(""), "");
  // UTF-8 bytes, upper-case hex: Binance's published non-ASCII example.
  EXPECT_EQ(percent_encode("１２３４５６"),
            "%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96");
  EXPECT_EQ(percent_encode(std::string("\x00\xff", 2)), "%00%FF");
}

TEST(Url, PercentDecode) {
  std::string out;
  ASSERT_TRUE(percent_decode("a%20b%2fc%2F+", out));
  EXPECT_EQ(out, "a b/c/+");
  ASSERT_TRUE(percent_decode(percent_encode("１２３ &=?"), out));
  EXPECT_EQ(out, "１２３ &=?");
  EXPECT_FALSE(percent_decode("%", out));
  EXPECT_FALSE(percent_decode("%2", out));
  EXPECT_FALSE(percent_decode("abc%", out));
  EXPECT_FALSE(percent_decode("%zz", out));
  EXPECT_FALSE(percent_decode("%2g", out));
}

TEST(Url, QueryBuilderKeepsInsertionOrder) {
  QueryBuilder q;
  EXPECT_TRUE(q.empty());
  q.add("symbol", "LTCBTC").add("side", "BUY").add("quantity", "1").add("price", "0.1");
  q.add("recvWindow", 5000).add("timestamp", int64_t{1499827319559});
  EXPECT_EQ(q.str(),
            "symbol=LTCBTC&side=BUY&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559");
  EXPECT_FALSE(q.empty());
}

TEST(Url, QueryBuilderEncodesKeysAndValues) {
  QueryBuilder q;
  q.add("a b", "c&d=e").add("empty", "").add("zero", 0).add("neg", -7).add("u", 42u);
  EXPECT_EQ(q.str(), "a%20b=c%26d%3De&empty=&zero=0&neg=-7&u=42");
}

TEST(Url, ParseDefaultsPorts) {
  auto r = parse_url("https://api.binance.com/api/v3/depth?symbol=BTCUSDT&limit=1000");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.url.scheme, "https");
  EXPECT_EQ(r.url.host, "api.binance.com");
  EXPECT_EQ(r.url.port, 443);
  EXPECT_EQ(r.url.target, "/api/v3/depth?symbol=BTCUSDT&limit=1000");
  EXPECT_TRUE(r.url.tls());

  r = parse_url("wss://ws.okx.com:8443/ws/v5/public");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.url.port, 8443);
  EXPECT_EQ(r.url.target, "/ws/v5/public");
  EXPECT_TRUE(r.url.tls());

  r = parse_url("ws://127.0.0.1");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.url.port, 80);
  EXPECT_EQ(r.url.target, "/");
  EXPECT_FALSE(r.url.tls());

  r = parse_url("HTTP://localhost:8080?x=1#frag");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.url.scheme, "http");
  EXPECT_EQ(r.url.host, "localhost");
  EXPECT_EQ(r.url.port, 8080);
  EXPECT_EQ(r.url.target, "/?x=1");

  r = parse_url("http://[::1]:9000/p");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.url.host, "[::1]");
  EXPECT_EQ(r.url.port, 9000);
  r = parse_url("https://[::1]/");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.url.port, 443);
}

TEST(Url, ParseRejectsBadInput) {
  for (const char* bad :
       {"", "api.binance.com/x", "://host", "ftp://host/", "https://", "https:///path",
        "https://host:/", "https://host:0/", "https://host:65536/", "https://host:12a/",
        "https://host:-1/", "https://user:pw@host/", "https://ho st/", "https://host/a b",
        "https://host/\n", "http://[::1/", "http://[::1]x/", "http://[]/", "https://:443/"}) {
    const auto r = parse_url(bad);
    EXPECT_FALSE(r.ok()) << '"' << bad << '"';
    EXPECT_FALSE(r.error.empty());
  }
  EXPECT_TRUE(parse_url("https://host:65535/").ok());
}

}  // namespace
