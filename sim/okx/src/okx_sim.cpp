#include "astra/sim/okx/okx_sim.hpp"

#include "messages.hpp"

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

namespace astra::sim::okx {

namespace {

constexpr size_t kBooksDepth = 400;       // the `books` channel and GET books serve 400 a side
constexpr size_t kBooksFullDepth = 5000;  // GET books-full
constexpr size_t kKeptTrades = 10000;

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

// Fractional digits of a unit's text: "0.00000001" -> 8, "1" -> 0.
int fraction_digits(std::string_view unit) {
  const auto dot = unit.find('.');
  return dot == std::string_view::npos ? 0 : static_cast<int>(unit.size() - dot - 1);
}

// OKX writes decimals without trailing fractional zeros: "30244", "0.08".
std::string trimmed(std::string text) {
  if (text.find('.') == std::string::npos) return text;
  while (!text.empty() && text.back() == '0')
    text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

struct Market {
  Market(InstrumentSpec s, astra_decimal tick_size, astra_decimal lot_size, uint64_t start_id,
         uint64_t seed, FlowParams params)
      : spec(std::move(s)),
        tick(tick_size),
        lot(lot_size),
        price_digits(fraction_digits(spec.tick_sz)),
        size_digits(fraction_digits(spec.lot_sz)),
        book(start_id),
        flow(seed, params) {}

  InstrumentSpec spec;
  astra_decimal tick;
  astra_decimal lot;
  int price_digits;
  int size_digits;
  MatchingEngine book;
  OrderFlow flow;
  int64_t seq_id = 0;  // the seqId of the book as last published
  uint64_t next_trade_id = 0;
  std::deque<TradeView> trades;
  bool corrupt_next = false;
  bool drop_next = false;

  std::string px(int64_t ticks) const {
    return trimmed(format_units(ticks, tick, price_digits).value_or("0"));
  }
  std::string sz(int64_t lots) const {
    return lots == 0 ? "0" : trimmed(format_units(lots, lot, size_digits).value_or("0"));
  }
  TextLevels text(const std::vector<Level>& levels) const {
    TextLevels out;
    out.reserve(levels.size());
    for (const auto& l : levels)
      out.emplace_back(px(l.price), sz(l.qty));
    return out;
  }
  int32_t book_checksum() const {
    return checksum(text(book.bids(kChecksumDepth)), text(book.asks(kChecksumDepth)));
  }
};

using Channel = std::pair<std::string, std::string>;  // channel, instId

struct Outgoing {
  Channel channel;
  std::string payload;
};

struct Client {
  std::weak_ptr<WsSession> session;
  std::set<Channel> channels;
};

}  // namespace

class OkxSim::Impl {
 public:
  explicit Impl(Options options)
      : options_(std::move(options)),
        server_(ServerOptions{options_.ping_interval, options_.pong_timeout,
                              options_.max_queued_messages, options_.tls, options_.faults}),
        timer_(server_.io()) {}

