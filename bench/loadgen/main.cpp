// astra-loadgen: the end-to-end load harness. A Binance feed (in process) -> the real
// `astra serve` (a child process) -> N WebSocket clients (in process), all on loopback. Prints
// one line per scenario run: what the gateway applied per CPU-second of its own, latency from
// the feed's send() to the client's recv(), deliveries, memory, and the harness's own CPU.
//
//   astra-loadgen --scenario realistic|busy|ceiling|fanout|markets|peer|all [--rate N]
//                 [--clients N] [--markets N] [--levels 20|3] [--grid N] [--seconds S]
//                 [--repeat N] [--ccxt-dir DIR] [--rounds N] [--peer-script PATH]
//
// `peer` runs, interleaved on the same feed and rates, our path (feed -> astra serve -> 1 client)
// and ccxt pro's binance watchOrderBook (feed -> node, bench/peer/ccxt_watch_orderbook.js) from
// a ccxt install in --ccxt-dir (bench/run_loadgen.sh makes one); without it the peer is skipped.
#include "child_process.hpp"
#include "clients.hpp"
#include "feed.hpp"
#include "proc_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "e2e/api_client.hpp"
#include "e2e/gateway_process.hpp"

#include <nlohmann/json.hpp>

namespace {

using namespace astra::loadgen;
using namespace std::chrono_literals;

struct Scenario {
  std::string name;
  int markets = 1;
  int clients = 1;        // ORDERBOOK clients per market
  int trade_clients = 0;  // TRADE clients per market
  int levels = 20;
  int grid = 100;
  double rate = 1000;  // diffs per second per market; 0 = flood
  double trades = 0;   // aggTrades per second per market
  double seconds = 10;
};

struct Overrides {
  std::optional<double> rate, seconds;
  std::optional<int> clients, markets, levels, grid;
};

// What one run measured, for the peer comparison.
struct RunResult {
  double applied_per_s = -1, cpu_pct = -1, per_cpu_s = -1;  // diffs applied; CPU of the applier
  double p50 = -1, p99 = -1, p999 = -1;                     // latency, µs
  double samples = 0;
  std::string load;
};

std::vector<Scenario> scenarios(const std::string& which, const Overrides& o) {
  std::vector<Scenario> out;
  auto add = [&](Scenario s) {
    if (o.rate) s.rate = *o.rate;
    if (o.seconds) s.seconds = *o.seconds;
    if (o.clients) s.clients = *o.clients;
    if (o.markets) s.markets = *o.markets;
    if (o.levels) s.levels = *o.levels;
    if (o.grid) s.grid = *o.grid;
    out.push_back(s);
  };
  const bool all = which == "all";
  if (all || which == "realistic")  // 10 clients each watching all 50 books, and the trades
    add({"realistic", 50, 10, 1, 20, 100, 10, 2, 10});
  if (all || which == "busy") {
    add({"busy", 1, 1, 0, 20, 100, 1000, 0, 10});
    if (!o.rate) add({"busy", 1, 1, 0, 20, 100, 5000, 0, 10});
  }
  if (all || which == "ceiling") {
    add({"ceiling", 1, 1, 0, 20, 100, 0, 0, 10});
    if (!o.levels) add({"ceiling", 1, 1, 0, 3, 100, 0, 0, 10});
  }
  if (all || which == "fanout") {
    if (o.clients)
      add({"fanout", 1, *o.clients, 0, 20, 100, 100, 0, 8});
    else
      for (int n : {1, 10, 100, 1000})
        add({"fanout", 1, n, 0, 20, 100, 100, 0, 8});
  }
  if (all || which == "markets") {
    if (o.markets)
      add({"markets", *o.markets, 1, 0, 20, 1000, 10, 0, 8});
    else
      for (int m : {1, 100, 1000})
        add({"markets", m, 1, 0, 20, 1000, 10, 0, 8});
  }
  return out;
}

// A port that was free a moment ago (the metrics listener needs a fixed one in the config).
int free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor a(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

// The sum of a Prometheus counter over its label sets.
double metric(const std::string& text, const std::string& name) {
  double sum = 0;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name, 0) != 0 || line.size() <= name.size()) continue;
    const char next = line[name.size()];
    if (next != '{' && next != ' ') continue;
    sum += std::atof(line.c_str() + line.rfind(' ') + 1);
  }
  return sum;
}

