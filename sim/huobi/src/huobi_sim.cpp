#include "astra/sim/huobi/huobi_sim.hpp"

#include "catalog.hpp"
#include "gzip.hpp"
#include "messages.hpp"
#include "numbers.hpp"

#include <astra/sdk/decimal.hpp>
#include <astra/sim/loopback_server.hpp>
#include <astra/sim/matching_engine.hpp>
#include <astra/sim/order_flow.hpp>
#include <astra/sim/units.hpp>

#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

namespace astra::sim::huobi {

namespace {

// HTX publishes at most this many levels a side (depth.step0 and mbp.150).
constexpr size_t kLevels = 150;
constexpr size_t kRecentTrades = 1000;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
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

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// The market WebSocket paths, each serving one family.
enum class Path { ws, feed, swap, linear };

using BidView = std::map<int64_t, int64_t, std::greater<>>;
using AskView = std::map<int64_t, int64_t, std::less<>>;

template <class View>
View top_of(const std::vector<Level>& levels) {
  View v;
  for (const auto& l : levels)
    v.emplace(l.price, l.qty);
  return v;
}

// Levels of `after` that differ from `before`, best first; a level gone has quantity 0.
template <class View>
std::vector<Level> diff(const View& before, const View& after) {
  std::vector<Level> out;
  const typename View::key_compare better;
  auto b = before.begin();
  auto a = after.begin();
  while (b != before.end() || a != after.end()) {
    if (a == after.end() || (b != before.end() && better(b->first, a->first))) {
      out.push_back({b->first, 0});
      ++b;
    } else if (b == before.end() || better(a->first, b->first)) {
      out.push_back({a->first, a->second});
      ++a;
    } else {
      if (a->second != b->second) out.push_back({a->first, a->second});
      ++a;
      ++b;
    }
  }
  return out;
}

struct Market {
  Market(InstrumentSpec s, astra_decimal tick_unit, astra_decimal lot_unit, uint64_t start_seq,
         uint64_t seed, FlowParams params)
      : spec(std::move(s)),
        spot(spec.family == Family::spot),
        tick(tick_unit),
        lot(lot_unit),
        flow(seed, params),
        seq(start_seq),
        seq_rng(seed ^ 0x9e3779b97f4a7c15ULL) {
    const std::string prefix = "market." + spec.symbol + ".";
    depth_topic = prefix + "depth.step0";
    trade_topic = prefix + "trade.detail";
    mbp_topic = prefix + "mbp.150";
  }

  InstrumentSpec spec;
  bool spot;
  astra_decimal tick;
  astra_decimal lot;
  astra_decimal contract_size{0, 0};
  MatchingEngine book;
  OrderFlow flow;
  uint64_t seq;  // seqNum of the last published change (spot version too)
  uint64_t seq_rng;
  BidView bids;  // the published top of book
  AskView asks;
  bool drop_next = false;
  std::string depth_topic, trade_topic, mbp_topic;
  uint64_t next_trade_id = 100045088885;  // spot tradeId
  uint64_t next_tick_id = 100182534526;   // trade push tick.id; swaps' mrid
  std::deque<TradeView> recent;

  // A jump of 2..6: never +1, so a client assuming consecutive seqNums breaks at once.
  uint64_t next_seq() {
    seq_rng = seq_rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return seq + 2 + (seq_rng >> 33) % 5;
  }

  std::string text(int64_t units, astra_decimal unit) const {
    const auto v = times(units, unit);
    if (!v) return "0";
    return spot ? java_double_text(*v) : plain_text(*v);
  }
  std::string price_text(int64_t ticks) const { return text(ticks, tick); }
  std::string qty_text(int64_t lots) const { return text(lots, lot); }
  TextLevels text_levels(const std::vector<Level>& levels) const {
    TextLevels out;
    out.reserve(levels.size());
    for (const auto& l : levels)
      out.emplace_back(price_text(l.price), qty_text(l.qty));
    return out;
  }
  template <class View>
  TextLevels text_view(const View& v, size_t depth) const {
    TextLevels out;
    for (const auto& [p, q] : v) {
      if (depth != 0 && out.size() >= depth) break;
      out.emplace_back(price_text(p), qty_text(q));
    }
    return out;
  }
};

struct Outgoing {
  std::string topic;
  std::string json;
};

struct Client {
  std::weak_ptr<WsSession> session;
  Path path = Path::ws;
  std::set<std::string> topics;  // canonical topics
  int missed_pongs = 0;
};

}  // namespace

class HuobiSim::Impl {
 public:
  explicit Impl(Options options)
      : options_(std::move(options)),
        // HTX's keep-alive is its JSON ping; the server's own WebSocket pings stay out of the way.
        server_(ServerOptions{std::chrono::hours(24), std::chrono::hours(48),
                              options_.max_queued_messages, options_.tls, options_.faults}),
        tick_timer_(server_.io()),
        ping_timer_(server_.io()) {}

