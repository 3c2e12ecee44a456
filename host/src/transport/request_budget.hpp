// A venue's request budget: a token bucket in request weight, shared by every request the
// gateway makes to that venue, plus the venue's own "back off until" (HTTP 429/418 Retry-After).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace astra::host {

struct BudgetConfig {
  uint32_t weight = 1'000'000;  // generous by default: plugins pace themselves first
  std::chrono::milliseconds interval{60'000};
};

class RequestBudget {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RequestBudget(BudgetConfig config, Clock::time_point now = Clock::now());

  // Takes `weight` if the bucket holds it at `now` and no Retry-After block is in force.
  bool try_take(uint32_t weight, Clock::time_point now);
  // Refuses every request until `until` (the later of this and any earlier block).
  void block_until(Clock::time_point until);
  bool blocked(Clock::time_point now) const noexcept { return now < blocked_until_; }
  double available(Clock::time_point now);

 private:
  void refill(Clock::time_point now);
  BudgetConfig config_;
  double tokens_;
  Clock::time_point last_;
  Clock::time_point blocked_until_{};
};

// Retry-After as a delay: delta-seconds, or an HTTP date relative to `now` (system clock).
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now);

}  // namespace astra::host
