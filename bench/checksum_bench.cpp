// Venue book checksums as the connectors compute them: OKX CRC32 over the top 25 levels and Kraken
// CRC32 over the top 10, from the venue's own price/size text kept by sdk::L2Book. The books are
// the recorded OKX BTC-USDT session (400 levels a side) and its updates; Kraken's uses the same
// levels (the cost depends on the depth and the text lengths, not on the venue).
#include <benchmark/benchmark.h>
#include <astra/sdk/checksum.hpp>
#include <astra/sdk/l2_book.hpp>
#include <nlohmann/json.hpp>

#include "bench_data.hpp"

namespace {

using astra::sdk::BookSide;
using astra::sdk::L2Book;
using nlohmann::json;

const char* kOkxBooks = "fixtures/okx/ws_books_BTC-USDT_snapshot_plus_updates.jsonl";

struct Push {
  std::vector<std::pair<std::string, std::string>> bids, asks;
};

// The recorded snapshot and updates of OKX BTC-USDT, in order.
const std::vector<Push>& okx_pushes() {
  static const std::vector<Push> pushes = [] {
    std::vector<Push> out;
    for (const auto& line : astra::bench::shared_lines(kOkxBooks)) {
      const json m = json::parse(line, nullptr, false);
      if (!m.is_object() || !m.contains("data")) continue;
      const json& d = m["data"][0];
      Push p;
      for (const auto& l : d["bids"])
        p.bids.emplace_back(l[0].get<std::string>(), l[1].get<std::string>());
      for (const auto& l : d["asks"])
        p.asks.emplace_back(l[0].get<std::string>(), l[1].get<std::string>());
      out.push_back(std::move(p));
    }
    return out;
  }();
  return pushes;
}

void apply(L2Book& book, const Push& p) {
  for (const auto& [price, size] : p.bids)
    book.apply(BookSide::bid, price, size);
  for (const auto& [price, size] : p.asks)
    book.apply(BookSide::ask, price, size);
}

L2Book snapshot_book() {
  L2Book book;
  apply(book, okx_pushes().front());
  return book;
}

void BM_OkxChecksum25(benchmark::State& state) {
  if (okx_pushes().empty()) return state.SkipWithError(astra::bench::missing(kOkxBooks).c_str());
  const L2Book book = snapshot_book();
  for (auto _ : state)
    benchmark::DoNotOptimize(astra::sdk::okx_checksum(book));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OkxChecksum25);

void BM_KrakenChecksum10(benchmark::State& state) {
  if (okx_pushes().empty()) return state.SkipWithError(astra::bench::missing(kOkxBooks).c_str());
  const L2Book book = snapshot_book();
  for (auto _ : state)
    benchmark::DoNotOptimize(astra::sdk::kraken_checksum(book));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KrakenChecksum10);

// What the OKX connector does per `books` update besides decoding: apply the update's levels to
// the 400-level book, then checksum the top 25. Cycles through the recorded updates; the book is
// rebuilt from the snapshot (untimed) when they run out.
void BM_OkxApplyUpdateAndChecksum(benchmark::State& state) {
  const auto& pushes = okx_pushes();
  if (pushes.size() < 2) return state.SkipWithError(astra::bench::missing(kOkxBooks).c_str());
  L2Book book = snapshot_book();
  size_t next = 1;
  int64_t levels = 0;
  for (auto _ : state) {
    if (next == pushes.size()) {
      state.PauseTiming();
      book = snapshot_book();
      next = 1;
      state.ResumeTiming();
    }
    const Push& p = pushes[next++];
    apply(book, p);
    levels += int64_t(p.bids.size() + p.asks.size());
    benchmark::DoNotOptimize(astra::sdk::okx_checksum(book));
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["levels/update"] = benchmark::Counter(double(levels) / double(state.iterations()));
}
BENCHMARK(BM_OkxApplyUpdateAndChecksum);

}  // namespace

BENCHMARK_MAIN();
