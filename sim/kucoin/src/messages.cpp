#include "messages.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace astra::sim::kucoin {

namespace {

using ojson = nlohmann::ordered_json;

std::string ok(const std::string& data) {
  return "{\"code\":\"200000\",\"data\":" + data + "}";
}

void append_levels(std::string& out, const TextLevels& levels, bool quoted) {
  out += '[';
  for (size_t i = 0; i < levels.size(); ++i) {
    if (i) out += ',';
    if (quoted)
      out += "[\"" + levels[i].first + "\",\"" + levels[i].second + "\"]";
    else
      out += "[" + levels[i].first + "," + levels[i].second + "]";
  }
  out += ']';
}

void append_changes(std::string& out, const std::vector<TextChange>& changes) {
  out += '[';
  for (size_t i = 0; i < changes.size(); ++i) {
    if (i) out += ',';
    out += "[\"" + changes[i].price + "\",\"" + changes[i].size + "\",\"" +
           std::to_string(changes[i].sequence) + "\"]";
  }
  out += ']';
}

}  // namespace

std::string trim_zeros(std::string text) {
  if (text.find('.') == std::string::npos) return text;
  while (!text.empty() && text.back() == '0')
    text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

std::string object_id(uint64_t prefix, uint64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08llx%016llx", static_cast<unsigned long long>(prefix),
                static_cast<unsigned long long>(n));
  return buf;
}

std::string symbols_json(const std::vector<InstrumentSpec>& spot, bool v2) {
  ojson data = ojson::array();
  for (const auto& s : spot) {
    ojson o;
    o["symbol"] = s.symbol;
    o["name"] = s.symbol;
    o["baseCurrency"] = s.base;
    o["quoteCurrency"] = s.quote;
    o["feeCurrency"] = s.quote;
    o["market"] = "USDS";
    o["baseMinSize"] = s.min_size;
    o["quoteMinSize"] = "0.01";
    o["baseMaxSize"] = "10000000000";
    o["quoteMaxSize"] = "99999999";
    o["baseIncrement"] = s.lot;
    o["quoteIncrement"] = "0.000001";
    o["priceIncrement"] = s.tick;
    o["priceLimitRate"] = "0.1";
    if (v2) o["minFunds"] = s.min_funds;
    o["isMarginEnabled"] = true;
    o["enableTrading"] = true;
    data.push_back(std::move(o));
  }
  return ok(data.dump());
}

