// `astra replay` end to end: a capture of our own fake protocol through the fakegood plugin, and
// (when the plugin is built) a real Binance recording through the Binance plugin.
// The replay applies books to core::BookStore.
#include "replay/replay_run.hpp"

#include <gtest/gtest.h>

#include "common/shared_dir.hpp"
#include "log_capture.hpp"
#include "temp_file.hpp"

#include <nlohmann/json.hpp>

#include <fstream>

namespace {

using astra::host::replay::ReplayOptions;
using astra::host::replay::run_replay;

// fakegood's own protocol (see tests/fake_plugins/fakegood.cpp), not a venue's.
const std::string kFakeCapture =
    R"({"type":"meta","source":"FAKEGOOD.0"})"
    "\n"
    R"({"t":10.0,"type":"ws_open","conn":1,"url":"wss://fake.invalid/stream?streams=btcusdt"})"
    "\n"
    R"({"t":10.1,"type":"ws_send","conn":1,"text":"SUB btcusdt"})"
    "\n"
    R"({"t":11.0,"type":"ws_recv","conn":1,"text":"book"})"
    "\n"
    R"({"t":11.5,"type":"ws_recv","conn":1,"text":"update"})"
    "\n"
    R"({"t":12.0,"type":"ws_recv","conn":1,"text":"trade"})"
    "\n"
    R"({"t":12.5,"type":"ws_recv","conn":1,"text":"gap"})"
    "\n"
    R"({"t":13.0,"type":"ws_recv","conn":1,"b64":"H4sI"})"
    "\n"
    R"({"t":14.0,"type":"ws_recv","conn":1,"text":"book"})"
    "\n";

nlohmann::json replay(const ReplayOptions& o) {
  astra::test::LogCapture log;
  auto r = run_replay(o, log.logger());
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? nlohmann::json::parse(*r) : nlohmann::json();
}

TEST(Replay, FeedsACaptureThroughAPluginAndSummarizes) {
  astra::test::TempFile capture(kFakeCapture, ".jsonl");
  ReplayOptions o;
  o.venue = "fakegood";
  o.capture_path = capture.path().string();
  o.plugin_dir = ASTRA_TEST_PLUGIN_DIR;
  const auto s = replay(o);
  ASSERT_TRUE(s.is_object());
  // BTCUSDT is in the recorded URL and sends; ETHUSDT is not.
  EXPECT_EQ(s["subscribed"], nlohmann::json::array({"FAKEGOOD-SPOT-BTC-USDT"}));
  EXPECT_EQ(s["frames"], 6);
  EXPECT_EQ(s["bookEvents"], 4);  // snapshot, update, reset, snapshot
  EXPECT_EQ(s["tradeEvents"], 1);
  EXPECT_EQ(s["gaps"], 1);
  EXPECT_EQ(s["checksumsVerified"], 2);
  EXPECT_EQ(s["checksumFailures"], 0);
  EXPECT_EQ(s["badFrames"], 1);
  EXPECT_EQ(s["crossedBooks"], 0);
  EXPECT_EQ(s["unansweredRequests"], 0);
  const auto& m = s["markets"]["FAKEGOOD-SPOT-BTC-USDT"];
  EXPECT_EQ(m["bestBid"], nlohmann::json::array({"100.5", "2"}));
  EXPECT_EQ(m["bestAsk"], nlohmann::json::array({"101.25", "1.5"}));
  EXPECT_EQ(m["updateId"], 3);
  EXPECT_EQ(m["inSync"], true);
}

TEST(Replay, AnExplicitMarketIsUsedAsGiven) {
  astra::test::TempFile capture(kFakeCapture, ".jsonl");
  ReplayOptions o;
  o.venue = "fakegood";
  o.capture_path = capture.path().string();
  o.plugin_dir = ASTRA_TEST_PLUGIN_DIR;
  o.markets = {"FAKEGOOD-SPOT-ETH-USDT"};
  const auto s = replay(o);
  ASSERT_TRUE(s.is_object());
  EXPECT_EQ(s["subscribeErrors"]["FAKEGOOD-SPOT-ETH-USDT ORDERBOOK"], "not_found");
  EXPECT_EQ(s["frames"], 0);
}

TEST(Replay, AnUnreadableCaptureIsAnError) {
  astra::test::LogCapture log;
  ReplayOptions o;
  o.venue = "fakegood";
  o.capture_path = "/nonexistent/x.jsonl";
  o.plugin_dir = ASTRA_TEST_PLUGIN_DIR;
  auto r = run_replay(o, log.logger());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "capture_unreadable");
}

TEST(Replay, ARealBinanceRecordingThroughTheBinancePlugin) {
  ASTRA_REQUIRE_SHARED(capture, "recordings/binance-spot.capture.jsonl");
  const std::filesystem::path plugin = std::filesystem::path(ASTRA_PLUGIN_DIR) / "binance.so";
  if (!std::filesystem::exists(plugin)) GTEST_SKIP() << "binance plugin not built: " << plugin;
  size_t recorded_frames = 0;
  {
    std::ifstream in(capture);
    std::string line;
    while (std::getline(in, line))
      if (line.find("\"type\":\"ws_recv\"") != std::string::npos) ++recorded_frames;
  }
  ReplayOptions o;
  o.venue = "binance";
  o.capture_path = capture.string();
  o.plugin_dir = ASTRA_PLUGIN_DIR;
  const auto s = replay(o);
  ASSERT_TRUE(s.is_object());
  EXPECT_EQ(s["frames"], recorded_frames);
  EXPECT_EQ(s["crossedBooks"], 0);
  EXPECT_EQ(s["checksumFailures"], 0);
  EXPECT_FALSE(s["subscribed"].empty());
  EXPECT_GT(s["bookEvents"].get<uint64_t>(), 0u);
}

}  // namespace

namespace {

TEST(Replay, MarketsAreFoundByVenueSymbolOrByAStreamSymbol) {
  astra::host::replay::Capture capture;
  astra::host::replay::WsConnection c;
  c.url = "wss://ws.kraken.com";
  c.sends.push_back(R"({"event":"subscribe","pair":["XBT/USD","ETH/EUR"]})");
  capture.connections.push_back(c);
  const std::string markets = R"([
    {"symbol":"KRAKEN-SPOT-XBT-USD","venueSymbol":"XXBTZUSD","streamSymbols":["XBT/USD","BTC/USD"]},
    {"symbol":"KRAKEN-SPOT-XBT-EUR","venueSymbol":"XXBTZEUR","streamSymbols":["XBT/EUR","BTC/EUR"]},
    {"symbol":"KRAKEN-SPOT-ETH-EUR","venueSymbol":"ETH/EUR"},
    {"symbol":"KRAKEN-SPOT-ETH-USD","venueSymbol":"XETHZUSD"}])";
  EXPECT_EQ(astra::host::replay::markets_in_capture(markets, capture),
            (std::vector<std::string>{"KRAKEN-SPOT-XBT-USD", "KRAKEN-SPOT-ETH-EUR"}));
}

}  // namespace
