#include "transport/backoff.hpp"

#include <algorithm>

namespace astra::host {

std::chrono::milliseconds backoff_ceiling(const BackoffPolicy& p, uint32_t failures) noexcept {
  if (failures == 0) return std::chrono::milliseconds(0);
  const uint32_t shift = std::min<uint32_t>(failures - 1, 30);
  const int64_t raw = p.base.count() * (int64_t{1} << shift);
  return std::chrono::milliseconds(std::min<int64_t>(raw, p.cap.count()));
}

std::chrono::milliseconds backoff_delay(const BackoffPolicy& p, uint32_t failures,
                                        double unit_random) noexcept {
  const double u = std::clamp(unit_random, 0.0, 1.0);
  const auto ceiling = backoff_ceiling(p, failures).count();
  return std::chrono::milliseconds(
      std::min<int64_t>(static_cast<int64_t>(u * static_cast<double>(ceiling)), ceiling));
}

std::chrono::milliseconds ReconnectPacer::delay(const std::string& endpoint,
                                                double unit_random) const {
  return backoff_delay(policy_, failures(endpoint), unit_random);
}

void ReconnectPacer::failed(const std::string& endpoint, std::optional<uint32_t> paced_at) {
  if (paced_at && failures(endpoint) != *paced_at) return;  // counted by a sibling already
  ++failures_[endpoint];
}

void ReconnectPacer::ended(const std::string& endpoint, Clock::time_point opened_at,
                           Clock::time_point now, std::optional<uint32_t> paced_at) {
  if (now - opened_at >= policy_.healthy_after) {
    // Healthy, then dropped (often the venue dropping every connection at once): the backoff
    // starts over at one step, a jittered [0, base), not at zero, so siblings dropped together
    // spread out instead of reconnecting in lockstep. A sibling that counted since keeps its count.
    if (paced_at && failures(endpoint) != *paced_at) return;
    failures_[endpoint] = 1;
  } else {
    failed(endpoint, paced_at);
  }
}

uint32_t ReconnectPacer::failures(const std::string& endpoint) const {
  auto it = failures_.find(endpoint);
  return it == failures_.end() ? 0 : it->second;
}

}  // namespace astra::host
