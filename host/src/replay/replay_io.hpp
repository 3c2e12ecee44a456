// ReplayIo: the Io of a replay. No network: HTTP requests are answered from the capture's http
// lines (method, path and query as a set must match), a ws_open gets the recorded connection with
// the same scheme, host and path, and its frames arrive in order in virtual time. Timers fire in
// virtual time; now_us() is virtual.
#pragma once

#include "replay/capture.hpp"
#include "runtime/io.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <queue>
#include <set>
#include <string>
#include <vector>

namespace astra::host::replay {

class ReplayIo final : public Io {
 public:
  explicit ReplayIo(const Capture& capture);  // the capture must outlive the ReplayIo

  void attach(IoEvents* events) override { events_ = events; }
  astra_status http_request(HttpRequest request, uint64_t token) override;
  astra_status ws_open(std::string_view url, uint64_t& conn) override;
  astra_status ws_send(uint64_t conn, std::string_view text) override;
  void ws_close(uint64_t conn) override;
  uint64_t timer_start(uint32_t delay_ms, uint64_t token) override;
  void timer_cancel(uint64_t timer_id) override;
  int64_t now_us() const override { return now_us_; }
  void defer(std::function<void()> task) override { deferred_.push_back(std::move(task)); }

  // Runs deferred tasks and timed events in virtual-time order until `done` returns true or
  // nothing that could make progress is left. Timers alone do not keep a replay going: once no
  // frame, response or open is pending, the run ends. Returns the number of events run.
  size_t run(const std::function<bool()>& done = {});

  size_t frames_delivered() const noexcept { return frames_delivered_; }
  size_t unanswered_requests() const noexcept { return unanswered_.size(); }
  const std::vector<std::string>& unanswered() const noexcept { return unanswered_; }
  size_t unmatched_ws_opens() const noexcept { return unmatched_ws_opens_; }
  size_t ws_sends() const noexcept { return ws_sends_; }

 private:
  enum class Kind { http, ws_open, ws_frame, ws_fail, timer };
  struct Event {
    int64_t at_us;
    uint64_t seq;  // FIFO among events at the same time
    Kind kind;
    uint64_t id;   // token (http, timer: timer id), conn (ws)
    size_t index;  // http: exchange index (or npos: unanswered); ws_frame: frame index
    bool operator>(const Event& o) const {
      return at_us != o.at_us ? at_us > o.at_us : seq > o.seq;
    }
  };
  struct Open {
    const WsConnection* recorded = nullptr;
    bool closed = false;
  };

  void push(int64_t at_us, Kind kind, uint64_t id, size_t index);
  void dispatch(const Event& e);
  bool progress_pending() const noexcept { return progress_events_ > 0; }

  const Capture& capture_;
  IoEvents* events_ = nullptr;
  int64_t now_us_;
  uint64_t next_id_ = 1;
  uint64_t seq_ = 0;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> queue_;
  size_t progress_events_ = 0;  // queued events that are not timers
  std::deque<std::function<void()>> deferred_;
  std::vector<unsigned> http_uses_;      // per exchange
  std::set<size_t> taken_connections_;   // recorded connections in use
  std::map<uint64_t, Open> open_;        // by our conn id
  std::map<uint64_t, uint64_t> timers_;  // timer id -> token
  size_t frames_delivered_ = 0;
  std::vector<std::string> unanswered_;
  size_t unmatched_ws_opens_ = 0;
  size_t ws_sends_ = 0;
};

// True when two URLs have the same method-independent request identity: path and the set of
// query parameters (order-insensitive); scheme and host are not compared for HTTP.
bool same_request(const UrlParts& a, const UrlParts& b);

}  // namespace astra::host::replay
