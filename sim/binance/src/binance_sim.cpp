#include "astra/sim/binance/binance_sim.hpp"

#include "messages.hpp"
#include "symbol_catalog.hpp"

#include <astra/sim/loopback_server.hpp>
#include <astra/sim/matching_engine.hpp>
#include <astra/sim/order_flow.hpp>
#include <astra/sim/units.hpp>

#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <deque>
#include <map>
#include <mutex>
#include <unordered_map>

namespace astra::sim::binance {

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const size_t at = s.find(sep);
    if (at != 0) out.emplace_back(s.substr(0, at));
    if (at == std::string_view::npos) break;
    s = s.substr(at + 1);
  }
  return out;
}

// Level totals accumulated over several ticks, for the 1000 ms @depth stream.
struct PendingDiff {
  uint64_t first = 0;
  uint64_t last = 0;
  std::map<int64_t, int64_t, std::greater<>> bids;
  std::map<int64_t, int64_t> asks;

  void add(const BookChanges& c) {
    if (first == 0) first = c.first_update_id;
    last = c.last_update_id;
    for (const auto& l : c.bids)
      bids[l.price] = l.qty;
    for (const auto& l : c.asks)
      asks[l.price] = l.qty;
  }
  bool empty() const { return first == 0; }
};

constexpr size_t kMaxTrades = 10000;  // trades kept for trades()

struct Market {
  Market(SymbolSpec s, astra_decimal tick_size, astra_decimal step_size, uint64_t start_id,
         uint64_t seed, FlowParams params)
      : spec(std::move(s)),
        stream(lowercase(spec.symbol)),
        tick(tick_size),
        step(step_size),
        book(start_id),
        flow(seed, params) {}

  SymbolSpec spec;
  std::string stream;  // lowercase symbol, the stream-name prefix
  astra_decimal tick;
  astra_decimal step;
  MatchingEngine book;
  OrderFlow flow;
  uint64_t next_agg_id = 1;
  uint64_t next_trade_id = 1;
  PendingDiff slow;
  std::deque<TradeView> trades;  // the last kMaxTrades

  std::string price_text(int64_t ticks) const {
    return format_units(ticks, tick, kSpotDigits).value_or("0");
  }
  std::string qty_text(int64_t lots) const {
    return format_units(lots, step, kSpotDigits).value_or("0");
  }
  TextLevels text(const std::vector<Level>& levels) const {
    TextLevels out;
    out.reserve(levels.size());
    for (const auto& l : levels)
      out.emplace_back(price_text(l.price), qty_text(l.qty));
    return out;
  }
};

struct Outgoing {
  std::string stream;
  std::string payload;
};

struct Client {
  std::weak_ptr<WsSession> session;
  bool combined = false;
  std::vector<std::string> streams;  // in subscription order, unique
};

// The JSON id of a request is an int64, a string of up to 36 alphanumerics, or null.
bool valid_request_id(const nlohmann::json& id) {
  if (id.is_null() || id.is_number_integer()) return true;
  if (!id.is_string()) return false;
  const auto& s = id.get_ref<const std::string&>();
  if (s.size() > 36) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
  });
}

}  // namespace

class BinanceSim::Impl {
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
    uint64_t start_id = 100000000;
    for (const auto& name : options_.symbols) {
      auto spec = find_spot_symbol(name);
      if (!spec) {
        error = "unknown symbol " + name + " (known:";
        for (const auto& s : known_spot_symbols())
          error += " " + s;
        error += ")";
        return false;
      }
      if (markets_.count(name) != 0) continue;
      const auto tick = parse_unit(spec->tick_size);
      const auto step = parse_unit(spec->step_size);
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
      auto market = std::make_unique<Market>(*spec, *tick, *step, start_id,
                                             options_.seed ^ fnv1a(name), params);
      market->flow.seed_book(market->book, 30);
      market->book.take_changes();  // the seeded book is the starting state, not a diff
      order_.push_back(market.get());
      markets_[name] = std::move(market);
      start_id += 100000000;
    }
    paused_ = options_.start_paused;
    slow_every_ = std::max<int64_t>(1, 1000 / options_.rate.count());
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

