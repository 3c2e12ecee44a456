// Where a venue adapter sends market data events: core::Gateway in production, a BookStore in the
// replay, a recorder in tests. Events are borrowed for the call; a sink copies what it keeps.
#pragma once

#include <astra/connector.h>

namespace astra::host {

class MarketSink {
 public:
  virtual ~MarketSink() = default;
  virtual void on_book(const astra_book_event& event) = 0;
  virtual void on_trades(const astra_trade_event& event) = 0;
};

}  // namespace astra::host
