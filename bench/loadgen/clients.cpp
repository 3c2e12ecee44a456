#include "clients.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <charconv>

namespace astra::loadgen {

namespace {

constexpr size_t kMaxMessage = 64 * 1024 * 1024;

int connect_loopback(int port, std::chrono::milliseconds timeout) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  timeval tv{long(timeout.count() / 1000), long((timeout.count() % 1000) * 1000)};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// The number after `"key":` in the head of a message, or false.
bool number_after(std::string_view text, std::string_view key, uint64_t& out) {
  const size_t at = text.find(key);
  if (at == std::string_view::npos) return false;
  const char* begin = text.data() + at + key.size();
  const auto [end, ec] = std::from_chars(begin, text.data() + text.size(), out);
  return ec == std::errc() && end != begin;
}

}  // namespace

ClientPool::~ClientPool() {
  stop();
  for (auto& c : clients_)
    if (c.fd >= 0) close(c.fd);
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

bool ClientPool::connect(int port, const std::string& api_key, const std::vector<ClientSpec>& specs,
                         std::chrono::milliseconds timeout, std::string& error) {
  const auto deadline = Clock::now() + timeout;
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) {
    error = "epoll_create1 failed";
    return false;
  }
  // Every slot exists before the reading thread starts; it reads a client only once epoll
  // reports it, after the slot is filled. Reading starts at once: the first clients' streams
  // flow while the others connect, and a client that does not read is closed as too slow.
  clients_.resize(specs.size());
  last_ids_ = std::make_unique<std::atomic<uint64_t>[]>(specs.size());
  thread_ = std::thread([this] { run(); });
  size_t index = 0;
  for (const ClientSpec& spec : specs) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      error = "connecting " + std::to_string(specs.size()) + " clients took too long (" +
              std::to_string(index) + " connected)";
      return false;
    }
    const int fd = connect_loopback(port, left);
    if (fd < 0) {
      error = "cannot connect client " + std::to_string(index) + ": " + strerror(errno);
      return false;
    }
    const std::string request =
        "GET /ws?market=" + feed_.market_id(spec.market) +
        "&dataType=" + (spec.trades ? "TRADE" : "ORDERBOOK") +
        " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        "x-astra-api-key: Bearer " +
        api_key + "\r\n\r\n";
    std::string head;
    if (!send_all(fd, request, left) || !read_http_head(fd, head, left) ||
        head.rfind("HTTP/1.1 101", 0) != 0) {
      close(fd);
      error = "client " + std::to_string(index) +
              " was not upgraded: " + head.substr(0, head.find("\r\n"));
      return false;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    Client& c = clients_[index];
    c.fd = fd;
    c.market = spec.market;
    c.trades = spec.trades;
    c.in.resize(256 * 1024);
    if (!spec.trades) book_clients_.fetch_add(1);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = index++;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  }
  return true;
}

void ClientPool::stop() {
  if (stopping_.exchange(true)) return;
  if (thread_.joinable()) thread_.join();
}

size_t ClientPool::current() const {
  size_t n = 0;
  for (size_t i = 0; i < clients_.size(); ++i)
    if (clients_[i].fd >= 0 && !clients_[i].trades &&
        last_ids_[i].load() == feed_.last_u(clients_[i].market))
      ++n;
  return n;
}

void ClientPool::begin_window(int64_t since_ns) {
  // The client thread does not touch the histogram or the counts while not measuring.
  histogram_.clear();
  counts_ = WindowCounts{};
  since_ns_.store(since_ns);
  measuring_.store(true, std::memory_order_release);
}

