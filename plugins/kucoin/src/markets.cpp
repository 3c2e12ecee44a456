#include "markets.hpp"

#include <astra/sdk/decimal.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>

namespace astra::kucoin {

namespace {

using json = nlohmann::json;

// A decimal text from a JSON string or number (control plane only: numbers are printed back in
// their shortest round-trip form and normalized, "1e-05" -> "0.00001"). "" when absent or bad.
std::string decimal_text(const json& o, const char* key, bool absolute = false) {
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
  if (!sdk::parse_decimal(text, d)) return {};
  // Inverse contracts carry a negative multiplier (-1: one contract is 1 USD).
  if (absolute && d.mantissa < 0) d.mantissa = -d.mantissa;
  if (d.mantissa < 0) return {};
  if (it->is_string() && !absolute) return text;
  // A JSON number has no significant trailing zeros: 1.0 -> "1".
  while (d.exponent < 0 && d.mantissa % 10 == 0) {
    d.mantissa /= 10;
    ++d.exponent;
  }
  return sdk::format_decimal(d);
}

std::string string_of(const json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool is_code(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

// The `data` array of a KuCoin envelope {"code":"200000","data":[...]}.
const json* data_array(const json& doc, std::string& error) {
  if (!doc.is_object()) {
    error = "not a JSON object";
    return nullptr;
  }
  const std::string code = string_of(doc, "code");
  if (code != "200000") {
    error = "KuCoin error " + code + ": " + string_of(doc, "msg");
    return nullptr;
  }
  auto it = doc.find("data");
  if (it == doc.end() || !it->is_array()) {
    error = "no data array";
    return nullptr;
  }
  return &*it;
}

// Futures status: Init, Open, BeingSettled, Settled, Paused, Closed, CancelOnly.
const char* futures_status(const std::string& s) {
  if (s == "Open") return "TRADING";
  if (s == "Init") return "PRE_TRADING";
  if (s == "Paused" || s == "CancelOnly") return "HALTED";
  return "DELISTED";
}

}  // namespace

std::string abstract_asset(std::string_view code) {
  return code == "XBT" ? std::string("BTC") : std::string(code);
}

std::string yymmdd_of_us(int64_t us) {
  // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
  int64_t z = us / 86'400'000'000 + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = int64_t(yoe) + era * 400 + (m <= 2);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02u%02u%02u", unsigned(y % 100), m, d);
  return buf;
}

bool parse_spot_symbols(std::string_view text, std::vector<Market>& out, std::string& error) {
  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  const json* data = data_array(doc, error);
  if (!data) return false;
  for (const json& s : *data) {
    if (!s.is_object()) continue;
    Market m;
    m.family = Family::spot;
    m.type = "SPOT";
    m.venue_symbol = string_of(s, "symbol");
    const std::string base = string_of(s, "baseCurrency");
    const std::string quote = string_of(s, "quoteCurrency");
    if (!is_code(base) || !is_code(quote) || m.venue_symbol.empty()) continue;
    m.symbol = "KUCOIN-SPOT-" + base + "-" + quote;
    m.base = abstract_asset(base);
    m.quote = abstract_asset(quote);
    m.tick_size = decimal_text(s, "priceIncrement");
    m.lot_size = decimal_text(s, "baseIncrement");
    m.min_quantity = decimal_text(s, "baseMinSize");
    m.min_notional = decimal_text(s, "minFunds");
    if (m.min_notional.empty()) m.min_notional = decimal_text(s, "quoteMinSize");
    if (m.tick_size.empty() || m.lot_size.empty()) continue;
    if (m.min_quantity.empty()) m.min_quantity = m.lot_size;
    auto trading = s.find("enableTrading");
    const bool on = trading != s.end() && trading->is_boolean() && trading->get<bool>();
    m.status = on ? "TRADING" : "HALTED";
    m.venue_status = on ? "enableTrading" : "disabled";
    out.push_back(std::move(m));
  }
  return true;
}

bool parse_contracts(std::string_view text, std::vector<Market>& out, std::string& error) {
  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  const json* data = data_array(doc, error);
  if (!data) return false;
  for (const json& c : *data) {
    if (!c.is_object()) continue;
    Market m;
    m.family = Family::futures;
    m.venue_symbol = string_of(c, "symbol");
    const std::string base = string_of(c, "baseCurrency");
    const std::string quote = string_of(c, "quoteCurrency");
    const std::string settle = string_of(c, "settleCurrency");
    if (!is_code(base) || !is_code(quote) || m.venue_symbol.empty()) continue;
    auto inv = c.find("isInverse");
    const bool inverse = inv != c.end() && inv->is_boolean() && inv->get<bool>();
    auto exp = c.find("expireDate");
    const bool dated = exp != c.end() && exp->is_number_integer() && exp->get<int64_t>() > 0;
    m.type = dated ? "FUT" : "PERP";
    if (dated) m.expiry = yymmdd_of_us(exp->get<int64_t>() * 1000);
    m.symbol = "KUCOIN-" + m.type + "-" + base + "-" + quote;
    if (dated) m.symbol += "-" + m.expiry;
    if (inverse) m.symbol += "-COINM";
    m.base = abstract_asset(base);
    m.quote = abstract_asset(quote);
    m.margin = abstract_asset(settle.empty() ? (inverse ? base : quote) : settle);
    m.contract_size = decimal_text(c, "multiplier", true);
    m.tick_size = decimal_text(c, "tickSize");
    m.lot_size = decimal_text(c, "lotSize");  // in contracts
    m.min_quantity = m.lot_size;
    if (m.tick_size.empty() || m.lot_size.empty()) continue;
    m.venue_status = string_of(c, "status");
    m.status = futures_status(m.venue_status);
    out.push_back(std::move(m));
  }
  return true;
}

std::string markets_json(const std::vector<const Market*>& markets) {
  auto or_null = [](const std::string& v) { return v.empty() ? json(nullptr) : json(v); };
  json arr = json::array();
  for (const Market* m : markets) {
    const bool spot = m->type == "SPOT";
    arr.push_back({{"symbol", m->symbol},
                   {"exchange", "KUCOIN"},
                   {"venueSymbol", m->venue_symbol},
                   {"assetType", m->type},
                   {"baseAsset", m->base},
                   {"quoteAsset", m->quote},
                   {"marginAsset", spot ? json(nullptr) : or_null(m->margin)},
                   {"expiry", or_null(m->expiry)},
                   {"strike", nullptr},
                   {"optionType", nullptr},
                   {"contractSize", spot ? json(nullptr) : or_null(m->contract_size)},
                   {"tickSize", m->tick_size},
                   {"lotSize", m->lot_size},
                   {"minQuantity", m->min_quantity},
                   {"minNotional", or_null(m->min_notional)},
                   {"status", m->status},
                   {"venueStatus", m->venue_status}});
  }
  return arr.dump();
}

}  // namespace astra::kucoin
