// LoopbackServer with a TLS identity: HTTPS and WSS for a client that trusts the test CA, a
// verification failure for one that does not, and clients that never finish a TLS handshake
// (plain text, silence) are dropped and counted while the server keeps serving.
#include <gtest/gtest.h>
#include <astra/sim/loopback_server.hpp>

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <string>

#include "common/test_ca.hpp"
#include "test_client.hpp"

namespace {

using namespace astra::sim;
using namespace astra::sim::test;
namespace ssl = asio::ssl;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// A client context that verifies the peer and trusts exactly `ca_pem` (nothing when empty).
ssl::context client_context(const std::string& ca_pem) {
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_verify_mode(ssl::verify_peer);
  if (!ca_pem.empty()) ctx.add_certificate_authority(asio::buffer(ca_pem));
  return ctx;
}

// Connects and completes the TLS handshake, verifying the certificate is for 127.0.0.1. The
// handshake error (empty on success) is returned.
beast::error_code tls_connect(asio::io_context& io, TlsStream& stream, uint16_t port,
                              std::chrono::milliseconds timeout = 2000ms) {
  stream.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
  bool done = false;
  beast::error_code error;
  beast::get_lowest_layer(stream).async_connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), [&](beast::error_code ec) {
        if (ec) {
          error = ec;
          done = true;
          return;
        }
        stream.async_handshake(ssl::stream_base::client, [&](beast::error_code ec2) {
          error = ec2;
          done = true;
        });
      });
  if (!run_until(io, stream, done, timeout)) return asio::error::timed_out;
  return error;
}

std::optional<HttpResult> https_get(uint16_t port, const std::string& target,
                                    const std::string& ca_pem) {
  asio::io_context io;
  auto ctx = client_context(ca_pem);
  TlsStream stream(io, ctx);
  if (tls_connect(io, stream, port)) return std::nullopt;
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  http::response<http::string_body> res;
  beast::flat_buffer buffer;
  bool done = false;
  beast::error_code error;
  http::async_write(stream, req, [&](beast::error_code ec, size_t) {
    if (ec) {
      error = ec;
      done = true;
      return;
    }
    http::async_read(stream, buffer, res, [&](beast::error_code ec2, size_t) {
      error = ec2;
      done = true;
    });
  });
  if (!run_until(io, stream, done, 2000ms) || error) return std::nullopt;
  return HttpResult{res.result_int(), res.body(), {}, {}};
}

// A blocking WSS client (every call bounded in time).
class WssClient {
 public:
  explicit WssClient(const std::string& ca_pem) : ctx_(client_context(ca_pem)), ws_(io_, ctx_) {}

  bool connect(uint16_t port, const std::string& target) {
    if (tls_connect(io_, ws_.next_layer(), port)) return false;
    bool done = false;
    beast::error_code error;
    ws_.async_handshake("127.0.0.1", target, [&](beast::error_code ec) {
      error = ec;
      done = true;
    });
    return run_until(io_, ws_, done, 2000ms) && !error;
  }

  // The next frame (text or binary), or nullopt on timeout or close.
  std::optional<std::string> read() {
    bool done = false;
    std::optional<std::string> out;
    ws_.async_read(buffer_, [&](beast::error_code ec, size_t) {
      done = true;
      if (ec) return;
      out = beast::buffers_to_string(buffer_.data());
      buffer_.consume(buffer_.size());
    });
    run_until(io_, ws_, done, 2000ms);
    return out;
  }

  bool send(const std::string& text) {
    bool done = false;
    beast::error_code error;
    ws_.text(true);
    ws_.async_write(asio::buffer(text), [&](beast::error_code ec, size_t) {
      error = ec;
      done = true;
    });
    return run_until(io_, ws_, done, 2000ms) && !error;
  }

  bool got_binary() const { return ws_.got_binary(); }

 private:
  asio::io_context io_;
  ssl::context ctx_;
  websocket::stream<TlsStream> ws_;
  beast::flat_buffer buffer_;
};

// Waits (bounded) until pred() holds; the server updates its counters on its own thread.
template <class Pred>
bool eventually(Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (!pred() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  return pred();
}

class LoopbackTls : public ::testing::Test {
 protected:
  void SetUp() override { ca_ = astra::test::make_test_ca(); }

  // A TLS server with GET /hello and an echoing WebSocket that greets with a text and a binary
  // frame.
  void start(ServerOptions options = {}) {
    options.tls = std::make_shared<TlsIdentity>(TlsIdentity{ca_.leaf_chain_pem, ca_.leaf_key_pem});
    server_ = std::make_unique<LoopbackServer>(options);
    server_->route("/hello", [](const HttpRequest&) {
      return HttpResponse{200, "hi", "text/plain", {}};
    });
    WsHandlers ws;
    ws.accept = [](const HttpRequest& req) { return req.path == "/ws"; };
    ws.on_open = [](const std::shared_ptr<WsSession>& s, const HttpRequest&) {
      s->send("welcome");
      s->send_binary(std::string("\x1f\x8b\x00", 3));
    };
    ws.on_message = [](const std::shared_ptr<WsSession>& s, std::string_view text) {
      s->send("echo:" + std::string(text));
    };
    server_->websocket(std::move(ws));
    std::string error;
    ASSERT_TRUE(server_->start(0, error)) << error;
  }

  astra::test::TestCa ca_;
  std::unique_ptr<LoopbackServer> server_;
};

TEST_F(LoopbackTls, HttpsGetWorksForAClientThatTrustsTheTestCa) {
  start();
  auto r = https_get(server_->port(), "/hello", ca_.ca_pem);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->body, "hi");
  EXPECT_EQ(server_->stats().http_requests, 1u);
  EXPECT_EQ(server_->stats().tls_handshakes_failed, 0u);
}

