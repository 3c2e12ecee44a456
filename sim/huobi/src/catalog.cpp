#include "catalog.hpp"

namespace astra::sim::huobi {

namespace {

const std::vector<InstrumentSpec>& catalog() {
  static const std::vector<InstrumentSpec> specs = {
      {Family::spot, "btcusdt", "0.01", "0.000001", "", "57000.00", 1000,
       R"({"base-currency":"btc","quote-currency":"usdt","price-precision":2,"amount-precision":6,)"
       R"("symbol-partition":"main","symbol":"btcusdt","state":"online","value-precision":8,)"
       R"("min-order-amt":0.0001,"max-order-amt":1000,"min-order-value":5,)"
       R"("limit-order-min-order-amt":0.0001,"limit-order-max-order-amt":1000,)"
       R"("limit-order-max-buy-amt":1000,"limit-order-max-sell-amt":1000,)"
       R"("sell-market-min-order-amt":0.0001,"sell-market-max-order-amt":100,)"
       R"("buy-market-max-order-value":1000000,"leverage-ratio":5,)"
       R"("super-margin-leverage-ratio":3,"funding-leverage-ratio":3,"api-trading":"enabled",)"
       R"("tags":"activities"})"},
      {Family::spot, "ethusdt", "0.01", "0.0001", "", "3500.00", 10,
       R"({"base-currency":"eth","quote-currency":"usdt","price-precision":2,"amount-precision":4,)"
       R"("symbol-partition":"main","symbol":"ethusdt","state":"online","value-precision":8,)"
       R"("min-order-amt":0.001,"max-order-amt":10000,"min-order-value":5,)"
       R"("limit-order-min-order-amt":0.001,"limit-order-max-order-amt":10000,)"
       R"("limit-order-max-buy-amt":10000,"limit-order-max-sell-amt":10000,)"
       R"("sell-market-min-order-amt":0.001,"sell-market-max-order-amt":1000,)"
       R"("buy-market-max-order-value":1000000,"leverage-ratio":5,)"
       R"("super-margin-leverage-ratio":3,"api-trading":"enabled","tags":""})"},
      {Family::linear_swap, "BTC-USDT", "0.1", "1", "0.001", "40000.0", 1,
       R"({"symbol":"BTC","contract_code":"BTC-USDT","contract_size":0.001000000000000000,)"
       R"("price_tick":0.100000000000000000,"delivery_date":"","delivery_time":"",)"
       R"("create_date":"20201021","contract_status":1,"settlement_date":"1645315200000",)"
       R"("support_margin_mode":"all","business_type":"swap","pair":"BTC-USDT",)"
       R"("contract_type":"swap","trade_partition":"USDT"})"},
      {Family::coin_swap, "BTC-USD", "0.1", "1", "100", "40000.0", 1,
       R"({"symbol":"BTC","contract_code":"BTC-USD","contract_size":100.000000000000000000,)"
       R"("price_tick":0.100000000000000000,"delivery_time":"","create_date":"20200325",)"
       R"("contract_status":1,"settlement_date":"1645315200000"})"},
  };
  return specs;
}

}  // namespace

std::optional<InstrumentSpec> find_instrument(std::string_view symbol) {
  for (const auto& s : catalog())
    if (s.symbol == symbol) return s;
  return std::nullopt;
}

std::vector<std::string> known_instruments() {
  std::vector<std::string> out;
  for (const auto& s : catalog())
    out.push_back(s.symbol);
  return out;
}

}  // namespace astra::sim::huobi
