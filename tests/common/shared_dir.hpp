// Where the real venue data lives: $ASTRA_SHARED, else ../shared next to the project.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace astra::test {

inline std::filesystem::path shared_dir() {
  if (const char* env = std::getenv("ASTRA_SHARED"); env && *env) return env;
  return ASTRA_DEFAULT_SHARED;
}

// A file under shared/, or an empty path when it is absent (the caller skips with a message).
inline std::filesystem::path shared_file(const std::string& relative) {
  auto p = shared_dir() / relative;
  return std::filesystem::exists(p) ? p : std::filesystem::path();
}

}  // namespace astra::test

// Skips the current test with a message when a shared file is absent.
#define ASTRA_REQUIRE_SHARED(var, relative)                                                 \
  const std::filesystem::path var = ::astra::test::shared_file(relative);                   \
  if (var.empty()) {                                                                        \
    GTEST_SKIP() << "shared data not found: " << (::astra::test::shared_dir() / (relative)) \
                 << " (set ASTRA_SHARED to the shared/ folder)";                            \
  }
