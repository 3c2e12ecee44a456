#include "astra/sim/coinbase/coinbase_sim.hpp"

#include "exchange_messages.hpp"
#include "messages.hpp"
#include "product_catalog.hpp"

#include <astra/sim/loopback_server.hpp>
#include <astra/sim/matching_engine.hpp>
#include <astra/sim/order_flow.hpp>
#include <astra/sim/units.hpp>

#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

namespace astra::sim::coinbase {

namespace {

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

// Fractional digits of a unit text ("0.00000001" -> 8, "5" -> 0).
int digits_of(const std::string& unit) {
  const auto dot = unit.find('.');
  return dot == std::string::npos ? 0 : static_cast<int>(unit.size() - dot - 1);
}

constexpr size_t kTradeLog = 1000;
constexpr size_t kTradeSnapshot = 50;  // recent trades sent on a market_trades subscribe

struct Market {
  Market(ProductSpec s, astra_decimal tick_size, astra_decimal step_size, uint64_t seed,
         FlowParams params, bool trim_zeros_)
      : spec(std::move(s)),
        tick(tick_size),
        step(step_size),
        price_digits(digits_of(spec.price_increment)),
        size_digits(digits_of(spec.base_increment)),
        trim(trim_zeros_),
        flow(seed, params) {}

  ProductSpec spec;
  astra_decimal tick;
  astra_decimal step;
  int price_digits;
  int size_digits;
  bool trim;  // Advanced Trade trims trailing zeros; Exchange keeps the increment's digits
  MatchingEngine book;
  OrderFlow flow;
  uint64_t next_trade_id = 1;
  std::deque<TradeRecord> log;   // the truth, oldest first
  std::deque<TradeText> recent;  // as sent, oldest first (the subscribe snapshot)
  bool drop_next = false;
  uint64_t exchange_sequence = 1000000;  // Exchange `sequence` of matches
  std::optional<ExchangeMatch> last_match;

  // Advanced Trade writes decimals without trailing zeros ("21921.3"); the Exchange writes the
  // increment's digits ("14.8024", "123.10").
  std::string price_text(int64_t ticks) const {
    std::string t = format_units(ticks, tick, price_digits).value_or("0");
    return trim ? trim_zeros(std::move(t)) : t;
  }
  std::string size_text(int64_t lots) const {
    std::string t = format_units(lots, step, size_digits).value_or("0");
    return trim ? trim_zeros(std::move(t)) : t;
  }
  TextLevels text(const std::vector<Level>& levels) const {
    TextLevels out;
    out.reserve(levels.size());
    for (const auto& l : levels)
      out.emplace_back(price_text(l.price), size_text(l.qty));
    return out;
  }
};

// One tick's news of a product.
struct ProductEvents {
  Market* market = nullptr;
  std::optional<BookChanges> changes;
  std::vector<TradeText> trades;       // advanced
  std::vector<ExchangeMatch> matches;  // exchange
  bool drop_update = false;
};

// A WebSocket client: its own sequence_num and what it subscribed to, per channel.
struct Client {
  std::weak_ptr<WsSession> session;
  uint64_t next_seq = 0;
  uint64_t heartbeat_counter = 0;
  std::set<std::string> level2, market_trades, heartbeats;  // advanced channels
  std::map<std::string, std::set<std::string>> exchange;    // exchange channel -> products
};

}  // namespace

class CoinbaseSim::Impl {
 public:
  explicit Impl(Options options)
      : options_(std::move(options)),
        server_(ServerOptions{options_.ping_interval, options_.pong_timeout,
                              options_.max_queued_messages, options_.tls, options_.faults}),
        timer_(server_.io()),
        heartbeat_timer_(server_.io()),
        started_(std::chrono::steady_clock::now()) {}

