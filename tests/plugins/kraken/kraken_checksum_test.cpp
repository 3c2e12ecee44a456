// Kraken's book CRC32: the official v2 vectors (decoded from the documented frames and padded to
// the pair's precision) and the recorded v1 book states with Kraken's own checksums.
#include "book_sync.hpp"
#include "frames.hpp"
#include "kraken_test_support.hpp"

#include <astra/sdk/checksum.hpp>

namespace kraken_test {
namespace {

using astra::kraken::FrameDecoder;
using astra::kraken::LevelText;
using astra::kraken::Protocol;
using astra::kraken::SpotBook;
using astra::sdk::BookSide;
using astra::sdk::L2Book;

json vectors() {
  return json::parse(read_file(shared("fixtures/kraken/checksum_vectors.json")));
}

L2Book book_of(const json& asks, const json& bids) {
  L2Book book;
  for (const auto& l : asks)
    EXPECT_TRUE(book.apply(BookSide::ask, l[0].get<std::string>(), l[1].get<std::string>()));
  for (const auto& l : bids)
    EXPECT_TRUE(book.apply(BookSide::bid, l[0].get<std::string>(), l[1].get<std::string>()));
  return book;
}

TEST(KrakenChecksum, OfficialGuideVectorBTCUSD) {
  ASTRA_REQUIRE_SHARED(f, "fixtures/kraken/checksum_vectors.json");
  const json v = vectors()["official_v2"][0];
  const L2Book book = book_of(v["asks_low_to_high"], v["bids_high_to_low"]);
  EXPECT_EQ(astra::sdk::kraken_checksum_input(book),
            v["asks_string"].get<std::string>() + v["bids_string"].get<std::string>());
  EXPECT_EQ(astra::sdk::kraken_checksum(book), v["expected_checksum"].get<uint32_t>());
}

TEST(KrakenChecksum, RecordedV1States) {
  ASTRA_REQUIRE_SHARED(f, "fixtures/kraken/checksum_vectors.json");
  const json list = vectors()["recorded_v1"];
  ASSERT_EQ(list.size(), 12u);
  for (const json& v : list) {
    const L2Book book = book_of(v["top10_asks_low_to_high"], v["top10_bids_high_to_low"]);
    EXPECT_EQ(astra::sdk::kraken_checksum(book),
              std::stoul(v["expected_checksum_from_kraken"].get<std::string>()))
        << v["pair"];
  }
}

// The documented v2 frames through the plugin's decoder and book: JSON numbers padded to 4/8.
TEST(KrakenChecksum, OfficialV2MaticFramesDecodeAndVerify) {
  ASTRA_REQUIRE_SHARED(snap, "fixtures/kraken/ws_v2_book_snapshot_doc_MATICUSD.json");
  ASTRA_REQUIRE_SHARED(upd, "fixtures/kraken/ws_v2_book_update_doc_MATICUSD.json");
  FrameDecoder decoder;
  astra::kraken::Frame frame;
  SpotBook book(4, 8, 10);
  ASSERT_EQ(decoder.decode(Protocol::spot_v2, read_file(snap), frame),
            astra::kraken::Frame::Kind::book)
      << frame.message;
  ASSERT_EQ(frame.book_count, 1u);
  EXPECT_TRUE(frame.books[0].snapshot);
  EXPECT_EQ(frame.books[0].symbol, "MATIC/USD");
  ASSERT_EQ(frame.books[0].checksum, 2439117997u);
  EXPECT_EQ(book.snapshot(frame.books[0].levels, frame.books[0].checksum), SpotBook::Result::ok);

  // Without the padding the same levels give the documented wrong value.
  SpotBook unpadded(-1, -1, 10);
  EXPECT_EQ(unpadded.snapshot(frame.books[0].levels, frame.books[0].checksum),
            SpotBook::Result::checksum_mismatch);
  EXPECT_EQ(unpadded.last_computed(), 3830085102u);

  ASSERT_EQ(decoder.decode(Protocol::spot_v2, read_file(upd), frame),
            astra::kraken::Frame::Kind::book);
  EXPECT_FALSE(frame.books[0].snapshot);
  ASSERT_EQ(frame.books[0].checksum, 2114181697u);
  std::vector<astra_book_level> bids, asks;
  EXPECT_EQ(book.update(frame.books[0].levels, frame.books[0].checksum, bids, asks),
            SpotBook::Result::ok);
  // The update inserts 0.5657 x 1098.3947558 -> {109839475580,-8}; the 11th bid falls out.
  ASSERT_FALSE(bids.empty());
  EXPECT_EQ(book.book().size(BookSide::bid), 10u);
}

TEST(KrakenChecksum, TruncationRemovesLevelsBeyondDepth) {
  SpotBook book(-1, -1, 2);
  const std::vector<LevelText> snap = {
      {"1.0", "1", true}, {"0.9", "1", true}, {"1.1", "1", false}, {"1.2", "1", false}};
  ASSERT_EQ(book.snapshot(snap, std::nullopt), SpotBook::Result::ok);
  std::vector<astra_book_level> bids, asks;
  ASSERT_EQ(book.update({{"1.05", "2", true}}, std::nullopt, bids, asks), SpotBook::Result::ok);
  // 1.05 inserted, 0.9 pushed out: both reported, 0.9 with quantity 0.
  ASSERT_EQ(bids.size(), 2u);
  EXPECT_EQ(astra::sdk::format_decimal(bids[0].price), "0.9");
  EXPECT_EQ(bids[0].quantity.mantissa, 0);
  EXPECT_EQ(astra::sdk::format_decimal(bids[1].price), "1.05");
  EXPECT_EQ(book.book().size(BookSide::bid), 2u);
}

}  // namespace
}  // namespace kraken_test
