#include "markets.hpp"

#include <astra/sdk/decimal.hpp>

#include <nlohmann/json.hpp>

namespace astra::coinbase {

namespace {

using json = nlohmann::json;

// A non-negative decimal text from a JSON string or number; "" when absent or bad.
std::string decimal_text(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || !(it->is_string() || it->is_number())) return {};
  const std::string text = it->is_string() ? it->get<std::string>() : it->dump();
  astra_decimal d{};
  if (!sdk::parse_decimal(text, d) || d.mantissa < 0) return {};
  return it->is_string() ? text : sdk::format_decimal(d);
}

std::string string_of(const json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool flag(const json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_boolean() && it->get<bool>();
}

bool is_code(const std::string& s) {
  if (s.empty() || s.size() > 20) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

std::string upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

// Status words of both APIs: "online", "offline", "internal", "delisted"; flags override.
// Advanced Trade sends futures with an empty status (recorded FCM and INTX products, ccxt
// coinbase.ts): for them the flags alone decide.
const char* status_of(const json& p) {
  const std::string s = string_of(p, "status");
  if (s == "delisted") return "DELISTED";
  if (flag(p, "trading_disabled") || flag(p, "is_disabled") || flag(p, "cancel_only"))
    return "HALTED";
  const bool future_without_status = s.empty() && string_of(p, "product_type") == "FUTURE";
  if (s == "online" || future_without_status)
    return flag(p, "post_only") ? "PRE_TRADING" : "TRADING";
  return "HALTED";
}

// "2024-03-29T15:00:00Z" -> "240329".
std::string yymmdd_of_iso(const std::string& t) {
  if (t.size() < 10 || t[4] != '-' || t[7] != '-') return {};
  std::string out = t.substr(2, 2) + t.substr(5, 2) + t.substr(8, 2);
  for (char c : out)
    if (c < '0' || c > '9') return {};
  return out;
}

const json* products_array(const json& doc, const char* key, std::string& error) {
  if (key == nullptr) {
    if (doc.is_array()) return &doc;
  } else if (doc.is_object()) {
    auto it = doc.find(key);
    if (it != doc.end() && it->is_array()) return &*it;
  }
  if (doc.is_object() && doc.contains("message"))
    error = "the venue said: " + string_of(doc, "message");
  else
    error = key ? "no products array" : "not a JSON array";
  return nullptr;
}

}  // namespace

bool parse_exchange_products(std::string_view text, std::vector<Market>& out, std::string& error) {
  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  const json* list = doc.is_discarded() ? nullptr : products_array(doc, nullptr, error);
  if (list == nullptr) {
    if (error.empty()) error = "not JSON";
    return false;
  }
  for (const json& p : *list) {
    if (!p.is_object()) continue;
    Market m;
    m.venue_symbol = string_of(p, "id");
    m.base = upper(string_of(p, "base_currency"));
    m.quote = upper(string_of(p, "quote_currency"));
    if (!is_code(m.base) || !is_code(m.quote) || m.venue_symbol.empty()) continue;
    m.type = "SPOT";
    m.symbol = "COINBASE-SPOT-" + m.base + "-" + m.quote;
    m.tick_size = decimal_text(p, "quote_increment");
    m.lot_size = decimal_text(p, "base_increment");
    m.min_quantity = decimal_text(p, "base_min_size");
    if (m.min_quantity.empty()) m.min_quantity = m.lot_size;
    m.min_notional = decimal_text(p, "min_market_funds");
    m.venue_status = string_of(p, "status");
    m.status = status_of(p);
    if (m.tick_size.empty() || m.lot_size.empty()) continue;  // cannot describe it
    out.push_back(std::move(m));
  }
  return true;
}

bool parse_advanced_products(std::string_view text, std::vector<Market>& out, std::string& error,
                             std::string* next_cursor) {
  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  const json* list = doc.is_discarded() ? nullptr : products_array(doc, "products", error);
  if (list == nullptr) {
    if (error.empty()) error = "not JSON";
    return false;
  }
  if (next_cursor) {
    next_cursor->clear();
    auto page = doc.find("pagination");
    if (page != doc.end() && page->is_object() && flag(*page, "has_next"))
      *next_cursor = string_of(*page, "next_cursor");
  }
  for (const json& p : *list) {
    if (!p.is_object()) continue;
    Market m;
    m.venue_symbol = string_of(p, "product_id");
    m.base = upper(string_of(p, "base_currency_id"));
    m.quote = upper(string_of(p, "quote_currency_id"));
    const std::string kind = string_of(p, "product_type");
    if (m.venue_symbol.empty() || !is_code(m.quote)) continue;
    m.tick_size = decimal_text(p, "price_increment");
    if (m.tick_size.empty()) m.tick_size = decimal_text(p, "quote_increment");
    m.lot_size = decimal_text(p, "base_increment");
    m.min_quantity = decimal_text(p, "base_min_size");
    if (m.min_quantity.empty()) m.min_quantity = m.lot_size;
    m.min_notional = decimal_text(p, "quote_min_size");
    m.venue_status = string_of(p, "status");
    m.status = status_of(p);
    if (kind == "SPOT") {
      if (!is_code(m.base)) continue;
      m.type = "SPOT";
      m.symbol = "COINBASE-SPOT-" + m.base + "-" + m.quote;
    } else if (kind == "FUTURE") {
      auto d = p.find("future_product_details");
      if (d == p.end() || !d->is_object()) continue;
      const std::string root = upper(string_of(*d, "contract_root_unit"));
      if (!is_code(m.base)) m.base = root;
      if (!is_code(m.base)) continue;
      m.contract_size = decimal_text(*d, "contract_size");
      m.margin = m.quote;  // FCM futures settle USD; INTX perpetuals settle USDC (the quote)
      const std::string expiry_type = string_of(*d, "contract_expiry_type");
      if (expiry_type == "PERPETUAL") {
        m.type = "PERP";
        m.symbol = "COINBASE-PERP-" + m.base + "-" + m.quote;
      } else if (expiry_type == "EXPIRING") {
        m.type = "FUT";
        m.expiry = yymmdd_of_iso(string_of(*d, "contract_expiry"));
        const std::string code = m.venue_symbol.substr(0, m.venue_symbol.find('-'));
        if (m.expiry.empty() || !is_code(code)) continue;
        m.symbol = "COINBASE-FUT-" + code + "-" + m.quote + "-" + m.expiry;
      } else {
        continue;
      }
    } else {
      continue;
    }
    if (m.tick_size.empty() || m.lot_size.empty()) continue;
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
                   {"exchange", "COINBASE"},
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

}  // namespace astra::coinbase
