// What the core needs from a venue connector. The host implements it over a loaded plugin (see
// host/src/runtime); tests implement it with fakes. All calls happen on the engine thread.
#pragma once

#include <astra/connector.h>
#include <astra/core/messages.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace astra::core {

// Result of an asynchronous venue call: status and JSON (result, or {"code","message"}).
using Callback = std::function<void(astra_status status, std::string json)>;

enum class PrivateOp {
  list_orders,
  place_order,
  cancel_order,
  list_fills,
  balances,
  positions,
  request_quote,
  accept_quote
};

enum class ConnectionState { idle, connecting, connected, degraded, disconnected };
std::string_view to_string(ConnectionState s) noexcept;

// Exchange credentials for one call. Wiped on destruction; never logged.
struct Credentials {
  std::string api_key;
  std::string api_secret;
  std::string passphrase;
  Credentials() = default;
  Credentials(const Credentials&) = default;
  Credentials& operator=(const Credentials&) = default;
  ~Credentials();
};

class Venue {
 public:
  virtual ~Venue() = default;
  virtual const std::string& id() const = 0;        // plugin id: "binance"
  virtual const std::string& exchange() const = 0;  // symbol prefix: "BINANCE"
  virtual const std::string& version() const = 0;
  virtual uint64_t capabilities() const = 0;  // ASTRA_CAP_*
  virtual ConnectionState state() const = 0;

  virtual void list_markets(Callback done) = 0;
  virtual void get_orderbook(std::string_view market, uint32_t depth, Callback done) = 0;
  virtual astra_status subscribe(std::string_view market, DataType type) = 0;
  virtual astra_status unsubscribe(std::string_view market, DataType type) = 0;
  virtual void call_private(PrivateOp op, const Credentials& credentials,
                            std::string_view params_json, Callback done) = 0;
};

}  // namespace astra::core