  bool init(std::string& error) {
    if (options_.symbols.empty()) {
      error = "no symbols";
      return false;
    }
    if (options_.rate.count() <= 0 || options_.actions_per_tick < 0 ||
        options_.ping_interval.count() <= 0 || options_.max_missed_pongs < 1) {
      error =
          "rate and ping interval must be positive, actions per tick not negative, "
          "max missed pongs at least 1";
      return false;
    }
    uint64_t start_seq = 100020146794;
    for (const auto& name : options_.symbols) {
      auto spec = find_instrument(name);
      if (!spec) {
        error = "unknown symbol " + name + " (known:";
        for (const auto& s : known_instruments())
          error += " " + s;
        error += ")";
        return false;
      }
      if (markets_.count(name) != 0) continue;
      const auto tick = parse_unit(spec->tick);
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
      auto m = std::make_unique<Market>(*spec, *tick, *lot, start_seq, options_.seed ^ fnv1a(name),
                                        params);
      if (!spec->contract_size.empty() &&
          !sdk::parse_decimal(spec->contract_size, m->contract_size)) {
        error = "bad contract size for " + name;
        return false;
      }
      m->flow.seed_book(m->book, 30);
      m->book.take_changes();  // the seeded book is the starting state, not a change
      m->bids = top_of<BidView>(m->book.bids(kLevels));
      m->asks = top_of<AskView>(m->book.asks(kLevels));
      order_.push_back(m.get());
      markets_[name] = std::move(m);
      start_seq += 1000000000;
    }
    paused_ = options_.start_paused;
    install_routes();
    if (!server_.start(options_.port, error)) return false;
    server_.run_sync([this] {
      next_tick_ = std::chrono::steady_clock::now() + options_.rate;
      schedule_tick();
      schedule_ping();
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
    return BookView{m->seq, m->text_view(m->bids, depth), m->text_view(m->asks, depth)};
  }

  std::vector<TradeView> recent_trades(std::string_view symbol) const {
    std::lock_guard lock(mutex_);
    const Market* m = find(symbol);
    if (!m) return {};
    return {m->recent.begin(), m->recent.end()};
  }

  bool drop_next_update(std::string_view symbol) {
    std::lock_guard lock(mutex_);
    auto it = markets_.find(std::string(symbol));
    if (it == markets_.end() || !it->second->spot) return false;
    it->second->drop_next = true;
    return true;
  }

  SimStats stats() const {
    SimStats s;
    {
      std::lock_guard lock(mutex_);
      s.ticks = ticks_;
      s.book_changes = book_changes_;
      s.trades = trades_;
      s.updates_dropped = updates_dropped_;
    }
    s.events_sent = events_sent_.load();
    s.snapshot_requests = snapshot_requests_.load();
    s.pings_sent = pings_sent_.load();
    s.pongs_received = pongs_received_.load();
    s.clients_dropped = clients_dropped_.load();
    const ServerStats server = server_.stats();
    s.ws_sessions = server.ws_sessions;
    s.http_requests = server.http_requests;
    return s;
  }

  void stop() {
    server_.run_sync([this] {
      stopped_ = true;
      tick_timer_.cancel();
      ping_timer_.cancel();
    });
    server_.stop();
  }

 private:
  const Market* find(std::string_view symbol) const {
    auto it = markets_.find(std::string(symbol));
    return it == markets_.end() ? nullptr : it->second.get();
  }

  // ---- order flow and pushes (io thread) ----

  void schedule_tick() {
    tick_timer_.expires_at(next_tick_);
    tick_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec || stopped_) return;
      next_tick_ += options_.rate;
      const auto now = std::chrono::steady_clock::now();
      if (next_tick_ < now) next_tick_ = now + options_.rate;  // do not burst after a stall
      tick(false);
      schedule_tick();
    });
  }

