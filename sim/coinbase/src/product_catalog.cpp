#include "product_catalog.hpp"

namespace astra::sim::coinbase {

namespace {

ProductSpec spot(std::string id, std::string base, std::string base_name, std::string mid,
                 int64_t lots, std::string exchange_min, std::string exchange_max) {
  ProductSpec s;
  s.product_id = std::move(id);
  s.product_type = "SPOT";
  s.base_id = std::move(base);
  s.quote_id = "USD";
  s.base_name = std::move(base_name);
  s.quote_name = "US Dollar";
  s.base_increment = "0.00000001";
  s.quote_increment = "0.01";
  s.price_increment = "0.01";
  s.base_min_size = "0.00000001";
  s.base_max_size = "3400";
  s.quote_min_size = "1";
  s.quote_max_size = "150000000";
  s.status = "online";
  s.display_name = s.product_id;
  s.product_venue = "CBE";
  s.exchange_base_min_size = std::move(exchange_min);
  s.exchange_base_max_size = std::move(exchange_max);
  s.exchange_min_market_funds = "5";
  s.exchange_max_market_funds = "1000000";
  s.initial_mid = std::move(mid);
  s.order_lots = lots;
  return s;
}

const std::vector<ProductSpec>& catalog() {
  static const std::vector<ProductSpec> specs = [] {
    std::vector<ProductSpec> v;
    v.push_back(spot("BTC-USD", "BTC", "Bitcoin", "67060.00", 100000, "0.0001", "280"));
    v.push_back(spot("ETH-USD", "ETH", "Ethereum", "3500.00", 1000000, "0.001", "2800"));

    ProductSpec fut;
    fut.product_id = "BIT-31DEC26-CDE";
    fut.product_type = "FUTURE";
    fut.quote_id = "USD";
    fut.quote_name = "US Dollar";
    fut.base_increment = "1";
    fut.quote_increment = "0.01";
    fut.price_increment = "5";
    fut.base_min_size = "1";
    fut.base_max_size = "100000000";
    fut.quote_min_size = "0";
    fut.quote_max_size = "100000000";
    fut.display_name = "BTC 31 DEC 26";
    fut.product_venue = "FCM";
    fut.expiry_type = "EXPIRING";
    fut.contract_code = "BIT";
    fut.contract_expiry = "2026-12-31T16:00:00Z";
    fut.contract_size = "0.01";
    fut.contract_root_unit = "BTC";
    fut.group_description = "Nano Bitcoin Futures";
    fut.group_short_description = "Nano BTC";
    fut.contract_display_name = "BTC 31 DEC 26";
    fut.initial_mid = "71145";
    fut.order_lots = 1;
    v.push_back(fut);

    ProductSpec perp;
    perp.product_id = "ETH-PERP-INTX";
    perp.product_type = "FUTURE";
    perp.quote_id = "USDC";
    perp.quote_name = "USDC";
    perp.base_increment = "0.0001";
    perp.quote_increment = "0.01";
    perp.price_increment = "0.01";
    perp.base_min_size = "0.0001";
    perp.base_max_size = "50000";
    perp.quote_min_size = "10";
    perp.quote_max_size = "50000000";
    perp.display_name = "ETH PERP";
    perp.product_venue = "INTX";
    perp.expiry_type = "PERPETUAL";
    perp.contract_code = "ETH";
    perp.contract_size = "1";
    perp.contract_root_unit = "ETH";
    perp.contract_display_name = "ETH PERPETUAL";
    perp.initial_mid = "3630.98";
    perp.order_lots = 100;
    v.push_back(perp);
    return v;
  }();
  return specs;
}

}  // namespace

std::optional<ProductSpec> find_product(std::string_view product_id) {
  for (const auto& s : catalog())
    if (s.product_id == product_id) return s;
  return std::nullopt;
}

std::vector<std::string> known_products() {
  std::vector<std::string> out;
  for (const auto& s : catalog())
    out.push_back(s.product_id);
  return out;
}

}  // namespace astra::sim::coinbase
