#include "markets.hpp"

#include <astra/sdk/decimal.hpp>
#include <astra/sdk/json.hpp>

#include <nlohmann/json.hpp>

namespace astra::huobi {

namespace {

using json = nlohmann::json;

// A decimal text from a JSON string or number. Numbers are printed back in their shortest
// round-trip form and normalized ("1e-05" -> "0.00001"). "" when absent or bad.
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
  // A JSON number's text is not kept by the parser: drop the ".0" a double prints back.
  while (it->is_number() && d.exponent < 0 && d.mantissa % 10 == 0) {
    d.mantissa /= 10;
    ++d.exponent;
  }
  return sdk::format_decimal(d);
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

bool is_code(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

// 10^-p as text: 2 -> "0.01", 0 -> "1".
std::string step_of_precision(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || !it->is_number_unsigned()) return {};
  const uint64_t p = it->get<uint64_t>();
  if (p > 18) return {};
  return sdk::format_decimal(astra_decimal{1, -static_cast<int32_t>(p)});
}

const char* spot_status(const std::string& state) {
  if (state == "online") return "TRADING";
  if (state == "pre-online") return "PRE_TRADING";
  if (state == "offline") return "DELISTED";
  return "HALTED";  // suspend, and anything new
}

// contract_status: 0 delisting, 1 listing, 2 pending listing, 3 suspension, 4 suspending of
// listing, 5 in settlement, 6 delivering, 7 settlement completed, 8 delivered.
const char* contract_status(const json& o) {
  auto it = o.find("contract_status");
  const int64_t s = it != o.end() && it->is_number_integer() ? it->get<int64_t>() : -1;
  if (s == 1) return "TRADING";
  if (s == 2) return "PRE_TRADING";
  if (s == 0 || s == 7 || s == 8) return "DELISTED";
  return "HALTED";
}

void put(std::string& out, const char* key, const std::string& value, bool null_if_empty = true) {
  out += '"';
  out += key;
  out += "\":";
  if (value.empty() && null_if_empty)
    out += "null";
  else
    sdk::append_json_string(out, value);
  out += ',';
}

struct Fields {
  std::string symbol, venue, type, base, quote, margin, expiry, contract_size, tick, lot, min_qty,
      min_notional, status;
};

std::string market_json(const Fields& f) {
  std::string out = "{";
  put(out, "symbol", f.symbol);
  put(out, "exchange", "HUOBI");
  put(out, "venueSymbol", f.venue);
  put(out, "assetType", f.type);
  put(out, "baseAsset", f.base);
  put(out, "quoteAsset", f.quote);
  put(out, "marginAsset", f.margin);
  put(out, "expiry", f.expiry);
  out += "\"strike\":null,\"optionType\":null,";
  put(out, "contractSize", f.contract_size);
  put(out, "tickSize", f.tick);
  put(out, "lotSize", f.lot);
  put(out, "minQuantity", f.min_qty);
  put(out, "minNotional", f.min_notional);
  out += "\"status\":\"";
  out += f.status;
  out += "\"}";
  return out;
}

// "20210723" -> "210723"; "" when not a date.
std::string expiry_of(const std::string& delivery_date) {
  if (delivery_date.size() != 8) return {};
  for (char c : delivery_date)
    if (c < '0' || c > '9') return {};
  return delivery_date.substr(2);
}

bool spot_market(const json& s, Market& m) {
  Fields f;
  f.venue = string_of(s, "symbol");
  f.base = upper(string_of(s, "base-currency"));
  f.quote = upper(string_of(s, "quote-currency"));
  if (f.venue.empty() || !is_code(f.base) || !is_code(f.quote)) return false;
  f.type = "SPOT";
  f.symbol = "HUOBI-SPOT-" + f.base + "-" + f.quote;
  f.tick = step_of_precision(s, "price-precision");
  f.lot = step_of_precision(s, "amount-precision");
  if (f.tick.empty() || f.lot.empty()) return false;
  f.min_qty = decimal_text(s, "min-order-amt");
  if (f.min_qty.empty()) f.min_qty = decimal_text(s, "limit-order-min-order-amt");
  if (f.min_qty.empty()) f.min_qty = f.lot;
  f.min_notional = decimal_text(s, "min-order-value");
  f.status = spot_status(string_of(s, "state"));
  m = Market{f.symbol, f.venue, Family::spot, market_json(f)};
  return true;
}

// Contracts: quantities are whole contracts.
bool contract_market(Family family, const json& c, Market& m) {
  Fields f;
  f.venue = string_of(c, "contract_code");
  if (f.venue.empty()) return false;
  f.contract_size = decimal_text(c, "contract_size");
  f.tick = decimal_text(c, "price_tick");
  if (f.tick.empty() || f.contract_size.empty()) return false;
  f.lot = "1";
  f.min_qty = "1";
  f.status = contract_status(c);
  const std::string coin = upper(string_of(c, "symbol"));
  switch (family) {
    case Family::coin_futures:
      f.base = coin;
      f.quote = "USD";
      f.margin = coin;
      f.type = "FUT";
      f.expiry = expiry_of(string_of(c, "delivery_date"));
      if (f.expiry.empty()) return false;
      f.symbol = "HUOBI-FUT-" + f.base + "-USD-" + f.expiry + "-COINM";
      break;
    case Family::coin_swap: {
      const auto dash = f.venue.find('-');
      if (dash == std::string::npos) return false;
      f.base = upper(f.venue.substr(0, dash));
      f.quote = upper(f.venue.substr(dash + 1));
      f.margin = f.base;
      f.type = "PERP";
      f.symbol = "HUOBI-PERP-" + f.base + "-" + f.quote + "-COINM";
      break;
    }
    case Family::linear_swap: {
      std::string pair = string_of(c, "pair");
      if (pair.empty()) pair = f.venue.substr(0, f.venue.find('-', f.venue.find('-') + 1));
      const auto dash = pair.find('-');
      if (dash == std::string::npos) return false;
      f.base = upper(pair.substr(0, dash));
      f.quote = upper(pair.substr(dash + 1));
      f.margin = upper(string_of(c, "trade_partition"));
      if (f.margin.empty()) f.margin = f.quote;
      const std::string business = string_of(c, "business_type");
      if (business.empty() || business == "swap") {
        f.type = "PERP";
        f.symbol = "HUOBI-PERP-" + f.base + "-" + f.quote;
      } else if (business == "futures") {
        f.type = "FUT";
        f.expiry = expiry_of(string_of(c, "delivery_date"));
        if (f.expiry.empty()) return false;
        f.symbol = "HUOBI-FUT-" + f.base + "-" + f.quote + "-" + f.expiry;
      } else {
        return false;
      }
      break;
    }
    case Family::spot:
      return false;
  }
  if (!is_code(f.base) || !is_code(f.quote) || (!f.margin.empty() && !is_code(f.margin)))
    return false;
  m = Market{f.symbol, f.venue, family, market_json(f)};
  return true;
}

}  // namespace

bool parse_markets(Family family, std::string_view body, std::vector<Market>& out,
                   std::string& error) {
  const json doc = json::parse(body.begin(), body.end(), nullptr, false);
  if (!doc.is_object()) {
    error = "the answer is not a JSON object";
    return false;
  }
  const std::string status = string_of(doc, "status");
  if (!status.empty() && status != "ok") {
    std::string msg = string_of(doc, "err-msg");
    if (msg.empty()) msg = string_of(doc, "err_msg");
    error = "venue status " + status + (msg.empty() ? "" : ": " + msg);
    return false;
  }
  auto data = doc.find("data");
  if (data == doc.end() || !data->is_array()) {
    error = "the answer has no data array";
    return false;
  }
  for (const json& entry : *data) {
    if (!entry.is_object()) continue;
    Market m;
    const bool ok =
        family == Family::spot ? spot_market(entry, m) : contract_market(family, entry, m);
    if (ok) out.push_back(std::move(m));
  }
  return true;
}

}  // namespace astra::huobi
