#include <astra/core/config.hpp>
#include <astra/core/key_store.hpp>

#include "cli/args.hpp"
#include "cli/cli.hpp"
#include "loader/plugin_loader.hpp"
#include "metrics/metrics.hpp"
#include "runtime/engine.hpp"
#include "runtime/gateway_sink.hpp"
#include "runtime/logger.hpp"
#include "runtime/plugin_venue.hpp"
#include "sandbox/sandbox.hpp"
#include "server/server.hpp"
#include "transport/net_io.hpp"

#include <boost/asio/signal_set.hpp>

#include <algorithm>
#include <chrono>
#include <ostream>
#include <thread>
#include <vector>

namespace astra::host::cli {

namespace {

std::string_view counter_name(uint32_t counter) {
  switch (counter) {
    case ASTRA_COUNT_CHECKSUM_OK:
      return "checksum_ok";
    case ASTRA_COUNT_CHECKSUM_FAILURE:
      return "checksum_failure";
    case ASTRA_COUNT_GAP:
      return "gap";
    case ASTRA_COUNT_RESYNC:
      return "resync";
    case ASTRA_COUNT_BAD_FRAME:
      return "bad_frame";
    case ASTRA_COUNT_STALE_DROPPED:
      return "stale_dropped";
    default:
      return "other";
  }
}

// Loads a venue's market list; on failure tries again later (doubling, at most every minute), so
// a gateway started while a venue is unreachable becomes ready once it is back.
void load_markets(Engine& engine, const std::string& exchange, Logger& log,
                  std::chrono::seconds retry_in) {
  engine.gateway().refresh_markets(
      exchange, [&engine, &log, exchange, retry_in](astra_status s, std::string json) {
        if (s == ASTRA_OK) {
          log.info(exchange + ": market list loaded");
          return;
        }
        log.error(exchange + ": market list failed (retrying in " +
                  std::to_string(retry_in.count()) + " s): " + json);
        const auto next = std::min(retry_in * 2, std::chrono::seconds(60));
        engine.scheduler().after(retry_in, [&engine, &log, exchange, next] {
          load_markets(engine, exchange, log, next);
        });
      });
}

// Loads one enabled venue's plugin, creates its instance on the engine and adds it to the
// gateway. Runs before the engine thread starts, so touching the gateway here is safe.
core::Result<bool> add_venue(const core::VenueConfig& vc, const std::filesystem::path& plugin_dir,
                             PluginLoader& loader, Engine& engine, MarketSink& sink,
                             Metrics& metrics, Logger& log) {
  auto plugin = vc.plugin.empty() ? loader.load(plugin_dir, vc.id) : loader.load_file(vc.plugin);
  if (!plugin.ok()) return plugin.error();
  auto options = transport_options_from_json(vc.settings_json);
  if (!options.ok()) {
    auto e = options.error();
    e.message = "venues." + vc.id + "." + e.message;
    return e;
  }
  auto io = NetIo::create(engine.io(), std::move(*options), log, vc.id);
  if (!io.ok()) return io.error();
  auto venue = PluginVenue::create(std::move(*plugin), plugin_settings_json(vc.settings_json),
                                   std::move(*io), sink, log);
  if (!venue.ok()) return venue.error();
  (*venue)->counters().set_observer([&metrics, id = vc.id](uint32_t counter, std::string_view,
                                                           uint64_t n) {
    metrics
        .counter("astra_connector_integrity_total",
                 "Integrity events reported by connectors (checksums, gaps, resyncs, bad frames)",
                 {{"venue", id}, {"event", std::string(counter_name(counter))}})
        .inc(n);
  });
  const Labels venue_label{{"venue", vc.id}};
  (*venue)->set_metrics(VenueMetrics{
      &metrics.counter("astra_venue_frames_total", "WebSocket frames received from the venue",
                       venue_label),
      &metrics.counter("astra_venue_book_events_total", "Book events from the connector",
                       venue_label),
      &metrics.counter("astra_venue_trade_events_total", "Trade events from the connector",
                       venue_label),
      &metrics.counter("astra_venue_connects_total", "WebSocket connections opened to the venue",
                       venue_label),
      &metrics.counter("astra_venue_disconnects_total",
                       "WebSocket connections to the venue that ended (reconnects follow)",
                       venue_label)});
  auto added = engine.gateway().add_venue(std::move(*venue));
  if (!added.ok()) return added.error();
  load_markets(engine, (*added)->exchange(), log, std::chrono::seconds(2));
  return true;
}

// Runs the API and metrics listeners until SIGINT or SIGTERM. False when they cannot start.
bool serve_clients(const core::ServerConfig& server_config, Engine& engine,
                   const core::KeyStore& keys, Metrics& metrics, Logger& log, Context& ctx) {
  boost::asio::io_context client_io(2);
  Server server(client_io, engine, keys, metrics, server_config);
  if (auto started = server.start(); !started.ok()) {
    ctx.err << "astra: cannot start the server: " << started.error().message << "\n";
    return false;
  }
  log.info("listening on http://" + server_config.listen + ":" + std::to_string(server.port()) +
           (server.metrics_port() == 0 ? std::string()
                                       : " (metrics on http://" + server_config.listen + ":" +
                                             std::to_string(server.metrics_port()) + "/metrics)"));

  boost::asio::signal_set signals(client_io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    log.info("signal " + std::to_string(signal) + ": stopping");
    server.stop();
    client_io.stop();
  });
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i)
    threads.emplace_back([&client_io] { client_io.run(); });
  for (auto& t : threads)
    t.join();
  // Stop the engine before the sessions go: its thread publishes to them, and a publish that
  // holds the last reference to a session would destroy it after its io_context is gone.
  engine.stop();
  return true;
}

}  // namespace

