#include "runtime/engine.hpp"

#include <boost/asio/steady_timer.hpp>

#include <chrono>

namespace astra::host {

// core::Scheduler over the engine's io_context.
class Engine::AsioScheduler final : public core::Scheduler {
 public:
  explicit AsioScheduler(boost::asio::io_context& io) : io_(io) {}

  void after(std::chrono::milliseconds delay, std::function<void()> task) override {
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, delay);
    timer->async_wait([timer, task = std::move(task)](const boost::system::error_code& ec) {
      if (!ec) task();
    });
  }

  int64_t now_us() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

 private:
  boost::asio::io_context& io_;
};

Engine::Engine(core::GatewayOptions options)
    : io_(1),
      scheduler_(std::make_unique<AsioScheduler>(io_)),
      gateway_(std::make_unique<core::Gateway>(options, *scheduler_)) {}

Engine::~Engine() {
  stop();
  // The gateway (and the venues it owns) go before the io_context and the scheduler.
  gateway_.reset();
}

core::Scheduler& Engine::scheduler() noexcept {
  return *scheduler_;
}

void Engine::start() {
  if (thread_.joinable()) return;
  work_.emplace(io_.get_executor());
  thread_ = std::thread([this] { io_.run(); });
}

void Engine::stop() {
  work_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

bool Engine::running_in_engine() noexcept {
  return io_.get_executor().running_in_this_thread();
}

}  // namespace astra::host
