#include "astra/sim/kucoin/kucoin_sim.hpp"

#include "catalog.hpp"
#include "messages.hpp"

#include <astra/sim/loopback_server.hpp>
#include <astra/sim/matching_engine.hpp>
#include <astra/sim/order_flow.hpp>
#include <astra/sim/units.hpp>

#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

namespace astra::sim::kucoin {

namespace {

using Clock = std::chrono::steady_clock;

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

constexpr size_t kTradeLog = 1000;
constexpr size_t kMaxTopicsPerMessage = 100;  // KuCoin's documented limit per subscribe

struct Market {
  Market(InstrumentSpec s, astra_decimal tick_size, astra_decimal lot_size, uint64_t start_seq,
         uint64_t seed, FlowParams params)
      : spec(std::move(s)),
        tick(tick_size),
        lot(lot_size),
        sequence(start_seq),
        flow(seed, params) {}

  InstrumentSpec spec;
  astra_decimal tick;
  astra_decimal lot;
  uint64_t sequence;  // the last level2 sequence handed out
  MatchingEngine book;
  OrderFlow flow;
  bool drop_next = false;
  uint64_t next_trade = 1;
  std::deque<TradeView> trades;

  std::string text(int64_t units, astra_decimal unit) const {
    return trim_zeros(format_units(units, unit, std::max(0, -unit.exponent)).value_or("0"));
  }
  std::string price_text(int64_t ticks) const { return text(ticks, tick); }
  std::string size_text(int64_t lots) const { return text(lots, lot); }
  TextLevels levels(const std::vector<Level>& in) const {
    TextLevels out;
    out.reserve(in.size());
    for (const auto& l : in)
      out.emplace_back(price_text(l.price), size_text(l.qty));
    return out;
  }
};

struct Client {
  std::weak_ptr<WsSession> session;
  std::set<std::string> level2;   // venue symbols
  std::set<std::string> matches;  // venue symbols
  Clock::time_point last_heard;
};

// One KuCoin host (spot or futures): its server, its tick timer and its WebSocket clients.
struct VenueHost {
  VenueHost(Family f, const Options& o)
      : family(f),
        server(ServerOptions{o.ping_interval + o.ping_timeout, o.ping_interval + o.ping_timeout,
                             o.max_queued_messages, o.tls, o.faults}),
        timer(server.io()) {}

  Family family;
  LoopbackServer server;
  boost::asio::steady_timer timer;
  Clock::time_point next_tick;
  std::unordered_map<uint64_t, Client> clients;  // io thread
};

std::string_view book_prefix(Family f) {
  return f == Family::spot ? "/market/level2:" : "/contractMarket/level2:";
}
std::string_view match_prefix(Family f) {
  return f == Family::spot ? "/market/match:" : "/contractMarket/execution:";
}

}  // namespace

class KucoinSim::Impl {
 public:
  explicit Impl(Options options)
      : options_(std::move(options)),
        hosts_{std::make_unique<VenueHost>(Family::spot, options_),
               std::make_unique<VenueHost>(Family::futures, options_)} {}

  bool init(std::string& error) {
    if (options_.symbols.empty()) {
      error = "no symbols";
      return false;
    }
    if (options_.rate.count() <= 0 || options_.actions_per_tick < 0 ||
        options_.ping_interval.count() <= 0 || options_.ping_timeout.count() <= 0) {
      error = "rate and ping times must be positive and actions per tick not negative";
      return false;
    }
    uint64_t spot_seq = 1613277183000;
    uint64_t futures_seq = 1638574985000;
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
      // Few resting orders keep each side well inside the top 100 levels that the public
      // snapshot (level2_100) returns.
      params.target_resting = 60;
      uint64_t& seq = spec->family == Family::spot ? spot_seq : futures_seq;
      auto market =
          std::make_unique<Market>(*spec, *tick, *lot, seq, options_.seed ^ fnv1a(name), params);
      seq += 1000000000;
      market->flow.seed_book(market->book, 30);
      market->book.take_changes();  // the seeded book is the starting state, not a diff
      order_.push_back(market.get());
      markets_[name] = std::move(market);
    }
    paused_ = options_.start_paused;
    for (auto& host : hosts_) {
      install_routes(*host);
      const uint16_t port = host->family == Family::spot ? options_.port : options_.futures_port;
      if (!host->server.start(port, error)) return false;
      VenueHost* h = host.get();
      h->server.run_sync([this, h] {
        h->next_tick = Clock::now() + options_.rate;
        schedule(*h);
      });
    }
    return true;
  }

  uint16_t port(Family f) const { return host(f).server.port(); }

