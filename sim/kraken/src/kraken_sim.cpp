#include "astra/sim/kraken/kraken_sim.hpp"

#include "catalog.hpp"
#include "messages.hpp"

#include <astra/sim/loopback_server.hpp>
#include <astra/sim/matching_engine.hpp>
#include <astra/sim/order_flow.hpp>
#include <astra/sim/units.hpp>

#include <zlib.h>
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

namespace astra::sim::kraken {

namespace {

using json = nlohmann::json;

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
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

constexpr size_t kMaxTrades = 10000;
constexpr size_t kSpotTradeSnapshot = 50;      // v2 trade snapshot: the last 50 trades
constexpr size_t kFuturesTradeSnapshot = 100;  // futures trade_snapshot
constexpr int kFuturesDigits = 8;  // enough for every futures tick and lot; trimmed on the wire

bool valid_depth(int64_t d) {
  return d == 10 || d == 25 || d == 100 || d == 500 || d == 1000;
}

struct TradeRecord {
  TradeView view;
  uint64_t id = 0;  // spot trade_id, futures trade seq
  int64_t time_us = 0;
  std::string uid;  // futures
};

struct TopView {
  std::vector<Level> bids, asks;
};

struct Market {
  Market(Instrument s, astra_decimal tick_size, astra_decimal lot_size, uint64_t seed,
         FlowParams params)
      : spec(std::move(s)), tick(tick_size), lot(lot_size), flow(seed, params) {}

  Instrument spec;
  astra_decimal tick;
  astra_decimal lot;
  MatchingEngine book;
  OrderFlow flow;
  std::deque<TradeRecord> trades;
  uint64_t next_trade_id = 1;
  // spot: the top-N views subscribers of each depth hold, as of the last tick
  std::map<size_t, TopView> views;
  bool corrupt_next = false;
  // futures
  uint64_t seq = 0;
  bool drop_next = false;

  bool spot() const { return spec.family == Family::spot; }
  // The name subscriptions use: spot v2 name, futures product id.
  const std::string& ws_name() const { return spot() ? spec.v2_name : spec.key; }

  // Spot: fixed decimals (checksum text); futures: the JSON number token.
  std::string price_text(int64_t ticks) const {
    if (spot()) return format_units(ticks, tick, spec.price_decimals).value_or("0");
    return number_text(format_units(ticks, tick, kFuturesDigits).value_or("0"));
  }
  std::string qty_text(int64_t lots) const {
    if (spot()) return format_units(lots, lot, spec.qty_decimals).value_or("0");
    return number_text(format_units(lots, lot, kFuturesDigits).value_or("0"));
  }
  TextLevels text(const std::vector<Level>& levels) const {
    TextLevels out;
    out.reserve(levels.size());
    for (const auto& l : levels)
      out.emplace_back(price_text(l.price), qty_text(l.qty));
    return out;
  }
  // Spot REST and WebSocket v1 write prices with Kraken's internal decimals ("56218.30000").
  std::string v1_price_text(int64_t ticks) const {
    return format_units(ticks, tick, spec.rest_price_decimals).value_or("0");
  }
  TextLevels v1_text(const std::vector<Level>& levels) const {
    TextLevels out;
    out.reserve(levels.size());
    for (const auto& l : levels)
      out.emplace_back(v1_price_text(l.price), qty_text(l.qty));
    return out;
  }
  TopView& view(size_t depth) {
    auto it = views.find(depth);
    if (it == views.end())
      it = views.emplace(depth, TopView{book.bids(depth), book.asks(depth)}).first;
    return it->second;
  }
};

enum class Channel { book, trade };

struct Outgoing {
  Family family;
  Channel channel;
  std::string symbol;  // ws name
  size_t depth = 0;    // spot book
  std::string payload;
  std::string v1_payload;  // spot: the same event for WebSocket v1 clients
};

struct Client {
  std::weak_ptr<WsSession> session;
  Family family = Family::spot;
  bool v1 = false;                      // spot WebSocket v1 (array frames) instead of v2
  std::map<std::string, size_t> books;  // ws name -> depth (futures: 0)
  std::set<std::string> trades;
};

// The levels of `now` that differ from `before` for a subscriber holding `before` and truncating
// to the depth after each message: changed and new levels, and a 0 for each level that left the
// book. A level only pushed out of range gets nothing (Kraken sends no delete for it).
std::vector<Level> side_diff(const std::vector<Level>& before, const std::vector<Level>& now,
                             const std::vector<Level>& whole_side) {
  std::vector<Level> out;
  for (const Level& b : before) {
    const bool kept =
        std::any_of(now.begin(), now.end(), [&](const Level& n) { return n.price == b.price; });
    if (kept) continue;
    const bool in_book = std::any_of(whole_side.begin(), whole_side.end(),
                                     [&](const Level& w) { return w.price == b.price; });
    if (!in_book) out.push_back(Level{b.price, 0});
  }
  for (const Level& n : now) {
    const auto it = std::find_if(before.begin(), before.end(),
                                 [&](const Level& b) { return b.price == n.price; });
    if (it == before.end() || it->qty != n.qty) out.push_back(n);
  }
  return out;
}

std::string uid_of(uint64_t seed, uint64_t n) {
  uint64_t a = (seed ^ (n * 0x9e3779b97f4a7c15ULL)) * 0xbf58476d1ce4e5b9ULL;
  uint64_t b = (a ^ (a >> 29)) * 0x94d049bb133111ebULL;
  char buf[96];
  std::snprintf(
      buf, sizeof buf, "%08llx-%04llx-4%03llx-8%03llx-%012llx",
      static_cast<unsigned long long>(a >> 32), static_cast<unsigned long long>((a >> 16) & 0xffff),
      static_cast<unsigned long long>(a & 0xfff), static_cast<unsigned long long>(b >> 52),
      static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

std::optional<int64_t> req_id_of(const json& request) {
  auto it = request.find("req_id");
  if (it != request.end() && it->is_number_integer()) return it->get<int64_t>();
  return std::nullopt;
}

}  // namespace

uint32_t book_checksum(const std::vector<std::pair<std::string, std::string>>& bids,
                       const std::vector<std::pair<std::string, std::string>>& asks) {
  std::string input;
  auto append = [&input](const std::string& text) {
    bool leading = true;
    for (char c : text) {
      if (c == '.') continue;
      if (leading && c == '0') continue;
      leading = false;
      input.push_back(c);
    }
  };
  for (size_t i = 0; i < asks.size() && i < 10; ++i) {
    append(asks[i].first);
    append(asks[i].second);
  }
  for (size_t i = 0; i < bids.size() && i < 10; ++i) {
    append(bids[i].first);
    append(bids[i].second);
  }
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(input.data()), static_cast<uInt>(input.size()));
  return static_cast<uint32_t>(crc);
}

class KrakenSim::Impl {
 public:
  explicit Impl(Options options)
      : options_(std::move(options)),
        server_(ServerOptions{options_.ping_interval, options_.pong_timeout,
                              options_.max_queued_messages, options_.tls, options_.faults}),
        timer_(server_.io()) {}

