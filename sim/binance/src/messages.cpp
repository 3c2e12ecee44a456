#include "messages.hpp"

#include <nlohmann/json.hpp>

namespace astra::sim::binance {

using ojson = nlohmann::ordered_json;

namespace {

ojson levels_json(const TextLevels& levels) {
  ojson out = ojson::array();
  for (const auto& [price, qty] : levels)
    out.push_back(ojson::array({price, qty}));
  return out;
}

ojson symbol_json(const SymbolSpec& s) {
  ojson j;
  j["symbol"] = s.symbol;
  j["status"] = "TRADING";
  j["baseAsset"] = s.base;
  j["baseAssetPrecision"] = kSpotDigits;
  j["quoteAsset"] = s.quote;
  j["quotePrecision"] = kSpotDigits;
  j["quoteAssetPrecision"] = kSpotDigits;
  j["baseCommissionPrecision"] = kSpotDigits;
  j["quoteCommissionPrecision"] = kSpotDigits;
  j["orderTypes"] = {"LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"};
  j["icebergAllowed"] = true;
  j["ocoAllowed"] = true;
  j["quoteOrderQtyMarketAllowed"] = true;
  j["isSpotTradingAllowed"] = true;
  j["isMarginTradingAllowed"] = s.margin;
  ojson filters = ojson::array();
  filters.push_back({{"filterType", "PRICE_FILTER"},
                     {"minPrice", s.min_price},
                     {"maxPrice", s.max_price},
                     {"tickSize", s.tick_size}});
  filters.push_back({{"filterType", "PERCENT_PRICE"},
                     {"multiplierUp", "5"},
                     {"multiplierDown", "0.2"},
                     {"avgPriceMins", 5}});
  filters.push_back({{"filterType", "LOT_SIZE"},
                     {"minQty", s.min_qty},
                     {"maxQty", s.max_qty},
                     {"stepSize", s.step_size}});
  filters.push_back({{"filterType", "MIN_NOTIONAL"},
                     {"minNotional", s.min_notional},
                     {"applyToMarket", true},
                     {"avgPriceMins", 5}});
  filters.push_back({{"filterType", "ICEBERG_PARTS"}, {"limit", 10}});
  filters.push_back({{"filterType", "MARKET_LOT_SIZE"},
                     {"minQty", "0.00000000"},
                     {"maxQty", s.market_max_qty},
                     {"stepSize", "0.00000000"}});
  filters.push_back({{"filterType", "MAX_NUM_ORDERS"}, {"maxNumOrders", 200}});
  filters.push_back({{"filterType", "MAX_NUM_ALGO_ORDERS"}, {"maxNumAlgoOrders", 5}});
  j["filters"] = std::move(filters);
  j["permissions"] = s.margin ? ojson{"SPOT", "MARGIN"} : ojson{"SPOT"};
  return j;
}

ojson rate_limit(const char* type, const char* interval, int num, int limit) {
  return {{"rateLimitType", type}, {"interval", interval}, {"intervalNum", num}, {"limit", limit}};
}

}  // namespace

std::string exchange_info_json(const std::vector<SymbolSpec>& symbols, int64_t server_time_ms,
                               int weight_limit) {
  ojson j;
  j["timezone"] = "UTC";
  j["serverTime"] = server_time_ms;
  j["rateLimits"] = {rate_limit("REQUEST_WEIGHT", "MINUTE", 1, weight_limit),
                     rate_limit("ORDERS", "SECOND", 10, 50), rate_limit("ORDERS", "DAY", 1, 160000),
                     rate_limit("RAW_REQUESTS", "MINUTE", 5, 6100)};
  j["exchangeFilters"] = ojson::array();
  ojson list = ojson::array();
  for (const auto& s : symbols)
    list.push_back(symbol_json(s));
  j["symbols"] = std::move(list);
  return j.dump();
}

std::string depth_json(uint64_t last_update_id, const TextLevels& bids, const TextLevels& asks) {
  ojson j;
  j["lastUpdateId"] = last_update_id;
  j["bids"] = levels_json(bids);
  j["asks"] = levels_json(asks);
  return j.dump();
}

std::string error_json(int code, std::string_view msg) {
  ojson j;
  j["code"] = code;
  j["msg"] = msg;
  return j.dump();
}

std::string depth_update_json(int64_t event_time, std::string_view symbol, uint64_t first_id,
                              uint64_t last_id, const TextLevels& bids, const TextLevels& asks) {
  ojson j;
  j["e"] = "depthUpdate";
  j["E"] = event_time;
  j["s"] = symbol;
  j["U"] = first_id;
  j["u"] = last_id;
  j["b"] = levels_json(bids);
  j["a"] = levels_json(asks);
  return j.dump();
}

std::string agg_trade_json(int64_t event_time, std::string_view symbol, uint64_t agg_id,
                           std::string_view price, std::string_view qty, uint64_t first_trade,
                           uint64_t last_trade, int64_t trade_time, bool buyer_is_maker) {
  ojson j;
  j["e"] = "aggTrade";
  j["E"] = event_time;
  j["s"] = symbol;
  j["a"] = agg_id;
  j["p"] = price;
  j["q"] = qty;
  j["f"] = first_trade;
  j["l"] = last_trade;
  j["T"] = trade_time;
  j["m"] = buyer_is_maker;
  j["M"] = true;
  return j.dump();
}

std::string trade_json(int64_t event_time, std::string_view symbol, uint64_t trade_id,
                       std::string_view price, std::string_view qty, int64_t trade_time,
                       bool buyer_is_maker) {
  ojson j;
  j["e"] = "trade";
  j["E"] = event_time;
  j["s"] = symbol;
  j["t"] = trade_id;
  j["p"] = price;
  j["q"] = qty;
  j["T"] = trade_time;
  j["m"] = buyer_is_maker;
  j["M"] = true;
  return j.dump();
}

std::string wrap_combined(std::string_view stream, std::string_view payload) {
  std::string out;
  out.reserve(stream.size() + payload.size() + 24);
  out += "{\"stream\":\"";
  out += stream;  // stream names are [a-z0-9@_] and need no escaping
  out += "\",\"data\":";
  out += payload;
  out += '}';
  return out;
}

}  // namespace astra::sim::binance
