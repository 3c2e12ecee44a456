#include "feed.hpp"

#include "wire.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <astra/sim/loopback_server.hpp>
#include <nlohmann/json.hpp>

// The simulator's own message builders: the feed's fast path is checked against them at start.
#include "messages.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace astra::loadgen {

namespace {

constexpr uint64_t kFirstId = 1000000;  // every book starts at this update id
// kIdsPerDiff (feed.hpp): U..u spans three ids, as busy Binance diffs do
constexpr int kBodies = 64;      // precomputed diff bodies, used in turn
constexpr int kQuantities = 61;  // distinct quantity texts
constexpr size_t kFloodBatchBytes = 64 * 1024;
constexpr size_t kMaxPendingBytes = 64 * 1024 * 1024;  // past this the gateway is not reading

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Units of 1e-8 as Binance spot writes them: always 8 fractional digits.
std::string fixed8(int64_t units) {
  std::string frac = std::to_string(units % 100000000);
  return std::to_string(units / 100000000) + "." + std::string(8 - frac.size(), '0') + frac;
}

std::string bid_price(int level) {
  return fixed8(1000000000000 - 1000000 * int64_t(level));  // 10000.00 down by 0.01
}
std::string ask_price(int level) {
  return fixed8(1000001000000 + 1000000 * int64_t(level));  // 10000.01 up by 0.01
}
std::string quantity(int index) {
  return fixed8(100000 * (13 + 17 * int64_t(index)));  // 0.013, 0.030, ... never zero
}

void append_uint(std::string& out, uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

struct Connection {
  int fd = -1;
  bool combined = true;     // "/stream": {"stream":..,"data":..} wrappers; "/ws": raw events
  std::string in;           // bytes received, not parsed yet
  std::string message;      // a fragmented message being assembled
  std::string out;          // bytes to send
  std::vector<char> depth;  // per market: diff stream subscribed
  std::vector<char> trades;
};

struct SendSlot {
  std::atomic<uint64_t> u{0};
  std::atomic<int64_t> t{0};
};

}  // namespace

class BinanceFeed::Impl {
 public:
  explicit Impl(FeedOptions options) : options_(options) {}

  bool init(std::string& error) {
    if (options_.markets < 1 || options_.markets > 100000 || options_.levels < 1 ||
        options_.grid < options_.levels || options_.grid > 5000) {
      error = "markets must be 1..100000 and levels <= grid <= 5000";
      return false;
    }
    const int m = options_.markets;
    for (int i = 0; i < kQuantities; ++i)
      qty_text_.push_back(quantity(i));
    for (int i = 0; i < options_.grid; ++i) {
      bid_text_.push_back(bid_price(i));
      ask_text_.push_back(ask_price(i));
    }
    for (int k = 0; k < kBodies; ++k)
      bodies_.push_back(body_text(k));
    books_.resize(static_cast<size_t>(m));
    for (int i = 0; i < m; ++i) {
      Book& b = books_[size_t(i)];
      b.bids.resize(size_t(options_.grid));
      b.asks.resize(size_t(options_.grid));
      for (int l = 0; l < options_.grid; ++l) {
        b.bids[size_t(l)] = uint8_t((l * 5) % kQuantities);
        b.asks[size_t(l)] = uint8_t((l * 11 + 1) % kQuantities);
      }
      b.u = kFirstId;
      const std::string sym = symbol_of(i);
      std::string lower = sym;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](char c) { return char(std::tolower(static_cast<unsigned char>(c))); });
      by_stream_[lower + "@depth@100ms"] = {i, false};
      by_stream_[lower + "@aggTrade"] = {i, true};
      depth_prefix_.push_back("{\"stream\":\"" + lower +
                              "@depth@100ms\",\"data\":{\"e\":" + "\"depthUpdate\",\"E\":");
      wrapper_size_.push_back(depth_prefix_.back().find("{\"e\":"));
      symbol_part_.push_back(",\"s\":\"" + sym + "\",\"U\":");
    }
    size_t cap = 1024;
    while (cap * size_t(m) < options_.table_entries)
      cap <<= 1;
    ring_ = cap;
    table_ = std::make_unique<SendSlot[]>(ring_ * size_t(m));
    last_u_ = std::make_unique<std::atomic<uint64_t>[]>(size_t(m));
    for (int i = 0; i < m; ++i)
      last_u_[size_t(i)].store(kFirstId);
    if (!self_check(error)) return false;

