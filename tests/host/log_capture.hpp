// A Logger whose lines are kept for inspection.
#pragma once

#include "runtime/logger.hpp"

#include <mutex>
#include <string>
#include <vector>

namespace astra::test {

class LogCapture {
 public:
  LogCapture()
      : logger_(host::LogLevel::trace,
                [this](host::LogLevel, const std::string& line) { lines_.push_back(line); }) {}
  host::Logger& logger() { return logger_; }
  const std::vector<std::string>& lines() const { return lines_; }
  bool contains(const std::string& text) const {
    for (const auto& l : lines_)
      if (l.find(text) != std::string::npos) return true;
    return false;
  }
  std::string all() const {
    std::string out;
    for (const auto& l : lines_)
      out += l + "\n";
    return out;
  }

 private:
  std::vector<std::string> lines_;  // written under the logger's own lock
  host::Logger logger_;
};

}  // namespace astra::test
