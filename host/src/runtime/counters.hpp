// Per-market integrity counters reported by a connector (ASTRA_COUNT_*): read by the replay
// summary and by metrics. Engine-thread data: read it on the engine thread.
#pragma once

#include <astra/connector.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace astra::host {

struct IntegrityCounters {
  uint64_t checksum_ok = 0;
  uint64_t checksum_failures = 0;
  uint64_t gaps = 0;
  uint64_t resyncs = 0;
  uint64_t bad_frames = 0;
  uint64_t stale_dropped = 0;

  // Adds n to the counter named by an ASTRA_COUNT_* value; false for an unknown counter.
  bool add(uint32_t counter, uint64_t n) noexcept {
    switch (counter) {
      case ASTRA_COUNT_CHECKSUM_OK:
        checksum_ok += n;
        return true;
      case ASTRA_COUNT_CHECKSUM_FAILURE:
        checksum_failures += n;
        return true;
      case ASTRA_COUNT_GAP:
        gaps += n;
        return true;
      case ASTRA_COUNT_RESYNC:
        resyncs += n;
        return true;
      case ASTRA_COUNT_BAD_FRAME:
        bad_frames += n;
        return true;
      case ASTRA_COUNT_STALE_DROPPED:
        stale_dropped += n;
        return true;
      default:
        return false;
    }
  }
};

class VenueCounters {
 public:
  // Called for every count; e.g. to feed metrics. Optional.
  using Observer = std::function<void(uint32_t counter, std::string_view market, uint64_t n)>;

  void set_observer(Observer observer) { observer_ = std::move(observer); }

  void add(uint32_t counter, std::string_view market, uint64_t n) {
    if (!total_.add(counter, n)) return;
    if (!market.empty()) {
      auto it = by_market_.find(market);
      if (it == by_market_.end())
        it = by_market_.emplace(std::string(market), IntegrityCounters{}).first;
      it->second.add(counter, n);
    }
    if (observer_) observer_(counter, market, n);
  }

  const IntegrityCounters& total() const noexcept { return total_; }
  const std::map<std::string, IntegrityCounters, std::less<>>& by_market() const noexcept {
    return by_market_;
  }

 private:
  IntegrityCounters total_;
  std::map<std::string, IntegrityCounters, std::less<>> by_market_;
  Observer observer_;
};

}  // namespace astra::host
