#include "metrics/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <variant>

namespace astra::host {

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  std::erase_if(bounds_, [](double b) { return !std::isfinite(b); });
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  counts_ = std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1);
}

std::vector<double> Histogram::default_bounds() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

void Histogram::observe(double seconds) noexcept {
  if (std::isnan(seconds)) return;
  if (seconds < 0) seconds = 0;
  const size_t i = static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), seconds) -
                                       bounds_.begin());
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  // Nanosecond resolution; saturates near 584 years of accumulated time.
  const double ns = std::min(seconds * 1e9, 1.8e19);
  sum_ns_.fetch_add(static_cast<uint64_t>(std::llround(ns)), std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

double Histogram::sum() const noexcept {
  return static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
}

namespace {

bool valid_name(std::string_view s, bool allow_colon) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alpha =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

void escape(std::string& out, std::string_view s, bool quote) {
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// The canonical label text: {a="x",b="y"} sorted by name (empty when there are no labels).
std::string label_text(const Labels& labels) {
  Labels sorted = labels;
  std::sort(sorted.begin(), sorted.end());
  std::string out;
  for (const auto& [k, v] : sorted) {
    if (!valid_name(k, false) || k.starts_with("__") || k == "le") {
      throw std::invalid_argument("metrics: bad label name '" + k + "'");
    }
    out += out.empty() ? '{' : ',';
    out += k;
    out += "=\"";
    escape(out, v, true);
    out += '"';
  }
  if (!out.empty()) out += '}';
  return out;
}

void append_double(std::string& out, double v) {
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buf[400];  // fixed notation of any double fits
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  out.append(buf, ec == std::errc{} ? end : buf);
}

// Appends `le="bound"` to a label text.
std::string with_le(const std::string& labels, std::string_view le) {
  std::string out = labels.empty() ? std::string("{") : labels.substr(0, labels.size() - 1) + ",";
  out += "le=\"";
  out += le;
  out += "\"}";
  return out;
}

}  // namespace

struct Metrics::Family {
  std::string name;
  std::string help;
  const char* type;
  using Metric =
      std::variant<std::unique_ptr<Counter>, std::unique_ptr<Gauge>, std::unique_ptr<Histogram>>;
  std::map<std::string, Metric, std::less<>> children;  // by label text
};

Metrics::Metrics() = default;
Metrics::~Metrics() = default;

Metrics::Family& Metrics::family(std::string_view name, std::string_view help, const char* type) {
  auto it = families_.find(name);
  if (it != families_.end()) {
    if (std::string_view(it->second->type) != type) {
      throw std::invalid_argument("metrics: '" + std::string(name) + "' registered as " +
                                  it->second->type);
    }
    return *it->second;
  }
  if (!valid_name(name, true)) {
    throw std::invalid_argument("metrics: bad metric name '" + std::string(name) + "'");
  }
  auto f = std::make_unique<Family>(Family{std::string(name), std::string(help), type, {}});
  return *families_.emplace(std::string(name), std::move(f)).first->second;
}

Counter& Metrics::counter(std::string_view name, std::string_view help, const Labels& labels) {
  std::string key = label_text(labels);
  std::lock_guard lock(mutex_);
  Family& f = family(name, help, "counter");
  auto it = f.children.find(key);
  if (it == f.children.end()) {
    it = f.children.emplace(std::move(key), std::make_unique<Counter>()).first;
  }
  return *std::get<std::unique_ptr<Counter>>(it->second);
}

Gauge& Metrics::gauge(std::string_view name, std::string_view help, const Labels& labels) {
  std::string key = label_text(labels);
  std::lock_guard lock(mutex_);
  Family& f = family(name, help, "gauge");
  auto it = f.children.find(key);
  if (it == f.children.end()) {
    it = f.children.emplace(std::move(key), std::make_unique<Gauge>()).first;
  }
  return *std::get<std::unique_ptr<Gauge>>(it->second);
}

Histogram& Metrics::histogram(std::string_view name, std::string_view help, const Labels& labels,
                              std::vector<double> bounds) {
  std::string key = label_text(labels);
  std::lock_guard lock(mutex_);
  Family& f = family(name, help, "histogram");
  auto it = f.children.find(key);
  if (it == f.children.end()) {
    if (bounds.empty()) bounds = Histogram::default_bounds();
    it = f.children.emplace(std::move(key), std::make_unique<Histogram>(std::move(bounds))).first;
  }
  return *std::get<std::unique_ptr<Histogram>>(it->second);
}

std::string Metrics::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& [name, f] : families_) {
    out += "# HELP ";
    out += name;
    out += ' ';
    escape(out, f->help, false);
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += f->type;
    out += '\n';
    for (const auto& [labels, metric] : f->children) {
      if (const auto* c = std::get_if<std::unique_ptr<Counter>>(&metric)) {
        out += name + labels + ' ' + std::to_string((*c)->value()) + '\n';
      } else if (const auto* g = std::get_if<std::unique_ptr<Gauge>>(&metric)) {
        out += name + labels + ' ' + std::to_string((*g)->value()) + '\n';
      } else {
        const Histogram& h = *std::get<std::unique_ptr<Histogram>>(metric);
        // Read the buckets first and derive the count from them, so that a concurrent observe()
        // never renders a +Inf bucket that disagrees with _count.
        uint64_t cumulative = 0;
        for (size_t i = 0; i <= h.bounds().size(); ++i) {
          cumulative += h.bucket(i);
          std::string le;
          if (i < h.bounds().size()) {
            append_double(le, h.bounds()[i]);
          } else {
            le = "+Inf";
          }
          out += name + "_bucket" + with_le(labels, le) + ' ' + std::to_string(cumulative) + '\n';
        }
        out += name + "_sum" + labels + ' ';
        append_double(out, h.sum());
        out += '\n';
        out += name + "_count" + labels + ' ' + std::to_string(cumulative) + '\n';
      }
    }
  }
  return out;
}

}  // namespace astra::host
