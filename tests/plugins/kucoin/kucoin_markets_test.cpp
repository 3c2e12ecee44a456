// Markets: recorded spot symbols (v1), the documented v2 and futures shapes, and errors.
#include "kucoin_test_support.hpp"

namespace kucoin_test {
namespace {

std::map<std::string, json> by_symbol(const std::string& text) {
  std::map<std::string, json> out;
  const json arr = json::parse(text, nullptr, false);
  EXPECT_TRUE(arr.is_array()) << text;
  if (arr.is_array())
    for (const json& m : arr)
      out[m["symbol"]] = m;
  return out;
}

TEST(KucoinMarkets, RecordedSpotSymbolsAndDocumentedContracts) {
  ASTRA_REQUIRE_SHARED(cap, "recordings/kucoin-spot.capture.jsonl");
  ASTRA_REQUIRE_SHARED(fut, "fixtures/kucoin/docs_futures_contracts_active_response_data.json");
  FakeHost host(plugin().api());
  const auto markets = by_symbol(create_and_list(host));

  // The list requests went to v2 symbols and the futures contracts.
  ASSERT_GE(host.requests().size(), 2u);
  EXPECT_NE(host.requests()[0].url.find("127.0.0.1:18090/api/v2/symbols"), std::string::npos);
  EXPECT_NE(host.requests()[1].url.find("127.0.0.1:18091/api/v1/contracts/active"),
            std::string::npos);

  ASSERT_TRUE(markets.count("KUCOIN-SPOT-BTC-USDT"));
  const json& btc = markets.at("KUCOIN-SPOT-BTC-USDT");
  EXPECT_EQ(btc["venueSymbol"], "BTC-USDT");
  EXPECT_EQ(btc["assetType"], "SPOT");
  EXPECT_EQ(btc["baseAsset"], "BTC");
  EXPECT_EQ(btc["quoteAsset"], "USDT");
  EXPECT_TRUE(btc["marginAsset"].is_null());
  EXPECT_TRUE(btc["contractSize"].is_null());
  EXPECT_EQ(btc["status"], "TRADING");
  // Exactly the recorded texts (v1 has no minFunds: quoteMinSize stands in).
  const json rec = json::parse(capture_http_body("/api/v1/symbols"));
  json raw;
  for (const json& s : rec["data"])
    if (s["symbol"] == "BTC-USDT") raw = s;
  ASSERT_TRUE(raw.is_object());
  EXPECT_EQ(btc["tickSize"], raw["priceIncrement"]);
  EXPECT_EQ(btc["lotSize"], raw["baseIncrement"]);
  EXPECT_EQ(btc["minQuantity"], raw["baseMinSize"]);
  EXPECT_EQ(btc["minNotional"], raw["quoteMinSize"]);
  // The symbol follows baseCurrency, not the venue symbol's text: BCHSV-USDT is BSV.
  ASSERT_EQ(markets.count("KUCOIN-SPOT-BSV-USDT"), 1u);
  EXPECT_EQ(markets.at("KUCOIN-SPOT-BSV-USDT")["venueSymbol"], "BCHSV-USDT");
  EXPECT_EQ(markets.count("KUCOIN-SPOT-REQ-ETH"), 1u);

  ASSERT_TRUE(markets.count("KUCOIN-PERP-XBT-USDT"));
  const json& perp = markets.at("KUCOIN-PERP-XBT-USDT");
  EXPECT_EQ(perp["venueSymbol"], "XBTUSDTM");
  EXPECT_EQ(perp["assetType"], "PERP");
  EXPECT_EQ(perp["baseAsset"], "BTC");  // XBT in the symbol, BTC in the metadata
  EXPECT_EQ(perp["quoteAsset"], "USDT");
  EXPECT_EQ(perp["marginAsset"], "USDT");
  EXPECT_EQ(perp["contractSize"], "0.001");  // multiplier
  EXPECT_EQ(perp["lotSize"], "1");           // contracts
  EXPECT_EQ(perp["minQuantity"], "1");
  EXPECT_EQ(perp["tickSize"], "1");
  EXPECT_TRUE(perp["expiry"].is_null());
  EXPECT_EQ(perp["status"], "TRADING");
}

TEST(KucoinMarkets, V2SymbolsCarryMinFunds) {
  ASTRA_REQUIRE_SHARED(v2, "fixtures/kucoin/docs_rest_symbols_v2_response.json");
  FakeHost host(plugin().api());
  ASSERT_EQ(host.create(config({"spot"})), ASTRA_OK);
  ASSERT_EQ(host.list_markets(7), ASTRA_OK);
  const auto pending = host.pending_requests("/api/v2/symbols");
  ASSERT_EQ(pending.size(), 1u);
  host.respond(pending[0]->token, 200, read_file(v2));
  const auto done = host.completions_of(7);
  ASSERT_EQ(done.size(), 1u);
  ASSERT_EQ(done[0]->status, ASTRA_OK);
  const auto markets = by_symbol(done[0]->json);
  ASSERT_TRUE(markets.count("KUCOIN-SPOT-XLM-USDT"));
  EXPECT_EQ(markets.at("KUCOIN-SPOT-XLM-USDT")["minNotional"], "0.1");
  EXPECT_EQ(markets.at("KUCOIN-SPOT-XLM-USDT")["tickSize"], "0.000001");
}

TEST(KucoinMarkets, VenueErrorCompletesWithErrorBody) {
  ASTRA_REQUIRE_SHARED(err, "fixtures/kucoin/docs_rest_error_response.json");
  FakeHost host(plugin().api());
  ASSERT_EQ(host.create(config({"spot"})), ASTRA_OK);
  ASSERT_EQ(host.list_markets(3), ASTRA_OK);
  // KuCoin can answer HTTP 200 with an error code.
  host.respond(host.pending_requests("/symbols")[0]->token, 200, read_file(err));
  const auto done = host.completions_of(3);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_NE(done[0]->status, ASTRA_OK);
  const json body = json::parse(done[0]->json);
  EXPECT_TRUE(body["code"].is_string());
  EXPECT_NE(body["message"].get<std::string>().find("400100"), std::string::npos);
}

TEST(KucoinMarkets, UnknownMarketIsNotFound) {
  ASTRA_REQUIRE_SHARED(cap, "recordings/kucoin-spot.capture.jsonl");
  FakeHost host(plugin().api());
  create_and_list(host);
  EXPECT_EQ(host.subscribe("KUCOIN-SPOT-NOPE-USDT", ASTRA_DATA_ORDERBOOK), ASTRA_E_NOT_FOUND);
  ASSERT_EQ(host.get_orderbook(9, "KUCOIN-SPOT-NOPE-USDT"), ASTRA_OK);
  ASSERT_EQ(host.completions_of(9).size(), 1u);
  EXPECT_EQ(host.completions_of(9)[0]->status, ASTRA_E_NOT_FOUND);
}

}  // namespace
}  // namespace kucoin_test

