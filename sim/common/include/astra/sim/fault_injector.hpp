// Scripted, per-connection misbehaviour of a simulator's LoopbackServer: frames dropped,
// duplicated or reordered, a connection stalled, reduced to heartbeats, cut or closed with a
// code, upgrades refused, REST requests answered with an error or late.
//
// A test scripts it from any thread; the servers that share it consult it on their io threads.
// One mutex guards everything. Random faults draw from a generator per session seeded from the
// injector's seed and the session id, so a seed and the same frames on a session give the same
// faults.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace astra::sim {

struct FrameFaults {  // probabilities per server->client data frame, independent draws
  double drop = 0;
  double duplicate = 0;  // the frame is sent twice in a row
  double reorder = 0;    // the frame is held and sent after the next one
};

struct HttpFault {
  unsigned status = 429;   // 0 = answer normally (only the delay applies)
  int retry_after_s = -1;  // adds `Retry-After: N` when >= 0
  std::string body;        // empty = a small JSON error body
  std::chrono::milliseconds delay{
      0};  // answer this late (slow REST), without blocking the io thread
};

struct WsSessionInfo {
  uint64_t id = 0;
  uint16_t server_port = 0;
  std::string target;  // the upgrade request target, e.g. "/ws?token=..."
  bool open = true;
  std::chrono::steady_clock::time_point opened, closed;
  uint64_t frames_sent = 0;  // data frames actually written
  // client -> server text frames with their arrival time (the first 10,000)
  std::vector<std::pair<std::chrono::steady_clock::time_point, std::string>> received;
};

// One HTTP request the server answered: when, the request target (path and query), the status.
struct HttpRecord {
  std::chrono::steady_clock::time_point at;
  std::string target;
  unsigned status = 0;
};

struct FaultCounters {
  uint64_t frames_seen = 0, dropped = 0, duplicated = 0, reordered = 0, withheld = 0;
  uint64_t http_requests = 0, http_faulted = 0, ws_upgrades_refused = 0;
};

class FaultInjector {
 public:
  explicit FaultInjector(uint64_t seed = 1);
  FaultInjector(const FaultInjector&) = delete;
  FaultInjector& operator=(const FaultInjector&) = delete;

  // --- WebSocket, server -> client. session 0 = every session, present and future.
  void set_frame_faults(FrameFaults f, uint64_t session = 0);
  // A burst of consecutive drops: the next `frames` data frames of that session (session 0: the
  // next `frames` data frames of any session).
  void drop_next(uint64_t frames, uint64_t session = 0);
  // Nothing more is sent (no data, no pings, no pong answers: the session stops reading); the
  // TCP connection stays open. 0 = every session, present and future. A stalled session stays
  // silent until it is disconnected, closed or the server stops (clear() spares future sessions
  // only).
  void stall(uint64_t session);
  // Data frames withheld; WebSocket ping/pong frames and frames the heartbeat filter accepts
  // still go. 0 = every session, present and future.
  void heartbeat_only(uint64_t session);
  void set_heartbeat_filter(std::function<bool(std::string_view frame)> is_heartbeat);
  void disconnect(uint64_t session);  // TCP closed without a close frame (0 = all open)
  void close(uint64_t session, uint16_t code, std::string reason);  // close frame (0 = all open)
  void refuse_upgrades(uint64_t count, unsigned status = 503);      // next `count` WS upgrades
  // Called on the io thread for every dropped frame (e.g. to learn which market/sequence was
  // lost). Binary frames are passed as sent (HTX: gzip). Called without the injector's lock held;
  // a later call replaces the function.
  void on_dropped(std::function<void(uint64_t session, std::string_view frame)> fn);
  // Addition: drop/duplicate/reorder (random and drop_next) apply only to frames this filter
  // accepts (e.g. book updates, so subscription answers get through). Unset = every data frame.
  // Called on the io thread for every data frame, with the injector's lock held: keep it cheap
  // and do not call the injector from it.
  void set_fault_filter(std::function<bool(uint64_t session, std::string_view frame)> applies);

  // --- HTTP: the next `count` requests whose path starts with `path_prefix` get `fault`.
  // WebSocket upgrade requests are not HTTP requests here (see refuse_upgrades).
  void fail_http(std::string path_prefix, HttpFault fault, uint64_t count = 1);

  void clear();  // no more faults for present and future sessions (observations are kept)

  // --- Observations.
  std::vector<WsSessionInfo> sessions() const;
  FaultCounters counters() const;
  std::vector<HttpRecord> http_log() const;  // capped, e.g. the first 100,000
  // When each WebSocket upgrade request arrived, refused or not (capped likewise).
  std::vector<std::chrono::steady_clock::time_point> upgrade_attempts() const;

  // ======== Server side: called by LoopbackServer on its io thread, not by tests. ========
  struct OutFrame {
    std::string payload;
    bool binary = false;
  };
  // How the injector acts on a live session; each posts to the session's io thread.
  struct SessionControl {
    std::function<void()> stall;
    std::function<void()> disconnect;
    std::function<void(uint16_t code, std::string reason)> close;
  };
  // Connection ids, unique across the servers sharing this injector.
  uint64_t next_connection_id();
  // Registers a WebSocket session; true when it starts stalled.
  bool session_opened(uint64_t id, uint16_t server_port, std::string target,
                      SessionControl control);
  void session_closed(uint64_t id);
  // The frames to queue, in order, for one data frame the simulator sends (none, it, it twice,
  // or it after a held one).
  std::vector<OutFrame> outgoing(uint64_t id, OutFrame frame);
  void frame_written(uint64_t id);
  void frame_received(uint64_t id, std::string_view text);
  // The HTTP status to refuse this upgrade with, if any.
  std::optional<unsigned> upgrade_refusal();
  // The fault to answer this request with, if any (counts the request).
  std::optional<HttpFault> http_request(std::string_view path);
  // Records the status a request was answered with.
  void http_answered(std::string_view target, unsigned status);

 private:
  struct Session {
    WsSessionInfo info;
    SessionControl control;
    std::optional<FrameFaults> faults;
    uint64_t drop_next = 0;
    bool stalled = false;
    bool heartbeat_only = false;
    uint64_t rng = 0;
    std::optional<OutFrame> held;
  };
  struct HttpRule {
    std::string prefix;
    HttpFault fault;
    uint64_t remaining = 0;
  };

  static double draw(uint64_t& state);
  std::vector<SessionControl> controls(uint64_t session) const;  // lock held

  mutable std::mutex mutex_;
  uint64_t seed_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, Session> sessions_;
  FrameFaults all_faults_;
  uint64_t drop_next_any_ = 0;
  bool stall_all_ = false;
  bool heartbeat_only_all_ = false;
  std::function<bool(std::string_view)> is_heartbeat_;
  std::function<bool(uint64_t, std::string_view)> fault_applies_;
  std::function<void(uint64_t, std::string_view)> on_dropped_;
  uint64_t refuse_upgrades_ = 0;
  unsigned refuse_status_ = 503;
  std::vector<HttpRule> http_rules_;
  FaultCounters counters_;
  std::vector<HttpRecord> http_log_;
  std::vector<std::chrono::steady_clock::time_point> upgrade_attempts_;
};

}  // namespace astra::sim