std::string config_yaml(const BinanceFeed& feed, int metrics_port, const Scenario& s,
                        const std::filesystem::path& dir) {
  const int snapshot_limit = std::min(5000, std::max(100, s.grid));
  return "server:\n  listen: 127.0.0.1\n  port: 0\n  metrics_port: " +
         std::to_string(metrics_port) +
         "\n  max_connections: 8192\n"
         "state: " +
         (dir / "astra.db").string() +
         "\nplugin_dir: " ASTRA_PLUGIN_DIR
         "\nlog_level: info\n"
         "venues:\n  binance:\n    enabled: true\n    families: [spot]\n"
         "    snapshot_limit: " +
         std::to_string(snapshot_limit) +
         // The feed enforces no Binance weight limit: the plugin's snapshot pacing (half of
         // request_weight_per_minute, default 6000) would take 17 minutes to sync 1,000 books of
         // weight 50; the benchmark measures the gateway, not the venue's budget.
         "\n    request_weight_per_minute: 1000000"
         "\n    request_budget: {weight: 100000000, interval_ms: 60000}\n"
         "    spot:\n      rest: http://127.0.0.1:" +
         std::to_string(feed.rest_port()) +
         "\n      ws: ws://127.0.0.1:" + std::to_string(feed.ws_port()) + "\n";
}

struct Sample {
  double wall = 0, gw_cpu = 0, self_cpu = 0, feed_cpu = 0, clients_cpu = 0;
  double book_events = 0, ws_sent = 0, replaced = 0, integrity = 0;
  FeedStats feed;
};

