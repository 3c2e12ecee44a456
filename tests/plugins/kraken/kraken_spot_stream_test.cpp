// Spot streams through the plugin: the recorded WS v1 book session with every checksum verified,
// the recorded book states, checksum failures from mutated frames (reset and resync of that
// market only), and taker sides of recorded trades.
#include "kraken_test_support.hpp"

#include <algorithm>
#include <random>

namespace kraken_test {
namespace {

const std::vector<std::string> kBookPairs = {"SC/EUR",  "WAVES/EUR", "ADA/XBT",   "KSM/XBT",
                                             "ETH/CHF", "XBT/CHF",   "OCEAN/XBT", "GRT/ETH"};

std::string symbol_of(const std::string& pair) {
  std::string s = "KRAKEN-SPOT-" + pair;
  s[s.find('/')] = '-';
  return s;
}

class KrakenSpotBook : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(shared("recordings/kraken-spot-book.capture.jsonl")))
      GTEST_SKIP() << "shared data not found under " << astra::test::shared_dir();
    static const std::vector<std::string> frames =
        ws_frames(read_capture(shared("recordings/kraken-spot-book.capture.jsonl")));
    frames_ = &frames;
  }

  // Creates (WS v1, depth 1000 as recorded), subscribes every recorded pair, opens the socket.
  uint64_t start(FakeHost& host) {
    create_and_list(host, config(1, 1000, {"spot"}));
    for (const auto& p : kBookPairs)
      EXPECT_EQ(host.subscribe(symbol_of(p), ASTRA_DATA_ORDERBOOK), ASTRA_OK) << p;
    EXPECT_EQ(host.connections().size(), 1u);
    const uint64_t conn = host.connections().back().id;
    EXPECT_EQ(host.connections().back().url, "ws://127.0.0.1:18090");
    host.ws_open_ok(conn);
    return conn;
  }

  const std::vector<std::string>* frames_ = nullptr;
};

TEST_F(KrakenSpotBook, RecordedSessionVerifiesEveryChecksum) {
  FakeHost host(plugin().api());
  const uint64_t conn = start(host);
  const auto& sent = host.connection(conn)->sent;
  ASSERT_EQ(sent.size(), kBookPairs.size());
  std::vector<json> sent_json;
  for (const auto& t : sent)
    sent_json.push_back(json::parse(t));
  EXPECT_NE(std::find(sent_json.begin(), sent_json.end(),
                      json::parse(R"({"event":"subscribe","pair":["SC/EUR"],)"
                                  R"("subscription":{"name":"book","depth":1000}})")),
            sent_json.end());

  // The recorded book states (checksum_vectors.json, recorded_v1): after each listed update the
  // client-side book's top 10 equals the state Kraken checksummed.
  const json states =
      json::parse(read_file(shared("fixtures/kraken/checksum_vectors.json")))["recorded_v1"];
  size_t states_checked = 0;
  for (const auto& f : *frames_) {
    ASSERT_TRUE(host.ws_message(conn, f));
    for (const json& s : states) {
      if (s["update_message"].get<std::string>() != f) continue;
      const RefBook book = book_from_events(host, symbol_of(s["pair"]));
      std::vector<std::pair<std::string, std::string>> asks, bids;
      for (const auto& l : s["top10_asks_low_to_high"])
        asks.emplace_back(l[0], l[1]);
      for (const auto& l : s["top10_bids_high_to_low"])
        bids.emplace_back(l[0], l[1]);
      EXPECT_EQ(top(book, false, 10), asks) << s["pair"];
      EXPECT_EQ(top(book, true, 10), bids) << s["pair"];
      ++states_checked;
    }
  }
  EXPECT_EQ(states_checked, states.size());
  EXPECT_EQ(host.counter(ASTRA_COUNT_CHECKSUM_OK), 2850u);
  EXPECT_EQ(host.counter(ASTRA_COUNT_CHECKSUM_FAILURE), 0u);
  EXPECT_EQ(host.counter(ASTRA_COUNT_BAD_FRAME), 0u);
  size_t snapshots = 0, updates = 0, resets = 0;
  for (const auto& e : host.books()) {
    snapshots += e.kind == ASTRA_BOOK_SNAPSHOT;
    updates += e.kind == ASTRA_BOOK_UPDATE;
    resets += e.kind == ASTRA_BOOK_RESET;
    EXPECT_EQ(e.update_id, 0u);  // spot: the host counts
  }
  EXPECT_EQ(snapshots, kBookPairs.size());
  EXPECT_EQ(updates, 2850u);
  EXPECT_EQ(resets, 0u);
  for (const auto& p : kBookPairs) {  // final books: uncrossed and non-empty
    const RefBook b = book_from_events(host, symbol_of(p));
    ASSERT_FALSE(b.bids.empty() || b.asks.empty()) << p;
    EXPECT_LT(astra::sdk::compare_decimal(b.bids.rbegin()->first, b.asks.begin()->first), 0) << p;
  }
}

