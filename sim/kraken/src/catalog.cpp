#include "catalog.hpp"

#include <cctype>

namespace astra::sim::kraken {

namespace {

const std::vector<Instrument>& catalog() {
  static const std::vector<Instrument> rows = [] {
    std::vector<Instrument> r;
    Instrument xbt;
    xbt.family = Family::spot;
    xbt.key = "XXBTZUSD";
    xbt.wsname = "XBT/USD";
    xbt.v2_name = "BTC/USD";
    xbt.altname = "XBTUSD";
    xbt.base = "XXBT";
    xbt.quote = "ZUSD";
    xbt.price_decimals = 1;
    xbt.qty_decimals = 8;
    xbt.ordermin = "0.0002";
    xbt.tick_size = "0.1";
    xbt.lot = "0.00000001";
    xbt.initial_mid = "57000.0";
    xbt.order_lots = 100000;  // 0.001 BTC
    r.push_back(xbt);

    Instrument eth = xbt;
    eth.key = "XETHZUSD";
    eth.wsname = "ETH/USD";
    eth.v2_name = "ETH/USD";
    eth.altname = "ETHUSD";
    eth.base = "XETH";
    eth.price_decimals = 2;
    eth.ordermin = "0.005";
    eth.tick_size = "0.01";
    eth.initial_mid = "3500.00";
    eth.order_lots = 1000000;  // 0.01 ETH
    r.push_back(eth);

    Instrument pi;
    pi.family = Family::futures;
    pi.key = pi.wsname = "PI_XBTUSD";
    pi.type = "futures_inverse";
    pi.underlying = "rr_xbtusd";
    pi.tick_size = "0.5";
    pi.lot = "1";  // whole USD contracts
    pi.isin = "GB00J62YGL67";
    pi.initial_mid = "57000.0";
    pi.order_lots = 100;
    r.push_back(pi);

    Instrument pf = pi;
    pf.key = pf.wsname = "PF_XBTUSD";
    pf.type = "flexible_futures";
    pf.tick_size = "1";
    pf.lot = "0.0001";
    pf.trade_precision = 4;
    pf.isin = "";
    pf.initial_mid = "57000";
    pf.order_lots = 10;  // 0.001 BTC
    r.push_back(pf);
    return r;
  }();
  return rows;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<Instrument> find_instrument(std::string_view name) {
  const std::string u = upper(name);
  for (const auto& i : catalog())
    if (u == i.key || u == i.wsname || (!i.v2_name.empty() && u == i.v2_name) ||
        (!i.altname.empty() && u == i.altname))
      return i;
  return std::nullopt;
}

std::vector<Asset> known_assets() {
  // Decimals as Kraken lists them (the example in ccxt's kraken.fetchCurrencies and Kraken's
  // get-asset-info docs; no recorded Assets body is in shared/).
  return {{"XXBT", "XBT", 10, 5}, {"XETH", "ETH", 10, 5}, {"ZUSD", "USD", 4, 2}};
}

std::vector<std::string> known_instruments() {
  std::vector<std::string> out;
  for (const auto& i : catalog())
    out.push_back(i.wsname);
  return out;
}

}  // namespace astra::sim::kraken
