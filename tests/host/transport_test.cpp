// The upstream transport: pure parts (URL rules, backoff, budget, Retry-After, options) and the
// real NetIo against small Beast servers on 127.0.0.1.
#include "runtime/logger.hpp"
#include "transport/backoff.hpp"
#include "transport/net_io.hpp"
#include "transport/request_budget.hpp"
#include "transport/url.hpp"

#include <gtest/gtest.h>

#include "common/test_ca.hpp"
#include "log_capture.hpp"
#include "temp_file.hpp"
#include "test_servers.hpp"

#include <optional>
#include <vector>

namespace {

using namespace std::chrono_literals;
using namespace astra::host;
using astra::test::run_until;
using astra::test::TestServer;

// ---------------------------------------------------------------------------------------------
// Pure parts

TEST(Url, ParsesAndNormalizes) {
  auto u = parse_url("WSS://Stream.Example.com:9443/stream?streams=a@depth#x");
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u->scheme, "wss");
  EXPECT_EQ(u->host, "stream.example.com");
  EXPECT_EQ(u->port, "9443");
  EXPECT_EQ(u->target, "/stream?streams=a@depth");
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host_header(), "stream.example.com:9443");
  EXPECT_EQ(u->endpoint(), "wss://stream.example.com:9443/stream");

  auto d = parse_url("https://api.example.com?x=1");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->port, "443");
  EXPECT_EQ(d->target, "/?x=1");
  EXPECT_EQ(d->host_header(), "api.example.com");

  auto v6 = parse_url("http://[::1]:8080/p");
  ASSERT_TRUE(v6.ok()) << v6.error().message;
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->host_header(), "[::1]:8080");
}

TEST(Url, PlainSchemesOnlyToLoopback) {
  EXPECT_TRUE(parse_url("http://127.0.0.1:1/").ok());
  EXPECT_TRUE(parse_url("ws://127.10.0.3:1/").ok());
  EXPECT_TRUE(parse_url("ws://localhost:1/").ok());
  EXPECT_TRUE(parse_url("http://[::1]:1/").ok());
  for (const char* bad : {"http://example.com/", "ws://10.0.0.1/", "http://128.0.0.1/",
                          "http://localhost.evil.com/"}) {
    auto r = parse_url(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find("only to loopback"), std::string::npos) << r.error().message;
  }
  EXPECT_FALSE(parse_url("ftp://127.0.0.1/").ok());
  EXPECT_FALSE(parse_url("https://user:pw@example.com/").ok());
  EXPECT_FALSE(parse_url("https://example.com:99999/").ok());
  EXPECT_FALSE(parse_url("https:///path").ok());
}

TEST(Backoff, CeilingDoublesFromBaseToCap) {
  const BackoffPolicy p;
  EXPECT_EQ(backoff_ceiling(p, 0), 0ms);
  EXPECT_EQ(backoff_ceiling(p, 1), 250ms);
  EXPECT_EQ(backoff_ceiling(p, 2), 500ms);
  EXPECT_EQ(backoff_ceiling(p, 3), 1000ms);
  EXPECT_EQ(backoff_ceiling(p, 7), 16000ms);
  EXPECT_EQ(backoff_ceiling(p, 8), 30000ms);
  EXPECT_EQ(backoff_ceiling(p, 1000), 30000ms);
}

TEST(Backoff, FullJitterSpansZeroToTheCeiling) {
  const BackoffPolicy p;
  EXPECT_EQ(backoff_delay(p, 3, 0.0), 0ms);
  EXPECT_EQ(backoff_delay(p, 3, 0.5), 500ms);
  EXPECT_EQ(backoff_delay(p, 3, 0.999999), 999ms);
  EXPECT_EQ(backoff_delay(p, 3, 7.0), 1000ms) << "out-of-range jitter is clamped";
  EXPECT_EQ(backoff_delay(p, 0, 0.9), 0ms) << "no failure, no delay";
}

TEST(Backoff, PacerCountsShortLivedConnectionsAndResetsAfterAHealthyOne) {
  ReconnectPacer pacer;
  const std::string e = "wss://x:443/ws";
  const auto t0 = ReconnectPacer::Clock::now();
  pacer.failed(e);
  pacer.ended(e, t0, t0 + 5s);  // closed soon after opening
  EXPECT_EQ(pacer.failures(e), 2u);
  EXPECT_EQ(pacer.delay(e, 0.5), 250ms);
  pacer.ended(e, t0, t0 + 61s);  // lived past 60 s
  EXPECT_EQ(pacer.failures(e), 1u) << "starts over at one step";
  EXPECT_EQ(pacer.delay(e, 0.99), 247ms);
}

