// The embeddable gateway: venues, their market lists, the canonical books, and the subscription
// hub that fans each event out to every subscriber as one shared, immutable, pre-encoded buffer.
//
// THREADING: a Gateway and its venues live on one thread (the engine). Every member is called
// from it, except orderbook_from_snapshot() which any thread may call; Subscriber::deliver is
// called from it and must not block.
#pragma once

#include <astra/core/book_snapshots.hpp>
#include <astra/core/book_store.hpp>
#include <astra/core/messages.hpp>
#include <astra/core/result.hpp>
#include <astra/core/venue.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace astra::core {

enum class MessageKind { book_snapshot, book_update, book_reset, trades };

class Subscriber {
 public:
  virtual ~Subscriber() = default;
  // One message for this subscriber. update_id is the book's updateId (0 for trades/reset).
  virtual void deliver(const std::shared_ptr<const std::string>& message, MessageKind kind,
                       uint64_t update_id) = 0;
};

// Timers for the engine thread (host: Asio; tests: manual). after() never runs the task inline.
class Scheduler {
 public:
  virtual ~Scheduler() = default;
  virtual void after(std::chrono::milliseconds delay, std::function<void()> task) = 0;
  virtual int64_t now_us() const = 0;
};

struct GatewayOptions {
  // Keep an upstream subscription this long after its last subscriber left, so a reconnecting
  // client does not cost a venue resubscription and a new snapshot.
  std::chrono::milliseconds unsubscribe_linger{5000};
};

struct GatewayStats {
  uint64_t book_events = 0;
  uint64_t trade_events = 0;
  uint64_t messages_encoded = 0;
  uint64_t deliveries = 0;
  uint64_t resyncs_requested = 0;
  uint64_t crossed_books = 0;
};

using SubscriptionId = uint64_t;

class Gateway {
 public:
  Gateway(GatewayOptions options, Scheduler& scheduler);
  ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // Venues. A second venue with the same exchange code is refused (code "duplicate_venue").
  Result<Venue*> add_venue(std::unique_ptr<Venue> venue);
  Venue* venue(std::string_view exchange) const noexcept;
  std::vector<Venue*> venues() const;

  // Loads (or reloads) a venue's market list; done gets the list JSON or the error.
  void refresh_markets(std::string_view exchange, Callback done);
  // Markets of one exchange as a JSON array (the cached list), or an error: unknown exchange
  // (404, "unknown_exchange"), list not loaded yet (503, "markets_unavailable").
  Result<std::shared_ptr<const std::string>> markets_json(std::string_view exchange) const;
  // True when the market is in the venue's cached list.
  bool known_market(std::string_view market) const;

  // Venue events (called by venue adapters).
  void on_book(const astra_book_event& event);
  void on_trades(const astra_trade_event& event);

  // REST order book: from the live book when streaming and in sync, else the venue's REST
  // snapshot. Validates the symbol (400 bad_symbol), the exchange and market (404; 503
  // markets_unavailable before the list is loaded) and depth (0: 100; above 5000: 400 bad_depth).
  // Either way the result is encode_orderbook_json's format: the venue's answer is re-encoded
  // (sorted, exact numbers, depth applied); a malformed or crossed one is 502 bad_upstream_book.
  // Errors reach done as {"code","message"} (encode_error_body).
  void orderbook(std::string_view market, uint32_t depth, Callback done);
  // The same answer as orderbook() would give, from ANY thread, when it comes from memory: the
  // market is streaming and in sync, was asked for through orderbook() since it started
  // streaming (that call validates it and makes the engine publish a snapshot of the book on
  // every change from then on), and depth is covered (up to kSnapshotDepth levels per side, or
  // the whole book). nullopt otherwise: then call orderbook() on the engine thread.
  // A book that is reset or out of sync is never served here: its snapshot is withdrawn by the
  // same engine call that takes it out of sync.
  std::optional<std::string> orderbook_from_snapshot(std::string_view market, uint32_t depth) const;
  static constexpr uint32_t kSnapshotDepth = 100;  // the default depth

  // Adds a subscriber. The first subscriber of a (market, type) subscribes the venue; if the
  // book is already in sync the subscriber gets a snapshot message at once.
  Result<SubscriptionId> subscribe(std::string_view market, DataType type,
                                   std::shared_ptr<Subscriber> subscriber);
  void unsubscribe(SubscriptionId id);
  // A fresh snapshot message for a market in sync (for a subscriber that fell behind); nullptr
  // when the book is not in sync (a snapshot will be delivered when it is).
  std::shared_ptr<const std::string> snapshot_message(std::string_view market,
                                                      uint64_t* update_id) const;

  const BookStore& books() const noexcept { return books_; }
  const GatewayStats& stats() const noexcept { return stats_; }
  size_t subscriber_count() const noexcept;

 private:
  struct Topic;  // one (market, data type): its subscribers and upstream state
  Topic* find_topic(std::string_view market, DataType type) const;
  Result<Venue*> check_market(std::string_view market) const;
  void schedule_release(const std::string& key, uint64_t generation);
  void release_topic(const std::string& key, uint64_t generation);
  void publish(Topic& topic, const std::shared_ptr<const std::string>& msg, MessageKind kind,
               uint64_t update_id);
  std::shared_ptr<const std::string> snapshot_of(Topic& topic, const MarketBook& book) const;
  // Publishes the book for orderbook_from_snapshot() when it is in sync, else withdraws it.
  void refresh_rest_snapshot(const Topic& topic, const MarketBook* book);

  GatewayOptions options_;
  Scheduler& scheduler_;
  std::vector<std::unique_ptr<Venue>> venues_;
  std::map<std::string, std::shared_ptr<const std::string>, std::less<>> markets_;  // by exchange
  std::map<std::string, std::vector<std::string>, std::less<>> market_symbols_;     // sorted
  BookStore books_;
  BookSnapshots rest_snapshots_;                                       // read by any thread
  std::map<std::string, std::unique_ptr<Topic>, std::less<>> topics_;  // key: market|type
  std::map<SubscriptionId, std::string> subscriptions_;                // id -> topic key
  SubscriptionId next_id_ = 1;
  GatewayStats stats_;
  // Reused buffers (engine thread only): topic key lookups and book levels for encoding.
  mutable std::string key_buf_;
  mutable std::vector<Level> bid_buf_;
  mutable std::vector<Level> ask_buf_;
  // Scheduled tasks hold a weak reference: a task that fires after the Gateway is gone does
  // nothing.
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

}  // namespace astra::core
