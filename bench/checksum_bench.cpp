// Venue book checksums as the connectors compute them: OKX CRC32 over the top 25 levels and Kraken
// CRC32 over the top 10, from the venue's own price/size text kept by sdk::L2Book. The books are
// the recorded OKX BTC-USDT session (400 levels a side) and its updates; Kraken's uses the same
// levels (the cost depends on the depth and the text lengths, not on the venue).
#include <benchmark/benchmark.h>
#include <astra/sdk/checksum.hpp>
#include <astra/sdk/l2_book.hpp>

#include "bench_data.hpp"

namespace {

using astra::bench::kOkxBooks;
using astra::bench::okx_pushes;
using astra::bench::Push;
using astra::sdk::BookSide;
using astra::sdk::L2Book;

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
