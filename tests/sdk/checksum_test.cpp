// Venue checksums against the venues' own values: Kraken's published vectors and recorded
// states, and every checksummed frame of the recorded OKX and Kraken book sessions.
#include <astra/sdk/checksum.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <map>
#include <string>

#include "common/shared_dir.hpp"

namespace {

using namespace astra::sdk;
using nlohmann::json;

json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

// Kraken WS v2 sends numbers; render them with the pair's precision as a plugin must.
std::string with_precision(const std::string& text, int decimals) {
  astra_decimal d{};
  EXPECT_TRUE(parse_decimal(text, d)) << text;
  astra_decimal scaled{};
  EXPECT_TRUE(rescale_decimal(d, decimals, scaled)) << text;
  return format_decimal(scaled);
}

void load_v2_levels(L2Book& book, BookSide side, const json& levels, int price_precision,
                    int qty_precision) {
  for (const auto& level : levels) {
    ASSERT_TRUE(book.apply(side, with_precision(level[0], price_precision),
                           with_precision(level[1], qty_precision)));
  }
}

TEST(Checksum, Crc32KnownAnswer) {
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);  // the CRC-32/ISO-HDLC check value
  EXPECT_EQ(crc32(""), 0u);
}

TEST(Checksum, KrakenStripsPointAndLeadingZeros) {
  std::string out;
  append_kraken_digits(out, "0.00100000");
  EXPECT_EQ(out, "100000");
  out.clear();
  append_kraken_digits(out, "45285.2");
  EXPECT_EQ(out, "452852");
  out.clear();
  append_kraken_digits(out, "0.0500");
  EXPECT_EQ(out, "500");
}

TEST(Checksum, EmptyBook) {
  L2Book book;
  EXPECT_EQ(okx_checksum_input(book), "");
  EXPECT_EQ(kraken_checksum_input(book), "");
  EXPECT_EQ(okx_checksum(book), 0);
}

TEST(Checksum, OkxInterleavesAndContinuesWithTheLongerSide) {
  L2Book book;
  ASSERT_TRUE(book.apply(BookSide::bid, "3366.1", "7"));
  ASSERT_TRUE(book.apply(BookSide::bid, "3366", "6"));
  ASSERT_TRUE(book.apply(BookSide::bid, "3365.9", "1"));
  ASSERT_TRUE(book.apply(BookSide::ask, "3366.8", "9"));
  // Bids longer than asks: after the last ask, the bids continue alone.
  EXPECT_EQ(okx_checksum_input(book), "3366.1:7:3366.8:9:3366:6:3365.9:1");
  ASSERT_TRUE(book.apply(BookSide::ask, "3368", "8"));
  ASSERT_TRUE(book.apply(BookSide::ask, "3372", "8"));
  ASSERT_TRUE(book.apply(BookSide::ask, "3373", "8"));
  EXPECT_EQ(okx_checksum_input(book), "3366.1:7:3366.8:9:3366:6:3368:8:3365.9:1:3372:8:3373:8");
  EXPECT_EQ(okx_checksum_input(book, 1), "3366.1:7:3366.8:9");
  EXPECT_EQ(okx_checksum(book),
            static_cast<int32_t>(crc32("3366.1:7:3366.8:9:3366:6:3368:8:3365.9:1:3372:8:3373:8")));
}

