// Prometheus metrics: counters, gauges and histograms, rendered in the text exposition format.
// Thread-safe: metrics are registered once (mutex) and updated with atomics on any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace astra::host {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void set(int64_t v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(int64_t d) noexcept { value_.fetch_add(d, std::memory_order_relaxed); }
  int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Fixed buckets (seconds), cumulative on render.
class Histogram {
 public:
  // Upper bounds in seconds, ascending (sorted and deduplicated if not); +Inf is implicit.
  explicit Histogram(std::vector<double> bounds);
  // 100 us to 10 s: request latencies of a gateway.
  static std::vector<double> default_bounds();
  void observe(double seconds) noexcept;
  const std::vector<double>& bounds() const noexcept { return bounds_; }
  uint64_t bucket(size_t i) const noexcept { return counts_[i].load(std::memory_order_relaxed); }
  uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
  double sum() const noexcept;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // one per bound, plus +Inf
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_ns_{0};
};

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Returns the metric for (name, labels), creating it on first use. References stay valid for
  // the registry's lifetime. Label order does not matter. A name or label name that Prometheus
  // does not accept, or a name registered before with another type, throws std::invalid_argument
  // (a programming error, caught by the first test that registers it).
  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
  // Bounds apply when the metric is created (default_bounds() when empty).
  Histogram& histogram(std::string_view name, std::string_view help, const Labels& labels = {},
                       std::vector<double> bounds = {});
  // Text exposition format 0.0.4.
  std::string render() const;

 private:
  struct Family;
  Family& family(std::string_view name, std::string_view help, const char* type);
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
};

}  // namespace astra::host
