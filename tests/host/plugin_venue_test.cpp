#include "runtime/plugin_venue.hpp"

#include <gtest/gtest.h>

#include "fake_io.hpp"
#include "log_capture.hpp"

#include <optional>

namespace {

using astra::host::PluginVenue;
using astra::test::FakeIo;

const std::filesystem::path kDir = ASTRA_TEST_PLUGIN_DIR;
constexpr const char* kMarket = "FAKEGOOD-SPOT-BTC-USDT";

// Copies what the adapter emits.
struct RecordingSink final : astra::host::MarketSink {
  struct Book {
    uint32_t kind;
    std::string market;
    uint64_t update_id;
    std::vector<astra_book_level> bids, asks;
    uint32_t reset_reason;
  };
  std::vector<Book> books;
  std::vector<astra_trade> trades;
  std::vector<std::string> trade_ids;
  void on_book(const astra_book_event& e) override {
    books.push_back({e.kind, std::string(e.market.data, e.market.size), e.update_id,
                     std::vector<astra_book_level>(e.bids, e.bids + e.bid_count),
                     std::vector<astra_book_level>(e.asks, e.asks + e.ask_count), e.reset_reason});
  }
  void on_trades(const astra_trade_event& e) override {
    for (size_t i = 0; i < e.trade_count; ++i) {
      trades.push_back(e.trades[i]);
      trade_ids.emplace_back(e.trades[i].trade_id.data, e.trades[i].trade_id.size);
    }
  }
};

struct Answer {
  int calls = 0;
  astra_status status = -1;
  std::string json;
  astra::core::Callback callback() {
    return [this](astra_status s, std::string j) {
      ++calls;
      status = s;
      json = std::move(j);
    };
  }
};

struct PluginVenueTest : ::testing::Test {
  astra::test::LogCapture log;
  astra::host::PluginLoader loader{log.logger()};
  RecordingSink sink;
  std::shared_ptr<FakeIo::Record> io = std::make_shared<FakeIo::Record>();
  std::unique_ptr<PluginVenue> venue;

  void SetUp() override {
    auto plugin = loader.load(kDir, "fakegood");
    ASSERT_TRUE(plugin.ok()) << plugin.error().message;
    auto v = PluginVenue::create(
        std::move(*plugin), R"({"http_url":"http://127.0.0.1:9","ws_url":"ws://127.0.0.1:9/s"})",
        std::make_unique<FakeIo>(io), sink, log.logger());
    ASSERT_TRUE(v.ok()) << v.error().message;
    venue = std::move(*v);
  }
};

TEST_F(PluginVenueTest, DescribesThePlugin) {
  EXPECT_EQ(venue->id(), "fakegood");
  EXPECT_EQ(venue->exchange(), "FAKEGOOD");
  EXPECT_EQ(venue->version(), "1.2.3");
  EXPECT_NE(venue->capabilities() & ASTRA_CAP_TRADES, 0u);
  EXPECT_EQ(venue->state(), astra::core::ConnectionState::idle);
  EXPECT_TRUE(log.contains("[fakegood] fakegood created")) << log.all();
}

TEST_F(PluginVenueTest, CompletionsAreDeferredAndDeliveredOnce) {
  Answer a;
  venue->list_markets(a.callback());
  EXPECT_EQ(a.calls, 0) << "a callback must not run inside the plugin call";
  io->run_deferred();
  EXPECT_EQ(a.calls, 1);
  EXPECT_EQ(a.status, ASTRA_OK);
  EXPECT_EQ(a.json, R"([{"symbol":"FAKEGOOD-SPOT-BTC-USDT","venueSymbol":"BTCUSDT"},)"
                    R"({"symbol":"FAKEGOOD-SPOT-ETH-USDT","venueSymbol":"ETHUSDT"}])");
  EXPECT_EQ(venue->pending_calls(), 0u);
}

TEST_F(PluginVenueTest, HttpRequestsGoThroughTheIoAndResponsesBackToThePlugin) {
  Answer a;
  venue->get_orderbook(kMarket, 50, a.callback());
  ASSERT_EQ(io->requests.size(), 1u);
  const auto& [req, token] = io->requests[0];
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.url, "http://127.0.0.1:9/depth?symbol=BTCUSDT&limit=50");
  EXPECT_EQ(req.weight, 5u);
  EXPECT_EQ(venue->pending_calls(), 1u);

