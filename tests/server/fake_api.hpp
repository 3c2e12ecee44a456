// A test Api: a few keys, exchanges and markets, and book streams the test drives. One mutex
// stands in for the engine thread: deliveries, snapshots and callbacks all happen under it, so
// their order is the order the server sees (as with the real engine).
#pragma once

#include "server/api.hpp"

#include <astra/connector.h>

#include <map>
#include <mutex>
#include <set>
#include <string>

namespace astra::host::testing {

inline constexpr const char* kValidKey = "k1.secret-one";
inline constexpr const char* kRevokedKey = "k2.secret-two";
inline constexpr const char* kBtc = "BINANCE-SPOT-BTC-USDT";

class FakeApi final : public Api {
 public:
  core::KeyCheck check_key(std::string_view key) override {
    if (key == kValidKey) return core::KeyCheck::valid;
    if (key == kRevokedKey) return core::KeyCheck::revoked;
    return core::KeyCheck::unknown;
  }

  void markets(std::string exchange, MarketsCallback done) override {
    std::lock_guard lock(mutex_);
    if (exchange == "BINANCE") {
      done(std::make_shared<const std::string>(markets_json()));
    } else if (exchange == "OKX" && okx_loaded_) {
      done(std::make_shared<const std::string>("[]"));
    } else if (exchange == "OKX") {
      done(core::make_error(ASTRA_E_UNAVAILABLE, "markets_unavailable", "not loaded yet"));
    } else {
      done(core::make_error(ASTRA_E_NOT_FOUND, "unknown_exchange", "no exchange " + exchange));
    }
  }

