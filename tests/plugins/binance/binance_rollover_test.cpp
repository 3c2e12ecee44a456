// The 24 h switch-over: before Binance closes a connection at 24 h, a replacement is opened and
// subscribed, and the book moves to it with no RESET and no gap (manual clock).
#include "binance_test_support.hpp"

namespace binance_test {
namespace {

constexpr int64_t kRolloverMs = (23 * 60 + 50) * 60 * 1000;

TEST(BinanceRollover, ReplacementConnectionTakesOverWithoutReset) {
  ASTRA_REQUIRE_SHARED(snap, "fixtures/binance/spot_depth_snapshot_NKNUSDT_limit1000.json");
  ASTRA_REQUIRE_SHARED(diff, "fixtures/binance/ws_spot_depth_diff_NKNUSDT.jsonl");
  const std::vector<std::string> diffs = read_lines(diff);
  const std::string market = "BINANCE-SPOT-NKN-USDT";
  FakeHost host(plugin().api());
  create_and_list(host, {"spot"});
  ASSERT_EQ(host.subscribe(market, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  ASSERT_EQ(host.subscribe(market, ASTRA_DATA_TRADES), ASTRA_OK);
  const uint64_t first = host.connections().back().id;
  ASSERT_TRUE(host.ws_open_ok(first));
  host.advance(1000);
  ack_all(host, first);
  for (size_t i = 0; i < 10; ++i)
    host.ws_message(first, diffs[i]);
  host.respond(host.pending_requests("/api/v3/depth")[0]->token, 200, read_file(snap));
  for (size_t i = 10; i < 60; ++i)
    host.ws_message(first, diffs[i]);

  host.advance(kRolloverMs - 1000 - 1);
  EXPECT_EQ(host.connections().size(), 1u) << "no replacement before 23 h 50 min";
  host.advance(1);
  ASSERT_EQ(host.connections().size(), 2u) << "replacement opened at 23 h 50 min";
  const uint64_t second = host.connections().back().id;
  EXPECT_EQ(host.connection(second)->url, host.connection(first)->url);
  ASSERT_TRUE(host.ws_open_ok(second));
  host.advance(1000);
  auto subs = subscribes_on(*host.connection(second));
  std::sort(subs.streams.begin(), subs.streams.end());
  EXPECT_EQ(subs.streams, (std::vector<std::string>{"nknusdt@aggTrade", "nknusdt@depth@100ms"}));

  // Both connections carry the stream for a while; the replacement starts a little behind.
  for (size_t i = 60; i < 70; ++i)
    host.ws_message(first, diffs[i]);
  host.ws_message(second, diffs[57]);
  EXPECT_FALSE(host.connection(first)->closed) << "no switch before the replacement is acked";
  ack_all(host, second);
  EXPECT_TRUE(host.connection(first)->closed_by_plugin) << "switched once in sync and acked";
  for (size_t i = 58; i < diffs.size(); ++i)
    host.ws_message(second, diffs[i]);

  for (const auto& e : host.books())
    EXPECT_NE(e.kind, uint32_t(ASTRA_BOOK_RESET));
  size_t snapshots = 0;
  uint64_t last = 0;
  for (const auto& e : host.books()) {
    snapshots += e.kind == ASTRA_BOOK_SNAPSHOT;
    EXPECT_GT(e.update_id, last) << "update ids keep increasing across the switch";
    last = e.update_id;
  }
  EXPECT_EQ(snapshots, 1u) << "no resync";
  EXPECT_EQ(host.counter(ASTRA_COUNT_GAP), 0u);
  EXPECT_EQ(host.books().back().update_id, 499870179u);
  const RefBook book = book_from_events(host, market);
  EXPECT_EQ(book.best_bid(), "0.35270000 x 9602.00000000");
  EXPECT_EQ(book.best_ask(), "0.35310000 x 152.00000000");
  EXPECT_EQ(host.pending_requests("/depth").size(), 0u);

  // The new connection gets its own replacement 23 h 50 min after it opened.
  host.advance(kRolloverMs);
  EXPECT_EQ(host.connections().size(), 3u);
}

TEST(BinanceRollover, ReplacementThatNeverCatchesUpStillTakesOverAtTheDeadline) {
  ASTRA_REQUIRE_SHARED(snap, "fixtures/binance/usdm_depth_snapshot_SUSHIUSDT_limit1000.json");
  ASTRA_REQUIRE_SHARED(diff, "fixtures/binance/ws_usdm_depth_diff_SUSHIUSDT.jsonl");
  const std::vector<std::string> diffs = read_lines(diff);
  FakeHost host(plugin().api());
  create_and_list(host, {"usdm"});
  ASSERT_EQ(host.subscribe("BINANCE-PERP-SUSHI-USDT", ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  const uint64_t first = host.connections().back().id;
  host.ws_open_ok(first);
  for (size_t i = 0; i < 10; ++i)
    host.ws_message(first, diffs[i]);
  host.respond(host.pending_requests("/fapi/v1/depth")[0]->token, 200, read_file(snap));
  host.advance(kRolloverMs);
  const uint64_t second = host.connections().back().id;
  ASSERT_NE(second, first);
  host.ws_open_ok(second);
  ack_all(host, second);
  // The market is quiet: nothing arrives on the replacement; the old one stays until the deadline.
  host.advance(7 * 60 * 1000);
  EXPECT_FALSE(host.connection(first)->closed);
  host.advance(60 * 1000);
  EXPECT_TRUE(host.connection(first)->closed_by_plugin);
  // The next diff on the new connection continues the book (pu == last u): no RESET.
  for (size_t i = 10; i < diffs.size(); ++i)
    host.ws_message(second, diffs[i]);
  for (const auto& e : host.books())
    EXPECT_NE(e.kind, uint32_t(ASTRA_BOOK_RESET));
  EXPECT_EQ(host.books().back().update_id, 600860425198u);
}

}  // namespace
}  // namespace binance_test
