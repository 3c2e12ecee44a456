// `astra replay` (the real binary) over the real Binance recordings: no false gaps, no crossed
// books, and the final tops stated in ../shared/fixtures/binance/SOURCES.md ("Checked
// properties").
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/shared_dir.hpp"
#include "e2e/run_command.hpp"

namespace {

using nlohmann::json;

using astra::test::run_command;

struct Expected {
  const char* capture;
  const char* market;
  std::array<const char*, 2> best_bid;
  std::array<const char*, 2> best_ask;
  uint64_t update_id;
};

class BinanceReplay : public ::testing::TestWithParam<Expected> {};

TEST_P(BinanceReplay, NoFalseGapsNoCrossedBooksAndTheDocumentedFinalTop) {
  const Expected& e = GetParam();
  ASTRA_REQUIRE_SHARED(capture, std::string("recordings/") + e.capture);
  int status = -1;
  const std::string out =
      run_command(std::string(ASTRA_BIN_DIR) + "/astra replay --venue binance" + " --plugin-dir " +
                      ASTRA_PLUGIN_DIR + " --capture " + capture.string(),
                  status);
  ASSERT_EQ(status, 0) << out;
  const json s = json::parse(out, nullptr, false);
  ASSERT_TRUE(s.is_object()) << out;
  EXPECT_GT(s["frames"].get<uint64_t>(), 0u);
  EXPECT_GT(s["bookEvents"].get<uint64_t>(), 0u);
  EXPECT_EQ(s["gaps"], 0);
  EXPECT_EQ(s["crossedBooks"], 0);
  EXPECT_EQ(s["badFrames"], 0);
  EXPECT_EQ(s["checksumFailures"], 0);
  const json& m = s["markets"][e.market];
  ASSERT_TRUE(m.is_object()) << "market missing from the summary: " << e.market;
  EXPECT_EQ(m["bestBid"], json::array({e.best_bid[0], e.best_bid[1]}));
  EXPECT_EQ(m["bestAsk"], json::array({e.best_ask[0], e.best_ask[1]}));
  EXPECT_EQ(m["updateId"], e.update_id);
  EXPECT_EQ(m["inSync"], true);
}

// Values from ../shared/fixtures/binance/SOURCES.md, "Checked properties".
INSTANTIATE_TEST_SUITE_P(Recordings, BinanceReplay,
                         ::testing::Values(Expected{"binance-spot.capture.jsonl",
                                                    "BINANCE-SPOT-NKN-USDT",
                                                    {"0.35270000", "9602.00000000"},
                                                    {"0.35310000", "152.00000000"},
                                                    499870179},
                                           Expected{"binance-usdm.capture.jsonl",
                                                    "BINANCE-PERP-SUSHI-USDT",
                                                    {"7.6120", "303"},
                                                    {"7.6160", "267"},
                                                    600860425198},
                                           Expected{"binance-coinm.capture.jsonl",
                                                    "BINANCE-PERP-BCH-USD-COINM",
                                                    {"427.79", "222"},
                                                    {"427.80", "150"},
                                                    167006263994}));

}  // namespace

// ---- The other venues' recordings (issues 3 and 4) -------------------------------------------