TEST(Backoff, HealthyConnectionsDroppedTogetherStillReconnectJittered) {
  ReconnectPacer pacer;
  const std::string e = "wss://x:443/ws";
  const auto t0 = ReconnectPacer::Clock::now();
  // A venue drops 10 connections that had been up for an hour, paced long ago at level 3: each
  // replacement waits a jittered [0, base), none of them zero for everyone (lockstep).
  for (uint32_t level = 0; level < 3; ++level)
    pacer.failed(e, level);
  for (int i = 0; i < 10; ++i)
    pacer.ended(e, t0, t0 + 3600s, 3u);
  EXPECT_EQ(pacer.failures(e), 1u);
  EXPECT_EQ(pacer.delay(e, 0.0), 0ms);
  EXPECT_EQ(pacer.delay(e, 0.5), 125ms);
  // One replacement (paced at 1) is refused: the next step; a late healthy sibling keeps it.
  pacer.failed(e, 1u);
  pacer.ended(e, t0, t0 + 3600s, 3u);
  EXPECT_EQ(pacer.failures(e), 2u);
}

TEST(Backoff, ConnectionsFailingTogetherRaiseTheBackoffOneStep) {
  ReconnectPacer pacer;
  const std::string e = "wss://x:443/ws";
  const auto t0 = ReconnectPacer::Clock::now();
  // 100 connections paced at level 0 end together (a venue-wide disconnect): one step, not 100
  // (which would put every reconnect at the 30 s cap).
  for (int i = 0; i < 100; ++i)
    pacer.ended(e, t0, t0 + 5s, 0u);
  EXPECT_EQ(pacer.failures(e), 1u);
  EXPECT_EQ(pacer.delay(e, 0.999), 249ms);
  // Their 100 replacements, paced at level 1, are all refused: the next step.
  for (int i = 0; i < 100; ++i)
    pacer.failed(e, 1u);
  EXPECT_EQ(pacer.failures(e), 2u);
  // A single connection's consecutive failures still double the ceiling each time.
  for (uint32_t level = 2; level < 6; ++level)
    pacer.failed(e, level);
  EXPECT_EQ(pacer.failures(e), 6u);
  EXPECT_EQ(backoff_ceiling(BackoffPolicy{}, pacer.failures(e)), 8000ms);
}

TEST(RequestBudget, IsATokenBucketInWeight) {
  const auto t0 = RequestBudget::Clock::now();
  RequestBudget b({10, 1000ms}, t0);
  EXPECT_TRUE(b.try_take(6, t0));
  EXPECT_FALSE(b.try_take(6, t0));
  EXPECT_TRUE(b.try_take(4, t0));
  EXPECT_FALSE(b.try_take(1, t0 + 50ms));  // 0.5 refilled
  EXPECT_TRUE(b.try_take(6, t0 + 650ms));  // 6.5 refilled
  EXPECT_FALSE(b.try_take(11, t0 + 10s)) << "more than the whole budget never fits";
  EXPECT_TRUE(b.try_take(10, t0 + 10s));
}

TEST(RequestBudget, RetryAfterBlocksUntilThen) {
  const auto t0 = RequestBudget::Clock::now();
  RequestBudget b({100, 1000ms}, t0);
  b.block_until(t0 + 30s);
  EXPECT_FALSE(b.try_take(1, t0 + 29s));
  EXPECT_TRUE(b.try_take(1, t0 + 30s));
}

TEST(RequestBudget, ParsesRetryAfter) {
  const auto now = std::chrono::system_clock::from_time_t(784111777);  // 1994-11-06 08:49:37
  EXPECT_EQ(parse_retry_after("30", now), 30s);
  EXPECT_EQ(parse_retry_after(" 0 ", now), 0s);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:50:37 GMT", now), 60s);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:40:00 GMT", now), 0s) << "past dates: now";
  EXPECT_EQ(parse_retry_after("soon", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("", now), std::nullopt);
}

