#include "messages.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace astra::sim::coinbase {

using ojson = nlohmann::ordered_json;

namespace {

ojson product_json(const ProductSpec& s, const ProductQuote& q) {
  const bool future = s.product_type == "FUTURE";
  ojson j;
  j["product_id"] = s.product_id;
  j["price"] = q.price;
  j["price_percentage_change_24h"] = "0";
  j["volume_24h"] = "0";
  j["volume_percentage_change_24h"] = "0";
  j["base_increment"] = s.base_increment;
  j["quote_increment"] = s.quote_increment;
  j["quote_min_size"] = s.quote_min_size;
  j["quote_max_size"] = s.quote_max_size;
  j["base_min_size"] = s.base_min_size;
  j["base_max_size"] = s.base_max_size;
  j["base_name"] = s.base_name;
  j["quote_name"] = s.quote_name;
  j["watched"] = false;
  j["is_disabled"] = false;
  j["new"] = false;
  j["status"] = s.status;
  j["cancel_only"] = false;
  j["limit_only"] = false;
  j["post_only"] = false;
  j["trading_disabled"] = false;
  j["auction_mode"] = false;
  j["product_type"] = s.product_type;
  j["quote_currency_id"] = s.quote_id;
  j["base_currency_id"] = s.base_id;
  if (s.product_venue == "FCM")
    j["fcm_trading_session_details"] = {{"is_session_open", true},
                                        {"open_time", "2026-01-01T22:00:00Z"},
                                        {"close_time", "2026-12-31T21:00:00Z"}};
  else
    j["fcm_trading_session_details"] = nullptr;
  j["mid_market_price"] = q.mid;
  j["alias"] = "";
  j["alias_to"] = ojson::array();
  j["base_display_symbol"] = s.base_id;
  j["quote_display_symbol"] = s.quote_id;
  j["view_only"] = false;
  j["price_increment"] = s.price_increment;
  j["display_name"] = s.display_name;
  j["product_venue"] = s.product_venue;
  if (future) {
    ojson d;
    d["venue"] = s.product_venue == "FCM" ? "cde" : "";
    d["contract_code"] = s.contract_code;
    d["contract_expiry"] = s.contract_expiry.empty() ? ojson(nullptr) : ojson(s.contract_expiry);
    d["contract_size"] = s.contract_size;
    d["contract_root_unit"] = s.contract_root_unit;
    d["group_description"] = s.group_description;
    d["contract_expiry_timezone"] = s.product_venue == "FCM" ? "Europe/London" : "";
    d["group_short_description"] = s.group_short_description;
    d["risk_managed_by"] = s.product_venue == "FCM" ? "MANAGED_BY_FCM" : "MANAGED_BY_VENUE";
    d["contract_expiry_type"] = s.expiry_type;
    if (s.expiry_type == "PERPETUAL")
      d["perpetual_details"] = {{"open_interest", "0"},
                                {"funding_rate", "0.000016"},
                                {"funding_time", "2026-12-31T09:00:00.000008Z"},
                                {"max_leverage", "10"}};
    d["contract_display_name"] = s.contract_display_name;
    j["future_product_details"] = std::move(d);
  }
  return j;
}

ojson envelope(std::string_view channel, std::string_view timestamp, uint64_t seq) {
  ojson j;
  j["channel"] = channel;
  j["client_id"] = "";
  j["timestamp"] = timestamp;
  j["sequence_num"] = seq;
  return j;
}

void add_updates(ojson& updates, std::string_view side, std::string_view event_time,
                 const TextLevels& levels) {
  for (const auto& [price, size] : levels) {
    ojson u;
    u["side"] = side;
    u["event_time"] = event_time;
    u["price_level"] = price;
    u["new_quantity"] = size;
    updates.push_back(std::move(u));
  }
}

ojson book_side(const TextLevels& levels) {
  ojson out = ojson::array();
  for (const auto& [price, size] : levels)
    out.push_back({{"price", price}, {"size", size}});
  return out;
}

}  // namespace

std::string products_json(const std::vector<std::pair<ProductSpec, ProductQuote>>& products) {
  ojson j;
  j["products"] = ojson::array();
  for (const auto& [spec, quote] : products)
    j["products"].push_back(product_json(spec, quote));
  j["num_products"] = static_cast<int64_t>(products.size());
  return j.dump();
}