  void pause() {
    std::lock_guard lock(mutex_);
    paused_ = true;
  }
  void resume() {
    std::lock_guard lock(mutex_);
    paused_ = false;
  }
  void step(int ticks) {
    for (int i = 0; i < ticks; ++i)
      for (auto& h : hosts_) {
        VenueHost* host = h.get();
        host->server.run_sync([this, host] { tick(*host, true); });
      }
  }

  std::optional<BookView> book(std::string_view symbol, size_t depth) const {
    std::lock_guard lock(mutex_);
    auto it = markets_.find(std::string(symbol));
    if (it == markets_.end()) return std::nullopt;
    const Market& m = *it->second;
    BookView view;
    view.sequence = m.sequence;
    view.bids = m.levels(m.book.bids(depth));
    view.asks = m.levels(m.book.asks(depth));
    return view;
  }

  std::vector<TradeView> trades(std::string_view symbol) const {
    std::lock_guard lock(mutex_);
    auto it = markets_.find(std::string(symbol));
    if (it == markets_.end()) return {};
    return {it->second->trades.begin(), it->second->trades.end()};
  }

  bool drop_next_update(std::string_view symbol) {
    std::lock_guard lock(mutex_);
    auto it = markets_.find(std::string(symbol));
    if (it == markets_.end()) return false;
    it->second->drop_next = true;
    return true;
  }

  SimStats stats() const {
    SimStats s;
    {
      std::lock_guard lock(mutex_);
      s.ticks = ticks_;
      s.level2_messages = level2_messages_;
      s.dropped_updates = dropped_updates_;
      s.trades = trades_;
      s.tokens_issued = tokens_.size();
      s.connections_refused = refused_;
      s.pings = pings_;
    }
    s.events_sent = events_sent_.load(std::memory_order_relaxed);
    for (const auto& h : hosts_) {
      const ServerStats server = h->server.stats();
      s.ws_sessions += server.ws_sessions;
      s.http_requests += server.http_requests;
    }
    return s;
  }

  void stop() {
    for (auto& h : hosts_) {
      VenueHost* host = h.get();
      host->server.run_sync([this, host] {
        stopped_ = true;
        host->timer.cancel();
      });
      host->server.stop();
    }
  }

 private:
  const VenueHost& host(Family f) const { return *hosts_[f == Family::spot ? 0 : 1]; }

  // ---- order flow and events (the host's io thread) ----

  void schedule(VenueHost& h) {
    h.timer.expires_at(h.next_tick);
    h.timer.async_wait([this, &h](boost::system::error_code ec) {
      if (ec || stopped_) return;
      h.next_tick += options_.rate;
      const auto now = Clock::now();
      if (h.next_tick < now) h.next_tick = now + options_.rate;  // do not burst after a stall
      close_silent_clients(h);
      tick(h, false);
      schedule(h);
    });
  }

  // KuCoin drops a connection that has sent nothing (no ping) for pingInterval + pingTimeout.
  void close_silent_clients(VenueHost& h) {
    const auto limit = options_.ping_interval + options_.ping_timeout;
    const auto now = Clock::now();
    // Closing may erase the client from the map (on_close): collect first, close after.
    std::vector<std::shared_ptr<WsSession>> silent;
    for (auto& [id, client] : h.clients) {
      if (now - client.last_heard <= limit) continue;
      if (auto s = client.session.lock()) silent.push_back(std::move(s));
    }
    for (const auto& s : silent)
      s->close("ping timeout");
  }

  struct Outgoing {
    bool level2 = false;
    std::string symbol;
    std::string text;
  };

  void tick(VenueHost& h, bool forced) {
    if (stopped_) return;
    std::vector<Outgoing> out;
    {
      std::lock_guard lock(mutex_);
      if (paused_ && !forced) return;
      if (h.family == Family::spot) ++ticks_;
      const int64_t now = now_ns();
      std::vector<Fill> fills;
      for (Market* m : order_) {
        if (m->spec.family != h.family) continue;
        for (int i = 0; i < options_.actions_per_tick; ++i) {
          fills.clear();
          m->flow.step(m->book, fills);
          trades_ += fills.size();
          for (const Fill& f : fills)
            out.push_back({false, m->spec.symbol, match_message(*m, f, now)});
        }
        level2_messages(*m, m->book.take_changes(), now / 1000000, out);
      }
    }
    publish(h, out);
  }