TEST(TransportOptions, ReadsTheVenueSection) {
  auto o = transport_options_from_json(
      R"({"enabled":true,"request_budget":{"weight":1200,"interval_ms":60000},)"
      R"("request_timeout_ms":2500,"max_response_bytes":1000,"ca_file":"/etc/ca.pem"})");
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ(o->budget.weight, 1200u);
  EXPECT_EQ(o->budget.interval, 60000ms);
  EXPECT_EQ(o->http.default_timeout, 2500ms);
  EXPECT_EQ(o->http.max_body_bytes, 1000u);
  EXPECT_EQ(o->ca_file, "/etc/ca.pem");

  EXPECT_EQ(o->backoff.base, 250ms) << "defaults when not configured";
  EXPECT_EQ(o->backoff.cap, 30000ms);

  auto b = transport_options_from_json(
      R"({"reconnect_backoff":{"base_ms":50,"cap_ms":800,"healthy_after_ms":1000}})");
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->backoff.base, 50ms);
  EXPECT_EQ(b->backoff.cap, 800ms);
  EXPECT_EQ(b->backoff.healthy_after, 1000ms);
  auto inverted =
      transport_options_from_json(R"({"reconnect_backoff":{"base_ms":900,"cap_ms":800}})");
  ASSERT_FALSE(inverted.ok());
  EXPECT_EQ(inverted.error().message,
            "reconnect_backoff.cap_ms: must be between base_ms and 3600000");
  EXPECT_FALSE(transport_options_from_json(R"({"reconnect_backoff":{"base_ms":0}})").ok());

  auto bad = transport_options_from_json(R"({"request_budget":{"weight":-5}})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "request_budget.weight: must be a positive integer");
  EXPECT_TRUE(transport_options_from_json("").ok());
  EXPECT_FALSE(transport_options_from_json("[1]").ok());
}

TEST(TransportOptions, ThePluginIsGivenTheSectionWithoutThem) {
  EXPECT_EQ(plugin_settings_json(
                R"({"families":["spot"],"request_budget":{"weight":1},"ca_file":"/etc/ca.pem",)"
                R"("reconnect_backoff":{"base_ms":50},)"
                R"("request_timeout_ms":5,"max_response_bytes":6,"max_ws_message_bytes":7,)"
                R"("spot":{"rest":"https://127.0.0.1:1"}})"),
            R"({"families":["spot"],"spot":{"rest":"https://127.0.0.1:1"}})");
  EXPECT_EQ(plugin_settings_json("{}"), "{}");
  EXPECT_EQ(plugin_settings_json("not json"), "not json");
}

// ---------------------------------------------------------------------------------------------
// NetIo against loopback servers

struct Events final : IoEvents {
  std::map<uint64_t, HttpResult> responses;
  std::vector<uint64_t> opened;
  std::vector<std::pair<std::string, bool>> messages;
  std::optional<std::pair<int32_t, std::string>> closed;
  std::vector<uint64_t> timers;

  void on_http_response(uint64_t token, const HttpResult& r) override { responses[token] = r; }
  void on_ws_open(uint64_t conn) override { opened.push_back(conn); }
  void on_ws_message(uint64_t, std::string_view data, bool binary) override {
    messages.emplace_back(std::string(data), binary);
  }
  void on_ws_close(uint64_t, int32_t code, std::string_view reason) override {
    closed.emplace(code, std::string(reason));
  }
  void on_timer(uint64_t token) override { timers.push_back(token); }
};

struct NetIoTest : ::testing::Test {
  boost::asio::io_context io;
  astra::test::LogCapture log;
  Events events;
  std::unique_ptr<NetIo> net;

  void make(TransportOptions options = {}) {
    auto r = NetIo::create(io, std::move(options), log.logger(), "test");
    ASSERT_TRUE(r.ok()) << r.error().message;
    net = std::move(*r);
    net->attach(&events);
  }
  static HttpRequest get(const std::string& url, uint32_t weight = 1, uint32_t timeout_ms = 0) {
    HttpRequest r;
    r.url = url;
    r.weight = weight;
    r.timeout_ms = timeout_ms;
    return r;
  }
  const HttpResult& wait_response(uint64_t token) {
    EXPECT_TRUE(run_until(io, [&] { return events.responses.count(token) != 0; }))
        << "no response for token " << token;
    return events.responses[token];
  }
  static std::string url(const TestServer& s, const std::string& path,
                         const char* scheme = "http") {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(s.port()) + path;
  }
};

TEST_F(NetIoTest, ReusesKeepAliveConnections) {
  make();
  TestServer server(io, TestServer::Kind::http);
  ASSERT_EQ(net->http_request(get(url(server, "/hello")), 1), ASTRA_OK);
  EXPECT_EQ(events.responses.count(1), 0u) << "results never arrive inside the call";
  const auto& a = wait_response(1);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, "hi");
  ASSERT_EQ(net->http_request(get(url(server, "/hello")), 2), ASTRA_OK);
  EXPECT_EQ(wait_response(2).status, 200);
  EXPECT_EQ(server.stats().requests, 2);
  EXPECT_EQ(server.stats().connections, 1);
  EXPECT_EQ(net->http_connections_opened(), 1u);
}

TEST_F(NetIoTest, ARequestTimesOut) {
  make();
  TestServer server(io, TestServer::Kind::http);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(net->http_request(get(url(server, "/slow"), 1, 100), 1), ASTRA_OK);
  const auto& r = wait_response(1);
  EXPECT_EQ(r.error, ASTRA_E_DEADLINE_EXCEEDED) << r.body;
  EXPECT_EQ(r.status, 0);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 100ms);
}

