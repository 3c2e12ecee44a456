#include <astra/core/symbol.hpp>

#include <gtest/gtest.h>

#include <string>

namespace astra::core {
namespace {

TEST(Symbol, ParsesSpot) {
  auto s = parse_symbol("BINANCE-SPOT-BTC-USDT");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->exchange, "BINANCE");
  EXPECT_EQ(s->type, AssetType::spot);
  EXPECT_EQ(s->base, "BTC");
  EXPECT_EQ(s->quote, "USDT");
  EXPECT_TRUE(s->expiry.empty());
  EXPECT_TRUE(s->strike.empty());
  EXPECT_EQ(s->option_kind, 0);
  EXPECT_TRUE(s->disambiguator.empty());
}

TEST(Symbol, ParsesPerpWithDisambiguator) {
  auto s = parse_symbol("BINANCE-PERP-BTC-USD-COINM");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->type, AssetType::perp);
  EXPECT_EQ(s->disambiguator, "COINM");
  EXPECT_TRUE(s->expiry.empty());
}

TEST(Symbol, ParsesFutures) {
  auto s = parse_symbol("BINANCE-FUT-BTC-USD-210924-COINM");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->type, AssetType::fut);
  EXPECT_EQ(s->expiry, "210924");
  EXPECT_EQ(s->disambiguator, "COINM");
}

TEST(Symbol, ParsesOption) {
  auto s = parse_symbol("OKX-OPT-BTC-USD-241227-50000-C");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->exchange, "OKX");
  EXPECT_EQ(s->type, AssetType::opt);
  EXPECT_EQ(s->expiry, "241227");
  EXPECT_EQ(s->strike, "50000");
  EXPECT_EQ(s->option_kind, 'C');
  EXPECT_TRUE(s->disambiguator.empty());
}

TEST(Symbol, RoundTripsEveryValidForm) {
  for (const char* text : {
           "BINANCE-SPOT-BTC-USDT",
           "BINANCE-PERP-BTC-USD-COINM",
           "BINANCE-PERP-1000SHIB-USDT",
           "BINANCE-FUT-BTC-USDT-210924",
           "BINANCE-FUT-BTC-USD-210924-COINM",
           "OKX-FUT-BTC-USD-241227-COINM",
           "OKX-OPT-BTC-USD-241227-50000-C",
           "OKX-OPT-ETH-USD-240229-0.5-P",
           "OKX-OPT-ETH-USD-240229-1250.25-P-COINM",
           "KRAKEN-SPOT-XBT-USD",
           "KRAKEN-PERP-XBT-USD",
           "HUOBI-SPOT-BTC-USDT",
       }) {
    auto s = parse_symbol(text);
    ASSERT_TRUE(s.ok()) << text << ": " << s.error().message;
    EXPECT_EQ(format_symbol(*s), text);
    auto again = parse_symbol(format_symbol(*s));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *s);
  }
}

TEST(Symbol, LeapDayIsAValidExpiry) {
  EXPECT_TRUE(parse_symbol("OKX-FUT-BTC-USD-240229").ok());
  EXPECT_TRUE(parse_symbol("OKX-FUT-BTC-USD-000229").ok());  // 2000 is a leap year
  EXPECT_FALSE(parse_symbol("OKX-FUT-BTC-USD-230229").ok());
}

struct Bad {
  const char* text;
  const char* says;  // a piece of the message that names the wrong part
};