  bool init(std::string& error) {
    if (options_.inst_ids.empty()) {
      error = "no instruments";
      return false;
    }
    if (options_.rate.count() <= 0 || options_.actions_per_tick < 0) {
      error = "rate must be positive and actions per tick not negative";
      return false;
    }
    uint64_t start_id = 1000000000;
    for (const auto& name : options_.inst_ids) {
      auto spec = find_instrument(name);
      if (!spec) {
        error = "unknown instrument " + name + " (known:";
        for (const auto& s : known_instruments())
          error += " " + s;
        error += ")";
        return false;
      }
      if (markets_.count(name) != 0) continue;
      const auto tick = parse_unit(spec->tick_sz);
      const auto lot = parse_unit(spec->lot_sz);
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
      auto market = std::make_unique<Market>(*spec, *tick, *lot, start_id,
                                             options_.seed ^ fnv1a(name), params);
      market->flow.seed_book(market->book, 30);
      market->book.take_changes();  // the seeded book is the starting state, not an update
      market->seq_id = static_cast<int64_t>(market->book.update_id());
      market->next_trade_id = 300000000 + (start_id / 1000);
      order_.push_back(market.get());
      markets_[name] = std::move(market);
      start_id += 1000000000;
    }
    paused_ = options_.start_paused;
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

  std::optional<BookView> book(std::string_view inst_id, size_t depth) const {
    std::lock_guard lock(mutex_);
    const Market* m = find(inst_id);
    if (!m) return std::nullopt;
    BookView view;
    view.seq_id = m->seq_id;
    view.bids = m->text(m->book.bids(depth));
    view.asks = m->text(m->book.asks(depth));
    return view;
  }

  std::vector<TradeView> trades(std::string_view inst_id) const {
    std::lock_guard lock(mutex_);
    const Market* m = find(inst_id);
    if (!m) return {};
    return {m->trades.begin(), m->trades.end()};
  }

  SimStats stats() const {
    SimStats s;
    {
      std::lock_guard lock(mutex_);
      s.ticks = ticks_;
      s.book_updates = book_updates_;
      s.trades = trades_;
      s.checksums_corrupted = corrupted_;
      s.updates_dropped = dropped_;
    }
    s.events_sent = events_sent_.load(std::memory_order_relaxed);
    const ServerStats server = server_.stats();
    s.ws_sessions = server.ws_sessions;
    s.http_requests = server.http_requests;
    return s;
  }

  bool corrupt_next_checksum(std::string_view inst_id) {
    std::lock_guard lock(mutex_);
    Market* m = find(inst_id);
    if (m) m->corrupt_next = true;
    return m != nullptr;
  }

  bool drop_next_update(std::string_view inst_id) {
    std::lock_guard lock(mutex_);
    Market* m = find(inst_id);
    if (m) m->drop_next = true;
    return m != nullptr;
  }

  void stop() {
    server_.run_sync([this] {
      stopped_ = true;
      timer_.cancel();
    });
    server_.stop();
  }

 private:
  Market* find(std::string_view inst_id) const {
    auto it = markets_.find(std::string(inst_id));
    return it == markets_.end() ? nullptr : it->second.get();
  }

  // ---- order flow and pushes (io thread) ----

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
        if (changes.empty()) continue;
        ++book_updates_;
        const int64_t prev = m->seq_id;
        m->seq_id = static_cast<int64_t>(changes.last_update_id);
        if (m->drop_next) {
          m->drop_next = false;  // never sent: the next update's prevSeqId shows the gap
          ++dropped_;
          continue;
        }
        int32_t sum = 0;
        if (options_.mode == BookMode::legacy || m->corrupt_next) sum = m->book_checksum();
        if (m->corrupt_next) {
          m->corrupt_next = false;
          sum = sum == 1 ? 2 : sum ^ 1;  // wrong, and never 0 ("no checksum")
          ++corrupted_;
        }
        const TextLevels bids = m->text(changes.bids);
        const TextLevels asks = m->text(changes.asks);
        BooksPush push;
        push.inst_id = m->spec.inst_id;
        push.bids = &bids;
        push.asks = &asks;
        push.ts_ms = now;
        push.checksum = sum;
        push.prev_seq_id = prev;
        push.seq_id = m->seq_id;
        out.push_back({{"books", m->spec.inst_id}, books_push_json(push)});
      }
    }
    publish(out);
  }

  // One trades push per fill; `side` is the taker's side.
  void emit_trades(Market& m, const std::vector<Fill>& fills, int64_t now,
                   std::vector<Outgoing>& out) {
    for (const Fill& f : fills) {
      TradeView t;
      t.trade_id = std::to_string(m.next_trade_id++);
      t.px = m.px(f.price);
      t.sz = m.sz(f.qty);
      t.side = f.taker_side == Side::kBuy ? "buy" : "sell";
      t.ts_ms = now;
      out.push_back({{"trades", m.spec.inst_id},
                     trade_push_json(m.spec.inst_id, t.trade_id, t.px, t.sz, t.side, now)});
      m.trades.push_back(std::move(t));
      if (m.trades.size() > kKeptTrades) m.trades.pop_front();
    }
  }