  bool init(std::string& error) {
    if (options_.products.empty()) {
      error = "no products";
      return false;
    }
    if (options_.rate.count() <= 0 || options_.actions_per_tick < 0 ||
        options_.heartbeat_interval.count() <= 0) {
      error = "rate and heartbeat interval must be positive, actions per tick not negative";
      return false;
    }
    for (const auto& name : options_.products) {
      auto spec = find_product(name);
      if (!spec) {
        error = "unknown product " + name + " (known:";
        for (const auto& s : known_products())
          error += " " + s;
        error += ")";
        return false;
      }
      if (markets_.count(name) != 0) continue;
      if (exchange() && spec->exchange_base_min_size.empty()) {
        error = name + " is not a Coinbase Exchange product (the exchange feed is spot only)";
        return false;
      }
      const auto tick = parse_unit(spec->price_increment);
      const auto step = parse_unit(spec->base_increment);
      astra_decimal mid{};
      if (!tick || !step || !sdk::parse_decimal(spec->initial_mid, mid)) {
        error = "bad trading rules for " + name;
        return false;
      }
      const auto mid_ticks = to_units(mid, *tick);
      if (!mid_ticks || *mid_ticks <= 100) {
        error = "initial mid of " + name + " is not a multiple of its tick";
        return false;
      }
      FlowParams params;
      params.initial_mid = *mid_ticks;
      params.lot_unit = spec->order_lots;
      auto market = std::make_unique<Market>(*spec, *tick, *step, options_.seed ^ fnv1a(name),
                                             params, !exchange());
      market->flow.seed_book(market->book, 30);
      market->book.take_changes();  // the seeded book is the starting state, not an update
      order_.push_back(market.get());
      markets_[name] = std::move(market);
    }
    paused_ = options_.start_paused;
    install_routes();
    if (!server_.start(options_.port, error)) return false;
    server_.run_sync([this] {
      next_tick_ = std::chrono::steady_clock::now() + options_.rate;
      schedule();
      if (!exchange()) schedule_heartbeats();
    });
    return true;
  }

  uint16_t port() const { return server_.port(); }

  void pause() {
    server_.run_sync([this] {
      std::lock_guard lock(mutex_);
      paused_ = true;
    });
  }
  void resume() {
    server_.run_sync([this] {
      std::lock_guard lock(mutex_);
      paused_ = false;
    });
  }
  void step(int ticks) {
    for (int i = 0; i < ticks; ++i)
      server_.run_sync([this] { tick(true); });
  }

  std::optional<BookView> book(std::string_view product, size_t depth) const {
    std::lock_guard lock(mutex_);
    auto it = markets_.find(std::string(product));
    if (it == markets_.end()) return std::nullopt;
    const Market& m = *it->second;
    BookView view;
    view.update_id = m.book.update_id();
    view.bids = m.text(m.book.bids(depth));
    view.asks = m.text(m.book.asks(depth));
    return view;
  }

  std::vector<TradeRecord> trades(std::string_view product) const {
    std::lock_guard lock(mutex_);
    auto it = markets_.find(std::string(product));
    if (it == markets_.end()) return {};
    return {it->second->log.begin(), it->second->log.end()};
  }

  bool drop_next_update(std::string_view product) {
    std::lock_guard lock(mutex_);
    auto it = markets_.find(std::string(product));
    if (it == markets_.end()) return false;
    it->second->drop_next = true;
    return true;
  }

  SimStats stats() const {
    SimStats s;
    {
      std::lock_guard lock(mutex_);
      s.ticks = ticks_;
      s.book_updates = book_updates_;
      s.trades = trades_;
    }
    s.events_sent = events_sent_.load(std::memory_order_relaxed);
    s.updates_dropped = updates_dropped_.load(std::memory_order_relaxed);
    const ServerStats server = server_.stats();
    s.ws_sessions = server.ws_sessions;
    s.http_requests = server.http_requests;
    return s;
  }

  void stop() {
    server_.run_sync([this] {
      stopped_ = true;
      timer_.cancel();
      heartbeat_timer_.cancel();
    });
    server_.stop();
  }

 private:
  bool exchange() const { return options_.feed == Feed::exchange; }

  // ---- order flow and events (io thread) ----

  void schedule() {
    timer_.expires_at(next_tick_);
    timer_.async_wait([this](boost::system::error_code ec) {
      if (ec || stopped_) return;
      next_tick_ += options_.rate;
      const auto now = std::chrono::steady_clock::now();
      if (next_tick_ < now) next_tick_ = now + options_.rate;  // do not burst after a stall
      tick(false);
      schedule();
    });
  }