    install_routes();
    if (!rest_.start(0, error)) return false;
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(listen_fd_, 16) != 0 ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      error = "cannot listen on 127.0.0.1 for the feed's WebSocket";
      return false;
    }
    ws_port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
    return true;
  }

  ~Impl() { stop(); }

  void stop() {
    if (stopping_.exchange(true)) return;
    if (thread_.joinable()) thread_.join();
    for (auto& c : conns_)
      if (c.fd >= 0) close(c.fd);
    conns_.clear();
    if (listen_fd_ >= 0) close(listen_fd_);
    listen_fd_ = -1;
    rest_.stop();
  }

  uint16_t rest_port() const { return rest_.port(); }
  uint16_t ws_port() const { return ws_port_; }
  static std::string symbol_of(int market) {
    std::string n = std::to_string(market + 1);
    return "LG" + std::string(n.size() < 4 ? 4 - n.size() : 0, '0') + n + "USDT";
  }
  static std::string market_id_of(int market) {
    const std::string s = symbol_of(market);
    return "BINANCE-SPOT-" + s.substr(0, s.size() - 4) + "-USDT";
  }

  void set_rate(double diffs, double trades) {
    rate_.store(diffs);
    trade_rate_.store(trades);
  }

  int64_t sent_at(int market, uint64_t u) const {
    if (market < 0 || market >= options_.markets || u <= kFirstId) return -1;
    if ((u - kFirstId) % kIdsPerDiff != 0) return -1;
    const uint64_t seq = (u - kFirstId) / kIdsPerDiff - 1;
    const SendSlot& s = table_[size_t(market) * ring_ + (seq & (ring_ - 1))];
    if (s.u.load(std::memory_order_acquire) != u) return -1;
    const int64_t t = s.t.load(std::memory_order_relaxed);
    return s.u.load(std::memory_order_acquire) == u ? t : -1;
  }

  uint64_t last_u(int market) const {
    return market < 0 || market >= options_.markets ? 0 : last_u_[size_t(market)].load();
  }

  FeedStats stats() const {
    FeedStats s;
    s.diffs = diffs_.load();
    s.trades = trades_.load();
    s.bytes = bytes_.load();
    s.rest_requests = rest_requests_.load();
    s.connections = connections_.load();
    s.depth_streams = depth_streams_.load();
    s.trade_streams = trade_streams_.load();
    s.send_stalls = stalls_.load();
    return s;
  }

  std::thread::native_handle_type handle() { return thread_.native_handle(); }

 private:
  struct Book {
    std::vector<uint8_t> bids, asks;  // quantity index per grid level, best first
    uint64_t u = 0;
    uint64_t seq = 0;  // diffs sent
    uint64_t trade_id = 1;
  };

  int bid_offset(int k) const { return (k * 3) % (options_.grid - options_.levels + 1); }
  int ask_offset(int k) const { return (k * 5) % (options_.grid - options_.levels + 1); }
  static int qty_index(int k, int j, int side) { return (k * 7 + j * 3 + side) % kQuantities; }

  // `"b":[...],"a":[...]}}` of diff body k, closing the data and the wrapper objects.
  std::string body_text(int k) const {
    std::string out = "\"b\":[";
    for (int j = 0; j < options_.levels; ++j) {
      if (j) out += ',';
      out += "[\"" + bid_text_[size_t(bid_offset(k) + j)] + "\",\"" +
             qty_text_[size_t(qty_index(k, j, 0))] + "\"]";
    }
    out += "],\"a\":[";
    for (int j = 0; j < options_.levels; ++j) {
      if (j) out += ',';
      out += "[\"" + ask_text_[size_t(ask_offset(k) + j)] + "\",\"" +
             qty_text_[size_t(qty_index(k, j, 1))] + "\"]";
    }
    out += "]}}";
    return out;
  }

  void diff_text(std::string& out, int market, int k, int64_t event_ms, uint64_t first,
                 uint64_t last) const {
    out += depth_prefix_[size_t(market)];
    append_uint(out, uint64_t(event_ms));
    out += symbol_part_[size_t(market)];
    append_uint(out, first);
    out += ",\"u\":";
    append_uint(out, last);
    out += ',';
    out += bodies_[size_t(k)];
  }

  // The fast text must equal what the simulator's builders write for the same diff.
  bool self_check(std::string& error) const {
    const int k = kBodies - 1;
    sim::binance::TextLevels bids, asks;
    for (int j = 0; j < options_.levels; ++j) {
      bids.emplace_back(bid_text_[size_t(bid_offset(k) + j)],
                        qty_text_[size_t(qty_index(k, j, 0))]);
      asks.emplace_back(ask_text_[size_t(ask_offset(k) + j)],
                        qty_text_[size_t(qty_index(k, j, 1))]);
    }
    const std::string sym = symbol_of(0);
    std::string stream = sym;
    std::transform(stream.begin(), stream.end(), stream.begin(),
                   [](char c) { return char(std::tolower(static_cast<unsigned char>(c))); });
    stream += "@depth@100ms";
    const std::string expected = sim::binance::wrap_combined(
        stream, sim::binance::depth_update_json(1700000000123, sym, 1000004, 1000006, bids, asks));
    std::string fast;
    diff_text(fast, 0, k, 1700000000123, 1000004, 1000006);
    if (fast != expected) {
      error = "feed self-check: the fast diff text differs from the simulator's:\n" + fast + "\n" +
              expected;
      return false;
    }
    const std::string raw_expected =
        sim::binance::depth_update_json(1700000000123, sym, 1000004, 1000006, bids, asks);
    if (raw_of(fast, 0) != raw_expected) {
      error = "feed self-check: the raw (/ws) diff text differs from the simulator's:\n" +
              std::string(raw_of(fast, 0)) + "\n" + raw_expected;
      return false;
    }
    return true;
  }

  // The raw (/ws) event inside a combined diff text of `market`: without the wrapper.
  std::string_view raw_of(std::string_view combined, int market) const {
    const size_t head = wrapper_size_[size_t(market)];
    return combined.substr(head, combined.size() - head - 1);
  }

  // ---- REST (the loopback server's io thread) ----

  void install_routes() {
    rest_.route("/api/v3/ping", [this](const sim::HttpRequest&) { return ok("{}"); });
    rest_.route("/api/v3/time", [this](const sim::HttpRequest&) {
      return ok("{\"serverTime\":" + std::to_string(wall_ms()) + "}");
    });
    rest_.route("/api/v3/exchangeInfo", [this](const sim::HttpRequest&) {
      std::vector<sim::binance::SymbolSpec> specs;
      for (int i = 0; i < options_.markets; ++i) {
        sim::binance::SymbolSpec s;
        s.symbol = symbol_of(i);
        s.base = s.symbol.substr(0, s.symbol.size() - 4);
        s.quote = "USDT";
        s.tick_size = "0.01000000";
        s.min_price = "0.01000000";
        s.max_price = "1000000.00000000";
        s.step_size = "0.00001000";
        s.min_qty = "0.00001000";
        s.max_qty = "9000.00000000";
        s.min_notional = "10.00000000";
        s.market_max_qty = "100.00000000";
        specs.push_back(std::move(s));
      }
      return ok(sim::binance::exchange_info_json(specs, wall_ms(), 6000));
    });
    rest_.route("/api/v3/depth", [this](const sim::HttpRequest& req) { return depth(req); });
  }

  sim::HttpResponse ok(std::string body) {
    rest_requests_.fetch_add(1);
    return sim::HttpResponse{200, std::move(body), "application/json;charset=UTF-8", {}};
  }

  sim::HttpResponse depth(const sim::HttpRequest& req) {
    rest_requests_.fetch_add(1);
    const std::string* symbol = req.param("symbol");
    int market = -1;
    if (symbol) {
      std::string lower = *symbol;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](char c) { return char(std::tolower(static_cast<unsigned char>(c))); });
      auto it = by_stream_.find(lower + "@depth@100ms");
      if (it != by_stream_.end()) market = it->second.first;
    }
    if (market < 0)
      return sim::HttpResponse{400,
                               sim::binance::error_json(-1121, "Invalid symbol."),
                               "application/json;charset=UTF-8",
                               {}};
    size_t limit = 100;
    if (const std::string* text = req.param("limit")) {
      limit = 0;
      for (char c : *text)
        limit = c >= '0' && c <= '9' && limit < 100000 ? limit * 10 + size_t(c - '0') : 100001;
      if (limit == 0 || limit > 5000)
        return sim::HttpResponse{
            400,
            sim::binance::error_json(
                -1100, "Illegal characters found in parameter 'limit'; legal range is '1-5000'."),
            "application/json;charset=UTF-8",
            {}};
    }
    limit = std::min(limit, size_t(options_.grid));
    sim::binance::TextLevels bids, asks;
    uint64_t u = 0;
    {
      std::lock_guard lock(book_mutex_);
      const Book& b = books_[size_t(market)];
      u = b.u;
      for (size_t l = 0; l < limit; ++l) {
        bids.emplace_back(bid_text_[l], qty_text_[b.bids[l]]);
        asks.emplace_back(ask_text_[l], qty_text_[b.asks[l]]);
      }
    }
    return sim::HttpResponse{
        200, sim::binance::depth_json(u, bids, asks), "application/json;charset=UTF-8", {}};
  }

  // ---- the generator thread ----

  void run() {
    std::vector<std::pair<int, uint64_t>> batch;  // (market, seq) appended since the last send
    std::string text;
    double tokens = 0, trade_tokens = 0;
    size_t next_depth = 0, next_trade = 0;
    int64_t last = now_ns();
    std::vector<pollfd> fds;
    while (!stopping_.load(std::memory_order_relaxed)) {
      accept_new();
      read_all();
      const int64_t now = now_ns();
      const double dt = double(now - last) / 1e9;
      last = now;
      const double rate = rate_.load(std::memory_order_relaxed);
      const double trade_rate = trade_rate_.load(std::memory_order_relaxed);
      const size_t n_depth = depth_list_.size();
      size_t due = 0;
      if (rate < 0 || n_depth == 0) {
        tokens = 0;
      } else if (rate == 0) {
        bool room = true;
        for (const auto& c : conns_)
          room = room && c.out.size() < kFloodBatchBytes;
        due = room ? std::max<size_t>(1, kFloodBatchBytes / (bodies_[0].size() + 120)) : 0;
      } else {
        const double total = rate * double(n_depth);
        tokens = std::min(tokens + dt * total, std::max(1.0, total * 0.02));
        due = size_t(tokens);
        tokens -= double(due);
      }
      size_t trades_due = 0;
      if (trade_rate > 0 && !trade_list_.empty() && rate >= 0) {
        const double total = trade_rate * double(trade_list_.size());
        trade_tokens = std::min(trade_tokens + dt * total, std::max(1.0, total * 0.02));
        trades_due = size_t(trade_tokens);
        trade_tokens -= double(trades_due);
      }
      if (due > 0 || trades_due > 0) {
        const int64_t event_ms = wall_ms();
        batch.clear();
        {
          std::lock_guard lock(book_mutex_);
          for (size_t i = 0; i < due; ++i) {
            const int m = depth_list_[next_depth++ % n_depth];
            Book& b = books_[size_t(m)];
            const int k = int((b.seq + uint64_t(m)) % kBodies);
            const uint64_t first = b.u + 1, lastu = b.u + kIdsPerDiff;
            apply(b, k);
            b.u = lastu;
            batch.emplace_back(m, b.seq++);
            text.clear();
            diff_text(text, m, k, event_ms, first, lastu);
            for (auto& c : conns_)
              if (c.depth[size_t(m)])
                append_frame(c.out, 0x1, c.combined ? std::string_view(text) : raw_of(text, m),
                             false);
            diffs_.fetch_add(1, std::memory_order_relaxed);
            bytes_.fetch_add(text.size(), std::memory_order_relaxed);
          }
          for (size_t i = 0; i < trades_due; ++i) {
            const int m = trade_list_[next_trade++ % trade_list_.size()];
            Book& b = books_[size_t(m)];
            const uint64_t id = b.trade_id++;
            const bool buyer_maker = (id & 1) != 0;
            std::string stream = symbol_of(m);
            std::transform(stream.begin(), stream.end(), stream.begin(), [](char c) {
              return char(std::tolower(static_cast<unsigned char>(c)));
            });
            const std::string raw = sim::binance::agg_trade_json(
                event_ms, symbol_of(m), id, buyer_maker ? bid_text_[0] : ask_text_[0],
                qty_text_[id % kQuantities], id, id, event_ms, buyer_maker);
            text = sim::binance::wrap_combined(stream + "@aggTrade", raw);
            for (auto& c : conns_)
              if (c.trades[size_t(m)]) append_frame(c.out, 0x1, c.combined ? text : raw, false);
            trades_.fetch_add(1, std::memory_order_relaxed);
          }
        }
        const int64_t t = now_ns();
        for (const auto& [m, seq] : batch) {
          SendSlot& s = table_[size_t(m) * ring_ + (seq & (ring_ - 1))];
          s.u.store(0, std::memory_order_release);
          s.t.store(t, std::memory_order_relaxed);
          s.u.store(kFirstId + (seq + 1) * kIdsPerDiff, std::memory_order_release);
          last_u_[size_t(m)].store(kFirstId + (seq + 1) * kIdsPerDiff, std::memory_order_release);
        }
      }
      flush_all();
      wait(rate, n_depth, tokens, fds);
    }
  }

  void apply(Book& b, int k) const {
    for (int j = 0; j < options_.levels; ++j) {
      b.bids[size_t(bid_offset(k) + j)] = uint8_t(qty_index(k, j, 0));
      b.asks[size_t(ask_offset(k) + j)] = uint8_t(qty_index(k, j, 1));
    }
  }

  // Sleeps until the next diff is due, a connection has something to read or (flood) room to
  // write; at most 1 ms so rate changes and new connections are seen promptly.
  void wait(double rate, size_t n_depth, double tokens, std::vector<pollfd>& fds) {
    fds.clear();
    fds.push_back({listen_fd_, POLLIN, 0});
    bool pending = false;
    for (const auto& c : conns_) {
      const bool out = !c.out.empty();
      pending = pending || out;
      fds.push_back({c.fd, short(POLLIN | (out ? POLLOUT : 0)), 0});
    }
    int64_t wait_ns = 1000000;
    if (rate > 0 && n_depth > 0)
      wait_ns =
          std::min<int64_t>(wait_ns, int64_t((1.0 - tokens) / (rate * double(n_depth)) * 1e9));
    if (rate == 0 && n_depth > 0 && !pending) wait_ns = 0;
    if (wait_ns <= 0) return;
    timespec ts{0, long(wait_ns)};
    ppoll(fds.data(), fds.size(), &ts, nullptr);
  }

  void accept_new() {
    for (;;) {
      const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;
      std::string head;
      // The handshake is blocking and bounded; the plugin sends it right after connecting.
      if (!read_http_head(fd, head, std::chrono::seconds(5))) {
        close(fd);
        continue;
      }
      // "GET /stream HTTP/1.1" (the plugin: combined frames) or "GET /ws/0 HTTP/1.1" (ccxt:
      // raw frames), as Binance serves both; anything else is not found.
      const size_t path_at = head.find(' ') + 1;
      std::string path = head.substr(path_at, head.find(' ', path_at) - path_at);
      path = path.substr(0, path.find('?'));
      const bool combined = path == "/stream";
      const bool raw = path == "/ws" || path.rfind("/ws/", 0) == 0;
      std::string key;
      for (size_t at = 0; at < head.size();) {
        const size_t end = head.find("\r\n", at);
        const std::string line = head.substr(at, end - at);
        at = end == std::string::npos ? head.size() : end + 2;
        const size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](char c) { return char(std::tolower(static_cast<unsigned char>(c))); });
        if (name == "sec-websocket-key") {
          key = line.substr(colon + 1);
          key.erase(0, key.find_first_not_of(' '));
          key.erase(key.find_last_not_of(' ') + 1);
        }
      }
      if (!combined && !raw) {
        send_all(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
                 std::chrono::seconds(1));
        close(fd);
        continue;
      }
      if (key.empty()) {
        send_all(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
                 std::chrono::seconds(1));
        close(fd);
        continue;
      }
      const std::string reply =
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Accept: " +
          ws_accept_key(key) + "\r\n\r\n";
      if (!send_all(fd, reply, std::chrono::seconds(1))) {
        close(fd);
        continue;
      }
      fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      Connection c;
      c.fd = fd;
      c.combined = combined;
      c.depth.assign(size_t(options_.markets), 0);
      c.trades.assign(size_t(options_.markets), 0);
      conns_.push_back(std::move(c));
      connections_.store(int(conns_.size()));
    }
  }

  void read_all() {
    char buf[65536];
    for (size_t i = 0; i < conns_.size(); ++i) {
      Connection& c = conns_[i];
      bool closed = false;
      for (;;) {
        const ssize_t n = recv(c.fd, buf, sizeof buf, 0);
        if (n > 0) {
          c.in.append(buf, size_t(n));
          continue;
        }
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) closed = true;
        break;
      }
      size_t at = 0;
      while (!closed) {
        Frame f;
        const long used = parse_frame(c.in.data() + at, c.in.size() - at, f, 1 << 20);
        if (used == 0) break;
        if (used < 0) {
          closed = true;
          break;
        }
        at += size_t(used);
        closed = !on_frame(c, f);
      }
      c.in.erase(0, at);
      if (closed) drop(i--);
    }
  }

  // False when the connection is to be closed.
  bool on_frame(Connection& c, const Frame& f) {
    switch (f.opcode) {
      case 0x8:
        append_frame(c.out, 0x8, f.payload.substr(0, 2), false);
        flush(c);
        return false;
      case 0x9:
        append_frame(c.out, 0xA, f.payload, false);
        return true;
      case 0xA:
        return true;
      case 0x0:
      case 0x1:
        c.message.append(f.payload);
        if (!f.fin) return true;
        on_request(c, c.message);
        c.message.clear();
        return true;
      default:
        return false;
    }
  }

  // SUBSCRIBE / UNSUBSCRIBE with a list of stream names; answered {"result":null,"id":N}.
  void on_request(Connection& c, const std::string& text) {
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("method") || !j["method"].is_string()) return;
    const std::string method = j["method"].get<std::string>();
    const bool subscribe = method == "SUBSCRIBE";
    if (subscribe || method == "UNSUBSCRIBE") {
      for (const auto& p : j.value("params", nlohmann::json::array())) {
        if (!p.is_string()) continue;
        auto it = by_stream_.find(p.get<std::string>());
        if (it == by_stream_.end()) continue;
        auto& flag = (it->second.second ? c.trades : c.depth)[size_t(it->second.first)];
        flag = subscribe ? 1 : 0;
      }
      rebuild_lists();
    }
    nlohmann::ordered_json reply;
    reply["result"] = nullptr;
    reply["id"] = j.value("id", nlohmann::json());
    append_frame(c.out, 0x1, reply.dump(), false);
  }

  void rebuild_lists() {
    depth_list_.clear();
    trade_list_.clear();
    for (int m = 0; m < options_.markets; ++m) {
      bool d = false, t = false;
      for (const auto& c : conns_) {
        d = d || c.depth[size_t(m)];
        t = t || c.trades[size_t(m)];
      }
      if (d) depth_list_.push_back(m);
      if (t) trade_list_.push_back(m);
    }
    depth_streams_.store(int(depth_list_.size()));
    trade_streams_.store(int(trade_list_.size()));
  }

  void drop(size_t i) {
    close(conns_[i].fd);
    conns_.erase(conns_.begin() + long(i));
    connections_.store(int(conns_.size()));
    rebuild_lists();
  }

  void flush_all() {
    for (size_t i = 0; i < conns_.size(); ++i)
      if (!flush(conns_[i])) drop(i--);
  }

  bool flush(Connection& c) {
    size_t at = 0;
    while (at < c.out.size()) {
      const ssize_t n = send(c.fd, c.out.data() + at, c.out.size() - at, MSG_NOSIGNAL);
      if (n > 0) {
        at += size_t(n);
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        stalls_.fetch_add(1, std::memory_order_relaxed);
        break;
      }
      if (n < 0 && errno == EINTR) continue;
      return false;
    }
    c.out.erase(0, at);
    return c.out.size() < kMaxPendingBytes;
  }

  FeedOptions options_;
  sim::LoopbackServer rest_;
  int listen_fd_ = -1;
  uint16_t ws_port_ = 0;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<double> rate_{-1};
  std::atomic<double> trade_rate_{0};

  std::vector<std::string> qty_text_, bid_text_, ask_text_, bodies_;
  std::vector<std::string> depth_prefix_, symbol_part_;
  std::vector<size_t> wrapper_size_;  // per market: bytes of `{"stream":"..","data":` in a diff
  std::unordered_map<std::string, std::pair<int, bool>> by_stream_;  // -> (market, is trades)

  mutable std::mutex book_mutex_;  // the generator writes books, REST depth reads them
  std::vector<Book> books_;

  size_t ring_ = 0;  // slots per market, a power of two
  std::unique_ptr<SendSlot[]> table_;
  std::unique_ptr<std::atomic<uint64_t>[]> last_u_;

  // Generator thread only.
  std::vector<Connection> conns_;
  std::vector<int> depth_list_, trade_list_;

  std::atomic<uint64_t> diffs_{0}, trades_{0}, bytes_{0}, rest_requests_{0}, stalls_{0};
  std::atomic<int> connections_{0}, depth_streams_{0}, trade_streams_{0};
};

