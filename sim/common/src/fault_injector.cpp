#include "astra/sim/fault_injector.hpp"

namespace astra::sim {

namespace {

constexpr size_t kMaxReceived = 10000;

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace

FaultInjector::FaultInjector(uint64_t seed) : seed_(seed) {}

double FaultInjector::draw(uint64_t& state) {
  return static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53;  // [0, 1)
}

void FaultInjector::set_frame_faults(FrameFaults f, uint64_t session) {
  std::lock_guard lock(mutex_);
  if (session == 0) {
    all_faults_ = f;
    for (auto& [id, s] : sessions_)
      s.faults.reset();
  } else {
    sessions_[session].faults = f;
  }
}

void FaultInjector::drop_next(uint64_t frames, uint64_t session) {
  std::lock_guard lock(mutex_);
  if (session == 0)
    drop_next_any_ = frames;
  else
    sessions_[session].drop_next = frames;
}

std::vector<FaultInjector::SessionControl> FaultInjector::controls(uint64_t session) const {
  std::vector<SessionControl> out;
  for (const auto& [id, s] : sessions_)
    if ((session == 0 || id == session) && s.info.open && s.control.disconnect)
      out.push_back(s.control);
  return out;
}

void FaultInjector::stall(uint64_t session) {
  std::vector<SessionControl> targets;
  {
    std::lock_guard lock(mutex_);
    if (session == 0) {
      stall_all_ = true;
      for (auto& [id, s] : sessions_)
        s.stalled = true;
    } else {
      sessions_[session].stalled = true;
    }
    targets = controls(session);
  }
  for (auto& c : targets)
    c.stall();
}

void FaultInjector::heartbeat_only(uint64_t session) {
  std::lock_guard lock(mutex_);
  if (session == 0) {
    heartbeat_only_all_ = true;
    for (auto& [id, s] : sessions_)
      s.heartbeat_only = true;
  } else {
    sessions_[session].heartbeat_only = true;
  }
}

void FaultInjector::set_heartbeat_filter(std::function<bool(std::string_view)> is_heartbeat) {
  std::lock_guard lock(mutex_);
  is_heartbeat_ = std::move(is_heartbeat);
}

void FaultInjector::disconnect(uint64_t session) {
  std::vector<SessionControl> targets;
  {
    std::lock_guard lock(mutex_);
    targets = controls(session);
  }
  for (auto& c : targets)
    c.disconnect();
}

void FaultInjector::close(uint64_t session, uint16_t code, std::string reason) {
  std::vector<SessionControl> targets;
  {
    std::lock_guard lock(mutex_);
    targets = controls(session);
  }
  for (auto& c : targets)
    c.close(code, reason);
}

void FaultInjector::refuse_upgrades(uint64_t count, unsigned status) {
  std::lock_guard lock(mutex_);
  refuse_upgrades_ = count;
  refuse_status_ = status;
}

void FaultInjector::on_dropped(std::function<void(uint64_t, std::string_view)> fn) {
  std::lock_guard lock(mutex_);
  on_dropped_ = std::move(fn);
}

void FaultInjector::set_fault_filter(std::function<bool(uint64_t, std::string_view)> applies) {
  std::lock_guard lock(mutex_);
  fault_applies_ = std::move(applies);
}

void FaultInjector::fail_http(std::string path_prefix, HttpFault fault, uint64_t count) {
  if (count == 0) return;
  std::lock_guard lock(mutex_);
  http_rules_.push_back(HttpRule{std::move(path_prefix), std::move(fault), count});
}

void FaultInjector::clear() {
  std::lock_guard lock(mutex_);
  all_faults_ = {};
  drop_next_any_ = 0;
  stall_all_ = false;
  heartbeat_only_all_ = false;
  refuse_upgrades_ = 0;
  http_rules_.clear();
  for (auto& [id, s] : sessions_) {
    s.faults.reset();
    s.drop_next = 0;
    s.heartbeat_only = false;  // a stalled session stays stalled: it no longer reads
  }
}

std::vector<WsSessionInfo> FaultInjector::sessions() const {
  std::lock_guard lock(mutex_);
  std::vector<WsSessionInfo> out;
  for (const auto& [id, s] : sessions_)
    if (s.info.id != 0) out.push_back(s.info);  // skip ids scripted before they opened
  return out;
}

FaultCounters FaultInjector::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

// ---- Server side.

uint64_t FaultInjector::next_connection_id() {
  std::lock_guard lock(mutex_);
  return next_id_++;
}

bool FaultInjector::session_opened(uint64_t id, uint16_t server_port, std::string target,
                                   SessionControl control) {
  std::lock_guard lock(mutex_);
  Session& s = sessions_[id];  // may exist already: faults scripted for an id before it opened
  s.info.id = id;
  s.info.server_port = server_port;
  s.info.target = std::move(target);
  s.info.open = true;
  s.info.opened = std::chrono::steady_clock::now();
  s.control = std::move(control);
  s.rng = seed_ ^ (id * 0xD1B54A32D192ED03ULL);
  if (stall_all_) s.stalled = true;
  if (heartbeat_only_all_) s.heartbeat_only = true;
  return s.stalled;
}

void FaultInjector::session_closed(uint64_t id) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  it->second.info.open = false;
  it->second.info.closed = std::chrono::steady_clock::now();
  it->second.control = {};
  it->second.held.reset();
}

std::vector<FaultInjector::OutFrame> FaultInjector::outgoing(uint64_t id, OutFrame frame) {
  std::vector<OutFrame> out;
  std::function<void(uint64_t, std::string_view)> dropped;
  {
    std::lock_guard lock(mutex_);
    ++counters_.frames_seen;
    Session& s = sessions_[id];
    if (s.stalled || (s.heartbeat_only && !(is_heartbeat_ && is_heartbeat_(frame.payload)))) {
      ++counters_.withheld;
      return out;
    }
    if (!fault_applies_ || fault_applies_(id, frame.payload)) {
      const FrameFaults& f = s.faults ? *s.faults : all_faults_;
      // Three draws per frame whatever the probabilities, so one seed gives one sequence.
      const double d_drop = draw(s.rng), d_dup = draw(s.rng), d_reorder = draw(s.rng);
      bool drop = false;
      if (s.drop_next > 0) {
        --s.drop_next;
        drop = true;
      } else if (drop_next_any_ > 0) {
        --drop_next_any_;
        drop = true;
      } else {
        drop = d_drop < f.drop;
      }
      if (drop) {
        ++counters_.dropped;
        dropped = on_dropped_;
      } else if (d_dup < f.duplicate) {
        ++counters_.duplicated;
        out.push_back(frame);
        out.push_back(std::move(frame));
      } else if (d_reorder < f.reorder && !s.held) {
        ++counters_.reordered;
        s.held = std::move(frame);
        return out;
      } else {
        out.push_back(std::move(frame));
      }
    } else {
      out.push_back(std::move(frame));
    }
    if (!out.empty() && s.held) {
      out.push_back(std::move(*s.held));
      s.held.reset();
    }
  }
  if (dropped) dropped(id, frame.payload);  // frame was not moved from when dropped
  return out;
}

void FaultInjector::frame_written(uint64_t id) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it != sessions_.end()) ++it->second.info.frames_sent;
}