std::string fmt(double v, int decimals = 0) {
  if (v < 0) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

struct Harness {
  std::filesystem::path root;
  int run_index = 0;

  // Waits in steps of 50 ms, draining the gateway's output so its pipe never fills.
  static bool wait_until(astra::test::GatewayProcess& gw, std::chrono::milliseconds timeout,
                         const std::function<bool()>& done) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (done()) return true;
      gw.output();
      std::this_thread::sleep_for(50ms);
    }
    return done();
  }

  bool run(const Scenario& s, RunResult* result = nullptr) {
    std::string error;
    FeedOptions fo;
    fo.markets = s.markets;
    fo.levels = s.levels;
    fo.grid = s.grid;
    auto feed = BinanceFeed::start(fo, error);
    if (!feed) {
      std::cerr << s.name << ": feed: " << error << "\n";
      return false;
    }
    const auto dir = root / ("run-" + std::to_string(++run_index));
    std::filesystem::remove_all(dir);
    const int metrics_port = free_port();
    astra::test::GatewayProcess gw(dir, config_yaml(*feed, metrics_port, s, dir));
    auto fail = [&](const std::string& why) {
      std::cerr << s.name << ": " << why << "\n--- gateway output (tail) ---\n";
      const std::string& out = gw.output();
      std::cerr << out.substr(out.size() > 3000 ? out.size() - 3000 : 0) << "\n";
      return false;
    };
    if (gw.api_key().empty() || gw.port() == 0) return fail("the gateway did not start");
    const pid_t pid = only_child_pid();
    if (pid <= 0) return fail("cannot find the gateway's pid");
    if (!wait_until(gw, 30s, [&] {
          return astra::test::http_get(gw.port(), "/ready", gw.api_key()).status == 200;
        }))
      return fail("the gateway never became ready");
    const long rss_ready = process_status_kb(pid, "VmRSS");

    std::vector<ClientSpec> specs;
    for (int c = 0; c < s.clients; ++c)
      for (int m = 0; m < s.markets; ++m)
        specs.push_back({m, false});
    for (int c = 0; c < s.trade_clients; ++c)
      for (int m = 0; m < s.markets; ++m)
        specs.push_back({m, true});
    // Warm-up pace: the scenario's, or 100/s per market before a flood.
    feed->set_rate(s.rate > 0 ? s.rate : 100, s.trades);
    ClientPool pool(*feed);
    if (!pool.connect(gw.port(), gw.api_key(), specs, 60s, error)) return fail(error);
    if (!wait_until(gw, 90s, [&] { return pool.with_snapshot() == pool.book_clients(); }))
      return fail("only " + std::to_string(pool.with_snapshot()) + " of " +
                  std::to_string(pool.book_clients()) + " clients got a snapshot");
    const long rss_synced = process_status_kb(pid, "VmRSS");
    feed->set_rate(s.rate, s.trades);
    wait_until(gw, 1s, [] { return false; });  // settle at the scenario's rate

    auto sample = [&] {
      Sample x;
      x.wall = double(now_ns()) / 1e9;
      x.gw_cpu = process_cpu_seconds(pid);
      x.self_cpu = self_cpu_seconds();
      x.feed_cpu = thread_cpu_seconds(feed->generator_handle());
      x.clients_cpu = thread_cpu_seconds(pool.thread_handle());
      const auto m = astra::test::http_get(metrics_port, "/metrics", "");
      x.book_events = metric(m.body, "astra_venue_book_events_total");
      x.ws_sent = metric(m.body, "astra_ws_messages_sent_total");
      x.replaced = metric(m.body, "astra_ws_snapshots_replaced_total");
      // Gaps, resyncs, bad frames: any would mean the feed is not a valid Binance sequence.
      x.integrity = metric(m.body, "astra_connector_integrity_total");
      x.feed = feed->stats();
      return x;
    };
    const std::string load = load_average();
    const Sample a = sample();
    pool.begin_window(now_ns());
    wait_until(gw, std::chrono::milliseconds(long(s.seconds * 1000)), [] { return false; });
    Histogram latency;
    const WindowCounts counts = pool.end_window(latency);
    const Sample b = sample();
    const long rss_end = process_status_kb(pid, "VmRSS");
    const long hwm = process_status_kb(pid, "VmHWM");
    feed->set_rate(-1, 0);
    wait_until(gw, 5s, [&] { return pool.current() == pool.book_clients(); });
    const size_t current = pool.current();
    pool.stop();

    const double wall = b.wall - a.wall;
    const double gw_cpu = b.gw_cpu - a.gw_cpu;
    const double applied = b.book_events - a.book_events;
    const double sent = double(b.feed.diffs - a.feed.diffs);
    char line[1024];
    std::snprintf(
        line, sizeof line,
        "%-9s %5d %6zu %3d %7s %4.0f | %9s %9s %6s %11s | %9s %11s | %6s %7s %7s %8s %6s | "
        "%6s %6s %7s %7s | %5s %5s %5s | %6s %5s %9s | %s",
        s.name.c_str(), s.markets, specs.size(), s.levels,
        s.rate > 0 ? fmt(s.rate).c_str() : "flood", wall, fmt(sent / wall).c_str(),
        fmt(applied / wall).c_str(), fmt(100 * gw_cpu / wall).c_str(),
        fmt(gw_cpu > 0 ? applied / gw_cpu : -1).c_str(),
        fmt(double(counts.book_updates) / wall).c_str(),
        fmt(gw_cpu > 0 ? double(counts.book_updates) / gw_cpu : -1).c_str(),
        fmt(latency.quantile_us(0.50)).c_str(), fmt(latency.quantile_us(0.99)).c_str(),
        fmt(latency.quantile_us(0.999)).c_str(), fmt(latency.max_us()).c_str(),
        fmt(double(latency.count()) / 1000, 0).c_str(), fmt(double(rss_ready) / 1024, 1).c_str(),
        fmt(double(rss_end) / 1024, 1).c_str(), fmt(double(hwm) / 1024, 1).c_str(),
        fmt(double(rss_synced - rss_ready) / s.markets, 0).c_str(),
        fmt(100 * (b.feed_cpu - a.feed_cpu) / wall).c_str(),
        fmt(100 * (b.clients_cpu - a.clients_cpu) / wall).c_str(),
        fmt(100 * (b.self_cpu - a.self_cpu) / wall).c_str(), fmt(b.replaced - a.replaced).c_str(),
        fmt(double(counts.unmatched)).c_str(),
        (std::to_string(current) + "/" + std::to_string(pool.book_clients())).c_str(),
        load.c_str());
    std::cout << line << std::endl;
    if (result) {
      result->applied_per_s = applied / wall;
      result->cpu_pct = 100 * gw_cpu / wall;
      result->per_cpu_s = gw_cpu > 0 ? applied / gw_cpu : -1;
      result->p50 = latency.quantile_us(0.50);
      result->p99 = latency.quantile_us(0.99);
      result->p999 = latency.quantile_us(0.999);
      result->samples = double(latency.count());
      result->load = load;
    }
    const double integrity = b.integrity - a.integrity;
    if (pool.order_errors() > 0 || pool.closed() > 0 || counts.resets > 0 || integrity > 0)
      std::cout << "          ! integrity events " << integrity << ", order errors "
                << pool.order_errors() << ", connections closed " << pool.closed()
                << " (first close: " << pool.close_reason() << "), resets " << counts.resets
                << "\n";
    if (s.trades > 0)
      std::cout << "          trades: " << fmt(double(b.feed.trades - a.feed.trades) / wall)
                << "/s from the feed, " << fmt(double(counts.trade_messages) / wall)
                << " TRADE messages/s to clients\n";
    return true;
  }

  // The peer: ccxt pro's binance watchOrderBook in node on a feed like run()'s, one market. The
  // same window and joins as run(): diffs applied (from the book's nonce) per CPU-second of the
  // node process (/proc, as the gateway's), latency from the feed's send() to ccxt's resolve.
  // False with `skip` set when node or ccxt cannot run at all.
  bool run_peer(const Scenario& s, const std::string& ccxt_dir, const std::string& script,
                RunResult& result, std::string& skip) {
    std::string error;
    FeedOptions fo;
    fo.levels = s.levels;
    fo.grid = s.grid;
    auto feed = BinanceFeed::start(fo, error);
    if (!feed) {
      std::cerr << s.name << ": feed: " << error << "\n";
      return false;
    }
    feed->set_rate(s.rate > 0 ? s.rate : 100, 0);  // warm-up pace, as run()'s
    ChildProcess node;
    const std::string symbol = feed->symbol(0);
    if (!node.start(
            {"node", script, ccxt_dir, "http://127.0.0.1:" + std::to_string(feed->rest_port()),
             "ws://127.0.0.1:" + std::to_string(feed->ws_port()),
             symbol.substr(0, symbol.size() - 4) + "/USDT"},
            error)) {
      skip = error;
      return false;
    }
    auto fail = [&](const std::string& why) {
      std::cerr << "peer:ccxt: " << why << "\n";
      node.close_stdin();
      node.wait(2s);
      return false;
    };
    std::string line;
    if (!node.read_line(line, 60s)) return fail("no output within 60 s");
    auto synced = nlohmann::json::parse(line, nullptr, false);
    if (!synced.is_object() || synced.value("event", "") != "synced")
      return fail("expected the synced event, got: " + line.substr(0, 2000));
    feed->set_rate(s.rate, 0);
    std::this_thread::sleep_for(1s);  // settle at the scenario's rate
    const pid_t pid = node.pid();
    const std::string load = load_average();
    const double cpu_a = process_cpu_seconds(pid);
    const int64_t since = now_ns();
    node.write_line("begin");
    std::this_thread::sleep_for(std::chrono::milliseconds(long(s.seconds * 1000)));
    node.write_line("end");
    const int64_t until = now_ns();
    const double cpu_b = process_cpu_seconds(pid);
    feed->set_rate(-1, 0);
    if (!node.read_line(line, 30s)) return fail("no result within 30 s");
    node.close_stdin();
    node.wait(5s);
    auto r = nlohmann::json::parse(line, nullptr, false);
    if (!r.is_object() || r.value("event", "") != "result")
      return fail("expected the result, got: " + line.substr(0, 2000));
    const double wall = double(until - since) / 1e9;
    const double cpu = cpu_b - cpu_a;
    const auto u_begin = r.value("u_begin", uint64_t(0)), u_end = r.value("u_end", uint64_t(0));
    const double applied = u_end > u_begin ? double(u_end - u_begin) / double(kIdsPerDiff) : 0;
    Histogram latency;
    uint64_t unmatched = 0;
    const auto& us = r["u"];
    const auto& ts = r["t"];
    for (size_t i = 0; i < us.size() && i < ts.size(); ++i) {
      const int64_t sent = feed->sent_at(0, us[i].get<uint64_t>());
      if (sent < 0)
        ++unmatched;
      else if (sent >= since)
        latency.add(ts[i].get<int64_t>() - sent);
    }
    result.applied_per_s = applied / wall;
    result.cpu_pct = 100 * cpu / wall;
    result.per_cpu_s = cpu > 0 ? applied / cpu : -1;
    result.p50 = latency.quantile_us(0.50);
    result.p99 = latency.quantile_us(0.99);
    result.p999 = latency.quantile_us(0.999);
    result.samples = double(latency.count());
    result.load = load;
    char text[1024];
    std::snprintf(text, sizeof text,
                  "%-9s %5d %6d %3d %7s %4.0f | %9s %9s %6s %11s | %9s %11s | %6s %7s %7s %8s %6s "
                  "| node: %s resolves/s, own cpuUsage %s%%, unjoined %s | %s",
                  "peer:ccxt", 1, 1, s.levels, s.rate > 0 ? fmt(s.rate).c_str() : "flood", wall,
                  "-", fmt(result.applied_per_s).c_str(), fmt(result.cpu_pct).c_str(),
                  fmt(result.per_cpu_s).c_str(), "-", "-", fmt(result.p50).c_str(),
                  fmt(result.p99).c_str(), fmt(result.p999).c_str(), fmt(latency.max_us()).c_str(),
                  fmt(result.samples / 1000, 0).c_str(),
                  fmt(double(r.value("resolves", 0)) / wall).c_str(),
                  fmt(100 * r.value("cpu_s", 0.0) / wall).c_str(), fmt(double(unmatched)).c_str(),
                  load.c_str());
    std::cout << text << std::endl;
    return true;
  }
};

