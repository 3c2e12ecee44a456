#include "transport/request_budget.hpp"

#include <algorithm>
#include <ctime>
#include <string>

namespace astra::host {

RequestBudget::RequestBudget(BudgetConfig config, Clock::time_point now)
    : config_(config), tokens_(static_cast<double>(config.weight)), last_(now) {
  if (config_.interval.count() <= 0) config_.interval = std::chrono::milliseconds(1);
}

void RequestBudget::refill(Clock::time_point now) {
  if (now <= last_) return;
  const double elapsed_ms = std::chrono::duration<double, std::milli>(now - last_).count();
  const double rate =
      static_cast<double>(config_.weight) / static_cast<double>(config_.interval.count());
  tokens_ = std::min(static_cast<double>(config_.weight), tokens_ + elapsed_ms * rate);
  last_ = now;
}

double RequestBudget::available(Clock::time_point now) {
  refill(now);
  return tokens_;
}

bool RequestBudget::try_take(uint32_t weight, Clock::time_point now) {
  if (blocked(now)) return false;
  refill(now);
  const double w = static_cast<double>(std::max<uint32_t>(weight, 1));
  if (w > tokens_) return false;
  tokens_ -= w;
  return true;
}

void RequestBudget::block_until(Clock::time_point until) {
  blocked_until_ = std::max(blocked_until_, until);
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ')
    value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ')
    value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return std::chrono::seconds(999'999'999);
    return std::chrono::seconds(std::stol(std::string(value)));
  }
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
  std::tm tm{};
  const std::string text(value);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  const auto at = std::chrono::system_clock::from_time_t(timegm(&tm));
  const auto delta = std::chrono::duration_cast<std::chrono::seconds>(at - now);
  return std::max(delta, std::chrono::seconds(0));
}

}  // namespace astra::host