  void publish(const std::vector<Outgoing>& out) {
    if (out.empty()) return;
    for (auto& [id, client] : clients_) {
      auto session = client.session.lock();
      if (!session) continue;
      for (const auto& event : out) {
        if (client.channels.count(event.channel) == 0) continue;
        session->send(event.payload);
        events_sent_.fetch_add(1, std::memory_order_relaxed);
      }
    }
  }

  // The current book as a snapshot push (legacy mode), under mutex_.
  std::string snapshot_push(const Market& m) const {
    const TextLevels bids = m.text(m.book.bids(kBooksDepth));
    const TextLevels asks = m.text(m.book.asks(kBooksDepth));
    BooksPush push;
    push.inst_id = m.spec.inst_id;
    push.snapshot = true;
    push.bids = &bids;
    push.asks = &asks;
    push.ts_ms = now_ms();
    push.checksum = checksum(bids, asks);
    push.prev_seq_id = -1;
    push.seq_id = m.seq_id;
    return books_push_json(push);
  }

  // ---- REST (io thread) ----

  void install_routes() {
    server_.route("/api/v5/public/instruments",
                  [this](const HttpRequest& req) { return instruments(req); });
    server_.route("/api/v5/market/books",
                  [this](const HttpRequest& req) { return books(req, kBooksDepth, 1); });
    server_.route("/api/v5/market/books-full",
                  [this](const HttpRequest& req) { return books(req, kBooksFullDepth, 1); });
    WsHandlers ws;
    ws.accept = [](const HttpRequest& req) { return req.path == "/ws/v5/public"; };
    ws.on_open = [this](const std::shared_ptr<WsSession>& s, const HttpRequest&) {
      clients_[s->id()].session = s;
    };
    ws.on_message = [this](const std::shared_ptr<WsSession>& s, std::string_view text) {
      on_client_message(s, text);
    };
    ws.on_close = [this](uint64_t id) { clients_.erase(id); };
    server_.websocket(std::move(ws));
  }

  static HttpResponse answer(unsigned status, std::string body) {
    return HttpResponse{status, std::move(body), "application/json", {}};
  }

  HttpResponse instruments(const HttpRequest& req) {
    const std::string* type = req.param("instType");
    if (!type || type->empty())
      return answer(400, rest_error_json("50014", "Parameter instType can not be empty."));
    if (*type != "SPOT" && *type != "MARGIN" && *type != "SWAP" && *type != "FUTURES" &&
        *type != "OPTION")
      return answer(400, rest_error_json("51000", "Parameter instType error"));
    const std::string* uly = req.param("uly");
    const std::string* family = req.param("instFamily");
    if (*type == "OPTION" && (!uly || uly->empty()) && (!family || family->empty()))
      return answer(400, rest_error_json("50014", "Parameter uly can not be empty."));
    std::vector<InstrumentSpec> listed;
    for (const Market* m : order_) {
      const bool margin_pair = *type == "MARGIN" && m->spec.inst_type == "SPOT";
      if (m->spec.inst_type != *type && !margin_pair) continue;
      if (uly && !uly->empty() && m->spec.uly != *uly) continue;
      if (const std::string* id = req.param("instId"); id && m->spec.inst_id != *id) continue;
      listed.push_back(m->spec);
    }
    return answer(200, instruments_json(listed));
  }

