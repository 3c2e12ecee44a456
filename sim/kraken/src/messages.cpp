#include "messages.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>

namespace astra::sim::kraken {

using ojson = nlohmann::ordered_json;

namespace {

// A JSON string literal (escaped).
std::string json_string(std::string_view s) {
  return ojson(std::string(s)).dump();
}

void append_number(std::string& out, std::string_view fixed) {
  out += number_text(fixed);
}

// [{"price":p,"qty":q},...] with number tokens.
void append_object_levels(std::string& out, const TextLevels& levels, bool fixed) {
  out += '[';
  bool first = true;
  for (const auto& [price, qty] : levels) {
    if (!first) out += ',';
    first = false;
    out += "{\"price\":";
    if (fixed)
      append_number(out, price);
    else
      out += price;
    out += ",\"qty\":";
    if (fixed)
      append_number(out, qty);
    else
      out += qty;
    out += '}';
  }
  out += ']';
}

std::tm utc(int64_t unix_s) {
  const std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

ojson fee_table(std::initializer_list<std::pair<int, double>> rows) {
  ojson out = ojson::array();
  for (const auto& [volume, fee] : rows)
    out.push_back(ojson::array({volume, fee}));
  return out;
}

}  // namespace

std::string number_text(std::string_view fixed) {
  std::string s(fixed);
  const size_t dot = s.find('.');
  if (dot == std::string::npos) return s + ".0";
  while (s.size() > dot + 2 && s.back() == '0')
    s.pop_back();
  return s;
}

std::string rfc3339_us(int64_t unix_us) {
  const std::tm tm = utc(unix_us / 1'000'000);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(unix_us % 1'000'000));
  return buf;
}

std::string iso_ms(int64_t unix_ms) {
  const std::tm tm = utc(unix_ms / 1000);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(unix_ms % 1000));
  return buf;
}

// ---- spot REST ----

std::string asset_pairs_json(const std::vector<Instrument>& pairs) {
  ojson result = ojson::object();
  for (const Instrument& p : pairs) {
    ojson j;
    j["altname"] = p.altname;
    j["wsname"] = p.wsname;
    j["aclass_base"] = "currency";
    j["base"] = p.base;
    j["aclass_quote"] = "currency";
    j["quote"] = p.quote;
    j["lot"] = "unit";
    j["pair_decimals"] = p.price_decimals;
    j["lot_decimals"] = p.qty_decimals;
    j["lot_multiplier"] = 1;
    j["leverage_buy"] = {2, 3, 4, 5};
    j["leverage_sell"] = {2, 3, 4, 5};
    j["fees"] = fee_table({{0, 0.26},
                           {50000, 0.24},
                           {100000, 0.22},
                           {250000, 0.2},
                           {500000, 0.18},
                           {1000000, 0.16},
                           {2500000, 0.14},
                           {5000000, 0.12},
                           {10000000, 0.1}});
    j["fees_maker"] = fee_table({{0, 0.16},
                                 {50000, 0.14},
                                 {100000, 0.12},
                                 {250000, 0.1},
                                 {500000, 0.08},
                                 {1000000, 0.06},
                                 {2500000, 0.04},
                                 {5000000, 0.02},
                                 {10000000, 0}});
    j["fee_volume_currency"] = "ZUSD";
    j["margin_call"] = 80;
    j["margin_stop"] = 40;
    j["ordermin"] = p.ordermin;
    result[p.key] = std::move(j);
  }
  ojson doc;
  doc["error"] = ojson::array();
  doc["result"] = std::move(result);
  return doc.dump();
}

std::string assets_json(const std::vector<Asset>& assets) {
  ojson result = ojson::object();
  for (const Asset& a : assets) {
    ojson j;
    j["aclass"] = "currency";
    j["altname"] = a.altname;
    j["decimals"] = a.decimals;
    j["display_decimals"] = a.display_decimals;
    j["status"] = "enabled";
    result[a.code] = std::move(j);
  }
  ojson doc;
  doc["error"] = ojson::array();
  doc["result"] = std::move(result);
  return doc.dump();
}

std::string spot_error_json(std::string_view error) {
  ojson doc;
  doc["error"] = ojson::array({std::string(error)});
  return doc.dump();
}

std::string depth_json(std::string_view pair_key, const TextLevels& bids, const TextLevels& asks,
                       int64_t unix_s) {
  auto side = [unix_s](const TextLevels& levels) {
    ojson out = ojson::array();
    for (const auto& [p, q] : levels)
      out.push_back(ojson::array({p, q, unix_s}));
    return out;
  };
  ojson book;
  book["asks"] = side(asks);
  book["bids"] = side(bids);
  ojson doc;
  doc["error"] = ojson::array();
  doc["result"] = ojson::object();
  doc["result"][std::string(pair_key)] = std::move(book);
  return doc.dump();
}