  void tick(bool forced) {
    if (stopped_) return;
    std::vector<Outgoing> out;
    {
      std::lock_guard lock(mutex_);
      if (paused_ && !forced) return;
      ++ticks_;
      const int64_t now = now_ms();
      std::vector<Fill> fills;
      for (Market* m : order_) {
        for (int i = 0; i < options_.actions_per_tick; ++i) {
          fills.clear();
          m->flow.step(m->book, fills);
          trades_ += fills.size();
          emit_trades(*m, fills, now, out);
        }
        m->book.take_changes();  // the published view is diffed below instead
        publish_book(*m, now, out);
      }
    }
    send(out);
  }

  // The top 150 levels against what was published: one change (new seqNum) when they differ.
  void publish_book(Market& m, int64_t now, std::vector<Outgoing>& out) {
    BidView bids = top_of<BidView>(m.book.bids(kLevels));
    AskView asks = top_of<AskView>(m.book.asks(kLevels));
    const std::vector<Level> bid_changes = diff(m.bids, bids);
    const std::vector<Level> ask_changes = diff(m.asks, asks);
    if (bid_changes.empty() && ask_changes.empty()) return;
    m.bids = std::move(bids);
    m.asks = std::move(asks);
    const uint64_t prev = m.seq;
    m.seq = m.next_seq();
    ++book_changes_;
    if (m.spot) {
      if (m.drop_next) {
        m.drop_next = false;
        ++updates_dropped_;
      } else {
        out.push_back(
            {m.mbp_topic, mbp_push(m.mbp_topic, now, m.seq, prev, m.text_levels(bid_changes),
                                   m.text_levels(ask_changes))});
      }
      out.push_back(
          {m.depth_topic, spot_depth_push(m.depth_topic, now, m.seq, now, m.text_view(m.bids, 0),
                                          m.text_view(m.asks, 0))});
    } else {
      out.push_back(
          {m.depth_topic, contract_depth_push(m.depth_topic, now, m.next_tick_id, now / 1000, now,
                                              m.text_view(m.bids, 0), m.text_view(m.asks, 0))});
    }
  }

  // One trade.detail push per taker order, one row per fill.
  void emit_trades(Market& m, const std::vector<Fill>& fills, int64_t now,
                   std::vector<Outgoing>& out) {
    size_t i = 0;
    while (i < fills.size()) {
      const uint64_t taker = fills[i].taker_order;
      const uint64_t tick_id = ++m.next_tick_id;
      std::vector<TradeRow> rows;
      uint64_t k = 0;
      for (; i < fills.size() && fills[i].taker_order == taker; ++i) {
        const Fill& f = fills[i];
        TradeRow r;
        r.price = m.price_text(f.price);
        r.amount = m.qty_text(f.qty);
        r.taker_buy = f.taker_side == Side::kBuy;
        if (m.spot) {
          // Spot row ids are 27 digits (above 2^64); tradeId is the public trade id.
          const std::string serial = std::to_string(++k);
          r.id = std::to_string(tick_id) + std::string(15 - serial.size(), '0') + serial;
          r.trade_id = std::to_string(m.next_trade_id++);
        } else {
          r.id = std::to_string(tick_id * 10000 + k++);
          contract_quantities(m, f, r);
        }
        push_recent(m, TradeView{m.spot ? r.trade_id : r.id, r.price, r.amount, r.taker_buy});
        rows.push_back(std::move(r));
      }
      out.push_back({m.trade_topic, trade_push(m.trade_topic, now, tick_id, m.spot, rows)});
    }
  }

