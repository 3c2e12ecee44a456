// The frame decoder on its own: recorded spot matches and level2 changes, and the futures shapes.
#include "frames.hpp"
#include "kucoin_test_support.hpp"

namespace kucoin_test {
namespace {

using astra::kucoin::Frame;
using astra::kucoin::FrameDecoder;

TEST(KucoinFrames, RecordedMatchesCarryTheTakerSideAndNanosecondTime) {
  ASTRA_REQUIRE_SHARED(file, "fixtures/kucoin/ws_match_l3match.jsonl");
  FrameDecoder decoder;
  Frame f;
  size_t n = 0;
  for (const auto& line : read_lines(file)) {
    const json raw = json::parse(line);
    ASSERT_EQ(decoder.decode(line, f), Frame::Kind::trade) << f.message;
    const json& d = raw["data"];
    EXPECT_EQ(f.symbol, d["symbol"]);
    EXPECT_EQ(f.trade.trade_id, d["tradeId"]);
    EXPECT_EQ(astra::sdk::format_decimal(f.trade.trade.price), d["price"]);
    EXPECT_EQ(astra::sdk::format_decimal(f.trade.trade.quantity), d["size"]);
    EXPECT_EQ(f.trade.trade.taker_side,
              d["side"] == "buy" ? uint32_t(ASTRA_SIDE_BUY) : uint32_t(ASTRA_SIDE_SELL));
    EXPECT_EQ(f.trade.trade.time_us, int64_t(std::stoull(d["time"].get<std::string>()) / 1000));
    ++n;
  }
  EXPECT_GT(n, 0u);
}

TEST(KucoinFrames, DocumentedLevel2ExampleIsOrderedBySequence) {
  ASTRA_REQUIRE_SHARED(file, "fixtures/kucoin/docs_ws_level2_update_example.json");
  FrameDecoder decoder;
  Frame f;
  ASSERT_EQ(decoder.decode(read_file(file), f), Frame::Kind::level2) << f.message;
  EXPECT_EQ(f.symbol, "BTC-USDT");
  EXPECT_EQ(f.l2.start, 14103844u);
  EXPECT_EQ(f.l2.end, 14103847u);
  ASSERT_EQ(f.l2.changes.size(), 3u);
  EXPECT_EQ(f.l2.changes[0].seq, 14103844u);  // the second ask comes first
  EXPECT_EQ(f.l2.changes[2].seq, 14103847u);
  EXPECT_TRUE(f.l2.changes[2].bid);
  EXPECT_EQ(f.l2.time_us, 1663747970273000);
}

// No futures WebSocket payload is recorded in shared/: these follow the documented field lists
// (binance-okx-kucoin.md §3.3, §3.4) and only check that numbers keep their exact text.
TEST(KucoinFrames, FuturesShapesDecodeExactly) {
  FrameDecoder decoder;
  Frame f;
  ASSERT_EQ(
      decoder.decode(
          R"({"type":"message","topic":"/contractMarket/level2:XBTUSDTM","subject":"level2","data":{"sequence":18,"change":"5000.0,sell,83","timestamp":1551770400000}})",
          f),
      Frame::Kind::level2)
      << f.message;
  EXPECT_EQ(f.symbol, "XBTUSDTM");
  EXPECT_EQ(f.l2.start, 18u);
  EXPECT_EQ(f.l2.end, 18u);
  ASSERT_EQ(f.l2.changes.size(), 1u);
  EXPECT_FALSE(f.l2.changes[0].bid);
  EXPECT_EQ(astra::sdk::format_decimal(f.l2.changes[0].level.price), "5000.0");
  EXPECT_EQ(astra::sdk::format_decimal(f.l2.changes[0].level.quantity), "83");

  ASSERT_EQ(
      decoder.decode(
          R"({"type":"message","topic":"/contractMarket/execution:XBTUSDTM","subject":"match","data":{"symbol":"XBTUSDTM","sequence":36,"side":"sell","matchSize":2,"price":30100.10,"tradeId":"t1","ts":1553846281766256031}})",
          f),
      Frame::Kind::trade)
      << f.message;
  EXPECT_EQ(astra::sdk::format_decimal(f.trade.trade.price), "30100.10");
  EXPECT_EQ(astra::sdk::format_decimal(f.trade.trade.quantity), "2");
  EXPECT_EQ(f.trade.trade.taker_side, uint32_t(ASTRA_SIDE_SELL));
  EXPECT_EQ(f.trade.trade.time_us, 1553846281766256);
}

TEST(KucoinFrames, ControlMessages) {
  FrameDecoder decoder;
  Frame f;
  EXPECT_EQ(decoder.decode(R"({"id":"NSkIrWGB1s","type":"welcome"})", f), Frame::Kind::welcome);
  EXPECT_EQ(decoder.decode(R"({"id":"1","type":"ack"})", f), Frame::Kind::ack);
  EXPECT_EQ(f.id, "1");
  EXPECT_EQ(decoder.decode(R"({"id":"17","type":"pong"})", f), Frame::Kind::pong);
  EXPECT_EQ(decoder.decode(R"({"id":"2","type":"error","code":404,"data":"topic not found"})", f),
            Frame::Kind::error);
  EXPECT_NE(f.message.find("topic not found"), std::string::npos);
  EXPECT_EQ(decoder.decode("{", f), Frame::Kind::bad);
}

}  // namespace
}  // namespace kucoin_test