  void orderbook(std::string market, uint32_t depth, core::Callback done) override {
    std::lock_guard lock(mutex_);
    last_depth_ = depth;
    // "STATUS-<n>": answer with astra_status n (to test the HTTP mapping).
    if (market.starts_with("STATUS-")) {
      const int status = std::stoi(market.substr(7));
      done(status, R"({"code":"venue_said_no","message":"status )" + market.substr(7) + "\"}");
      return;
    }
    if (auto e = check_market(market)) {
      done(e->status, R"({"code":")" + e->code + R"(","message":")" + e->message + "\"}");
      return;
    }
    done(ASTRA_OK, R"({"market":")" + market + R"(","updateId":)" + std::to_string(ids_[market]) +
                       R"(,"time":0,"bids":[[100.5,2]],"asks":[]})");
  }

  void exchanges(ExchangesCallback done) override {
    std::lock_guard lock(mutex_);
    done({ExchangeInfo{"binance", "BINANCE", "1.2.3",
                       ASTRA_CAP_SPOT | ASTRA_CAP_ORDERBOOK | ASTRA_CAP_TRADES,
                       core::ConnectionState::connected, true},
          ExchangeInfo{"okx", "OKX", "0.9.0", ASTRA_CAP_PERP | ASTRA_CAP_OTC_QUOTE,
                       core::ConnectionState::connecting, okx_loaded_}});
  }

  void subscribe(std::string market, std::string data_type,
                 std::shared_ptr<core::Subscriber> subscriber, SubscribeCallback done) override {
    std::lock_guard lock(mutex_);
    if (data_type != "ORDERBOOK" && data_type != "TRADE" && data_type != "TRADES") {
      done(core::make_error(ASTRA_E_INVALID_ARGUMENT, "bad_data_type", "bad dataType"));
      return;
    }
    if (auto e = check_market(market)) {
      done(*e);
      return;
    }
    const bool book = data_type == "ORDERBOOK";
    const core::SubscriptionId id = next_id_++;
    subs_[id] = Sub{market, book, subscriber};
    if (book) {
      subscriber->deliver(book_message(market, true, ids_[market], 1),
                          core::MessageKind::book_snapshot, ids_[market]);
    }
    done(id);
  }

  void unsubscribe(core::SubscriptionId id) override {
    std::lock_guard lock(mutex_);
    if (subs_.erase(id)) unsubscribed_.insert(id);
  }

  void snapshot(std::string market, SnapshotCallback done) override {
    std::lock_guard lock(mutex_);
    ++snapshots_requested_;
    if (!in_sync_) return done(SnapshotMessage{});
    done(SnapshotMessage{book_message(market, true, ids_[market], 1), ids_[market]});
  }

  // Publishes the next book update of a market (levels: message size) to its subscribers.
  uint64_t publish_update(const std::string& market, size_t levels = 1) {
    std::lock_guard lock(mutex_);
    const uint64_t id = ++ids_[market];
    auto msg = book_message(market, false, id, levels);
    for (auto& [sid, s] : subs_) {
      if (s.market == market && s.book)
        s.subscriber->deliver(msg, core::MessageKind::book_update, id);
    }
    return id;
  }

  // Publishes the next book update as a message of exactly `length` bytes (at least ~110): a
  // padded head that still names the update id.
  uint64_t publish_update_of_length(const std::string& market, size_t length) {
    std::lock_guard lock(mutex_);
    const uint64_t id = ++ids_[market];
    std::string text = R"({"market":")" + market +
                       R"(","dataType":"ORDERBOOK","snapshot":false,"updateId":)" +
                       std::to_string(id) + R"(,"pad":")";
    text.append(length - text.size() - 2, 'x');
    text += "\"}";
    auto msg = std::make_shared<const std::string>(std::move(text));
    for (auto& [sid, s] : subs_) {
      if (s.market == market && s.book)
        s.subscriber->deliver(msg, core::MessageKind::book_update, id);
    }
    return id;
  }

  void publish_trade(const std::string& market) {
    std::lock_guard lock(mutex_);
    auto msg = std::make_shared<const std::string>(
        R"({"market":")" + market +
        R"(","dataType":"TRADE","trades":[{"price":100.5,"quantity":0.1,"side":"BUY","time":1,"id":"7"}]})");
    for (auto& [sid, s] : subs_) {
      if (s.market == market && !s.book) s.subscriber->deliver(msg, core::MessageKind::trades, 0);
    }
  }

  size_t subscriptions() const {
    std::lock_guard lock(mutex_);
    return subs_.size();
  }
  size_t unsubscribed() const {
    std::lock_guard lock(mutex_);
    return unsubscribed_.size();
  }
  uint32_t last_depth() const {
    std::lock_guard lock(mutex_);
    return last_depth_;
  }
  void set_okx_loaded(bool loaded) {
    std::lock_guard lock(mutex_);
    okx_loaded_ = loaded;
  }

  static std::string markets_json() { return R"([{"symbol":"BINANCE-SPOT-BTC-USDT"}])"; }

 private:
  struct Sub {
    std::string market;
    bool book = true;
    std::shared_ptr<core::Subscriber> subscriber;
  };

  std::optional<core::Error> check_market(const std::string& market) {
    if (market.find('-') == std::string::npos) {
      return core::make_error(ASTRA_E_INVALID_ARGUMENT, "bad_symbol", "not a market symbol");
    }
    if (market != kBtc && market != "BINANCE-SPOT-ETH-USDT") {
      return core::make_error(ASTRA_E_NOT_FOUND, "unknown_market", "no such market");
    }
    if (!ids_.count(market)) ids_[market] = 1000;
    return std::nullopt;
  }

  static std::shared_ptr<const std::string> book_message(const std::string& market, bool snapshot,
                                                         uint64_t id, size_t levels) {
    std::string bids;
    for (size_t i = 0; i < levels; ++i) {
      if (i) bids += ',';
      bids += "[" + std::to_string(100000 - i) + ".25,1.5]";
    }
    return std::make_shared<const std::string>(
        R"({"market":")" + market + R"(","dataType":"ORDERBOOK","snapshot":)" +
        (snapshot ? "true" : "false") + R"(,"updateId":)" + std::to_string(id) +
        R"(,"time":0,"bids":[)" + bids + R"(],"asks":[]})");
  }

  mutable std::mutex mutex_;
  std::map<std::string, uint64_t> ids_;
  std::map<core::SubscriptionId, Sub> subs_;
  std::set<core::SubscriptionId> unsubscribed_;
  core::SubscriptionId next_id_ = 1;
  bool okx_loaded_ = false;
  bool in_sync_ = true;
  uint32_t last_depth_ = 0;
  int snapshots_requested_ = 0;
};

}  // namespace astra::host::testing
