// HTX wire messages, written by hand in the key order and number forms HTX uses (numbers are
// JSON numbers whose text the caller formats, see numbers.hpp; spot trade ids exceed 2^64).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace astra::sim::huobi {

using TextLevels = std::vector<std::pair<std::string, std::string>>;  // [price, qty], best first

struct TradeRow {
  std::string id;        // the row's id (a JSON number's text)
  std::string trade_id;  // spot only: tradeId
  std::string amount;    // base quantity (spot) or contracts (swaps)
  std::string quantity;  // swaps: coin quantity
  std::string turnover;  // linear swaps: trade_turnover
  std::string price;
  bool taker_buy = true;  // direction: the taker's side
};

// A JSON string literal for `s` (escaped).
std::string quoted(std::string_view s);

// Pushes (gzip them before sending).
std::string ping_json(int64_t ts_ms);
std::string spot_depth_push(std::string_view topic, int64_t ts, uint64_t version, int64_t tick_ts,
                            const TextLevels& bids, const TextLevels& asks);
std::string contract_depth_push(std::string_view topic, int64_t ts, uint64_t mrid,
                                int64_t id_seconds, int64_t tick_ts, const TextLevels& bids,
                                const TextLevels& asks);
std::string mbp_push(std::string_view topic, int64_t ts, uint64_t seq, uint64_t prev,
                     const TextLevels& bids, const TextLevels& asks);
std::string mbp_reply(std::string_view id_json, std::string_view topic, uint64_t seq,
                      const TextLevels& bids, const TextLevels& asks);
std::string trade_push(std::string_view topic, int64_t ts, uint64_t tick_id, bool spot,
                       const std::vector<TradeRow>& rows);

// Replies to sub / unsub and errors on the market WebSocket (id_json: the client's id as JSON).
std::string sub_ack(bool spot, std::string_view id_json, bool subscribed, std::string_view topic,
                    int64_t ts);
std::string ws_error(std::string_view id_json, std::string_view code, std::string_view msg,
                     int64_t ts);

// REST
std::string spot_symbols_json(const std::vector<std::string>& records);
std::string contract_info_json(const std::vector<std::string>& records, int64_t ts);
std::string spot_depth_json(std::string_view topic, int64_t ts, uint64_t version, int64_t tick_ts,
                            const TextLevels& bids, const TextLevels& asks);
std::string contract_depth_json(std::string_view topic, int64_t ts, uint64_t mrid,
                                int64_t id_seconds, int64_t tick_ts, const TextLevels& bids,
                                const TextLevels& asks);
std::string spot_error_json(std::string_view code, std::string_view msg);
std::string contract_error_json(int code, std::string_view msg, int64_t ts);

}  // namespace astra::sim::huobi
