// N gateway WebSocket clients on one thread (raw sockets, epoll): each reads one market's
// ORDERBOOK (or TRADE) stream, checks that update ids increase, and joins every update to the
// feed's send time by (market, updateId) into a latency histogram.
#pragma once

#include "feed.hpp"
#include "wire.hpp"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace astra::loadgen {

// Latency in 1 µs buckets up to 100 ms, beyond that one overflow bucket (and the maximum).
class Histogram {
 public:
  Histogram() : counts_(kBuckets, 0) {}
  void add(int64_t ns) {
    const int64_t us = ns < 0 ? 0 : ns / 1000;
    if (us < int64_t(kBuckets))
      ++counts_[size_t(us)];
    else
      ++overflow_;
    ++n_;
    if (ns > max_ns_) max_ns_ = ns;
  }
  void clear() {
    std::fill(counts_.begin(), counts_.end(), 0);
    overflow_ = n_ = 0;
    max_ns_ = 0;
  }
  uint64_t count() const { return n_; }
  double max_us() const { return double(max_ns_) / 1000.0; }
  // The upper edge (µs) of the bucket holding quantile q; -1 without samples.
  double quantile_us(double q) const {
    if (n_ == 0) return -1;
    const auto rank = uint64_t(q * double(n_ - 1)) + 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen >= rank) return double(i + 1);
    }
    return max_us();
  }

 private:
  static constexpr size_t kBuckets = 100000;
  std::vector<uint64_t> counts_;
  uint64_t overflow_ = 0, n_ = 0;
  int64_t max_ns_ = 0;
};

struct ClientSpec {
  int market = 0;
  bool trades = false;  // TRADE instead of ORDERBOOK
};

// What the clients saw during one measurement window.
struct WindowCounts {
  uint64_t book_updates = 0;  // ORDERBOOK updates (not snapshots) received
  uint64_t snapshots = 0;     // snapshots received (a replaced backlog counts here)
  uint64_t trade_messages = 0;
  uint64_t resets = 0;
  uint64_t unmatched = 0;  // updates whose send time was not found (not sent, or slot reused)
  uint64_t bytes = 0;
};

class ClientPool {
 public:
  explicit ClientPool(const BinanceFeed& feed) : feed_(feed) {}
  ~ClientPool();
  ClientPool(const ClientPool&) = delete;
  ClientPool& operator=(const ClientPool&) = delete;

  // Starts the reading thread and connects every client (blocking, bounded by `timeout`
  // overall); false with a message.
  bool connect(int port, const std::string& api_key, const std::vector<ClientSpec>& specs,
               std::chrono::milliseconds timeout, std::string& error);
  void stop();

  size_t book_clients() const { return book_clients_.load(); }
  size_t with_snapshot() const { return with_snapshot_.load(); }
  // Book clients whose last update id is the feed's last u of their market.
  size_t current() const;
  // Protocol problems since the start: an update before a snapshot, an id that did not increase,
  // a connection closed by the gateway.
  uint64_t order_errors() const { return order_errors_.load(); }
  uint64_t closed() const { return closed_.load(); }
  // The code and reason of the first close frame the gateway sent, if any.
  std::string close_reason() const {
    std::lock_guard lock(close_mutex_);
    return close_reason_;
  }

  // Starts a window: updates sent at or after `since_ns` enter the histogram.
  void begin_window(int64_t since_ns);
  // Ends it and returns what was counted (waits, bounded, until the client thread has let go).
  WindowCounts end_window(Histogram& latency);

  std::thread::native_handle_type thread_handle() { return thread_.native_handle(); }

 private:
  struct Client {
    int fd = -1;
    int market = 0;
    bool trades = false;
    bool have_snapshot = false;
    bool open = true;
    uint64_t last_id = 0;
    std::string in;
    size_t in_used = 0;
    std::string message;
  };

  void run();
  void read_client(Client& c, size_t index);
  void on_message(Client& c, size_t index, std::string_view text, int64_t received);

  const BinanceFeed& feed_;
  std::vector<Client> clients_;
  std::unique_ptr<std::atomic<uint64_t>[]> last_ids_;  // per client, for current()
  std::atomic<size_t> book_clients_{0};
  int epoll_fd_ = -1;
  std::thread thread_;
  std::atomic<bool> stopping_{false};

  std::atomic<bool> measuring_{false};
  std::atomic<int64_t> since_ns_{0};
  std::atomic<uint64_t> end_request_{0}, end_ack_{0};
  Histogram histogram_;  // client thread while measuring
  WindowCounts counts_;  // likewise

  std::atomic<size_t> with_snapshot_{0};
  std::atomic<uint64_t> order_errors_{0}, closed_{0};
  mutable std::mutex close_mutex_;
  std::string close_reason_;
};

}  // namespace astra::loadgen
