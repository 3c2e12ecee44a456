// A child process with its stdin and stdout on pipes (stderr inherited): the harness runs the
// peer baseline (node + ccxt) this way and talks to it in lines.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace astra::loadgen {

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();  // kills the child if it still runs, and reaps it
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Runs argv[0] (looked up in PATH); false with a message when it cannot be started.
  bool start(const std::vector<std::string>& argv, std::string& error);
  pid_t pid() const { return pid_; }
  bool write_line(const std::string& line);
  void close_stdin();
  // The next line of stdout without its '\n'; false on EOF or when `timeout` passes first.
  bool read_line(std::string& line, std::chrono::milliseconds timeout);
  // Waits up to `timeout` for the child to exit, then kills it; its exit status, or -1.
  int wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int in_fd_ = -1, out_fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace astra::loadgen
