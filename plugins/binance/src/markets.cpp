#include "markets.hpp"

#include <nlohmann/json.hpp>

namespace astra::binance {

namespace {

using json = nlohmann::json;

std::string text_of(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  if (it->is_number_unsigned()) return std::to_string(it->get<uint64_t>());
  return {};
}

void read_filters(const json& s, Market& m) {
  auto filters = s.find("filters");
  if (filters == s.end() || !filters->is_array()) return;
  for (const json& f : *filters) {
    if (!f.is_object()) continue;
    const std::string type = text_of(f, "filterType");
    if (type == "PRICE_FILTER") {
      m.tick_size = text_of(f, "tickSize");
    } else if (type == "LOT_SIZE") {
      m.lot_size = text_of(f, "stepSize");
      m.min_quantity = text_of(f, "minQty");
    } else if (type == "MIN_NOTIONAL" || type == "NOTIONAL") {
      // Spot says minNotional (old MIN_NOTIONAL and current NOTIONAL); USD-M says notional.
      std::string v = text_of(f, "minNotional");
      if (v.empty()) v = text_of(f, "notional");
      if (!v.empty()) m.min_notional = v;
    }
  }
}

bool name_market(Family family, const json& s, Market& m) {
  if (!is_asset_code(m.base) || !is_asset_code(m.quote)) return false;
  if (family == Family::spot) {
    m.type = "SPOT";
    m.symbol = spot_symbol(m.base, m.quote);
    return true;
  }
  const std::string contract = text_of(s, "contractType");
  if (contract == "PERPETUAL" || contract == "PERPETUAL_DELIVERING") {
    m.type = "PERP";
    m.symbol = perp_symbol(family, m.base, m.quote);
    return true;
  }
  if (contract == "CURRENT_QUARTER" || contract == "NEXT_QUARTER" || contract == "CURRENT_MONTH" ||
      contract == "NEXT_MONTH") {
    auto d = s.find("deliveryDate");
    if (d == s.end() || !d->is_number()) return false;
    m.type = "FUT";
    m.expiry = yymmdd_from_ms(d->get<int64_t>());
    m.symbol = future_symbol(family, m.base, m.quote, m.expiry);
    return true;
  }
  return false;  // "" (pending listing) or a contract type we cannot name
}

}  // namespace

bool parse_exchange_info(Family family, std::string_view text, std::vector<Market>& out,
                         std::string& error) {
  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    error = "exchangeInfo is not a JSON object";
    return false;
  }
  auto symbols = doc.find("symbols");
  if (symbols == doc.end() || !symbols->is_array()) {
    error = "exchangeInfo has no symbols array";
    return false;
  }
  for (const json& s : *symbols) {
    if (!s.is_object()) continue;
    Market m;
    m.family = family;
    m.venue_symbol = text_of(s, "symbol");
    m.base = text_of(s, "baseAsset");
    m.quote = text_of(s, "quoteAsset");
    m.margin = text_of(s, "marginAsset");
    m.status = text_of(s, family == Family::coinm ? "contractStatus" : "status");
    if (family == Family::coinm) m.contract_size = text_of(s, "contractSize");
    if (m.venue_symbol.empty()) continue;
    if (!name_market(family, s, m)) continue;
    read_filters(s, m);
    out.push_back(std::move(m));
  }
  return true;
}

// Binance's listing states mapped to the ABI's (sdk/ABI.md §7.1); the raw one stays in venueStatus.
static const char* normalized_status(const std::string& venue_status) {
  if (venue_status == "TRADING") return "TRADING";
  if (venue_status == "PENDING_TRADING" || venue_status == "PRE_TRADING") return "PRE_TRADING";
  if (venue_status == "CLOSE" || venue_status == "DELIVERED" || venue_status == "SETTLING")
    return "DELISTED";
  return "HALTED";  // HALT, BREAK, DELIVERING, AUCTION_MATCH, ...
}

std::string markets_json(const std::vector<const Market*>& markets) {
  auto or_null = [](const std::string& v) { return v.empty() ? json(nullptr) : json(v); };
  json arr = json::array();
  for (const Market* m : markets) {
    json o = {{"symbol", m->symbol},
              {"exchange", "BINANCE"},
              {"venueSymbol", m->venue_symbol},
              {"assetType", m->type},
              {"baseAsset", m->base},
              {"quoteAsset", m->quote},
              {"marginAsset", m->type == "SPOT" ? json(nullptr) : or_null(m->margin)},
              {"expiry", or_null(m->expiry)},
              {"strike", nullptr},
              {"optionType", nullptr},
              {"contractSize", or_null(m->contract_size)},
              {"tickSize", m->tick_size},
              {"lotSize", m->lot_size},
              {"minQuantity", m->min_quantity},
              {"minNotional", or_null(m->min_notional)},
              {"status", normalized_status(m->status)},
              {"venueStatus", m->status}};
    arr.push_back(std::move(o));
  }
  return arr.dump();
}

}  // namespace astra::binance