// The v1 snapshot frame of a reference book: the true venue state, rebuilt from the real
// recorded snapshot and updates (not invented), as a resubscription would deliver it.
std::string v1_snapshot(const RefBook& b, const std::string& pair) {
  json as = json::array(), bs = json::array();
  for (const auto& [p, q] : b.asks)
    as.push_back({astra::sdk::format_decimal(p), astra::sdk::format_decimal(q), "1618678200.0"});
  for (auto it = b.bids.rbegin(); it != b.bids.rend(); ++it)
    bs.push_back({astra::sdk::format_decimal(it->first), astra::sdk::format_decimal(it->second),
                  "1618678200.0"});
  return json::array({4242, {{"as", as}, {"bs", bs}}, "book-1000", pair}).dump();
}

// Changes one digit of a level's price or volume inside the text of a v1 update frame.
std::string mutate(const std::string& frame, const std::string& value, std::mt19937& rng) {
  std::string changed = value;
  std::vector<size_t> digits;
  for (size_t i = 0; i < changed.size(); ++i)
    if (changed[i] >= '1' && changed[i] <= '9') digits.push_back(i);
  if (digits.empty()) return {};
  const size_t at = digits[rng() % digits.size()];
  changed[at] = changed[at] == '9' ? '8' : static_cast<char>(changed[at] + 1);
  std::string out = frame;
  const auto pos = out.find("\"" + value + "\"");
  if (pos == std::string::npos) return {};
  out.replace(pos + 1, value.size(), changed);
  return out;
}

TEST_F(KrakenSpotBook, MutatedLevelsAreDetectedAndOnlyThatMarketResyncs) {
  std::mt19937 rng(20240611);
  const auto& frames = *frames_;
  // Candidate frames: checksummed updates whose first level ends in the top 10 (a change below
  // the top 10 is outside what Kraken's checksum covers, by design).
  int done = 0;
  for (int attempt = 0; attempt < 200 && done < 25; ++attempt) {
    const size_t i = 40 + rng() % (frames.size() - 400);
    const json msg = json::parse(frames[i]);
    if (!msg.is_array() || msg.back().get<std::string>().empty() || msg.size() < 4 ||
        msg[msg.size() - 2].get<std::string>().rfind("book-", 0) != 0 ||
        !msg[1].contains(msg[1].contains("a") ? "a" : "b"))
      continue;
    const std::string pair = msg.back();
    const std::string market = symbol_of(pair);
    const json& level = msg[1].contains("a") ? msg[1]["a"][0] : msg[1]["b"][0];
    const bool bid = !msg[1].contains("a");
    if (level[1].get<std::string>().find_first_not_of("0.") == std::string::npos) continue;

    // The true state after frame i, from an unmutated replay.
    FakeHost truth(plugin().api());
    const uint64_t tconn = start(truth);
    for (size_t k = 0; k <= i; ++k)
      truth.ws_message(tconn, frames[k]);
    const RefBook after = book_from_events(truth, market);
    const auto top10 = top(after, bid, 10);
    astra_decimal lp{};
    ASSERT_TRUE(astra::sdk::parse_decimal(level[0].get<std::string>(), lp));
    bool in_top = false;
    for (const auto& [p, q] : top10)
      in_top = in_top || p == astra::sdk::format_decimal(lp);
    if (!in_top) continue;

    const bool change_price = rng() % 2 == 0;
    const std::string mutated =
        mutate(frames[i], level[change_price ? 0 : 1].get<std::string>(), rng);
    if (mutated.empty()) continue;

    FakeHost host(plugin().api());
    const uint64_t conn = start(host);
    for (size_t k = 0; k < i; ++k)
      host.ws_message(conn, frames[k]);
    const size_t sent_before = host.connection(conn)->sent.size();
    const uint64_t ok_before = host.counter(ASTRA_COUNT_CHECKSUM_OK);
    ASSERT_EQ(host.counter(ASTRA_COUNT_CHECKSUM_FAILURE), 0u);
    host.ws_message(conn, mutated);
    SCOPED_TRACE("frame " + std::to_string(i) + " " + mutated);
    EXPECT_EQ(host.counter(ASTRA_COUNT_CHECKSUM_FAILURE, market), 1u);
    EXPECT_EQ(host.counter(ASTRA_COUNT_CHECKSUM_FAILURE), 1u);
    EXPECT_EQ(host.counter(ASTRA_COUNT_CHECKSUM_OK), ok_before);
    ASSERT_FALSE(host.books().empty());
    EXPECT_EQ(host.books().back().kind, uint32_t(ASTRA_BOOK_RESET));
    EXPECT_EQ(host.books().back().market, market);
    EXPECT_EQ(host.books().back().reset_reason, uint32_t(ASTRA_RESET_CHECKSUM));
    size_t resets = 0;
    for (const auto& e : host.books())
      resets += e.kind == ASTRA_BOOK_RESET;
    EXPECT_EQ(resets, 1u);  // no other market on the connection was reset
    // Resubscribed that one symbol: unsubscribe then subscribe.
    const auto& sent = host.connection(conn)->sent;
    ASSERT_EQ(sent.size(), sent_before + 2);
    const json unsub = json::parse(sent[sent_before]);
    const json sub = json::parse(sent[sent_before + 1]);
    EXPECT_EQ(unsub["event"], "unsubscribe");
    EXPECT_EQ(unsub["pair"], json::array({pair}));
    EXPECT_EQ(sub["event"], "subscribe");
    EXPECT_EQ(sub["pair"], json::array({pair}));

    // Updates in flight for the replaced subscription are not applied; other markets go on.
    // Then the fresh snapshot arrives and the real session continues, all checksums good.
    host.ws_message(conn, v1_snapshot(after, pair));
    EXPECT_EQ(host.books().back().kind, uint32_t(ASTRA_BOOK_SNAPSHOT));
    EXPECT_EQ(host.books().back().market, market);
    const size_t end = std::min(frames.size(), i + 300);
    for (size_t k = i + 1; k < end; ++k)
      host.ws_message(conn, frames[k]);
    EXPECT_EQ(host.counter(ASTRA_COUNT_CHECKSUM_FAILURE), 1u);
    EXPECT_GT(host.counter(ASTRA_COUNT_CHECKSUM_OK), ok_before);
    // And the client-side book equals the true one.
    for (size_t k = i + 1; k < end; ++k)
      truth.ws_message(tconn, frames[k]);
    const RefBook want = book_from_events(truth, market);
    const RefBook got = book_from_events(host, market);
    EXPECT_EQ(top(got, true, 1000), top(want, true, 1000));
    EXPECT_EQ(top(got, false, 1000), top(want, false, 1000));
    ++done;
  }
  EXPECT_GE(done, 10);
}