TEST_F(NetIoTest, TheResponseBodyIsCapped) {
  TransportOptions o;
  o.http.max_body_bytes = 1024 * 1024;
  make(o);
  TestServer server(io, TestServer::Kind::http);
  net->http_request(get(url(server, "/big")), 1);
  const auto& r = wait_response(1);
  EXPECT_EQ(r.error, ASTRA_E_UPSTREAM);
  EXPECT_NE(r.body.find("larger than 1048576 bytes"), std::string::npos) << r.body;
}

TEST_F(NetIoTest, ARequestOverBudgetNeverReachesTheVenue) {
  TransportOptions o;
  o.budget = {10, 60000ms};
  make(o);
  TestServer server(io, TestServer::Kind::http);
  net->http_request(get(url(server, "/hello"), 8), 1);
  EXPECT_EQ(wait_response(1).status, 200);
  ASSERT_EQ(net->http_request(get(url(server, "/hello"), 8), 2), ASTRA_OK);
  const auto& r = wait_response(2);
  EXPECT_EQ(r.error, ASTRA_E_RESOURCE_EXHAUSTED);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(server.stats().requests, 1);
}

TEST_F(NetIoTest, RetryAfterBlocksTheVenuesRequests) {
  make();
  TestServer server(io, TestServer::Kind::http);
  net->http_request(get(url(server, "/429")), 1);
  EXPECT_EQ(wait_response(1).status, 429);
  net->http_request(get(url(server, "/hello")), 2);
  const auto& r = wait_response(2);
  EXPECT_EQ(r.error, ASTRA_E_RESOURCE_EXHAUSTED);
  EXPECT_EQ(server.stats().requests, 1);
  EXPECT_TRUE(log.contains("requests paused for 30 s")) << log.all();
}

TEST_F(NetIoTest, ConnectionRefusedIsUnavailable) {
  make();
  const uint16_t port = astra::test::closed_port(io);
  net->http_request(get("http://127.0.0.1:" + std::to_string(port) + "/hello"), 1);
  EXPECT_EQ(wait_response(1).error, ASTRA_E_UNAVAILABLE);
}

TEST_F(NetIoTest, PlainHttpToTheInternetIsRefused) {
  make();
  EXPECT_EQ(net->http_request(get("http://example.com/"), 1), ASTRA_E_INVALID_ARGUMENT);
  uint64_t conn = 0;
  EXPECT_EQ(net->ws_open("ws://example.com/ws", conn), ASTRA_E_INVALID_ARGUMENT);
  EXPECT_TRUE(log.contains("only to loopback")) << log.all();
}

TEST_F(NetIoTest, TimersFireWithTheirToken) {
  make();
  net->timer_start(5, 77);
  const uint64_t cancelled = net->timer_start(5, 78);
  net->timer_cancel(cancelled);
  ASSERT_TRUE(run_until(io, [&] { return !events.timers.empty(); }));
  run_until(
      io, [] { return false; }, 30ms);
  EXPECT_EQ(events.timers, std::vector<uint64_t>{77});
}

