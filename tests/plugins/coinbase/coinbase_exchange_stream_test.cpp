// The Exchange feed through the plugin: the recorded session (10 products; level2 snapshots and
// l2updates, matches, tickers) replayed in order, and the trade-side trap checked against the
// venue's own ticker for the same trade_id.
#include "coinbase_test_support.hpp"

#include "frames.hpp"

namespace coinbase_test {
namespace {

const std::vector<std::string> kProducts = {"SKL-USD",  "SKL-BTC", "BAND-GBP", "NMR-EUR",
                                            "BAND-BTC", "YFI-BTC", "DASH-BTC", "NU-GBP",
                                            "CRV-EUR",  "SKL-GBP"};

std::string symbol_of(const std::string& product) {
  return "COINBASE-SPOT-" + product;
}

// Creates the Exchange-feed plugin, lists markets, subscribes `data_type` for every recorded
// product and opens the one socket.
uint64_t start(FakeHost& host, uint32_t data_type) {
  create_and_list(host, config("exchange"), answer_exchange_markets);
  for (const auto& p : kProducts)
    EXPECT_EQ(host.subscribe(symbol_of(p), data_type), ASTRA_OK) << p;
  EXPECT_EQ(host.connections().size(), 1u);
  const uint64_t conn = host.connections().back().id;
  host.ws_open_ok(conn);
  return conn;
}

// Checks every taker side the plugin emitted against the ticker of the same trade (the ticker's
// `side` is the taker side). Returns how many trades were compared.
size_t check_sides_against_tickers(const FakeHost& host, const std::vector<json>& messages) {
  std::map<std::pair<std::string, std::string>, uint32_t> ticker_side;
  for (const json& m : messages)
    if (m.value("type", "") == "ticker" && m.contains("trade_id"))
      ticker_side[{symbol_of(m["product_id"]), std::to_string(m["trade_id"].get<uint64_t>())}] =
          m["side"] == "buy" ? ASTRA_SIDE_BUY : ASTRA_SIDE_SELL;
  size_t compared = 0;
  for (const auto& e : host.trades())
    for (const auto& t : e.trades) {
      auto it = ticker_side.find({e.market, t.trade_id});
      if (it == ticker_side.end()) continue;
      EXPECT_EQ(t.taker_side, it->second) << e.market << " trade " << t.trade_id;
      ++compared;
    }
  return compared;
}

TEST(CoinbaseExchange, RecordedSessionBuildsUncrossedBooks) {
  ASTRA_REQUIRE_SHARED(path, kRecording);
  const auto frames = ws_frames(read_lines(path));
  FakeHost host(plugin().api());
  const uint64_t conn = start(host, ASTRA_DATA_ORDERBOOK);
  const auto& sent = host.connection(conn)->sent;
  ASSERT_EQ(sent.size(), kProducts.size());
  EXPECT_EQ(json::parse(sent[0]),
            json::parse(
                R"({"type":"subscribe","product_ids":["BAND-BTC"],"channels":["level2_batch"]})"));

  std::map<std::string, RefBook> books;
  std::map<std::string, size_t> ticker_count;
  size_t crossed = 0, snapshots = 0, updates = 0, seen = 0, tickers_checked = 0;
  for (const auto& f : frames) {
    ASSERT_TRUE(host.ws_message(conn, f));
    for (; seen < host.books().size(); ++seen) {
      const auto& e = host.books()[seen];
      EXPECT_EQ(e.update_id, 0u);  // level2 has no sequence numbers
      RefBook& b = books[e.market];
      if (e.kind == ASTRA_BOOK_SNAPSHOT) {
        b = RefBook();
        ++snapshots;
      } else {
        ++updates;
      }
      b.apply(e.bids, e.asks);
      crossed += b.crossed();
    }
    // The venue's ticker carries its best bid/ask: the book must agree. The first ticker of each
    // product is the one sent on subscribe and predates the session (it differs for 4 of 6).
    const json m = json::parse(f);
    if (m.value("type", "") != "ticker" || ticker_count[m["product_id"]]++ == 0) continue;
    const std::string market = symbol_of(m["product_id"]);
    if (!books.count(market)) continue;
    const RefBook& b = books[market];
    ASSERT_FALSE(b.bids.empty() || b.asks.empty()) << market;
    astra_decimal bid{}, ask{};
    ASSERT_TRUE(astra::sdk::parse_decimal(m["best_bid"].get<std::string>(), bid));
    ASSERT_TRUE(astra::sdk::parse_decimal(m["best_ask"].get<std::string>(), ask));
    EXPECT_TRUE(astra::sdk::decimal_equal(b.bids.rbegin()->first, bid)) << market << " " << f;
    EXPECT_TRUE(astra::sdk::decimal_equal(b.asks.begin()->first, ask)) << market << " " << f;
    ++tickers_checked;
  }
  EXPECT_EQ(tickers_checked, 72u);
  EXPECT_EQ(crossed, 0u);
  EXPECT_EQ(snapshots, 6u);   // the recording holds a snapshot for 6 of its 10 products
  EXPECT_EQ(updates, 6424u);  // every recorded l2update changes at least one level
  EXPECT_EQ(host.counter(ASTRA_COUNT_BAD_FRAME), 0u);
  EXPECT_EQ(host.counter(ASTRA_COUNT_RESYNC), 0u);
  for (const auto& [market, b] : books) {
    EXPECT_FALSE(b.bids.empty()) << market;
    EXPECT_FALSE(b.asks.empty()) << market;
  }
  EXPECT_TRUE(host.trades().empty()) << "no trade subscription";
}

TEST(CoinbaseExchange, RecordedMatchesGiveTheTakerSide) {
  ASTRA_REQUIRE_SHARED(path, kRecording);
  const auto frames = ws_frames(read_lines(path));
  FakeHost host(plugin().api());
  const uint64_t conn = start(host, ASTRA_DATA_TRADES);
  EXPECT_EQ(json::parse(host.connection(conn)->sent[0])["channels"], json::parse(R"(["matches"])"));
  std::vector<json> messages;
  for (const auto& f : frames) {
    ASSERT_TRUE(host.ws_message(conn, f));
    messages.push_back(json::parse(f));
  }
  size_t emitted = 0;
  for (const auto& e : host.trades())
    emitted += e.trades.size();
  EXPECT_EQ(emitted, 72u) << "every `match`; `last_match` is history";
  EXPECT_EQ(check_sides_against_tickers(host, messages), 72u);
  EXPECT_TRUE(host.books().empty());
}

TEST(CoinbaseExchange, MatchesTickersFixtureGivesTheTakerSide) {
  ASTRA_REQUIRE_SHARED(path, "fixtures/coinbase/exchange_ws_matches_tickers.jsonl");
  const auto messages = read_lines(path);
  FakeHost host(plugin().api());
  const uint64_t conn = start(host, ASTRA_DATA_TRADES);
  for (const auto& m : messages)
    ASSERT_TRUE(host.ws_message(conn, m.dump()));
  EXPECT_EQ(check_sides_against_tickers(host, messages), 72u);
  EXPECT_EQ(host.counter(ASTRA_COUNT_BAD_FRAME), 0u);
}

TEST(CoinbaseExchange, LastMatchSideIsTheMakerSide) {
  ASTRA_REQUIRE_SHARED(path, "fixtures/coinbase/exchange_ws_ticker_vs_last_match_same_trade.jsonl");
  const auto lines = read_lines(path);
  ASSERT_EQ(lines.size(), 2u);
  ASSERT_EQ(lines[0]["type"], "ticker");
  ASSERT_EQ(lines[1]["type"], "last_match");
  astra::coinbase::FrameDecoder decoder;
  astra::coinbase::Frame frame;
  ASSERT_EQ(decoder.decode(astra::coinbase::Feed::exchange, lines[1].dump(), frame),
            astra::coinbase::Frame::Kind::trades);
  ASSERT_EQ(frame.trades.size(), 1u);
  const auto& t = frame.trades[0];
  EXPECT_EQ(t.id, "881613");
  EXPECT_EQ(t.venue_side, ASTRA_SIDE_SELL);  // the maker sold
  EXPECT_EQ(t.taker_side, ASTRA_SIDE_BUY);   // the ticker's side for the same trade
  EXPECT_EQ(lines[0]["side"], "buy");
  EXPECT_TRUE(t.history);
  EXPECT_EQ(t.time_us, 1618677810244075);  // 2021-04-17T16:43:30.244075Z
}

TEST(CoinbaseExchange, SingleFixtureMessagesDecode) {
  ASTRA_REQUIRE_SHARED(snap, "fixtures/coinbase/exchange_ws_level2_snapshot.json");
  ASTRA_REQUIRE_SHARED(update, "fixtures/coinbase/exchange_ws_l2update.json");
  astra::coinbase::FrameDecoder decoder;
  astra::coinbase::Frame frame;
  using astra::coinbase::Feed;
  using Kind = astra::coinbase::Frame::Kind;
  ASSERT_EQ(decoder.decode(Feed::exchange, read_file(snap), frame), Kind::book);
  ASSERT_EQ(frame.book_count, 1u);
  EXPECT_EQ(frame.books[0].product, "BAND-GBP");
  EXPECT_TRUE(frame.books[0].snapshot);
  EXPECT_FALSE(frame.books[0].levels.empty());
  ASSERT_EQ(decoder.decode(Feed::exchange, read_file(update), frame), Kind::book);
  ASSERT_EQ(frame.book_count, 1u);
  EXPECT_FALSE(frame.books[0].snapshot);
  ASSERT_EQ(frame.books[0].levels.size(), 1u);
  EXPECT_FALSE(frame.books[0].levels[0].bid);  // "sell"
  EXPECT_EQ(frame.books[0].levels[0].price, "0.00001306");
  EXPECT_EQ(frame.books[0].levels[0].qty, "660.5");
}

TEST(CoinbaseExchange, BookChannelIsConfigurable) {
  FakeHost host(plugin().api());
  json cfg = json::parse(config("exchange"));
  cfg["exchange_book_channel"] = "level2";
  create_and_list(host, cfg.dump(), answer_exchange_markets);
  ASSERT_EQ(host.subscribe("COINBASE-SPOT-BTC-USD", ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  host.ws_open_ok(host.connections().back().id);
  EXPECT_EQ(json::parse(host.connections().back().sent.at(0))["channels"],
            json::parse(R"(["level2"])"));
  cfg["exchange_book_channel"] = "full";
  std::string error;
  EXPECT_NE(host.create(cfg.dump(), &error), ASTRA_OK);
  EXPECT_NE(error.find("exchange_book_channel"), std::string::npos) << error;
}

TEST(CoinbaseExchange, DisconnectResetsAndReconnectResubscribes) {
  ASTRA_REQUIRE_SHARED(path, "fixtures/coinbase/exchange_ws_level2_snapshot.json");
  FakeHost host(plugin().api());
  create_and_list(host, config("exchange"), answer_exchange_markets);
  ASSERT_EQ(host.subscribe("COINBASE-SPOT-BAND-GBP", ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  const uint64_t conn = host.connections().back().id;
  host.ws_open_ok(conn);
  ASSERT_TRUE(host.ws_message(conn, read_file(path)));
  ASSERT_EQ(host.books().size(), 1u);
  host.ws_closed(conn);
  ASSERT_EQ(host.books().size(), 2u);
  EXPECT_EQ(host.books().back().kind, ASTRA_BOOK_RESET);
  EXPECT_EQ(host.books().back().reset_reason, ASTRA_RESET_DISCONNECT);
  host.advance(host.next_timer_in_ms());
  ASSERT_EQ(host.connections().size(), 2u);
  const uint64_t again = host.connections().back().id;
  host.ws_open_ok(again);
  ASSERT_EQ(host.connection(again)->sent.size(), 1u);
  ASSERT_TRUE(host.ws_message(again, read_file(path)));
  EXPECT_EQ(host.books().back().kind, ASTRA_BOOK_SNAPSHOT);
}

}  // namespace
}  // namespace coinbase_test
