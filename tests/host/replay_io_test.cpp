// The capture reader and ReplayIo matching, on small captures of our own format written here.
#include "replay/replay_io.hpp"
#include "replay/capture.hpp"

#include <gtest/gtest.h>

#include "temp_file.hpp"

#include <sstream>

namespace {

using namespace astra::host::replay;
using astra::host::HttpRequest;
using astra::host::HttpResult;

Capture parse(const std::string& text) {
  std::istringstream in(text);
  auto r = read_capture(in);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(*r) : Capture{};
}

std::string parse_error(const std::string& text) {
  std::istringstream in(text);
  auto r = read_capture(in);
  EXPECT_FALSE(r.ok());
  if (r.ok()) return {};
  EXPECT_EQ(r.error().code, "bad_capture");
  return r.error().message;
}

const std::string kCapture =
    R"({"type":"meta","source":"TEST.0","configuration":{}})"
    "\n"
    R"({"t":100.5,"type":"http","method":"GET","url":"https://api.x.test/v1/info","status":200,"body":"[1]"})"
    "\n"
    R"({"t":101.0,"type":"ws_open","conn":7,"url":"wss://ws.x.test:9443/stream?streams=a/b"})"
    "\n"
    R"({"t":101.25,"type":"ws_send","conn":7,"text":"SUB btcusdt"})"
    "\n"
    R"({"t":102.0,"type":"ws_recv","conn":7,"text":"first"})"
    "\n"
    R"({"t":102.5,"type":"http","method":"GET","url":"https://api.x.test/v1/depth?symbol=BTC&limit=10","status":200,"body":"depth-1"})"
    "\n"
    R"({"t":103.0,"type":"ws_recv","conn":7,"b64":"AAEC/w=="})"
    "\n"
    R"({"t":104.0,"type":"ws_recv","conn":7,"text":"last"})"
    "\n";

TEST(CaptureReader, ReadsEveryLineType) {
  const Capture c = parse(kCapture);
  EXPECT_EQ(c.source, "TEST.0");
  EXPECT_EQ(c.start_t_us, 100'500'000);
  EXPECT_EQ(c.lines, 8u);
  ASSERT_EQ(c.http.size(), 2u);
  EXPECT_EQ(c.http[0].method, "GET");
  EXPECT_EQ(c.http[0].status, 200);
  EXPECT_EQ(c.http[0].body, "[1]");
  ASSERT_EQ(c.connections.size(), 1u);
  const auto& w = c.connections[0];
  EXPECT_EQ(w.conn, 7u);
  EXPECT_EQ(w.open_t_us, 101'000'000);
  ASSERT_EQ(w.sends.size(), 1u);
  EXPECT_EQ(w.sends[0], "SUB btcusdt");
  ASSERT_EQ(w.frames.size(), 3u);
  EXPECT_EQ(w.frames[0].data, "first");
  EXPECT_FALSE(w.frames[0].binary);
  EXPECT_EQ(w.frames[1].data, std::string("\x00\x01\x02\xff", 4));
  EXPECT_TRUE(w.frames[1].binary);
  EXPECT_EQ(w.frames[2].t_us, 104'000'000);
}

TEST(CaptureReader, ReportsTheLineOfEachDefect) {
  EXPECT_EQ(parse_error("{\"type\":\"meta\"}\nnot json\n"), "line 2: not a JSON object");
  EXPECT_EQ(parse_error(R"({"t":1,"type":"telepathy"})"), "line 1: unknown type 'telepathy'");
  EXPECT_EQ(parse_error(R"({"type":"http","method":"GET","url":"u","status":200})"),
            "line 1: no valid \"t\" (seconds)");
  EXPECT_EQ(parse_error(R"({"t":1,"type":"ws_recv","conn":1,"text":"x"})"),
            "line 1: conn 1 used before ws_open");
  EXPECT_EQ(parse_error(R"({"t":1,"type":"ws_open","conn":1,"url":"wss://a/"})"
                        "\n"
                        R"({"t":1,"type":"ws_recv","conn":1,"b64":"!!"})"),
            "line 2: b64 is not valid base64");
  EXPECT_EQ(parse_error(R"({"t":1,"type":"http","url":"u","status":200})"),
            "line 1: http needs method, url and an integer status");
}

TEST(CaptureReader, AnUnreadableFileIsAnError) {
  auto r = load_capture("/nonexistent/astra/capture.jsonl");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "capture_unreadable");
}

