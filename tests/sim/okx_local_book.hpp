// A client-side OKX book for simulator tests: applies `books` pushes from their JSON, keeps the
// venue's text, and rebuilds the checksum input from it.
#pragma once

#include <astra/sim/okx/checksum.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <utility>

namespace astra::sim::test {

class OkxLocalBook {
 public:
  // Applies one element of a push's `data` (or a REST answer's data[0]); a snapshot replaces.
  void apply(const nlohmann::ordered_json& data, bool snapshot) {
    if (snapshot) {
      bids_.clear();
      asks_.clear();
    }
    for (const auto& l : data["bids"])
      set(bids_, l);
    for (const auto& l : data["asks"])
      set(asks_, l);
  }

  okx::TextLevels bids(size_t depth = 0) const { return top(bids_, depth); }
  okx::TextLevels asks(size_t depth = 0) const { return top(asks_, depth); }
  int32_t checksum() const {
    return okx::checksum(bids(okx::kChecksumDepth), asks(okx::kChecksumDepth));
  }

 private:
  // Prices are ordered numerically; the text is what the venue sent.
  template <class Side>
  static void set(Side& side, const nlohmann::ordered_json& level) {
    const std::string px = level[0].get<std::string>();
    const std::string sz = level[1].get<std::string>();
    if (std::stod(sz) == 0)
      side.erase(std::stod(px));
    else
      side[std::stod(px)] = {px, sz};
  }
  template <class Side>
  static okx::TextLevels top(const Side& side, size_t depth) {
    okx::TextLevels out;
    for (const auto& [key, level] : side) {
      if (depth && out.size() == depth) break;
      out.push_back(level);
    }
    return out;
  }

  std::map<double, std::pair<std::string, std::string>, std::greater<>> bids_;
  std::map<double, std::pair<std::string, std::string>> asks_;
};

}  // namespace astra::sim::test