  bool init(std::string& error) {
    if (options_.symbols.empty()) {
      error = "no symbols";
      return false;
    }
    if (options_.rate.count() <= 0 || options_.actions_per_tick < 0) {
      error = "rate must be positive and actions per tick not negative";
      return false;
    }
    for (const auto& name : options_.symbols) {
      auto spec = find_instrument(name);
      if (!spec) {
        error = "unknown symbol " + name + " (known:";
        for (const auto& s : known_instruments())
          error += " " + s;
        error += ")";
        return false;
      }
      if (find(spec->wsname)) continue;
      const auto tick = parse_unit(spec->tick_size);
      const auto lot = parse_unit(spec->lot);
      astra_decimal mid{};
      if (!tick || !lot || !sdk::parse_decimal(spec->initial_mid, mid)) {
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
      auto market =
          std::make_unique<Market>(*spec, *tick, *lot, options_.seed ^ fnv1a(spec->key), params);
      market->flow.seed_book(market->book, 30);
      market->book.take_changes();  // the seeded book is the starting state
      market->seq = 1000 + (fnv1a(spec->key) % 100000);
      markets_.push_back(std::move(market));
    }
    paused_ = options_.start_paused;
    heartbeat_every_ = std::max<int64_t>(1, 1000 / options_.rate.count());
    install_routes();
    if (!server_.start(options_.port, error)) return false;
    server_.run_sync([this] {
      next_tick_ = std::chrono::steady_clock::now() + options_.rate;
      schedule();
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

  std::optional<BookView> book(std::string_view symbol, size_t depth) const {
    std::lock_guard lock(mutex_);
    const Market* m = find(symbol);
    if (!m) return std::nullopt;
    BookView view;
    view.last_update_id = m->spot() ? m->book.update_id() : m->seq;
    view.bids = m->text(m->book.bids(depth));
    view.asks = m->text(m->book.asks(depth));
    return view;
  }

  std::vector<TradeView> trades(std::string_view symbol) const {
    std::lock_guard lock(mutex_);
    std::vector<TradeView> out;
    if (const Market* m = find(symbol))
      for (const auto& t : m->trades) {
        out.push_back(t.view);
        out.back().id = t.id;
      }
    return out;
  }

  SimStats stats() const {
    SimStats s;
    {
      std::lock_guard lock(mutex_);
      s = counters_;
    }
    s.events_sent = events_sent_.load(std::memory_order_relaxed);
    const ServerStats server = server_.stats();
    s.ws_sessions = server.ws_sessions;
    s.ws_pings_sent = server.ws_pings_sent;
    s.ws_pongs_received = server.ws_pongs_received;
    s.http_requests = server.http_requests;
    return s;
  }

  bool corrupt_next_checksum(std::string_view symbol) {
    std::lock_guard lock(mutex_);
    Market* m = find(symbol);
    if (!m || !m->spot()) return false;
    m->corrupt_next = true;
    return true;
  }

  bool drop_next_update(std::string_view product) {
    std::lock_guard lock(mutex_);
    Market* m = find(product);
    if (!m || m->spot()) return false;
    m->drop_next = true;
    return true;
  }

  void stop() {
    server_.run_sync([this] {
      stopped_ = true;
      timer_.cancel();
    });
    server_.stop();
  }

 private:
  const Market* find(std::string_view name) const {
    const auto spec = find_instrument(name);
    if (!spec) return nullptr;
    for (const auto& m : markets_)
      if (m->spec.key == spec->key) return m.get();
    return nullptr;
  }
  Market* find(std::string_view name) {
    return const_cast<Market*>(std::as_const(*this).find(name));
  }
  Market* find_ws(Family family, std::string_view ws_name) {
    for (const auto& m : markets_)
      if (m->spec.family == family && m->ws_name() == ws_name) return m.get();
    return nullptr;
  }

  // ---- order flow and events (io thread) ----

  void schedule() {
    timer_.expires_at(next_tick_);
    timer_.async_wait([this](boost::system::error_code ec) {
      if (ec || stopped_) return;
      next_tick_ += options_.rate;
      const auto now = std::chrono::steady_clock::now();
      if (next_tick_ < now) next_tick_ = now + options_.rate;  // do not burst after a stall
      if (++timer_ticks_ % static_cast<uint64_t>(heartbeat_every_) == 0) heartbeat();
      tick(false);
      schedule();
    });
  }

  // v2 sends a heartbeat about once a second to a client with a subscription.
  void heartbeat() {
    for (auto& [id, client] : clients_) {
      if (client.family != Family::spot || (client.books.empty() && client.trades.empty()))
        continue;
      if (auto s = client.session.lock())
        s->send(client.v1 ? v1_heartbeat_json() : v2_heartbeat_json());
    }
  }

  void tick(bool forced) {
    if (stopped_) return;
    std::vector<Outgoing> out;
    {
      std::lock_guard lock(mutex_);
      if (paused_ && !forced) return;
      ++counters_.ticks;
      const int64_t now = now_us();
      std::vector<Fill> fills;
      for (auto& mp : markets_) {
        Market& m = *mp;
        TopView before;
        if (!m.spot()) before = TopView{m.book.bids(), m.book.asks()};
        for (int i = 0; i < options_.actions_per_tick; ++i) {
          fills.clear();
          m.flow.step(m.book, fills);
          counters_.trades += fills.size();
          emit_trades(m, fills, now, out);
        }
        if (m.spot())
          spot_book_updates(m, now, out);
        else
          futures_book_deltas(m, before, now, out);
      }
    }
    publish(out);
  }

  void emit_trades(Market& m, const std::vector<Fill>& fills, int64_t now,
                   std::vector<Outgoing>& out) {
    if (fills.empty()) return;
    std::vector<V2Trade> spot;
    std::vector<V1Trade> spot_v1;
    for (const Fill& f : fills) {
      TradeRecord r;
      r.id = m.next_trade_id++;
      r.time_us = now;
      r.view.taker_buys = f.taker_side == Side::kBuy;
      const std::string price = m.price_text(f.price), qty = m.qty_text(f.qty);
      if (m.spot()) {
        r.view.price = number_text(price);
        r.view.qty = number_text(qty);
        spot.push_back(V2Trade{m.ws_name(), r.view.taker_buys, price, qty, r.id, now});
        spot_v1.push_back(V1Trade{m.v1_price_text(f.price), qty, r.view.taker_buys, now});
      } else {
        r.view.price = price;
        r.view.qty = qty;
        r.uid = uid_of(fnv1a(m.spec.key), r.id);
        out.push_back({Family::futures, Channel::trade, m.ws_name(), 0,
                       futures_trade_json(futures_trade(m, r)), ""});
      }
      m.trades.push_back(std::move(r));
      if (m.trades.size() > kMaxTrades) m.trades.pop_front();
    }
    if (!spot.empty())
      out.push_back({Family::spot, Channel::trade, m.ws_name(), 0, v2_trade_json(false, spot),
                     v1_trade_json(channel_id(m, "trade"), m.spec.wsname, spot_v1)});
  }

  FuturesTrade futures_trade(const Market& m, const TradeRecord& r) const {
    return FuturesTrade{m.spec.key,       r.uid,      r.view.taker_buys, r.id,
                        r.time_us / 1000, r.view.qty, r.view.price};
  }

  // One update per subscribed depth: what changed in that depth's top-N view.
  void spot_book_updates(Market& m, int64_t now, std::vector<Outgoing>& out) {
    const BookChanges changes = m.book.take_changes();  // the views diff the book directly
    if (m.views.empty()) return;
    // v1 marks a level "r" when it only came into range (its quantity did not change this tick).
    auto v1_levels = [&m](const std::vector<Level>& diff, const std::vector<Level>& changed) {
      std::vector<V1Level> levels;
      for (const Level& l : diff) {
        const bool moved = std::any_of(changed.begin(), changed.end(),
                                       [&](const Level& c) { return c.price == l.price; });
        levels.push_back(V1Level{m.v1_price_text(l.price), m.qty_text(l.qty), l.qty > 0 && !moved});
      }
      return levels;
    };
    const std::vector<Level> all_bids = m.book.bids(), all_asks = m.book.asks();
    bool corrupted = false;
    for (auto& [depth, view] : m.views) {
      TopView now_view{m.book.bids(depth), m.book.asks(depth)};
      const auto bids = side_diff(view.bids, now_view.bids, all_bids);
      const auto asks = side_diff(view.asks, now_view.asks, all_asks);
      view = std::move(now_view);
      if (bids.empty() && asks.empty()) continue;
      uint32_t checksum = book_checksum(m.text(view.bids), m.text(view.asks));
      uint32_t v1_checksum = book_checksum(m.v1_text(view.bids), m.v1_text(view.asks));
      if (m.corrupt_next) {
        checksum ^= 0x5a5a5a5au;  // wrong, and never equal to the right one
        v1_checksum ^= 0x5a5a5a5au;
        corrupted = true;
      }
      ++counters_.book_messages;
      out.push_back({Family::spot, Channel::book, m.ws_name(), depth,
                     v2_book_json(false, m.ws_name(), m.text(bids), m.text(asks), checksum, now),
                     v1_book_update_json(channel_id(m, book_channel(depth)), book_channel(depth),
                                         m.spec.wsname, v1_levels(bids, changes.bids),
                                         v1_levels(asks, changes.asks), v1_checksum, now)});
    }
    if (corrupted) {
      m.corrupt_next = false;
      ++counters_.checksums_corrupted;
    }
  }

  // One `book` message per changed level, each with the next seq. The engine reports each
  // level's final total for the tick; they go out with every reduction first, so no book a
  // subscriber passes through is crossed (every level it holds is in the tick's final book).
  void futures_book_deltas(Market& m, const TopView& before, int64_t now,
                           std::vector<Outgoing>& out) {
    const BookChanges changes = m.book.take_changes();
    auto emit = [&](const Level& l, bool buy_side) {
      const uint64_t seq = ++m.seq;
      ++counters_.book_messages;
      if (m.drop_next) {
        m.drop_next = false;
        ++counters_.updates_dropped;
        return;
      }
      out.push_back({Family::futures, Channel::book, m.ws_name(), 0,
                     book_delta_json(m.ws_name(), buy_side, seq, m.price_text(l.price),
                                     m.qty_text(l.qty), now / 1000),
                     ""});
    };
    auto old_qty = [](const std::vector<Level>& side, int64_t price) {
      for (const Level& l : side)
        if (l.price == price) return l.qty;
      return int64_t{0};
    };
    for (const bool reductions : {true, false}) {
      for (const Level& l : changes.bids)
        if ((l.qty < old_qty(before.bids, l.price)) == reductions) emit(l, true);
      for (const Level& l : changes.asks)
        if ((l.qty < old_qty(before.asks, l.price)) == reductions) emit(l, false);
    }
  }

  void publish(const std::vector<Outgoing>& out) {
    if (out.empty()) return;
    for (auto& [id, client] : clients_) {
      auto session = client.session.lock();
      if (!session) continue;
      for (const auto& e : out) {
        if (e.family != client.family) continue;
        if (e.channel == Channel::book) {
          auto it = client.books.find(e.symbol);
          if (it == client.books.end() || it->second != e.depth) continue;
        } else if (client.trades.count(e.symbol) == 0) {
          continue;
        }
        const std::string& payload = client.v1 ? e.v1_payload : e.payload;
        if (payload.empty()) continue;
        session->send(payload);
        events_sent_.fetch_add(1, std::memory_order_relaxed);
      }
    }
  }

  // ---- REST (io thread) ----

  void install_routes() {
    server_.route("/0/public/AssetPairs", [this](const HttpRequest& r) { return asset_pairs(r); });
    server_.route("/0/public/Assets", [this](const HttpRequest& r) { return assets(r); });
    server_.route("/0/public/Depth", [this](const HttpRequest& r) { return spot_depth(r); });
    server_.route("/0/public/Time", [](const HttpRequest&) {
      const int64_t us = now_us();
      json j = {{"error", json::array()},
                {"result", {{"unixtime", us / 1'000'000}, {"rfc1123", ""}}}};
      return HttpResponse{200, j.dump(), "application/json; charset=utf-8", {}};
    });
    server_.route("/derivatives/api/v3/instruments",
                  [this](const HttpRequest& r) { return instruments(r); });
    server_.route("/derivatives/api/v3/orderbook",
                  [this](const HttpRequest& r) { return futures_orderbook(r); });
    WsHandlers ws;
    // Spot v2 at /v2, spot v1 at / (wss://ws.kraken.com), futures at /ws/v1.
    ws.accept = [](const HttpRequest& req) {
      return req.path == "/v2" || req.path == "/" || req.path == "/ws/v1";
    };
    ws.on_open = [this](const std::shared_ptr<WsSession>& s, const HttpRequest& req) {
      Client c;
      c.session = s;
      c.family = req.path == "/ws/v1" ? Family::futures : Family::spot;
      const bool v1 = req.path == "/";
      c.v1 = v1;
      clients_[s->id()] = std::move(c);
      s->send(v1                     ? v1_status_json(s->id())
              : req.path == "/ws/v1" ? futures_info_json()
                                     : v2_status_json(s->id()));
    };
    ws.on_message = [this](const std::shared_ptr<WsSession>& s, std::string_view text) {
      auto it = clients_.find(s->id());
      if (it == clients_.end()) return;
      std::lock_guard lock(mutex_);
      if (it->second.v1)
        on_v1_message(s, it->second, text);
      else if (it->second.family == Family::spot)
        on_spot_message(s, it->second, text);
      else
        on_futures_message(s, it->second, text);
    };
    ws.on_close = [this](uint64_t id) { clients_.erase(id); };
    server_.websocket(std::move(ws));
  }

  static HttpResponse reply(std::string body) {
    return HttpResponse{200, std::move(body), "application/json; charset=utf-8", {}};
  }

  std::vector<const Market*> family(Family f) const {
    std::vector<const Market*> out;
    for (const auto& m : markets_)
      if (m->spec.family == f) out.push_back(m.get());
    return out;
  }

  // A pair= value: AssetPairs key or altname (Kraken also takes the wsname for AssetPairs).
  const Market* spot_pair(std::string_view name) const {
    const Market* m = find(name);
    return m && m->spot() ? m : nullptr;
  }

  HttpResponse asset_pairs(const HttpRequest& req) {
    std::vector<Instrument> specs;
    if (const std::string* pairs = req.param("pair")) {
      std::string_view rest = *pairs;
      while (!rest.empty()) {
        const size_t comma = rest.find(',');
        const Market* m = spot_pair(rest.substr(0, comma));
        if (!m) return reply(spot_error_json("EQuery:Unknown asset pair"));
        specs.push_back(m->spec);
        if (comma == std::string_view::npos) break;
        rest = rest.substr(comma + 1);
      }
    } else {
      for (const Market* m : family(Family::spot))
        specs.push_back(m->spec);
    }
    return reply(asset_pairs_json(specs));
  }

  // The assets of the simulated pairs; asset= takes a comma list of codes or altnames.
  HttpResponse assets(const HttpRequest& req) {
    std::vector<Asset> listed;
    for (const Asset& a : known_assets())
      for (const Market* m : family(Family::spot))
        if (m->spec.base == a.code || m->spec.quote == a.code) {
          listed.push_back(a);
          break;
        }
    const std::string* wanted = req.param("asset");
    if (!wanted) return reply(assets_json(listed));
    std::vector<Asset> picked;
    std::string_view rest = *wanted;
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      const std::string_view name = rest.substr(0, comma);
      const auto it = std::find_if(listed.begin(), listed.end(), [&](const Asset& a) {
        return a.code == name || a.altname == name;
      });
      if (it == listed.end()) return reply(spot_error_json("EQuery:Unknown asset"));
      picked.push_back(*it);
      if (comma == std::string_view::npos) break;
      rest = rest.substr(comma + 1);
    }
    return reply(assets_json(picked));
  }

  HttpResponse spot_depth(const HttpRequest& req) {
    const std::string* pair = req.param("pair");
    if (!pair || pair->empty()) return reply(spot_error_json("EGeneral:Invalid arguments"));
    const Market* m = spot_pair(*pair);
    if (!m) return reply(spot_error_json("EQuery:Unknown asset pair"));
    size_t count = 100;
    if (const std::string* text = req.param("count")) {
      const bool digits =
          !text->empty() && text->size() <= 6 &&
          std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!digits || std::stoul(*text) == 0)
        return reply(spot_error_json("EGeneral:Invalid arguments:count"));
      count = std::min<size_t>(std::stoul(*text), 500);
    }
    std::lock_guard lock(mutex_);
    // REST and v1 write prices with Kraken's internal decimals ("56218.30000").
    auto rest_text = [m](const std::vector<Level>& levels) {
      TextLevels out;
      for (const Level& l : levels)
        out.emplace_back(format_units(l.price, m->tick, m->spec.rest_price_decimals).value_or("0"),
                         m->qty_text(l.qty));
      return out;
    };
    return reply(depth_json(m->spec.key, rest_text(m->book.bids(count)),
                            rest_text(m->book.asks(count)), now_us() / 1'000'000));
  }

  HttpResponse instruments(const HttpRequest&) {
    std::vector<Instrument> specs;
    for (const Market* m : family(Family::futures))
      specs.push_back(m->spec);
    return reply(instruments_json(specs, now_us() / 1000));
  }

  HttpResponse futures_orderbook(const HttpRequest& req) {
    const std::string* symbol = req.param("symbol");
    const Market* m = symbol ? find(*symbol) : nullptr;
    if (!m || m->spot())
      return reply(futures_error_json("invalidArgument: symbol", now_us() / 1000));
    std::lock_guard lock(mutex_);
    return reply(
        futures_orderbook_json(m->text(m->book.bids()), m->text(m->book.asks()), now_us() / 1000));
  }

  // ---- spot WebSocket v2 (io thread, mutex_ held) ----

  void on_spot_message(const std::shared_ptr<WsSession>& s, Client& c, std::string_view text) {
    const int64_t time_in = now_us();
    const json request = json::parse(text, nullptr, false);
    if (request.is_discarded() || !request.is_object()) {
      s->send(v2_error_json("", "Malformed request", "", std::nullopt, time_in, now_us()));
      return;
    }
    const auto req_id = req_id_of(request);
    const std::string method = request.contains("method") && request["method"].is_string()
                                   ? request["method"].get<std::string>()
                                   : "";
    if (method == "ping") {
      s->send(v2_pong_json(req_id, time_in, now_us()));
      return;
    }
    if (method != "subscribe" && method != "unsubscribe") {
      s->send(v2_error_json(method, "Method not found", "", req_id, time_in, now_us()));
      return;
    }
    const json params = request.value("params", json());
    const std::string channel =
        params.is_object() && params.contains("channel") && params["channel"].is_string()
            ? params["channel"].get<std::string>()
            : "";
    if (channel != "book" && channel != "trade") {
      s->send(v2_error_json(method, channel.empty() ? "Missing channel" : "Channel not supported",
                            "", req_id, time_in, now_us()));
      return;
    }
    const json symbols = params.value("symbol", json());
    if (!symbols.is_array() || symbols.empty() ||
        !std::all_of(symbols.begin(), symbols.end(), [](const json& v) { return v.is_string(); })) {
      s->send(v2_error_json(method, "Missing symbol", "", req_id, time_in, now_us()));
      return;
    }
    int64_t depth = 10;
    if (auto d = params.find("depth"); d != params.end()) {
      if (!d->is_number_integer() || !valid_depth(d->get<int64_t>())) {
        s->send(v2_error_json(method, "Invalid depth", "", req_id, time_in, now_us()));
        return;
      }
      depth = d->get<int64_t>();
    }
    bool snapshot = true;
    if (auto sn = params.find("snapshot"); sn != params.end() && sn->is_boolean())
      snapshot = sn->get<bool>();
    const bool subscribe = method == "subscribe";
    for (const json& sym : symbols) {
      const std::string name = sym.get<std::string>();
      Market* m = find_ws(Family::spot, name);
      if (!m) {
        s->send(v2_error_json(method, "Currency pair not supported " + name, name, req_id, time_in,
                              now_us()));
        continue;
      }
      json result = {{"channel", channel}};
      if (channel == "book") result["depth"] = depth;
      if (subscribe) result["snapshot"] = snapshot;
      result["symbol"] = name;
      const bool book = channel == "book";
      const bool has = book ? c.books.count(name) != 0 : c.trades.count(name) != 0;
      if (subscribe && has) {
        s->send(v2_error_json(method, "Already subscribed", name, req_id, time_in, now_us()));
        continue;
      }
      if (!subscribe && !has) {
        s->send(v2_error_json(method, "Subscription Not Found", name, req_id, time_in, now_us()));
        continue;
      }
      if (!subscribe) {
        if (book)
          c.books.erase(name);
        else
          c.trades.erase(name);
        s->send(v2_ack_json(method, result.dump(), req_id, time_in, now_us()));
        continue;
      }
      s->send(v2_ack_json(method, result.dump(), req_id, time_in, now_us()));
      if (book) {
        c.books[name] = static_cast<size_t>(depth);
        // The view of this depth is the book as of now (the book moves only in ticks).
        const TopView& v = m->view(static_cast<size_t>(depth));
        const TextLevels bids = m->text(v.bids), asks = m->text(v.asks);
        if (snapshot)
          s->send(v2_book_json(true, name, bids, asks, book_checksum(bids, asks), std::nullopt));
      } else {
        c.trades.insert(name);
        if (snapshot) {
          std::vector<V2Trade> recent;
          const size_t from =
              m->trades.size() > kSpotTradeSnapshot ? m->trades.size() - kSpotTradeSnapshot : 0;
          for (size_t i = from; i < m->trades.size(); ++i) {
            const TradeRecord& r = m->trades[i];
            recent.push_back(
                V2Trade{name, r.view.taker_buys, r.view.price, r.view.qty, r.id, r.time_us});
          }
          s->send(v2_trade_json(true, recent));
        }
      }
    }
  }

  // ---- spot WebSocket v1 (io thread, mutex_ held) ----

  static std::string book_channel(size_t depth) { return "book-" + std::to_string(depth); }

  // v1 names a subscription's frames by a channelID; one per pair and channel name here.
  uint64_t channel_id(const Market& m, const std::string& channel_name) {
    auto [it, added] =
        channel_ids_.emplace(std::make_pair(m.spec.key, channel_name), next_channel_id_);
    if (added) ++next_channel_id_;
    return it->second;
  }

  void on_v1_message(const std::shared_ptr<WsSession>& s, Client& c, std::string_view text) {
    const json request = json::parse(text, nullptr, false);
    if (request.is_discarded() || !request.is_object()) {
      s->send(v1_error_json("Malformed request"));
      return;
    }
    std::optional<int64_t> reqid;
    if (auto r = request.find("reqid"); r != request.end() && r->is_number_integer())
      reqid = r->get<int64_t>();
    const std::string event = request.contains("event") && request["event"].is_string()
                                  ? request["event"].get<std::string>()
                                  : "";
    if (event == "ping") {
      s->send(v1_pong_json(reqid));
      return;
    }
    if (event != "subscribe" && event != "unsubscribe") {
      s->send(v1_error_json("Unsupported event"));
      return;
    }
    const json sub = request.value("subscription", json());
    const std::string name = sub.is_object() && sub.contains("name") && sub["name"].is_string()
                                 ? sub["name"].get<std::string>()
                                 : "";
    const std::string sub_text = sub.is_object() ? sub.dump() : "{}";
    if (name != "book" && name != "trade") {
      s->send(v1_subscription_error_json("Subscription name invalid", "", sub_text, reqid));
      return;
    }
    size_t depth = 0;
    if (name == "book") {
      int64_t d = 10;
      if (auto it = sub.find("depth"); it != sub.end()) {
        if (!it->is_number_integer() || !valid_depth(it->get<int64_t>())) {
          s->send(
              v1_subscription_error_json("Subscription depth not supported", "", sub_text, reqid));
          return;
        }
        d = it->get<int64_t>();
      }
      depth = static_cast<size_t>(d);
    }
    const json pairs = request.value("pair", json());
    if (!pairs.is_array() || pairs.empty() ||
        !std::all_of(pairs.begin(), pairs.end(), [](const json& v) { return v.is_string(); })) {
      s->send(v1_subscription_error_json("Pair field must be an array", "", sub_text, reqid));
      return;
    }
    const bool subscribe = event == "subscribe";
    const bool book = name == "book";
    const std::string channel_name = book ? book_channel(depth) : "trade";
    for (const json& p : pairs) {
      const std::string pair = p.get<std::string>();
      Market* m = nullptr;
      for (const auto& mp : markets_)
        if (mp->spot() && mp->spec.wsname == pair) m = mp.get();
      if (!m) {
        s->send(v1_subscription_error_json("Currency pair not supported", pair, sub_text, reqid));
        continue;
      }
      const std::string& key = m->ws_name();  // clients index subscriptions by the v2 name
      const bool has = book ? c.books.count(key) != 0 : c.trades.count(key) != 0;
      if (subscribe == has) {
        s->send(v1_subscription_error_json(
            subscribe ? "Already subscribed" : "Subscription Not Found", pair, sub_text, reqid));
        continue;
      }
      const uint64_t id = channel_id(*m, channel_name);
      s->send(v1_subscription_json(id, channel_name, pair, subscribe, name, depth, reqid));
      if (!subscribe) {
        if (book)
          c.books.erase(key);
        else
          c.trades.erase(key);
      } else if (book) {
        c.books[key] = depth;
        const TopView& v = m->view(depth);  // the book as of now (it moves only in ticks)
        s->send(v1_book_snapshot_json(id, channel_name, pair, m->v1_text(v.bids),
                                      m->v1_text(v.asks), now_us()));
      } else {
        c.trades.insert(key);  // v1 sends no trade snapshot
      }
    }
  }

  // ---- futures WebSocket v1 (io thread, mutex_ held) ----

  void on_futures_message(const std::shared_ptr<WsSession>& s, Client& c, std::string_view text) {
    const json request = json::parse(text, nullptr, false);
    if (request.is_discarded() || !request.is_object()) {
      s->send(futures_error_event_json("Json Error"));
      return;
    }
    const std::string event = request.contains("event") && request["event"].is_string()
                                  ? request["event"].get<std::string>()
                                  : "";
    const std::string feed = request.contains("feed") && request["feed"].is_string()
                                 ? request["feed"].get<std::string>()
                                 : "";
    if (event != "subscribe" && event != "unsubscribe") {
      s->send(futures_error_event_json("Invalid event"));
      return;
    }
    if (feed != "book" && feed != "trade") {
      s->send(futures_error_event_json("Invalid feed"));
      return;
    }
    const json ids = request.value("product_ids", json());
    if (!ids.is_array() || ids.empty() ||
        !std::all_of(ids.begin(), ids.end(), [](const json& v) { return v.is_string(); })) {
      s->send(futures_error_event_json("Invalid product id"));
      return;
    }
    const bool subscribe = event == "subscribe";
    for (const json& id : ids) {
      std::string product = id.get<std::string>();
      for (char& ch : product)
        ch = static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
      Market* m = find_ws(Family::futures, product);
      if (!m) {
        s->send(futures_error_event_json("Invalid product id"));
        continue;
      }
      const bool book = feed == "book";
      s->send(futures_event_json(subscribe ? "subscribed" : "unsubscribed", feed, {product}));
      if (!subscribe) {
        if (book)
          c.books.erase(product);
        else
          c.trades.erase(product);
        continue;
      }
      const int64_t now_ms = now_us() / 1000;
      if (book) {
        c.books[product] = 0;
        s->send(book_snapshot_json(product, now_ms, m->seq, m->text(m->book.bids()),
                                   m->text(m->book.asks())));
      } else {
        c.trades.insert(product);
        std::vector<FuturesTrade> recent;
        for (auto it = m->trades.rbegin();
             it != m->trades.rend() && recent.size() < kFuturesTradeSnapshot; ++it)
          recent.push_back(futures_trade(*m, *it));
        s->send(trade_snapshot_json(product, recent));
      }
    }
  }

  Options options_;
  LoopbackServer server_;
  boost::asio::steady_timer timer_;
  std::chrono::steady_clock::time_point next_tick_;
  int64_t heartbeat_every_ = 10;
  uint64_t timer_ticks_ = 0;  // io thread
  bool stopped_ = false;      // io thread

  // Markets are created before the server starts and never added or removed afterwards; their
  // contents change under mutex_.
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Market>> markets_;
  bool paused_ = false;
  SimStats counters_;  // ticks, book_messages, trades, faults

  std::unordered_map<uint64_t, Client> clients_;                         // io thread
  std::map<std::pair<std::string, std::string>, uint64_t> channel_ids_;  // mutex_
  uint64_t next_channel_id_ = 336;
  std::atomic<uint64_t> events_sent_{0};
};

KrakenSim::KrakenSim(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KrakenSim::~KrakenSim() {
  stop();
}

std::unique_ptr<KrakenSim> KrakenSim::start(Options options, std::string& error) {
  auto impl = std::make_unique<Impl>(std::move(options));
  if (!impl->init(error)) return nullptr;
  return std::unique_ptr<KrakenSim>(new KrakenSim(std::move(impl)));
}

uint16_t KrakenSim::port() const {
  return impl_->port();
}
void KrakenSim::pause() {
  impl_->pause();
}
void KrakenSim::resume() {
  impl_->resume();
}
void KrakenSim::step(int ticks) {
  impl_->step(ticks);
}
std::optional<BookView> KrakenSim::book(std::string_view symbol, size_t depth) const {
  return impl_->book(symbol, depth);
}
std::vector<TradeView> KrakenSim::trades(std::string_view symbol) const {
  return impl_->trades(symbol);
}
SimStats KrakenSim::stats() const {
  return impl_->stats();
}
bool KrakenSim::corrupt_next_checksum(std::string_view symbol) {
  return impl_->corrupt_next_checksum(symbol);
}
bool KrakenSim::drop_next_update(std::string_view product_id) {
  return impl_->drop_next_update(product_id);
}
void KrakenSim::stop() {
  impl_->stop();
}
std::vector<std::string> KrakenSim::known_symbols() {
  return known_instruments();
}

}  // namespace astra::sim::kraken
