// echo: the smallest useful connector. It lists one market and, on subscribe, emits a fixed book
// snapshot. It does no I/O; a real connector would open a WebSocket in subscribe() and emit from
// on_ws_message().
#include <astra/connector.hpp>
#include <astra/sdk/decimal.hpp>
#include <astra/sdk/json.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view kMarket = "ECHO-SPOT-BTC-USD";

astra_decimal decimal(std::string_view text) {
  astra_decimal d{};
  if (!astra::sdk::parse_decimal(text, d)) throw std::logic_error("bad decimal constant");
  return d;
}

class Echo : public astra::sdk::Connector {
 public:
  Echo(astra::sdk::Host host, std::string_view /*config_json*/) : Connector(host) {}

  astra::sdk::Status list_markets(uint64_t call_id) override {
    std::string json = "[{\"symbol\":";
    astra::sdk::append_json_string(json, kMarket);
    json +=
        ",\"exchange\":\"ECHO\",\"venueSymbol\":\"BTCUSD\",\"assetType\":\"SPOT\","
        "\"baseAsset\":\"BTC\",\"quoteAsset\":\"USD\",\"marginAsset\":null,\"expiry\":null,"
        "\"strike\":null,\"optionType\":null,\"contractSize\":null,\"tickSize\":\"0.01\","
        "\"lotSize\":\"0.0001\",\"minQuantity\":\"0.0001\",\"minNotional\":null,"
        "\"status\":\"TRADING\"}]";
    host().complete(call_id, ASTRA_OK, json);
    return ASTRA_OK;
  }

  astra::sdk::Status subscribe(std::string_view market, uint32_t data_type) override {
    if (market != kMarket) return ASTRA_E_NOT_FOUND;
    if (data_type != ASTRA_DATA_ORDERBOOK) return ASTRA_E_UNIMPLEMENTED;
    const std::vector<astra_book_level> bids{{decimal("100.50"), decimal("2.5")}};
    const std::vector<astra_book_level> asks{{decimal("100.51"), decimal("1.0")}};
    host().emit_book(ASTRA_BOOK_SNAPSHOT, kMarket, 1, host().now_us(), bids, asks);
    return ASTRA_OK;
  }

  astra::sdk::Status unsubscribe(std::string_view market, uint32_t /*data_type*/) override {
    if (market != kMarket) return ASTRA_E_NOT_FOUND;
    host().emit_reset(kMarket, ASTRA_RESET_UNSUBSCRIBED);
    return ASTRA_OK;
  }
};

}  // namespace

ASTRA_CONNECTOR(Echo, "echo", "ECHO", "1.0.0", ASTRA_CAP_SPOT | ASTRA_CAP_ORDERBOOK)
