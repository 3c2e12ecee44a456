#include "catalog.hpp"

namespace astra::sim::kucoin {

namespace {

const std::vector<InstrumentSpec>& catalog() {
  // family, symbol, base, quote, tick, lot, min size, min funds, multiplier, mid, order lots
  static const std::vector<InstrumentSpec> specs = {
      {Family::spot, "BTC-USDT", "BTC", "USDT", "0.1", "0.00000001", "0.00001", "0.1", "",
       "57000.0", 100000},
      {Family::spot, "ETH-USDT", "ETH", "USDT", "0.01", "0.0000001", "0.0001", "0.1", "", "3500.00",
       100000},
      {Family::futures, "XBTUSDTM", "XBT", "USDT", "0.1", "1", "1", "", "0.001", "57000.0", 1},
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

}  // namespace astra::sim::kucoin
