// `astra serve` in sandbox mode: the simulators start in process, every enabled venue is pointed
// at its simulator, and the API answers offline for all of them: /markets, /orderbook and /ws.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "e2e/api_client.hpp"
#include "e2e/client_book.hpp"
#include "e2e/gateway_process.hpp"

namespace {

using astra::test::ClientBook;
using astra::test::GatewayProcess;
using astra::test::http_get;
using astra::test::WsClient;
using namespace std::chrono_literals;

struct Venue {
  const char* id;
  const char* exchange;
  const char* market;
};

const Venue kVenues[] = {{"binance", "BINANCE", "BINANCE-SPOT-BTC-USDT"},
                         {"coinbase", "COINBASE", "COINBASE-SPOT-BTC-USD"},
                         {"huobi", "HUOBI", "HUOBI-SPOT-BTC-USDT"},
                         {"kraken", "KRAKEN", "KRAKEN-SPOT-XBT-USD"},
                         {"kucoin", "KUCOIN", "KUCOIN-SPOT-BTC-USDT"},
                         {"okx", "OKX", "OKX-SPOT-BTC-USDT"}};

std::string sandbox_yaml(const std::filesystem::path& dir) {
  std::string yaml = "server:\n  listen: 127.0.0.1\n  port: 0\n  metrics_port: 0\nstate: " +
                     (dir / "astra.db").string() +
                     "\nplugin_dir: " ASTRA_PLUGIN_DIR
                     "\nsandbox:\n  enabled: true\n  seed: 3\n  rate_ms: 50\nvenues:\n";
  for (const auto& v : kVenues)
    yaml += std::string("  ") + v.id + ":\n    enabled: true\n";
  return yaml;
}

TEST(Sandbox, EveryEnabledVenueAnswersMarketsOrderbookAndWebSocketOffline) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("astra-sandbox-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  GatewayProcess gateway(dir, sandbox_yaml(dir));
  ASSERT_GT(gateway.port(), 0) << gateway.output();
  const std::string key = gateway.api_key();
  bool ready = false;
  for (int i = 0; i < 200 && !ready; ++i) {
    ready = http_get(gateway.port(), "/ready", key).status == 200;
    if (!ready) std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(ready) << gateway.output();

  for (const auto& v : kVenues) {
    SCOPED_TRACE(v.id);
    const auto markets =
        http_get(gateway.port(), std::string("/markets?exchange=") + v.exchange, key);
    EXPECT_EQ(markets.status, 200) << markets.body;
    EXPECT_NE(markets.body.find(v.market), std::string::npos) << markets.body.substr(0, 300);

    // A live stream: the first message is the snapshot of a book with both sides.
    WsClient ws(gateway.port(), std::string("/ws?market=") + v.market + "&dataType=ORDERBOOK", key);
    ClientBook book;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (book.updates < 2 && std::chrono::steady_clock::now() < deadline) {
      auto msg = ws.read(200ms);
      if (!msg) continue;
      astra::test::apply_message(*msg, book);
      if (HasFatalFailure()) return;
    }
    EXPECT_TRUE(book.have_snapshot) << gateway.output();
    EXPECT_FALSE(book.bids.empty() || book.asks.empty());
    EXPECT_GE(book.updates, 2u) << "the sandbox book should move";

    const auto rest =
        http_get(gateway.port(), std::string("/orderbook?depth=5&market=") + v.market, key);
    EXPECT_EQ(rest.status, 200) << rest.body;
    EXPECT_NE(rest.body.find("\"bids\":[["), std::string::npos) << rest.body;
  }
  EXPECT_EQ(gateway.stop(), 0) << gateway.output();
  std::filesystem::remove_all(dir);
}

}  // namespace