BinanceFeed::BinanceFeed(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BinanceFeed::~BinanceFeed() = default;

std::unique_ptr<BinanceFeed> BinanceFeed::start(const FeedOptions& options, std::string& error) {
  auto impl = std::make_unique<Impl>(options);
  if (!impl->init(error)) return nullptr;
  return std::unique_ptr<BinanceFeed>(new BinanceFeed(std::move(impl)));
}

uint16_t BinanceFeed::rest_port() const {
  return impl_->rest_port();
}
uint16_t BinanceFeed::ws_port() const {
  return impl_->ws_port();
}
std::string BinanceFeed::symbol(int market) const {
  return Impl::symbol_of(market);
}
std::string BinanceFeed::market_id(int market) const {
  return Impl::market_id_of(market);
}
void BinanceFeed::set_rate(double diffs_per_market, double trades_per_market) {
  impl_->set_rate(diffs_per_market, trades_per_market);
}
int64_t BinanceFeed::sent_at(int market, uint64_t u) const {
  return impl_->sent_at(market, u);
}
uint64_t BinanceFeed::last_u(int market) const {
  return impl_->last_u(market);
}
FeedStats BinanceFeed::stats() const {
  return impl_->stats();
}
std::thread::native_handle_type BinanceFeed::generator_handle() {
  return impl_->handle();
}
void BinanceFeed::stop() {
  impl_->stop();
}

}  // namespace astra::loadgen
