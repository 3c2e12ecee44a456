#include <astra/core/messages.hpp>

#include <gtest/gtest.h>
#include <cctype>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "test_levels.hpp"

namespace astra::core {
namespace {

using nlohmann::json;
using test::lvl;
using test::str;
using Level = astra_book_level;

// The raw text of the n-th number after `key` in s: the digits a client's parser sees.
std::string raw_after(const std::string& s, const std::string& marker) {
  const size_t at = s.find(marker);
  if (at == std::string::npos) return "<missing>";
  size_t b = at + marker.size();
  size_t e = b;
  while (e < s.size() &&
         (std::isdigit(static_cast<unsigned char>(s[e])) || s[e] == '.' || s[e] == '-'))
    ++e;
  return s.substr(b, e - b);
}

TEST(Messages, BookSnapshotKeepsExactDigits) {
  const std::vector<Level> bids = {lvl("0.35270000", "12.50"), lvl("0.3526", "1500")};
  const std::vector<Level> asks = {lvl("0.35280000", "0.00100000")};
  const std::string msg =
      encode_book_message("BINANCE-SPOT-BTC-USDT", true, 42, 1700000000123456, bids, asks);
  const json j = json::parse(msg);
  EXPECT_EQ(j["market"], "BINANCE-SPOT-BTC-USDT");
  EXPECT_EQ(j["dataType"], "ORDERBOOK");
  EXPECT_EQ(j["snapshot"], true);
  EXPECT_EQ(j["updateId"].get<uint64_t>(), 42u);
  EXPECT_EQ(j["time"].get<int64_t>(), 1700000000123456);
  ASSERT_EQ(j["bids"].size(), 2u);
  ASSERT_EQ(j["asks"].size(), 1u);
  EXPECT_TRUE(j["bids"][0][0].is_number());
  EXPECT_DOUBLE_EQ(j["bids"][0][0].get<double>(), 0.3527);
  EXPECT_DOUBLE_EQ(j["bids"][1][1].get<double>(), 1500);
  // The text itself carries the venue's digits, trailing zeros included.
  EXPECT_NE(msg.find("[[0.35270000,12.50],[0.3526,1500]]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[[0.35280000,0.00100000]]"), std::string::npos) << msg;
}

TEST(Messages, PositiveExponentsAndUpdates) {
  const std::vector<Level> bids = {Level{astra_decimal{15, 2}, astra_decimal{0, -3}}};
  const std::string msg = encode_book_message("M", false, 7, 0, bids, {});
  const json j = json::parse(msg);
  EXPECT_EQ(j["snapshot"], false);
  EXPECT_EQ(j["asks"], json::array());
  EXPECT_EQ(raw_after(msg, "\"bids\":[["), "1500");
  EXPECT_EQ(raw_after(msg, "\"bids\":[[1500,"), "0.000");
  EXPECT_EQ(j["bids"][0][1].get<double>(), 0.0);
}

TEST(Messages, Reset) {
  const json j = json::parse(encode_reset_message("OKX-SPOT-BTC-USDT", "checksum"));
  EXPECT_EQ(j["market"], "OKX-SPOT-BTC-USDT");
  EXPECT_EQ(j["dataType"], "ORDERBOOK");
  EXPECT_EQ(j["reset"], true);
  EXPECT_EQ(j["reason"], "checksum");
}

TEST(Messages, ResetReasonNames) {
  EXPECT_EQ(reset_reason_name(ASTRA_RESET_GAP), "gap");
  EXPECT_EQ(reset_reason_name(ASTRA_RESET_CHECKSUM), "checksum");
  EXPECT_EQ(reset_reason_name(ASTRA_RESET_DISCONNECT), "disconnect");
  EXPECT_EQ(reset_reason_name(ASTRA_RESET_VENUE), "venue");
  EXPECT_EQ(reset_reason_name(ASTRA_RESET_UNSUBSCRIBED), "unsubscribed");
  EXPECT_EQ(reset_reason_name(kResetCrossed), "crossed");
  EXPECT_EQ(reset_reason_name(kResetOutOfOrder), "out_of_order");
  EXPECT_EQ(reset_reason_name(0), "unknown");
  EXPECT_EQ(reset_reason_name(9999), "unknown");
}

TEST(Messages, TradesWithEscapedIds) {
  const std::string weird = "a\"b\\c\n\x01\xff\xc3\xa9";  // quote, backslash, controls, bad UTF-8
  const astra_trade trades[] = {
      {test::dec("27000.10"), test::dec("0.00500"), ASTRA_SIDE_BUY, 1700000000000001, str("123")},
      {test::dec("26999.9"), test::dec("2"), ASTRA_SIDE_SELL, 1700000000000002, str(weird)},
      {test::dec("1"), test::dec("1"), 0, 0, astra_str{nullptr, 0}},
  };
  const std::string msg = encode_trades_message("BINANCE-SPOT-BTC-USDT", trades);
  const json j = json::parse(msg);  // throws on invalid JSON or UTF-8
  EXPECT_EQ(j["dataType"], "TRADE");
  ASSERT_EQ(j["trades"].size(), 3u);
  EXPECT_EQ(j["trades"][0]["side"], "BUY");
  EXPECT_EQ(j["trades"][0]["id"], "123");
  EXPECT_EQ(j["trades"][0]["time"].get<int64_t>(), 1700000000000001);
  EXPECT_EQ(raw_after(msg, "\"price\":"), "27000.10");
  EXPECT_EQ(raw_after(msg, "\"quantity\":"), "0.00500");
  EXPECT_EQ(j["trades"][1]["side"], "SELL");
  EXPECT_EQ(j["trades"][1]["id"], "a\"b\\c\n\x01\xef\xbf\xbd\xc3\xa9");
  EXPECT_EQ(j["trades"][2]["side"], "UNKNOWN");
  EXPECT_EQ(j["trades"][2]["id"], "");
}

TEST(Messages, EscapesMarketText) {
  const json j = json::parse(encode_reset_message("X\"}", "gap"));
  EXPECT_EQ(j["market"], "X\"}");
}

TEST(Messages, InvalidUtf8SequencesAreReplaced) {
  // Overlong, surrogate, truncated, and a valid 4-byte sequence.
  const std::string text =
      std::string("\xc0\xaf") + "\xed\xa0\x80" + "\xe2\x82" + "\xf0\x9f\x98\x80";
  const json j = json::parse(encode_error_json("c", text));
  const std::string m = j["error"]["message"];
  EXPECT_NE(m.find("\xf0\x9f\x98\x80"), std::string::npos);
  EXPECT_NE(m.find("\xef\xbf\xbd"), std::string::npos);
}

TEST(Messages, RestOrderbook) {
  const std::vector<Level> bids = {lvl("100.10", "1")};
  const std::vector<Level> asks = {lvl("100.20", "2.000")};
  const std::string msg = encode_orderbook_json("KRAKEN-SPOT-XBT-USD", 9, 5, bids, asks);
  const json j = json::parse(msg);
  EXPECT_EQ(j["market"], "KRAKEN-SPOT-XBT-USD");
  EXPECT_EQ(j["updateId"], 9);
  EXPECT_EQ(j["time"], 5);
  EXPECT_FALSE(j.contains("dataType"));
  EXPECT_NE(msg.find("\"bids\":[[100.10,1]],\"asks\":[[100.20,2.000]]"), std::string::npos);
}

TEST(Messages, Errors) {
  const json j = json::parse(encode_error_json("bad_symbol", "expiry '2412' must be YYMMDD"));
  EXPECT_EQ(j["error"]["code"], "bad_symbol");
  EXPECT_EQ(j["error"]["message"], "expiry '2412' must be YYMMDD");
  const json b = json::parse(encode_error_body("unknown_market", "no \"such\" market"));
  EXPECT_EQ(b["code"], "unknown_market");
  EXPECT_EQ(b["message"], "no \"such\" market");
}

TEST(Messages, DataTypes) {
  EXPECT_EQ(*parse_data_type("ORDERBOOK"), DataType::orderbook);
  EXPECT_EQ(*parse_data_type("TRADE"), DataType::trades);
  EXPECT_EQ(*parse_data_type("TRADES"), DataType::trades);
  for (const char* bad : {"", "orderbook", "BOOK", "TRADEX"}) {
    auto r = parse_data_type(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "bad_data_type");
    EXPECT_EQ(r.error().status, ASTRA_E_INVALID_ARGUMENT);
  }
  EXPECT_EQ(to_string(DataType::orderbook), "ORDERBOOK");
  EXPECT_EQ(to_string(DataType::trades), "TRADE");
}

TEST(Messages, NegativeAndExtremeDecimals) {
  const std::vector<Level> bids = {
      Level{astra_decimal{INT64_MIN, -2}, astra_decimal{INT64_MAX, 0}}};
  const json j = json::parse(encode_book_message("M", true, UINT64_MAX, INT64_MIN, bids, {}));
  EXPECT_EQ(j["updateId"].get<uint64_t>(), UINT64_MAX);
  EXPECT_EQ(j["time"].get<int64_t>(), INT64_MIN);
  EXPECT_LT(j["bids"][0][0].get<double>(), 0);
}

}  // namespace
}  // namespace astra::core