TEST_F(LoopbackTls, WssExchangesTextAndBinaryFramesAndPings) {
  ServerOptions options;
  options.ping_interval = 20ms;
  start(options);
  WssClient ws(ca_.ca_pem);
  ASSERT_TRUE(ws.connect(server_->port(), "/ws"));
  EXPECT_EQ(ws.read(), "welcome");
  EXPECT_EQ(ws.read(), std::string("\x1f\x8b\x00", 3));
  EXPECT_TRUE(ws.got_binary());
  ASSERT_TRUE(ws.send("hello"));
  EXPECT_EQ(ws.read(), "echo:hello");
  // The client answers pings while it reads; keep reading until the server saw a pong.
  for (int i = 0; i < 20 && server_->stats().ws_pongs_received == 0; ++i) {
    ASSERT_TRUE(ws.send("again"));
    EXPECT_EQ(ws.read(), "echo:again");
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_GT(server_->stats().ws_pongs_received, 0u);
  EXPECT_EQ(server_->stats().ws_sessions, 1u);
}

TEST_F(LoopbackTls, AClientThatDoesNotTrustTheCaFailsVerification) {
  start();
  asio::io_context io;
  auto ctx = client_context("");  // the system store only: the test CA is not in it
  TlsStream stream(io, ctx);
  const auto ec = tls_connect(io, stream, server_->port());
  ASSERT_TRUE(ec);
  EXPECT_NE(ec.message().find("certificate verify failed"), std::string::npos) << ec.message();

  // Another CA, same names: still refused.
  const auto other = astra::test::make_test_ca();
  EXPECT_FALSE(https_get(server_->port(), "/hello", other.ca_pem).has_value());
  WssClient ws(other.ca_pem);
  EXPECT_FALSE(ws.connect(server_->port(), "/ws"));
  EXPECT_EQ(server_->stats().http_requests, 0u);
  EXPECT_TRUE(eventually([&] { return server_->stats().tls_handshakes_failed == 3; }))
      << server_->stats().tls_handshakes_failed;
}

TEST_F(LoopbackTls, ACertificateForAnotherHostFailsVerification) {
  ca_ = astra::test::make_test_ca("DNS:venue.example");
  start();
  EXPECT_FALSE(https_get(server_->port(), "/hello", ca_.ca_pem).has_value());
  EXPECT_EQ(server_->stats().http_requests, 0u);
}

TEST_F(LoopbackTls, PlainTextClientsFailCleanlyAndTheServerKeepsServing) {
  start();
  EXPECT_FALSE(http_get(server_->port(), "/hello").has_value());
  WsClient plain_ws;
  EXPECT_FALSE(plain_ws.connect(server_->port(), "/ws"));
  EXPECT_TRUE(eventually([&] { return server_->stats().tls_handshakes_failed == 2; }))
      << server_->stats().tls_handshakes_failed;
  EXPECT_EQ(server_->stats().http_requests, 0u);
  auto r = https_get(server_->port(), "/hello", ca_.ca_pem);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body, "hi");
}

TEST_F(LoopbackTls, AClientThatNeverHandshakesIsDroppedWithoutBlockingOthers) {
  ServerOptions options;
  options.tls_handshake_timeout = 300ms;
  start(options);
  asio::io_context io;
  tcp::socket silent(io);
  silent.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
  // Served meanwhile: one silent client does not hold the io thread.
  auto r = https_get(server_->port(), "/hello", ca_.ca_pem);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body, "hi");
  // Then the silent one is closed by the server: its read ends (EOF) within the timeout.
  bool done = false;
  beast::error_code error;
  char byte = 0;
  silent.async_read_some(asio::buffer(&byte, 1), [&](beast::error_code ec, size_t) {
    error = ec;
    done = true;
  });
  io.run_for(3s);
  ASSERT_TRUE(done) << "the server kept a client that never started TLS";
  EXPECT_TRUE(error);
  EXPECT_TRUE(eventually([&] { return server_->stats().tls_handshakes_failed == 1; }));
}

TEST_F(LoopbackTls, StopClosesTlsClients) {
  start();
  WssClient ws(ca_.ca_pem);
  ASSERT_TRUE(ws.connect(server_->port(), "/ws"));
  EXPECT_EQ(ws.read(), "welcome");
  EXPECT_EQ(ws.read(), std::string("\x1f\x8b\x00", 3));
  server_->stop();
  server_->stop();
  EXPECT_FALSE(ws.read().has_value());
  EXPECT_EQ(server_->stats().ws_sessions, 0u);
}

TEST(LoopbackTlsIdentity, ABadIdentityIsAnErrorAtStart) {
  const auto ca = astra::test::make_test_ca();
  const auto other = astra::test::make_test_ca();
  const std::pair<TlsIdentity, const char*> bad[] = {
      {{"not a certificate", ca.leaf_key_pem}, "certificate"},
      {{ca.leaf_chain_pem, "not a key"}, "key"},
      {{ca.leaf_chain_pem, other.leaf_key_pem}, "key"},  // a key that does not match
  };
  for (const auto& [identity, what] : bad) {
    ServerOptions options;
    options.tls = std::make_shared<TlsIdentity>(identity);
    LoopbackServer server(options);
    std::string error;
    EXPECT_FALSE(server.start(0, error)) << what;
    EXPECT_NE(error.find(what), std::string::npos) << error;
  }
}

}  // namespace