void FaultInjector::frame_received(uint64_t id, std::string_view text) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it != sessions_.end() && it->second.info.received.size() < kMaxReceived)
    it->second.info.received.emplace_back(std::chrono::steady_clock::now(), std::string(text));
}

std::optional<unsigned> FaultInjector::upgrade_refusal() {
  std::lock_guard lock(mutex_);
  if (upgrade_attempts_.size() < kMaxReceived * 10)
    upgrade_attempts_.push_back(std::chrono::steady_clock::now());
  if (refuse_upgrades_ == 0) return std::nullopt;
  --refuse_upgrades_;
  ++counters_.ws_upgrades_refused;
  return refuse_status_;
}

void FaultInjector::http_answered(std::string_view target, unsigned status) {
  std::lock_guard lock(mutex_);
  if (http_log_.size() < kMaxReceived * 10)
    http_log_.push_back({std::chrono::steady_clock::now(), std::string(target), status});
}

std::vector<HttpRecord> FaultInjector::http_log() const {
  std::lock_guard lock(mutex_);
  return http_log_;
}

std::vector<std::chrono::steady_clock::time_point> FaultInjector::upgrade_attempts() const {
  std::lock_guard lock(mutex_);
  return upgrade_attempts_;
}

std::optional<HttpFault> FaultInjector::http_request(std::string_view path) {
  std::lock_guard lock(mutex_);
  ++counters_.http_requests;
  for (auto it = http_rules_.begin(); it != http_rules_.end(); ++it) {
    if (path.substr(0, it->prefix.size()) != it->prefix) continue;
    HttpFault fault = it->fault;
    if (--it->remaining == 0) http_rules_.erase(it);
    ++counters_.http_faulted;
    return fault;
  }
  return std::nullopt;
}

}  // namespace astra::sim
