// Coinbase Advanced Trade wire messages, written in the key order and with the JSON types the
// venue uses (documented examples in shared/fixtures/coinbase/advanced_ws_*_doc.json; products
// as recorded by ccxt). Every number is a decimal string, as the venue sends it.
#pragma once

#include "product_catalog.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace astra::sim::coinbase {

using TextLevels = std::vector<std::pair<std::string, std::string>>;  // [price, size], best first

struct ProductQuote {  // live fields of a products entry
  std::string price;   // last trade (or mid before any trade)
  std::string mid;     // mid_market_price ("" for spot, as the venue sends)
};

struct TradeText {
  std::string trade_id;
  std::string product_id;
  std::string price;
  std::string size;
  std::string side;  // "BUY" / "SELL" as put on the wire
  std::string time;  // RFC 3339, microseconds
};

// REST
std::string products_json(const std::vector<std::pair<ProductSpec, ProductQuote>>& products);
struct BookSummary {  // the fields around the pricebook
  std::string last, mid_market, spread_bps, spread_absolute;
};
std::string product_book_json(std::string_view product_id, const TextLevels& bids,
                              const TextLevels& asks, std::string_view time,
                              const BookSummary& summary);
std::string error_json(std::string_view error, std::string_view message);

// WebSocket envelopes: {"channel","client_id","timestamp","sequence_num","events"}.
std::string l2_json(std::string_view timestamp, uint64_t seq, std::string_view product_id,
                    bool snapshot, std::string_view event_time, const TextLevels& bids,
                    const TextLevels& asks);
std::string market_trades_json(std::string_view timestamp, uint64_t seq, bool snapshot,
                               const std::vector<TradeText>& trades);
std::string heartbeat_json(std::string_view timestamp, uint64_t seq, std::string_view current_time,
                           uint64_t counter);
// The subscriptions a connection holds, by channel name (level2, market_trades, heartbeats).
std::string subscriptions_json(
    std::string_view timestamp, uint64_t seq,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& channels);
std::string ws_error_json(std::string_view message);

// Text forms.
std::string rfc3339(int64_t unix_ns, int fraction_digits);  // "2023-02-09T20:32:50.714964855Z"
// Go's time.Time String() as heartbeats carry it: "2023-06-23 20:31:56.121961769 +0000 UTC
// m=+91717.525857105".
std::string go_time(int64_t unix_ns, double monotonic_s);
// "21921.30" -> "21921.3", "71145.00" -> "71145" (Advanced Trade trims trailing zeros).
std::string trim_zeros(std::string text);

}  // namespace astra::sim::coinbase
