// Runs the real `astra serve` binary as a child process for end-to-end tests: writes its config,
// reads the API key it prints on first start and the port it listens on, stops it with SIGTERM.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

namespace astra::test {

class GatewayProcess {
 public:
  // Starts `astra serve --config <dir>/astra.yaml` with the given YAML text; waits (bounded) until
  // it prints its API key and its listening port.
  GatewayProcess(const std::filesystem::path& dir, const std::string& yaml) {
    std::filesystem::create_directories(dir);
    config_ = dir / "astra.yaml";
    std::ofstream(config_) << yaml;
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      dup2(out[1], STDERR_FILENO);
      close(out[0]);
      close(out[1]);
      // Nothing else of the test process: an in-process simulator's sockets kept open here would
      // keep its connections up after the simulator closes them.
      closefrom(3);
      const std::string bin = std::string(ASTRA_BIN_DIR) + "/astra";
      execl(bin.c_str(), bin.c_str(), "serve", "--config", config_.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    fd_ = out[0];
    fcntl(fd_, F_SETFL, O_NONBLOCK);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    static const std::regex key_re(R"(Created API key \(shown once\): (\S+))");
    static const std::regex port_re(R"(listening on http://127\.0\.0\.1:(\d+))");
    while ((key_.empty() || port_ == 0) && std::chrono::steady_clock::now() < deadline) {
      read_some(100);
      std::smatch m;
      if (key_.empty() && std::regex_search(output_, m, key_re)) key_ = m[1];
      if (port_ == 0 && std::regex_search(output_, m, port_re)) port_ = std::stoi(m[1]);
      if (exited()) break;
    }
  }

  ~GatewayProcess() {
    stop();
    if (fd_ >= 0) close(fd_);
  }

  const std::string& api_key() const { return key_; }
  int port() const { return port_; }
  // Everything the process printed so far.
  const std::string& output() {
    read_some(0);
    return output_;
  }

  // SIGTERM, then waits (bounded) for the exit; returns the exit status, or -1 if it had to be
  // killed.
  int stop() {
    if (pid_ <= 0) return status_;
    kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (exited()) return status_;
      read_some(50);
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    status_ = -1;
    return status_;
  }

 private:
  bool exited() {
    if (pid_ <= 0) return true;
    int st = 0;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
      pid_ = -1;
      status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      return true;
    }
    return false;
  }

  void read_some(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return;
    char buf[4096];
    for (;;) {
      const ssize_t n = read(fd_, buf, sizeof buf);
      if (n <= 0) break;
      output_.append(buf, static_cast<size_t>(n));
    }
  }

  std::filesystem::path config_;
  pid_t pid_ = -1;
  int fd_ = -1;
  int status_ = -1;
  std::string output_;
  std::string key_;
  int port_ = 0;
};

}  // namespace astra::test