TEST_F(NetIoTest, WebSocketTextBinaryPingAndCloseCodes) {
  make();
  TestServer server(io, TestServer::Kind::ws);
  uint64_t conn = 0;
  ASSERT_EQ(net->ws_open(url(server, "/ws?x=1", "ws"), conn), ASTRA_OK);
  ASSERT_TRUE(run_until(io, [&] { return !events.opened.empty(); }));
  EXPECT_EQ(events.opened[0], conn);

  EXPECT_EQ(net->ws_send(conn, "hello"), ASTRA_OK);
  EXPECT_EQ(net->ws_send(conn, "binary"), ASTRA_OK);
  EXPECT_EQ(net->ws_send(conn, "ping"), ASTRA_OK);
  ASSERT_TRUE(run_until(io, [&] { return events.messages.size() == 3; }));
  EXPECT_EQ(events.messages[0], std::make_pair(std::string("hello"), false));
  EXPECT_EQ(events.messages[1], std::make_pair(std::string("\x00\x01\xfe\xff", 4), true));
  EXPECT_EQ(events.messages[2].first, "pinged");
  net->ws_send(conn, "pongs?");
  ASSERT_TRUE(run_until(io, [&] { return events.messages.size() == 4; }));
  EXPECT_EQ(events.messages[3].first, "pongs 1") << "the host answers pings itself";

  net->ws_send(conn, "close");
  ASSERT_TRUE(run_until(io, [&] { return events.closed.has_value(); }));
  EXPECT_EQ(events.closed->first, 4001);
  EXPECT_EQ(events.closed->second, "bye");
  EXPECT_EQ(net->ws_send(conn, "late"), ASTRA_E_FAILED_PRECONDITION);
}

TEST_F(NetIoTest, WebSocketKeepAlivePingsAQuietPeerAndEndsAStalledOne) {
  TransportOptions o;
  o.ws.idle_timeout = 200ms;
  make(o);
  TestServer server(io, TestServer::Kind::ws);
  uint64_t conn = 0;
  ASSERT_EQ(net->ws_open(url(server, "/ws", "ws"), conn), ASTRA_OK);
  ASSERT_TRUE(run_until(io, [&] { return !events.opened.empty(); }));

  // Quiet but answering pings: pinged after 100-150 ms of silence, kept open.
  run_until(
      io, [] { return false; }, 700ms);
  EXPECT_FALSE(events.closed.has_value()) << events.closed->second;
  EXPECT_GE(server.stats().pings, 2);
  EXPECT_EQ(net->ws_send(conn, "still"), ASTRA_OK);
  ASSERT_TRUE(run_until(io, [&] { return events.messages.size() == 1; }));

  // Stalled (reads nothing, so no pong): ended after the idle timeout without a frame, at most
  // 1.25 of it (plus scheduling).
  EXPECT_EQ(net->ws_send(conn, "mute"), ASTRA_OK);
  const auto muted = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until(
      io, [&] { return events.closed.has_value(); }, 2s));
  const auto took = std::chrono::steady_clock::now() - muted;
  EXPECT_EQ(events.closed->first, 1006);
  EXPECT_NE(events.closed->second.find("timeout"), std::string::npos) << events.closed->second;
  EXPECT_GE(took, 150ms) << "the last frame heard (the echo) came just before the mute";
  EXPECT_LT(took, 1500ms);
}

TEST_F(NetIoTest, AnOversizedWebSocketMessageClosesWith1009) {
  TransportOptions o;
  o.ws.max_message_bytes = 1024 * 1024;
  make(o);
  TestServer server(io, TestServer::Kind::ws);
  uint64_t conn = 0;
  net->ws_open(url(server, "/ws", "ws"), conn);
  ASSERT_TRUE(run_until(io, [&] { return !events.opened.empty(); }));
  net->ws_send(conn, "big");
  ASSERT_TRUE(run_until(io, [&] { return events.closed.has_value(); }));
  EXPECT_EQ(events.closed->first, 1009);
  EXPECT_TRUE(events.messages.empty());
}

TEST_F(NetIoTest, APluginClosedConnectionReportsNothing) {
  make();
  TestServer server(io, TestServer::Kind::ws);
  uint64_t conn = 0;
  net->ws_open(url(server, "/ws", "ws"), conn);
  ASSERT_TRUE(run_until(io, [&] { return !events.opened.empty(); }));
  net->ws_close(conn);
  run_until(
      io, [] { return false; }, 50ms);
  EXPECT_FALSE(events.closed.has_value());
}

TEST_F(NetIoTest, ReconnectingAfterAFailureIsPacedByBackoff) {
  make();
  net->set_jitter([] { return 0.999; });
  const uint16_t port = astra::test::closed_port(io);
  const std::string u = "ws://127.0.0.1:" + std::to_string(port) + "/ws";
  uint64_t conn = 0;
  const auto t0 = std::chrono::steady_clock::now();
  net->ws_open(u, conn);
  ASSERT_TRUE(run_until(io, [&] { return events.closed.has_value(); }));
  EXPECT_EQ(events.closed->first, 1006);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 240ms) << "the first attempt is not delayed";
  EXPECT_EQ(net->reconnect_failures(u + "?q=1"), 1u) << "the query does not matter";

  events.closed.reset();
  const auto t1 = std::chrono::steady_clock::now();
  net->ws_open(u, conn);
  ASSERT_TRUE(run_until(io, [&] { return events.closed.has_value(); }));
  EXPECT_GE(std::chrono::steady_clock::now() - t1, 240ms) << "0.999 x 250 ms";
  EXPECT_EQ(net->reconnect_failures(u), 2u);
  EXPECT_TRUE(log.contains("reconnecting to " + u + " in 249 ms")) << log.all();
}

