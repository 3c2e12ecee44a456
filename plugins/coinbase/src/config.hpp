// The plugin's configuration (the venue's YAML section as JSON). Every key is optional:
//   {"feed":"advanced"|"exchange", "rest":"https://api.coinbase.com",
//    "ws":"wss://advanced-trade-ws.coinbase.com", "advanced_trade_side":"maker"|"taker",
//    "exchange_book_channel":"level2_batch"|"level2", "heartbeat_ms":1000}
//
// heartbeat_ms: every Advanced Trade connection subscribes to `heartbeats` (one a second); one
// silent for 1.25 heartbeats is declared stalled and replaced. Tests shorten it. The Exchange
// feed promises no periodic frame: there the host's WebSocket keep-alive finds a stall.
//
// feed "advanced" (default): Advanced Trade market data (products from
// /api/v3/brokerage/market/products, WebSocket level2 / market_trades / heartbeats).
// feed "exchange": Coinbase Exchange (GET /products, ws-feed level2 + matches).
// rest / ws default to the chosen feed's production endpoints.
//
// exchange_book_channel: Exchange `level2` now needs an authenticated subscribe, which this
// plugin does not send; `level2_batch` (the default) is its unauthenticated, 50 ms-batched twin
// with the same snapshot / l2update messages (facts §1.3).
//
// advanced_trade_side: what the `side` of an Advanced Trade market_trades trade means. Coinbase
// does not document it (shared/venues facts §1.4); the Exchange feed of the same matching engine
// sends the MAKER side, so "maker" (the default) flips it to get the taker side.
#pragma once

#include <string>
#include <string_view>

namespace astra::coinbase {

enum class Feed { advanced, exchange };

struct Config {
  Feed feed = Feed::advanced;
  std::string rest;  // scheme://host[:port], no trailing slash
  std::string ws;    // full WebSocket URL
  bool advanced_side_is_maker = true;
  std::string exchange_book_channel = "level2_batch";
  uint32_t heartbeat_ms = 1000;
};

// Throws std::invalid_argument with a message naming the bad key.
Config parse_config(std::string_view json);

}  // namespace astra::coinbase