std::string contracts_json(const std::vector<InstrumentSpec>& futures, int64_t now_ms) {
  // Every key of the documented contract, in its order; numbers where the docs have numbers.
  std::string out = "[";
  for (size_t i = 0; i < futures.size(); ++i) {
    const InstrumentSpec& s = futures[i];
    if (i) out += ',';
    ojson o;
    o["symbol"] = s.symbol;
    o["rootSymbol"] = s.quote;
    o["type"] = "FFWCSX";
    o["firstOpenDate"] = 1585555200000;
    o["expireDate"] = nullptr;
    o["settleDate"] = nullptr;
    o["baseCurrency"] = s.base;
    o["quoteCurrency"] = s.quote;
    o["settleCurrency"] = s.quote;
    o["maxOrderQty"] = 1000000;
    o["maxPrice"] = 1000000.0;
    o["lotSize"] = std::stoll(s.lot);
    o["tickSize"] = std::stod(s.tick);
    o["indexPriceTickSize"] = 0.01;
    o["multiplier"] = std::stod(s.multiplier);
    o["initialMargin"] = 0.01;
    o["maintainMargin"] = 0.005;
    o["maxRiskLimit"] = 2000000;
    o["minRiskLimit"] = 2000000;
    o["riskStep"] = 1000000;
    o["makerFeeRate"] = 0.0002;
    o["takerFeeRate"] = 0.0006;
    o["takerFixFee"] = 0.0;
    o["makerFixFee"] = 0.0;
    o["settlementFee"] = nullptr;
    o["isDeleverage"] = true;
    o["isQuanto"] = true;
    o["isInverse"] = false;
    o["markMethod"] = "FairPrice";
    o["fairMethod"] = "FundingRate";
    o["fundingBaseSymbol"] = ".XBTINT8H";
    o["fundingQuoteSymbol"] = ".USDTINT8H";
    o["fundingRateSymbol"] = "." + s.symbol + "FPI8H";
    o["indexSymbol"] = ".K" + s.base + s.quote;
    o["settlementSymbol"] = "";
    o["status"] = "Open";
    o["fundingFeeRate"] = 0.0001;
    o["predictedFundingFeeRate"] = 0.0001;
    o["openInterest"] = "5191275";
    o["turnoverOf24h"] = 2361994501.712677;
    o["volumeOf24h"] = 56067.116;
    o["markPrice"] = std::stod(s.initial_mid);
    o["indexPrice"] = std::stod(s.initial_mid);
    o["lastTradePrice"] = std::stod(s.initial_mid);
    o["nextFundingRateTime"] = 28800000 - now_ms % 28800000;
    o["maxLeverage"] = 100;
    o["sourceExchanges"] = {"huobi", "Okex", "Binance", "Kucoin", "Poloniex", "Hitbtc"};
    o["premiumsSymbol1M"] = "." + s.symbol + "PI";
    o["premiumsSymbol8H"] = "." + s.symbol + "PI8H";
    o["fundingBaseSymbol1M"] = ".XBTINT";
    o["fundingQuoteSymbol1M"] = ".USDTINT";
    o["lowPrice"] = 38040;
    o["highPrice"] = 44948;
    o["priceChgPct"] = 0.1702;
    o["priceChg"] = 6476;
    out += o.dump();
  }
  return ok(out + "]");
}

std::string bullet_json(std::string_view token, std::string_view endpoint, int64_t ping_interval_ms,
                        int64_t ping_timeout_ms) {
  ojson server;
  server["endpoint"] = endpoint;
  server["encrypt"] = endpoint.starts_with("wss://");
  server["protocol"] = "websocket";
  server["pingInterval"] = ping_interval_ms;
  server["pingTimeout"] = ping_timeout_ms;
  ojson data;
  data["token"] = token;
  data["instanceServers"] = ojson::array({server});
  return ok(data.dump());
}

std::string spot_book_json(int64_t time_ms, uint64_t sequence, const TextLevels& bids,
                           const TextLevels& asks) {
  std::string out = "{\"time\":" + std::to_string(time_ms) + ",\"sequence\":\"" +
                    std::to_string(sequence) + "\",\"bids\":";
  append_levels(out, bids, true);
  out += ",\"asks\":";
  append_levels(out, asks, true);
  return ok(out + "}");
}

std::string futures_book_json(std::string_view symbol, uint64_t sequence, const TextLevels& bids,
                              const TextLevels& asks, int64_t ts_ns) {
  std::string out = "{\"symbol\":\"" + std::string(symbol) +
                    "\",\"sequence\":" + std::to_string(sequence) + ",\"asks\":";
  append_levels(out, asks, false);
  out += ",\"bids\":";
  append_levels(out, bids, false);
  out += ",\"ts\":" + std::to_string(ts_ns) + "}";
  return ok(out);
}

std::string rest_error_json(std::string_view code, std::string_view msg) {
  ojson o;
  o["code"] = code;
  o["msg"] = msg;
  return o.dump();
}

std::string welcome_json(std::string_view id) {
  ojson o;
  o["id"] = id;
  o["type"] = "welcome";
  return o.dump();
}

std::string ack_json(std::string_view id) {
  ojson o;
  o["id"] = id;
  o["type"] = "ack";
  return o.dump();
}

std::string pong_json(std::string_view id) {
  ojson o;
  o["id"] = id;
  o["type"] = "pong";
  return o.dump();
}

