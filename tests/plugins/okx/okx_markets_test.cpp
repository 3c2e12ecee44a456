// Instruments -> the ABI's Market objects, from the recorded OKX listings of every family.
#include <astra/sdk/testing/fake_host.hpp>

#include "okx_test_support.hpp"

#include <map>

namespace okx_test {
namespace {

// The symbol of a Market object agrees with its fields: OKX-TYPE-BASE-QUOTE[-YYMMDD]
// [-STRIKE-C|P][-COINM], every part [A-Z0-9]+ (the strike a canonical decimal). The conformance
// suite checks the same list against the SDK's grammar.
bool well_formed(const json& m);

std::map<std::string, json> list_by_symbol(FakeHost& host, const std::string& cfg = config()) {
  const json list = json::parse(create_and_list(host, cfg), nullptr, false);
  std::map<std::string, json> out;
  if (!list.is_array()) return out;
  for (const json& m : list)
    out[m["symbol"].get<std::string>()] = m;
  return out;
}

TEST(OkxMarkets, EveryFamilyIsListedWithWellFormedSymbols) {
  OKX_REQUIRE_DATA();
  FakeHost host(plugin().api());
  const auto markets = list_by_symbol(host);
  std::map<std::string, size_t> per_type;
  for (const auto& [symbol, m] : markets) {
    EXPECT_TRUE(well_formed(m)) << symbol;
    ++per_type[m["assetType"].get<std::string>()];
    EXPECT_EQ(m["exchange"], "OKX");
    for (const char* k : {"tickSize", "lotSize", "minQuantity"}) {
      astra_decimal d{};
      EXPECT_TRUE(m[k].is_string() && astra::sdk::parse_decimal(m[k].get<std::string>(), d) &&
                  d.mantissa > 0)
          << symbol << " " << k;
    }
    if (m["assetType"] != "SPOT") {
      EXPECT_TRUE(m["contractSize"].is_string()) << symbol;
      EXPECT_TRUE(m["marginAsset"].is_string()) << symbol;
    }
  }
  EXPECT_EQ(per_type["SPOT"], 3u);  // BTC-USDT, ETH-USDT, ETH-BTC
  EXPECT_EQ(per_type["PERP"], 4u);
  EXPECT_EQ(per_type["FUT"], 104u);
  EXPECT_EQ(per_type["OPT"], 346u + 350u);
  // Every request the list made was answered from recorded data.
  EXPECT_TRUE(host.pending_requests().empty());
  EXPECT_EQ(host.requests().size(), 5u);  // SPOT, SWAP, FUTURES, OPTION x 2 underlyings
}

TEST(OkxMarkets, FieldsOfEachFamily) {
  OKX_REQUIRE_DATA();
  FakeHost host(plugin().api());
  auto markets = list_by_symbol(host);

  const json& spot = markets["OKX-SPOT-BTC-USDT"];
  EXPECT_EQ(spot["venueSymbol"], "BTC-USDT");
  EXPECT_EQ(spot["assetType"], "SPOT");
  EXPECT_EQ(spot["baseAsset"], "BTC");
  EXPECT_EQ(spot["quoteAsset"], "USDT");
  EXPECT_TRUE(spot["marginAsset"].is_null());
  EXPECT_TRUE(spot["contractSize"].is_null());
  EXPECT_TRUE(spot["expiry"].is_null());
  EXPECT_EQ(spot["tickSize"], "0.1");
  EXPECT_EQ(spot["lotSize"], "0.00000001");
  EXPECT_EQ(spot["minQuantity"], "0.00001");
  EXPECT_TRUE(spot["minNotional"].is_null());
  EXPECT_EQ(spot["status"], "TRADING");

  const json& inverse = markets["OKX-PERP-BTC-USD-COINM"];
  EXPECT_EQ(inverse["venueSymbol"], "BTC-USD-SWAP");
  EXPECT_EQ(inverse["assetType"], "PERP");
  EXPECT_EQ(inverse["contractSize"], "100");  // USD
  EXPECT_EQ(inverse["marginAsset"], "BTC");

  const json& linear = markets["OKX-PERP-BTC-USDT"];
  EXPECT_EQ(linear["venueSymbol"], "BTC-USDT-SWAP");
  EXPECT_EQ(linear["contractSize"], "0.01");  // BTC
  EXPECT_EQ(linear["marginAsset"], "USDT");

  const json& future = markets[kFuture];
  EXPECT_EQ(future["venueSymbol"], "BTC-USD-220527");
  EXPECT_EQ(future["assetType"], "FUT");
  EXPECT_EQ(future["expiry"], "220527");
  EXPECT_EQ(future["marginAsset"], "BTC");
  EXPECT_EQ(future["contractSize"], "100");
  EXPECT_TRUE(markets.count("OKX-FUT-BTC-USDT-220527")) << "linear futures have no COINM";

  const json& option = markets["OKX-OPT-BTC-USD-220514-22000-C"];
  EXPECT_EQ(option["venueSymbol"], "BTC-USD-220514-22000-C");
  EXPECT_EQ(option["assetType"], "OPT");
  EXPECT_EQ(option["expiry"], "220514");
  EXPECT_EQ(option["strike"], "22000");
  EXPECT_EQ(option["optionType"], "C");
  EXPECT_EQ(option["contractSize"], "0.1");  // ctVal 1 x ctMult 0.1 BTC
  EXPECT_EQ(option["marginAsset"], "BTC");
  EXPECT_EQ(option["tickSize"], "0.0005");
  EXPECT_TRUE(markets.count("OKX-OPT-ETH-USD-220514-1300-P"));
}

// Real instruments with one field changed: the strike text and the state.
TEST(OkxMarkets, StrikeIsCanonicalAndStatusIsMapped) {
  OKX_REQUIRE_DATA();
  json options = json::parse(recorded_body("instType=OPTION&uly=BTC-USD"));
  ASSERT_GE(options["data"].size(), 4u);
  json data = json::array();
  for (size_t i = 0; i < 4; ++i)
    data.push_back(options["data"][i]);
  data[0]["stk"] = "50000.0";
  data[0]["instId"] = "BTC-USD-220514-50000-C";
  data[1]["stk"] = "0.50";
  data[1]["instId"] = "BTC-USD-220514-0.5-P";
  data[1]["optType"] = "P";
  data[2]["state"] = "suspend";
  data[3]["state"] = "preopen";
  options["data"] = data;

  FakeHost host(plugin().api());
  std::string error;
  ASSERT_EQ(host.create(json{{"rest", "http://127.0.0.1:1"},
                             {"inst_types", {"OPTION"}},
                             {"option_underlyings", {"BTC-USD"}}}
                            .dump(),
                        &error),
            ASTRA_OK)
      << error;
  ASSERT_EQ(host.list_markets(1), ASTRA_OK);
  ASSERT_EQ(host.pending_requests().size(), 1u);
  EXPECT_NE(host.pending_requests()[0]->url.find("instType=OPTION&uly=BTC-USD"), std::string::npos);
  host.respond(host.pending_requests()[0]->token, 200, options.dump());
  ASSERT_EQ(host.completions_of(1).size(), 1u);
  const json list = json::parse(host.completions_of(1)[0]->json);
  std::map<std::string, json> by;
  for (const auto& m : list)
    by[m["symbol"]] = m;
  ASSERT_TRUE(by.count("OKX-OPT-BTC-USD-220514-50000-C"));
  EXPECT_EQ(by["OKX-OPT-BTC-USD-220514-50000-C"]["strike"], "50000");
  ASSERT_TRUE(by.count("OKX-OPT-BTC-USD-220514-0.5-P"));
  EXPECT_EQ(by["OKX-OPT-BTC-USD-220514-0.5-P"]["strike"], "0.5");
  const std::string suspended = "OKX-OPT-BTC-USD-" + data[2]["instId"].get<std::string>().substr(8);
  ASSERT_TRUE(by.count(suspended)) << suspended;
  EXPECT_EQ(by[suspended]["status"], "HALTED");
  EXPECT_EQ(by[suspended]["venueStatus"], "suspend");
  const std::string preopen = "OKX-OPT-BTC-USD-" + data[3]["instId"].get<std::string>().substr(8);
  ASSERT_TRUE(by.count(preopen)) << preopen;
  EXPECT_EQ(by[preopen]["status"], "PRE_TRADING");
}

TEST(OkxMarkets, VenueErrorsFailTheListWithAWellFormedBody) {
  FakeHost host(plugin().api());
  ASSERT_EQ(host.create(json{{"rest", "http://127.0.0.1:1"}, {"inst_types", {"SPOT"}}}.dump()),
            ASTRA_OK);
  ASSERT_EQ(host.list_markets(1), ASTRA_OK);
  host.respond(host.pending_requests()[0]->token, 200,
               R"({"code":"50011","msg":"Too Many Requests","data":[]})");
  ASSERT_EQ(host.completions_of(1).size(), 1u);
  EXPECT_EQ(host.completions_of(1)[0]->status, ASTRA_E_UNAVAILABLE);
  const json e = json::parse(host.completions_of(1)[0]->json);
  EXPECT_TRUE(e["code"].is_string() && e["message"].is_string());
  EXPECT_NE(e["message"].get<std::string>().find("50011"), std::string::npos);
}

TEST(OkxMarkets, OneFailedListingStillListsTheOthers) {
  OKX_REQUIRE_DATA();
  FakeHost host(plugin().api());
  ASSERT_EQ(host.create(config()), ASTRA_OK);
  ASSERT_EQ(host.list_markets(1), ASTRA_OK);
  for (const auto* r : host.pending_requests("instType=FUTURES"))
    host.fail_request(r->token, ASTRA_E_DEADLINE_EXCEEDED);
  answer_instruments(host);
  ASSERT_EQ(host.completions_of(1).size(), 1u);
  EXPECT_EQ(host.completions_of(1)[0]->status, ASTRA_OK);
  const json list = json::parse(host.completions_of(1)[0]->json);
  size_t futures = 0;
  for (const auto& m : list)
    futures += m["assetType"] == "FUT";
  EXPECT_EQ(futures, 0u);
  EXPECT_GT(list.size(), 700u);
}

TEST(OkxMarkets, ConfigErrorsAreExplained) {
  FakeHost host(plugin().api());
  for (const char* bad :
       {R"({"rest":"ftp://x"})", R"({"ws":"http://x"})", R"({"inst_types":["MARGIN"]})",
        R"({"inst_types":[]})", R"({"option_underlyings":["BTC"]})", R"({"nope":1})", "[1]", "{"}) {
    std::string error;
    EXPECT_EQ(host.create(bad, &error), ASTRA_E_INVALID_ARGUMENT) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
  EXPECT_EQ(host.create(""), ASTRA_OK);
  EXPECT_EQ(host.create("{}"), ASTRA_OK);
}

bool well_formed(const json& m) {
  auto code = [](const std::string& s) {
    return !s.empty() &&
           s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == std::string::npos;
  };
  const std::string type = m["assetType"];
  std::string expected = "OKX-" + type + "-" + m["baseAsset"].get<std::string>() + "-" +
                         m["quoteAsset"].get<std::string>();
  if (!code(m["baseAsset"]) || !code(m["quoteAsset"])) return false;
  if (type == "FUT" || type == "OPT") {
    const std::string expiry = m["expiry"];
    if (expiry.size() != 6 || expiry.find_first_not_of("0123456789") != std::string::npos)
      return false;
    expected += "-" + expiry;
  }
  if (type == "OPT") {
    const std::string strike = m["strike"];
    astra_decimal d{};
    if (!astra::sdk::parse_decimal(strike, d) || d.mantissa <= 0 ||
        astra::sdk::format_decimal(d) != strike || strike.find('e') != std::string::npos ||
        (strike.find('.') != std::string::npos && strike.back() == '0'))
      return false;
    expected += "-" + strike + "-" + m["optionType"].get<std::string>();
  }
  const bool inverse = (type == "PERP" || type == "FUT") && m["marginAsset"] == m["baseAsset"] &&
                       m["quoteAsset"] == "USD";
  if (inverse) expected += "-COINM";
  return m["symbol"] == expected;
}

}  // namespace
}  // namespace okx_test