// ---- spot WebSocket v2 ----

std::string v2_book_json(bool snapshot, std::string_view symbol, const TextLevels& bids,
                         const TextLevels& asks, uint32_t checksum,
                         std::optional<int64_t> timestamp_us) {
  std::string out = "{\"channel\":\"book\",\"type\":\"";
  out += snapshot ? "snapshot" : "update";
  out += "\",\"data\":[{\"symbol\":";
  out += json_string(symbol);
  out += ",\"bids\":";
  append_object_levels(out, bids, true);
  out += ",\"asks\":";
  append_object_levels(out, asks, true);
  out += ",\"checksum\":";
  out += std::to_string(checksum);
  if (timestamp_us) {
    out += ",\"timestamp\":\"";
    out += rfc3339_us(*timestamp_us);
    out += '"';
  }
  out += "}]}";
  return out;
}

std::string v2_trade_json(bool snapshot, const std::vector<V2Trade>& trades) {
  std::string out = "{\"channel\":\"trade\",\"type\":\"";
  out += snapshot ? "snapshot" : "update";
  out += "\",\"data\":[";
  bool first = true;
  for (const V2Trade& t : trades) {
    if (!first) out += ',';
    first = false;
    out += "{\"symbol\":";
    out += json_string(t.symbol);
    out += ",\"side\":\"";
    out += t.taker_buys ? "buy" : "sell";
    out += "\",\"price\":";
    append_number(out, t.price);
    out += ",\"qty\":";
    append_number(out, t.qty);
    // The engine does not tell a market order from a marketable limit: every taker is "market".
    out += ",\"ord_type\":\"market\",\"trade_id\":";
    out += std::to_string(t.trade_id);
    out += ",\"timestamp\":\"";
    out += rfc3339_us(t.time_us);
    out += "\"}";
  }
  out += "]}";
  return out;
}

std::string v2_ack_json(std::string_view method, std::string_view result_json,
                        std::optional<int64_t> req_id, int64_t time_in_us, int64_t time_out_us) {
  ojson j;
  j["method"] = method;
  if (req_id) j["req_id"] = *req_id;
  j["result"] = ojson::parse(result_json);
  j["success"] = true;
  j["time_in"] = rfc3339_us(time_in_us);
  j["time_out"] = rfc3339_us(time_out_us);
  return j.dump();
}

std::string v2_error_json(std::string_view method, std::string_view error, std::string_view symbol,
                          std::optional<int64_t> req_id, int64_t time_in_us, int64_t time_out_us) {
  ojson j;
  j["error"] = error;
  if (!method.empty()) j["method"] = method;
  if (req_id) j["req_id"] = *req_id;
  j["success"] = false;
  if (!symbol.empty()) j["symbol"] = symbol;
  j["time_in"] = rfc3339_us(time_in_us);
  j["time_out"] = rfc3339_us(time_out_us);
  return j.dump();
}

std::string v2_pong_json(std::optional<int64_t> req_id, int64_t time_in_us, int64_t time_out_us) {
  ojson j;
  j["method"] = "pong";
  if (req_id) j["req_id"] = *req_id;
  j["time_in"] = rfc3339_us(time_in_us);
  j["time_out"] = rfc3339_us(time_out_us);
  return j.dump();
}

std::string v2_status_json(uint64_t connection_id) {
  ojson entry;
  entry["api_version"] = "v2";
  entry["connection_id"] = connection_id;
  entry["system"] = "online";
  entry["version"] = "2.0.0";
  ojson j;
  j["channel"] = "status";
  j["data"] = ojson::array({entry});
  j["type"] = "update";
  return j.dump();
}

std::string v2_heartbeat_json() {
  return "{\"channel\":\"heartbeat\"}";
}

// ---- spot WebSocket v1 ----

std::string v1_time(int64_t unix_us) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld.%06lld", static_cast<long long>(unix_us / 1'000'000),
                static_cast<long long>(unix_us % 1'000'000));
  return buf;
}

std::string v1_status_json(uint64_t connection_id) {
  ojson j;
  j["connectionID"] = connection_id;
  j["event"] = "systemStatus";
  j["status"] = "online";
  j["version"] = "1.9.0";
  return j.dump();
}

std::string v1_heartbeat_json() {
  return "{\"event\":\"heartbeat\"}";
}

std::string v1_pong_json(std::optional<int64_t> reqid) {
  ojson j;
  j["event"] = "pong";
  if (reqid) j["reqid"] = *reqid;
  return j.dump();
}

