// PluginVenue: a core::Venue over one instance of a loaded connector plugin.
//
// It gives the plugin the host services table (astra_host_api) with this object as the context,
// routes market data to a MarketSink, integrity counts to VenueCounters, I/O to an Io (the real
// transport or the replay) and call completions to the stored callbacks, exactly once each.
//
// THREADING: everything happens on the Io's thread (the engine). Callbacks are never run inside a
// plugin call: they are deferred to the Io, so a callback may call this venue again safely.
#pragma once

#include <astra/connector.h>
#include <astra/core/result.hpp>
#include <astra/core/venue.hpp>

#include "loader/plugin_loader.hpp"
#include "runtime/counters.hpp"
#include "runtime/io.hpp"
#include "runtime/market_sink.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

namespace astra::host {

class Logger;
class Counter;

// Operator metrics of one venue (optional; null members are skipped). Atomic counters owned by
// the metrics registry, so the metrics thread may read them while the engine writes.
struct VenueMetrics {
  Counter* frames = nullptr;        // WebSocket frames received
  Counter* book_events = nullptr;   // book events emitted by the plugin
  Counter* trade_events = nullptr;  // trade events emitted by the plugin
  Counter* connects = nullptr;      // WebSocket connections opened
  Counter* disconnects = nullptr;   // WebSocket connections closed by the venue or the network
};

class PluginVenue final : public core::Venue, private IoEvents {
 public:
  // Creates a plugin instance with config_json (the venue's section as JSON). Errors: the
  // plugin's create() status and message (code "plugin_create_failed").
  static core::Result<std::unique_ptr<PluginVenue>> create(LoadedPlugin plugin,
                                                           std::string_view config_json,
                                                           std::unique_ptr<Io> io, MarketSink& sink,
                                                           Logger& log);
  ~PluginVenue() override;
  PluginVenue(const PluginVenue&) = delete;
  PluginVenue& operator=(const PluginVenue&) = delete;

  const std::string& id() const override { return plugin_.id; }
  const std::string& exchange() const override { return plugin_.exchange; }
  const std::string& version() const override { return plugin_.version; }
  uint64_t capabilities() const override { return plugin_.api->capabilities; }
  core::ConnectionState state() const override;

  void list_markets(core::Callback done) override;
  void get_orderbook(std::string_view market, uint32_t depth, core::Callback done) override;
  astra_status subscribe(std::string_view market, core::DataType type) override;
  astra_status unsubscribe(std::string_view market, core::DataType type) override;
  void call_private(core::PrivateOp op, const core::Credentials& credentials,
                    std::string_view params_json, core::Callback done) override;

  void set_metrics(VenueMetrics metrics) noexcept { metrics_ = metrics; }
  VenueCounters& counters() noexcept { return counters_; }
  const VenueCounters& counters() const noexcept { return counters_; }
  size_t pending_calls() const noexcept { return pending_.size(); }
  Io& io() noexcept { return *io_; }

 private:
  PluginVenue(LoadedPlugin plugin, std::unique_ptr<Io> io, MarketSink& sink, Logger& log);

  // IoEvents: results from the Io, forwarded to the plugin.
  void on_http_response(uint64_t token, const HttpResult& result) override;
  void on_ws_open(uint64_t conn) override;
  void on_ws_message(uint64_t conn, std::string_view data, bool binary) override;
  void on_ws_close(uint64_t conn, int32_t code, std::string_view reason) override;
  void on_timer(uint64_t token) override;

  // Starts an operation with a fresh call id; a non-OK return completes `done` with that status.
  template <class Start>
  void start_call(const char* what, core::Callback done, Start&& start);
  void finish(uint64_t call_id, astra_status status, std::string json);

  struct HostApi;  // the static host services table and its trampolines
  friend struct HostApi;

  LoadedPlugin plugin_;
  std::unique_ptr<Io> io_;
  MarketSink& sink_;
  Logger& log_;
  astra_connector* instance_ = nullptr;
  std::map<uint64_t, core::Callback> pending_;
  uint64_t next_call_id_ = 1;
  VenueCounters counters_;
  VenueMetrics metrics_;
  std::set<uint64_t> ws_opening_;
  std::set<uint64_t> ws_open_;
  bool ws_ever_opened_ = false;
  int plugin_depth_ = 0;  // > 0 while the plugin is running a call of ours
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // deferred tasks check it
};

// "invalid_argument", "unavailable", ... for an astra_status.
std::string_view status_code_name(astra_status status) noexcept;

}  // namespace astra::host
