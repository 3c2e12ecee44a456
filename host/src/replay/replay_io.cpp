#include "replay/replay_io.hpp"

#include <algorithm>
#include <cctype>

namespace astra::host::replay {

namespace {

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

bool same_request(const UrlParts& a, const UrlParts& b) {
  if (a.path != b.path || a.query.size() != b.query.size()) return false;
  auto qa = a.query, qb = b.query;
  std::sort(qa.begin(), qa.end());
  std::sort(qb.begin(), qb.end());
  return qa == qb;
}

ReplayIo::ReplayIo(const Capture& capture)
    : capture_(capture), now_us_(capture.start_t_us), http_uses_(capture.http.size(), 0) {}

void ReplayIo::push(int64_t at_us, Kind kind, uint64_t id, size_t index) {
  queue_.push(Event{std::max(at_us, now_us_), seq_++, kind, id, index});
  if (kind != Kind::timer) ++progress_events_;
}

astra_status ReplayIo::http_request(HttpRequest request, uint64_t token) {
  const UrlParts want = split_url(request.url);
  // The first unused recorded answer; when all were used, the last one that matched (a plugin
  // that asks again, e.g. to resynchronize, gets what the venue answered then).
  size_t found = std::string::npos;
  for (size_t i = 0; i < capture_.http.size(); ++i) {
    const auto& h = capture_.http[i];
    if (!iequal(h.method, request.method) || !same_request(split_url(h.url), want)) continue;
    if (http_uses_[i] == 0) {
      found = i;
      break;
    }
    found = i;
  }
  if (found == std::string::npos) {
    unanswered_.push_back(request.method + " " + request.url);
    push(now_us_, Kind::http, token, std::string::npos);
    return ASTRA_OK;
  }
  ++http_uses_[found];
  // Answered at the recorded time when that is later: the venue's data is of that moment.
  push(capture_.http[found].t_us, Kind::http, token, found);
  return ASTRA_OK;
}

astra_status ReplayIo::ws_open(std::string_view url, uint64_t& conn) {
  conn = next_id_++;
  const UrlParts want = split_url(url);
  for (size_t i = 0; i < capture_.connections.size(); ++i) {
    if (taken_connections_.count(i) != 0) continue;
    const UrlParts rec = split_url(capture_.connections[i].url);
    if (rec.scheme != want.scheme || rec.host != want.host || rec.path != want.path) continue;
    taken_connections_.insert(i);
    open_[conn] = Open{&capture_.connections[i], false};
    push(capture_.connections[i].open_t_us, Kind::ws_open, conn, 0);
    return ASTRA_OK;
  }
  ++unmatched_ws_opens_;
  open_[conn] = Open{nullptr, false};
  push(now_us_, Kind::ws_fail, conn, 0);
  return ASTRA_OK;
}

astra_status ReplayIo::ws_send(uint64_t conn, std::string_view) {
  auto it = open_.find(conn);
  if (it == open_.end() || it->second.closed || it->second.recorded == nullptr)
    return ASTRA_E_FAILED_PRECONDITION;
  ++ws_sends_;
  return ASTRA_OK;
}

void ReplayIo::ws_close(uint64_t conn) {
  auto it = open_.find(conn);
  if (it != open_.end()) it->second.closed = true;
}

uint64_t ReplayIo::timer_start(uint32_t delay_ms, uint64_t token) {
  const uint64_t id = next_id_++;
  timers_[id] = token;
  push(now_us_ + static_cast<int64_t>(delay_ms) * 1000, Kind::timer, id, 0);
  return id;
}

void ReplayIo::timer_cancel(uint64_t timer_id) {
  timers_.erase(timer_id);
}

void ReplayIo::dispatch(const Event& e) {
  switch (e.kind) {
    case Kind::http: {
      HttpResult r;
      if (e.index == std::string::npos) {
        r.error = ASTRA_E_UNAVAILABLE;
        r.body = "no recorded answer for this request in the capture";
      } else {
        r.status = capture_.http[e.index].status;
        r.body = capture_.http[e.index].body;
        r.headers.emplace_back("Content-Type", "application/json");
      }
      if (events_) events_->on_http_response(e.id, r);
      return;
    }
    case Kind::ws_open: {
      auto it = open_.find(e.id);
      if (it == open_.end() || it->second.closed) return;
      if (events_) events_->on_ws_open(e.id);
      if (!it->second.recorded->frames.empty())
        push(it->second.recorded->frames[0].t_us, Kind::ws_frame, e.id, 0);
      return;
    }
    case Kind::ws_fail:
      open_.erase(e.id);
      if (events_) events_->on_ws_close(e.id, 1006, "replay: no recorded connection for this URL");
      return;
    case Kind::ws_frame: {
      auto it = open_.find(e.id);
      if (it == open_.end() || it->second.closed) return;
      const auto& frames = it->second.recorded->frames;
      const WsFrame& f = frames[e.index];
      ++frames_delivered_;
      if (e.index + 1 < frames.size())
        push(frames[e.index + 1].t_us, Kind::ws_frame, e.id, e.index + 1);
      if (events_) events_->on_ws_message(e.id, f.data, f.binary);
      return;
    }
    case Kind::timer: {
      auto it = timers_.find(e.id);
      if (it == timers_.end()) return;
      const uint64_t token = it->second;
      timers_.erase(it);
      if (events_) events_->on_timer(token);
      return;
    }
  }
}

size_t ReplayIo::run(const std::function<bool()>& done) {
  size_t ran = 0;
  for (;;) {
    while (!deferred_.empty()) {
      auto task = std::move(deferred_.front());
      deferred_.pop_front();
      task();
      ++ran;
    }
    if (done && done()) return ran;
    if (queue_.empty() || !progress_pending()) return ran;
    const Event e = queue_.top();
    queue_.pop();
    if (e.kind != Kind::timer) --progress_events_;
    now_us_ = std::max(now_us_, e.at_us);
    dispatch(e);
    ++ran;
  }
}

}  // namespace astra::host::replay