  // Swap rows carry the coin quantity: contracts * size (linear, plus the USDT turnover) or
  // contracts * size / price (coin-margined, USD contracts), the latter to 18 decimals.
  static void contract_quantities(const Market& m, const Fill& f, TradeRow& r) {
    const auto contracts = times(f.qty, m.lot);
    const auto price = times(f.price, m.tick);
    if (!contracts || !price) return;
    if (m.spec.family == Family::linear_swap) {
      const auto coin = times(contracts->mantissa, m.contract_size);
      if (!coin) return;
      const astra_decimal q{coin->mantissa, coin->exponent + contracts->exponent};
      r.quantity = plain_text(q);
      const auto turnover = times(q.mantissa, *price);
      if (turnover) r.turnover = plain_text({turnover->mantissa, turnover->exponent + q.exponent});
      return;
    }
    // quantity = contracts * size / price, as mantissas: (c * s * 10^(ce+se-pe+18)) / p * 10^-18.
    using int128 = sdk::detail::int128;
    int128 num = static_cast<int128>(contracts->mantissa) * m.contract_size.mantissa;
    int exp = contracts->exponent + m.contract_size.exponent - price->exponent + 18;
    for (; exp > 0; --exp)
      num *= 10;
    for (; exp < 0; ++exp)
      num /= 10;
    const int128 q = num / price->mantissa;
    r.quantity = q > INT64_MAX ? "0" : plain_text({static_cast<int64_t>(q), -18});
  }

  static void push_recent(Market& m, TradeView t) {
    if (m.recent.size() >= kRecentTrades) m.recent.pop_front();
    m.recent.push_back(std::move(t));
  }

  void send(const std::vector<Outgoing>& out) {
    if (out.empty()) return;
    std::vector<std::string> compressed(out.size());
    for (auto& [id, client] : clients_) {
      auto session = client.session.lock();
      if (!session) continue;
      for (size_t i = 0; i < out.size(); ++i) {
        if (client.topics.count(out[i].topic) == 0) continue;
        if (compressed[i].empty()) compressed[i] = gzip_.compress(out[i].json);
        session->send_binary(compressed[i]);
        events_sent_.fetch_add(1);
      }
    }
  }

  void send_json(const std::shared_ptr<WsSession>& session, const std::string& json) {
    session->send_binary(gzip_.compress(json));
  }

  // ---- keep-alive (io thread) ----

