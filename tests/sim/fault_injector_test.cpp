// FaultInjector through a LoopbackServer: every fault observable from a real client, exactly as
// specified, and the random ones reproducible for a seed.
#include "astra/sim/fault_injector.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <map>
#include <set>

#include "astra/sim/loopback_server.hpp"
#include "test_client.hpp"

namespace astra::sim {
namespace {

using namespace std::chrono_literals;
using test::WsClient;

// A server with one REST route per prefix and a WebSocket endpoint whose sessions the test drives.
class Fixture {
 public:
  explicit Fixture(std::shared_ptr<FaultInjector> faults, std::chrono::milliseconds ping = 20s)
      : faults_(std::move(faults)) {
    ServerOptions o;
    o.ping_interval = ping;
    o.faults = faults_;
    server_ = std::make_unique<LoopbackServer>(o);
    server_->route("/api/depth", [](const HttpRequest&) {
      return HttpResponse{200, "{\"ok\":1}", "application/json", {}};
    });
    server_->route("/other", [](const HttpRequest&) {
      return HttpResponse{200, "{\"ok\":2}", "application/json", {}};
    });
    WsHandlers ws;
    ws.accept = [](const HttpRequest& r) { return r.path == "/ws"; };
    ws.on_open = [this](const std::shared_ptr<WsSession>& s, const HttpRequest&) {
      std::lock_guard lock(mutex_);
      sessions_.push_back(s);
    };
    ws.on_close = [this](uint64_t id) {
      std::lock_guard lock(mutex_);
      closed_.insert(id);
    };
    server_->websocket(std::move(ws));
    std::string error;
    started_ = server_->start(0, error);
    EXPECT_TRUE(started_) << error;
  }

  uint16_t port() const { return server_->port(); }

  // Sends frames on the newest session from the io thread, in order.
  void send(const std::vector<std::string>& frames, bool binary = false) {
    server_->run_sync([&] {
      std::lock_guard lock(mutex_);
      ASSERT_FALSE(sessions_.empty());
      for (const auto& f : frames)
        binary ? sessions_.back()->send_binary(f) : sessions_.back()->send(f);
    });
  }

  uint64_t last_session_id() {
    std::lock_guard lock(mutex_);
    return sessions_.empty() ? 0 : sessions_.back()->id();
  }