  void maintenance(uint64_t start, bool close_connections) {
    server_.run_sync([this, start, close_connections] {
      {
        std::lock_guard lock(mutex_);
        uint64_t id = start;
        for (Market* m : order_) {
          m->book.restart_update_ids(id);
          m->slow = PendingDiff{};
          id += 100000000;
        }
      }
      if (!close_connections) return;
      // Closing may erase the client from the map (on_close): collect first, close after.
      std::vector<std::shared_ptr<WsSession>> open;
      for (auto& [id, client] : clients_)
        if (auto s = client.session.lock()) open.push_back(std::move(s));
      for (const auto& s : open)
        s->close("maintenance");
    });
  }

  std::optional<BookView> book(std::string_view symbol, size_t depth) const {
    std::lock_guard lock(mutex_);
    auto it = markets_.find(std::string(symbol));
    if (it == markets_.end()) return std::nullopt;
    const Market& m = *it->second;
    BookView view;
    view.last_update_id = m.book.update_id();
    view.bids = m.text(m.book.bids(depth));
    view.asks = m.text(m.book.asks(depth));
    return view;
  }

  std::vector<TradeView> trades(std::string_view symbol) const {
    std::lock_guard lock(mutex_);
    auto it = markets_.find(std::string(symbol));
    if (it == markets_.end()) return {};
    return {it->second->trades.begin(), it->second->trades.end()};
  }

  SimStats stats() const {
    SimStats s;
    {
      std::lock_guard lock(mutex_);
      s.ticks = ticks_;
      s.depth_events = depth_events_;
      s.trades = trades_;
    }
    s.events_sent = events_sent_.load(std::memory_order_relaxed);
    const ServerStats server = server_.stats();
    s.ws_sessions = server.ws_sessions;
    s.ws_pings_sent = server.ws_pings_sent;
    s.ws_pongs_received = server.ws_pongs_received;
    s.http_requests = server.http_requests;
    return s;
  }

  void stop() {
    server_.run_sync([this] {
      stopped_ = true;
      timer_.cancel();
    });
    server_.stop();
  }

