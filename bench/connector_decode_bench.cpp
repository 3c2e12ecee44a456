// Per-connector decode cost: one depth update and one trade message through each venue's plugin
// (the built .so, loaded through the C ABI) driven by the SDK FakeHost, on real recordings.
//
// What is timed, exactly: one benchmark iteration replays a whole recorded session
// (../shared/recordings/<venue>*.capture.jsonl) into a fresh plugin instance, in recorded order,
// with the venue's own REST snapshots, so every book stays in sequence (0 gaps, 0 resyncs: the
// `resets` counter proves it). Only the on_ws_message calls of one kind are timed, each on its own
// with steady_clock (the clock_ns counter says what that adds):
//   depth: calls that emitted book UPDATE events and no snapshot (a diff applied in sync:
//          parse, sequence check, checksum where the venue has one, plugin-side book, emit);
//   trade: calls that emitted trade events.
// Instance creation, the market list, subscriptions, snapshot frames and all other frames run
// untimed. The iteration time is the sum of the timed calls (manual time); the CPU column is the
// whole replay, setup included. Counters:
//   msgs      timed messages per replay     us_per_msg  mean time of one of them
//   msgs_per_s  1e6 / us_per_msg            levels      mean changed levels (bids+asks) each
//   resets    RESET events per replay (gaps, checksum failures): 0 means no resync was timed
//   clock_ns  an empty timed window (two clock reads): included in us_per_msg, not subtracted
// The emit cost includes the FakeHost copying each event into its records (the real host applies
// it to its book store instead). HTX frames are gzip: decompression is inside the timed call.
// Message sizes are the recordings' real ones (the `levels` counter), not a 20+20 shape.
#include <benchmark/benchmark.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "bench_data.hpp"
#include "capture_replay.hpp"