  bool closed(uint64_t id) {
    for (int i = 0; i < 200; ++i) {
      {
        std::lock_guard lock(mutex_);
        if (closed_.count(id)) return true;
      }
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }

  LoopbackServer& server() { return *server_; }

 private:
  std::shared_ptr<FaultInjector> faults_;
  std::unique_ptr<LoopbackServer> server_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<WsSession>> sessions_;
  std::set<uint64_t> closed_;
  bool started_ = false;
};

std::vector<std::string> numbered(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i)
    out.push_back(std::to_string(i));
  return out;
}

// Reads until the frame `last` has come and nothing more follows for a moment (a reordered frame
// may come after it).
std::vector<std::string> read_until(WsClient& c, const std::string& last) {
  std::vector<std::string> out;
  bool seen_last = false;
  while (auto f = c.read(seen_last ? 200ms : 2s)) {
    seen_last = seen_last || *f == last;
    out.push_back(*f);
  }
  EXPECT_TRUE(seen_last);
  return out;
}

// Connects one client, sends 0..n-1 then "end" (never faulted), returns what arrived.
struct RandomRun {
  std::vector<std::string> received;
  std::vector<std::string> dropped;  // as reported by on_dropped
  FaultCounters counters;
};

RandomRun random_run(uint64_t seed, FrameFaults f, int n) {
  auto faults = std::make_shared<FaultInjector>(seed);
  RandomRun run;
  std::mutex m;
  faults->on_dropped([&](uint64_t, std::string_view frame) {
    std::lock_guard lock(m);
    run.dropped.emplace_back(frame);
  });
  faults->set_fault_filter([](uint64_t, std::string_view frame) { return frame != "end"; });
  faults->set_frame_faults(f);
  Fixture fx(faults);
  WsClient c;
  EXPECT_TRUE(c.connect(fx.port(), "/ws"));
  auto frames = numbered(n);
  frames.push_back("end");
  fx.send(frames);
  run.received = read_until(c, "end");
  run.counters = faults->counters();
  return run;
}

TEST(FaultInjector, RandomDropDuplicateReorderAreExactAndReproducible) {
  const FrameFaults f{0.10, 0.05, 0.05};
  const int n = 2000;
  const RandomRun a = random_run(42, f, n);
  ASSERT_FALSE(a.received.empty());
  EXPECT_EQ(a.counters.frames_seen, uint64_t(n + 1));

  // Every number arrives 0 times (dropped), once, or twice in a row (duplicated); a reordered
  // frame arrives right after the frame that followed it.
  std::map<int, int> seen;
  uint64_t adjacent_duplicates = 0, inversions = 0;
  std::vector<int> order;
  for (const auto& frame : a.received) {
    const int v = frame == "end" ? n : std::stoi(frame);  // "end" was sent last
    ++seen[v];
    if (!order.empty() && order.back() == v) {
      ++adjacent_duplicates;
      continue;
    }
    if (!order.empty() && v < order.back()) ++inversions;
    order.push_back(v);
  }
  std::vector<std::string> missing;
  for (int i = 0; i < n; ++i) {
    EXPECT_LE(seen[i], 2) << i;
    if (seen[i] == 0) missing.push_back(std::to_string(i));
  }
  EXPECT_EQ(missing.size(), a.counters.dropped);
  EXPECT_EQ(a.dropped, missing) << "on_dropped reports exactly the frames that never arrived";
  EXPECT_EQ(adjacent_duplicates, a.counters.duplicated);
  EXPECT_EQ(inversions, a.counters.reordered);
  // The probabilities are honoured (a seed fixes the draws: these bounds are far from the edges).
  EXPECT_GT(a.counters.dropped, 120u);
  EXPECT_LT(a.counters.dropped, 280u);
  EXPECT_GT(a.counters.duplicated, 40u);
  EXPECT_GT(a.counters.reordered, 40u);
  std::cout << "seed 42, " << n << " frames: " << a.counters.dropped << " dropped, "
            << a.counters.duplicated << " duplicated, " << a.counters.reordered << " reordered\n";

  const RandomRun again = random_run(42, f, n);
  EXPECT_EQ(again.received, a.received) << "one seed, one sequence";
  const RandomRun other = random_run(43, f, n);
  EXPECT_NE(other.received, a.received);
}

TEST(FaultInjector, DropNextIsABurstOnOneSessionOrAny) {
  auto faults = std::make_shared<FaultInjector>();
  Fixture fx(faults);
  WsClient c;
  ASSERT_TRUE(c.connect(fx.port(), "/ws"));
  const uint64_t id = fx.last_session_id();
  faults->drop_next(3, id + 1000);  // another session: no effect here
  faults->drop_next(5, id);
  fx.send(numbered(8));
  EXPECT_EQ(c.read(), "5");
  EXPECT_EQ(c.read(), "6");
  faults->drop_next(2);                       // any session
  fx.send({"a", "b", "c"}, /*binary=*/true);  // binary frames go through the injector too
  EXPECT_EQ(c.read(), "7");
  EXPECT_EQ(c.read(), "c");
  EXPECT_EQ(faults->counters().dropped, 7u);
}

TEST(FaultInjector, HeartbeatOnlyWithholdsDataButNotHeartbeatsOrPings) {
  auto faults = std::make_shared<FaultInjector>();
  faults->set_heartbeat_filter([](std::string_view f) { return f == "pong"; });
  Fixture fx(faults, 30ms);
  WsClient c;
  ASSERT_TRUE(c.connect(fx.port(), "/ws"));
  faults->heartbeat_only(fx.last_session_id());
  fx.send({"data1", "pong", "data2"});
  EXPECT_EQ(c.read(), "pong");
  EXPECT_FALSE(c.read(200ms)) << "data frames are withheld";
  EXPECT_GT(c.pings_seen, 0) << "WebSocket pings still go";
  EXPECT_TRUE(c.ping_answered()) << "and pongs are still answered";
  EXPECT_EQ(faults->counters().withheld, 2u);
  faults->clear();
  fx.send({"data3"});
  EXPECT_EQ(c.read(), "data3");
}

TEST(FaultInjector, StallKeepsTcpOpenButSendsNothingNotEvenPongs) {
  auto faults = std::make_shared<FaultInjector>();
  Fixture fx(faults, 30ms);
  WsClient c;
  ASSERT_TRUE(c.connect(fx.port(), "/ws"));
  ASSERT_TRUE(c.ping_answered());
  fx.send({"before"});
  EXPECT_EQ(c.read(), "before");
  const uint64_t id = fx.last_session_id();
  faults->stall(id);
  fx.server().run_sync([] {});  // the stall is posted to the io thread ahead of what follows
  EXPECT_FALSE(c.read(50ms));   // takes in a ping that was on its way before the stall
  c.pings_seen = 0;
  fx.send({"after"});
  EXPECT_FALSE(c.read(300ms));
  EXPECT_EQ(c.last_error, boost::asio::error::timed_out) << "the connection is still open";
  EXPECT_EQ(c.pings_seen, 0) << "no pings from a stalled server";
  EXPECT_FALSE(c.ping_answered(300ms)) << "no pong answers either";
  EXPECT_EQ(faults->counters().withheld, 1u);
  ASSERT_EQ(faults->sessions().size(), 1u);
  EXPECT_TRUE(faults->sessions()[0].open);

  faults->disconnect(id);
  EXPECT_FALSE(c.read(2s));
  EXPECT_NE(c.last_error, boost::asio::error::timed_out);
  EXPECT_TRUE(fx.closed(id));
  EXPECT_FALSE(faults->sessions()[0].open);
}

TEST(FaultInjector, StallAllAppliesToFutureSessionsUntilCleared) {
  auto faults = std::make_shared<FaultInjector>();
  Fixture fx(faults, 30ms);
  faults->stall(0);
  WsClient c;
  ASSERT_TRUE(c.connect(fx.port(), "/ws")) << "the upgrade is still answered";
  EXPECT_FALSE(c.ping_answered(300ms));
  faults->clear();
  WsClient d;
  ASSERT_TRUE(d.connect(fx.port(), "/ws"));
  EXPECT_TRUE(d.ping_answered());
}

TEST(FaultInjector, DisconnectClosesTcpWithoutACloseFrame) {
  auto faults = std::make_shared<FaultInjector>();
  Fixture fx(faults);
  WsClient c;
  ASSERT_TRUE(c.connect(fx.port(), "/ws"));
  const uint64_t id = fx.last_session_id();
  faults->disconnect(0);
  EXPECT_FALSE(c.read(2s));
  EXPECT_NE(c.last_error, boost::beast::websocket::error::closed) << "no close frame";
  EXPECT_NE(c.last_error, boost::asio::error::timed_out);
  EXPECT_TRUE(fx.closed(id));
}

TEST(FaultInjector, CloseSendsTheGivenCodeAndReason) {
  auto faults = std::make_shared<FaultInjector>();
  Fixture fx(faults);
  WsClient a, b;
  ASSERT_TRUE(a.connect(fx.port(), "/ws"));
  ASSERT_TRUE(b.connect(fx.port(), "/ws"));
  faults->close(0, 4001, "maintenance");
  for (WsClient* c : {&a, &b}) {
    EXPECT_FALSE(c->read(2s));
    EXPECT_EQ(c->last_error, boost::beast::websocket::error::closed);
    EXPECT_EQ(c->close_reason().code, 4001);
    EXPECT_EQ(std::string(c->close_reason().reason.c_str()), "maintenance");
  }
}

TEST(FaultInjector, RefusedUpgradesAnswerTheStatus) {
  auto faults = std::make_shared<FaultInjector>();
  Fixture fx(faults);
  faults->refuse_upgrades(2, 503);
  for (int i = 0; i < 2; ++i) {
    WsClient c;
    EXPECT_FALSE(c.connect(fx.port(), "/ws"));
    EXPECT_EQ(c.handshake_status(), 503u);
  }
  WsClient c;
  EXPECT_TRUE(c.connect(fx.port(), "/ws"));
  EXPECT_EQ(c.handshake_status(), 101u);
  EXPECT_EQ(faults->counters().ws_upgrades_refused, 2u);
}

TEST(FaultInjector, HttpFaultsAnswerBeforeTheHandlerWithRetryAfter) {
  auto faults = std::make_shared<FaultInjector>();
  Fixture fx(faults);
  faults->fail_http("/api", HttpFault{429, 7, "", 0ms}, 2);
  faults->fail_http("/other", HttpFault{418, -1, "{\"teapot\":true}", 0ms}, 1);
  for (int i = 0; i < 2; ++i) {
    auto r = test::http_get(fx.port(), "/api/depth?symbol=X");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 429u);
    EXPECT_EQ(r->retry_after, "7");
    EXPECT_NE(r->body.find("429"), std::string::npos) << r->body;
  }
  auto ok = test::http_get(fx.port(), "/api/depth");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200u);
  EXPECT_EQ(ok->body, "{\"ok\":1}");
  auto teapot = test::http_get(fx.port(), "/other");
  ASSERT_TRUE(teapot);
  EXPECT_EQ(teapot->status, 418u);
  EXPECT_EQ(teapot->retry_after, "");
  EXPECT_EQ(teapot->body, "{\"teapot\":true}");
  const auto n = faults->counters();
  EXPECT_EQ(n.http_requests, 4u);
  EXPECT_EQ(n.http_faulted, 3u);
}

