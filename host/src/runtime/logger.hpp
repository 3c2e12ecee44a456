// The host logger: a level filter, UTC timestamps, one line per message, to stderr (or a sink in
// tests). Thread-safe. Messages are escaped so that a plugin or a venue cannot forge log lines.
// Never pass it a credential or a request header.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace astra::host {

enum class LogLevel : int32_t { trace = 0, debug = 1, info = 2, warn = 3, error = 4, off = 5 };

std::optional<LogLevel> parse_log_level(std::string_view text) noexcept;
std::string_view to_string(LogLevel level) noexcept;

class Logger {
 public:
  // Receives each formatted line (without the trailing newline); for tests.
  using Sink = std::function<void(LogLevel level, const std::string& line)>;

  explicit Logger(LogLevel min_level = LogLevel::info, Sink sink = {});

  void set_level(LogLevel level) noexcept;
  bool enabled(LogLevel level) const noexcept;
  void log(LogLevel level, std::string_view message) noexcept;

  void trace(std::string_view m) noexcept { log(LogLevel::trace, m); }
  void debug(std::string_view m) noexcept { log(LogLevel::debug, m); }
  void info(std::string_view m) noexcept { log(LogLevel::info, m); }
  void warn(std::string_view m) noexcept { log(LogLevel::warn, m); }
  void error(std::string_view m) noexcept { log(LogLevel::error, m); }

 private:
  mutable std::mutex mutex_;
  LogLevel min_level_;
  Sink sink_;
};

// A level from the connector ABI (ASTRA_LOG_*), clamped to the known range.
LogLevel log_level_from_abi(int32_t level) noexcept;

}  // namespace astra::host
