// A client-side Binance spot book, kept with the documented sync rule, to check the simulator.
#pragma once

#include "json_shape.hpp"

#include <astra/sdk/decimal.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace astra::sim::test {

inline astra_decimal dec(const std::string& text) {
  astra_decimal d{};
  sdk::parse_decimal(text, d);
  return d;
}

struct PriceLess {
  bool operator()(const std::string& a, const std::string& b) const {
    return sdk::compare_decimal(dec(a), dec(b)) < 0;
  }
};
struct PriceGreater {
  bool operator()(const std::string& a, const std::string& b) const {
    return sdk::compare_decimal(dec(a), dec(b)) > 0;
  }
};

class LocalBook {
 public:
  void load_snapshot(const ojson& snapshot) {
    bids_.clear();
    asks_.clear();
    for (const auto& l : snapshot["bids"])
      bids_[l[0].get<std::string>()] = l[1].get<std::string>();
    for (const auto& l : snapshot["asks"])
      asks_[l[0].get<std::string>()] = l[1].get<std::string>();
    last_ = snapshot["lastUpdateId"].get<uint64_t>();
    synced_ = false;
  }

  // Applies a depthUpdate with the spot rule (web-socket-streams.md, "How to manage a local
  // order book correctly"). Returns "" when applied or dropped, else what went wrong.
  std::string apply(const ojson& event) {
    const uint64_t first = event["U"].get<uint64_t>();
    const uint64_t last = event["u"].get<uint64_t>();
    if (!synced_) {
      if (last <= last_) {
        ++dropped;
        return "";
      }
      if (!(first <= last_ + 1 && last_ + 1 <= last))
        return "first event [" + std::to_string(first) + "," + std::to_string(last) +
               "] does not contain lastUpdateId+1 = " + std::to_string(last_ + 1);
      synced_ = true;
    } else if (first != last_ + 1) {
      return "gap: U=" + std::to_string(first) + " after u=" + std::to_string(last_);
    }
    for (const auto& l : event["b"])
      set(bids_, l);
    for (const auto& l : event["a"])
      set(asks_, l);
    last_ = last;
    ++applied;
    if (!bids_.empty() && !asks_.empty() &&
        sdk::compare_decimal(dec(bids_.begin()->first), dec(asks_.begin()->first)) >= 0)
      return "crossed at u=" + std::to_string(last);
    return "";
  }

  uint64_t last_update_id() const { return last_; }
  std::vector<std::pair<std::string, std::string>> bids() const {
    return {bids_.begin(), bids_.end()};
  }
  std::vector<std::pair<std::string, std::string>> asks() const {
    return {asks_.begin(), asks_.end()};
  }
  // The quantity at a price ("0" when absent).
  std::string bid_qty(const std::string& p) const { return qty(bids_, p); }
  std::string ask_qty(const std::string& p) const { return qty(asks_, p); }
  std::string best_bid() const { return bids_.empty() ? "" : bids_.begin()->first; }
  std::string best_ask() const { return asks_.empty() ? "" : asks_.begin()->first; }

  int dropped = 0;
  int applied = 0;

 private:
  template <class Side>
  static void set(Side& side, const ojson& level) {
    const std::string price = level[0].get<std::string>();
    const std::string q = level[1].get<std::string>();
    if (sdk::is_zero(dec(q)))
      side.erase(price);
    else
      side[price] = q;
  }
  template <class Side>
  static std::string qty(const Side& side, const std::string& p) {
    auto it = side.find(p);
    return it == side.end() ? "0" : it->second;
  }

  std::map<std::string, std::string, PriceGreater> bids_;
  std::map<std::string, std::string, PriceLess> asks_;
  uint64_t last_ = 0;
  bool synced_ = false;
};

}  // namespace astra::sim::test