namespace {

// Every checksum a recording carries, counted from the recording itself, so "verified == recorded"
// means no recorded checksum went unchecked: OKX `checksum` (non-zero) in `books` data, Kraken v1
// `"c"` in book updates.
uint64_t recorded_checksums(const std::filesystem::path& capture, const std::string& venue) {
  std::ifstream in(capture);
  uint64_t n = 0;
  std::string line;
  while (std::getline(in, line)) {
    const json rec = json::parse(line, nullptr, false);
    if (!rec.is_object() || rec.value("type", "") != "ws_recv" || !rec.contains("text")) continue;
    const json msg = json::parse(rec["text"].get<std::string>(), nullptr, false);
    if (venue == "okx" && msg.is_object() && msg.contains("data") && msg["data"].is_array()) {
      for (const auto& d : msg["data"])
        if (d.is_object() && d.contains("checksum") && d["checksum"] != 0) ++n;
    } else if (venue == "kraken" && msg.is_array()) {
      for (const auto& part : msg)
        if (part.is_object() && part.contains("c")) ++n;
    }
  }
  return n;
}

json replay_summary(const std::string& venue, const std::filesystem::path& capture,
                    const std::string& settings) {
  int status = -1;
  std::string command = std::string(ASTRA_BIN_DIR) + "/astra replay --venue " + venue +
                        " --plugin-dir " + ASTRA_PLUGIN_DIR + " --capture " + capture.string();
  if (!settings.empty()) command += " --settings '" + settings + "'";
  const std::string out = run_command(command, status);
  EXPECT_EQ(status, 0) << command << "\n" << out;
  const json s = json::parse(out, nullptr, false);
  EXPECT_TRUE(s.is_object()) << command << "\n" << out;
  return s.is_object() ? s : json::object();
}

struct VenueRecording {
  const char* venue;
  const char* capture;
  const char* settings;    // the feed / protocol version the recording speaks
  int markets_with_books;  // markets with a book snapshot in the recording (counted by a script)
};

class VenueReplay : public ::testing::TestWithParam<VenueRecording> {};

TEST_P(VenueReplay, EveryRecordedChecksumVerifiedNoFalseGapsNoCrossedBooks) {
  const VenueRecording& r = GetParam();
  ASTRA_REQUIRE_SHARED(capture, std::string("recordings/") + r.capture);
  const json s = replay_summary(r.venue, capture, r.settings);
  ASSERT_TRUE(s.contains("frames"));
  EXPECT_GT(s["frames"].get<uint64_t>(), 0u);
  EXPECT_GT(s["bookEvents"].get<uint64_t>(), 0u);
  EXPECT_EQ(s["gaps"], 0);
  EXPECT_EQ(s["resyncs"], 0);
  EXPECT_EQ(s["crossedBooks"], 0);
  EXPECT_EQ(s["badFrames"], 0);
  EXPECT_EQ(s["rejectedBookEvents"], 0);
  EXPECT_EQ(s["unmatchedWsOpens"], 0);
  EXPECT_EQ(s["checksumFailures"], 0);
  EXPECT_EQ(s["checksumsVerified"].get<uint64_t>(), recorded_checksums(capture, r.venue));
  int in_sync = 0;
  for (const auto& [market, top] : s["markets"].items()) {
    if (top["inSync"] != true) continue;
    ++in_sync;
    ASSERT_TRUE(top["bestBid"].is_array() && top["bestAsk"].is_array()) << market;
  }
  EXPECT_EQ(in_sync, r.markets_with_books) << s["markets"].dump(1);
}

INSTANTIATE_TEST_SUITE_P(
    Recordings, VenueReplay,
    ::testing::Values(
        VenueRecording{"okx", "okx-books.capture.jsonl", "", 2},
        VenueRecording{"kraken", "kraken-spot-book.capture.jsonl",
                       R"({"families":["spot"],"spot":{"ws":"wss://ws.kraken.com"}})", 8},
        VenueRecording{"kraken", "kraken-futures.capture.jsonl", R"({"families":["futures"]})", 6},
        VenueRecording{"huobi", "huobi-spot.capture.jsonl", R"({"families":["spot"]})", 7},
        // The recording used the feed's old host name (ws-feed.pro.coinbase.com); the plugin's
        // default is today's ws-feed.exchange.coinbase.com.
        VenueRecording{"coinbase", "coinbase-exchange.capture.jsonl",
                       R"({"feed":"exchange","exchange_book_channel":"level2",)"
                       R"("ws":"wss://ws-feed.pro.coinbase.com"})",
                       6},
        VenueRecording{"huobi", "huobi-coin-swap.capture.jsonl", R"({"families":["coin_swap"]})",
                       3},
        VenueRecording{"huobi", "huobi-linear-swap.capture.jsonl",
                       R"({"families":["linear_swap"]})", 3}),
    [](const ::testing::TestParamInfo<VenueRecording>& p) {
      std::string name = p.param.capture;
      name = name.substr(0, name.find('.'));
      for (char& c : name)
        if (c == '-') c = '_';
      return name;
    });

// OKX books rebuilt independently (a short Python script over the same recording, applying
// snapshot/update levels with size "0" as a delete) end at these tops; the checksums above prove
// every intermediate state too.
TEST(OkxReplay, FinalTopsEqualAnIndependentRebuildOfTheRecording) {
  ASTRA_REQUIRE_SHARED(capture, "recordings/okx-books.capture.jsonl");
  const json s = replay_summary("okx", capture, "");
  ASSERT_TRUE(s.contains("markets"));
  const json& spot = s["markets"]["OKX-SPOT-BTC-USDT"];
  EXPECT_EQ(spot["bestBid"], json::array({"30236.1", "0.18050747"}));
  EXPECT_EQ(spot["bestAsk"], json::array({"30236.2", "0.001"}));
  const json& fut = s["markets"]["OKX-FUT-BTC-USD-220527-COINM"];
  EXPECT_EQ(fut["bestBid"], json::array({"30229.4", "2"}));
  EXPECT_EQ(fut["bestAsk"], json::array({"30238.8", "3"}));
}

// Trades only: every recorded trade reaches the sink.
TEST(KrakenReplay, SpotTradesRecordingDeliversTrades) {
  ASTRA_REQUIRE_SHARED(capture, "recordings/kraken-spot-trades.capture.jsonl");
  const json s = replay_summary("kraken", capture,
                                R"({"families":["spot"],"spot":{"ws":"wss://ws.kraken.com"}})");
  ASSERT_TRUE(s.contains("tradeEvents"));
  EXPECT_GT(s["tradeEvents"].get<uint64_t>(), 0u);
  EXPECT_EQ(s["badFrames"], 0);
  EXPECT_EQ(s["unmatchedWsOpens"], 0);
}

}  // namespace
