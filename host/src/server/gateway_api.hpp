// The production Api: every gateway call is posted to the engine thread, and its answer handed to
// the callback from there (the server posts it back to its own strands). Exceptions, answered on
// the calling thread: check_key (the KeyStore is thread-safe) and orderbook when the engine has
// published the book (core::Gateway::orderbook_from_snapshot).
#pragma once

#include "server/api.hpp"

namespace astra::host {

class Engine;

class GatewayApi final : public Api {
 public:
  // Both must outlive this object and every callback in flight.
  GatewayApi(Engine& engine, const core::KeyStore& keys) : engine_(engine), keys_(keys) {}

  core::KeyCheck check_key(std::string_view key) override;
  void markets(std::string exchange, MarketsCallback done) override;
  void orderbook(std::string market, uint32_t depth, core::Callback done) override;
  void exchanges(ExchangesCallback done) override;
  void subscribe(std::string market, std::string data_type,
                 std::shared_ptr<core::Subscriber> subscriber, SubscribeCallback done) override;
  void unsubscribe(core::SubscriptionId id) override;
  void snapshot(std::string market, SnapshotCallback done) override;

 private:
  Engine& engine_;
  const core::KeyStore& keys_;  // thread-safe
};

}  // namespace astra::host
