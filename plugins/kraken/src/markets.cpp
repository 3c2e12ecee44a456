#include "markets.hpp"

#include "assets.hpp"

#include <astra/sdk/decimal.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>

namespace astra::kraken {

namespace {

using json = nlohmann::json;

// A decimal text from a JSON string or number (control plane only: numbers are printed back in
// their shortest round-trip form and normalized, "1e-05" -> "0.00001"). "" when absent or bad.
std::string decimal_text(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return {};
  std::string text;
  if (it->is_string())
    text = it->get<std::string>();
  else if (it->is_number())
    text = it->dump();
  else
    return {};
  astra_decimal d{};
  if (!sdk::parse_decimal(text, d) || d.mantissa < 0) return {};
  return it->is_string() ? text : sdk::format_decimal(d);
}

std::string string_of(const json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

std::string join(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out.push_back('-');
    out.append(p);
  }
  return out;
}

// AssetPairs status (newer field): online, cancel_only, post_only, limit_only, reduce_only,
// maintenance, delisted. Absent in older answers: the pair was listed, so it traded.
const char* spot_status(const std::string& s) {
  if (s.empty() || s == "online" || s == "limit_only") return "TRADING";
  if (s == "post_only") return "PRE_TRADING";  // new listings open in post-only mode
  if (s == "delisted") return "DELISTED";
  return "HALTED";
}

}  // namespace

std::string step_of_decimals(int decimals) {
  if (decimals <= 0) return "1";
  return sdk::format_decimal(astra_decimal{1, -decimals});
}

bool parse_asset_pairs(std::string_view text, std::vector<Market>& out, std::string& error) {
  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    error = "AssetPairs is not a JSON object";
    return false;
  }
  if (auto e = doc.find("error"); e != doc.end() && e->is_array() && !e->empty()) {
    error = "AssetPairs: " + e->dump();
    return false;
  }
  auto result = doc.find("result");
  if (result == doc.end() || !result->is_object()) {
    error = "AssetPairs has no result object";
    return false;
  }
  for (const auto& [key, p] : result->items()) {
    if (!p.is_object() || key.find('.') != std::string::npos) continue;  // XXBTZUSD.d
    const std::string wsname = string_of(p, "wsname");
    const auto slash = wsname.find('/');
    if (slash == std::string::npos) continue;
    const std::string ws_base = wsname.substr(0, slash), ws_quote = wsname.substr(slash + 1);
    if (!is_asset_code(ws_base) || !is_asset_code(ws_quote)) continue;
    Market m;
    m.family = Family::spot;
    m.type = "SPOT";
    m.venue_symbol = key;
    m.symbol = join({"KRAKEN", "SPOT", ws_base, ws_quote});
    m.ws_v1 = wsname;
    m.rest_pair = string_of(p, "altname");
    if (m.rest_pair.empty()) m.rest_pair = key;
    const std::string base = string_of(p, "base"), quote = string_of(p, "quote");
    m.base = common_asset(base.empty() ? ws_base : base);
    m.quote = common_asset(quote.empty() ? ws_quote : quote);
    m.ws_v2 = common_asset(ws_base) + "/" + common_asset(ws_quote);
    if (auto d = p.find("pair_decimals"); d != p.end() && d->is_number_unsigned())
      m.price_decimals = static_cast<int>(d->get<uint64_t>());
    if (auto d = p.find("lot_decimals"); d != p.end() && d->is_number_unsigned())
      m.qty_decimals = static_cast<int>(d->get<uint64_t>());
    m.tick_size = decimal_text(p, "tick_size");
    if (m.tick_size.empty() && m.price_decimals >= 0)
      m.tick_size = step_of_decimals(m.price_decimals);
    if (m.qty_decimals >= 0) m.lot_size = step_of_decimals(m.qty_decimals);
    m.min_quantity = decimal_text(p, "ordermin");
    if (m.min_quantity.empty()) m.min_quantity = m.lot_size;
    m.min_notional = decimal_text(p, "costmin");
    m.venue_status = string_of(p, "status");
    m.status = spot_status(m.venue_status);
    if (m.tick_size.empty() || m.lot_size.empty()) continue;  // cannot describe it
    out.push_back(std::move(m));
  }
  return true;
}

