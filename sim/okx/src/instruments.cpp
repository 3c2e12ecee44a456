#include "instruments.hpp"

namespace astra::sim::okx {

namespace {

std::vector<InstrumentSpec> catalog() {
  std::vector<InstrumentSpec> out;
  InstrumentSpec s;
  // SPOT
  s = {};
  s.inst_id = "BTC-USDT";
  s.inst_type = "SPOT";
  s.base_ccy = "BTC";
  s.quote_ccy = "USDT";
  s.lever = "10";
  s.list_time = "1548133413000";
  s.tick_sz = "0.1";
  s.lot_sz = "0.00000001";
  s.min_sz = "0.00001";
  s.max_lmt_sz = "9999999999";
  s.max_mkt_sz = "1000000";
  s.initial_mid = "30240";
  s.order_lots = 10000;  // 0.0001 BTC
  out.push_back(s);
  s = {};
  s.inst_id = "ETH-USDT";
  s.inst_type = "SPOT";
  s.base_ccy = "ETH";
  s.quote_ccy = "USDT";
  s.lever = "10";
  s.list_time = "1548133413000";
  s.tick_sz = "0.01";
  s.lot_sz = "0.000001";
  s.min_sz = "0.001";
  s.max_lmt_sz = "999999999999";
  s.max_mkt_sz = "1000000";
  s.initial_mid = "2050";
  s.order_lots = 1000;  // 0.001 ETH
  out.push_back(s);
  // SWAP (linear, sizes in contracts)
  s = {};
  s.inst_id = "BTC-USDT-SWAP";
  s.inst_type = "SWAP";
  s.settle_ccy = "USDT";
  s.ct_type = "linear";
  s.ct_val = "0.01";
  s.ct_val_ccy = "BTC";
  s.ct_mult = "1";
  s.uly = "BTC-USDT";
  s.lever = "125";
  s.list_time = "1611916828000";
  s.tick_sz = "0.1";
  s.lot_sz = "1";
  s.min_sz = "1";
  s.max_lmt_sz = "100000000";
  s.max_mkt_sz = "1600";
  s.initial_mid = "30250";
  out.push_back(s);
  s = {};
  s.inst_id = "ETH-USDT-SWAP";
  s.inst_type = "SWAP";
  s.settle_ccy = "USDT";
  s.ct_type = "linear";
  s.ct_val = "0.1";
  s.ct_val_ccy = "ETH";
  s.ct_mult = "1";
  s.uly = "ETH-USDT";
  s.lever = "125";
  s.list_time = "1611916828000";
  s.tick_sz = "0.01";
  s.lot_sz = "1";
  s.min_sz = "1";
  s.max_lmt_sz = "100000000";
  s.max_mkt_sz = "4500";
  s.initial_mid = "2051";
  out.push_back(s);
  return out;
}

}  // namespace

std::optional<InstrumentSpec> find_instrument(std::string_view inst_id) {
  for (auto& s : catalog())
    if (s.inst_id == inst_id) return s;
  return std::nullopt;
}

std::vector<std::string> known_instruments() {
  std::vector<std::string> out;
  for (const auto& s : catalog())
    out.push_back(s.inst_id);
  return out;
}

}  // namespace astra::sim::okx
