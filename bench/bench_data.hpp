// Real payloads for the benchmarks, read from the shared folder (see tests/common/shared_dir.hpp).
#pragma once

#include <common/shared_dir.hpp>

#include <fstream>
#include <string>
#include <vector>

namespace astra::bench {

// The non-empty lines of a shared file; empty when the file is absent.
inline std::vector<std::string> shared_lines(const std::string& relative) {
  std::vector<std::string> lines;
  const auto path = astra::test::shared_file(relative);
  if (path.empty()) return lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

inline std::string missing(const std::string& relative) {
  return "shared data not found: " + (astra::test::shared_dir() / relative).string() +
         " (set ASTRA_SHARED)";
}

}  // namespace astra::bench