  astra::host::HttpResult result;
  result.status = 200;
  result.body = R"({"bids":[],"asks":[]})";
  io->events->on_http_response(token, result);
  io->run_deferred();
  EXPECT_EQ(a.calls, 1);
  EXPECT_EQ(a.status, ASTRA_OK);
  EXPECT_EQ(a.json, result.body);
}

TEST_F(PluginVenueTest, ATransportErrorReachesThePluginAsAnError) {
  Answer a;
  venue->get_orderbook(kMarket, 0, a.callback());
  ASSERT_EQ(io->requests.size(), 1u);
  astra::host::HttpResult result;
  result.error = ASTRA_E_DEADLINE_EXCEEDED;
  io->events->on_http_response(io->requests[0].second, result);
  io->run_deferred();
  EXPECT_EQ(a.status, ASTRA_E_DEADLINE_EXCEEDED);
  EXPECT_NE(a.json.find("\"code\":\"upstream\""), std::string::npos) << a.json;
}

TEST_F(PluginVenueTest, ARefusedCallCompletesWithItsStatusAndAJsonError) {
  Answer a;
  venue->get_orderbook("FAKEGOOD-SPOT-NOPE-USDT", 0, a.callback());
  io->run_deferred();
  EXPECT_EQ(a.calls, 1);
  EXPECT_EQ(a.status, ASTRA_E_NOT_FOUND);
  EXPECT_NE(a.json.find("\"code\":\"not_found\""), std::string::npos) << a.json;
  EXPECT_EQ(venue->pending_calls(), 0u);
}

TEST_F(PluginVenueTest, ASecondCompleteIsLoggedAndIgnored) {
  Answer a;
  venue->call_private(astra::core::PrivateOp::balances, {}, "{}", a.callback());
  io->run_deferred();
  EXPECT_EQ(a.calls, 1);
  EXPECT_EQ(a.json, "[]");
  EXPECT_TRUE(log.contains("already completed call")) << log.all();
}

TEST_F(PluginVenueTest, CompleteThenRefuseKeepsTheCompletion) {
  Answer a;
  venue->call_private(astra::core::PrivateOp::cancel_order, {}, "{}", a.callback());
  io->run_deferred();
  EXPECT_EQ(a.calls, 1);
  EXPECT_EQ(a.status, ASTRA_OK);
  EXPECT_TRUE(log.contains("completed and then returned rejected")) << log.all();
}

TEST_F(PluginVenueTest, AThrowingOperationBecomesAnInternalError) {
  Answer a;
  venue->call_private(astra::core::PrivateOp::list_fills, {}, "{}", a.callback());
  io->run_deferred();
  EXPECT_EQ(a.calls, 1);
  EXPECT_EQ(a.status, ASTRA_E_INTERNAL);
  EXPECT_TRUE(log.contains("list_fills always throws")) << log.all();
}

TEST_F(PluginVenueTest, PrivateCallsGetTheCredentialsForTheCallOnly) {
  astra::core::Credentials c;
  c.api_key = "k123";
  c.api_secret = "secret-value-xyz";
  Answer a;
  venue->call_private(astra::core::PrivateOp::place_order, c, R"({"side":"BUY"})", a.callback());
  io->run_deferred();
  EXPECT_EQ(a.status, ASTRA_OK);
  EXPECT_EQ(a.json,
            R"({"apiKeyLength":4,"secretLength":16,"passphraseLength":0,"params":{"side":"BUY"}})");
  EXPECT_FALSE(log.contains("secret-value-xyz"));

  Answer refused;
  venue->call_private(astra::core::PrivateOp::list_orders, c, "{}", refused.callback());
  io->run_deferred();
  EXPECT_EQ(refused.status, ASTRA_E_UNAUTHENTICATED);
}

TEST_F(PluginVenueTest, TimersFireIntoThePlugin) {
  Answer a;
  venue->call_private(astra::core::PrivateOp::positions, {}, "{}", a.callback());
  ASSERT_EQ(io->timers.size(), 1u);
  const auto timer = io->timers.begin()->second;
  EXPECT_EQ(timer.delay_ms, 5u);
  io->events->on_timer(timer.token);
  io->run_deferred();
  EXPECT_EQ(a.calls, 1);
  EXPECT_EQ(a.json, "[]");
}