  std::string match_message(Market& m, const Fill& f, int64_t now) {
    const bool taker_buys = f.taker_side == Side::kBuy;
    const uint64_t prefix = fnv1a(m.spec.symbol) & 0xffffffff;
    const std::string trade_id = object_id(prefix, m.next_trade++);
    const std::string taker = object_id(prefix ^ 0x1, f.taker_order);
    const std::string maker = object_id(prefix ^ 0x2, f.maker_order);
    TradeView t{m.price_text(f.price), m.size_text(f.qty), taker_buys ? "buy" : "sell", trade_id};
    m.trades.push_back(t);
    if (m.trades.size() > kTradeLog) m.trades.pop_front();
    if (m.spec.family == Family::spot)
      return spot_match_json(m.spec.symbol, m.sequence, taker_buys, t.size, t.price, taker, now,
                             maker, trade_id);
    return futures_match_json(m.spec.symbol, m.sequence, taker_buys, t.size, t.price, taker, now,
                              maker, trade_id);
  }

  // Every changed level gets the next sequence. Spot sends them as one trade.l2update
  // (sequenceStart..sequenceEnd); futures sends one level2 message per change.
  void level2_messages(Market& m, const BookChanges& c, int64_t now_ms,
                       std::vector<Outgoing>& out) {
    if (c.empty()) return;
    auto withheld = [&] {
      ++level2_messages_;
      if (!m.drop_next) return false;
      m.drop_next = false;
      ++dropped_updates_;
      return true;
    };
    if (m.spec.family == Family::spot) {
      std::vector<TextChange> asks, bids;
      const uint64_t start = m.sequence + 1;
      for (const auto& l : c.asks)
        asks.push_back({m.price_text(l.price), m.size_text(l.qty), ++m.sequence});
      for (const auto& l : c.bids)
        bids.push_back({m.price_text(l.price), m.size_text(l.qty), ++m.sequence});
      if (!withheld())
        out.push_back(
            {true, m.spec.symbol, spot_level2_json(m.spec.symbol, start, m.sequence, asks, bids)});
      return;
    }
    auto one = [&](const Level& l, bool bid) {
      ++m.sequence;
      if (withheld()) return;
      out.push_back({true, m.spec.symbol,
                     futures_level2_json(m.spec.symbol, m.sequence, m.price_text(l.price), bid,
                                         m.size_text(l.qty), now_ms)});
    };
    // Removals first: a client applying one change at a time then never holds a crossed book
    // (a tick's net changes can move a price from one side to the other; KuCoin, sending every
    // change in event order, never shows that either).
    for (const bool removals : {true, false}) {
      for (const auto& l : c.asks)
        if ((l.qty == 0) == removals) one(l, false);
      for (const auto& l : c.bids)
        if ((l.qty == 0) == removals) one(l, true);
    }
  }

  void publish(VenueHost& h, const std::vector<Outgoing>& out) {
    if (out.empty()) return;
    for (auto& [id, client] : h.clients) {
      auto session = client.session.lock();
      if (!session) continue;
      for (const auto& event : out) {
        const auto& topics = event.level2 ? client.level2 : client.matches;
        if (topics.count(event.symbol) == 0) continue;
        session->send(event.text);
        events_sent_.fetch_add(1, std::memory_order_relaxed);
      }
    }
  }

  // ---- REST (the host's io thread) ----

  static HttpResponse json_response(unsigned status, std::string body) {
    return HttpResponse{status, std::move(body), "application/json", {}};
  }

  void install_routes(VenueHost& h) {
    VenueHost* hp = &h;
    h.server.route("POST", "/api/v1/bullet-public",
                   [this, hp](const HttpRequest&) { return bullet(*hp); });
    if (h.family == Family::spot) {
      h.server.route("/api/v2/symbols", [this](const HttpRequest&) { return symbols(true); });
      h.server.route("/api/v1/symbols", [this](const HttpRequest&) { return symbols(false); });
      h.server.route("/api/v1/market/orderbook/level2_20",
                     [this](const HttpRequest& r) { return spot_book(r, 20); });
      h.server.route("/api/v1/market/orderbook/level2_100",
                     [this](const HttpRequest& r) { return spot_book(r, 100); });
      h.server.route("/api/v3/market/orderbook/level2", [](const HttpRequest&) {
        // The full spot book needs an API key ("General" permission); the sim has none.
        return json_response(401, rest_error_json("400001",
                                                  "Please check the header of your request for "
                                                  "KC-API-KEY, KC-API-SIGN, KC-API-TIMESTAMP, "
                                                  "KC-API-PASSPHRASE"));
      });
    } else {
      h.server.route("/api/v1/contracts/active",
                     [this](const HttpRequest&) { return contracts(); });
      h.server.route("/api/v1/level2/snapshot",
                     [this](const HttpRequest& r) { return futures_book(r); });
    }
    WsHandlers ws;
    ws.accept = [](const HttpRequest& req) { return req.path == "/" || req.path == "/endpoint"; };
    ws.on_open = [this, hp](const std::shared_ptr<WsSession>& s, const HttpRequest& req) {
      open_client(*hp, s, req);
    };
    ws.on_message = [this, hp](const std::shared_ptr<WsSession>& s, std::string_view text) {
      on_client_message(*hp, s, text);
    };
    ws.on_close = [hp](uint64_t id) { hp->clients.erase(id); };
    h.server.websocket(std::move(ws));
  }

