// The seqId protocol (OKX production since 2023; no WebSocket snapshot and checksum 0 from 2026):
// sync from a REST snapshot bridged onto buffered updates, gaps, heartbeats, sequence resets, and
// checksums when they are present. The inputs are the recorded BTC-USDT book: the recorded
// snapshot and updates, numbered with seqIds (the 2022 recording predates them); REST answers are
// the true book at a seqId, built from the recorded pushes.
#include "okx_test_support.hpp"

namespace okx_test {
namespace {

using astra::sdk::BookSide;
using astra::sdk::L2Book;

constexpr int64_t kBase = 1000;  // the recorded snapshot's seqId

class OkxSeqSync : public ::testing::Test {
 protected:
  void SetUp() override {
    OKX_REQUIRE_DATA();
    pushes_ = books_pushes(recorded_frames(), "BTC-USDT");
    ASSERT_EQ(pushes_.size(), 98u);
    create_and_list(host_, books_config());
    ASSERT_EQ(host_.subscribe(kSpot, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
    conn_ = open_connection(host_);
  }

  // Recorded update i (1-based) with seqId kBase+i, prevSeqId kBase+i-1, and the recorded
  // checksum or 0.
  std::string update(size_t i, bool keep_checksum = false) const {
    json data = pushes_[i]["data"][0];
    data["seqId"] = kBase + static_cast<int64_t>(i);
    data["prevSeqId"] = kBase + static_cast<int64_t>(i) - 1;
    if (!keep_checksum) data["checksum"] = 0;
    return books_frame("BTC-USDT", "update", data);
  }
  // The true book after push i (0: the recorded snapshot).
  L2Book truth(size_t i) const {
    L2Book book;
    for (size_t p = 0; p <= i; ++p)
      apply_push(book, pushes_[p]["data"][0], p == 0);
    return book;
  }
  // GET /api/v5/market/books answered with the true book at seqId kBase+i.
  std::string rest_answer(size_t i, bool seq_as_string = false) const {
    const L2Book book = truth(i);
    json seq = kBase + static_cast<int64_t>(i);
    if (seq_as_string) seq = std::to_string(kBase + static_cast<int64_t>(i));
    return json{{"code", "0"},
                {"msg", ""},
                {"data",
                 {{{"asks", levels_json(book, BookSide::ask)},
                   {"bids", levels_json(book, BookSide::bid)},
                   {"ts", pushes_[i]["data"][0]["ts"]},
                   {"seqId", seq}}}}}
        .dump();
  }
  int32_t recorded_checksum(size_t i) const {
    return pushes_[i]["data"][0]["checksum"].get<int32_t>();
  }
  std::vector<const astra::sdk::testing::HttpCall*> snapshot_requests() const {
    return host_.pending_requests("/api/v5/market/books?instId=BTC-USDT");
  }
  void answer_snapshot(size_t i) {
    const auto pending = snapshot_requests();
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0]->url, "http://127.0.0.1:18090/api/v5/market/books?instId=BTC-USDT&sz=400");
    host_.respond(pending[0]->token, 200, rest_answer(i));
  }
  void feed(size_t from, size_t to, bool keep_checksum = false) {
    for (size_t i = from; i <= to; ++i)
      ASSERT_TRUE(host_.ws_message(conn_, update(i, keep_checksum)));
  }
  // The book the host was told equals the venue's: its checksum is the recorded one.
  void expect_final_book(size_t last) {
    EXPECT_EQ(astra::sdk::okx_checksum(book_from_events(host_, kSpot)), recorded_checksum(last));
    uint64_t previous = 0;
    for (const auto* e : host_.books_of(kSpot)) {
      if (e->kind == ASTRA_BOOK_RESET) {
        previous = 0;
        continue;
      }
      EXPECT_GT(e->update_id, previous) << "update ids strictly increase";
      previous = e->update_id;
    }
  }