  void schedule_heartbeats() {
    heartbeat_timer_.expires_after(options_.heartbeat_interval);
    heartbeat_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec || stopped_) return;
      send_heartbeats();
      schedule_heartbeats();
    });
  }

  void tick(bool forced) {
    if (stopped_) return;
    std::vector<ProductEvents> news;
    const int64_t now = now_ns();
    const std::string trade_time = rfc3339(now, 6);
    {
      std::lock_guard lock(mutex_);
      if (paused_ && !forced) return;
      ++ticks_;
      std::vector<Fill> fills;
      for (Market* m : order_) {
        ProductEvents ev;
        ev.market = m;
        for (int i = 0; i < options_.actions_per_tick; ++i) {
          fills.clear();
          m->flow.step(m->book, fills);
          trades_ += fills.size();
          for (const Fill& f : fills) {
            TradeText t = record_trade(*m, f, trade_time);
            if (exchange())
              ev.matches.push_back(exchange_match(*m, f, t));
            else
              ev.trades.push_back(std::move(t));
          }
        }
        BookChanges changes = m->book.take_changes();
        if (!changes.empty()) {
          ++book_updates_;
          ev.changes = std::move(changes);
          ev.drop_update = m->drop_next && has_book_subscriber(m->spec.product_id);
          if (ev.drop_update) m->drop_next = false;
        }
        news.push_back(std::move(ev));
      }
    }
    if (exchange())
      publish_exchange(news, now);
    else
      publish(news, now);
  }

  ExchangeMatch exchange_match(Market& m, const Fill& f, const TradeText& t) {
    ExchangeMatch x;
    x.trade_id = std::stoull(t.trade_id);
    const uint64_t salt = fnv1a(m.spec.product_id);
    x.maker_order_id = uuid_of(f.maker_order ^ salt, f.maker_order);
    x.taker_order_id = uuid_of(f.taker_order ^ salt, f.taker_order);
    x.side = f.taker_side == Side::kBuy ? "sell" : "buy";  // the maker's side
    x.size = t.size;
    x.price = t.price;
    x.product_id = m.spec.product_id;
    x.sequence = ++m.exchange_sequence;
    x.time = t.time;
    m.last_match = x;
    return x;
  }

  void publish_exchange(const std::vector<ProductEvents>& news, int64_t now) {
    if (clients_.empty()) return;
    const std::string time = rfc3339(now, 6);
    for (const ProductEvents& ev : news) {
      const std::string& product = ev.market->spec.product_id;
      std::string update;
      if (ev.changes && !ev.drop_update)
        update = exchange_l2update_json(product, ev.market->text(ev.changes->bids),
                                        ev.market->text(ev.changes->asks), time);
      for (auto& [id, client] : clients_) {
        auto session = client.session.lock();
        if (!session) continue;
        if (ev.changes && exchange_book_subscribed(client, product)) {
          if (ev.drop_update)
            updates_dropped_.fetch_add(1, std::memory_order_relaxed);
          else
            send(session, update);
        }
        if (client.exchange["matches"].count(product))
          for (const ExchangeMatch& m : ev.matches)
            send(session, exchange_match_json(m, false));
      }
    }
  }

  static bool exchange_book_subscribed(Client& c, const std::string& product) {
    return c.exchange["level2"].count(product) || c.exchange["level2_batch"].count(product);
  }

  TradeText record_trade(Market& m, const Fill& f, const std::string& time) {
    const bool taker_buys = f.taker_side == Side::kBuy;
    TradeRecord rec{std::to_string(m.next_trade_id++), m.price_text(f.price), m.size_text(f.qty),
                    taker_buys};
    // The maker is on the other side of the taker.
    const bool wire_buy = options_.trade_side_is_maker ? !taker_buys : taker_buys;
    TradeText t{rec.trade_id, m.spec.product_id,         rec.price,
                rec.size,     wire_buy ? "BUY" : "SELL", time};
    m.log.push_back(std::move(rec));
    if (m.log.size() > kTradeLog) m.log.pop_front();
    m.recent.push_back(t);
    if (m.recent.size() > kTradeSnapshot) m.recent.pop_front();
    return t;
  }

  bool has_book_subscriber(const std::string& product) {
    for (auto& [id, c] : clients_) {
      if (c.session.expired()) continue;
      if (exchange() ? exchange_book_subscribed(c, product) : c.level2.count(product) != 0)
        return true;
    }
    return false;
  }

  void send(const std::shared_ptr<WsSession>& session, std::string text) {
    session->send(std::move(text));
    events_sent_.fetch_add(1, std::memory_order_relaxed);
  }

  void publish(const std::vector<ProductEvents>& news, int64_t now) {
    if (clients_.empty()) return;
    const std::string stamp = rfc3339(now, 9);
    const std::string event_time = rfc3339(now, 6);
    for (const ProductEvents& ev : news) {
      const std::string& product = ev.market->spec.product_id;
      std::optional<std::string> update_text;  // the same bids/asks for every client
      TextLevels bids, asks;
      if (ev.changes) {
        bids = ev.market->text(ev.changes->bids);
        asks = ev.market->text(ev.changes->asks);
      }
      for (auto& [id, client] : clients_) {
        auto session = client.session.lock();
        if (!session) continue;
        if (ev.changes && client.level2.count(product)) {
          const uint64_t seq = client.next_seq++;
          if (ev.drop_update) {
            updates_dropped_.fetch_add(1, std::memory_order_relaxed);
          } else {
            send(session, l2_json(stamp, seq, product, false, event_time, bids, asks));
          }
        }
        if (!ev.trades.empty() && client.market_trades.count(product))
          send(session, market_trades_json(stamp, client.next_seq++, false, ev.trades));
      }
    }
  }

  void send_heartbeats() {
    const int64_t now = now_ns();
    const std::string stamp = rfc3339(now, 9);
    const double mono =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const std::string current = go_time(now, mono);
    for (auto& [id, client] : clients_) {
      auto session = client.session.lock();
      if (!session || client.heartbeats.empty()) continue;
      send(session, heartbeat_json(stamp, client.next_seq++, current, ++client.heartbeat_counter));
    }
  }

  // ---- REST (io thread) ----

  void install_routes() {
    if (exchange()) {
      server_.route("/products", [this](const HttpRequest&) { return exchange_products(); });
      for (const Market* m : order_) {
        const std::string id = m->spec.product_id;
        server_.route("/products/" + id + "/book",
                      [this, id](const HttpRequest& req) { return exchange_book(id, req); });
      }
    } else {
      server_.route("/api/v3/brokerage/market/products",
                    [this](const HttpRequest& req) { return products(req); });
      server_.route("/api/v3/brokerage/market/product_book",
                    [this](const HttpRequest& req) { return product_book(req); });
    }
    WsHandlers ws;
    ws.accept = [](const HttpRequest& req) { return req.path == "/"; };
    ws.on_open = [this](const std::shared_ptr<WsSession>& s, const HttpRequest&) {
      Client c;
      c.session = s;
      clients_[s->id()] = std::move(c);
    };
    ws.on_message = [this](const std::shared_ptr<WsSession>& s, std::string_view text) {
      if (exchange())
        on_exchange_message(s, text);
      else
        on_client_message(s, text);
    };
    ws.on_close = [this](uint64_t id) { clients_.erase(id); };
    server_.websocket(std::move(ws));
  }

  static HttpResponse json_response(unsigned status, std::string body) {
    return HttpResponse{status, std::move(body), "application/json", {}};
  }

  HttpResponse exchange_products() {
    std::vector<ProductSpec> list;
    for (const Market* m : order_)
      list.push_back(m->spec);
    return json_response(200, exchange_products_json(list));
  }

  // level=2 (aggregated, every level) or 1 (the best of each side). num_orders is not modelled
  // by the matching engine: 1 per level.
  HttpResponse exchange_book(const std::string& id, const HttpRequest& req) {
    const std::string* level = req.param("level");
    const std::string lv = level ? *level : "1";
    if (lv != "1" && lv != "2") return json_response(400, exchange_error_json("Invalid level"));
    std::lock_guard lock(mutex_);
    const Market& m = *markets_.at(id);
    const size_t depth = lv == "1" ? 1 : 0;
    const TextLevels bids = m.text(m.book.bids(depth));
    const TextLevels asks = m.text(m.book.asks(depth));
    return json_response(
        200, exchange_book_json(m.exchange_sequence, bids, asks, {}, {}, rfc3339(now_ns(), 6)));
  }

  // product_type (SPOT, FUTURE) and contract_expiry_type (EXPIRING, PERPETUAL) filter the list,
  // as documented; without them every product is listed.
  HttpResponse products(const HttpRequest& req) {
    const std::string* type = req.param("product_type");
    const std::string* expiry = req.param("contract_expiry_type");
    if (type && *type != "SPOT" && *type != "FUTURE" && *type != "UNKNOWN_PRODUCT_TYPE")
      return json_response(400, error_json("INVALID_ARGUMENT", "invalid product_type"));
    std::vector<std::pair<ProductSpec, ProductQuote>> list;
    std::lock_guard lock(mutex_);
    for (const Market* m : order_) {
      if (type && m->spec.product_type != *type) continue;
      if (expiry && m->spec.expiry_type != *expiry) continue;
      list.emplace_back(m->spec, quote_of(*m));
    }
    return json_response(200, products_json(list));
  }

  ProductQuote quote_of(const Market& m) const {
    ProductQuote q;
    const auto bid = m.book.best_bid();
    const auto ask = m.book.best_ask();
    std::string mid;
    if (bid && ask) mid = half_text(m, *bid + *ask);
    q.price = !m.log.empty() ? m.log.back().price : mid;
    q.mid = m.spec.product_type == "SPOT" ? "" : mid;
    return q;
  }

  // (a + b) / 2 in ticks, as text (one more digit when odd).
  static std::string half_text(const Market& m, int64_t twice) {
    astra_decimal half_tick = m.tick;
    half_tick.mantissa *= 5;
    half_tick.exponent -= 1;
    return trim_zeros(format_units(twice, half_tick, m.price_digits + 1).value_or("0"));
  }

  HttpResponse product_book(const HttpRequest& req) {
    const std::string* product = req.param("product_id");
    if (!product || product->empty())
      return json_response(400, error_json("INVALID_ARGUMENT", "product_id is required"));
    size_t limit = 0;
    if (const std::string* text = req.param("limit")) {
      const bool digits =
          !text->empty() && text->size() <= 9 &&
          std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!digits) return json_response(400, error_json("INVALID_ARGUMENT", "invalid limit"));
      limit = std::stoul(*text);
    }
    auto it = markets_.find(*product);
    if (it == markets_.end())
      return json_response(404, error_json("NOT_FOUND", "ProductID is invalid"));
    std::lock_guard lock(mutex_);
    const Market& m = *it->second;
    BookSummary summary;
    const auto bid = m.book.best_bid();
    const auto ask = m.book.best_ask();
    summary.last = quote_of(m).price;
    if (bid && ask) {
      summary.mid_market = half_text(m, *bid + *ask);
      summary.spread_absolute = m.price_text(*ask - *bid);
      // basis points of the mid, 4 decimals
      const double bps =
          20000.0 * static_cast<double>(*ask - *bid) / static_cast<double>(*bid + *ask);
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.4f", bps);
      summary.spread_bps = trim_zeros(buf);
    }
    return json_response(
        200, product_book_json(m.spec.product_id, m.text(m.book.bids(limit)),
                               m.text(m.book.asks(limit)), rfc3339(now_ns(), 6), summary));
  }

  // ---- WebSocket clients (io thread) ----

  // {"type":"subscribe"|"unsubscribe","product_ids":[..],"channel":"..","jwt":".."}: one
  // channel per message.
  void on_client_message(const std::shared_ptr<WsSession>& session, std::string_view text) {
    auto found = clients_.find(session->id());
    if (found == clients_.end()) return;
    Client& client = found->second;
    const auto request = nlohmann::json::parse(text, nullptr, false);
    if (!request.is_object()) {
      session->send(ws_error_json("failure to parse message"));
      return;
    }
    const std::string type = request.value("type", std::string());
    if (type != "subscribe" && type != "unsubscribe") {
      session->send(ws_error_json("type must be subscribe or unsubscribe"));
      return;
    }
    const auto channel_it = request.find("channel");
    if (channel_it == request.end() || !channel_it->is_string()) {
      session->send(ws_error_json("channel is required"));
      return;
    }
    const std::string channel = channel_it->get<std::string>();
    std::set<std::string>* subs = channel == "level2"          ? &client.level2
                                  : channel == "market_trades" ? &client.market_trades
                                  : channel == "heartbeats"    ? &client.heartbeats
                                                               : nullptr;
    if (subs == nullptr) {
      session->send(ws_error_json("Failed to subscribe: unsupported channel " + channel));
      return;
    }
    std::vector<std::string> products;
    if (auto p = request.find("product_ids"); p != request.end() && p->is_array())
      for (const auto& id : *p)
        if (id.is_string()) products.push_back(id.get<std::string>());
    if (products.empty() && channel != "heartbeats") {
      session->send(ws_error_json("product_ids is required"));
      return;
    }
    for (const auto& id : products) {
      if (markets_.count(id) == 0) {
        session->send(ws_error_json("Failed to subscribe: invalid product_id " + id));
        return;
      }
    }
    const int64_t now = now_ns();
    const std::string stamp = rfc3339(now, 9);
    if (type == "subscribe") {
      for (const auto& id : products) {
        const bool fresh = subs->insert(id).second;
        if (!fresh) continue;
        std::lock_guard lock(mutex_);
        const Market& m = *markets_.at(id);
        if (channel == "level2")
          send(session, l2_json(stamp, client.next_seq++, id, true, "1970-01-01T00:00:00Z",
                                m.text(m.book.bids()), m.text(m.book.asks())));
        if (channel == "market_trades")
          send(session, market_trades_json(stamp, client.next_seq++, true,
                                           {m.recent.rbegin(), m.recent.rend()}));  // newest first
      }
    } else {
      for (const auto& id : products)
        subs->erase(id);
    }
    std::vector<std::pair<std::string, std::vector<std::string>>> held;
    for (const auto& [name, set] :
         {std::pair{"level2", &client.level2}, std::pair{"market_trades", &client.market_trades},
          std::pair{"heartbeats", &client.heartbeats}})
      if (!set->empty())
        held.emplace_back(name, std::vector<std::string>(set->begin(), set->end()));
    send(session, subscriptions_json(stamp, client.next_seq++, held));
  }

  // {"type":"subscribe"|"unsubscribe","product_ids":[..],"channels":[name | {name,
  // product_ids}]}: answered by {"type":"subscriptions","channels":[..]} with what is held.
  void on_exchange_message(const std::shared_ptr<WsSession>& session, std::string_view text) {
    auto found = clients_.find(session->id());
    if (found == clients_.end()) return;
    Client& client = found->second;
    const auto request = nlohmann::json::parse(text, nullptr, false);
    if (!request.is_object()) {
      session->send(exchange_ws_error_json("Failed to subscribe", "malformed JSON"));
      return;
    }
    const std::string type = request.value("type", std::string());
    if (type != "subscribe" && type != "unsubscribe") {
      session->send(exchange_ws_error_json("Failed to subscribe", type + " is not a valid type"));
      return;
    }
    std::vector<std::string> common;
    if (auto p = request.find("product_ids"); p != request.end() && p->is_array())
      for (const auto& id : *p)
        if (id.is_string()) common.push_back(id.get<std::string>());
    std::vector<std::pair<std::string, std::vector<std::string>>> wanted;
    auto channels = request.find("channels");
    if (channels == request.end() || !channels->is_array() || channels->empty()) {
      session->send(exchange_ws_error_json("Failed to subscribe", "No channels provided"));
      return;
    }
    for (const auto& c : *channels) {
      if (c.is_string()) {
        wanted.emplace_back(c.get<std::string>(), common);
      } else if (c.is_object() && c.contains("name") && c["name"].is_string()) {
        std::vector<std::string> ids = common;
        if (auto p = c.find("product_ids"); p != c.end() && p->is_array())
          for (const auto& id : *p)
            if (id.is_string()) ids.push_back(id.get<std::string>());
        wanted.emplace_back(c["name"].get<std::string>(), ids);
      }
    }
    for (const auto& [name, ids] : wanted) {
      if (name != "level2" && name != "level2_batch" && name != "matches") {
        session->send(
            exchange_ws_error_json("Failed to subscribe", name + " is not a valid channel"));
        return;
      }
      for (const auto& id : ids)
        if (markets_.count(id) == 0) {
          session->send(
              exchange_ws_error_json("Failed to subscribe", id + " is not a valid product"));
          return;
        }
    }
    std::vector<std::string> initial;  // snapshots and last matches, sent after the ack
    for (const auto& [name, ids] : wanted) {
      auto& held = client.exchange[name];
      for (const auto& id : ids) {
        if (type == "unsubscribe") {
          held.erase(id);
          continue;
        }
        if (!held.insert(id).second) continue;
        std::lock_guard lock(mutex_);
        const Market& m = *markets_.at(id);
        if (name == "matches" && m.last_match)
          initial.push_back(exchange_match_json(*m.last_match, true));
        if (name != "matches")
          initial.push_back(
              exchange_snapshot_json(id, m.text(m.book.bids()), m.text(m.book.asks())));
      }
    }
    std::vector<std::pair<std::string, std::vector<std::string>>> held;
    for (const auto& [name, ids] : client.exchange)
      if (!ids.empty()) held.emplace_back(name, std::vector<std::string>(ids.begin(), ids.end()));
    send(session, exchange_subscriptions_json(held));
    for (auto& message : initial)
      send(session, std::move(message));
  }

  Options options_;
  LoopbackServer server_;
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer heartbeat_timer_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point next_tick_;
  bool stopped_ = false;  // io thread

  // Markets are created before the server starts and never added or removed afterwards; their
  // contents change under mutex_.
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::unique_ptr<Market>> markets_;
  std::vector<Market*> order_;  // in the order of options_.products
  bool paused_ = false;
  uint64_t ticks_ = 0;
  uint64_t book_updates_ = 0;
  uint64_t trades_ = 0;

  std::map<uint64_t, Client> clients_;  // io thread
  std::atomic<uint64_t> events_sent_{0};
  std::atomic<uint64_t> updates_dropped_{0};
};

