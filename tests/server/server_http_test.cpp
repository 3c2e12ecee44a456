// The REST side of a real Server over the FakeApi: authentication, routes, errors, limits,
// /metrics.
#include "server_fixture.hpp"

#include <nlohmann/json.hpp>

namespace astra::host::testing {
namespace {

std::string error_code(const HttpResult& r) {
  auto j = nlohmann::json::parse(r.res.body(), nullptr, false);
  if (!j.is_object() || !j.contains("error")) return "<no error body: " + r.res.body() + ">";
  return j["error"]["code"].get<std::string>();
}

TEST_F(ServerTest, AuthenticatesEveryRequest) {
  start();
  HttpClient c(port());
  ASSERT_TRUE(c.connected());
  auto missing = c.get("/health", std::nullopt);
  ASSERT_FALSE(missing.ec) << missing.ec.message();
  EXPECT_EQ(missing.status(), 401u);
  EXPECT_EQ(error_code(missing), "unauthenticated");
  EXPECT_EQ(c.get("/health", "").status(), 401u);           // "Bearer " and nothing
  EXPECT_EQ(c.get("/health", "a b").status(), 401u);        // space inside the key
  EXPECT_EQ(c.get("/health", "nope.nope").status(), 401u);  // unknown
  auto revoked = c.get("/health", std::string(kRevokedKey));
  EXPECT_EQ(revoked.status(), 403u);
  EXPECT_EQ(error_code(revoked), "key_revoked");
  // Unknown routes are not revealed without a key.
  EXPECT_EQ(c.get("/nowhere", std::nullopt).status(), 401u);

  http::request<http::string_body> token(http::verb::get, "/health", 11);
  token.set("x-astra-api-key", std::string("Token ") + kValidKey);
  EXPECT_EQ(c.request(token).status(), 401u);

  auto ok = c.get("/health");  // same keep-alive connection all along
  EXPECT_EQ(ok.status(), 200u);
  EXPECT_EQ(ok.res.body(), R"({"status":"ok"})");
  EXPECT_EQ(ok.res[http::field::content_type], "application/json");
}

TEST_F(ServerTest, Markets) {
  start();
  HttpClient c(port());
  auto ok = c.get("/markets?exchange=BINANCE");
  EXPECT_EQ(ok.status(), 200u);
  EXPECT_EQ(ok.res.body(), FakeApi::markets_json());
  auto missing = c.get("/markets");
  EXPECT_EQ(missing.status(), 400u);
  EXPECT_EQ(error_code(missing), "missing_parameter");
  EXPECT_EQ(c.get("/markets?exchange=").status(), 400u);
  auto unknown = c.get("/markets?exchange=NOPE");
  EXPECT_EQ(unknown.status(), 404u);
  EXPECT_EQ(error_code(unknown), "unknown_exchange");
  auto unavailable = c.get("/markets?exchange=OKX");
  EXPECT_EQ(unavailable.status(), 503u);
  EXPECT_EQ(error_code(unavailable), "markets_unavailable");
  auto bad = c.get("/markets?exchange=%zz");
  EXPECT_EQ(bad.status(), 400u);
  EXPECT_EQ(error_code(bad), "bad_request");
}

TEST_F(ServerTest, Orderbook) {
  start();
  HttpClient c(port());
  auto ok = c.get(std::string("/orderbook?market=") + kBtc + "&depth=10");
  EXPECT_EQ(ok.status(), 200u);
  auto j = nlohmann::json::parse(ok.res.body());
  EXPECT_EQ(j["market"], kBtc);
  EXPECT_EQ(api_.last_depth(), 10u);
  EXPECT_EQ(c.get(std::string("/orderbook?market=") + kBtc).status(), 200u);
  EXPECT_EQ(api_.last_depth(), 0u);

  auto missing = c.get("/orderbook");
  EXPECT_EQ(missing.status(), 400u);
  EXPECT_EQ(error_code(missing), "missing_parameter");
  for (const char* depth : {"0", "-3", "abc", "100000"}) {
    auto bad = c.get(std::string("/orderbook?market=") + kBtc + "&depth=" + depth);
    EXPECT_EQ(bad.status(), 400u) << depth;
    EXPECT_EQ(error_code(bad), "bad_depth") << depth;
  }
  auto symbol = c.get("/orderbook?market=garbage");
  EXPECT_EQ(symbol.status(), 400u);
  EXPECT_EQ(error_code(symbol), "bad_symbol");
  auto unknown = c.get("/orderbook?market=BINANCE-SPOT-NOPE-USDT");
  EXPECT_EQ(unknown.status(), 404u);
  EXPECT_EQ(error_code(unknown), "unknown_market");
}

TEST_F(ServerTest, MapsVenueStatusesToHttp) {
  start();
  HttpClient c(port());
  const std::pair<astra_status, unsigned> cases[] = {
      {ASTRA_E_INVALID_ARGUMENT, 400},   {ASTRA_E_NOT_FOUND, 404},
      {ASTRA_E_UNAUTHENTICATED, 401},    {ASTRA_E_PERMISSION_DENIED, 403},
      {ASTRA_E_RESOURCE_EXHAUSTED, 429}, {ASTRA_E_UNAVAILABLE, 503},
      {ASTRA_E_DEADLINE_EXCEEDED, 504},  {ASTRA_E_FAILED_PRECONDITION, 409},
      {ASTRA_E_UNIMPLEMENTED, 501},      {ASTRA_E_REJECTED, 422},
      {ASTRA_E_UNKNOWN_OUTCOME, 502},    {ASTRA_E_UPSTREAM, 502},
      {ASTRA_E_INTERNAL, 500},           {ASTRA_E_INCOMPATIBLE, 500}};
  for (const auto& [status, http_code] : cases) {
    auto r = c.get("/orderbook?market=STATUS-" + std::to_string(status));
    EXPECT_EQ(r.status(), http_code) << status;
    EXPECT_EQ(error_code(r), "venue_said_no") << status;
  }
}

TEST_F(ServerTest, ExchangesAndReady) {
  start();
  HttpClient c(port());
  auto ex = c.get("/exchanges");
  ASSERT_EQ(ex.status(), 200u);
  auto j = nlohmann::json::parse(ex.res.body());
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["id"], "binance");
  EXPECT_EQ(j[0]["exchange"], "BINANCE");
  EXPECT_EQ(j[0]["version"], "1.2.3");
  EXPECT_EQ(j[0]["capabilities"], nlohmann::json({"SPOT", "ORDERBOOK", "TRADES"}));
  EXPECT_EQ(j[0]["state"], "connected");
  EXPECT_EQ(j[1]["capabilities"], nlohmann::json({"PERP", "OTC_QUOTE"}));
  EXPECT_EQ(j[1]["state"], "connecting");