std::string v1_subscription_json(uint64_t channel_id, std::string_view channel_name,
                                 std::string_view pair, bool subscribed, std::string_view name,
                                 size_t depth, std::optional<int64_t> reqid) {
  ojson sub;
  if (depth) sub["depth"] = depth;
  sub["name"] = name;
  ojson j;
  j["channelID"] = channel_id;
  j["channelName"] = channel_name;
  j["event"] = "subscriptionStatus";
  j["pair"] = pair;
  if (reqid) j["reqid"] = *reqid;
  j["status"] = subscribed ? "subscribed" : "unsubscribed";
  j["subscription"] = std::move(sub);
  return j.dump();
}

std::string v1_subscription_error_json(std::string_view message, std::string_view pair,
                                       std::string_view subscription_json,
                                       std::optional<int64_t> reqid) {
  ojson j;
  j["errorMessage"] = message;
  j["event"] = "subscriptionStatus";
  if (!pair.empty()) j["pair"] = pair;
  if (reqid) j["reqid"] = *reqid;
  j["status"] = "error";
  j["subscription"] = ojson::parse(subscription_json);
  return j.dump();
}

std::string v1_error_json(std::string_view message) {
  ojson j;
  j["errorMessage"] = message;
  j["event"] = "error";
  return j.dump();
}

namespace {

void append_v1_levels(std::string& out, const std::vector<V1Level>& levels,
                      const std::string& time) {
  out += '[';
  for (size_t i = 0; i < levels.size(); ++i) {
    if (i) out += ',';
    out += "[\"" + levels[i].price + "\",\"" + levels[i].volume + "\",\"" + time + '"';
    if (levels[i].republish) out += ",\"r\"";
    out += ']';
  }
  out += ']';
}

std::vector<V1Level> plain(const TextLevels& levels) {
  std::vector<V1Level> out;
  for (const auto& [p, q] : levels)
    out.push_back(V1Level{p, q, false});
  return out;
}

void append_tail(std::string& out, std::string_view channel_name, std::string_view pair) {
  out += ',';
  out += json_string(channel_name);
  out += ',';
  out += json_string(pair);
  out += ']';
}

}  // namespace

std::string v1_book_snapshot_json(uint64_t channel_id, std::string_view channel_name,
                                  std::string_view pair, const TextLevels& bids,
                                  const TextLevels& asks, int64_t time_us) {
  const std::string time = v1_time(time_us);
  std::string out = "[" + std::to_string(channel_id) + ",{\"as\":";
  append_v1_levels(out, plain(asks), time);
  out += ",\"bs\":";
  append_v1_levels(out, plain(bids), time);
  out += '}';
  append_tail(out, channel_name, pair);
  return out;
}

std::string v1_book_update_json(uint64_t channel_id, std::string_view channel_name,
                                std::string_view pair, const std::vector<V1Level>& bids,
                                const std::vector<V1Level>& asks, uint32_t checksum,
                                int64_t time_us) {
  const std::string time = v1_time(time_us);
  const std::string c = ",\"c\":\"" + std::to_string(checksum) + "\"}";
  std::string out = "[" + std::to_string(channel_id);
  if (!asks.empty()) {
    out += ",{\"a\":";
    append_v1_levels(out, asks, time);
    out += bids.empty() ? c : "}";
  }
  if (!bids.empty()) {
    out += ",{\"b\":";
    append_v1_levels(out, bids, time);
    out += c;
  }
  append_tail(out, channel_name, pair);
  return out;
}

std::string v1_trade_json(uint64_t channel_id, std::string_view pair,
                          const std::vector<V1Trade>& trades) {
  std::string out = "[" + std::to_string(channel_id) + ",[";
  for (size_t i = 0; i < trades.size(); ++i) {
    if (i) out += ',';
    const V1Trade& t = trades[i];
    // Every simulated taker is a market order ("m"), as in the v2 feed.
    out += "[\"" + t.price + "\",\"" + t.volume + "\",\"" + v1_time(t.time_us) + "\",\"" +
           (t.taker_buys ? "b" : "s") + "\",\"m\",\"\"]";
  }
  out += ']';
  append_tail(out, "trade", pair);
  return out;
}

// ---- futures REST ----

