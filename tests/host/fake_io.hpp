// An Io that records what the plugin asked for and lets a test deliver results by hand.
#pragma once

#include "runtime/io.hpp"

#include <deque>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace astra::test {

class FakeIo final : public host::Io {
 public:
  struct WsOpen {
    uint64_t conn;
    std::string url;
  };
  struct WsSend {
    uint64_t conn;
    std::string text;
  };
  struct Timer {
    uint32_t delay_ms;
    uint64_t token;
  };
  // What the test can see; shared with the test because the adapter owns the Io.
  struct Record {
    host::IoEvents* events = nullptr;
    std::vector<std::pair<host::HttpRequest, uint64_t>> requests;
    std::vector<WsOpen> opens;
    std::vector<WsSend> sends;
    std::vector<uint64_t> closes;
    std::map<uint64_t, Timer> timers;  // by timer id
    std::deque<std::function<void()>> deferred;
    int64_t now_us = 1'700'000'000'000'000;

    // Runs deferred tasks until none is left.
    void run_deferred() {
      while (!deferred.empty()) {
        auto task = std::move(deferred.front());
        deferred.pop_front();
        task();
      }
    }
  };

  explicit FakeIo(std::shared_ptr<Record> record) : r_(std::move(record)) {}
  ~FakeIo() override { r_->events = nullptr; }

  void attach(host::IoEvents* events) override { r_->events = events; }
  astra_status http_request(host::HttpRequest request, uint64_t token) override {
    r_->requests.emplace_back(std::move(request), token);
    return ASTRA_OK;
  }
  astra_status ws_open(std::string_view url, uint64_t& conn) override {
    conn = next_++;
    r_->opens.push_back({conn, std::string(url)});
    return ASTRA_OK;
  }
  astra_status ws_send(uint64_t conn, std::string_view text) override {
    r_->sends.push_back({conn, std::string(text)});
    return ASTRA_OK;
  }
  void ws_close(uint64_t conn) override { r_->closes.push_back(conn); }
  uint64_t timer_start(uint32_t delay_ms, uint64_t token) override {
    const uint64_t id = next_++;
    r_->timers[id] = {delay_ms, token};
    return id;
  }
  void timer_cancel(uint64_t id) override { r_->timers.erase(id); }
  int64_t now_us() const override { return r_->now_us; }
  void defer(std::function<void()> task) override { r_->deferred.push_back(std::move(task)); }

 private:
  std::shared_ptr<Record> r_;
  uint64_t next_ = 1;
};

}  // namespace astra::test
