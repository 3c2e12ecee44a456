#include <astra/sdk/gzip.hpp>

#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <iterator>
#include <string>

#include "common/shared_dir.hpp"

namespace {

using namespace astra::sdk;

// Compresses with zlib in the given container (windowBits 31 gzip, 15 zlib, -15 raw).
std::string deflate_with(const std::string& data, int window_bits, int level = 6) {
  z_stream s{};
  EXPECT_EQ(deflateInit2(&s, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&s, data.size()) + 32, '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  s.avail_in = static_cast<uInt>(data.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&s, Z_FINISH), Z_STREAM_END);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

const std::string kText =
    "{\"ch\":\"market.btcusdt.depth.step0\",\"ts\":1652459225507,\"tick\":{\"bids\":[[30240.1,0.5]]"
    "}}";

TEST(Gzip, RoundTripsEveryFormat) {
  std::string out;
  EXPECT_EQ(gunzip(deflate_with(kText, 31), out), InflateError::none);
  EXPECT_EQ(out, kText);
  EXPECT_EQ(inflate(deflate_with(kText, 15), Compression::zlib, out), InflateError::none);
  EXPECT_EQ(out, kText);
  EXPECT_EQ(inflate(deflate_with(kText, -15), Compression::raw, out), InflateError::none);
  EXPECT_EQ(out, kText);
  EXPECT_EQ(inflate(deflate_with(kText, 31), Compression::auto_gzip_or_zlib, out),
            InflateError::none);
  EXPECT_EQ(out, kText);
  EXPECT_EQ(inflate(deflate_with(kText, 15), Compression::auto_gzip_or_zlib, out),
            InflateError::none);
  EXPECT_EQ(out, kText);
  EXPECT_EQ(gunzip(deflate_with("", 31), out), InflateError::none);
  EXPECT_EQ(out, "");
}

TEST(Gzip, LargeOutputGrowsTheBuffer) {
  std::string big;
  for (int i = 0; big.size() < 1'000'000; ++i)
    big += std::to_string(i) + ",";
  std::string out;
  EXPECT_EQ(gunzip(deflate_with(big, 31), out), InflateError::none);
  EXPECT_EQ(out, big);
}

TEST(Gzip, HtxRecordedFramesDecodeByteExact) {
  ASTRA_REQUIRE_SHARED(dir, "fixtures/huobi");
  Inflater inflater(Compression::gzip);  // one inflater reused across frames, as a plugin would
  int checked = 0;
  for (const char* name : {"ping", "subbed", "trade_detail", "depth_step0"}) {
    const auto gz = dir / (std::string("ws_spot_frame_") + name + ".gz");
    const auto json = dir / (std::string("ws_spot_frame_") + name + ".decoded.json");
    ASSERT_TRUE(std::filesystem::exists(gz)) << gz;
    std::string expected = read_file(json);
    if (!expected.empty() && expected.back() == '\n') expected.pop_back();  // added by the file
    std::string out;
    ASSERT_EQ(inflater.inflate(read_file(gz), out), InflateError::none) << name;
    EXPECT_EQ(out, expected) << name;
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

TEST(Gzip, CorruptInputIsAnError) {
  std::string out;
  EXPECT_EQ(gunzip("not gzip at all", out), InflateError::corrupt);
  EXPECT_EQ(inflate("garbage!", Compression::zlib, out), InflateError::corrupt);
  std::string gz = deflate_with(kText, 31);
  // A flipped byte in the body: a bad block or a bad CRC32, never a crash.
  for (size_t i = 10; i < gz.size(); ++i) {
    std::string bad = gz;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    const auto rc = gunzip(bad, out);
    EXPECT_NE(rc, InflateError::none) << "byte " << i;
  }
  // Gzip data given to the raw decoder.
  EXPECT_NE(inflate(gz, Compression::raw, out), InflateError::none);
}

TEST(Gzip, TruncatedAndTrailingInput) {
  std::string out;
  const std::string gz = deflate_with(kText, 31);
  EXPECT_EQ(gunzip("", out), InflateError::truncated);
  for (size_t n = 1; n < gz.size(); ++n) {
    const auto rc = gunzip(gz.substr(0, n), out);
    EXPECT_TRUE(rc == InflateError::truncated || rc == InflateError::corrupt) << n;
  }
  EXPECT_EQ(gunzip(gz + "x", out), InflateError::trailing);
  EXPECT_EQ(out, kText);
}

TEST(Gzip, RefusesDecompressionBombs) {
  // 20 MiB of zeros compress to a few tens of KB: more than the 16 MiB default cap.
  const std::string zeros(size_t{20} << 20, '\0');
  const std::string bomb = deflate_with(zeros, 31, 1);
  ASSERT_LT(bomb.size(), size_t{200} << 10);
  std::string out;
  EXPECT_EQ(gunzip(bomb, out), InflateError::too_large);  // default cap 16 MiB
  EXPECT_LE(out.size(), kDefaultInflateLimit);
  EXPECT_EQ(gunzip(bomb, out, 1000), InflateError::too_large);
  EXPECT_LE(out.size(), 1000u);
  // Exactly at the cap is fine; one byte over is not.
  EXPECT_EQ(gunzip(deflate_with(kText, 31), out, kText.size()), InflateError::none);
  EXPECT_EQ(out, kText);
  EXPECT_EQ(gunzip(deflate_with(kText, 31), out, kText.size() - 1), InflateError::too_large);
  EXPECT_EQ(gunzip(deflate_with(kText, 31), out, 0), InflateError::too_large);
}

TEST(Gzip, InflaterRecoversAfterAnError) {
  Inflater inflater(Compression::gzip);
  std::string out;
  EXPECT_EQ(inflater.inflate("junk", out), InflateError::corrupt);
  EXPECT_EQ(inflater.inflate(deflate_with(kText, 31), out), InflateError::none);
  EXPECT_EQ(out, kText);
  EXPECT_STREQ(to_string(InflateError::too_large), "decompressed size exceeds the limit");
}

}  // namespace
