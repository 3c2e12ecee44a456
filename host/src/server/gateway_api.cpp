#include "server/gateway_api.hpp"

#include "runtime/engine.hpp"

#include <astra/core/messages.hpp>

namespace astra::host {

core::KeyCheck GatewayApi::check_key(std::string_view key) {
  return keys_.check(key);
}

void GatewayApi::markets(std::string exchange, MarketsCallback done) {
  engine_.post([this, exchange = std::move(exchange), done = std::move(done)] {
    done(engine_.gateway().markets_json(exchange));
  });
}

void GatewayApi::orderbook(std::string market, uint32_t depth, core::Callback done) {
  // From the engine's published snapshot when there is one (no hop to the engine thread).
  if (auto json = engine_.gateway().orderbook_from_snapshot(market, depth))
    return done(ASTRA_OK, std::move(*json));
  engine_.post([this, market = std::move(market), depth, done = std::move(done)]() mutable {
    engine_.gateway().orderbook(market, depth, std::move(done));
  });
}

void GatewayApi::exchanges(ExchangesCallback done) {
  engine_.post([this, done = std::move(done)] {
    std::vector<ExchangeInfo> out;
    for (core::Venue* v : engine_.gateway().venues()) {
      out.push_back(ExchangeInfo{v->id(), v->exchange(), v->version(), v->capabilities(),
                                 v->state(), engine_.gateway().markets_json(v->exchange()).ok()});
    }
    done(std::move(out));
  });
}

void GatewayApi::subscribe(std::string market, std::string data_type,
                           std::shared_ptr<core::Subscriber> subscriber, SubscribeCallback done) {
  engine_.post([this, market = std::move(market), data_type = std::move(data_type),
                subscriber = std::move(subscriber), done = std::move(done)]() mutable {
    auto type = core::parse_data_type(data_type);
    if (!type) {
      done(type.error());
      return;
    }
    done(engine_.gateway().subscribe(market, *type, std::move(subscriber)));
  });
}

void GatewayApi::unsubscribe(core::SubscriptionId id) {
  engine_.post([this, id] { engine_.gateway().unsubscribe(id); });
}

void GatewayApi::snapshot(std::string market, SnapshotCallback done) {
  engine_.post([this, market = std::move(market), done = std::move(done)] {
    SnapshotMessage s;
    s.message = engine_.gateway().snapshot_message(market, &s.update_id);
    done(std::move(s));
  });
}

}  // namespace astra::host