 private:
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
        const BookChanges changes = m->book.take_changes();
        if (!changes.empty()) {
          ++depth_events_;
          out.push_back({m->stream + "@depth@100ms",
                         depth_update_json(now, m->spec.symbol, changes.first_update_id,
                                           changes.last_update_id, m->text(changes.bids),
                                           m->text(changes.asks))});
          m->slow.add(changes);
        }
        if (ticks_ % static_cast<uint64_t>(slow_every_) == 0 && !m->slow.empty()) {
          ++depth_events_;
          std::vector<Level> bids;
          std::vector<Level> asks;
          for (const auto& [p, q] : m->slow.bids)
            bids.push_back(Level{p, q});
          for (const auto& [p, q] : m->slow.asks)
            asks.push_back(Level{p, q});
          out.push_back({m->stream + "@depth",
                         depth_update_json(now, m->spec.symbol, m->slow.first, m->slow.last,
                                           m->text(bids), m->text(asks))});
          m->slow = PendingDiff{};
        }
      }
    }
    publish(out);
  }

  // One trade per fill; one aggTrade per run of fills of one taker order at one price.
  void emit_trades(Market& m, const std::vector<Fill>& fills, int64_t now,
                   std::vector<Outgoing>& out) {
    size_t i = 0;
    while (i < fills.size()) {
      size_t j = i;
      int64_t qty = 0;
      const uint64_t first_trade = m.next_trade_id;
      while (j < fills.size() && fills[j].taker_order == fills[i].taker_order &&
             fills[j].price == fills[i].price) {
        const bool buyer_maker = fills[j].taker_side == Side::kSell;
        m.trades.push_back(TradeView{m.next_trade_id, m.price_text(fills[j].price),
                                     m.qty_text(fills[j].qty), buyer_maker});
        if (m.trades.size() > kMaxTrades) m.trades.pop_front();
        out.push_back(
            {m.stream + "@trade",
             trade_json(now, m.spec.symbol, m.next_trade_id++, m.price_text(fills[j].price),
                        m.qty_text(fills[j].qty), now, buyer_maker)});
        qty += fills[j].qty;
        ++j;
      }
      const bool buyer_maker = fills[i].taker_side == Side::kSell;
      out.push_back(
          {m.stream + "@aggTrade",
           agg_trade_json(now, m.spec.symbol, m.next_agg_id++, m.price_text(fills[i].price),
                          m.qty_text(qty), first_trade, m.next_trade_id - 1, now, buyer_maker)});
      i = j;
    }
  }

  void publish(const std::vector<Outgoing>& out) {
    if (out.empty()) return;
    for (auto& [id, client] : clients_) {
      auto session = client.session.lock();
      if (!session) continue;
      for (const auto& event : out) {
        if (std::find(client.streams.begin(), client.streams.end(), event.stream) ==
            client.streams.end())
          continue;
        session->send(client.combined ? wrap_combined(event.stream, event.payload) : event.payload);
        events_sent_.fetch_add(1, std::memory_order_relaxed);
      }
    }
  }

  // ---- REST (io thread) ----

  void install_routes() {
    server_.route("/api/v3/ping", [this](const HttpRequest&) { return ok("{}", 1); });
    server_.route("/api/v3/time", [this](const HttpRequest&) {
      return ok("{\"serverTime\":" + std::to_string(now_ms()) + "}", 1);
    });
    server_.route("/api/v3/exchangeInfo",
                  [this](const HttpRequest& req) { return exchange_info(req); });
    server_.route("/api/v3/depth", [this](const HttpRequest& req) { return depth(req); });
    WsHandlers ws;
    ws.accept = [](const HttpRequest& req) {
      return req.path == "/ws" || req.path.rfind("/ws/", 0) == 0 || req.path == "/stream";
    };
    ws.on_open = [this](const std::shared_ptr<WsSession>& s, const HttpRequest& req) {
      open_client(s, req);
    };
    ws.on_message = [this](const std::shared_ptr<WsSession>& s, std::string_view text) {
      on_client_message(s, text);
    };
    ws.on_close = [this](uint64_t id) { clients_.erase(id); };
    server_.websocket(std::move(ws));
  }

  // Adds request weight in the current minute; false when past the limit.
  bool charge(int weight, int& used) {
    const int64_t minute = now_ms() / 60000;
    if (minute != weight_minute_) {
      weight_minute_ = minute;
      weight_used_ = 0;
    }
    weight_used_ += weight;
    used = weight_used_;
    return weight_used_ <= options_.weight_limit;
  }

  // Binance's limits: past the weight limit a 429 with Retry-After; a client that keeps sending
  // before that Retry-After has passed is banned: 418 with the ban's Retry-After, for every
  // request until the ban ends.
  std::optional<HttpResponse> admit(int weight, int& used) {
    const int64_t now = now_ms();
    if (now < banned_until_ms_) return banned(now);
    if (now < limited_until_ms_) {
      banned_until_ms_ = now + options_.ban_duration.count() * 1000;
      return banned(now);
    }
    if (charge(weight, used)) return std::nullopt;
    limited_until_ms_ = (now / 60000 + 1) * 60000;  // the weight window's end
    return too_many(used);
  }

  HttpResponse banned(int64_t now) {
    return HttpResponse{
        418,
        error_json(-1003, "Way too many requests; IP(127.0.0.1) banned until " +
                              std::to_string(banned_until_ms_) +
                              ". Please use the websocket for live updates to avoid bans."),
        "application/json;charset=UTF-8",
        {{"Retry-After", std::to_string((banned_until_ms_ - now + 999) / 1000)}}};
  }

  HttpResponse with_weight(HttpResponse r, int used) {
    r.headers.emplace_back("X-MBX-USED-WEIGHT-1M", std::to_string(used));
    return r;
  }

  HttpResponse ok(std::string body, int weight) {
    int used = 0;
    if (auto refused = admit(weight, used)) return std::move(*refused);
    return with_weight(HttpResponse{200, std::move(body), "application/json;charset=UTF-8", {}},
                       used);
  }

  HttpResponse too_many(int used) {
    HttpResponse r{429,
                   error_json(-1003, "Too many requests; current limit of IP(127.0.0.1) is " +
                                         std::to_string(options_.weight_limit) +
                                         " requests per minute. Please use the websocket for "
                                         "live updates to avoid polling the API."),
                   "application/json;charset=UTF-8",
                   {{"Retry-After", std::to_string(60 - (now_ms() / 1000) % 60)}}};
    return with_weight(std::move(r), used);
  }

  HttpResponse error(int code, std::string_view msg, int weight) {
    int used = 0;
    if (auto refused = admit(weight, used)) return std::move(*refused);
    return with_weight(
        HttpResponse{400, error_json(code, msg), "application/json;charset=UTF-8", {}}, used);
  }

  HttpResponse exchange_info(const HttpRequest& req) {
    constexpr int kWeight = 20;
    std::vector<std::string> names;
    if (const std::string* one = req.param("symbol")) {
      names.push_back(*one);
    } else if (const std::string* many = req.param("symbols")) {
      const auto list = nlohmann::json::parse(*many, nullptr, false);
      if (!list.is_array() || list.empty())
        return error(-1100, "Illegal characters found in parameter 'symbols'.", kWeight);
      for (const auto& item : list) {
        if (!item.is_string())
          return error(-1100, "Illegal characters found in parameter 'symbols'.", kWeight);
        names.push_back(item.get<std::string>());
      }
    } else {
      for (const Market* m : order_)
        names.push_back(m->spec.symbol);
    }
    std::vector<SymbolSpec> specs;
    for (const auto& name : names) {
      auto it = markets_.find(name);
      if (it == markets_.end()) return error(-1121, "Invalid symbol.", kWeight);
      specs.push_back(it->second->spec);
    }
    return ok(exchange_info_json(specs, now_ms(), options_.weight_limit), kWeight);
  }

  HttpResponse depth(const HttpRequest& req) {
    const std::string* symbol = req.param("symbol");
    if (!symbol || symbol->empty())
      return error(-1102,
                   "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.", 1);
    size_t limit = 100;
    if (const std::string* text = req.param("limit")) {
      const bool digits =
          !text->empty() && text->size() <= 9 &&
          std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!digits || std::stoul(*text) == 0)
        return error(-1100,
                     "Illegal characters found in parameter 'limit'; legal range is '1-5000'.", 1);
      limit = std::min<size_t>(std::stoul(*text), 5000);
    }
    // Weight by limit, as documented for spot.
    const int weight = limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
    auto it = markets_.find(*symbol);
    if (it == markets_.end()) return error(-1121, "Invalid symbol.", weight);
    std::string body;
    {
      std::lock_guard lock(mutex_);
      const Market& m = *it->second;
      body = depth_json(m.book.update_id(), m.text(m.book.bids(limit)), m.text(m.book.asks(limit)));
    }
    return ok(std::move(body), weight);
  }

  // ---- WebSocket clients (io thread) ----

  void open_client(const std::shared_ptr<WsSession>& session, const HttpRequest& req) {
    Client client;
    client.session = session;
    if (req.path == "/stream") {
      client.combined = true;
      if (const std::string* streams = req.param("streams")) client.streams = split(*streams, '/');
    } else if (req.path.size() > 4) {
      client.streams = split(std::string_view(req.path).substr(4), '/');
    }
    std::vector<std::string> unique;
    for (auto& s : client.streams)
      if (std::find(unique.begin(), unique.end(), s) == unique.end()) unique.push_back(s);
    client.streams = std::move(unique);
    clients_[session->id()] = std::move(client);
  }

  void on_client_message(const std::shared_ptr<WsSession>& session, std::string_view text) {
    auto found = clients_.find(session->id());
    if (found == clients_.end()) return;
    Client& client = found->second;
    nlohmann::json request;
    try {
      request = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      session->send(
          error_json(3, "Invalid JSON: expected value at line 1 column " + std::to_string(e.byte)));
      return;
    }
    if (!request.is_object() || !request.contains("method") || !request["method"].is_string()) {
      session->send(error_json(2, "Invalid request: missing field `method` at line 1 column " +
                                      std::to_string(text.size())));
      return;
    }
    const nlohmann::json id = request.value("id", nlohmann::json());
    if (!valid_request_id(id)) {
      session->send(error_json(2, "Invalid request: request ID must be an unsigned integer"));
      return;
    }
    const std::string method = request["method"].get<std::string>();
    const nlohmann::json params = request.value("params", nlohmann::json::array());
    nlohmann::ordered_json reply;
    if (method == "SUBSCRIBE" || method == "UNSUBSCRIBE") {
      if (!params.is_array() ||
          !std::all_of(params.begin(), params.end(), [](const auto& p) { return p.is_string(); })) {
        session->send(error_json(2, "Invalid request: params must be a list of stream names"));
        return;
      }
      for (const auto& p : params) {
        const std::string stream = p.get<std::string>();
        auto at = std::find(client.streams.begin(), client.streams.end(), stream);
        if (method == "SUBSCRIBE" && at == client.streams.end()) client.streams.push_back(stream);
        if (method == "UNSUBSCRIBE" && at != client.streams.end()) client.streams.erase(at);
      }
      reply["result"] = nullptr;
    } else if (method == "LIST_SUBSCRIPTIONS") {
      reply["result"] = client.streams;
    } else if (method == "SET_PROPERTY" || method == "GET_PROPERTY") {
      if (!params.is_array() || params.empty() || !params[0].is_string()) {
        session->send(error_json(2, "Invalid request: property name must be a string"));
        return;
      }
      if (params[0].get<std::string>() != "combined") {
        nlohmann::ordered_json e;
        e["code"] = 0;
        e["msg"] = "Unknown property";
        e["id"] = id;
        session->send(e.dump());
        return;
      }
      if (method == "GET_PROPERTY") {
        reply["result"] = client.combined;
      } else {
        if (params.size() < 2 || !params[1].is_boolean()) {
          session->send(error_json(1, "Invalid value type: expected Boolean"));
          return;
        }
        client.combined = params[1].get<bool>();
        reply["result"] = nullptr;
      }
    } else {
      session->send(
          error_json(2, "Invalid request: unknown variant `" + method +
                            "`, expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, "
                            "`SET_PROPERTY`, `GET_PROPERTY` at line 1 column 28"));
      return;
    }
    reply["id"] = id;
    session->send(reply.dump());
  }

  Options options_;
  LoopbackServer server_;
  boost::asio::steady_timer timer_;
  std::chrono::steady_clock::time_point next_tick_;
  int64_t slow_every_ = 10;
  bool stopped_ = false;  // io thread

  // Markets are created before the server starts and never added or removed afterwards; their
  // contents change under mutex_.
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::unique_ptr<Market>> markets_;
  std::vector<Market*> order_;  // in the order of options_.symbols
  bool paused_ = false;
  uint64_t ticks_ = 0;
  uint64_t depth_events_ = 0;
  uint64_t trades_ = 0;

  std::unordered_map<uint64_t, Client> clients_;  // io thread
  std::atomic<uint64_t> events_sent_{0};
  int64_t weight_minute_ = 0;  // io thread
  int weight_used_ = 0;
  int64_t limited_until_ms_ = 0;  // the last 429's Retry-After ends
  int64_t banned_until_ms_ = 0;
};

