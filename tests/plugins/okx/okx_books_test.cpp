// The recorded `books` channel (2022 protocol: WebSocket snapshot + updates with CRC32
// checksums, no seqId) through the plugin: every checksum verified, the tops SOURCES.md states,
// and random one-field mutations caught, reset for that market only, and resynced.
#include "okx_test_support.hpp"

#include <random>

namespace okx_test {
namespace {

using astra::sdk::BookSide;
using astra::sdk::L2Book;

struct Session {
  FakeHost host{plugin().api()};
  uint64_t conn = 0;
  Session() {
    create_and_list(host, books_config());
    EXPECT_EQ(host.subscribe(kSpot, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
    EXPECT_EQ(host.subscribe(kFuture, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
    conn = open_connection(host);
  }
};

size_t checksummed(const std::vector<json>& pushes) {
  size_t n = 0;
  for (const auto& p : pushes)
    n += p["data"][0].value("checksum", 0) != 0;
  return n;
}

TEST(OkxBooks, SubscribesBothBooksInOneRequest) {
  OKX_REQUIRE_DATA();
  Session s;
  const auto* c = s.host.connection(s.conn);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->url, "ws://127.0.0.1:18090/ws/v5/public");
  ASSERT_EQ(c->sent.size(), 1u);
  const json sent = json::parse(c->sent[0]);
  EXPECT_EQ(sent["op"], "subscribe");
  EXPECT_EQ(sent["args"].size(), 2u);
  for (const auto& a : sent["args"])
    EXPECT_EQ(a["channel"], "books");
}

TEST(OkxBooks, EveryRecordedChecksumVerifies) {
  OKX_REQUIRE_DATA();
  Session s;
  const auto frames = recorded_frames();
  for (const auto& f : frames)
    ASSERT_TRUE(s.host.ws_message(s.conn, f));
  const auto spot = books_pushes(frames, "BTC-USDT");
  const auto future = books_pushes(frames, "BTC-USD-220527");
  ASSERT_EQ(spot.size(), 98u);
  ASSERT_EQ(future.size(), 99u);
  const size_t expected = checksummed(spot) + checksummed(future);
  EXPECT_EQ(expected, 197u);  // every recorded push of the two books carries a checksum
  EXPECT_EQ(s.host.counter(ASTRA_COUNT_CHECKSUM_OK, kSpot), checksummed(spot));
  EXPECT_EQ(s.host.counter(ASTRA_COUNT_CHECKSUM_OK, kFuture), checksummed(future));
  EXPECT_EQ(s.host.counter(ASTRA_COUNT_CHECKSUM_FAILURE), 0u);
  EXPECT_EQ(s.host.counter(ASTRA_COUNT_BAD_FRAME), 0u);
  EXPECT_EQ(count_kind(s.host, kSpot, ASTRA_BOOK_RESET), 0u);
  EXPECT_EQ(count_kind(s.host, kFuture, ASTRA_BOOK_RESET), 0u);
  EXPECT_EQ(count_kind(s.host, kSpot, ASTRA_BOOK_SNAPSHOT), 1u);
  EXPECT_EQ(count_kind(s.host, kSpot, ASTRA_BOOK_UPDATE), 97u);
  // What the host was told rebuilds the venue's book exactly: its checksum is the venue's last.
  EXPECT_EQ(astra::sdk::okx_checksum(book_from_events(s.host, kSpot)),
            spot.back()["data"][0]["checksum"].get<int32_t>());
  EXPECT_EQ(astra::sdk::okx_checksum(book_from_events(s.host, kFuture)),
            future.back()["data"][0]["checksum"].get<int32_t>());
  // Venue times: the push's ts in microseconds.
  const auto events = s.host.books_of(kSpot);
  EXPECT_EQ(events.back()->venue_time_us,
            std::stoll(spot.back()["data"][0]["ts"].get<std::string>()) * 1000);
}

// SOURCES.md: "BTC-USDT after all 61 frames: 400 bid and 400 ask levels; best bid 30240 x 0.0002;
// best ask 30240.1 x 5.48590139; last checksum -1762330246" and "BTC-USD-220527 after 41 frames:
// best bid 30226 x 65; best ask 30247.6 x 3; last checksum -817702355".
TEST(OkxBooks, FixtureTopsAreThoseSourcesStates) {
  OKX_REQUIRE_DATA();
  Session s;
  const auto dir = astra::test::shared_dir() / "fixtures/okx";
  for (const auto& f : read_lines(dir / "ws_books_BTC-USDT_snapshot_plus_updates.jsonl"))
    ASSERT_TRUE(s.host.ws_message(s.conn, f));
  for (const auto& f : read_lines(dir / "ws_books_BTC-USD-220527_snapshot_plus_updates.jsonl"))
    ASSERT_TRUE(s.host.ws_message(s.conn, f));
  EXPECT_EQ(s.host.counter(ASTRA_COUNT_CHECKSUM_OK, kSpot), 61u);
  EXPECT_EQ(s.host.counter(ASTRA_COUNT_CHECKSUM_OK, kFuture), 41u);
  EXPECT_EQ(s.host.counter(ASTRA_COUNT_CHECKSUM_FAILURE), 0u);

  const L2Book spot = book_from_events(s.host, kSpot);
  EXPECT_EQ(spot.size(BookSide::bid), 400u);
  EXPECT_EQ(spot.size(BookSide::ask), 400u);
  EXPECT_EQ(top_text(spot, BookSide::bid), "30240 x 0.0002");
  EXPECT_EQ(top_text(spot, BookSide::ask), "30240.1 x 5.48590139");
  EXPECT_EQ(astra::sdk::okx_checksum(spot), -1762330246);

  const L2Book future = book_from_events(s.host, kFuture);
  EXPECT_EQ(top_text(future, BookSide::bid), "30226 x 65");
  EXPECT_EQ(top_text(future, BookSide::ask), "30247.6 x 3");
  EXPECT_EQ(astra::sdk::okx_checksum(future), -817702355);
}

// Changes the last digit of one price or size of one level; false when the push has no level.
bool mutate(json& data, std::mt19937& rng, std::string& what) {
  const char* side =
      (rng() % 2 == 0 && !data["bids"].empty()) || data["asks"].empty() ? "bids" : "asks";
  json& levels = data[side];
  if (levels.empty()) return false;
  json& level = levels[rng() % levels.size()];
  const int field = static_cast<int>(rng() % 2);
  std::string text = level[field].get<std::string>();
  char& last = text.back();
  last = static_cast<char>('0' + (last - '0' + 1 + rng() % 9) % 10);
  what = std::string(side) + (field == 0 ? " price " : " size ") + level[field].get<std::string>() +
         " -> " + text;
  level[field] = text;
  return true;
}

TEST(OkxBooks, MutationsAreDetectedResetOneMarketAndResync) {
  OKX_REQUIRE_DATA();
  const auto frames = recorded_frames();
  // Where the BTC-USDT updates are in the recording.
  std::vector<size_t> updates;
  for (size_t i = 0; i < frames.size(); ++i) {
    const json o = json::parse(frames[i]);
    if (o.value("action", "") == "update" && o["arg"]["instId"] == "BTC-USDT") updates.push_back(i);
  }
  ASSERT_GT(updates.size(), 50u);
  const auto spot_pushes = books_pushes(frames, "BTC-USDT");
  const size_t future_checksums = checksummed(books_pushes(frames, "BTC-USD-220527"));
  std::mt19937 rng(20240611);
  int tested = 0, invisible = 0;
  for (int attempt = 0; attempt < 200 && tested < 40; ++attempt) {
    const size_t u = rng() % updates.size();
    const size_t k = updates[u];
    // The true venue book before and after push k (pushes: the snapshot, then updates).
    L2Book before;
    for (size_t p = 0; p <= u; ++p)
      apply_push(before, spot_pushes[p]["data"][0], p == 0);
    L2Book after = before;
    apply_push(after, spot_pushes[u + 1]["data"][0], false);
    json frame = json::parse(frames[k]);
    std::string what;
    if (!mutate(frame["data"][0], rng, what)) continue;
    L2Book mutated = before;
    apply_push(mutated, frame["data"][0], false);
    if (astra::sdk::okx_checksum_input(mutated) == astra::sdk::okx_checksum_input(after)) {
      ++invisible;  // below the top 25, or a delete of an absent level: no checksum can see it
      continue;
    }
    ++tested;
    SCOPED_TRACE("frame " + std::to_string(k) + ": " + what);
    Session s;
    for (size_t i = 0; i < k; ++i)
      ASSERT_TRUE(s.host.ws_message(s.conn, frames[i]));
    const size_t sent_before = s.host.connection(s.conn)->sent.size();
    ASSERT_TRUE(s.host.ws_message(s.conn, frame.dump()));
    EXPECT_EQ(s.host.counter(ASTRA_COUNT_CHECKSUM_FAILURE, kSpot), 1u);
    EXPECT_EQ(count_kind(s.host, kSpot, ASTRA_BOOK_RESET, ASTRA_RESET_CHECKSUM), 1u);
    EXPECT_EQ(count_kind(s.host, kFuture, ASTRA_BOOK_RESET), 0u) << "only the broken market";
    EXPECT_EQ(s.host.books_of(kSpot).back()->kind, uint32_t(ASTRA_BOOK_RESET));
    // Resync: the 2022 protocol has no seqId, so the book is resubscribed for a new snapshot.
    s.host.advance(1000);
    const auto& sent = s.host.connection(s.conn)->sent;
    ASSERT_EQ(sent.size(), sent_before + 2);
    EXPECT_EQ(
        json::parse(sent[sent_before]),
        json::parse(R"({"op":"unsubscribe","args":[{"channel":"books","instId":"BTC-USDT"}]})"));
    EXPECT_EQ(
        json::parse(sent[sent_before + 1]),
        json::parse(R"({"op":"subscribe","args":[{"channel":"books","instId":"BTC-USDT"}]})"));
    // The venue answers with a snapshot of its book at that point (the true book after push k,
    // whose checksum is the one recorded in push k), then the recorded updates go on.
    const json& truth = spot_pushes[u + 1]["data"][0];
    ASSERT_TRUE(s.host.ws_message(
        s.conn, snapshot_frame("BTC-USDT", after, truth["checksum"].get<int64_t>(),
                               truth["ts"].get<std::string>())));
    for (size_t i = k + 1; i < frames.size(); ++i)
      ASSERT_TRUE(s.host.ws_message(s.conn, frames[i]));
    EXPECT_EQ(count_kind(s.host, kSpot, ASTRA_BOOK_SNAPSHOT), 2u);
    EXPECT_EQ(s.host.counter(ASTRA_COUNT_CHECKSUM_FAILURE), 1u);
    EXPECT_EQ(astra::sdk::okx_checksum(book_from_events(s.host, kSpot)),
              spot_pushes.back()["data"][0]["checksum"].get<int32_t>());
    EXPECT_EQ(s.host.counter(ASTRA_COUNT_CHECKSUM_OK, kFuture), future_checksums);
    if (HasFailure()) break;
  }
  EXPECT_EQ(tested, 40) << "mutations invisible to the checksum: " << invisible;
}

TEST(OkxBooks, UpdatesBeforeTheSnapshotAreNotEmitted) {
  OKX_REQUIRE_DATA();
  Session s;
  const auto frames = recorded_frames();
  const auto spot = books_pushes(frames, "BTC-USDT");
  // An update of the 2022 protocol (no seqId) cannot be bridged: it waits for the snapshot.
  ASSERT_TRUE(s.host.ws_message(s.conn, spot[1].dump()));
  EXPECT_TRUE(s.host.books_of(kSpot).empty());
  EXPECT_TRUE(s.host.pending_requests("/market/books").empty());
  ASSERT_TRUE(s.host.ws_message(s.conn, spot[0].dump()));
  for (size_t i = 1; i < spot.size(); ++i)
    ASSERT_TRUE(s.host.ws_message(s.conn, spot[i].dump()));
  EXPECT_EQ(s.host.counter(ASTRA_COUNT_CHECKSUM_OK, kSpot), spot.size());
}

}  // namespace
}  // namespace okx_test