TEST_F(PluginVenueTest, StreamingEventsReachTheSinkAndTheCounters) {
  EXPECT_EQ(venue->subscribe(kMarket, astra::core::DataType::orderbook), ASTRA_OK);
  EXPECT_EQ(venue->subscribe("FAKEGOOD-SPOT-X-Y", astra::core::DataType::orderbook),
            ASTRA_E_NOT_FOUND);
  ASSERT_EQ(io->opens.size(), 1u);
  EXPECT_EQ(io->opens[0].url, "ws://127.0.0.1:9/s");
  EXPECT_EQ(venue->state(), astra::core::ConnectionState::connecting);
  const uint64_t conn = io->opens[0].conn;

  io->events->on_ws_open(conn);
  EXPECT_EQ(venue->state(), astra::core::ConnectionState::connected);
  ASSERT_EQ(io->sends.size(), 1u);
  EXPECT_EQ(io->sends[0].text, std::string("SUB ") + kMarket + " 1");

  io->events->on_ws_message(conn, "book", false);
  io->events->on_ws_message(conn, "trade", false);
  io->events->on_ws_message(conn, "gap", false);
  io->events->on_ws_message(conn, "???", false);
  io->events->on_ws_message(conn, "\x1f\x8b", true);

  ASSERT_EQ(sink.books.size(), 2u);
  EXPECT_EQ(sink.books[0].kind, static_cast<uint32_t>(ASTRA_BOOK_SNAPSHOT));
  EXPECT_EQ(sink.books[0].market, kMarket);
  EXPECT_EQ(sink.books[0].update_id, 1u);
  ASSERT_EQ(sink.books[0].bids.size(), 1u);
  EXPECT_EQ(sink.books[0].bids[0].price.mantissa, 1005);
  EXPECT_EQ(sink.books[0].bids[0].price.exponent, -1);
  EXPECT_EQ(sink.books[1].kind, static_cast<uint32_t>(ASTRA_BOOK_RESET));
  EXPECT_EQ(sink.books[1].reset_reason, static_cast<uint32_t>(ASTRA_RESET_GAP));
  ASSERT_EQ(sink.trades.size(), 1u);
  EXPECT_EQ(sink.trade_ids[0], "t1");

  const auto& total = venue->counters().total();
  EXPECT_EQ(total.checksum_ok, 1u);
  EXPECT_EQ(total.gaps, 1u);
  EXPECT_EQ(total.bad_frames, 2u);
  ASSERT_EQ(venue->counters().by_market().count(kMarket), 1u);
  EXPECT_EQ(venue->counters().by_market().at(kMarket).gaps, 1u);

  io->events->on_ws_close(conn, 1001, "going away");
  EXPECT_EQ(venue->state(), astra::core::ConnectionState::disconnected);
  EXPECT_TRUE(log.contains("fakegood stream closed: 1001 going away")) << log.all();
}

TEST_F(PluginVenueTest, PendingCallsAreAnsweredWhenTheVenueStops) {
  Answer a;
  venue->get_orderbook(kMarket, 0, a.callback());
  venue.reset();
  EXPECT_EQ(a.calls, 1);
  EXPECT_EQ(a.status, ASTRA_E_UNAVAILABLE);
  EXPECT_EQ(io->events, nullptr) << "the adapter detaches from the Io when it goes";
}

TEST(PluginVenueCreate, ACreateErrorIsReturnedWithThePluginsMessage) {
  astra::test::LogCapture log;
  astra::host::PluginLoader loader{log.logger()};
  RecordingSink sink;
  auto plugin = loader.load(kDir, "fakebadconfig");
  ASSERT_TRUE(plugin.ok()) << plugin.error().message;
  auto v = PluginVenue::create(std::move(*plugin), R"({"x":1})",
                               std::make_unique<FakeIo>(std::make_shared<FakeIo::Record>()), sink,
                               log.logger());
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().status, ASTRA_E_INVALID_ARGUMENT);
  EXPECT_EQ(v.error().code, "plugin_create_failed");
  EXPECT_NE(v.error().message.find("'api_url' is required"), std::string::npos)
      << v.error().message;
  EXPECT_TRUE(log.contains("refused its configuration")) << log.all();
}

}  // namespace