TEST(Symbol, RejectsMalformedWithAClearReason) {
  const Bad cases[] = {
      {"", "empty"},
      {"BINANCE", "EXCHANGE-TYPE-BASE-QUOTE"},
      {"BINANCE-SPOT-BTC", "EXCHANGE-TYPE-BASE-QUOTE"},
      {"BINANCE-SPOT-BTC-", "empty part"},
      {"-SPOT-BTC-USDT", "empty part"},
      {"BINANCE--BTC-USDT", "empty part"},
      {"BINANCE-SPOT-BTC--USDT", "empty part"},
      {"binance-SPOT-BTC-USDT", "exchange 'binance'"},
      {"BINANCE-spot-BTC-USDT", "asset type 'spot'"},
      {"BINANCE-SWAP-BTC-USDT", "asset type 'SWAP'"},
      {"BINANCE-SPOT-btc-USDT", "base 'btc'"},
      {"BINANCE-SPOT-BTC-US_DT", "quote 'US_DT'"},
      {"BINANCE-SPOT-BTC-USDT-210924", "SPOT takes no expiry"},
      {"BINANCE-PERP-BTC-USDT-210924", "PERP takes no expiry"},
      {"BINANCE-SPOT-BTC-USDT-coinm", "disambiguator 'coinm'"},
      {"BINANCE-SPOT-BTC-USDT-COINM-X", "unexpected parts"},
      {"BINANCE-FUT-BTC-USDT", "FUT needs an expiry"},
      {"BINANCE-FUT-BTC-USDT-COINM", "expiry 'COINM' must be YYMMDD"},
      {"BINANCE-FUT-BTC-USDT-2412", "expiry '2412' must be YYMMDD"},
      {"BINANCE-FUT-BTC-USDT-2412270", "expiry '2412270' must be YYMMDD"},
      {"BINANCE-FUT-BTC-USDT-241327", "expiry '241327' is not a valid date"},
      {"BINANCE-FUT-BTC-USDT-241200", "expiry '241200' is not a valid date"},
      {"BINANCE-FUT-BTC-USDT-240431", "expiry '240431' is not a valid date"},
      {"BINANCE-FUT-BTC-USDT-210924-50000-C", "disambiguator '50000'"},
      {"OKX-OPT-BTC-USD-241227", "OPT needs a strike and C or P"},
      {"OKX-OPT-BTC-USD-241227-50000", "OPT needs a strike and C or P"},
      {"OKX-OPT-BTC-USD-50000-C", "expiry '50000' must be YYMMDD"},
      {"OKX-OPT-BTC-USD-241227-50000-X", "option kind 'X' must be C or P"},
      {"OKX-OPT-BTC-USD-241227-50000-CALL", "option kind 'CALL'"},
      {"OKX-OPT-BTC-USD-241227-5E4-C", "strike '5E4'"},
      {"OKX-OPT-BTC-USD-241227-0-C", "strike '0' must be positive"},
      {"OKX-OPT-BTC-USD-241227-0.0-C", "strike '0.0'"},
      {"OKX-OPT-BTC-USD-241227-050000-C", "strike '050000' must not have leading zeros"},
      {"OKX-OPT-BTC-USD-241227-0.50-C", "strike '0.50' must not have trailing zeros"},
      {"OKX-OPT-BTC-USD-241227-.5-C", "strike '.5'"},
      {"OKX-OPT-BTC-USD-241227-5.-C", "strike '5.'"},
      {"OKX-OPT-BTC-USD-241227-1.2.3-C", "strike '1.2.3'"},
      {"OKX-OPT-BTC-USD-241227-50000-C-COINM-X", "unexpected parts after 'COINM'"},
      {"A-B-C-D-E-F-G-H-I-J-K", "too many parts"},
      {"BIN ANCE-SPOT-BTC-USDT", "exchange 'BIN ANCE'"},
      {"BINANCE-SPOT-BTC-USDT\n", "quote"},
  };
  for (const Bad& c : cases) {
    auto s = parse_symbol(c.text);
    ASSERT_FALSE(s.ok()) << "accepted: " << c.text;
    EXPECT_EQ(s.error().status, ASTRA_E_INVALID_ARGUMENT) << c.text;
    EXPECT_EQ(s.error().code, "bad_symbol") << c.text;
    EXPECT_NE(s.error().message.find(c.says), std::string::npos)
        << c.text << " -> " << s.error().message;
  }
}

TEST(Symbol, RejectsOverlongInputWithoutEchoingAllOfIt) {
  const std::string text = "BINANCE-SPOT-BTC-" + std::string(500, 'A');
  auto s = parse_symbol(text);
  ASSERT_FALSE(s.ok());
  EXPECT_LT(s.error().message.size(), 200u);
}

TEST(Symbol, RejectsEmbeddedNul) {
  EXPECT_FALSE(parse_symbol(std::string_view("BINANCE-SPOT-BTC-US\0T", 21)).ok());
}

TEST(Symbol, ExchangeWithoutFullParse) {
  EXPECT_EQ(symbol_exchange("BINANCE-SPOT-BTC-USDT"), "BINANCE");
  EXPECT_EQ(symbol_exchange("NODASH"), "NODASH");
  EXPECT_EQ(symbol_exchange(""), "");
  EXPECT_EQ(symbol_exchange("-X"), "");
}

TEST(Symbol, AssetTypeNames) {
  EXPECT_EQ(to_string(AssetType::spot), "SPOT");
  EXPECT_EQ(to_string(AssetType::perp), "PERP");
  EXPECT_EQ(to_string(AssetType::fut), "FUT");
  EXPECT_EQ(to_string(AssetType::opt), "OPT");
}

}  // namespace
}  // namespace astra::core
