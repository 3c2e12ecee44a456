#include "messages.hpp"

#include <nlohmann/json.hpp>

namespace astra::sim::okx {

namespace {

using ojson = nlohmann::ordered_json;

ojson instrument_json(const InstrumentSpec& s) {
  const bool spot = s.inst_type == "SPOT";
  ojson o;
  o["alias"] = "";
  o["baseCcy"] = s.base_ccy;
  o["category"] = "1";
  o["ctMult"] = s.ct_mult;
  o["ctType"] = s.ct_type;
  o["ctVal"] = s.ct_val;
  o["ctValCcy"] = s.ct_val_ccy;
  o["expTime"] = "";
  o["instId"] = s.inst_id;
  o["instType"] = s.inst_type;
  o["lever"] = s.lever;
  o["listTime"] = s.list_time;
  o["lotSz"] = s.lot_sz;
  o["maxIcebergSz"] = s.max_lmt_sz;
  o["maxLmtSz"] = s.max_lmt_sz;
  o["maxMktSz"] = s.max_mkt_sz;
  o["maxStopSz"] = s.max_mkt_sz;
  o["maxTriggerSz"] = s.max_lmt_sz;
  o["maxTwapSz"] = s.max_lmt_sz;
  o["minSz"] = s.min_sz;
  o["optType"] = "";
  o["quoteCcy"] = s.quote_ccy;
  o["settleCcy"] = spot ? "" : s.settle_ccy;
  o["state"] = "live";
  o["stk"] = "";
  o["tickSz"] = s.tick_sz;
  o["uly"] = s.uly;
  return o;
}

// The simulator does not model order counts per level: a live level says "1" order, a removed
// one "0" (as OKX sends for a removal).
ojson levels_json(const TextLevels& levels) {
  ojson out = ojson::array();
  for (const auto& [px, sz] : levels)
    out.push_back(ojson::array({px, sz, "0", sz == "0" ? "0" : "1"}));
  return out;
}

}  // namespace

std::string instruments_json(const std::vector<InstrumentSpec>& instruments) {
  ojson o;
  o["code"] = "0";
  o["data"] = ojson::array();
  for (const auto& s : instruments)
    o["data"].push_back(instrument_json(s));
  o["msg"] = "";
  return o.dump();
}

std::string rest_books_json(const TextLevels& bids, const TextLevels& asks, int64_t ts_ms,
                            int64_t seq_id) {
  ojson d;
  d["asks"] = levels_json(asks);
  d["bids"] = levels_json(bids);
  d["ts"] = std::to_string(ts_ms);
  d["seqId"] = seq_id;
  ojson o;
  o["code"] = "0";
  o["data"] = ojson::array({d});
  o["msg"] = "";
  return o.dump();
}

std::string rest_error_json(std::string_view code, std::string_view msg) {
  ojson o;
  o["code"] = code;
  o["data"] = ojson::array();
  o["msg"] = msg;
  return o.dump();
}

std::string books_push_json(const BooksPush& p) {
  ojson d;
  d["asks"] = levels_json(*p.asks);
  d["bids"] = levels_json(*p.bids);
  d["ts"] = std::to_string(p.ts_ms);
  d["checksum"] = p.checksum;
  d["prevSeqId"] = p.prev_seq_id;
  d["seqId"] = p.seq_id;
  ojson o;
  o["arg"] = {{"channel", "books"}, {"instId", p.inst_id}};
  o["action"] = p.snapshot ? "snapshot" : "update";
  o["data"] = ojson::array({d});
  return o.dump();
}

std::string trade_push_json(std::string_view inst_id, std::string_view trade_id,
                            std::string_view px, std::string_view sz, std::string_view side,
                            int64_t ts_ms) {
  ojson d;
  d["instId"] = inst_id;
  d["tradeId"] = trade_id;
  d["px"] = px;
  d["sz"] = sz;
  d["side"] = side;
  d["ts"] = std::to_string(ts_ms);
  ojson o;
  o["arg"] = {{"channel", "trades"}, {"instId", inst_id}};
  o["data"] = ojson::array({d});
  return o.dump();
}

std::string event_json(std::string_view event, std::string_view channel, std::string_view inst_id) {
  ojson o;
  o["event"] = event;
  o["arg"] = {{"channel", channel}, {"instId", inst_id}};
  return o.dump();
}

std::string ws_error_json(std::string_view code, std::string_view msg) {
  ojson o;
  o["event"] = "error";
  o["code"] = code;
  o["msg"] = msg;
  return o.dump();
}

}  // namespace astra::sim::okx