namespace {

using astra::bench::Capture;
using astra::bench::CaptureReplay;
using astra::sdk::testing::FakeHost;
using astra::sdk::testing::PluginLibrary;

struct Recording {
  const char* venue;
  const char* capture;   // under recordings/
  const char* settings;  // the feed / protocol version the recording speaks (as the replay tests)
};

enum class Kind { depth, trade };

const PluginLibrary& plugin(const std::string& venue) {
  static std::map<std::string, std::unique_ptr<PluginLibrary>> libs;
  auto& lib = libs[venue];
  if (!lib)
    lib = std::make_unique<PluginLibrary>(
        PluginLibrary::open(std::string(ASTRA_PLUGIN_DIR) + "/" + venue + ".so"));
  return *lib;
}

const Capture& capture(const std::string& relative) {
  static std::map<std::string, Capture> loaded;
  auto it = loaded.find(relative);
  if (it == loaded.end()) {
    const auto path = astra::test::shared_file(relative);
    it =
        loaded.emplace(relative, path.empty() ? Capture{} : astra::bench::load_capture(path)).first;
  }
  return it->second;
}

// What an empty timed window costs here (two steady_clock reads back to back): the part of
// us_per_msg that is the measurement itself.
double clock_overhead_ns() {
  constexpr int kReads = 100000;
  double total = 0;
  for (int i = 0; i < kReads; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto t1 = std::chrono::steady_clock::now();
    total += std::chrono::duration<double, std::nano>(t1 - t0).count();
  }
  return total / kReads;
}

void BM_Decode(benchmark::State& state, Recording rec, Kind kind) {
  const std::string relative = std::string("recordings/") + rec.capture;
  const Capture& cap = capture(relative);
  if (cap.conns.empty()) {
    state.SkipWithError(astra::bench::missing(relative).c_str());
    return;
  }
  const PluginLibrary* lib = nullptr;
  try {
    lib = &plugin(rec.venue);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  uint64_t msgs = 0, levels = 0, resets = 0, replays = 0;
  double seconds = 0;
  for (auto _ : state) {
    FakeHost host(lib->api(), cap.start_us);
    CaptureReplay replay(cap, host);
    std::string error;
    if (replay.start(rec.settings, &error).empty()) {
      state.SkipWithError(("setup failed: " + error).c_str());
      return;
    }
    double timed = 0;
    replay.run([&](const std::function<void()>& deliver) {
      const size_t books_before = host.books().size();
      const size_t trades_before = host.trades().size();
      const auto t0 = std::chrono::steady_clock::now();
      deliver();
      const auto t1 = std::chrono::steady_clock::now();
      bool update = false, snapshot = false;
      uint64_t changed = 0;
      for (size_t i = books_before; i < host.books().size(); ++i) {
        const auto& b = host.books()[i];
        update |= b.kind == ASTRA_BOOK_UPDATE;
        snapshot |= b.kind == ASTRA_BOOK_SNAPSHOT;
        resets += b.kind == ASTRA_BOOK_RESET;
        changed += b.bids.size() + b.asks.size();
      }
      const bool trade = host.trades().size() > trades_before;
      const bool counted = kind == Kind::depth ? update && !snapshot : trade;
      if (!counted) return;
      ++msgs;
      if (kind == Kind::depth) levels += changed;
      timed += std::chrono::duration<double>(t1 - t0).count();
    });
    state.SetIterationTime(timed);
    seconds += timed;
    ++replays;
  }
  if (msgs == 0) {
    state.SkipWithError("the recording produced no message of this kind");
    return;
  }
  state.counters["msgs"] = double(msgs) / double(replays);
  state.counters["clock_ns"] = clock_overhead_ns();
  state.counters["us_per_msg"] = seconds * 1e6 / double(msgs);
  state.counters["msgs_per_s"] = double(msgs) / seconds;
  state.counters["resets"] = double(resets) / double(replays);
  if (kind == Kind::depth) state.counters["levels"] = double(levels) / double(msgs);
}

// One recording per venue; settings as tests/e2e/replay_acceptance_test.cpp and
// kucoin_replay_test.cpp replay them.
const Recording kBinance{"binance", "binance-usdm.capture.jsonl", "{}"};
const Recording kOkx{"okx", "okx-books.capture.jsonl", "{}"};
const Recording kKrakenBook{"kraken", "kraken-spot-book.capture.jsonl",
                            R"({"families":["spot"],"spot":{"ws":"wss://ws.kraken.com"}})"};
const Recording kKrakenTrades{"kraken", "kraken-spot-trades.capture.jsonl",
                              R"({"families":["spot"],"spot":{"ws":"wss://ws.kraken.com"}})"};
const Recording kCoinbase{
    "coinbase", "coinbase-exchange.capture.jsonl",
    R"({"feed":"exchange","exchange_book_channel":"level2","ws":"wss://ws-feed.pro.coinbase.com"})"};
const Recording kKucoin{
    "kucoin", "kucoin-spot.capture.jsonl",
    R"({"families":["spot"],"spot":{"symbols":"v1","ws":"wss://push-private.kucoin.com/endpoint"},"snapshot_depth":"full"})"};
const Recording kHuobi{"huobi", "huobi-spot.capture.jsonl", R"({"families":["spot"]})"};

// Whole replays per run (a fixed count: each replay also runs seconds-long untimed setup work, so
// Google Benchmark's time-based iteration count would take minutes).
constexpr int kReplays = 50;

#define ASTRA_DECODE_BENCH(name, rec, kind)     \
  BENCHMARK_CAPTURE(BM_Decode, name, rec, kind) \
      ->UseManualTime()                         \
      ->Iterations(kReplays)                    \
      ->Unit(benchmark::kMicrosecond)

ASTRA_DECODE_BENCH(binance_depth, kBinance, Kind::depth);
ASTRA_DECODE_BENCH(binance_trade, kBinance, Kind::trade);
ASTRA_DECODE_BENCH(okx_depth, kOkx, Kind::depth);
ASTRA_DECODE_BENCH(okx_trade, kOkx, Kind::trade);
ASTRA_DECODE_BENCH(kraken_depth, kKrakenBook, Kind::depth);
ASTRA_DECODE_BENCH(kraken_trade, kKrakenTrades, Kind::trade);
ASTRA_DECODE_BENCH(coinbase_depth, kCoinbase, Kind::depth);
ASTRA_DECODE_BENCH(coinbase_trade, kCoinbase, Kind::trade);
ASTRA_DECODE_BENCH(kucoin_depth, kKucoin, Kind::depth);
ASTRA_DECODE_BENCH(kucoin_trade, kKucoin, Kind::trade);
ASTRA_DECODE_BENCH(huobi_depth, kHuobi, Kind::depth);
ASTRA_DECODE_BENCH(huobi_trade, kHuobi, Kind::trade);

}  // namespace

BENCHMARK_MAIN();
