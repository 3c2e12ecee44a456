// Kraken wire messages, written in the key order and with the JSON types Kraken uses.
//
// Book and trade frames are assembled as text: Kraken sends prices and quantities as JSON
// numbers, and the simulator writes their exact decimal text ("45281.0", "0.566") instead of
// passing them through binary floating point.
#pragma once

#include "catalog.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace astra::sim::kraken {

using TextLevels = std::vector<std::pair<std::string, std::string>>;  // [price, qty], best first

// "0.56600000" -> "0.566", "45281.00" -> "45281.0", "57000" -> "57000.0": the shortest form of a
// fixed-decimal text that still reads as a JSON float, as Kraken's feeds print numbers.
std::string number_text(std::string_view fixed);

// RFC 3339 with microseconds, UTC: "2023-10-06T17:35:55.440295Z".
std::string rfc3339_us(int64_t unix_us);
// ISO 8601 with milliseconds, UTC: "2021-07-22T23:02:07.160Z" (futures serverTime).
std::string iso_ms(int64_t unix_ms);

// ---- spot REST ----
std::string asset_pairs_json(const std::vector<Instrument>& pairs);
// {"error":[],"result":{"XXBT":{"aclass":"currency","altname":"XBT","decimals":10,
// "display_decimals":5,"status":"enabled"},...}}: the fields of Kraken's get-asset-info docs.
std::string assets_json(const std::vector<Asset>& assets);
std::string spot_error_json(std::string_view error);  // {"error":["EQuery:Unknown asset pair"]}
// Depth levels are [price text, volume text, unix seconds].
std::string depth_json(std::string_view pair_key, const TextLevels& bids, const TextLevels& asks,
                       int64_t unix_s);

// ---- spot WebSocket v2 ----
// `bids`/`asks` hold fixed-decimal texts; they go out as JSON numbers.
std::string v2_book_json(bool snapshot, std::string_view symbol, const TextLevels& bids,
                         const TextLevels& asks, uint32_t checksum,
                         std::optional<int64_t> timestamp_us);
struct V2Trade {
  std::string symbol;
  bool taker_buys = false;
  std::string price;  // fixed-decimal text
  std::string qty;
  uint64_t trade_id = 0;
  int64_t time_us = 0;
};
std::string v2_trade_json(bool snapshot, const std::vector<V2Trade>& trades);
// A subscribe/unsubscribe reply for one symbol. `result` is a JSON object's text.
std::string v2_ack_json(std::string_view method, std::string_view result_json,
                        std::optional<int64_t> req_id, int64_t time_in_us, int64_t time_out_us);
std::string v2_error_json(std::string_view method, std::string_view error, std::string_view symbol,
                          std::optional<int64_t> req_id, int64_t time_in_us, int64_t time_out_us);
std::string v2_pong_json(std::optional<int64_t> req_id, int64_t time_in_us, int64_t time_out_us);
std::string v2_status_json(uint64_t connection_id);
std::string v2_heartbeat_json();

// ---- spot WebSocket v1 (wss://ws.kraken.com; frames as in the recorded v1 sessions) ----
// Texts are fixed decimals (Kraken's REST/v1 price decimals, lot decimals) and go out as strings.
struct V1Level {
  std::string price, volume;
  bool republish = false;  // "r": a level re-sent because another left the subscribed depth
};
// "1618678132.136369": seconds with microseconds, as v1 writes times.
std::string v1_time(int64_t unix_us);
std::string v1_status_json(uint64_t connection_id);
std::string v1_heartbeat_json();
std::string v1_pong_json(std::optional<int64_t> reqid);
// {"channelID":..,"channelName":"book-10","event":"subscriptionStatus","pair":"XBT/USD",
// "status":"subscribed"|"unsubscribed","subscription":{"depth":10,"name":"book"}}; depth 0 for
// trade. reqid echoes the request's.
std::string v1_subscription_json(uint64_t channel_id, std::string_view channel_name,
                                 std::string_view pair, bool subscribed, std::string_view name,
                                 size_t depth, std::optional<int64_t> reqid);
// {"errorMessage":..,"event":"subscriptionStatus","pair":..,"status":"error","subscription":{..}}
// (shape from Kraken's v1 docs: no error is in the recordings). `subscription_json` is an
// object's text; pair empty: no pair key.
std::string v1_subscription_error_json(std::string_view message, std::string_view pair,
                                       std::string_view subscription_json,
                                       std::optional<int64_t> reqid);
std::string v1_error_json(std::string_view message);  // {"errorMessage":..,"event":"error"}
// [channelID,{"as":[[p,v,t],..],"bs":[..]},"book-10","XBT/USD"]
std::string v1_book_snapshot_json(uint64_t channel_id, std::string_view channel_name,
                                  std::string_view pair, const TextLevels& bids,
                                  const TextLevels& asks, int64_t time_us);
// [channelID,{"a":[..]},{"b":[..],"c":"crc"},"book-10","XBT/USD"], or one dict when one side
// changed; the checksum goes in the last dict, as a string.
std::string v1_book_update_json(uint64_t channel_id, std::string_view channel_name,
                                std::string_view pair, const std::vector<V1Level>& bids,
                                const std::vector<V1Level>& asks, uint32_t checksum,
                                int64_t time_us);
struct V1Trade {
  std::string price, volume;
  bool taker_buys = false;
  int64_t time_us = 0;
};
// [channelID,[["price","volume","time","b"|"s","m"|"l",""],..],"trade","XBT/USD"]
std::string v1_trade_json(uint64_t channel_id, std::string_view pair,
                          const std::vector<V1Trade>& trades);

// ---- futures REST ----
std::string instruments_json(const std::vector<Instrument>& products, int64_t server_ms);
std::string futures_orderbook_json(const TextLevels& bids, const TextLevels& asks,
                                   int64_t server_ms);  // texts are number tokens
std::string futures_error_json(std::string_view error, int64_t server_ms);

// ---- futures WebSocket v1 (texts are number tokens) ----
std::string futures_info_json();
std::string futures_event_json(std::string_view event, std::string_view feed,
                               const std::vector<std::string>& product_ids);
std::string futures_error_event_json(std::string_view message);
std::string book_snapshot_json(std::string_view product, int64_t time_ms, uint64_t seq,
                               const TextLevels& bids, const TextLevels& asks);
std::string book_delta_json(std::string_view product, bool buy_side, uint64_t seq,
                            std::string_view price, std::string_view qty, int64_t time_ms);
struct FuturesTrade {
  std::string product;
  std::string uid;
  bool taker_buys = false;
  uint64_t seq = 0;
  int64_t time_ms = 0;
  std::string qty;  // number tokens
  std::string price;
};
std::string futures_trade_json(const FuturesTrade& t);
std::string trade_snapshot_json(std::string_view product,
                                const std::vector<FuturesTrade>& newest_first);

}  // namespace astra::sim::kraken