  std::vector<InstrumentSpec> specs(Family f) const {
    std::vector<InstrumentSpec> out;
    for (const Market* m : order_)
      if (m->spec.family == f) out.push_back(m->spec);
    return out;
  }

  HttpResponse symbols(bool v2) {
    return json_response(200, symbols_json(specs(Family::spot), v2));
  }

  HttpResponse contracts() {
    return json_response(200, contracts_json(specs(Family::futures), now_ns() / 1000000));
  }

  HttpResponse bullet(VenueHost& h) {
    std::string token;
    {
      std::lock_guard lock(mutex_);
      // Opaque and unguessable enough for a test: seed, family and a counter, hashed.
      const uint64_t n = tokens_.size() + 1;
      token = object_id(fnv1a(std::to_string(options_.seed) + "|" + std::to_string(n)), n) +
              (h.family == Family::spot ? "S" : "F");
      tokens_.insert(token);
    }
    // The same host serves the WebSocket, over TLS when it serves REST over TLS.
    const std::string endpoint = std::string(options_.tls ? "wss" : "ws") +
                                 "://127.0.0.1:" + std::to_string(h.server.port()) + "/";
    return json_response(200, bullet_json(token, endpoint, options_.ping_interval.count(),
                                          options_.ping_timeout.count()));
  }

  // The market of `req`'s symbol parameter in family f, or an error response.
  const Market* market_of(const HttpRequest& req, Family f, HttpResponse& error) const {
    const std::string* symbol = req.param("symbol");
    if (!symbol || symbol->empty()) {
      error = json_response(400, rest_error_json("400100", "Invalid Parameter."));
      return nullptr;
    }
    auto it = markets_.find(*symbol);
    if (it == markets_.end() || it->second->spec.family != f) {
      error = json_response(400, rest_error_json("900001", "symbol not exists"));
      return nullptr;
    }
    return it->second.get();
  }

  HttpResponse spot_book(const HttpRequest& req, size_t depth) {
    HttpResponse error;
    const Market* m = market_of(req, Family::spot, error);
    if (!m) return error;
    std::lock_guard lock(mutex_);
    return json_response(
        200, spot_book_json(now_ns() / 1000000, m->sequence, m->levels(m->book.bids(depth)),
                            m->levels(m->book.asks(depth))));
  }

  HttpResponse futures_book(const HttpRequest& req) {
    HttpResponse error;
    const Market* m = market_of(req, Family::futures, error);
    if (!m) return error;
    std::lock_guard lock(mutex_);
    return json_response(200,
                         futures_book_json(m->spec.symbol, m->sequence, m->levels(m->book.bids()),
                                           m->levels(m->book.asks()), now_ns()));
  }

  // ---- WebSocket clients (the host's io thread) ----

  void open_client(VenueHost& h, const std::shared_ptr<WsSession>& session,
                   const HttpRequest& req) {
    const std::string* token = req.param("token");
    bool valid = false;
    {
      std::lock_guard lock(mutex_);
      valid = token && tokens_.count(*token) != 0 &&
              token->back() == (h.family == Family::spot ? 'S' : 'F');
      if (!valid) ++refused_;
    }
    if (!valid) {
      // KuCoin answers with an error message and closes (XChange issue #4740 shows
      // {"type":"error","code":401,"data":"token is expired"} for an expired one).
      session->send(ws_error_json("", 401, token ? "token is invalid" : "token is required"));
      auto timer = std::make_shared<boost::asio::steady_timer>(h.server.io(),
                                                               std::chrono::milliseconds(100));
      std::weak_ptr<WsSession> weak = session;
      timer->async_wait([timer, weak](boost::system::error_code) {
        if (auto s = weak.lock()) s->close("token is invalid");
      });
      return;
    }
    Client client;
    client.session = session;
    client.last_heard = Clock::now();
    h.clients[session->id()] = std::move(client);
    const std::string* connect_id = req.param("connectId");
    session->send(welcome_json(
        connect_id && !connect_id->empty() ? *connect_id : object_id(session->id(), ++welcomes_)));
  }

