// Drives a connector plugin through the SDK FakeHost with a recorded capture
// (../shared/recordings/FORMAT.md), the way `astra replay` does: HTTP requests are answered from
// the recorded exchanges (method, path and query set must match), an opened WebSocket gets the
// recorded connection with the same scheme, host and path, and everything happens in recorded
// (virtual) time order, timers included. Every delivered frame goes through a callback that may
// time it, so a benchmark can measure on_ws_message with the plugin's state exactly as the venue's
// own sequence left it (no gaps, no resync from cycling frames).
#pragma once

#include <astra/sdk/crypto.hpp>
#include <astra/sdk/testing/fake_host.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <functional>
#include <map>
#include <queue>
#include <set>
#include <string>
#include <vector>

namespace astra::bench {

struct CaptureHttp {
  int64_t t_us = 0;
  std::string method, url, body;
  int status = 0;
};
struct CaptureFrame {
  int64_t t_us = 0;
  std::string data;  // text, or the decoded bytes of a b64 frame
  bool binary = false;
};
struct CaptureConn {
  int64_t open_t_us = 0;
  std::string url;
  std::vector<std::string> sends;
  std::vector<CaptureFrame> frames;
};
struct Capture {
  int64_t start_us = 0;
  std::vector<CaptureHttp> http;
  std::vector<CaptureConn> conns;
};

inline int64_t capture_time_us(const nlohmann::json& o) {
  return static_cast<int64_t>(o.value("t", 0.0) * 1e6);
}

// Reads a capture; empty (no http, no conns) when the file is absent or unreadable.
inline Capture load_capture(const std::string& path) {
  Capture c;
  std::ifstream in(path, std::ios::binary);
  std::map<int64_t, size_t> by_id;
  bool first = true;
  for (std::string line; std::getline(in, line);) {
    const auto o = nlohmann::json::parse(line, nullptr, false);
    if (!o.is_object()) continue;
    const int64_t t = capture_time_us(o);
    if (first || t < c.start_us) c.start_us = t;
    first = false;
    const std::string type = o.value("type", "");
    if (type == "http") {
      c.http.push_back({t, o.value("method", "GET"), o.value("url", ""), o.value("body", ""),
                        o.value("status", 0)});
    } else if (type == "ws_open") {
      by_id[o.value("conn", int64_t{0})] = c.conns.size();
      c.conns.push_back({t, o.value("url", ""), {}, {}});
    } else if (type == "ws_send" || type == "ws_recv") {
      auto it = by_id.find(o.value("conn", int64_t{0}));
      if (it == by_id.end()) continue;
      CaptureConn& conn = c.conns[it->second];
      if (type == "ws_send") {
        conn.sends.push_back(o.value("text", ""));
      } else if (o.contains("b64")) {
        CaptureFrame f{t, {}, true};
        if (sdk::base64_decode(o["b64"].get<std::string>(), f.data)) conn.frames.push_back(f);
      } else {
        conn.frames.push_back({t, o.value("text", ""), false});
      }
    }
  }
  return c;
}

// scheme, host, path, sorted query items: what identifies a recorded request or connection.
struct UrlKey {
  std::string scheme, host, path;
  std::vector<std::string> query;
};
inline UrlKey url_key(std::string_view url) {
  UrlKey k;
  if (auto p = url.find("://"); p != std::string_view::npos) {
    k.scheme = std::string(url.substr(0, p));
    url.remove_prefix(p + 3);
  }
  const auto slash = url.find_first_of("/?");
  k.host = std::string(url.substr(0, slash));
  url = slash == std::string_view::npos ? std::string_view() : url.substr(slash);
  const auto q = url.find('?');
  k.path = std::string(url.substr(0, q));
  if (k.path.empty()) k.path = "/";
  if (q != std::string_view::npos) {
    std::string_view rest = url.substr(q + 1);
    while (!rest.empty()) {
      const auto amp = rest.find('&');
      k.query.emplace_back(rest.substr(0, amp));
      rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    }
  }
  for (auto* s : {&k.scheme, &k.host})
    for (char& ch : *s)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::sort(k.query.begin(), k.query.end());
  return k;
}

// The markets of a list_markets answer whose venue symbol (or a stream name) appears as a token
// in a recorded connection's URL or sends: what `astra replay` subscribes.
inline std::vector<std::string> markets_in_capture(const std::string& markets_json,
                                                   const Capture& capture) {
  auto lower = [](std::string s) {
    for (char& ch : s)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  };
  auto token_char = [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-';
  };
  auto has_token = [&](const std::string& hay, const std::string& needle) {
    if (needle.empty()) return false;
    for (auto at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) {
      const auto end = at + needle.size();
      if ((at == 0 || !token_char(hay[at - 1])) && (end == hay.size() || !token_char(hay[end])))
        return true;
    }
    return false;
  };
  std::vector<std::string> texts;
  for (const auto& c : capture.conns) {
    texts.push_back(lower(c.url));
    for (const auto& s : c.sends)
      texts.push_back(lower(s));
  }
  std::vector<std::string> out;
  const auto list = nlohmann::json::parse(markets_json, nullptr, false);
  if (!list.is_array()) return out;
  for (const auto& m : list) {
    if (!m.is_object() || !m.contains("symbol") || !m.contains("venueSymbol")) continue;
    std::vector<std::string> needles{lower(m["venueSymbol"].get<std::string>())};
    if (m.contains("streamSymbols"))
      for (const auto& n : m["streamSymbols"])
        if (n.is_string()) needles.push_back(lower(n.get<std::string>()));
    const bool recorded = std::any_of(texts.begin(), texts.end(), [&](const std::string& t) {
      return std::any_of(needles.begin(), needles.end(),
                         [&](const std::string& n) { return has_token(t, n); });
    });
    if (recorded) out.push_back(m["symbol"].get<std::string>());
  }
  return out;
}

// One replay of a capture into one fresh plugin instance held by `host`.
class CaptureReplay {
 public:
  // Called for every frame; it must call deliver() exactly once (and may time it).
  using FrameHook = std::function<void(const std::function<void()>& deliver)>;