double median(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return x < 0; }), v.end());
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string ratio(double ours, double peer) {
  return ours > 0 && peer > 0 ? fmt(ours / peer, 2) : "-";
}

// The peer comparison: at each rate, `rounds` pairs of runs, ours then ccxt's, then the medians
// and the ratios ours / ccxt's. Our path has two hops (feed -> gateway -> client) and its CPU
// figure is the gateway process's; ccxt's is one hop and its CPU figure is node's.
bool run_peer_group(Harness& h, const Overrides& o, int rounds, const std::string& ccxt_dir,
                    const std::string& script) {
  if (ccxt_dir.empty()) {
    std::cout << "peer: skipped: no ccxt install given (--ccxt-dir; bench/run_loadgen.sh installs "
                 "ccxt@4.5.84 with npm)\n";
    return true;
  }
  if (!std::filesystem::is_regular_file(script)) {
    std::cout << "peer: skipped: no " << script << " (run from the repository's root, or pass "
              << "--peer-script)\n";
    return true;
  }
  {  // node runs and loads ccxt from the install, or the peer is skipped
    ChildProcess check;
    std::string error;
    if (!check.start({"node", "-e", "require(require.resolve('ccxt', {paths: [process.argv[1]]}))",
                      ccxt_dir},
                     error)) {
      std::cout << "peer: skipped: " << error << "\n";
      return true;
    }
    check.close_stdin();
    std::string line;
    while (check.read_line(line, 60s)) {
    }
    if (check.wait(1s) != 0) {
      std::cout << "peer: skipped: node cannot load ccxt from " << ccxt_dir << "\n";
      return true;
    }
  }
  std::vector<double> rates = {1000, 5000, 0};
  if (o.rate) rates = {*o.rate};
  bool ok = true;
  for (double rate : rates) {
    Scenario s{"peer:ours",          1, 1, 0, o.levels.value_or(20), o.grid.value_or(100), rate, 0,
               o.seconds.value_or(8)};
    std::vector<RunResult> ours, peer;
    for (int r = 0; r < rounds; ++r) {
      RunResult a, b;
      if (h.run(s, &a))
        ours.push_back(a);
      else
        ok = false;
      std::string skip;
      if (h.run_peer(s, ccxt_dir, script, b, skip)) {
        peer.push_back(b);
      } else if (!skip.empty()) {
        std::cout << "peer: skipped: " << skip << "\n";
        return ok;
      } else {
        ok = false;
      }
    }
    auto med = [](const std::vector<RunResult>& v, double RunResult::*field) {
      std::vector<double> x;
      for (const auto& r : v)
        x.push_back(r.*field);
      return median(x);
    };
    const double o_pc = med(ours, &RunResult::per_cpu_s), p_pc = med(peer, &RunResult::per_cpu_s);
    const double o_ap = med(ours, &RunResult::applied_per_s),
                 p_ap = med(peer, &RunResult::applied_per_s);
    const double o_50 = med(ours, &RunResult::p50), p_50 = med(peer, &RunResult::p50);
    const double o_99 = med(ours, &RunResult::p99), p_99 = med(peer, &RunResult::p99);
    std::cout << "peer medians, rate " << (rate > 0 ? fmt(rate) : "flood") << " (" << ours.size()
              << " ours, " << peer.size() << " ccxt): applied/s " << fmt(o_ap) << " vs "
              << fmt(p_ap) << " (x" << ratio(o_ap, p_ap) << "); applied per CPU-second (gateway "
              << "vs node) " << fmt(o_pc) << " vs " << fmt(p_pc) << " (x" << ratio(o_pc, p_pc)
              << "); latency p50 " << fmt(o_50) << " vs " << fmt(p_50) << " us (x"
              << ratio(o_50, p_50) << "), p99 " << fmt(o_99) << " vs " << fmt(p_99) << " us (x"
              << ratio(o_99, p_99) << ")\n";
  }
  return ok;
}