TEST(KrakenSpotTrades, RecordedTakerSides) {
  ASTRA_REQUIRE_SHARED(f, "recordings/kraken-spot-trades.capture.jsonl");
  const auto frames = ws_frames(read_capture(f));
  FakeHost host(plugin().api());
  create_and_list(host, config(1, 10, {"spot"}));
  for (const auto& p : kBookPairs)
    ASSERT_EQ(host.subscribe(symbol_of(p), ASTRA_DATA_TRADES), ASTRA_OK);
  const uint64_t conn = host.connections().back().id;
  host.ws_open_ok(conn);
  EXPECT_EQ(
      json::parse(host.connection(conn)->sent[0]),
      json::parse(R"({"event":"subscribe","pair":["ADA/XBT"],"subscription":{"name":"trade"}})"));
  std::vector<std::pair<std::string, json>> expected;  // market, raw row
  for (const auto& text : frames) {
    host.ws_message(conn, text);
    const json m = json::parse(text);
    if (m.is_array() && m[m.size() - 2] == "trade")
      for (const auto& row : m[1])
        expected.emplace_back(symbol_of(m.back()), row);
  }
  ASSERT_FALSE(expected.empty());
  std::vector<std::pair<std::string, astra::sdk::testing::Trade>> got;
  for (const auto& e : host.trades())
    for (const auto& t : e.trades)
      got.emplace_back(e.market, t);
  ASSERT_EQ(got.size(), expected.size());
  size_t buys = 0, sells = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const json& row = expected[i].second;
    EXPECT_EQ(got[i].first, expected[i].first);
    EXPECT_EQ(astra::sdk::format_decimal(got[i].second.price), row[0].get<std::string>());
    EXPECT_EQ(astra::sdk::format_decimal(got[i].second.quantity), row[1].get<std::string>());
    const uint32_t side = row[3] == "b" ? ASTRA_SIDE_BUY : ASTRA_SIDE_SELL;  // taker side
    EXPECT_EQ(got[i].second.taker_side, side);
    buys += side == ASTRA_SIDE_BUY;
    sells += side == ASTRA_SIDE_SELL;
    int64_t us = 0;
    astra_decimal t{};
    ASSERT_TRUE(astra::sdk::parse_decimal(row[2].get<std::string>(), t));
    us = t.mantissa;
    for (int e = t.exponent; e < -6; ++e)
      us /= 10;
    EXPECT_EQ(got[i].second.time_us, us);
  }
  EXPECT_GT(buys, 0u);
  EXPECT_GT(sells, 0u);
}

}  // namespace
}  // namespace kraken_test