TEST_F(NetIoTest, NoEventAfterTheIoIsGone) {
  make();
  TestServer server(io, TestServer::Kind::http);
  net->http_request(get(url(server, "/slow"), 1, 50), 1);
  net->timer_start(1, 1);
  net.reset();
  run_until(
      io, [] { return false; }, 100ms);
  EXPECT_TRUE(events.responses.empty());
  EXPECT_TRUE(events.timers.empty());
}

// ---------------------------------------------------------------------------------------------
// TLS

std::shared_ptr<boost::asio::ssl::context> server_tls(const astra::test::SelfSigned& cert) {
  auto ctx = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
  ctx->use_certificate_chain(boost::asio::buffer(cert.cert_pem));
  ctx->use_private_key(boost::asio::buffer(cert.key_pem), boost::asio::ssl::context::pem);
  return ctx;
}

TEST_F(NetIoTest, HttpsFailsVerificationWithAnUntrustedCertificate) {
  make();
  const auto cert = astra::test::make_self_signed("astra-test", "DNS:localhost,IP:127.0.0.1");
  TestServer server(io, TestServer::Kind::http, server_tls(cert));
  net->http_request(get(url(server, "/hello", "https")), 1);
  const auto& r = wait_response(1);
  EXPECT_EQ(r.error, ASTRA_E_UNAVAILABLE);
  EXPECT_NE(r.body.find("certificate verify failed"), std::string::npos) << r.body;
  EXPECT_EQ(server.stats().requests, 0);
}

TEST_F(NetIoTest, HttpsSucceedsWhenTheCertificateIsTheExtraCa) {
  const auto cert = astra::test::make_self_signed("astra-test", "DNS:localhost,IP:127.0.0.1");
  astra::test::TempFile ca(cert.cert_pem, ".pem");
  TransportOptions o;
  o.ca_file = ca.path().string();
  make(o);
  TestServer server(io, TestServer::Kind::http, server_tls(cert));
  net->http_request(get(url(server, "/hello", "https")), 1);
  const auto& r = wait_response(1);
  EXPECT_EQ(r.error, ASTRA_OK) << r.body;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hi");
}

TEST_F(NetIoTest, HttpsChecksTheHostName) {
  const auto cert = astra::test::make_self_signed("astra-test", "DNS:venue.example");
  astra::test::TempFile ca(cert.cert_pem, ".pem");
  TransportOptions o;
  o.ca_file = ca.path().string();
  make(o);
  TestServer server(io, TestServer::Kind::http, server_tls(cert));
  net->http_request(get(url(server, "/hello", "https")), 1);
  const auto& r = wait_response(1);
  EXPECT_EQ(r.error, ASTRA_E_UNAVAILABLE) << "trusted, but issued for another host";
  EXPECT_EQ(server.stats().requests, 0);
}

TEST_F(NetIoTest, WssWorksWithTheExtraCa) {
  const auto cert = astra::test::make_self_signed("astra-test", "IP:127.0.0.1");
  astra::test::TempFile ca(cert.cert_pem, ".pem");
  TransportOptions o;
  o.ca_file = ca.path().string();
  make(o);
  TestServer server(io, TestServer::Kind::ws, server_tls(cert));
  uint64_t conn = 0;
  net->ws_open(url(server, "/ws", "wss"), conn);
  ASSERT_TRUE(run_until(io, [&] { return !events.opened.empty() || events.closed; }));
  ASSERT_FALSE(events.closed.has_value()) << events.closed->second;
  net->ws_send(conn, "secure hello");
  ASSERT_TRUE(run_until(io, [&] { return !events.messages.empty(); }));
  EXPECT_EQ(events.messages[0].first, "secure hello");
}

TEST(NetIoCreate, ABadCaFileIsAnError) {
  boost::asio::io_context io;
  astra::test::LogCapture log;
  TransportOptions o;
  o.ca_file = "/nonexistent/ca.pem";
  auto r = NetIo::create(io, o, log.logger(), "test");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "bad_ca_file");
}

}  // namespace