  void schedule_ping() {
    ping_timer_.expires_after(options_.ping_interval);
    ping_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec || stopped_) return;
      ping_all();
      schedule_ping();
    });
  }

  void ping_all() {
    const std::string ping = gzip_.compress(ping_json(now_ms()));
    std::vector<std::shared_ptr<WsSession>> silent;  // closed after the loop
    for (auto it = clients_.begin(); it != clients_.end();) {
      auto session = it->second.session.lock();
      if (!session) {
        it = clients_.erase(it);
        continue;
      }
      if (it->second.missed_pongs >= options_.max_missed_pongs) {
        clients_dropped_.fetch_add(1);
        silent.push_back(std::move(session));
        it = clients_.erase(it);
        continue;
      }
      session->send_binary(ping);
      ++it->second.missed_pongs;
      pings_sent_.fetch_add(1);
      ++it;
    }
    for (auto& session : silent)
      session->close("pong timeout");
  }

  // ---- REST (io thread) ----

  void install_routes() {
    server_.route("/v1/common/symbols",
                  [this](const HttpRequest&) { return listing(Family::spot, false); });
    server_.route("/swap-api/v1/swap_contract_info",
                  [this](const HttpRequest&) { return listing(Family::coin_swap, true); });
    server_.route("/linear-swap-api/v1/swap_contract_info",
                  [this](const HttpRequest&) { return listing(Family::linear_swap, true); });
    server_.route("/market/depth",
                  [this](const HttpRequest& req) { return depth(req, Family::spot); });
    server_.route("/swap-ex/market/depth",
                  [this](const HttpRequest& req) { return depth(req, Family::coin_swap); });
    server_.route("/linear-swap-ex/market/depth",
                  [this](const HttpRequest& req) { return depth(req, Family::linear_swap); });
    WsHandlers ws;
    ws.accept = [](const HttpRequest& req) {
      return req.path == "/ws" || req.path == "/feed" || req.path == "/swap-ws" ||
             req.path == "/linear-swap-ws";
    };
    ws.on_open = [this](const std::shared_ptr<WsSession>& s, const HttpRequest& req) {
      Client c;
      c.session = s;
      c.path = req.path == "/feed"             ? Path::feed
               : req.path == "/swap-ws"        ? Path::swap
               : req.path == "/linear-swap-ws" ? Path::linear
                                               : Path::ws;
      clients_[s->id()] = std::move(c);
    };
    ws.on_message = [this](const std::shared_ptr<WsSession>& s, std::string_view text) {
      on_client_message(s, text);
    };
    ws.on_close = [this](uint64_t id) { clients_.erase(id); };
    server_.websocket(std::move(ws));
  }

  static HttpResponse json_response(std::string body) {
    return HttpResponse{200, std::move(body), "application/json;charset=utf-8", {}};
  }

  HttpResponse listing(Family family, bool with_ts) {
    std::vector<std::string> records;
    for (const Market* m : order_)
      if (m->spec.family == family) records.push_back(m->spec.listing_json);
    return json_response(with_ts ? contract_info_json(records, now_ms())
                                 : spot_symbols_json(records));
  }

  HttpResponse depth(const HttpRequest& req, Family family) {
    const bool spot = family == Family::spot;
    const std::string* symbol = req.param(spot ? "symbol" : "contract_code");
    const std::string* type = req.param("type");
    if (!type || *type != "step0") {
      // The sim keeps unmerged books only (step1..step5 would merge price levels).
      return json_response(
          spot ? spot_error_json("invalid-parameter", "invalid type")
               : contract_error_json(1014, "This contract doesnt exist.", now_ms()));
    }
    const std::string name = !symbol ? "" : spot ? lower(*symbol) : upper(*symbol);
    std::lock_guard lock(mutex_);
    const Market* m = find(name);
    if (!m || m->spec.family != family) {
      return json_response(
          spot ? spot_error_json("invalid-parameter", "invalid symbol")
               : contract_error_json(1014, "This contract doesnt exist.", now_ms()));
    }
    const int64_t now = now_ms();
    size_t levels = 0;
    if (const std::string* d = req.param("depth"); spot && d) {
      if (*d != "5" && *d != "10" && *d != "20")
        return json_response(spot_error_json("invalid-parameter", "invalid depth"));
      levels = std::stoul(*d);
    }
    const TextLevels bids = m->text_view(m->bids, levels);
    const TextLevels asks = m->text_view(m->asks, levels);
    return json_response(spot ? spot_depth_json(m->depth_topic, now, m->seq, now, bids, asks)
                              : contract_depth_json(m->depth_topic, now, m->next_tick_id,
                                                    now / 1000, now, bids, asks));
  }

  // ---- WebSocket requests (io thread) ----

  // The canonical topic for `requested` on `path`, or "" when that path does not serve it.
  std::string canonical_topic(Path path, std::string_view requested, Market** market) {
    constexpr std::string_view prefix = "market.";
    if (requested.substr(0, prefix.size()) != prefix) return {};
    const std::string_view tail = requested.substr(prefix.size());
    const size_t dot = tail.find('.');
    if (dot == std::string_view::npos) return {};
    const std::string_view kind = tail.substr(dot + 1);
    const bool contracts = path == Path::swap || path == Path::linear;
    // Spot symbols are lowercase; contract codes are case-insensitive, pushed upper-case.
    const std::string symbol =
        contracts ? upper(tail.substr(0, dot)) : std::string(tail.substr(0, dot));
    auto it = markets_.find(symbol);
    if (it == markets_.end()) return {};
    Market& m = *it->second;
    const Family wanted = path == Path::swap     ? Family::coin_swap
                          : path == Path::linear ? Family::linear_swap
                                                 : Family::spot;
    if (m.spec.family != wanted) return {};
    const bool served =
        path == Path::feed ? kind == "mbp.150" : (kind == "depth.step0" || kind == "trade.detail");
    if (!served) return {};
    *market = &m;
    return "market." + symbol + "." + std::string(kind);
  }

  void on_client_message(const std::shared_ptr<WsSession>& session, std::string_view text) {
    auto found = clients_.find(session->id());
    if (found == clients_.end()) return;
    Client& client = found->second;
    const nlohmann::json msg = nlohmann::json::parse(text, nullptr, false);
    const int64_t now = now_ms();
    if (!msg.is_object()) {
      send_json(session, ws_error("null", "bad-request", "invalid message", now));
      return;
    }
    if (msg.contains("pong")) {
      client.missed_pongs = 0;
      pongs_received_.fetch_add(1);
      return;
    }
    const std::string id = msg.contains("id") ? msg["id"].dump() : "null";
    const bool spot = client.path == Path::ws || client.path == Path::feed;
    for (const char* verb : {"sub", "unsub", "req"}) {
      if (!msg.contains(verb)) continue;
      const auto& t = msg[verb];
      const std::string requested = t.is_string() ? t.get<std::string>() : "";
      Market* m = nullptr;
      const std::string topic = canonical_topic(client.path, requested, &m);
      if (topic.empty()) {
        send_json(session, ws_error(id, "bad-request", "invalid topic " + requested, now));
        return;
      }
      const std::string_view v = verb;
      if (v == "sub") {
        client.topics.insert(topic);
        send_json(session, sub_ack(spot, id, true, topic, now));
      } else if (v == "unsub") {
        client.topics.erase(topic);
        send_json(session, sub_ack(spot, id, false, topic, now));
      } else if (topic == m->mbp_topic) {
        // The snapshot of the mbp book at its current seqNum, on this connection.
        std::string reply;
        {
          std::lock_guard lock(mutex_);
          reply = mbp_reply(id, topic, m->seq, m->text_view(m->bids, 0), m->text_view(m->asks, 0));
        }
        snapshot_requests_.fetch_add(1);
        send_json(session, reply);
      } else {
        send_json(session, ws_error(id, "bad-request", "unsupported req " + requested, now));
      }
      return;
    }
    send_json(session, ws_error(id, "bad-request", "invalid message", now));
  }

  Options options_;
  LoopbackServer server_;
  boost::asio::steady_timer tick_timer_;
  boost::asio::steady_timer ping_timer_;
  std::chrono::steady_clock::time_point next_tick_;
  bool stopped_ = false;  // io thread
  Gzip gzip_;             // io thread

  // Markets are created before the server starts and never added or removed afterwards; their
  // contents change under mutex_.
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::unique_ptr<Market>> markets_;
  std::vector<Market*> order_;
  bool paused_ = false;
  uint64_t ticks_ = 0;
  uint64_t book_changes_ = 0;
  uint64_t trades_ = 0;
  uint64_t updates_dropped_ = 0;

  std::unordered_map<uint64_t, Client> clients_;  // io thread
  std::atomic<uint64_t> events_sent_{0};
  std::atomic<uint64_t> snapshot_requests_{0};
  std::atomic<uint64_t> pings_sent_{0};
  std::atomic<uint64_t> pongs_received_{0};
  std::atomic<uint64_t> clients_dropped_{0};
};

