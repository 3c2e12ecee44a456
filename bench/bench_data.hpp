// Real payloads for the benchmarks, read from the shared folder (see tests/common/shared_dir.hpp).
#pragma once

#include <common/shared_dir.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <utility>
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

// The recorded OKX `books` session for BTC-USDT: a 400+400-level snapshot, then its updates.
inline const char* const kOkxBooks = "fixtures/okx/ws_books_BTC-USDT_snapshot_plus_updates.jsonl";

// One recorded push: [price, size] as the venue's text.
struct Push {
  std::vector<std::pair<std::string, std::string>> bids, asks;
};

// The pushes of kOkxBooks in order (read once); empty when the file is absent.
inline const std::vector<Push>& okx_pushes() {
  static const std::vector<Push> pushes = [] {
    std::vector<Push> out;
    for (const auto& line : shared_lines(kOkxBooks)) {
      const auto m = nlohmann::json::parse(line, nullptr, false);
      if (!m.is_object() || !m.contains("data")) continue;
      const auto& d = m["data"][0];
      Push p;
      for (const auto& l : d["bids"])
        p.bids.emplace_back(l[0].get<std::string>(), l[1].get<std::string>());
      for (const auto& l : d["asks"])
        p.asks.emplace_back(l[0].get<std::string>(), l[1].get<std::string>());
      out.push_back(std::move(p));
    }
    return out;
  }();
  return pushes;
}

}  // namespace astra::bench
