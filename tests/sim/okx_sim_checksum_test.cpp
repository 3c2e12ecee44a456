// The simulator's OKX checksum against the checksums OKX itself sent: every recorded `books`
// frame is applied to a local book and the simulator's function must reproduce the frame's
// checksum.
#include "json_shape.hpp"
#include "okx_local_book.hpp"

#include <astra/sim/okx/checksum.hpp>
#include <common/shared_dir.hpp>

#include <gtest/gtest.h>

#include <fstream>

namespace astra::sim::test {
namespace {

TEST(OkxSimChecksum, ReproducesEveryRecordedBooksChecksum) {
  ASTRA_REQUIRE_SHARED(path, "recordings/okx-books.capture.jsonl");
  std::ifstream in(path);
  std::string line;
  std::map<std::string, OkxLocalBook> books;
  int frames = 0;
  while (std::getline(in, line)) {
    const ojson rec = ojson::parse(line);
    if (rec.value("type", "") != "ws_recv") continue;
    const ojson frame = ojson::parse(rec["text"].get<std::string>());
    if (!frame.contains("arg") || frame["arg"].value("channel", "") != "books" ||
        !frame.contains("data"))
      continue;
    const bool snapshot = frame.value("action", "") == "snapshot";
    OkxLocalBook& book = books[frame["arg"]["instId"].get<std::string>()];
    for (const auto& d : frame["data"]) {
      book.apply(d, snapshot);
      EXPECT_EQ(book.checksum(), d["checksum"].get<int32_t>()) << "frame " << frames;
      ++frames;
    }
  }
  EXPECT_EQ(frames, 197) << "the capture holds 197 books frames (3 instruments)";
}

TEST(OkxSimChecksum, OneSideContinuesAloneWhenTheOtherRunsOut) {
  const okx::TextLevels bids = {{"3366.1", "7"}, {"3366", "6"}};
  const okx::TextLevels asks = {{"3366.8", "9"}};
  EXPECT_EQ(okx::checksum_input(bids, asks), "3366.1:7:3366.8:9:3366:6");
  // Only the top 25 of each side count.
  okx::TextLevels many;
  for (int i = 0; i < 30; ++i)
    many.emplace_back(std::to_string(100 - i), "1");
  EXPECT_EQ(okx::checksum(many, {}), okx::checksum({many.begin(), many.begin() + 25}, {}));
}

}  // namespace
}  // namespace astra::sim::test
