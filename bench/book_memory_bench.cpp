// Memory per market with 1,000 levels a side (issue 6: "<= 1 MB per market ... above a base of
// <= 32 MB"). Each iteration builds N markets' books from a real 1000+1000-level snapshot (the
// recorded Binance USD-M SUSHIUSDT depth, limit 1000) and reports the heap they hold, measured as
// the change of glibc's mallinfo2().uordblks (bytes in use, malloc's own overhead included), so
// the figure is what the process really pays, not sizeof arithmetic. Two copies exist per market:
//   core: the gateway's core::BookStore (one MarketBook: name, core::OrderBook vectors, map node),
//         filled through BookStore::apply with a SNAPSHOT event, as the host does;
//   l2:   the plugin-side sdk::L2Book that checksum venues (OKX, Kraken, Coinbase) keep, with the
//         venue's text per level, filled with apply() per level as those plugins do.
// The input levels are built before the measurement and are not counted. Counters: bytes_per_market
// (heap in use / N), bytes_per_level (/ 2000 levels), rss_per_market (resident-set change / N,
// from /proc/self/statm: pages actually touched).
#include <benchmark/benchmark.h>
#include <astra/core/book_store.hpp>
#include <astra/sdk/decimal.hpp>
#include <astra/sdk/l2_book.hpp>

#include <malloc.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "bench_data.hpp"

namespace {

constexpr const char* kSnapshot = "fixtures/binance/usdm_depth_snapshot_SUSHIUSDT_limit1000.json";
constexpr int kMarkets = 1000;

struct Side {
  std::vector<std::pair<std::string, std::string>> text;
  std::vector<astra_book_level> levels;
};
struct Snapshot {
  Side bids, asks;
};

const Snapshot& snapshot() {
  static const Snapshot snap = [] {
    Snapshot s;
    const auto path = astra::test::shared_file(kSnapshot);
    if (path.empty()) return s;
    std::ifstream in(path);
    const auto doc = nlohmann::json::parse(in, nullptr, false);
    if (!doc.is_object()) return s;
    for (auto [side, name] : {std::pair{&s.bids, "bids"}, std::pair{&s.asks, "asks"}}) {
      for (const auto& l : doc[name]) {
        side->text.emplace_back(l[0].get<std::string>(), l[1].get<std::string>());
        astra_book_level level{};
        astra::sdk::parse_decimal(side->text.back().first, level.price);
        astra::sdk::parse_decimal(side->text.back().second, level.quantity);
        side->levels.push_back(level);
      }
    }
    return s;
  }();
  return snap;
}

size_t heap_in_use() {
  return mallinfo2().uordblks;
}

size_t rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

std::string market_name(int i) {
  return "BINANCE-PERP-M" + std::to_string(i) + "-USDT";
}

void report(benchmark::State& state, size_t heap, size_t rss) {
  const Snapshot& s = snapshot();
  const double levels = double(s.bids.levels.size() + s.asks.levels.size());
  state.counters["bytes_per_market"] = double(heap) / kMarkets;
  state.counters["bytes_per_level"] = double(heap) / kMarkets / levels;
  state.counters["rss_per_market"] = double(rss) / kMarkets;
  state.counters["levels"] = levels;
}

void BM_CoreBookStoreMemory(benchmark::State& state) {
  const Snapshot& s = snapshot();
  if (s.bids.levels.empty()) {
    state.SkipWithError(astra::bench::missing(kSnapshot).c_str());
    return;
  }
  std::vector<std::string> names;
  for (int i = 0; i < kMarkets; ++i)
    names.push_back(market_name(i));
  for (auto _ : state) {
    malloc_trim(0);
    const size_t heap0 = heap_in_use(), rss0 = rss_bytes();
    auto store = std::make_unique<astra::core::BookStore>();
    for (const auto& name : names) {
      astra_book_event e{};
      e.struct_size = sizeof e;
      e.kind = ASTRA_BOOK_SNAPSHOT;
      e.market = {name.data(), name.size()};
      e.update_id = 1;
      e.bids = s.bids.levels.data();
      e.bid_count = s.bids.levels.size();
      e.asks = s.asks.levels.data();
      e.ask_count = s.asks.levels.size();
      if (store->apply(e).kind != astra::core::BookChange::snapshot) {
        state.SkipWithError("the snapshot was not applied");
        return;
      }
    }
    report(state, heap_in_use() - heap0, rss_bytes() - rss0);
    benchmark::DoNotOptimize(store->size());
  }
}

void BM_PluginL2BookMemory(benchmark::State& state) {
  const Snapshot& s = snapshot();
  if (s.bids.levels.empty()) {
    state.SkipWithError(astra::bench::missing(kSnapshot).c_str());
    return;
  }
  using astra::sdk::BookSide;
  for (auto _ : state) {
    malloc_trim(0);
    const size_t heap0 = heap_in_use(), rss0 = rss_bytes();
    auto books = std::make_unique<std::vector<astra::sdk::L2Book>>(kMarkets);
    for (auto& book : *books) {
      for (const auto& [p, q] : s.bids.text)
        book.apply(BookSide::bid, p, q);
      for (const auto& [p, q] : s.asks.text)
        book.apply(BookSide::ask, p, q);
    }
    if (books->front().size(BookSide::bid) != s.bids.text.size()) {
      state.SkipWithError("the snapshot was not applied");
      return;
    }
    report(state, heap_in_use() - heap0, rss_bytes() - rss0);
    benchmark::DoNotOptimize(books->size());
  }
}

BENCHMARK(BM_CoreBookStoreMemory)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PluginL2BookMemory)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
