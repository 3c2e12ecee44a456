#include <astra/core/gateway.hpp>

#include <astra/core/symbol.hpp>
#include <astra/sdk/decimal.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <span>

namespace astra::core {
namespace {

constexpr uint32_t kDefaultDepth = 100;
constexpr uint32_t kMaxDepth = 5000;

std::string_view view(astra_str s) noexcept {
  return s.data ? std::string_view(s.data, s.size) : std::string_view();
}

std::string_view topic_suffix(DataType type) noexcept {
  return type == DataType::orderbook ? "|ORDERBOOK" : "|TRADE";
}

void fail(const Callback& done, const Error& e) {
  done(e.status, encode_error_body(e.code, e.message));
}

// A decimal from a venue's REST book: a decimal string, or an integer.
bool level_decimal(const nlohmann::json& v, astra_decimal& out) {
  if (v.is_string()) return sdk::parse_decimal(v.get_ref<const std::string&>(), out);
  if (v.is_number_integer()) return sdk::parse_decimal(v.dump(), out);
  return false;  // a binary float has already lost the venue's digits
}

bool read_levels(const nlohmann::json& side, std::vector<Level>& out) {
  if (!side.is_array()) return false;
  out.clear();
  out.reserve(side.size());
  for (const auto& l : side) {
    if (!l.is_array() || l.size() < 2) return false;
    Level level{};
    if (!level_decimal(l[0], level.price) || !level_decimal(l[1], level.quantity)) return false;
    out.push_back(level);
  }
  return true;
}

// The venue's REST snapshot {"market","updateId","bids":[["p","q"],...],"asks":[...]} in the
// gateway's own format (the same as a book served from memory): sorted, exact numbers, depth.
Result<std::string> normalize_rest_book(std::string_view market, uint32_t depth,
                                        const std::string& json) {
  auto upstream = [](std::string message) {
    return make_error(ASTRA_E_UPSTREAM, "bad_upstream_book", std::move(message));
  };
  const auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return upstream("venue order book is not a JSON object");
  std::vector<Level> bids;
  std::vector<Level> asks;
  if (!doc.contains("bids") || !read_levels(doc["bids"], bids))
    return upstream("venue order book: bids must be [[price, quantity], ...] decimal strings");
  if (!doc.contains("asks") || !read_levels(doc["asks"], asks))
    return upstream("venue order book: asks must be [[price, quantity], ...] decimal strings");
  uint64_t update_id = 0;
  if (auto it = doc.find("updateId"); it != doc.end()) {
    if (it->is_number_unsigned())
      update_id = it->get<uint64_t>();
    else if (it->is_string())
      update_id = std::strtoull(it->get_ref<const std::string&>().c_str(), nullptr, 10);
  }
  int64_t time_us = 0;
  if (auto it = doc.find("time"); it != doc.end() && it->is_number_integer())
    time_us = it->get<int64_t>();
  OrderBook book;
  book.apply_snapshot(bids, asks);
  if (book.crossed()) return upstream("venue order book is crossed");
  book.top(depth, bids, asks);
  return encode_orderbook_json(market, update_id, time_us, bids, asks);
}

}  // namespace

struct Gateway::Topic {
  struct Entry {
    SubscriptionId id;
    std::shared_ptr<Subscriber> subscriber;
    bool removed = false;
  };
  std::string market;
  DataType type = DataType::orderbook;
  Venue* venue = nullptr;
  std::vector<Entry> entries;
  size_t live = 0;     // entries not removed
  int publishing = 0;  // > 0 while delivering: removals are deferred
  bool has_removed = false;
  uint64_t generation = 0;  // changes on every join and leave; a pending release checks it
  // The snapshot message for the book's current update, shared by everyone who joins now.
  std::shared_ptr<const std::string> snapshot;
  uint64_t snapshot_update_id = 0;
  // Set by the first REST request answered from this live book: from then on every change of
  // the book is published to rest_snapshots_ (cleared when the market list is reloaded).
  bool rest_snapshots = false;
};

Gateway::Gateway(GatewayOptions options, Scheduler& scheduler)
    : options_(options), scheduler_(scheduler) {}

Gateway::~Gateway() = default;

Result<Venue*> Gateway::add_venue(std::unique_ptr<Venue> venue) {
  if (!venue) return make_error(ASTRA_E_INVALID_ARGUMENT, "bad_venue", "venue is null");
  if (this->venue(venue->exchange()) != nullptr)
    return make_error(ASTRA_E_FAILED_PRECONDITION, "duplicate_venue",
                      "a venue for exchange " + venue->exchange() + " is already added");
  venues_.push_back(std::move(venue));
  return venues_.back().get();
}

Venue* Gateway::venue(std::string_view exchange) const noexcept {
  for (const auto& v : venues_)
    if (v->exchange() == exchange) return v.get();
  return nullptr;
}

std::vector<Venue*> Gateway::venues() const {
  std::vector<Venue*> out;
  out.reserve(venues_.size());
  for (const auto& v : venues_)
    out.push_back(v.get());
  return out;
}

void Gateway::refresh_markets(std::string_view exchange, Callback done) {
  Venue* v = venue(exchange);
  if (v == nullptr) {
    fail(done, make_error(ASTRA_E_NOT_FOUND, "unknown_exchange",
                          "unknown exchange '" + std::string(exchange.substr(0, 40)) + "'"));
    return;
  }
  std::weak_ptr<char> alive = alive_;
  v->list_markets([this, alive, code = v->exchange(), done = std::move(done)](astra_status status,
                                                                              std::string json) {
    if (alive.expired()) return;
    if (status != ASTRA_OK) {
      done(status, std::move(json));
      return;
    }
    const auto doc = nlohmann::json::parse(json, nullptr, false);
    if (doc.is_discarded() || !doc.is_array()) {
      fail(done, make_error(ASTRA_E_UPSTREAM, "bad_market_list",
                            code + " market list is not a JSON array"));
      return;
    }
    std::vector<std::string> symbols;
    symbols.reserve(doc.size());
    for (size_t i = 0; i < doc.size(); ++i) {
      const auto& m = doc[i];
      const auto it = m.is_object() ? m.find("symbol") : m.end();
      if (!m.is_object() || it == m.end() || !it->is_string()) {
        fail(done, make_error(ASTRA_E_UPSTREAM, "bad_market_list",
                              code + " market list: entry " + std::to_string(i) +
                                  " is not an object with a string \"symbol\""));
        return;
      }
      const auto& symbol = it->get_ref<const std::string&>();
      auto parsed = parse_symbol(symbol);
      if (!parsed.ok() || parsed->exchange != code) {
        fail(done,
             make_error(ASTRA_E_UPSTREAM, "bad_market_list",
                        code + " market list: entry " + std::to_string(i) + ": " +
                            (parsed.ok() ? "symbol of another exchange" : parsed.error().message)));
        return;
      }
      symbols.push_back(symbol);
    }
    std::sort(symbols.begin(), symbols.end());
    symbols.erase(std::unique(symbols.begin(), symbols.end()), symbols.end());
    market_symbols_[code] = std::move(symbols);
    // Markets are validated again by the next orderbook() call before any is served from memory.
    for (auto& [key, topic] : topics_) {
      if (topic->type != DataType::orderbook || !topic->rest_snapshots ||
          symbol_exchange(topic->market) != code)
        continue;
      topic->rest_snapshots = false;
      rest_snapshots_.withdraw(topic->market);
    }
    auto shared = std::make_shared<const std::string>(std::move(json));
    markets_[code] = shared;
    done(ASTRA_OK, *shared);
  });
}

Result<std::shared_ptr<const std::string>> Gateway::markets_json(std::string_view exchange) const {
  if (venue(exchange) == nullptr)
    return make_error(ASTRA_E_NOT_FOUND, "unknown_exchange",
                      "unknown exchange '" + std::string(exchange.substr(0, 40)) + "'");
  auto it = markets_.find(exchange);
  if (it == markets_.end())
    return make_error(ASTRA_E_UNAVAILABLE, "markets_unavailable",
                      "the market list of " + std::string(exchange) + " is not loaded yet");
  return it->second;
}

bool Gateway::known_market(std::string_view market) const {
  auto it = market_symbols_.find(symbol_exchange(market));
  if (it == market_symbols_.end()) return false;
  return std::binary_search(it->second.begin(), it->second.end(), market, std::less<>());
}

Result<Venue*> Gateway::check_market(std::string_view market) const {
  auto symbol = parse_symbol(market);
  if (!symbol.ok()) return symbol.error();
  Venue* v = venue(symbol->exchange);
  if (v == nullptr)
    return make_error(ASTRA_E_NOT_FOUND, "unknown_exchange",
                      "unknown exchange '" + symbol->exchange + "'");
  if (markets_.find(symbol->exchange) == markets_.end())
    return make_error(ASTRA_E_UNAVAILABLE, "markets_unavailable",
                      "the market list of " + symbol->exchange + " is not loaded yet");
  if (!known_market(market))
    return make_error(ASTRA_E_NOT_FOUND, "unknown_market",
                      "unknown market '" + std::string(market) + "'");
  return v;
}

Gateway::Topic* Gateway::find_topic(std::string_view market, DataType type) const {
  key_buf_.assign(market).append(topic_suffix(type));
  auto it = topics_.find(key_buf_);
  return it == topics_.end() ? nullptr : it->second.get();
}

void Gateway::publish(Topic& topic, const std::shared_ptr<const std::string>& msg, MessageKind kind,
                      uint64_t update_id) {
  ++topic.publishing;
  // By index and with the size fixed: a subscriber may join or leave from inside deliver().
  const size_t n = topic.entries.size();
  for (size_t i = 0; i < n; ++i) {
    if (topic.entries[i].removed) continue;
    Subscriber* s = topic.entries[i].subscriber.get();
    s->deliver(msg, kind, update_id);
    ++stats_.deliveries;
  }
  if (--topic.publishing == 0 && topic.has_removed) {
    std::erase_if(topic.entries, [](const Topic::Entry& e) { return e.removed; });
    topic.has_removed = false;
  }
}

std::shared_ptr<const std::string> Gateway::snapshot_of(Topic& topic,
                                                        const MarketBook& book) const {
  if (topic.snapshot && topic.snapshot_update_id == book.update_id) return topic.snapshot;
  book.book.top(0, bid_buf_, ask_buf_);
  topic.snapshot = std::make_shared<const std::string>(encode_book_message(
      book.market, true, book.update_id, book.venue_time_us, bid_buf_, ask_buf_));
  topic.snapshot_update_id = book.update_id;
  return topic.snapshot;
}

void Gateway::refresh_rest_snapshot(const Topic& topic, const MarketBook* book) {
  if (!topic.rest_snapshots) return;
  if (book != nullptr && book->in_sync)
    rest_snapshots_.publish(BookSnapshot::of(book->market, book->update_id, book->venue_time_us,
                                             book->book, kSnapshotDepth));
  else
    rest_snapshots_.withdraw(topic.market);
}

void Gateway::on_book(const astra_book_event& event) {
  ++stats_.book_events;
  const std::string_view market = view(event.market);
  Topic* topic = find_topic(market, DataType::orderbook);
  if (topic == nullptr) return;  // nobody asked for it (or it was released): keep no book

  const MarketBook* before = books_.find(market);
  const uint64_t crossed_before = before ? before->crossed : 0;
  const BookChange change = books_.apply(event);
  if (change.kind == BookChange::none) return;
  topic->snapshot.reset();
  const MarketBook& book = *change.book;
  // Before anything is delivered or the venue is called (either may re-enter): REST readers see
  // this change, a reset included, before any client or the venue does.
  refresh_rest_snapshot(*topic, &book);

  switch (change.kind) {
    case BookChange::snapshot:
      if (topic->live > 0) {
        auto msg = snapshot_of(*topic, book);
        ++stats_.messages_encoded;
        publish(*topic, msg, MessageKind::book_snapshot, change.update_id);
      }
      break;
    case BookChange::update:
      if (topic->live > 0) {
        const std::span<const Level> bids(event.bids, event.bids ? event.bid_count : 0);
        const std::span<const Level> asks(event.asks, event.asks ? event.ask_count : 0);
        auto msg = std::make_shared<const std::string>(
            encode_book_message(market, false, change.update_id, book.venue_time_us, bids, asks));
        ++stats_.messages_encoded;
        publish(*topic, msg, MessageKind::book_update, change.update_id);
      }
      break;
    case BookChange::reset: {
      if (topic->live > 0) {
        auto msg = std::make_shared<const std::string>(
            encode_reset_message(market, reset_reason_name(change.reset_reason)));
        ++stats_.messages_encoded;
        publish(*topic, msg, MessageKind::book_reset, 0);
      }
      if (change.needs_resync) {
        if (book.crossed > crossed_before) ++stats_.crossed_books;
        ++stats_.resyncs_requested;
        // The venue may emit events from inside these calls: work on copies only.
        Venue* v = topic->venue;
        const std::string m = book.market;
        v->unsubscribe(m, DataType::orderbook);
        v->subscribe(m, DataType::orderbook);
      }
      break;
    }
    case BookChange::none:
      break;
  }
}

void Gateway::on_trades(const astra_trade_event& event) {
  ++stats_.trade_events;
  if (event.trade_count == 0 || event.trades == nullptr) return;
  const std::string_view market = view(event.market);
  Topic* topic = find_topic(market, DataType::trades);
  if (topic == nullptr || topic->live == 0) return;
  auto msg = std::make_shared<const std::string>(
      encode_trades_message(market, std::span(event.trades, event.trade_count)));
  ++stats_.messages_encoded;
  publish(*topic, msg, MessageKind::trades, 0);
}

std::optional<std::string> Gateway::orderbook_from_snapshot(std::string_view market,
                                                            uint32_t depth) const {
  if (depth == 0) depth = kDefaultDepth;
  if (depth > kMaxDepth) return std::nullopt;  // orderbook() gives the error
  const auto snapshot = rest_snapshots_.find(market);
  if (!snapshot || !snapshot->covers(depth)) return std::nullopt;
  return snapshot->orderbook_json(depth);
}

void Gateway::orderbook(std::string_view market, uint32_t depth, Callback done) {
  auto v = check_market(market);
  if (!v.ok()) return fail(done, v.error());
  if (depth == 0) depth = kDefaultDepth;
  if (depth > kMaxDepth)
    return fail(done, make_error(ASTRA_E_INVALID_ARGUMENT, "bad_depth",
                                 "depth " + std::to_string(depth) + " must be from 1 to " +
                                     std::to_string(kMaxDepth)));
  if (Topic* topic = find_topic(market, DataType::orderbook); topic != nullptr) {
    const MarketBook* book = books_.find(market);
    if (book != nullptr && book->in_sync) {
      if (!topic->rest_snapshots) {
        topic->rest_snapshots = true;
        refresh_rest_snapshot(*topic, book);
      }
      book->book.top(depth, bid_buf_, ask_buf_);
      done(ASTRA_OK,
           encode_orderbook_json(market, book->update_id, book->venue_time_us, bid_buf_, ask_buf_));
      return;
    }
  }
  (*v)->get_orderbook(market, depth,
                      [m = std::string(market), depth, done = std::move(done)](astra_status status,
                                                                               std::string json) {
                        if (status != ASTRA_OK) return done(status, std::move(json));
                        auto normalized = normalize_rest_book(m, depth, json);
                        if (!normalized.ok()) return fail(done, normalized.error());
                        done(ASTRA_OK, std::move(*normalized));
                      });
}

Result<SubscriptionId> Gateway::subscribe(std::string_view market, DataType type,
                                          std::shared_ptr<Subscriber> subscriber) {
  if (!subscriber)
    return make_error(ASTRA_E_INVALID_ARGUMENT, "bad_subscriber", "subscriber is null");
  if (type != DataType::orderbook && type != DataType::trades)
    return make_error(ASTRA_E_INVALID_ARGUMENT, "bad_data_type", "unknown data type");
  auto v = check_market(market);
  if (!v.ok()) return v.error();

  std::string key = std::string(market).append(topic_suffix(type));
  auto it = topics_.find(key);
  if (it == topics_.end()) {
    auto topic = std::make_unique<Topic>();
    topic->market = std::string(market);
    topic->type = type;
    topic->venue = *v;
    it = topics_.emplace(key, std::move(topic)).first;
    // Registered before the call: the venue may emit events from inside subscribe().
    const astra_status status = (*v)->subscribe(market, type);
    if (status != ASTRA_OK) {
      topics_.erase(key);
      if (type == DataType::orderbook) books_.erase(market);
      const char* code = status == ASTRA_E_UNIMPLEMENTED ? "unsupported_data_type"
                         : status == ASTRA_E_NOT_FOUND   ? "unknown_market"
                                                         : "subscribe_failed";
      return make_error(status, code,
                        (*v)->exchange() + " refused the " + std::string(to_string(type)) +
                            " subscription for " + std::string(market));
    }
  }
  Topic& topic = *it->second;
  const SubscriptionId id = next_id_++;
  topic.entries.push_back(Topic::Entry{id, subscriber, false});
  ++topic.live;
  ++topic.generation;  // cancels a pending release
  subscriptions_.emplace(id, std::move(key));

  if (type == DataType::orderbook) {
    const MarketBook* book = books_.find(market);
    if (book != nullptr && book->in_sync) {
      const bool cached = topic.snapshot && topic.snapshot_update_id == book->update_id;
      auto msg = snapshot_of(topic, *book);
      if (!cached) ++stats_.messages_encoded;
      subscriber->deliver(msg, MessageKind::book_snapshot, book->update_id);
      ++stats_.deliveries;
    }
  }
  return id;
}

void Gateway::unsubscribe(SubscriptionId id) {
  auto sub = subscriptions_.find(id);
  if (sub == subscriptions_.end()) return;
  const std::string key = std::move(sub->second);
  subscriptions_.erase(sub);
  auto it = topics_.find(key);
  if (it == topics_.end()) return;
  Topic& topic = *it->second;
  auto e = std::find_if(topic.entries.begin(), topic.entries.end(),
                        [&](const Topic::Entry& x) { return x.id == id && !x.removed; });
  if (e == topic.entries.end()) return;
  if (topic.publishing > 0) {
    e->removed = true;  // erased when the delivery loop ends
    topic.has_removed = true;
  } else {
    topic.entries.erase(e);
  }
  if (--topic.live == 0) {
    ++topic.generation;
    schedule_release(key, topic.generation);
  }
}

void Gateway::schedule_release(const std::string& key, uint64_t generation) {
  std::weak_ptr<char> alive = alive_;
  scheduler_.after(options_.unsubscribe_linger, [this, alive, key, generation] {
    if (alive.expired()) return;
    release_topic(key, generation);
  });
}

void Gateway::release_topic(const std::string& key, uint64_t generation) {
  auto it = topics_.find(key);
  if (it == topics_.end()) return;
  Topic& topic = *it->second;
  if (topic.live > 0 || topic.generation != generation || topic.publishing > 0) return;
  const std::string market = std::move(topic.market);
  const DataType type = topic.type;
  Venue* v = topic.venue;
  topics_.erase(it);
  if (type == DataType::orderbook) rest_snapshots_.withdraw(market);
  // Topic gone first: events the venue emits from inside unsubscribe() are ignored.
  v->unsubscribe(market, type);
  if (type == DataType::orderbook) books_.erase(market);
}

std::shared_ptr<const std::string> Gateway::snapshot_message(std::string_view market,
                                                             uint64_t* update_id) const {
  Topic* topic = find_topic(market, DataType::orderbook);
  if (topic == nullptr) return nullptr;
  const MarketBook* book = books_.find(market);
  if (book == nullptr || !book->in_sync) return nullptr;
  if (update_id != nullptr) *update_id = book->update_id;
  return snapshot_of(*topic, *book);
}

size_t Gateway::subscriber_count() const noexcept {
  return subscriptions_.size();
}

}  // namespace astra::core
