// Depth synchronization over the real recorded data, through the plugin .so and the FakeHost.
// Expectations are SOURCES.md "Checked properties" (fixtures/binance/SOURCES.md).
#include "binance_test_support.hpp"

namespace binance_test {
namespace {

struct DepthCase {
  std::string name;
  std::string family;
  std::string market;
  std::string venue_symbol;
  std::string rest_path;  // the snapshot endpoint
  uint32_t weight;        // for limit 1000
  std::string snapshot_file;
  std::string diff_file;
  // SOURCES.md "Checked properties":
  uint64_t dropped;
  uint64_t applied;
  uint64_t final_u;
  std::string best_bid;
  std::string best_ask;
};

const DepthCase kCases[] = {
    {"NKNUSDT_spot", "spot", "BINANCE-SPOT-NKN-USDT", "NKNUSDT", "/api/v3/depth", 50,
     "spot_depth_snapshot_NKNUSDT_limit1000.json", "ws_spot_depth_diff_NKNUSDT.jsonl", 1, 149,
     499870179, "0.35270000 x 9602.00000000", "0.35310000 x 152.00000000"},
    {"SUSHIUSDT_usdm", "usdm", "BINANCE-PERP-SUSHI-USDT", "SUSHIUSDT", "/fapi/v1/depth", 20,
     "usdm_depth_snapshot_SUSHIUSDT_limit1000.json", "ws_usdm_depth_diff_SUSHIUSDT.jsonl", 3, 252,
     600860425198, "7.6120 x 303", "7.6160 x 267"},
    {"BCHUSD_PERP_coinm", "coinm", "BINANCE-PERP-BCH-USD-COINM", "BCHUSD_PERP", "/dapi/v1/depth",
     20, "coinm_depth_snapshot_BCHUSD_PERP_limit1000.json", "ws_coinm_depth_diff_BCHUSD_PERP.jsonl",
     7, 208, 167006263994, "427.79 x 222", "427.80 x 150"},
};

void PrintTo(const DepthCase& c, std::ostream* os) {
  *os << c.name;
}

class BinanceDepth : public ::testing::TestWithParam<DepthCase> {
 protected:
  void SetUp() override {
    const auto dir = astra::test::shared_dir() / "fixtures/binance";
    if (!std::filesystem::exists(dir / GetParam().snapshot_file) ||
        !std::filesystem::exists(dir / GetParam().diff_file) ||
        exchange_info(GetParam().family).empty())
      GTEST_SKIP() << "shared Binance fixtures not found under " << dir;
    snapshot_ = read_file(dir / GetParam().snapshot_file);
    diffs_ = read_lines(dir / GetParam().diff_file);
  }

