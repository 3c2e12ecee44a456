#include "exchange_messages.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace astra::sim::coinbase {

using ojson = nlohmann::ordered_json;

namespace {

ojson pairs(const TextLevels& levels) {
  ojson out = ojson::array();
  for (const auto& [price, size] : levels)
    out.push_back(ojson::array({price, size}));
  return out;
}

}  // namespace

std::string exchange_products_json(const std::vector<ProductSpec>& products) {
  ojson arr = ojson::array();
  for (const ProductSpec& s : products) {
    ojson j;
    j["id"] = s.product_id;
    j["base_currency"] = s.base_id;
    j["quote_currency"] = s.quote_id;
    j["base_min_size"] = s.exchange_base_min_size;
    j["base_max_size"] = s.exchange_base_max_size;
    j["quote_increment"] = s.quote_increment;
    j["base_increment"] = s.base_increment;
    j["display_name"] = s.base_id + "/" + s.quote_id;
    j["min_market_funds"] = s.exchange_min_market_funds;
    j["max_market_funds"] = s.exchange_max_market_funds;
    j["margin_enabled"] = false;
    j["post_only"] = false;
    j["limit_only"] = false;
    j["cancel_only"] = false;
    j["trading_disabled"] = false;
    j["status"] = "online";
    j["status_message"] = "";
    arr.push_back(std::move(j));
  }
  return arr.dump();
}

std::string exchange_book_json(uint64_t sequence, const TextLevels& bids, const TextLevels& asks,
                               const std::vector<int>& bid_orders,
                               const std::vector<int>& ask_orders, std::string_view time) {
  auto side = [](const TextLevels& levels, const std::vector<int>& orders) {
    ojson out = ojson::array();
    for (size_t i = 0; i < levels.size(); ++i)
      out.push_back(
          ojson::array({levels[i].first, levels[i].second, i < orders.size() ? orders[i] : 1}));
    return out;
  };
  ojson j;
  j["bids"] = side(bids, bid_orders);
  j["asks"] = side(asks, ask_orders);
  j["sequence"] = sequence;
  j["auction_mode"] = false;
  j["auction"] = nullptr;
  j["time"] = time;
  return j.dump();
}

std::string exchange_error_json(std::string_view message) {
  ojson j;
  j["message"] = message;
  return j.dump();
}

std::string exchange_snapshot_json(std::string_view product_id, const TextLevels& bids,
                                   const TextLevels& asks) {
  ojson j;
  j["type"] = "snapshot";
  j["product_id"] = product_id;
  j["asks"] = pairs(asks);
  j["bids"] = pairs(bids);
  return j.dump();
}

std::string exchange_l2update_json(std::string_view product_id, const TextLevels& bids,
                                   const TextLevels& asks, std::string_view time) {
  ojson changes = ojson::array();
  for (const auto& [price, size] : bids)
    changes.push_back(ojson::array({"buy", price, size}));
  for (const auto& [price, size] : asks)
    changes.push_back(ojson::array({"sell", price, size}));
  ojson j;
  j["type"] = "l2update";
  j["product_id"] = product_id;
  j["changes"] = std::move(changes);
  j["time"] = time;
  return j.dump();
}

std::string exchange_match_json(const ExchangeMatch& m, bool last) {
  ojson j;
  j["type"] = last ? "last_match" : "match";
  j["trade_id"] = m.trade_id;
  j["maker_order_id"] = m.maker_order_id;
  j["taker_order_id"] = m.taker_order_id;
  j["side"] = m.side;
  j["size"] = m.size;
  j["price"] = m.price;
  j["product_id"] = m.product_id;
  j["sequence"] = m.sequence;
  j["time"] = m.time;
  return j.dump();
}

std::string exchange_subscriptions_json(
    const std::vector<std::pair<std::string, std::vector<std::string>>>& channels) {
  ojson list = ojson::array();
  for (const auto& [name, products] : channels)
    list.push_back({{"name", name}, {"product_ids", products}});
  ojson j;
  j["type"] = "subscriptions";
  j["channels"] = std::move(list);
  return j.dump();
}

std::string exchange_ws_error_json(std::string_view message, std::string_view reason) {
  ojson j;
  j["type"] = "error";
  j["message"] = message;
  j["reason"] = reason;
  return j.dump();
}

std::string uuid_of(uint64_t a, uint64_t b) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xffff),
                static_cast<unsigned>(b >> 48) & 0xffff,
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

}  // namespace astra::sim::coinbase
