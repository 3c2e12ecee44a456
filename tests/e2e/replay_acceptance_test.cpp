// `astra replay` (the real binary) over the real Binance recordings: no false gaps, no crossed
// books, and the final tops stated in ../shared/fixtures/binance/SOURCES.md ("Checked
// properties").
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <string>

#include "common/shared_dir.hpp"

namespace {

using nlohmann::json;

// Runs a command and returns its stdout (stderr is discarded: the log).
std::string run(const std::string& command, int& status) {
  std::string out;
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  if (!pipe) return out;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0)
    out.append(buf.data(), n);
  status = pclose(pipe);
  return out;
}

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
      run(std::string(ASTRA_BIN_DIR) + "/astra replay --venue binance" + " --plugin-dir " +
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
