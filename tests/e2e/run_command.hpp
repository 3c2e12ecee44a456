// Runs a shell command (the real `astra` binary, in the replay tests) and returns its stdout;
// stderr, the log, is discarded.
#pragma once

#include <array>
#include <cstdio>
#include <string>

namespace astra::test {

inline std::string run_command(const std::string& command, int& status) {
  std::string out;
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  if (!pipe) return out;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0)
    out.append(buf.data(), n);
  status = pclose(pipe);
  return out;
}

}  // namespace astra::test