void print_header() {
  std::cout << "machine: " << std::thread::hardware_concurrency() << " CPUs, "
            << first_line_with("/proc/cpuinfo", "model name") << "\n";
  std::cout << "columns: feed diffs/s sent | gateway book events/s applied, gateway CPU %, "
               "applied per gateway CPU-second | client deliveries/s, per gateway CPU-second | "
               "latency feed send() -> client recv() in us (p50 p99 p99.9 max, samples k) | "
               "gateway RSS MB at ready, end, peak; kB per market from ready to synced | harness "
               "CPU %: feed thread, client thread, whole harness | snapshots replaced for slow "
               "clients, updates not joined, clients current after drain | load average\n";
  std::cout << "scenario   mkts conns lvl  rate/s secs |   sent/s  applied/s  gwCPU%  "
               "upd/gwCPUs |   deliv/s deliv/gwCPUs |    p50     p99   p99.9      max   n/k |  "
               "rssR   rssE    peak  kB/mkt | feed%  cli% harn% | repl  unj   current | load\n";
}

int usage() {
  std::cerr << "usage: astra-loadgen --scenario realistic|busy|ceiling|fanout|markets|peer|all "
               "[--rate N] [--clients N] [--markets N] [--levels 20|3] [--grid N] "
               "[--seconds S] [--repeat N] [--ccxt-dir DIR] [--rounds N] [--peer-script PATH]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string which;
  Overrides o;
  int repeat = 1;
  int rounds = 3;
  std::string ccxt_dir;
  // The peer script in the source tree (run from the repository's root, or --peer-script).
  std::string script = "bench/peer/ccxt_watch_orderbook.js";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return usage();
    const std::string v = argv[++i];
    try {
      if (arg == "--scenario")
        which = v;
      else if (arg == "--rate")
        o.rate = std::stod(v);
      else if (arg == "--seconds")
        o.seconds = std::stod(v);
      else if (arg == "--clients")
        o.clients = std::stoi(v);
      else if (arg == "--markets")
        o.markets = std::stoi(v);
      else if (arg == "--levels")
        o.levels = std::stoi(v);
      else if (arg == "--grid")
        o.grid = std::stoi(v);
      else if (arg == "--repeat")
        repeat = std::stoi(v);
      else if (arg == "--rounds")
        rounds = std::stoi(v);
      else if (arg == "--ccxt-dir")
        ccxt_dir = v;
      else if (arg == "--peer-script")
        script = v;
      else
        return usage();
    } catch (const std::exception&) {
      return usage();
    }
  }
  const auto list = scenarios(which, o);
  const bool peer = which == "peer" || which == "all";
  if ((list.empty() && !peer) || repeat < 1 || rounds < 1 ||
      (o.seconds && (*o.seconds <= 0 || *o.seconds > 600)) || (o.rate && *o.rate < 0) ||
      (o.clients && *o.clients < 1) || (o.markets && *o.markets < 1))
    return usage();
  // 1000 clients and 1000 gateway sessions: raise the descriptor limit (the child inherits it).
  rlimit nofile{};
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }
  Harness h;
  h.root = std::filesystem::temp_directory_path() / ("astra-loadgen-" + std::to_string(getpid()));
  print_header();
  bool ok = true;
  for (int r = 0; r < repeat; ++r)
    for (const Scenario& s : list)
      ok = h.run(s) && ok;
  if (peer) ok = run_peer_group(h, o, rounds, ccxt_dir, script) && ok;
  std::filesystem::remove_all(h.root);
  return ok ? 0 : 1;
}
