#include "markets.hpp"

#include <astra/sdk/decimal.hpp>

#include <nlohmann/json.hpp>

namespace astra::okx {

namespace {

using json = nlohmann::json;

std::string text_of(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

// Splits "BTC-USD" into its two asset codes; false unless exactly two codes.
bool split_pair(const std::string& pair, std::string& base, std::string& quote) {
  const auto dash = pair.find('-');
  if (dash == std::string::npos) return false;
  base = pair.substr(0, dash);
  quote = pair.substr(dash + 1);
  return is_asset_code(base) && is_asset_code(quote);
}

// The n-th '-' separated part of an instId ("BTC-USD-220527" part 2 is "220527").
std::string part(const std::string& inst_id, size_t n) {
  size_t begin = 0;
  for (size_t i = 0; i < n; ++i) {
    begin = inst_id.find('-', begin);
    if (begin == std::string::npos) return {};
    ++begin;
  }
  return inst_id.substr(begin, inst_id.find('-', begin) - begin);
}

// ctVal x ctMult exactly, as canonical text; ctVal alone when ctMult is absent.
std::string contract_size(const std::string& ct_val, const std::string& ct_mult) {
  astra_decimal v{}, m{1, 0};
  if (!sdk::parse_decimal(ct_val, v)) return {};
  if (!ct_mult.empty() && !sdk::parse_decimal(ct_mult, m)) return {};
  const auto product = static_cast<sdk::detail::int128>(v.mantissa) * m.mantissa;
  if (product <= 0 || product > static_cast<sdk::detail::int128>(999'999'999'999'999'999))
    return {};
  const astra_decimal d{static_cast<int64_t>(product), v.exponent + m.exponent};
  return canonical_decimal(sdk::format_decimal(d));
}

bool name_market(InstType type, const json& s, Market& m) {
  if (type == InstType::spot) {
    m.base = text_of(s, "baseCcy");
    m.quote = text_of(s, "quoteCcy");
    if (!is_asset_code(m.base) || !is_asset_code(m.quote)) return false;
    m.type = "SPOT";
    m.symbol = spot_symbol(m.base, m.quote);
    return true;
  }
  // Derivatives: the underlying names the pair (instFamily in newer answers, uly in all).
  std::string uly = text_of(s, "uly");
  if (uly.empty()) uly = text_of(s, "instFamily");
  if (!split_pair(uly, m.base, m.quote)) return false;
  m.margin = text_of(s, "settleCcy");
  if (!m.margin.empty() && !is_asset_code(m.margin)) return false;
  m.contract_size = contract_size(text_of(s, "ctVal"), text_of(s, "ctMult"));
  const std::string ct_type = text_of(s, "ctType");
  const bool inverse = ct_type == "inverse";
  if (type != InstType::option && !inverse && ct_type != "linear") return false;
  if (type == InstType::swap) {
    m.type = "PERP";
    m.symbol = perp_symbol(m.base, m.quote, inverse);
    return true;
  }
  // Dated instruments carry the expiry in the instId: BTC-USD-220527, BTC-USD-220527-30000-C.
  m.expiry = part(m.inst_id, 2);
  if (!is_yymmdd(m.expiry)) return false;
  if (type == InstType::futures) {
    m.type = "FUT";
    m.symbol = future_symbol(m.base, m.quote, m.expiry, inverse);
    return true;
  }
  m.strike = canonical_decimal(text_of(s, "stk"));
  m.option_type = text_of(s, "optType");
  if (m.strike.empty() || (m.option_type != "C" && m.option_type != "P")) return false;
  m.type = "OPT";
  m.symbol = option_symbol(m.base, m.quote, m.expiry, m.strike, m.option_type[0]);
  return true;
}

}  // namespace

bool parse_instruments(InstType type, std::string_view text, std::vector<Market>& out,
                       size_t& skipped, std::string& error) {
  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    error = "instruments answer is not a JSON object";
    return false;
  }
  const std::string code = text_of(doc, "code");
  if (code != "0") {
    error = "instruments answer has code '" + code + "': " + text_of(doc, "msg");
    return false;
  }
  auto data = doc.find("data");
  if (data == doc.end() || !data->is_array()) {
    error = "instruments answer has no data array";
    return false;
  }
  for (const json& s : *data) {
    if (!s.is_object()) {
      ++skipped;
      continue;
    }
    Market m;
    m.inst_type = type;
    m.inst_id = text_of(s, "instId");
    m.status = text_of(s, "state");
    m.tick_size = text_of(s, "tickSz");
    m.lot_size = text_of(s, "lotSz");
    m.min_quantity = text_of(s, "minSz");
    if (m.inst_id.empty() || text_of(s, "instType") != inst_type_name(type) ||
        !name_market(type, s, m)) {
      ++skipped;
      continue;
    }
    out.push_back(std::move(m));
  }
  return true;
}

const char* normalized_status(std::string_view state) {
  if (state == "live") return "TRADING";
  if (state == "preopen") return "PRE_TRADING";
  if (state == "expired" || state == "delisted" || state == "settlement") return "DELISTED";
  return "HALTED";  // suspend, test, rebase, and anything new
}

std::string markets_json(const std::vector<const Market*>& markets) {
  auto or_null = [](const std::string& v) { return v.empty() ? json(nullptr) : json(v); };
  json arr = json::array();
  for (const Market* m : markets) {
    const bool spot = m->type == "SPOT";
    json o = {{"symbol", m->symbol},
              {"exchange", "OKX"},
              {"venueSymbol", m->inst_id},
              {"assetType", m->type},
              {"baseAsset", m->base},
              {"quoteAsset", m->quote},
              {"marginAsset", spot ? json(nullptr) : or_null(m->margin)},
              {"expiry", or_null(m->expiry)},
              {"strike", or_null(m->strike)},
              {"optionType", or_null(m->option_type)},
              {"contractSize", spot ? json(nullptr) : or_null(m->contract_size)},
              {"tickSize", m->tick_size},
              {"lotSize", m->lot_size},
              {"minQuantity", m->min_quantity},
              {"minNotional", nullptr},
              {"status", normalized_status(m->status)},
              {"venueStatus", m->status}};
    arr.push_back(std::move(o));
  }
  return arr.dump();
}

}  // namespace astra::okx