namespace {

// "2021-09-24T15:00:00.000Z" -> "210924".
std::string yymmdd_of_iso(const std::string& t) {
  if (t.size() < 10 || t[4] != '-' || t[7] != '-') return {};
  std::string out = t.substr(2, 2) + t.substr(5, 2) + t.substr(8, 2);
  for (char c : out)
    if (c < '0' || c > '9') return {};
  return out;
}

// "XBTUSD" -> {"XBT", "USD"}; false when no known quote ends it.
bool split_pair(const std::string& pair, std::string& base, std::string& quote) {
  for (const char* q : {"USDT", "USDC", "USD", "EUR", "GBP"}) {
    const std::string_view qs(q);
    if (pair.size() > qs.size() && pair.compare(pair.size() - qs.size(), qs.size(), qs) == 0) {
      base = pair.substr(0, pair.size() - qs.size());
      quote = std::string(qs);
      return is_asset_code(base);
    }
  }
  return false;
}

}  // namespace

bool parse_futures_instruments(std::string_view text, std::vector<Market>& out,
                               std::string& error) {
  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    error = "instruments is not a JSON object";
    return false;
  }
  if (string_of(doc, "result") == "error") {
    error = "instruments: " + string_of(doc, "error");
    return false;
  }
  auto list = doc.find("instruments");
  if (list == doc.end() || !list->is_array()) {
    error = "instruments has no instruments array";
    return false;
  }
  for (const json& i : *list) {
    if (!i.is_object()) continue;
    const std::string symbol = upper(string_of(i, "symbol"));
    if (symbol.size() < 4 || symbol[2] != '_') continue;
    const std::string prefix = symbol.substr(0, 3);
    const bool perp = prefix == "PF_" || prefix == "PI_";
    const bool future = prefix == "FF_" || prefix == "FI_";
    if (!perp && !future) continue;  // in_ / rr_ index rows
    const bool inverse = prefix == "PI_" || prefix == "FI_";
    std::string rest = symbol.substr(3), suffix;
    if (const auto us = rest.find('_'); us != std::string::npos) {
      suffix = rest.substr(us + 1);
      rest = rest.substr(0, us);
    }
    Market m;
    if (!split_pair(rest, m.base, m.quote)) continue;
    const std::string venue_base = m.base;
    m.family = Family::futures;
    m.venue_symbol = symbol;
    m.ws_v1 = symbol;
    m.base = common_asset(venue_base);
    m.quote = common_asset(m.quote);
    m.type = perp ? "PERP" : "FUT";
    if (future) {
      m.expiry = yymmdd_of_iso(string_of(i, "lastTradingTime"));
      if (m.expiry.empty() && suffix.size() == 6) m.expiry = suffix;
      if (m.expiry.empty()) continue;
    }
    m.symbol = join({"KRAKEN", m.type, venue_base, m.quote, m.expiry, inverse ? "COINM" : ""});
    m.margin = inverse ? m.base : m.quote;
    m.contract_size = decimal_text(i, "contractSize");
    m.tick_size = decimal_text(i, "tickSize");
    // contractValueTradePrecision (newer field): decimals of the order size; absent: whole
    // contracts (the inverse contracts of the 2021 listing).
    int size_decimals = 0;
    if (auto p = i.find("contractValueTradePrecision"); p != i.end() && p->is_number_integer())
      size_decimals = p->get<int>();
    m.lot_size = size_decimals >= 0 ? step_of_decimals(size_decimals)
                                    : sdk::format_decimal(astra_decimal{1, -size_decimals});
    m.min_quantity = m.lot_size;
    const bool tradeable = i.value("tradeable", false);
    m.venue_status = tradeable ? "tradeable" : "not tradeable";
    m.status = tradeable ? "TRADING" : "HALTED";
    if (m.tick_size.empty()) continue;
    out.push_back(std::move(m));
  }
  return true;
}

std::string markets_json(const std::vector<const Market*>& markets) {
  auto or_null = [](const std::string& v) { return v.empty() ? json(nullptr) : json(v); };
  json arr = json::array();
  for (const Market* m : markets) {
    json o = {{"symbol", m->symbol},
              {"exchange", "KRAKEN"},
              {"venueSymbol", m->venue_symbol},
              {"assetType", m->type},
              {"baseAsset", m->base},
              {"quoteAsset", m->quote},
              {"marginAsset", m->type == "SPOT" ? json(nullptr) : or_null(m->margin)},
              {"expiry", or_null(m->expiry)},
              {"strike", nullptr},
              {"optionType", nullptr},
              {"contractSize", m->type == "SPOT" ? json(nullptr) : or_null(m->contract_size)},
              {"tickSize", m->tick_size},
              {"lotSize", m->lot_size},
              {"minQuantity", m->min_quantity},
              {"minNotional", or_null(m->min_notional)},
              {"status", m->status},
              {"venueStatus", m->venue_status}};
    if (m->family == Family::spot) o["streamSymbols"] = json::array({m->ws_v1, m->ws_v2});
    arr.push_back(std::move(o));
  }
  return arr.dump();
}

}  // namespace astra::kraken