CoinbaseSim::CoinbaseSim(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CoinbaseSim::~CoinbaseSim() {
  stop();
}

std::unique_ptr<CoinbaseSim> CoinbaseSim::start(Options options, std::string& error) {
  auto impl = std::make_unique<Impl>(std::move(options));
  if (!impl->init(error)) return nullptr;
  return std::unique_ptr<CoinbaseSim>(new CoinbaseSim(std::move(impl)));
}

uint16_t CoinbaseSim::port() const {
  return impl_->port();
}
void CoinbaseSim::pause() {
  impl_->pause();
}
void CoinbaseSim::resume() {
  impl_->resume();
}
void CoinbaseSim::step(int ticks) {
  impl_->step(ticks);
}
std::optional<BookView> CoinbaseSim::book(std::string_view product_id, size_t depth) const {
  return impl_->book(product_id, depth);
}
std::vector<TradeRecord> CoinbaseSim::trades(std::string_view product_id) const {
  return impl_->trades(product_id);
}
SimStats CoinbaseSim::stats() const {
  return impl_->stats();
}
bool CoinbaseSim::drop_next_update(std::string_view product_id) {
  return impl_->drop_next_update(product_id);
}
void CoinbaseSim::stop() {
  impl_->stop();
}
std::vector<std::string> CoinbaseSim::known_symbols() {
  return known_products();
}

}  // namespace astra::sim::coinbase
