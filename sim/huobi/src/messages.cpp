#include "messages.hpp"

#include <nlohmann/json.hpp>

namespace astra::sim::huobi {

namespace {

void levels(std::string& out, const TextLevels& side) {
  out += '[';
  for (size_t i = 0; i < side.size(); ++i) {
    if (i) out += ',';
    out += '[';
    out += side[i].first;
    out += ',';
    out += side[i].second;
    out += ']';
  }
  out += ']';
}

std::string num(int64_t n) {
  return std::to_string(n);
}
std::string num(uint64_t n) {
  return std::to_string(n);
}

// The tick of a spot depth.step0 push (and of the REST depth answer): bids, asks, version, ts.
void spot_tick(std::string& out, uint64_t version, int64_t tick_ts, const TextLevels& bids,
               const TextLevels& asks) {
  out += "{\"bids\":";
  levels(out, bids);
  out += ",\"asks\":";
  levels(out, asks);
  out += ",\"version\":" + num(version) + ",\"ts\":" + num(tick_ts) + "}";
}

// The tick of a swap depth.step0 push: mrid, id, bids, asks, ts, version (= id), ch.
void contract_tick(std::string& out, std::string_view topic, uint64_t mrid, int64_t id_seconds,
                   int64_t tick_ts, const TextLevels& bids, const TextLevels& asks) {
  out += "{\"mrid\":" + num(mrid) + ",\"id\":" + num(id_seconds) + ",\"bids\":";
  levels(out, bids);
  out += ",\"asks\":";
  levels(out, asks);
  out += ",\"ts\":" + num(tick_ts) + ",\"version\":" + num(id_seconds) +
         ",\"ch\":" + quoted(topic) + "}";
}

}  // namespace

std::string quoted(std::string_view s) {
  return nlohmann::json(std::string(s))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ping_json(int64_t ts_ms) {
  return "{\"ping\":" + num(ts_ms) + "}";
}

std::string spot_depth_push(std::string_view topic, int64_t ts, uint64_t version, int64_t tick_ts,
                            const TextLevels& bids, const TextLevels& asks) {
  std::string out = "{\"ch\":" + quoted(topic) + ",\"ts\":" + num(ts) + ",\"tick\":";
  spot_tick(out, version, tick_ts, bids, asks);
  out += '}';
  return out;
}

std::string contract_depth_push(std::string_view topic, int64_t ts, uint64_t mrid,
                                int64_t id_seconds, int64_t tick_ts, const TextLevels& bids,
                                const TextLevels& asks) {
  std::string out = "{\"ch\":" + quoted(topic) + ",\"ts\":" + num(ts) + ",\"tick\":";
  contract_tick(out, topic, mrid, id_seconds, tick_ts, bids, asks);
  out += '}';
  return out;
}

std::string mbp_push(std::string_view topic, int64_t ts, uint64_t seq, uint64_t prev,
                     const TextLevels& bids, const TextLevels& asks) {
  std::string out = "{\"ch\":" + quoted(topic) + ",\"ts\":" + num(ts) +
                    ",\"tick\":{\"seqNum\":" + num(seq) + ",\"prevSeqNum\":" + num(prev) +
                    ",\"bids\":";
  levels(out, bids);
  out += ",\"asks\":";
  levels(out, asks);
  out += "}}";
  return out;
}

std::string mbp_reply(std::string_view id_json, std::string_view topic, uint64_t seq,
                      const TextLevels& bids, const TextLevels& asks) {
  std::string out = "{\"id\":" + std::string(id_json) + ",\"rep\":" + quoted(topic) +
                    ",\"status\":\"ok\",\"data\":{\"seqNum\":" + num(seq) + ",\"bids\":";
  levels(out, bids);
  out += ",\"asks\":";
  levels(out, asks);
  out += "}}";
  return out;
}

std::string trade_push(std::string_view topic, int64_t ts, uint64_t tick_id, bool spot,
                       const std::vector<TradeRow>& rows) {
  std::string out = "{\"ch\":" + quoted(topic) + ",\"ts\":" + num(ts) +
                    ",\"tick\":{\"id\":" + num(tick_id) + ",\"ts\":" + num(ts) + ",\"data\":[";
  for (size_t i = 0; i < rows.size(); ++i) {
    const TradeRow& r = rows[i];
    const char* direction = r.taker_buy ? "\"buy\"" : "\"sell\"";
    if (i) out += ',';
    if (spot) {
      // Spot: {id, ts, tradeId, amount, price, direction} (recorded).
      out += "{\"id\":" + r.id + ",\"ts\":" + num(ts) + ",\"tradeId\":" + r.trade_id +
             ",\"amount\":" + r.amount + ",\"price\":" + r.price + ",\"direction\":" + direction +
             "}";
    } else {
      // Swaps: {amount, quantity, [trade_turnover,] ts, id, price, direction} (recorded).
      out += "{\"amount\":" + r.amount + ",\"quantity\":" + r.quantity;
      if (!r.turnover.empty()) out += ",\"trade_turnover\":" + r.turnover;
      out += ",\"ts\":" + num(ts) + ",\"id\":" + r.id + ",\"price\":" + r.price +
             ",\"direction\":" + direction + "}";
    }
  }
  out += "]}}";
  return out;
}

std::string sub_ack(bool spot, std::string_view id_json, bool subscribed, std::string_view topic,
                    int64_t ts) {
  const char* key = subscribed ? "subbed" : "unsubbed";
  // Spot: {id, status, subbed, ts}; swaps: {id, subbed, ts, status} (both recorded).
  if (spot)
    return "{\"id\":" + std::string(id_json) + ",\"status\":\"ok\",\"" + key +
           "\":" + quoted(topic) + ",\"ts\":" + num(ts) + "}";
  return "{\"id\":" + std::string(id_json) + ",\"" + key + "\":" + quoted(topic) +
         ",\"ts\":" + num(ts) + ",\"status\":\"ok\"}";
}

std::string ws_error(std::string_view id_json, std::string_view code, std::string_view msg,
                     int64_t ts) {
  return "{\"status\":\"error\",\"ts\":" + num(ts) + ",\"id\":" + std::string(id_json) +
         ",\"err-code\":" + quoted(code) + ",\"err-msg\":" + quoted(msg) + "}";
}

std::string spot_symbols_json(const std::vector<std::string>& records) {
  std::string out = "{\"status\":\"ok\",\"data\":[";
  for (size_t i = 0; i < records.size(); ++i) {
    if (i) out += ',';
    out += records[i];
  }
  out += "]}";
  return out;
}

std::string contract_info_json(const std::vector<std::string>& records, int64_t ts) {
  std::string out = "{\"status\":\"ok\",\"data\":[";
  for (size_t i = 0; i < records.size(); ++i) {
    if (i) out += ',';
    out += records[i];
  }
  out += "],\"ts\":" + num(ts) + "}";
  return out;
}

std::string spot_depth_json(std::string_view topic, int64_t ts, uint64_t version, int64_t tick_ts,
                            const TextLevels& bids, const TextLevels& asks) {
  std::string out =
      "{\"ch\":" + quoted(topic) + ",\"status\":\"ok\",\"ts\":" + num(ts) + ",\"tick\":";
  spot_tick(out, version, tick_ts, bids, asks);
  out += '}';
  return out;
}

std::string contract_depth_json(std::string_view topic, int64_t ts, uint64_t mrid,
                                int64_t id_seconds, int64_t tick_ts, const TextLevels& bids,
                                const TextLevels& asks) {
  std::string out = "{\"ch\":" + quoted(topic) + ",\"status\":\"ok\",\"tick\":";
  contract_tick(out, topic, mrid, id_seconds, tick_ts, bids, asks);
  out += ",\"ts\":" + num(ts) + "}";
  return out;
}

std::string spot_error_json(std::string_view code, std::string_view msg) {
  return "{\"status\":\"error\",\"err-code\":" + quoted(code) + ",\"err-msg\":" + quoted(msg) +
         ",\"data\":null}";
}

std::string contract_error_json(int code, std::string_view msg, int64_t ts) {
  return "{\"status\":\"error\",\"err_code\":" + std::to_string(code) +
         ",\"err_msg\":" + quoted(msg) + ",\"ts\":" + num(ts) + "}";
}

}  // namespace astra::sim::huobi