WindowCounts ClientPool::end_window(Histogram& latency) {
  measuring_.store(false, std::memory_order_release);
  const uint64_t want = end_request_.fetch_add(1) + 1;
  const auto deadline = Clock::now() + std::chrono::seconds(2);
  while (end_ack_.load(std::memory_order_acquire) < want && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  latency = histogram_;
  return counts_;
}

void ClientPool::run() {
  std::vector<epoll_event> events(256);
  while (!stopping_.load(std::memory_order_relaxed)) {
    if (!measuring_.load(std::memory_order_acquire))
      end_ack_.store(end_request_.load(), std::memory_order_release);
    const int n = epoll_wait(epoll_fd_, events.data(), int(events.size()), 5);
    for (int i = 0; i < n; ++i) {
      const size_t index = events[size_t(i)].data.u64;
      read_client(clients_[index], index);
    }
  }
}

void ClientPool::read_client(Client& c, size_t index) {
  if (!c.open) return;
  for (;;) {
    if (c.in.size() - c.in_used < 64 * 1024) c.in.resize(c.in.size() * 2);
    const ssize_t n = recv(c.fd, c.in.data() + c.in_used, c.in.size() - c.in_used, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      c.open = false;
      closed_.fetch_add(1);
      epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
      return;
    }
    if (n < 0) break;
    const int64_t received = now_ns();
    c.in_used += size_t(n);
    if (measuring_.load(std::memory_order_acquire)) counts_.bytes += uint64_t(n);
    size_t at = 0;
    for (;;) {
      Frame f;
      const long used = parse_frame(c.in.data() + at, c.in_used - at, f, kMaxMessage);
      if (used == 0) break;
      if (used < 0) {
        c.open = false;
        closed_.fetch_add(1);
        epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
        return;
      }
      at += size_t(used);
      if (f.opcode == 0x9) {
        std::string pong;
        append_frame(pong, 0xA, f.payload, true);
        send_all(c.fd, pong, std::chrono::milliseconds(100));
      } else if (f.opcode == 0x8) {
        if (f.payload.size() >= 2) {
          std::lock_guard lock(close_mutex_);
          if (close_reason_.empty())
            close_reason_ = std::to_string((uint8_t(f.payload[0]) << 8) | uint8_t(f.payload[1])) +
                            " " + std::string(f.payload.substr(2));
        }
        c.open = false;
        closed_.fetch_add(1);
        epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
        return;
      } else if (f.opcode == 0x1 || f.opcode == 0x0) {
        if (f.fin && c.message.empty()) {
          on_message(c, index, f.payload, received);
        } else {
          c.message.append(f.payload);
          if (f.fin) {
            on_message(c, index, c.message, received);
            c.message.clear();
          }
        }
      }
    }
    if (at > 0) {
      std::memmove(c.in.data(), c.in.data() + at, c.in_used - at);
      c.in_used -= at;
    }
  }
}

void ClientPool::on_message(Client& c, size_t index, std::string_view text, int64_t received) {
  const bool measuring = measuring_.load(std::memory_order_acquire);
  const std::string_view head = text.substr(0, 200);
  if (c.trades) {
    if (measuring) ++counts_.trade_messages;
    return;
  }
  if (head.find("\"reset\":true") != std::string_view::npos) {
    c.have_snapshot = false;
    if (measuring) ++counts_.resets;
    return;
  }
  uint64_t id = 0;
  if (!number_after(head, "\"updateId\":", id)) return;
  if (head.find("\"snapshot\":true") != std::string_view::npos) {
    if (!c.have_snapshot && c.last_id == 0) with_snapshot_.fetch_add(1);
    c.have_snapshot = true;
    if (measuring) ++counts_.snapshots;
  } else {
    if (!c.have_snapshot || id <= c.last_id) order_errors_.fetch_add(1);
    if (measuring) {
      ++counts_.book_updates;
      const int64_t sent = feed_.sent_at(c.market, id);
      if (sent < 0)
        ++counts_.unmatched;
      else if (sent >= since_ns_.load(std::memory_order_relaxed))
        histogram_.add(received - sent);
    }
  }
  c.last_id = id;
  last_ids_[index].store(id, std::memory_order_relaxed);
}

}  // namespace astra::loadgen