BinanceSim::BinanceSim(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BinanceSim::~BinanceSim() {
  stop();
}

std::unique_ptr<BinanceSim> BinanceSim::start(Options options, std::string& error) {
  auto impl = std::make_unique<Impl>(std::move(options));
  if (!impl->init(error)) return nullptr;
  return std::unique_ptr<BinanceSim>(new BinanceSim(std::move(impl)));
}

uint16_t BinanceSim::port() const {
  return impl_->port();
}
void BinanceSim::pause() {
  impl_->pause();
}
void BinanceSim::resume() {
  impl_->resume();
}
void BinanceSim::step(int ticks) {
  impl_->step(ticks);
}
void BinanceSim::maintenance(uint64_t start, bool close_connections) {
  impl_->maintenance(start, close_connections);
}
std::optional<BookView> BinanceSim::book(std::string_view symbol, size_t depth) const {
  return impl_->book(symbol, depth);
}
std::vector<TradeView> BinanceSim::trades(std::string_view symbol) const {
  return impl_->trades(symbol);
}
SimStats BinanceSim::stats() const {
  return impl_->stats();
}
void BinanceSim::stop() {
  impl_->stop();
}
std::vector<std::string> BinanceSim::known_symbols() {
  return known_spot_symbols();
}

}  // namespace astra::sim::binance
