// The engine: one thread running one io_context, on which the core Gateway and every connector
// instance live. Nothing on the market-data path takes a lock; other threads post work here.
#pragma once

#include <astra/core/gateway.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <memory>
#include <optional>
#include <thread>
#include <utility>

namespace astra::host {

class Engine {
 public:
  explicit Engine(core::GatewayOptions options = {});
  ~Engine();  // stops and joins
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  boost::asio::io_context& io() noexcept { return io_; }
  core::Gateway& gateway() noexcept { return *gateway_; }
  core::Scheduler& scheduler() noexcept;

  // Runs the io_context on a new thread (returns at once). Tests may instead call io().run*().
  void start();
  // Stops the io_context and joins the thread.
  void stop();
  bool running_in_engine() noexcept;

  template <class F>
  void post(F&& f) {
    boost::asio::post(io_, std::forward<F>(f));
  }

 private:
  class AsioScheduler;
  boost::asio::io_context io_;
  std::unique_ptr<AsioScheduler> scheduler_;
  std::unique_ptr<core::Gateway> gateway_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
};

}  // namespace astra::host