  FakeHost host_{plugin().api()};
  uint64_t conn_ = 0;
  std::vector<json> pushes_;
};

TEST_F(OkxSeqSync, RestSnapshotBridgesBufferedUpdatesWithChecksumZero) {
  feed(1, 3);
  EXPECT_TRUE(host_.books_of(kSpot).empty()) << "nothing before the snapshot";
  answer_snapshot(2);  // the venue's book at seqId 1002
  const auto events = host_.books_of(kSpot);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]->kind, uint32_t(ASTRA_BOOK_SNAPSHOT));
  EXPECT_EQ(events[0]->update_id, uint64_t(kBase + 2));
  EXPECT_EQ(events[1]->kind, uint32_t(ASTRA_BOOK_UPDATE));
  EXPECT_EQ(events[1]->update_id, uint64_t(kBase + 3));
  EXPECT_EQ(host_.counter(ASTRA_COUNT_STALE_DROPPED, kSpot), 2u);  // 1001 and 1002
  feed(4, pushes_.size() - 1);
  EXPECT_EQ(host_.counter(ASTRA_COUNT_CHECKSUM_OK), 0u) << "checksum 0 is no checksum";
  EXPECT_EQ(host_.counter(ASTRA_COUNT_CHECKSUM_FAILURE), 0u);
  EXPECT_EQ(count_kind(host_, kSpot, ASTRA_BOOK_RESET), 0u);
  EXPECT_EQ(count_kind(host_, kSpot, ASTRA_BOOK_UPDATE), pushes_.size() - 3);
  expect_final_book(pushes_.size() - 1);
}

TEST_F(OkxSeqSync, SnapshotNewerThanEverythingBufferedBridgesTheNextUpdate) {
  feed(1, 2);
  answer_snapshot(4);  // 1001 and 1002 are inside it
  EXPECT_EQ(host_.counter(ASTRA_COUNT_STALE_DROPPED, kSpot), 2u);
  feed(3, 4);  // still inside: dropped
  EXPECT_EQ(host_.counter(ASTRA_COUNT_STALE_DROPPED, kSpot), 4u);
  feed(5, 20);
  EXPECT_EQ(count_kind(host_, kSpot, ASTRA_BOOK_RESET), 0u);
  expect_final_book(20);
}

TEST_F(OkxSeqSync, SnapshotOlderThanTheBufferIsFetchedAgain) {
  feed(3, 4);  // buffering started late: the first buffered prevSeqId is 1002
  const auto first = snapshot_requests();
  ASSERT_EQ(first.size(), 1u);
  host_.respond(first[0]->token, 200, rest_answer(1));  // 1001 < 1002: too old
  EXPECT_TRUE(host_.books_of(kSpot).empty());
  EXPECT_TRUE(snapshot_requests().empty()) << "not at once";
  host_.advance(250);
  answer_snapshot(3);
  ASSERT_FALSE(host_.books_of(kSpot).empty());
  EXPECT_EQ(host_.books_of(kSpot)[0]->update_id, uint64_t(kBase + 3));
  feed(5, 30);
  expect_final_book(30);
}

TEST_F(OkxSeqSync, SeqIdAsStringInTheRestAnswerIsAccepted) {
  feed(1, 2);
  const auto pending = snapshot_requests();
  ASSERT_EQ(pending.size(), 1u);
  host_.respond(pending[0]->token, 200, rest_answer(1, true));
  ASSERT_FALSE(host_.books_of(kSpot).empty());
  EXPECT_EQ(host_.books_of(kSpot)[0]->update_id, uint64_t(kBase + 1));
}

TEST_F(OkxSeqSync, GapResetsAndResyncsFromRest) {
  feed(1, 2);
  answer_snapshot(1);
  feed(3, 6);
  ASSERT_EQ(count_kind(host_, kSpot, ASTRA_BOOK_RESET), 0u);
  ASSERT_TRUE(host_.ws_message(conn_, update(8)));  // 1007 lost
  EXPECT_EQ(count_kind(host_, kSpot, ASTRA_BOOK_RESET, ASTRA_RESET_GAP), 1u);
  EXPECT_EQ(host_.books_of(kSpot).back()->kind, uint32_t(ASTRA_BOOK_RESET));
  EXPECT_EQ(host_.counter(ASTRA_COUNT_GAP, kSpot), 1u);
  // The push after the gap is the first of the new buffer; a REST snapshot bridges it.
  feed(9, 10);
  answer_snapshot(8);
  EXPECT_EQ(count_kind(host_, kSpot, ASTRA_BOOK_SNAPSHOT), 2u);
  feed(11, pushes_.size() - 1);
  expect_final_book(pushes_.size() - 1);
  EXPECT_TRUE(host_.connection(conn_)->sent.size() == 1u) << "no resubscription needed";
}

