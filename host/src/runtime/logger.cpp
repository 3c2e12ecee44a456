#include "runtime/logger.hpp"

#include <chrono>
#include <ctime>

namespace astra::host {

std::optional<LogLevel> parse_log_level(std::string_view text) noexcept {
  if (text == "trace") return LogLevel::trace;
  if (text == "debug") return LogLevel::debug;
  if (text == "info") return LogLevel::info;
  if (text == "warn" || text == "warning") return LogLevel::warn;
  if (text == "error") return LogLevel::error;
  if (text == "off") return LogLevel::off;
  return std::nullopt;
}

std::string_view to_string(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::trace:
      return "TRACE";
    case LogLevel::debug:
      return "DEBUG";
    case LogLevel::info:
      return "INFO";
    case LogLevel::warn:
      return "WARN";
    case LogLevel::error:
      return "ERROR";
    case LogLevel::off:
      return "OFF";
  }
  return "?";
}

LogLevel log_level_from_abi(int32_t level) noexcept {
  if (level <= 0) return LogLevel::trace;
  if (level >= 4) return LogLevel::error;
  return static_cast<LogLevel>(level);
}

Logger::Logger(LogLevel min_level, Sink sink) : min_level_(min_level), sink_(std::move(sink)) {}

void Logger::set_level(LogLevel level) noexcept {
  std::lock_guard lock(mutex_);
  min_level_ = level;
}

bool Logger::enabled(LogLevel level) const noexcept {
  std::lock_guard lock(mutex_);
  return level != LogLevel::off && level >= min_level_;
}

namespace {

// Control characters become \xNN so that a message is always exactly one line.
void append_escaped(std::string& out, std::string_view s) {
  static const char* hex = "0123456789abcdef";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      out += "\\x";
      out.push_back(hex[u >> 4]);
      out.push_back(hex[u & 15]);
    } else {
      out.push_back(c);
    }
  }
}

std::string timestamp() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const std::time_t secs = system_clock::to_time_t(now);
  const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace

void Logger::log(LogLevel level, std::string_view message) noexcept {
  try {
    if (!enabled(level)) return;
    std::string line = timestamp();
    line += ' ';
    line += to_string(level);
    line += ' ';
    append_escaped(line, message);
    std::lock_guard lock(mutex_);
    if (sink_) {
      sink_(level, line);
    } else {
      line += '\n';
      std::fwrite(line.data(), 1, line.size(), stderr);
    }
  } catch (...) {
    // Logging never throws.
  }
}

}  // namespace astra::host