  HttpResponse books(const HttpRequest& req, size_t max_depth, size_t default_depth) {
    const std::string* inst = req.param("instId");
    if (!inst || inst->empty())
      return answer(400, rest_error_json("50014", "Parameter instId can not be empty."));
    size_t depth = default_depth;
    if (const std::string* text = req.param("sz")) {
      const bool digits =
          !text->empty() && text->size() <= 9 &&
          std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!digits) return answer(400, rest_error_json("51000", "Parameter sz error"));
      depth = std::clamp<size_t>(std::stoul(*text), 1, max_depth);
    }
    const Market* m = find(*inst);
    if (!m) return answer(400, rest_error_json("51001", "Instrument ID does not exist"));
    std::lock_guard lock(mutex_);
    return answer(200, rest_books_json(m->text(m->book.bids(depth)), m->text(m->book.asks(depth)),
                                       now_ms(), m->seq_id));
  }

  // ---- WebSocket clients (io thread) ----

  void on_client_message(const std::shared_ptr<WsSession>& session, std::string_view text) {
    auto found = clients_.find(session->id());
    if (found == clients_.end()) return;
    Client& client = found->second;
    if (text == "ping") {
      session->send("pong");
      return;
    }
    const auto request = nlohmann::json::parse(text, nullptr, false);
    if (request.is_discarded() || !request.is_object()) {
      session->send(ws_error_json("60012", "Invalid request: " + std::string(text)));
      return;
    }
    const std::string op = request.value("op", std::string());
    const auto args = request.find("args");
    if ((op != "subscribe" && op != "unsubscribe") || args == request.end() || !args->is_array() ||
        args->empty()) {
      session->send(ws_error_json("60012", "Invalid request: " + std::string(text)));
      return;
    }
    for (const auto& arg : *args) {
      const std::string channel = arg.is_object() ? arg.value("channel", std::string()) : "";
      const std::string inst = arg.is_object() ? arg.value("instId", std::string()) : "";
      const Market* m = find(inst);
      if ((channel != "books" && channel != "trades") || m == nullptr) {
        session->send(ws_error_json("60018", "Wrong URL or channel:" + channel + ",instId:" + inst +
                                                 " doesn't exist. Please use the correct URL, "
                                                 "channel and parameters referring to API "
                                                 "document."));
        continue;
      }
      const Channel key{channel, inst};
      session->send(event_json(op, channel, inst));
      if (op == "unsubscribe") {
        client.channels.erase(key);
        continue;
      }
      client.channels.insert(key);
      if (channel == "books" && options_.mode == BookMode::legacy) {
        std::lock_guard lock(mutex_);
        session->send(snapshot_push(*m));
      }
    }
  }

  Options options_;
  LoopbackServer server_;
  boost::asio::steady_timer timer_;
  std::chrono::steady_clock::time_point next_tick_;
  bool stopped_ = false;  // io thread

  // Markets are created before the server starts and never added or removed afterwards; their
  // contents change under mutex_.
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::unique_ptr<Market>> markets_;
  std::vector<Market*> order_;  // in the order of options_.inst_ids
  bool paused_ = false;
  uint64_t ticks_ = 0;
  uint64_t book_updates_ = 0;
  uint64_t trades_ = 0;
  uint64_t corrupted_ = 0;
  uint64_t dropped_ = 0;

  std::unordered_map<uint64_t, Client> clients_;  // io thread
  std::atomic<uint64_t> events_sent_{0};
};

OkxSim::OkxSim(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OkxSim::~OkxSim() {
  stop();
}

std::unique_ptr<OkxSim> OkxSim::start(Options options, std::string& error) {
  auto impl = std::make_unique<Impl>(std::move(options));
  if (!impl->init(error)) return nullptr;
  return std::unique_ptr<OkxSim>(new OkxSim(std::move(impl)));
}

uint16_t OkxSim::port() const {
  return impl_->port();
}
void OkxSim::pause() {
  impl_->pause();
}
void OkxSim::resume() {
  impl_->resume();
}
void OkxSim::step(int ticks) {
  impl_->step(ticks);
}
std::optional<BookView> OkxSim::book(std::string_view inst_id, size_t depth) const {
  return impl_->book(inst_id, depth);
}
std::vector<TradeView> OkxSim::trades(std::string_view inst_id) const {
  return impl_->trades(inst_id);
}
SimStats OkxSim::stats() const {
  return impl_->stats();
}
bool OkxSim::corrupt_next_checksum(std::string_view inst_id) {
  return impl_->corrupt_next_checksum(inst_id);
}
bool OkxSim::drop_next_update(std::string_view inst_id) {
  return impl_->drop_next_update(inst_id);
}
void OkxSim::stop() {
  impl_->stop();
}
std::vector<std::string> OkxSim::known_symbols() {
  return known_instruments();
}

}  // namespace astra::sim::okx