std::string product_book_json(std::string_view product_id, const TextLevels& bids,
                              const TextLevels& asks, std::string_view time,
                              const BookSummary& summary) {
  ojson book;
  book["product_id"] = product_id;
  book["bids"] = book_side(bids);
  book["asks"] = book_side(asks);
  book["time"] = time;
  ojson j;
  j["pricebook"] = std::move(book);
  j["last"] = summary.last;
  j["mid_market"] = summary.mid_market;
  j["spread_bps"] = summary.spread_bps;
  j["spread_absolute"] = summary.spread_absolute;
  return j.dump();
}

std::string error_json(std::string_view error, std::string_view message) {
  ojson j;
  j["error"] = error;
  j["error_details"] = message;
  j["message"] = message;
  return j.dump();
}

std::string l2_json(std::string_view timestamp, uint64_t seq, std::string_view product_id,
                    bool snapshot, std::string_view event_time, const TextLevels& bids,
                    const TextLevels& asks) {
  ojson event;
  event["type"] = snapshot ? "snapshot" : "update";
  event["product_id"] = product_id;
  ojson updates = ojson::array();
  add_updates(updates, "bid", event_time, bids);
  add_updates(updates, "offer", event_time, asks);
  event["updates"] = std::move(updates);
  ojson j = envelope("l2_data", timestamp, seq);
  j["events"] = ojson::array({std::move(event)});
  return j.dump();
}

std::string market_trades_json(std::string_view timestamp, uint64_t seq, bool snapshot,
                               const std::vector<TradeText>& trades) {
  ojson list = ojson::array();
  for (const auto& t : trades) {
    ojson o;
    o["trade_id"] = t.trade_id;
    o["product_id"] = t.product_id;
    o["price"] = t.price;
    o["size"] = t.size;
    o["side"] = t.side;
    o["time"] = t.time;
    list.push_back(std::move(o));
  }
  ojson event;
  event["type"] = snapshot ? "snapshot" : "update";
  event["trades"] = std::move(list);
  ojson j = envelope("market_trades", timestamp, seq);
  j["events"] = ojson::array({std::move(event)});
  return j.dump();
}

std::string heartbeat_json(std::string_view timestamp, uint64_t seq, std::string_view current_time,
                           uint64_t counter) {
  ojson event;
  event["current_time"] = current_time;
  event["heartbeat_counter"] = std::to_string(counter);
  ojson j = envelope("heartbeats", timestamp, seq);
  j["events"] = ojson::array({std::move(event)});
  return j.dump();
}

std::string subscriptions_json(
    std::string_view timestamp, uint64_t seq,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& channels) {
  ojson subs = ojson::object();
  for (const auto& [name, products] : channels)
    subs[name] = products;
  ojson j = envelope("subscriptions", timestamp, seq);
  j["events"] = ojson::array({{{"subscriptions", std::move(subs)}}});
  return j.dump();
}

std::string ws_error_json(std::string_view message) {
  ojson j;
  j["type"] = "error";
  j["message"] = message;
  return j.dump();
}

std::string rfc3339(int64_t unix_ns, int fraction_digits) {
  const std::time_t secs = static_cast<std::time_t>(unix_ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  if (fraction_digits > 0) {
    char frac[16];
    std::snprintf(frac, sizeof frac, "%09lld", static_cast<long long>(unix_ns % 1'000'000'000));
    out += '.';
    out.append(frac, static_cast<size_t>(std::min(fraction_digits, 9)));
  }
  return out + "Z";
}

std::string go_time(int64_t unix_ns, double monotonic_s) {
  const std::time_t secs = static_cast<std::time_t>(unix_ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  char rest[64];
  std::snprintf(rest, sizeof rest, ".%09lld +0000 UTC m=+%.9f",
                static_cast<long long>(unix_ns % 1'000'000'000), monotonic_s);
  return std::string(buf) + rest;
}

std::string trim_zeros(std::string text) {
  if (text.find('.') == std::string::npos) return text;
  while (!text.empty() && text.back() == '0')
    text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

}  // namespace astra::sim::coinbase