std::string ws_error_json(std::string_view id, int code, std::string_view data) {
  ojson o;
  if (!id.empty()) o["id"] = id;
  o["type"] = "error";
  o["code"] = code;
  o["data"] = data;
  return o.dump();
}

std::string spot_level2_json(std::string_view symbol, uint64_t start, uint64_t end,
                             const std::vector<TextChange>& asks,
                             const std::vector<TextChange>& bids) {
  // The recorded key order: data{sequenceStart, symbol, changes{asks, bids}, sequenceEnd},
  // subject, topic, type.
  std::string out = "{\"data\":{\"sequenceStart\":" + std::to_string(start) + ",\"symbol\":\"" +
                    std::string(symbol) + "\",\"changes\":{\"asks\":";
  append_changes(out, asks);
  out += ",\"bids\":";
  append_changes(out, bids);
  out += "},\"sequenceEnd\":" + std::to_string(end) +
         "},\"subject\":\"trade.l2update\",\"topic\":\"/market/level2:" + std::string(symbol) +
         "\",\"type\":\"message\"}";
  return out;
}

std::string futures_level2_json(std::string_view symbol, uint64_t sequence, std::string_view price,
                                bool bid, std::string_view size, int64_t time_ms) {
  // docs: {"topic","type","subject":"level2","sn","data":{"sequence","change":"p,side,s",
  // "timestamp"}}
  return "{\"topic\":\"/contractMarket/level2:" + std::string(symbol) +
         "\",\"type\":\"message\",\"subject\":\"level2\",\"sn\":" + std::to_string(sequence) +
         ",\"data\":{\"sequence\":" + std::to_string(sequence) + ",\"change\":\"" +
         std::string(price) + (bid ? ",buy," : ",sell,") + std::string(size) +
         "\",\"timestamp\":" + std::to_string(time_ms) + "}}";
}

std::string spot_match_json(std::string_view symbol, uint64_t sequence, bool taker_buys,
                            std::string_view size, std::string_view price,
                            std::string_view taker_order, int64_t time_ns,
                            std::string_view maker_order, std::string_view trade_id) {
  // The recorded trade.l3match: every value a string, `time` in nanoseconds.
  ojson data;
  data["symbol"] = symbol;
  data["sequence"] = std::to_string(sequence);
  data["side"] = taker_buys ? "buy" : "sell";
  data["size"] = size;
  data["price"] = price;
  data["takerOrderId"] = taker_order;
  data["time"] = std::to_string(time_ns);
  data["type"] = "match";
  data["makerOrderId"] = maker_order;
  data["tradeId"] = trade_id;
  ojson o;
  o["data"] = std::move(data);
  o["subject"] = "trade.l3match";
  o["topic"] = "/market/match:" + std::string(symbol);
  o["type"] = "message";
  return o.dump();
}

std::string futures_match_json(std::string_view symbol, uint64_t sequence, bool taker_buys,
                               std::string_view size, std::string_view price,
                               std::string_view taker_order, int64_t time_ns,
                               std::string_view maker_order, std::string_view trade_id) {
  // docs: subject "match"; size and matchSize in contracts, price a number, ts in nanoseconds.
  return "{\"type\":\"message\",\"topic\":\"/contractMarket/execution:" + std::string(symbol) +
         "\",\"subject\":\"match\",\"data\":{\"symbol\":\"" + std::string(symbol) +
         "\",\"sequence\":" + std::to_string(sequence) + ",\"side\":\"" +
         (taker_buys ? "buy" : "sell") + "\",\"matchSize\":" + std::string(size) +
         ",\"size\":" + std::string(size) + ",\"price\":" + std::string(price) +
         ",\"takerOrderId\":\"" + std::string(taker_order) +
         "\",\"ts\":" + std::to_string(time_ns) + ",\"makerOrderId\":\"" +
         std::string(maker_order) + "\",\"tradeId\":\"" + std::string(trade_id) + "\"}}";
}

}  // namespace astra::sim::kucoin