int serve_command(Context& ctx) {
  const auto p = parse_args(ctx.args, {"--config"}, {}, {"--sandbox"});
  if (!p.error.empty() || !p.positional.empty()) {
    ctx.err << "astra serve: " << (p.error.empty() ? "unexpected " + p.positional[0] : p.error)
            << "\n"
            << kUsage;
    return kExitUsage;
  }
  const std::string config_path = p.get("--config").value_or("config/astra.yaml");
  auto config = core::load_config(config_path);
  if (!config.ok()) {
    ctx.err << "astra: " << config.error().message << "\n";
    return kExitUsage;
  }
  Logger log(parse_log_level(config->log_level).value_or(LogLevel::info));
  if (p.get("--sandbox")) config->sandbox.enabled = true;

  auto keys = core::KeyStore::open(config->state_path);
  if (!keys.ok()) {
    ctx.err << "astra: cannot open the key store: " << keys.error().message << "\n";
    return kExitFailure;
  }
  if ((*keys)->empty()) {
    auto key = (*keys)->create("initial");
    if (!key.ok()) {
      ctx.err << "astra: cannot create the first API key: " << key.error().message << "\n";
      return kExitFailure;
    }
    ctx.out << "Created API key (shown once): " << *key << std::endl;
  }

  // Declared before the engine: the simulators outlive the venues that talk to them.
  std::unique_ptr<Sandbox> sandbox;
  if (config->sandbox.enabled) {
    auto started = Sandbox::start(*config, log);
    if (!started.ok()) {
      ctx.err << "astra: " << started.error().message << "\n";
      return kExitFailure;
    }
    sandbox = std::move(*started);
  }

  const std::filesystem::path plugin_dir = config->plugin_dir.empty()
                                               ? default_plugin_dir(ctx.executable)
                                               : std::filesystem::path(config->plugin_dir);

  // Declared before the engine so that it outlives the venues the gateway owns.
  std::unique_ptr<GatewaySink> sink;
  Metrics metrics;
  Engine engine;
  sink = std::make_unique<GatewaySink>(engine.gateway());
  PluginLoader loader(log);
  size_t enabled = 0;
  for (const auto& vc : config->venues) {
    if (!vc.enabled) continue;
    ++enabled;
    auto added = add_venue(vc, plugin_dir, loader, engine, *sink, metrics, log);
    if (!added.ok()) {
      ctx.err << "astra: venue " << vc.id << ": " << added.error().message << "\n";
      return kExitFailure;
    }
  }
  if (enabled == 0) log.warn("no venue is enabled in " + config_path);
  engine.start();

  // The client side lives in its own function so that its io_context, and with it every handler
  // still queued at shutdown (each may hold the last reference to a session), is destroyed while
  // the engine object still exists (stopped): a session's destructor unsubscribes through it.
  if (!serve_clients(config->server, engine, **keys, metrics, log, ctx)) {
    engine.stop();
    return kExitFailure;
  }
  engine.stop();
  if (sandbox) sandbox->stop();
  log.info("stopped");
  return kExitOk;
}

}  // namespace astra::host::cli