TEST(CaptureReader, LoadsAFile) {
  astra::test::TempFile f(kCapture, ".jsonl");
  auto r = load_capture(f.path().string());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->http.size(), 2u);
}

TEST(SplitUrl, SplitsSchemeHostPathAndQuery) {
  const UrlParts p = split_url("WSS://Stream.X.test:9443/stream?b=2&a=1#frag");
  EXPECT_EQ(p.scheme, "wss");
  EXPECT_EQ(p.host, "stream.x.test:9443");
  EXPECT_EQ(p.path, "/stream");
  EXPECT_EQ(p.query, (std::vector<std::string>{"b=2", "a=1"}));
  EXPECT_EQ(split_url("https://h").path, "/");
  EXPECT_EQ(split_url("https://h?x=1").path, "/");
  EXPECT_TRUE(same_request(split_url("https://a/p?x=1&y=2"), split_url("https://b/p?y=2&x=1")));
  EXPECT_FALSE(same_request(split_url("https://a/p?x=1&y=2"), split_url("https://a/p?x=1")));
  EXPECT_FALSE(same_request(split_url("https://a/p?x=1"), split_url("https://a/q?x=1")));
}

// Records what the ReplayIo delivers, in order.
struct Recorder final : astra::host::IoEvents {
  std::vector<std::string> log;
  astra::host::replay::ReplayIo* io = nullptr;
  void on_http_response(uint64_t token, const HttpResult& r) override {
    log.push_back("http " + std::to_string(token) + " " + std::to_string(r.status) + " " +
                  std::to_string(r.error) + " " + r.body + " @" + std::to_string(io->now_us()));
  }
  void on_ws_open(uint64_t conn) override {
    log.push_back("open " + std::to_string(conn) + " @" + std::to_string(io->now_us()));
  }
  void on_ws_message(uint64_t conn, std::string_view data, bool binary) override {
    log.push_back("msg " + std::to_string(conn) + (binary ? " bin " : " text ") +
                  std::to_string(data.size()) + " @" + std::to_string(io->now_us()));
  }
  void on_ws_close(uint64_t conn, int32_t code, std::string_view reason) override {
    log.push_back("close " + std::to_string(conn) + " " + std::to_string(code) + " " +
                  std::string(reason));
  }
  void on_timer(uint64_t token) override {
    log.push_back("timer " + std::to_string(token) + " @" + std::to_string(io->now_us()));
  }
};

struct ReplayIoTest : ::testing::Test {
  Capture capture = parse(kCapture);
  ReplayIo io{capture};
  Recorder rec;
  void SetUp() override {
    rec.io = &io;
    io.attach(&rec);
  }
  static HttpRequest get(std::string url) {
    HttpRequest r;
    r.url = std::move(url);
    return r;
  }
};

TEST_F(ReplayIoTest, AnswersRequestsByMethodPathAndQuerySet) {
  ASSERT_EQ(io.http_request(get("https://elsewhere.test/v1/depth?limit=10&symbol=BTC"), 1),
            ASTRA_OK);
  io.run();
  ASSERT_EQ(rec.log.size(), 1u);
  // Answered at the recorded time: the data is of that moment.
  EXPECT_EQ(rec.log[0], "http 1 200 0 depth-1 @102500000");
  EXPECT_EQ(io.unanswered_requests(), 0u);
}

TEST_F(ReplayIoTest, AnUnansweredRequestIsAnErrorAndCounted) {
  HttpRequest post = get("https://api.x.test/v1/info");
  post.method = "POST";
  io.http_request(post, 1);
  io.http_request(get("https://api.x.test/v1/depth?symbol=BTC&limit=100"), 2);
  io.run();
  ASSERT_EQ(rec.log.size(), 2u);
  EXPECT_EQ(rec.log[0].rfind("http 1 0 6 no recorded answer", 0), 0u) << rec.log[0];
  EXPECT_EQ(io.unanswered_requests(), 2u);
  EXPECT_EQ(io.unanswered()[0], "POST https://api.x.test/v1/info");
}

