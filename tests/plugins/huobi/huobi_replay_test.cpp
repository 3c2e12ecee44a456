// The three recorded HTX sessions (spot, coin-margined swaps, USDT-margined swaps) replayed
// through the plugin: every binary gzip frame as received. After every depth push the host's
// book must equal the venue's push exactly; no gap, no crossed book, no bad frame; every ping
// answered with the same number; trade sides are the venue's direction (the taker side).
#include "huobi_test_support.hpp"

#include <cctype>

namespace huobi_test {
namespace {

// The [[price,qty],...] array after "key": in the venue's text, levels as exact decimals.
std::map<astra_decimal, astra_decimal, Less> raw_levels(const std::string& text,
                                                        const std::string& key) {
  std::map<astra_decimal, astra_decimal, Less> out;
  const std::string open = "\"" + key + "\":[";
  const size_t start = text.find(open);
  if (start == std::string::npos) return out;
  size_t i = start + open.size();
  while (i < text.size() && text[i] == '[') {
    const size_t comma = text.find(',', i);
    const size_t close = text.find(']', i);
    if (comma == std::string::npos || close == std::string::npos || comma > close) {
      ADD_FAILURE() << "unexpected level text at " << text.substr(i, 40);
      return out;
    }
    astra_decimal p{}, q{};
    EXPECT_TRUE(astra::sdk::parse_decimal(text.substr(i + 1, comma - i - 1), p));
    EXPECT_TRUE(astra::sdk::parse_decimal(text.substr(comma + 1, close - comma - 1), q));
    if (!astra::sdk::is_zero(q)) out[p] = q;
    i = close + 1;
    if (i < text.size() && text[i] == ',') ++i;
  }
  return out;
}

bool same(const std::map<astra_decimal, astra_decimal, Less>& a,
          const std::map<astra_decimal, astra_decimal, Less>& b) {
  if (a.size() != b.size()) return false;
  for (auto x = a.begin(), y = b.begin(); x != a.end(); ++x, ++y)
    if (!astra::sdk::decimal_equal(x->first, y->first) ||
        !astra::sdk::decimal_equal(x->second, y->second))
      return false;
  return true;
}

struct Case {
  std::string capture;
  std::string family;
  size_t min_depth_frames;
};

// Test names print the family, not the bytes.
void PrintTo(const Case& c, std::ostream* os) {
  *os << c.family;
}

class HuobiReplay : public ::testing::TestWithParam<Case> {};

TEST_P(HuobiReplay, RecordedSessionIsReproducedExactly) {
  const Case& c = GetParam();
  const auto path = shared("recordings/" + c.capture);
  if (path.empty() || !shared_data_present()) GTEST_SKIP() << "recording not found: " << c.capture;

  FakeHost host(plugin().api());
  ASSERT_EQ(host.create(config({c.family})), ASTRA_OK);
  ASSERT_EQ(host.list_markets(1), ASTRA_OK);
  for (const auto* r : host.pending_requests()) {
    const std::string path_part = r->url.substr(r->url.find('/', 8));
    std::string body = capture_http_body(path, path_part);
    if (body.empty()) body = read_file(shared("fixtures/huobi/spot_symbols.json"));
    host.respond(r->token, 200, body);
  }
  ASSERT_EQ(host.completions_of(1).size(), 1u);
  const json list = json::parse(host.completions_of(1)[0]->json, nullptr, false);
  ASSERT_TRUE(list.is_array());
  std::map<std::string, std::string> symbol_of;  // lower(venue symbol) -> normalized
  for (const json& m : list) {
    std::string v = m["venueSymbol"];
    for (char& ch : v)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    symbol_of[v] = m["symbol"];
  }

  const std::vector<WsEvent> events = capture_ws(path);
  // Subscribe to what the recording client subscribed to.
  std::set<std::string> topics;
  for (const WsEvent& e : events) {
    if (e.type != "ws_send") continue;
    const json s = json::parse(e.data, nullptr, false);
    if (!s.contains("sub")) continue;
    std::string topic = s["sub"];
    for (char& ch : topic)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const std::string venue = topic.substr(7, topic.find('.', 7) - 7);
    ASSERT_TRUE(symbol_of.count(venue)) << venue;
    const uint32_t type =
        topic.find("depth") != std::string::npos ? ASTRA_DATA_ORDERBOOK : ASTRA_DATA_TRADES;
    ASSERT_EQ(host.subscribe(symbol_of[venue], type), ASTRA_OK) << topic;
    topics.insert(topic);
  }
  ASSERT_FALSE(topics.empty());
  auto live = host.live_connections();
  ASSERT_EQ(live.size(), 1u);
  const uint64_t conn = live[0]->id;
  ASSERT_TRUE(host.ws_open_ok(conn));
  std::set<std::string> sent_topics;
  for (const std::string& s : host.connection(conn)->sent) {
    const json j = json::parse(s, nullptr, false);
    ASSERT_TRUE(j.contains("sub")) << s;
    std::string t = j["sub"];
    for (char& ch : t)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    sent_topics.insert(t);
  }
  EXPECT_EQ(sent_topics, topics);

  std::map<std::string, RefBook> books;
  std::map<std::string, uint64_t> last_id;
  size_t events_seen = 0, depth_frames = 0, pings = 0, trades_expected = 0, trades_seen = 0;
  size_t updates = 0;
  for (const WsEvent& e : events) {
    if (e.type != "ws_recv") continue;
    ASSERT_TRUE(e.binary) << "HTX market frames are binary";
    const size_t sent_before = host.connection(conn)->sent.size();
    const size_t trades_before = host.trades().size();
    ASSERT_TRUE(host.ws_message(conn, e.data, true));
    const std::string text = gunzip(e.data);
    const json frame = json::parse(text, nullptr, false);
    ASSERT_TRUE(frame.is_object()) << text;

    if (frame.contains("ping")) {
      ++pings;
      const auto& sent = host.connection(conn)->sent;
      ASSERT_EQ(sent.size(), sent_before + 1) << "ping not answered: " << text;
      // The same number, text for text: {"ping":N} -> {"pong":N}.
      std::string expected = text;
      expected.replace(expected.find("ping"), 4, "pong");
      EXPECT_EQ(sent.back(), expected);
    }
    // Fold the new book events into the reference books.
    for (; events_seen < host.books().size(); ++events_seen) {
      const auto& ev = host.books()[events_seen];
      EXPECT_NE(ev.kind, uint32_t(ASTRA_BOOK_RESET)) << ev.market << " reset " << ev.reset_reason;
      RefBook& b = books[ev.market];
      if (ev.kind == ASTRA_BOOK_SNAPSHOT) b.clear();
      updates += ev.kind == ASTRA_BOOK_UPDATE;
      b.apply(ev.bids, ev.asks);
      EXPECT_FALSE(b.crossed()) << ev.market << " crossed after " << ev.update_id;
      EXPECT_GT(ev.update_id, last_id[ev.market]) << ev.market;
      last_id[ev.market] = ev.update_id;
    }
    const std::string ch = frame.value("ch", "");
    if (ch.find(".depth.step0") != std::string::npos) {
      ++depth_frames;
      std::string venue = ch.substr(7, ch.find('.', 7) - 7);
      for (char& x : venue)
        x = static_cast<char>(std::tolower(static_cast<unsigned char>(x)));
      const RefBook& b = books[symbol_of[venue]];
      EXPECT_TRUE(same(b.bids, raw_levels(text, "bids"))) << "bids differ after " << ch;
      EXPECT_TRUE(same(b.asks, raw_levels(text, "asks"))) << "asks differ after " << ch;
    }
    if (ch.find(".trade.detail") != std::string::npos) {
      const json& rows = frame["tick"]["data"];
      trades_expected += rows.size();
      ASSERT_EQ(host.trades().size(), trades_before + 1) << text;
      const auto& got = host.trades().back().trades;
      ASSERT_EQ(got.size(), rows.size());
      for (size_t i = 0; i < rows.size(); ++i) {
        ++trades_seen;
        // direction is the taker's side.
        EXPECT_EQ(got[i].taker_side, rows[i]["direction"] == "buy" ? uint32_t(ASTRA_SIDE_BUY)
                                                                   : uint32_t(ASTRA_SIDE_SELL));
        const std::string id =
            rows[i].contains("tradeId") ? rows[i]["tradeId"].dump() : rows[i]["id"].dump();
        EXPECT_EQ(got[i].trade_id, id);
        EXPECT_EQ(got[i].time_us, rows[i]["ts"].get<int64_t>() * 1000);
      }
    }
  }
  EXPECT_GE(depth_frames, c.min_depth_frames);
  EXPECT_GT(updates, 0u);
  EXPECT_GE(pings, 5u);
  EXPECT_GT(trades_expected, 0u);
  EXPECT_EQ(trades_seen, trades_expected);
  EXPECT_EQ(host.counter(ASTRA_COUNT_GAP), 0u);
  EXPECT_EQ(host.counter(ASTRA_COUNT_BAD_FRAME), 0u);
  EXPECT_EQ(host.counter(ASTRA_COUNT_STALE_DROPPED), 0u);
}

INSTANTIATE_TEST_SUITE_P(Recordings, HuobiReplay,
                         ::testing::Values(Case{"huobi-spot.capture.jsonl", "spot", 200},
                                           Case{"huobi-coin-swap.capture.jsonl", "coin_swap", 900},
                                           Case{"huobi-linear-swap.capture.jsonl", "linear_swap",
                                                700}),
                         [](const ::testing::TestParamInfo<Case>& p) { return p.param.family; });

}  // namespace
}  // namespace huobi_test
