// The gateway's own per-update work, independent of the venue: applying a book event to the
// core book, encoding the client message once (it is then fanned out as one shared buffer), and
// parsing a market symbol. Levels are real: the recorded OKX BTC-USDT snapshot (400 a side) and
// its updates.
#include <benchmark/benchmark.h>
#include <astra/core/messages.hpp>
#include <astra/core/order_book.hpp>
#include <astra/core/symbol.hpp>
#include <astra/sdk/decimal.hpp>

#include "bench_data.hpp"

namespace {

using astra::core::Level;

using astra::bench::kOkxBooks;

struct Event {
  std::vector<Level> bids, asks;
};

std::vector<Level> levels_of(const std::vector<std::pair<std::string, std::string>>& text) {
  std::vector<Level> out;
  for (const auto& [price, quantity] : text) {
    Level level{};
    astra::sdk::parse_decimal(price, level.price);
    astra::sdk::parse_decimal(quantity, level.quantity);
    out.push_back(level);
  }
  return out;
}

// The recorded pushes as core levels (decimal), converted once.
const std::vector<Event>& events() {
  static const std::vector<Event> all = [] {
    std::vector<Event> out;
    for (const auto& p : astra::bench::okx_pushes())
      out.push_back(Event{levels_of(p.bids), levels_of(p.asks)});
    return out;
  }();
  return all;
}

// The first n levels a side of the snapshot: a synthetic n+n update made of real levels.
Event top_of_snapshot(size_t n) {
  const Event& s = events().front();
  return Event{{s.bids.begin(), s.bids.begin() + long(std::min(n, s.bids.size()))},
               {s.asks.begin(), s.asks.begin() + long(std::min(n, s.asks.size()))}};
}

void BM_CoreBookApplyRecordedUpdates(benchmark::State& state) {
  if (events().size() < 2) return state.SkipWithError(astra::bench::missing(kOkxBooks).c_str());
  astra::core::OrderBook book;
  book.apply_snapshot(events()[0].bids, events()[0].asks);
  size_t next = 1;
  for (auto _ : state) {
    if (next == events().size()) next = 1;  // replaying again keeps the book the same size
    const Event& e = events()[next++];
    book.apply_update(e.bids, e.asks);
    benchmark::DoNotOptimize(book.best_bid());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CoreBookApplyRecordedUpdates);

// An n+n-level update (levels that already exist: quantity changes in place) on the 400-level
// book: n = 20 is the "20+20-level" shape, n = 3 the small one.
void BM_CoreBookApplyNPlusN(benchmark::State& state) {
  if (events().empty()) return state.SkipWithError(astra::bench::missing(kOkxBooks).c_str());
  astra::core::OrderBook book;
  book.apply_snapshot(events()[0].bids, events()[0].asks);
  const Event update = top_of_snapshot(size_t(state.range(0)));
  for (auto _ : state) {
    book.apply_update(update.bids, update.asks);
    benchmark::DoNotOptimize(book.best_bid());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CoreBookApplyNPlusN)->Arg(3)->Arg(20);

void BM_EncodeBookMessage(benchmark::State& state) {
  if (events().empty()) return state.SkipWithError(astra::bench::missing(kOkxBooks).c_str());
  const Event update = top_of_snapshot(size_t(state.range(0)));
  uint64_t id = 1;
  size_t bytes = 0;
  for (auto _ : state) {
    std::string m = astra::core::encode_book_message("OKX-SPOT-BTC-USDT", false, ++id,
                                                     1650000000000000, update.bids, update.asks);
    bytes += m.size();
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(int64_t(bytes));
}
BENCHMARK(BM_EncodeBookMessage)->Arg(3)->Arg(20);

void BM_ParseSymbol(benchmark::State& state) {
  const std::string symbols[] = {"BINANCE-SPOT-BTC-USDT", "BINANCE-PERP-BTC-USD-COINM",
                                 "OKX-OPT-BTC-USD-241227-50000-C",
                                 "KRAKEN-FUT-XBT-USD-210924-COINM"};
  size_t i = 0;
  for (auto _ : state) {
    auto parsed = astra::core::parse_symbol(symbols[i++ & 3]);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseSymbol);

}  // namespace

BENCHMARK_MAIN();