  CaptureReplay(const Capture& capture, sdk::testing::FakeHost& host)
      : capture_(capture), host_(host), uses_(capture.http.size(), 0) {}

  // Creates the instance, lists markets, subscribes (book and trades) to every recorded market.
  // Returns the subscribed markets; empty on failure (with *error set).
  std::vector<std::string> start(const std::string& settings, std::string* error) {
    if (host_.create(settings, error) != ASTRA_OK) return {};
    host_.list_markets(1);
    run_until([&] { return !host_.completions_of(1).empty(); }, {});
    const auto done = host_.completions_of(1);
    if (done.empty() || done[0]->status != ASTRA_OK) {
      if (error) *error = done.empty() ? "list_markets did not complete" : done[0]->json;
      return {};
    }
    auto markets = markets_in_capture(done[0]->json, capture_);
    for (const auto& m : markets) {
      host_.subscribe(m, ASTRA_DATA_ORDERBOOK);
      host_.subscribe(m, ASTRA_DATA_TRADES);
    }
    if (markets.empty() && error) *error = "no recorded market in the list";
    return markets;
  }

  // Runs to the end of the capture; every frame goes through `hook`.
  void run(const FrameHook& hook) {
    run_until([] { return false; }, hook);
  }

  size_t frames() const noexcept { return frames_; }

 private:
  enum class Kind { http, open, frame };
  struct Event {
    int64_t at_us;
    uint64_t seq;
    Kind kind;
    uint64_t id;   // token or connection id
    size_t index;  // exchange or frame index; npos: no recorded answer
    bool operator>(const Event& o) const {
      return at_us != o.at_us ? at_us > o.at_us : seq > o.seq;
    }
  };

  void push(int64_t at, Kind k, uint64_t id, size_t index) {
    queue_.push(Event{std::max(at, host_.now_us()), seq_++, k, id, index});
  }

  // Schedules answers to new requests and openings of new connections.
  void collect() {
    for (const auto& r : host_.requests()) {
      if (r.answered || scheduled_tokens_.count(r.token)) continue;
      scheduled_tokens_.insert(r.token);
      const UrlKey want = url_key(r.url);
      size_t found = std::string::npos;
      for (size_t i = 0; i < capture_.http.size(); ++i) {
        const UrlKey got = url_key(capture_.http[i].url);
        if (capture_.http[i].method != r.method || got.path != want.path || got.query != want.query)
          continue;
        found = i;
        if (uses_[i] == 0) break;
      }
      if (found == std::string::npos) {
        push(host_.now_us(), Kind::http, r.token, found);
      } else {
        ++uses_[found];
        push(capture_.http[found].t_us, Kind::http, r.token, found);
      }
    }
    for (const auto& c : host_.connections()) {
      if (c.closed || conn_of_.count(c.id)) continue;
      const UrlKey want = url_key(c.url);
      size_t found = std::string::npos;
      for (size_t i = 0; i < capture_.conns.size() && found == std::string::npos; ++i) {
        const UrlKey got = url_key(capture_.conns[i].url);
        if (!taken_.count(i) && got.scheme == want.scheme && got.host == want.host &&
            got.path == want.path)
          found = i;
      }
      conn_of_[c.id] = found;
      if (found != std::string::npos) {
        taken_.insert(found);
        push(capture_.conns[found].open_t_us, Kind::open, c.id, 0);
      } else {
        host_.ws_closed(c.id, 1006, "no recorded connection for this URL");
      }
    }
  }

  void run_until(const std::function<bool()>& done, const FrameHook& hook) {
    for (;;) {
      collect();
      if (done() || queue_.empty()) return;
      const Event e = queue_.top();
      queue_.pop();
      if (e.at_us > host_.now_us()) host_.advance((e.at_us - host_.now_us() + 999) / 1000);
      switch (e.kind) {
        case Kind::http:
          if (e.index == std::string::npos)
            host_.fail_request(e.id, ASTRA_E_UNAVAILABLE);
          else
            host_.respond(e.id, capture_.http[e.index].status, capture_.http[e.index].body);
          break;
        case Kind::open: {
          host_.ws_open_ok(e.id);
          const auto& frames = capture_.conns[conn_of_[e.id]].frames;
          if (!frames.empty()) push(frames[0].t_us, Kind::frame, e.id, 0);
          break;
        }
        case Kind::frame: {
          const auto& frames = capture_.conns[conn_of_[e.id]].frames;
          const CaptureFrame& f = frames[e.index];
          if (e.index + 1 < frames.size())
            push(frames[e.index + 1].t_us, Kind::frame, e.id, e.index + 1);
          const auto* c = host_.connection(e.id);
          if (c == nullptr || !c->open) break;  // the plugin closed it
          ++frames_;
          auto deliver = [&] { host_.ws_message(e.id, f.data, f.binary); };
          if (hook)
            hook(deliver);
          else
            deliver();
          break;
        }
      }
    }
  }

  const Capture& capture_;
  sdk::testing::FakeHost& host_;
  std::vector<unsigned> uses_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> queue_;
  uint64_t seq_ = 0;
  std::set<uint64_t> scheduled_tokens_;
  std::map<uint64_t, size_t> conn_of_;  // our connection id -> recorded connection
  std::set<size_t> taken_;
  size_t frames_ = 0;
};

}  // namespace astra::bench