namespace kucoin_test {
namespace {

// Settings for replaying older captures: v1 symbols, the full v3 snapshot, and a fixed WebSocket
// endpoint instead of the token handshake (such captures hold no bullet-public exchange).
TEST(KucoinReplaySettings, V1SymbolsFullSnapshotAndAFixedEndpoint) {
  ASTRA_REQUIRE_SHARED(cap, "recordings/kucoin-spot.capture.jsonl");
  FakeHost host(plugin().api());
  std::string error;
  ASSERT_EQ(host.create(json{{"spot",
                              {{"rest", "http://127.0.0.1:18090"},
                               {"symbols", "v1"},
                               {"ws", "wss://push-private.kucoin.com/endpoint"}}},
                             {"families", {"spot"}},
                             {"snapshot_depth", "full"}}
                            .dump(),
                        &error),
            ASTRA_OK)
      << error;
  ASSERT_EQ(host.list_markets(1), ASTRA_OK);
  const auto lists = host.pending_requests("/api/v1/symbols");
  ASSERT_EQ(lists.size(), 1u);
  host.respond(lists[0]->token, 200, capture_http_body("/api/v1/symbols"));
  ASSERT_EQ(host.completions_of(1).size(), 1u);

  ASSERT_EQ(host.subscribe("KUCOIN-SPOT-BSV-USDT", ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  EXPECT_TRUE(host.pending_requests("bullet-public").empty()) << "no token handshake";
  ASSERT_EQ(host.connections().size(), 1u);
  EXPECT_EQ(host.connections()[0].url.rfind("wss://push-private.kucoin.com/endpoint?connectId=", 0),
            0u)
      << host.connections()[0].url;
  const uint64_t conn = host.connections()[0].id;
  host.ws_open_ok(conn);
  host.ws_message(conn, welcome_frame());
  // No advertised ping contract on a configured endpoint: no pings, no pong deadline.
  host.advance(120'000);
  ASSERT_NE(host.connection(conn), nullptr);
  EXPECT_FALSE(host.connection(conn)->closed);
  const auto subs = sent_json(host, conn);
  ASSERT_EQ(subs.size(), 1u) << "the subscription only";
  EXPECT_EQ(subs[0]["topic"], "/market/level2:BCHSV-USDT");
  host.ws_message(conn, R"({"data":{"sequenceStart":5,"symbol":"BCHSV-USDT","changes":{"asks":[],)"
                        R"("bids":[]},"sequenceEnd":5},"subject":"trade.l2update",)"
                        R"("topic":"/market/level2:BCHSV-USDT","type":"message"})");
  EXPECT_EQ(host.pending_requests("/api/v3/market/orderbook/level2?symbol=BCHSV-USDT").size(), 1u);
}

TEST(KucoinReplaySettings, BadValuesAreRejectedWithTheKeyNamed) {
  for (const char* bad : {R"({"spot":{"symbols":"v3"}})", R"({"spot":{"ws":"http://x"}})",
                          R"({"futures":{"symbols":"v1"}})", R"({"snapshot_depth":"half"})",
                          R"({"snapshot_depth":50})"}) {
    FakeHost host(plugin().api());
    std::string error;
    EXPECT_NE(host.create(bad, &error), ASTRA_OK) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

}  // namespace
}  // namespace kucoin_test