  void on_client_message(VenueHost& h, const std::shared_ptr<WsSession>& session,
                         std::string_view text) {
    auto found = h.clients.find(session->id());
    if (found == h.clients.end()) return;
    Client& client = found->second;
    client.last_heard = Clock::now();
    const auto request = nlohmann::json::parse(text, nullptr, false);
    if (!request.is_object()) {
      session->send(ws_error_json("", 400, "message is not valid json"));
      return;
    }
    // Ids come back as strings even when sent as numbers (recorded).
    std::string id;
    if (auto it = request.find("id"); it != request.end()) {
      if (it->is_string())
        id = it->get<std::string>();
      else if (it->is_number_integer())
        id = it->dump();
    }
    const std::string type = request.value("type", "");
    if (type == "ping") {
      {
        std::lock_guard lock(mutex_);
        ++pings_;
      }
      session->send(pong_json(id));
      return;
    }
    if (type != "subscribe" && type != "unsubscribe") {
      session->send(ws_error_json(id, 400, "unknown message type " + type));
      return;
    }
    const std::string topic = request.value("topic", "");
    const auto colon = topic.find(':');
    const std::string prefix = topic.substr(0, colon == std::string::npos ? 0 : colon + 1);
    std::set<std::string>* target = nullptr;
    if (prefix == book_prefix(h.family))
      target = &client.level2;
    else if (prefix == match_prefix(h.family))
      target = &client.matches;
    std::vector<std::string> symbols;
    if (target) {
      std::string_view rest = std::string_view(topic).substr(colon + 1);
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        symbols.emplace_back(rest.substr(0, comma));
        if (comma == std::string_view::npos) break;
        rest = rest.substr(comma + 1);
      }
    }
    const bool known = target && !symbols.empty() && symbols.size() <= kMaxTopicsPerMessage &&
                       std::all_of(symbols.begin(), symbols.end(), [&](const std::string& s) {
                         auto it = markets_.find(s);
                         return it != markets_.end() && it->second->spec.family == h.family;
                       });
    if (!known) {
      session->send(ws_error_json(id, 404, "topic " + topic + " is not found"));
      return;
    }
    for (const auto& s : symbols) {
      if (type == "subscribe")
        target->insert(s);
      else
        target->erase(s);
    }
    if (request.value("response", false)) session->send(ack_json(id));
  }

  Options options_;
  std::array<std::unique_ptr<VenueHost>, 2> hosts_;  // spot, futures
  std::atomic<bool> stopped_{false};

  // Markets are created before the servers start and never added or removed afterwards; their
  // contents change under mutex_.
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::unique_ptr<Market>> markets_;
  std::vector<Market*> order_;  // in the order of options_.symbols
  bool paused_ = false;
  uint64_t ticks_ = 0;
  uint64_t level2_messages_ = 0;
  uint64_t dropped_updates_ = 0;
  uint64_t trades_ = 0;
  uint64_t refused_ = 0;
  uint64_t pings_ = 0;
  std::set<std::string> tokens_;
  std::atomic<uint64_t> welcomes_{0};  // both io threads
  std::atomic<uint64_t> events_sent_{0};
};

KucoinSim::KucoinSim(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KucoinSim::~KucoinSim() {
  stop();
}

std::unique_ptr<KucoinSim> KucoinSim::start(Options options, std::string& error) {
  auto impl = std::make_unique<Impl>(std::move(options));
  if (!impl->init(error)) return nullptr;
  return std::unique_ptr<KucoinSim>(new KucoinSim(std::move(impl)));
}

uint16_t KucoinSim::port() const {
  return impl_->port(Family::spot);
}
uint16_t KucoinSim::futures_port() const {
  return impl_->port(Family::futures);
}
void KucoinSim::pause() {
  impl_->pause();
}
void KucoinSim::resume() {
  impl_->resume();
}
void KucoinSim::step(int ticks) {
  impl_->step(ticks);
}
std::optional<BookView> KucoinSim::book(std::string_view symbol, size_t depth) const {
  return impl_->book(symbol, depth);
}
std::vector<TradeView> KucoinSim::trades(std::string_view symbol) const {
  return impl_->trades(symbol);
}
SimStats KucoinSim::stats() const {
  return impl_->stats();
}
bool KucoinSim::drop_next_update(std::string_view symbol) {
  return impl_->drop_next_update(symbol);
}
void KucoinSim::stop() {
  impl_->stop();
}
std::vector<std::string> KucoinSim::known_symbols() {
  return known_instruments();
}

}  // namespace astra::sim::kucoin
