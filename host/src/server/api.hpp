// What the client-facing server needs from the gateway: a narrow, asynchronous interface.
// Production: GatewayApi (gateway_api.hpp) over the engine's core::Gateway and the KeyStore.
// Tests: a fake. Callbacks may run on any thread (the engine's); the server posts them back to
// its own strands, so an implementation must simply call each callback exactly once.
#pragma once

#include <astra/core/gateway.hpp>
#include <astra/core/key_store.hpp>
#include <astra/core/result.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace astra::host {

struct ExchangeInfo {
  std::string id;        // plugin id: "binance"
  std::string exchange;  // symbol prefix: "BINANCE"
  std::string version;
  uint64_t capabilities = 0;  // ASTRA_CAP_*
  core::ConnectionState state = core::ConnectionState::idle;
  bool markets_loaded = false;
};

// A market's current snapshot message and its updateId; message is null when the book is not in
// sync (a snapshot will be delivered when it is).
struct SnapshotMessage {
  std::shared_ptr<const std::string> message;
  uint64_t update_id = 0;
};

class Api {
 public:
  using MarketsCallback = std::function<void(core::Result<std::shared_ptr<const std::string>>)>;
  using ExchangesCallback = std::function<void(std::vector<ExchangeInfo>)>;
  using SubscribeCallback = std::function<void(core::Result<core::SubscriptionId>)>;
  using SnapshotCallback = std::function<void(SnapshotMessage)>;

  virtual ~Api() = default;

  // Called on the server's I/O threads; must be thread-safe and must not block for long.
  virtual core::KeyCheck check_key(std::string_view key) = 0;

  // The exchange's market list as a JSON array, or an error (unknown_exchange,
  // markets_unavailable).
  virtual void markets(std::string exchange, MarketsCallback done) = 0;
  // depth 0: the venue's default. done gets the /orderbook JSON, or an error status and a JSON
  // error object {"code","message"}.
  virtual void orderbook(std::string market, uint32_t depth, core::Callback done) = 0;
  // Enabled venues.
  virtual void exchanges(ExchangesCallback done) = 0;
  // data_type is the client's text ("ORDERBOOK", "TRADE"): a bad one is an INVALID_ARGUMENT
  // error with code bad_data_type. The subscriber's deliver() runs on the engine thread and may
  // run before done.
  virtual void subscribe(std::string market, std::string data_type,
                         std::shared_ptr<core::Subscriber> subscriber, SubscribeCallback done) = 0;
  virtual void unsubscribe(core::SubscriptionId id) = 0;
  virtual void snapshot(std::string market, SnapshotCallback done) = 0;
};

}  // namespace astra::host