TEST(Checksum, KrakenOfficialV2Vectors) {
  ASTRA_REQUIRE_SHARED(path, "fixtures/kraken/checksum_vectors.json");
  const json doc = read_json(path);
  const auto& v2 = doc.at("official_v2");
  ASSERT_GE(v2.size(), 3u);
  L2Book matic;  // kept: the third vector is an update on top of the second
  for (size_t i = 0; i < 2; ++i) {
    const auto& v = v2[i];
    SCOPED_TRACE(v.at("name").get<std::string>());
    const int pp = v.at("price_precision");
    const int qp = v.at("qty_precision");
    L2Book book;
    load_v2_levels(book, BookSide::ask, v.at("asks_low_to_high"), pp, qp);
    load_v2_levels(book, BookSide::bid, v.at("bids_high_to_low"), pp, qp);
    if (v.contains("asks_string")) {
      EXPECT_EQ(kraken_checksum_input(book),
                v.at("asks_string").get<std::string>() + v.at("bids_string").get<std::string>());
    }
    EXPECT_EQ(kraken_checksum(book), v.at("expected_checksum").get<uint32_t>());
    if (i == 1) matic = book;
  }
  {
    // The trap: the wire numbers without padding give another (wrong) checksum.
    const auto& v = v2[1];
    L2Book naive;
    for (const auto& l : v.at("asks_low_to_high"))
      ASSERT_TRUE(naive.apply(BookSide::ask, l[0].get<std::string>(), l[1].get<std::string>()));
    for (const auto& l : v.at("bids_high_to_low"))
      ASSERT_TRUE(naive.apply(BookSide::bid, l[0].get<std::string>(), l[1].get<std::string>()));
    EXPECT_EQ(kraken_checksum(naive), 3830085102u);
    EXPECT_NE(kraken_checksum(naive), v.at("expected_checksum").get<uint32_t>());
  }
  const auto& update = v2[2];
  SCOPED_TRACE(update.at("name").get<std::string>());
  load_v2_levels(matic, BookSide::bid, update.at("update").at("bids"), update.at("price_precision"),
                 update.at("qty_precision"));
  load_v2_levels(matic, BookSide::ask, update.at("update").at("asks"), update.at("price_precision"),
                 update.at("qty_precision"));
  matic.truncate(10);  // subscribed depth 10: the level pushed out gets no delete
  EXPECT_EQ(kraken_checksum(matic), update.at("expected_checksum").get<uint32_t>());
}

TEST(Checksum, KrakenRecordedV1States) {
  ASTRA_REQUIRE_SHARED(path, "fixtures/kraken/checksum_vectors.json");
  const json doc = read_json(path);
  int checked = 0;
  for (const auto& v : doc.at("recorded_v1")) {
    SCOPED_TRACE(v.at("pair").get<std::string>());
    L2Book book;
    for (const auto& l : v.at("top10_asks_low_to_high"))
      ASSERT_TRUE(book.apply(BookSide::ask, l[0].get<std::string>(), l[1].get<std::string>()));
    for (const auto& l : v.at("top10_bids_high_to_low"))
      ASSERT_TRUE(book.apply(BookSide::bid, l[0].get<std::string>(), l[1].get<std::string>()));
    EXPECT_EQ(kraken_checksum_input(book), v.at("derived_checksum_input").get<std::string>());
    EXPECT_EQ(std::to_string(kraken_checksum(book)),
              v.at("expected_checksum_from_kraken").get<std::string>());
    ++checked;
  }
  EXPECT_EQ(checked, 12);
}

// Applies OKX `books` levels [px, sz, "0", orders].
void apply_okx(L2Book& book, BookSide side, const json& levels) {
  for (const auto& l : levels)
    ASSERT_TRUE(book.apply(side, l[0].get<std::string>(), l[1].get<std::string>()));
}

struct OkxReplay {
  std::map<std::string, L2Book> books;
  std::map<std::string, int32_t> last_checksum;
  int frames = 0;
  int mismatches = 0;

  void feed(const json& frame) {
    if (!frame.contains("action") || frame.at("arg").at("channel") != "books") return;
    const std::string inst = frame.at("arg").at("instId");
    L2Book& book = books[inst];
    const auto& data = frame.at("data").at(0);
    if (frame.at("action") == "snapshot") book.clear();
    apply_okx(book, BookSide::bid, data.at("bids"));
    apply_okx(book, BookSide::ask, data.at("asks"));
    const int32_t expected = data.at("checksum").get<int32_t>();
    ++frames;
    last_checksum[inst] = expected;
    if (okx_checksum(book) != expected) {
      ++mismatches;
      ADD_FAILURE() << inst << " frame " << frames << ": computed " << okx_checksum(book)
                    << ", OKX sent " << expected << "\ninput: " << okx_checksum_input(book);
    }
    EXPECT_FALSE(book.crossed()) << inst << " frame " << frames;
  }
};

TEST(Checksum, OkxEveryRecordedBooksFrameMatches) {
  ASTRA_REQUIRE_SHARED(path, "recordings/okx-books.capture.jsonl");
  std::ifstream in(path);
  OkxReplay replay;
  for (std::string line; std::getline(in, line);) {
    const json entry = json::parse(line);
    if (entry.at("type") != "ws_recv" || !entry.contains("text")) continue;
    const std::string& text = entry.at("text").get_ref<const std::string&>();
    if (text.find("\"books\"") == std::string::npos) continue;
    replay.feed(json::parse(text));
  }
  // 2 snapshots and 195 updates for BTC-USDT and BTC-USD-220527, each carrying a checksum.
  EXPECT_EQ(replay.frames, 197);
  EXPECT_EQ(replay.mismatches, 0);
  EXPECT_EQ(replay.books.size(), 2u);
}