std::string instruments_json(const std::vector<Instrument>& products, int64_t server_ms) {
  auto levels = [](std::initializer_list<std::tuple<int, double, double>> rows) {
    ojson out = ojson::array();
    for (const auto& [contracts, initial, maintenance] : rows)
      out.push_back(ojson{{"contracts", contracts},
                          {"initialMargin", initial},
                          {"maintenanceMargin", maintenance}});
    return out;
  };
  ojson list = ojson::array();
  for (const Instrument& p : products) {
    std::string lower = p.key;
    for (char& c : lower)
      c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    ojson j;
    j["symbol"] = lower;
    j["type"] = p.type;
    j["underlying"] = p.underlying;
    j["tickSize"] = std::stod(p.tick_size);
    j["contractSize"] = 1;
    j["tradeable"] = true;
    j["marginLevels"] = levels({{0, 0.02, 0.01},
                                {500000, 0.04, 0.02},
                                {1000000, 0.06, 0.03},
                                {3000000, 0.1, 0.05},
                                {6000000, 0.15, 0.075},
                                {12000000, 0.25, 0.125},
                                {20000000, 0.3, 0.15},
                                {50000000, 0.4, 0.2}});
    j["fundingRateCoefficient"] = 8;
    j["maxRelativeFundingRate"] = 0.001;
    if (!p.isin.empty()) j["isin"] = p.isin;
    j["retailMarginLevels"] = levels({{0, 0.5, 0.25}});
    if (p.trade_precision >= 0) j["contractValueTradePrecision"] = p.trade_precision;
    list.push_back(std::move(j));
  }
  ojson doc;
  doc["result"] = "success";
  doc["instruments"] = std::move(list);
  doc["serverTime"] = iso_ms(server_ms);
  return doc.dump();
}

std::string futures_orderbook_json(const TextLevels& bids, const TextLevels& asks,
                                   int64_t server_ms) {
  auto side = [](const TextLevels& levels) {
    std::string out = "[";
    for (size_t i = 0; i < levels.size(); ++i) {
      if (i) out += ',';
      out += '[' + levels[i].first + ',' + levels[i].second + ']';
    }
    return out + "]";
  };
  return "{\"result\":\"success\",\"serverTime\":\"" + iso_ms(server_ms) +
         "\",\"orderBook\":{\"bids\":" + side(bids) + ",\"asks\":" + side(asks) + "}}";
}

std::string futures_error_json(std::string_view error, int64_t server_ms) {
  ojson j;
  j["result"] = "error";
  j["serverTime"] = iso_ms(server_ms);
  j["error"] = error;
  return j.dump();
}

// ---- futures WebSocket v1 ----

std::string futures_info_json() {
  return "{\"event\":\"info\",\"version\":1}";
}

std::string futures_event_json(std::string_view event, std::string_view feed,
                               const std::vector<std::string>& product_ids) {
  ojson j;
  j["event"] = event;
  j["feed"] = feed;
  j["product_ids"] = product_ids;
  return j.dump();
}

std::string futures_error_event_json(std::string_view message) {
  ojson j;
  j["event"] = "error";
  j["message"] = message;
  return j.dump();
}

std::string book_snapshot_json(std::string_view product, int64_t time_ms, uint64_t seq,
                               const TextLevels& bids, const TextLevels& asks) {
  std::string out = "{\"feed\":\"book_snapshot\",\"product_id\":";
  out += json_string(product);
  out += ",\"timestamp\":" + std::to_string(time_ms);
  out += ",\"seq\":" + std::to_string(seq);
  out += ",\"tickSize\":null,\"bids\":";
  append_object_levels(out, bids, false);
  out += ",\"asks\":";
  append_object_levels(out, asks, false);
  out += '}';
  return out;
}

std::string book_delta_json(std::string_view product, bool buy_side, uint64_t seq,
                            std::string_view price, std::string_view qty, int64_t time_ms) {
  std::string out = "{\"feed\":\"book\",\"product_id\":";
  out += json_string(product);
  out += buy_side ? ",\"side\":\"buy\"" : ",\"side\":\"sell\"";
  out += ",\"seq\":" + std::to_string(seq);
  out += ",\"price\":";
  out += price;
  out += ",\"qty\":";
  out += qty;
  out += ",\"timestamp\":" + std::to_string(time_ms) + "}";
  return out;
}

std::string futures_trade_json(const FuturesTrade& t) {
  std::string out = "{\"feed\":\"trade\",\"product_id\":";
  out += json_string(t.product);
  out += ",\"uid\":" + json_string(t.uid);
  out += t.taker_buys ? ",\"side\":\"buy\"" : ",\"side\":\"sell\"";
  out += ",\"type\":\"fill\",\"seq\":" + std::to_string(t.seq);
  out += ",\"time\":" + std::to_string(t.time_ms);
  out += ",\"qty\":" + t.qty;
  out += ",\"price\":" + t.price + "}";
  return out;
}

std::string trade_snapshot_json(std::string_view product,
                                const std::vector<FuturesTrade>& newest_first) {
  std::string out = "{\"feed\":\"trade_snapshot\",\"product_id\":";
  out += json_string(product);
  out += ",\"trades\":[";
  for (size_t i = 0; i < newest_first.size(); ++i) {
    if (i) out += ',';
    out += futures_trade_json(newest_first[i]);
  }
  out += "]}";
  return out;
}

}  // namespace astra::sim::kraken
