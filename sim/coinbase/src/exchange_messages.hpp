// Coinbase Exchange wire messages (GET /products, ws-feed snapshot / l2update / match /
// subscriptions), in the key order and JSON types of the recorded traffic
// (shared/recordings/coinbase-exchange.capture.jsonl, shared/fixtures/coinbase/exchange_*).
#pragma once

#include "messages.hpp"
#include "product_catalog.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace astra::sim::coinbase {

struct ExchangeMatch {
  uint64_t trade_id = 0;
  std::string maker_order_id, taker_order_id;  // UUID text
  std::string side;                            // the MAKER order's side: "buy" / "sell"
  std::string size, price, product_id;
  uint64_t sequence = 0;
  std::string time;
};

std::string exchange_products_json(const std::vector<ProductSpec>& products);
// GET /products/{id}/book?level=2: [price, size, num_orders] levels (Exchange docs).
std::string exchange_book_json(uint64_t sequence, const TextLevels& bids, const TextLevels& asks,
                               const std::vector<int>& bid_orders,
                               const std::vector<int>& ask_orders, std::string_view time);
std::string exchange_error_json(std::string_view message);  // {"message":..}

std::string exchange_snapshot_json(std::string_view product_id, const TextLevels& bids,
                                   const TextLevels& asks);
std::string exchange_l2update_json(std::string_view product_id, const TextLevels& bids,
                                   const TextLevels& asks, std::string_view time);
std::string exchange_match_json(const ExchangeMatch& m, bool last);
std::string exchange_subscriptions_json(
    const std::vector<std::pair<std::string, std::vector<std::string>>>& channels);
std::string exchange_ws_error_json(std::string_view message, std::string_view reason);

// A UUID-shaped text derived from a number (order ids on the wire).
std::string uuid_of(uint64_t a, uint64_t b);

}  // namespace astra::sim::coinbase