TEST(Checksum, OkxFixtureSessionsEndInTheDocumentedState) {
  ASTRA_REQUIRE_SHARED(dir, "fixtures/okx");
  struct Case {
    const char* file;
    const char* inst;
    int frames;
    const char* best_bid[2];
    const char* best_ask[2];
    int32_t last_checksum;
  };
  // Final states as written in fixtures/okx/SOURCES.md.
  const Case cases[] = {
      {"ws_books_BTC-USDT_snapshot_plus_updates.jsonl",
       "BTC-USDT",
       61,
       {"30240", "0.0002"},
       {"30240.1", "5.48590139"},
       -1762330246},
      {"ws_books_BTC-USD-220527_snapshot_plus_updates.jsonl",
       "BTC-USD-220527",
       41,
       {"30226", "65"},
       {"30247.6", "3"},
       -817702355},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    std::ifstream in(dir / c.file);
    ASSERT_TRUE(in) << c.file;
    OkxReplay replay;
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) replay.feed(json::parse(line));
    EXPECT_EQ(replay.frames, c.frames);
    EXPECT_EQ(replay.mismatches, 0);
    const L2Book& book = replay.books[c.inst];
    ASSERT_FALSE(book.bids().empty());
    ASSERT_FALSE(book.asks().empty());
    EXPECT_EQ(book.bids().begin()->second.price_text, c.best_bid[0]);
    EXPECT_EQ(book.bids().begin()->second.quantity_text, c.best_bid[1]);
    EXPECT_EQ(book.asks().begin()->second.price_text, c.best_ask[0]);
    EXPECT_EQ(book.asks().begin()->second.quantity_text, c.best_ask[1]);
    EXPECT_EQ(replay.last_checksum[c.inst], c.last_checksum);
    EXPECT_EQ(okx_checksum(book), c.last_checksum);
  }
}

TEST(Checksum, KrakenEveryRecordedV1UpdateMatches) {
  ASTRA_REQUIRE_SHARED(path, "recordings/kraken-spot-book.capture.jsonl");
  std::ifstream in(path);
  std::map<std::string, L2Book> books;  // by pair
  const size_t depth = 1000;            // the recording subscribed book-1000
  int checked = 0, mismatches = 0, snapshots = 0;
  for (std::string line; std::getline(in, line);) {
    const json entry = json::parse(line);
    if (entry.at("type") != "ws_recv" || !entry.contains("text")) continue;
    const json frame = json::parse(entry.at("text").get<std::string>());
    // [channelID, {...}, ({...},) "book-1000", "PAIR"]
    if (!frame.is_array() || frame.size() < 4) continue;
    const std::string channel = frame[frame.size() - 2];
    if (channel.rfind("book-", 0) != 0) continue;
    const std::string pair = frame.back();
    L2Book& book = books[pair];
    std::string checksum;
    for (size_t i = 1; i + 2 < frame.size(); ++i) {
      const json& part = frame[i];
      if (part.contains("as") || part.contains("bs")) {
        book.clear();
        ++snapshots;
      }
      for (const char* key : {"as", "a", "bs", "b"}) {
        if (!part.contains(key)) continue;
        const BookSide side = key[0] == 'a' ? BookSide::ask : BookSide::bid;
        for (const auto& l : part.at(key))
          ASSERT_TRUE(book.apply(side, l[0].get<std::string>(), l[1].get<std::string>()));
      }
      if (part.contains("c")) checksum = part.at("c");
    }
    book.truncate(depth);
    if (checksum.empty()) continue;
    ++checked;
    if (std::to_string(kraken_checksum(book)) != checksum) {
      ++mismatches;
      if (mismatches < 5)
        ADD_FAILURE() << pair << ": computed " << kraken_checksum(book) << ", Kraken sent "
                      << checksum;
    }
  }
  EXPECT_GT(snapshots, 0);
  EXPECT_EQ(checked, 2850);
  EXPECT_EQ(mismatches, 0);
}

}  // namespace