HuobiSim::HuobiSim(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HuobiSim::~HuobiSim() {
  stop();
}

std::unique_ptr<HuobiSim> HuobiSim::start(Options options, std::string& error) {
  auto impl = std::make_unique<Impl>(std::move(options));
  if (!impl->init(error)) return nullptr;
  return std::unique_ptr<HuobiSim>(new HuobiSim(std::move(impl)));
}

uint16_t HuobiSim::port() const {
  return impl_->port();
}
void HuobiSim::pause() {
  impl_->pause();
}
void HuobiSim::resume() {
  impl_->resume();
}
void HuobiSim::step(int ticks) {
  impl_->step(ticks);
}
std::optional<BookView> HuobiSim::book(std::string_view symbol, size_t depth) const {
  return impl_->book(symbol, depth);
}
std::vector<TradeView> HuobiSim::recent_trades(std::string_view symbol) const {
  return impl_->recent_trades(symbol);
}
SimStats HuobiSim::stats() const {
  return impl_->stats();
}
bool HuobiSim::drop_next_update(std::string_view symbol) {
  return impl_->drop_next_update(symbol);
}
void HuobiSim::stop() {
  impl_->stop();
}
std::vector<std::string> HuobiSim::known_symbols() {
  return known_instruments();
}

}  // namespace astra::sim::huobi