TEST_F(OkxSeqSync, HeartbeatsChangeNothingAndAWrongOneIsAGap) {
  feed(1, 2);
  answer_snapshot(2);
  feed(3, 5);
  const size_t events = host_.books_of(kSpot).size();
  const json beat = {{"asks", json::array()}, {"bids", json::array()},  {"ts", "1652459226000"},
                     {"checksum", 0},         {"prevSeqId", kBase + 5}, {"seqId", kBase + 5}};
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(host_.ws_message(conn_, books_frame("BTC-USDT", "update", beat)));
  EXPECT_EQ(host_.books_of(kSpot).size(), events) << "a heartbeat emits nothing";
  feed(6, 10);
  EXPECT_EQ(count_kind(host_, kSpot, ASTRA_BOOK_RESET), 0u);
  expect_final_book(10);
  // A heartbeat that repeats a seqId other than the last one means pushes were lost.
  json stale_beat = beat;
  stale_beat["prevSeqId"] = kBase + 12;
  stale_beat["seqId"] = kBase + 12;
  ASSERT_TRUE(host_.ws_message(conn_, books_frame("BTC-USDT", "update", stale_beat)));
  EXPECT_EQ(count_kind(host_, kSpot, ASTRA_BOOK_RESET, ASTRA_RESET_GAP), 1u);
}

TEST_F(OkxSeqSync, VenueSequenceResetResets) {
  feed(1, 2);
  answer_snapshot(2);
  feed(3, 3);
  json data = pushes_[4]["data"][0];
  data["prevSeqId"] = kBase + 3;
  data["seqId"] = 5;  // below prevSeqId: the venue restarted its numbering
  data["checksum"] = 0;
  ASSERT_TRUE(host_.ws_message(conn_, books_frame("BTC-USDT", "update", data)));
  EXPECT_EQ(count_kind(host_, kSpot, ASTRA_BOOK_RESET, ASTRA_RESET_VENUE), 1u);
}

TEST_F(OkxSeqSync, VenueSequenceResetRightAfterTheSnapshotResetsToo) {
  feed(1, 2);
  answer_snapshot(2);  // live, nothing applied after the snapshot yet
  json data = pushes_[3]["data"][0];
  data["prevSeqId"] = kBase + 2;
  data["seqId"] = 5;  // must not pass for "already in the snapshot"
  data["checksum"] = 0;
  ASSERT_TRUE(host_.ws_message(conn_, books_frame("BTC-USDT", "update", data)));
  EXPECT_EQ(count_kind(host_, kSpot, ASTRA_BOOK_RESET, ASTRA_RESET_VENUE), 1u);
}

TEST_F(OkxSeqSync, WebSocketSnapshotWithSeqIdsAndChecksums) {
  // The current production shape: a snapshot push (prevSeqId -1) and checksummed updates.
  json snap = pushes_[0]["data"][0];
  snap["seqId"] = kBase;
  snap["prevSeqId"] = -1;
  ASSERT_TRUE(host_.ws_message(conn_, books_frame("BTC-USDT", "snapshot", snap)));
  feed(1, 20, true);
  EXPECT_EQ(host_.counter(ASTRA_COUNT_CHECKSUM_OK, kSpot), 21u);
  EXPECT_TRUE(snapshot_requests().empty()) << "the WebSocket snapshot needs no REST";
  EXPECT_EQ(host_.books_of(kSpot).front()->update_id, uint64_t(kBase));
  // A bad checksum on a sequenced stream resyncs from REST (no resubscription).
  json bad = json::parse(update(21, true));
  bad["data"][0]["checksum"] = recorded_checksum(21) ^ 1;
  ASSERT_TRUE(host_.ws_message(conn_, bad.dump()));
  EXPECT_EQ(host_.counter(ASTRA_COUNT_CHECKSUM_FAILURE, kSpot), 1u);
  EXPECT_EQ(count_kind(host_, kSpot, ASTRA_BOOK_RESET, ASTRA_RESET_CHECKSUM), 1u);
  feed(22, 23, true);
  answer_snapshot(22);
  feed(24, pushes_.size() - 1, true);
  EXPECT_EQ(host_.counter(ASTRA_COUNT_CHECKSUM_FAILURE, kSpot), 1u);
  EXPECT_EQ(count_kind(host_, kSpot, ASTRA_BOOK_SNAPSHOT), 2u);
  expect_final_book(pushes_.size() - 1);
  EXPECT_EQ(host_.connection(conn_)->sent.size(), 1u);
}

TEST_F(OkxSeqSync, FailedSnapshotIsRetriedWithBackoff) {
  feed(1, 2);
  const auto first = snapshot_requests();
  ASSERT_EQ(first.size(), 1u);
  host_.respond(first[0]->token, 429, R"({"code":"50011","msg":"Too Many Requests"})");
  EXPECT_TRUE(snapshot_requests().empty());
  host_.advance(499);
  EXPECT_TRUE(snapshot_requests().empty());
  host_.advance(1);
  answer_snapshot(2);
  EXPECT_EQ(count_kind(host_, kSpot, ASTRA_BOOK_SNAPSHOT), 1u);
}

}  // namespace
}  // namespace okx_test
