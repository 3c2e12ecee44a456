// Reconnect pacing: exponential backoff with full jitter, per endpoint.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace astra::host {

struct BackoffPolicy {
  std::chrono::milliseconds base{250};
  std::chrono::milliseconds cap{30'000};
  std::chrono::milliseconds healthy_after{60'000};  // a connection this old resets the backoff
};

// The upper bound of the delay after `failures` consecutive failures: 0 for none, then
// min(cap, base * 2^(failures - 1)).
std::chrono::milliseconds backoff_ceiling(const BackoffPolicy& p, uint32_t failures) noexcept;
// Full jitter: unit_random (in [0, 1)) times the ceiling.
std::chrono::milliseconds backoff_delay(const BackoffPolicy& p, uint32_t failures,
                                        double unit_random) noexcept;

// Remembers, per endpoint, how the previous connections went.
class ReconnectPacer {
 public:
  using Clock = std::chrono::steady_clock;
  explicit ReconnectPacer(BackoffPolicy policy = {}) : policy_(policy) {}

  // How long to wait before opening a connection to `endpoint` now.
  std::chrono::milliseconds delay(const std::string& endpoint, double unit_random) const;
  // A connection failed to open. `paced_at`: failures(endpoint) when the attempt was paced; a
  // failure counts only if no other connection's failure was counted since, so connections to one
  // endpoint that fail together (a venue-wide disconnect) raise the backoff one step, not one per
  // connection. Without it every failure counts.
  void failed(const std::string& endpoint, std::optional<uint32_t> paced_at = std::nullopt);
  // A connection opened at `opened_at` ended at `now` (not closed by us); `paced_at` as above.
  // One that lived healthy_after or longer starts the backoff over at one step (a jittered
  // [0, base)), not at zero: connections dropped together then spread out.
  void ended(const std::string& endpoint, Clock::time_point opened_at, Clock::time_point now,
             std::optional<uint32_t> paced_at = std::nullopt);
  uint32_t failures(const std::string& endpoint) const;

 private:
  BackoffPolicy policy_;
  std::map<std::string, uint32_t> failures_;
};

}  // namespace astra::host