TEST(FaultInjector, SlowRestAnswersLateWithoutBlockingTheServer) {
  auto faults = std::make_shared<FaultInjector>();
  Fixture fx(faults);
  WsClient c;
  ASSERT_TRUE(c.connect(fx.port(), "/ws"));
  faults->fail_http("/api/depth", HttpFault{0, -1, "", 600ms});
  const auto start = std::chrono::steady_clock::now();
  auto slow =
      std::async(std::launch::async, [&] { return test::http_get(fx.port(), "/api/depth"); });
  std::this_thread::sleep_for(50ms);
  auto fast = test::http_get(fx.port(), "/other");
  ASSERT_TRUE(fast);
  EXPECT_EQ(fast->status, 200u);
  fx.send({"live"});
  EXPECT_EQ(c.read(), "live");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms) << "the io thread kept serving";
  auto r = slow.get();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->body, "{\"ok\":1}");
  EXPECT_GE(std::chrono::steady_clock::now() - start, 600ms);
}

TEST(FaultInjector, RecordsSessionsAndClientFrames) {
  auto faults = std::make_shared<FaultInjector>();
  Fixture fx(faults);
  WsClient c;
  ASSERT_TRUE(c.connect(fx.port(), "/ws?token=abc"));
  ASSERT_TRUE(c.send("hello"));
  ASSERT_TRUE(c.send("world"));
  fx.send({"x", "y"});
  EXPECT_EQ(c.read(), "x");
  EXPECT_EQ(c.read(), "y");
  for (int i = 0; i < 200 && faults->sessions().at(0).frames_sent < 2; ++i)
    std::this_thread::sleep_for(5ms);  // the write completes on the server after the client read
  auto s = faults->sessions();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].id, fx.last_session_id());
  EXPECT_EQ(s[0].server_port, fx.port());
  EXPECT_EQ(s[0].target, "/ws?token=abc");
  EXPECT_TRUE(s[0].open);
  EXPECT_EQ(s[0].frames_sent, 2u);
  ASSERT_EQ(s[0].received.size(), 2u);
  EXPECT_EQ(s[0].received[0].second, "hello");
  EXPECT_EQ(s[0].received[1].second, "world");
  EXPECT_LE(s[0].opened, s[0].received[0].first);
}

TEST(FaultInjector, SessionIdsAreUniqueAcrossServersSharingAnInjector) {
  auto faults = std::make_shared<FaultInjector>();
  Fixture one(faults), two(faults);
  WsClient a, b;
  ASSERT_TRUE(a.connect(one.port(), "/ws"));
  ASSERT_TRUE(b.connect(two.port(), "/ws"));
  EXPECT_NE(one.last_session_id(), two.last_session_id());
  auto s = faults->sessions();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_NE(s[0].server_port, s[1].server_port);
  // A fault on one session leaves the other alone.
  faults->drop_next(1, two.last_session_id());
  one.send({"1"});
  two.send({"2", "3"});
  EXPECT_EQ(a.read(), "1");
  EXPECT_EQ(b.read(), "3");
}

}  // namespace
}  // namespace astra::sim