  // Lists markets, subscribes the book, opens the connection; returns the connection id.
  uint64_t start(FakeHost& host) {
    create_and_list(host, {GetParam().family});
    EXPECT_EQ(host.subscribe(GetParam().market, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
    EXPECT_EQ(host.connections().size(), 1u);
    const uint64_t conn = host.connections().back().id;
    EXPECT_TRUE(host.ws_open_ok(conn));
    return conn;
  }

  // The one pending snapshot request for this market; checks its URL and weight.
  uint64_t snapshot_request(FakeHost& host) {
    const auto pending = host.pending_requests(GetParam().rest_path);
    EXPECT_EQ(pending.size(), 1u);
    if (pending.empty()) return 0;
    EXPECT_EQ(pending[0]->method, "GET");
    EXPECT_NE(pending[0]->url.find("?symbol=" + GetParam().venue_symbol + "&limit=1000"),
              std::string::npos)
        << pending[0]->url;
    EXPECT_EQ(pending[0]->weight, GetParam().weight);
    return pending[0]->token;
  }

  std::vector<const astra::sdk::testing::BookEvent*> events(FakeHost& host, uint32_t kind) {
    std::vector<const astra::sdk::testing::BookEvent*> out;
    for (const auto* e : host.books_of(GetParam().market))
      if (e->kind == kind) out.push_back(e);
    return out;
  }

  std::string snapshot_;
  std::vector<std::string> diffs_;
};

TEST_P(BinanceDepth, RecordedSessionMatchesCheckedProperties) {
  FakeHost host(plugin().api());
  const uint64_t conn = start(host);
  const auto subs = subscribes_on(*host.connection(conn));
  ASSERT_EQ(subs.streams.size(), 1u);
  std::string lower = GetParam().venue_symbol;
  for (char& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(subs.streams[0], lower + "@depth@100ms");
  EXPECT_EQ(host.connection(conn)->url.substr(host.connection(conn)->url.size() - 7), "/stream");

  // Ten diffs before the snapshot answer (buffered), the rest after it (live).
  for (size_t i = 0; i < 10; ++i)
    ASSERT_TRUE(host.ws_message(conn, diffs_[i]));
  EXPECT_TRUE(host.books().empty()) << "nothing is emitted before the snapshot";
  ASSERT_TRUE(host.respond(snapshot_request(host), 200, snapshot_));
  for (size_t i = 10; i < diffs_.size(); ++i)
    ASSERT_TRUE(host.ws_message(conn, diffs_[i]));

  const uint64_t L = json::parse(snapshot_)["lastUpdateId"];
  const auto snapshots = events(host, ASTRA_BOOK_SNAPSHOT);
  ASSERT_EQ(snapshots.size(), 1u);
  EXPECT_EQ(snapshots[0]->update_id, L);
  EXPECT_TRUE(events(host, ASTRA_BOOK_RESET).empty());
  EXPECT_EQ(host.counter(ASTRA_COUNT_STALE_DROPPED, GetParam().market), GetParam().dropped);
  EXPECT_EQ(events(host, ASTRA_BOOK_UPDATE).size(), GetParam().applied);
  EXPECT_EQ(host.counter(ASTRA_COUNT_GAP), 0u);
  EXPECT_EQ(host.counter(ASTRA_COUNT_BAD_FRAME), 0u);
  EXPECT_EQ(host.books().back().update_id, GetParam().final_u);
  uint64_t last = 0;
  for (const auto& e : host.books()) {
    EXPECT_GT(e.update_id, last);
    last = e.update_id;
  }
  const RefBook book = book_from_events(host, GetParam().market);
  EXPECT_EQ(book.best_bid(), GetParam().best_bid);
  EXPECT_EQ(book.best_ask(), GetParam().best_ask);
  // venue_time_us comes from E (ms).
  const uint64_t last_e = json::parse(diffs_.back())["data"]["E"];
  EXPECT_EQ(host.books().back().venue_time_us, int64_t(last_e) * 1000);
}

TEST_P(BinanceDepth, DroppedDiffIsDetectedAndResynchronized) {
  FakeHost host(plugin().api());
  const uint64_t conn = start(host);
  // A second book on the same connection that must not be disturbed.
  const std::string other = GetParam().family == "spot"   ? "BINANCE-SPOT-ETH-BTC"
                            : GetParam().family == "usdm" ? "BINANCE-PERP-BTC-USDT"
                                                          : "BINANCE-PERP-BTC-USD-COINM";
  ASSERT_EQ(host.subscribe(other, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  host.advance(1000);  // paced SUBSCRIBE goes out

  const size_t missing = 60;    // this diff never arrives
  const size_t resync_at = 66;  // the fresh snapshot reflects the book after this diff
  for (size_t i = 0; i < 10; ++i)
    ASSERT_TRUE(host.ws_message(conn, diffs_[i]));
  ASSERT_TRUE(host.respond(snapshot_request(host), 200, snapshot_));
  for (size_t i = 10; i < resync_at + 4; ++i) {
    if (i != missing) {
      ASSERT_TRUE(host.ws_message(conn, diffs_[i]));
    }
  }

  const auto resets = events(host, ASTRA_BOOK_RESET);
  ASSERT_EQ(resets.size(), 1u);
  EXPECT_EQ(resets[0]->reset_reason, uint32_t(ASTRA_RESET_GAP));
  EXPECT_EQ(host.counter(ASTRA_COUNT_GAP, GetParam().market), 1u);
  EXPECT_EQ(host.counter(ASTRA_COUNT_RESYNC, GetParam().market), 2u);  // initial + this one

  // The real book after diff `resync_at`: the recorded snapshot plus the recorded diffs.
  RefBook truth;
  json snap = json::parse(snapshot_);
  truth.apply(levels_of(snap["bids"]), levels_of(snap["asks"]));
  for (size_t i = 0; i <= resync_at; ++i) {
    const json d = json::parse(diffs_[i])["data"];
    if (d["u"].get<uint64_t>() > snap["lastUpdateId"].get<uint64_t>())
      truth.apply(levels_of(d["b"]), levels_of(d["a"]));
  }
  const uint64_t resync_u = json::parse(diffs_[resync_at])["data"]["u"];
  ASSERT_TRUE(host.respond(snapshot_request(host), 200, depth_response(truth, resync_u)));
  for (size_t i = resync_at + 4; i < diffs_.size(); ++i)
    ASSERT_TRUE(host.ws_message(conn, diffs_[i]));

  const auto snapshots = events(host, ASTRA_BOOK_SNAPSHOT);
  ASSERT_EQ(snapshots.size(), 2u);
  EXPECT_EQ(snapshots[1]->update_id, resync_u);
  EXPECT_EQ(events(host, ASTRA_BOOK_RESET).size(), 1u);
  EXPECT_TRUE(host.books_of(other).empty()) << "the other market saw no RESET or SNAPSHOT";
  EXPECT_TRUE(
      host.pending_requests("symbol=" +
                            std::string(other == "BINANCE-SPOT-ETH-BTC" ? "ETHBTC" : "BTCUSD"))
          .empty());
  // The resynchronized book ends where the recording ends.
  EXPECT_EQ(host.books().back().update_id, GetParam().final_u);
  const RefBook book = book_from_events(host, GetParam().market);
  EXPECT_EQ(book.best_bid(), GetParam().best_bid);
  EXPECT_EQ(book.best_ask(), GetParam().best_ask);
}

TEST_P(BinanceDepth, DisconnectResetsAndResubscribes) {
  FakeHost host(plugin().api());
  const uint64_t conn = start(host);
  for (size_t i = 0; i < 10; ++i)
    ASSERT_TRUE(host.ws_message(conn, diffs_[i]));
  ASSERT_TRUE(host.respond(snapshot_request(host), 200, snapshot_));
  ASSERT_TRUE(host.ws_closed(conn, 1006, "gone"));
  const auto resets = events(host, ASTRA_BOOK_RESET);
  ASSERT_EQ(resets.size(), 1u);
  EXPECT_EQ(resets[0]->reset_reason, uint32_t(ASTRA_RESET_DISCONNECT));
  host.advance(1000);  // reconnect backoff
  ASSERT_EQ(host.connections().size(), 2u);
  const uint64_t conn2 = host.connections().back().id;
  ASSERT_TRUE(host.ws_open_ok(conn2));
  EXPECT_EQ(subscribes_on(*host.connection(conn2)).streams.size(), 1u);
  ASSERT_TRUE(host.ws_message(conn2, diffs_[20]));
  EXPECT_EQ(host.pending_requests(GetParam().rest_path).size(), 1u) << "resync after reconnect";
}

INSTANTIATE_TEST_SUITE_P(Recorded, BinanceDepth, ::testing::ValuesIn(kCases),
                         [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace binance_test
