// The socket-free pieces: targets, errors, status mapping, authentication, parameters.
#include "server/routes.hpp"
#include "fake_api.hpp"
#include "server/errors.hpp"
#include "server/query.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace astra::host {
namespace {

TEST(Target, SplitsPathAndDecodesParameters) {
  auto t = parse_target("/orderbook?market=BINANCE-SPOT-BTC-USDT&depth=10&x=a%20b+c&flag");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/orderbook");
  EXPECT_EQ(t->param("market"), "BINANCE-SPOT-BTC-USDT");
  EXPECT_EQ(t->param("depth"), "10");
  EXPECT_EQ(t->param("x"), "a b c");
  EXPECT_EQ(t->param("flag"), "");
  EXPECT_FALSE(t->param("missing"));
}

TEST(Target, RejectsBadTargets) {
  for (const char* bad :
       {"", "orderbook", "http://x/markets", "/m?a=%4", "/m?a=%zz", "/m?a=1&a=2"}) {
    auto t = parse_target(bad);
    ASSERT_FALSE(t) << bad;
    EXPECT_EQ(t.error().status, ASTRA_E_INVALID_ARGUMENT);
    EXPECT_EQ(t.error().code, "bad_request");
  }
}

TEST(Errors, MapsEveryStatus) {
  EXPECT_EQ(http_status(ASTRA_OK), 200u);
  EXPECT_EQ(http_status(ASTRA_E_INVALID_ARGUMENT), 400u);
  EXPECT_EQ(http_status(ASTRA_E_NOT_FOUND), 404u);
  EXPECT_EQ(http_status(ASTRA_E_UNAUTHENTICATED), 401u);
  EXPECT_EQ(http_status(ASTRA_E_PERMISSION_DENIED), 403u);
  EXPECT_EQ(http_status(ASTRA_E_RESOURCE_EXHAUSTED), 429u);
  EXPECT_EQ(http_status(ASTRA_E_UNAVAILABLE), 503u);
  EXPECT_EQ(http_status(ASTRA_E_DEADLINE_EXCEEDED), 504u);
  EXPECT_EQ(http_status(ASTRA_E_FAILED_PRECONDITION), 409u);
  EXPECT_EQ(http_status(ASTRA_E_UNIMPLEMENTED), 501u);
  EXPECT_EQ(http_status(ASTRA_E_REJECTED), 422u);
  EXPECT_EQ(http_status(ASTRA_E_UNKNOWN_OUTCOME), 502u);
  EXPECT_EQ(http_status(ASTRA_E_UPSTREAM), 502u);
  EXPECT_EQ(http_status(ASTRA_E_INTERNAL), 500u);
  EXPECT_EQ(http_status(ASTRA_E_INCOMPATIBLE), 500u);
  EXPECT_EQ(http_status(12345), 500u);
}

TEST(Errors, ErrorJsonEscapesAndSurvivesBadUtf8) {
  EXPECT_EQ(error_json("bad_symbol", "say \"hi\""),
            R"({"error":{"code":"bad_symbol","message":"say \"hi\""}})");
  auto j = nlohmann::json::parse(error_json("x", std::string("bad \xff byte")));
  EXPECT_EQ(j["error"]["code"], "x");
}

TEST(Errors, WrapsVenueErrorBodies) {
  EXPECT_EQ(wrap_error_json(ASTRA_E_REJECTED, R"({"code":"insufficient_balance","message":"m"})"),
            R"({"error":{"code":"insufficient_balance","message":"m"}})");
  EXPECT_EQ(wrap_error_json(ASTRA_E_NOT_FOUND, R"({"error":{"code":"c","message":"m"}})"),
            R"({"error":{"code":"c","message":"m"}})");
  EXPECT_EQ(wrap_error_json(ASTRA_E_UPSTREAM, "<html>garbage"),
            R"({"error":{"code":"upstream_error","message":""}})");
  EXPECT_EQ(wrap_error_json(ASTRA_E_UNAVAILABLE, ""),
            R"({"error":{"code":"unavailable","message":""}})");
}

TEST(Routes, ParsesDepth) {
  EXPECT_EQ(*parse_depth(std::nullopt), 0u);
  EXPECT_EQ(*parse_depth("1"), 1u);
  EXPECT_EQ(*parse_depth("5000"), 5000u);
  for (const char* bad : {"", "0", "5001", "-1", "10x", "abc", " 5", "99999999999999999999"}) {
    auto d = parse_depth(std::string_view(bad));
    ASSERT_FALSE(d) << bad;
    EXPECT_EQ(d.error().code, "bad_depth");
  }
}

TEST(Routes, NamesCapabilities) {
  EXPECT_EQ(capability_names(ASTRA_CAP_SPOT | ASTRA_CAP_ORDERBOOK | ASTRA_CAP_OTC_QUOTE),
            (std::vector<std::string>{"SPOT", "ORDERBOOK", "OTC_QUOTE"}));
  EXPECT_TRUE(capability_names(0).empty());
}

TEST(Routes, Authenticates) {
  testing::FakeApi api;
  auto check = [&](std::optional<std::string> value) -> unsigned {
    boost::beast::http::fields h;
    if (value) h.set("x-astra-api-key", *value);
    auto r = authenticate(api, h);
    return r ? r->status : 200;
  };
  EXPECT_EQ(check(std::nullopt), 401u);
  EXPECT_EQ(check(""), 401u);
  EXPECT_EQ(check("Bearer"), 401u);
  EXPECT_EQ(check("Bearer "), 401u);
  EXPECT_EQ(check(std::string("bearer ") + testing::kValidKey), 401u);
  EXPECT_EQ(check(std::string("Token ") + testing::kValidKey), 401u);
  EXPECT_EQ(check(std::string("Bearer  ") + testing::kValidKey), 401u);
  EXPECT_EQ(check(std::string(testing::kValidKey)), 401u);
  EXPECT_EQ(check("Bearer nope.nope"), 401u);
  EXPECT_EQ(check(std::string("Bearer ") + testing::kRevokedKey), 403u);
  EXPECT_EQ(check(std::string("Bearer ") + testing::kValidKey), 200u);

  boost::beast::http::fields twice;
  twice.insert("x-astra-api-key", std::string("Bearer ") + testing::kValidKey);
  twice.insert("x-astra-api-key", std::string("Bearer ") + testing::kValidKey);
  EXPECT_EQ(authenticate(api, twice)->status, 401u);
}

}  // namespace
}  // namespace astra::host