  auto not_ready = c.get("/ready");
  EXPECT_EQ(not_ready.status(), 503u);
  EXPECT_EQ(error_code(not_ready), "not_ready");
  EXPECT_NE(not_ready.res.body().find("OKX"), std::string::npos);
  api_.set_okx_loaded(true);
  EXPECT_EQ(c.get("/ready").status(), 200u);
}

TEST_F(ServerTest, RoutesAndMethods) {
  start();
  HttpClient c(port());
  auto unknown = c.get("/nowhere");
  EXPECT_EQ(unknown.status(), 404u);
  EXPECT_EQ(error_code(unknown), "not_found");
  EXPECT_EQ(c.get("/markets/").status(), 404u);
  EXPECT_EQ(c.get("/metrics").status(), 404u);  // only on the metrics port
  auto post = c.get("/markets?exchange=BINANCE", std::string(kValidKey), http::verb::post);
  EXPECT_EQ(post.status(), 405u);
  EXPECT_EQ(post.res[http::field::allow], "GET");
  EXPECT_EQ(error_code(post), "method_not_allowed");
  EXPECT_EQ(c.get("/health", std::string(kValidKey), http::verb::delete_).status(), 405u);
  auto plain_ws = c.get("/ws?market=BINANCE-SPOT-BTC-USDT&dataType=ORDERBOOK");
  EXPECT_EQ(plain_ws.status(), 426u);
}

TEST_F(ServerTest, MalformedRequestIs400) {
  start();
  HttpClient c(port());
  auto r = c.raw("NOT AN HTTP REQUEST\x01\r\n\r\n");
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.status(), 400u);
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(ServerTest, HeadersTooLargeIs431) {
  start();
  HttpClient c(port());
  std::string req = "GET /health HTTP/1.1\r\nHost: x\r\nx-astra-api-key: Bearer ";
  req += kValidKey;
  req += "\r\nx-filler: " + std::string(4000, 'a') + "\r\n\r\n";
  auto r = c.raw(req);
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.status(), 431u);
  EXPECT_EQ(error_code(r), "headers_too_large");
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(ServerTest, BodyTooLargeIs413) {
  start();
  {
    HttpClient c(port());
    http::request<http::string_body> req(http::verb::get, "/health", 11);
    req.set("x-astra-api-key", std::string("Bearer ") + kValidKey);
    req.body() = std::string(4096, 'b');  // limit is 1024
    auto r = c.request(req);
    ASSERT_FALSE(r.ec) << r.ec.message();
    EXPECT_EQ(r.status(), 413u);
    EXPECT_EQ(error_code(r), "body_too_large");
    EXPECT_TRUE(c.closed_by_server());
  }
  {  // A body within the limit is fine (and ignored).
    HttpClient c(port());
    http::request<http::string_body> req(http::verb::get, "/health", 11);
    req.set("x-astra-api-key", std::string("Bearer ") + kValidKey);
    req.body() = std::string(512, 'b');
    EXPECT_EQ(c.request(req).status(), 200u);
  }
}

TEST_F(ServerTest, OverMaxConnectionsIs503) {
  auto cfg = small_config();
  cfg.max_connections = 2;
  start(cfg);
  std::optional<HttpClient> a(std::in_place, port());
  HttpClient b(port());
  ASSERT_EQ(a->get("/health").status(), 200u);  // both accepted and holding a slot
  ASSERT_EQ(b.get("/health").status(), 200u);
  {
    HttpClient over(port());
    auto r = over.get("/health");
    ASSERT_FALSE(r.ec) << r.ec.message();
    EXPECT_EQ(r.status(), 503u);
    EXPECT_EQ(error_code(r), "too_many_connections");
  }
  // Closing one frees its slot (released asynchronously, hence the bounded retry).
  a.reset();
  EXPECT_TRUE(eventually([&] { return HttpClient(port()).get("/health").status() == 200; }));
}

TEST_F(ServerTest, MetricsEndpoint) {
  start();
  HttpClient c(port());
  ASSERT_EQ(c.get("/health").status(), 200u);
  ASSERT_EQ(c.get("/nowhere").status(), 404u);

  HttpClient m(server_->metrics_port());
  auto r = m.get("/metrics", std::nullopt);  // no key needed
  ASSERT_EQ(r.status(), 200u);
  EXPECT_EQ(r.res[http::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = r.res.body();
  EXPECT_NE(text.find("# TYPE astra_http_requests_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("astra_http_requests_total{route=\"/health\",status=\"200\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("astra_http_requests_total{route=\"other\",status=\"404\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE astra_http_request_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("astra_http_request_seconds_count{route=\"/health\"} 1\n"),
            std::string::npos);
  for (const char* name :
       {"astra_ws_clients", "astra_ws_queue_depth", "astra_ws_messages_sent_total",
        "astra_ws_snapshots_replaced_total", "astra_ws_slow_closed_total"}) {
    EXPECT_NE(text.find(std::string("# TYPE ") + name + " "), std::string::npos) << name;
  }
  EXPECT_EQ(m.get("/health", std::nullopt).status(), 404u);
  EXPECT_EQ(m.get("/metrics", std::nullopt, http::verb::post).status(), 405u);
}

}  // namespace
}  // namespace astra::host::testing
