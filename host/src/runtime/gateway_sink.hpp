// The production MarketSink: the gateway's canonical books and subscription hub. Kept apart from
// market_sink.hpp so that code which only needs the interface does not link the Gateway.
#pragma once

#include <astra/core/gateway.hpp>

#include "runtime/market_sink.hpp"

namespace astra::host {

// The production sink: the gateway's canonical books and subscription hub.
class GatewaySink final : public MarketSink {
 public:
  explicit GatewaySink(core::Gateway& gateway) : gateway_(gateway) {}
  void on_book(const astra_book_event& event) override { gateway_.on_book(event); }
  void on_trades(const astra_trade_event& event) override { gateway_.on_trades(event); }

 private:
  core::Gateway& gateway_;
};

}  // namespace astra::host
