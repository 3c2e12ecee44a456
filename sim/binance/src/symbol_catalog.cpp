#include "symbol_catalog.hpp"

namespace astra::sim::binance {

namespace {

const std::vector<SymbolSpec>& catalog() {
  // symbol, base, quote, tick, minPrice, maxPrice, step, minQty, maxQty, minNotional,
  // market maxQty, margin, initial mid, order lots
  static const std::vector<SymbolSpec> specs = {
      {"BTCUSDT", "BTC", "USDT", "0.01000000", "0.01000000", "1000000.00000000", "0.00001000",
       "0.00001000", "9000.00000000", "10.00000000", "100.05381873", true, "57000.00", 100},
      // ETHUSDT is not in the recording; its rules here follow the same pattern as BTCUSDT.
      {"ETHUSDT", "ETH", "USDT", "0.01000000", "0.01000000", "1000000.00000000", "0.00010000",
       "0.00010000", "9000.00000000", "10.00000000", "1000.00000000", true, "3500.00", 100},
      {"ETHBTC", "ETH", "BTC", "0.00000100", "0.00000100", "922327.00000000", "0.00010000",
       "0.00010000", "100000.00000000", "0.00010000", "873.90727776", true, "0.061500", 100},
      {"NKNUSDT", "NKN", "USDT", "0.00010000", "0.00010000", "1000.00000000", "1.00000000",
       "1.00000000", "9000000.00000000", "10.00000000", "691026.07991660", true, "0.3525", 50},
      {"LRCBTC", "LRC", "BTC", "0.00000001", "0.00000001", "1000.00000000", "1.00000000",
       "1.00000000", "90000000.00000000", "0.00010000", "361723.84572619", true, "0.00000640", 50},
      {"BLZETH", "BLZ", "ETH", "0.00000001", "0.00000001", "1000.00000000", "1.00000000",
       "1.00000000", "90000000.00000000", "0.00500000", "262095.44475330", false, "0.00006200", 50},
      {"RUNEEUR", "RUNE", "EUR", "0.00100000", "0.00100000", "10000.00000000", "0.10000000",
       "0.10000000", "9222449.00000000", "10.00000000", "9053.11035441", false, "8.500", 10},
  };
  return specs;
}

}  // namespace

std::optional<SymbolSpec> find_spot_symbol(std::string_view symbol) {
  for (const auto& s : catalog())
    if (s.symbol == symbol) return s;
  return load_symbol(symbol);
}

std::optional<SymbolSpec> load_symbol(std::string_view symbol) {
  // "LD" + two letters + "USDT": 676 made-up symbols with NKNUSDT's rules.
  auto letter = [](char c) { return c >= 'A' && c <= 'Z'; };
  if (symbol.size() != 8 || symbol.substr(0, 2) != "LD" || !letter(symbol[2]) ||
      !letter(symbol[3]) || symbol.substr(4) != "USDT")
    return std::nullopt;
  SymbolSpec spec = catalog()[3];  // NKNUSDT
  spec.symbol = std::string(symbol);
  spec.base = std::string(symbol.substr(0, 4));
  return spec;
}

std::vector<std::string> known_spot_symbols() {
  std::vector<std::string> out;
  for (const auto& s : catalog())
    out.push_back(s.symbol);
  return out;
}

}  // namespace astra::sim::binance
