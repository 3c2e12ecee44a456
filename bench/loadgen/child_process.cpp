#include "child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace astra::loadgen {

ChildProcess::~ChildProcess() {
  if (pid_ > 0) wait(std::chrono::milliseconds(0));
  if (in_fd_ >= 0) close(in_fd_);
  if (out_fd_ >= 0) close(out_fd_);
}

bool ChildProcess::start(const std::vector<std::string>& argv, std::string& error) {
  int to_child[2], from_child[2], exec_status[2];
  if (pipe2(to_child, O_CLOEXEC) != 0) {
    error = std::string("pipe: ") + std::strerror(errno);
    return false;
  }
  if (pipe2(from_child, O_CLOEXEC) != 0 || pipe2(exec_status, O_CLOEXEC) != 0) {
    error = std::string("pipe: ") + std::strerror(errno);
    close(to_child[0]);
    close(to_child[1]);
    return false;
  }
  std::vector<char*> args;
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    dup2(to_child[0], 0);
    dup2(from_child[1], 1);
    execvp(args[0], args.data());
    const int e = errno;
    (void)!::write(exec_status[1], &e, sizeof e);
    _exit(127);
  }
  close(to_child[0]);
  close(from_child[1]);
  close(exec_status[1]);
  in_fd_ = to_child[1];
  out_fd_ = from_child[0];
  if (pid_ < 0) {
    error = std::string("fork: ") + std::strerror(errno);
    close(exec_status[0]);
    return false;
  }
  int e = 0;
  const ssize_t n = read(exec_status[0], &e, sizeof e);  // EOF (0) when exec succeeded
  close(exec_status[0]);
  if (n == ssize_t(sizeof e)) {
    error = "cannot run " + argv[0] + ": " + std::strerror(e);
    wait(std::chrono::milliseconds(1000));
    return false;
  }
  return true;
}

bool ChildProcess::write_line(const std::string& line) {
  const std::string text = line + "\n";
  size_t at = 0;
  while (in_fd_ >= 0 && at < text.size()) {
    const ssize_t n = ::write(in_fd_, text.data() + at, text.size() - at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    at += size_t(n);
  }
  return at == text.size();
}

void ChildProcess::close_stdin() {
  if (in_fd_ >= 0) close(in_fd_);
  in_fd_ = -1;
}

bool ChildProcess::read_line(std::string& line, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const size_t nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return true;
    }
    if (eof_ || out_fd_ < 0) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{out_fd_, POLLIN, 0};
    if (poll(&p, 1, int(left.count())) <= 0) continue;
    char buf[65536];
    const ssize_t n = read(out_fd_, buf, sizeof buf);
    if (n > 0)
      buffer_.append(buf, size_t(n));
    else if (n == 0 || errno != EINTR)
      eof_ = true;
  }
}

int ChildProcess::wait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  for (;;) {
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) break;
    if (r < 0) {
      pid_ = -1;
      return -1;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace astra::loadgen