TEST_F(ReplayIoTest, ARepeatedRequestGetsTheRecordedAnswerAgain) {
  io.http_request(get("https://api.x.test/v1/info"), 1);
  io.http_request(get("https://api.x.test/v1/info"), 2);
  io.run();
  ASSERT_EQ(rec.log.size(), 2u);
  EXPECT_EQ(io.unanswered_requests(), 0u);
}

TEST_F(ReplayIoTest, WebSocketFramesArriveInOrderInVirtualTime) {
  uint64_t conn = 0;
  // Same scheme, host and path; the query differs and is ignored.
  ASSERT_EQ(io.ws_open("wss://ws.x.test:9443/stream?streams=other", conn), ASTRA_OK);
  io.run();
  ASSERT_EQ(rec.log.size(), 4u);
  const std::string c = std::to_string(conn);
  EXPECT_EQ(rec.log[0], "open " + c + " @101000000");
  EXPECT_EQ(rec.log[1], "msg " + c + " text 5 @102000000");
  EXPECT_EQ(rec.log[2], "msg " + c + " bin 4 @103000000");
  EXPECT_EQ(rec.log[3], "msg " + c + " text 4 @104000000");
  EXPECT_EQ(io.frames_delivered(), 3u);
  EXPECT_EQ(io.ws_send(conn, "x"), ASTRA_OK);
}

TEST_F(ReplayIoTest, AnUnknownWebSocketUrlFailsToOpen) {
  uint64_t conn = 0;
  ASSERT_EQ(io.ws_open("wss://ws.x.test:9443/other", conn), ASTRA_OK);
  io.run();
  ASSERT_EQ(rec.log.size(), 1u);
  EXPECT_EQ(rec.log[0].rfind("close " + std::to_string(conn) + " 1006", 0), 0u) << rec.log[0];
  EXPECT_EQ(io.unmatched_ws_opens(), 1u);
}

TEST_F(ReplayIoTest, TimersFireInVirtualTimeBetweenFrames) {
  uint64_t conn = 0;
  io.ws_open("wss://ws.x.test:9443/stream", conn);
  io.run([&] { return rec.log.size() == 2; });  // open and the first frame: now 102.0 s
  io.timer_start(1500, 42);                     // due at 103.5 s
  const uint64_t cancelled = io.timer_start(100, 43);
  io.timer_cancel(cancelled);
  io.run();
  ASSERT_EQ(rec.log.size(), 5u);
  EXPECT_EQ(rec.log[2].rfind("msg", 0), 0u);
  EXPECT_EQ(rec.log[3], "timer 42 @103500000");
  EXPECT_EQ(rec.log[4].rfind("msg", 0), 0u);
}

TEST_F(ReplayIoTest, TimersAloneDoNotKeepTheReplayGoing) {
  io.timer_start(1000, 1);
  EXPECT_EQ(io.run(), 0u);
  EXPECT_TRUE(rec.log.empty());
}

TEST_F(ReplayIoTest, AClosedConnectionGetsNoMoreFrames) {
  uint64_t conn = 0;
  io.ws_open("wss://ws.x.test:9443/stream", conn);
  io.run([&] { return rec.log.size() == 2; });
  io.ws_close(conn);
  io.run();
  EXPECT_EQ(rec.log.size(), 2u);
  EXPECT_EQ(io.ws_send(conn, "x"), ASTRA_E_FAILED_PRECONDITION);
}

TEST_F(ReplayIoTest, DeferredTasksRunBeforeTheNextEvent) {
  uint64_t conn = 0;
  io.ws_open("wss://ws.x.test:9443/stream", conn);
  io.defer([&] { rec.log.push_back("deferred"); });
  io.run([&] { return rec.log.size() == 2; });
  EXPECT_EQ(rec.log[0], "deferred");
}

}  // namespace
