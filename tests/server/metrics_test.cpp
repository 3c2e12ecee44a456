#include "metrics/metrics.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

namespace astra::host {
namespace {

TEST(Metrics, RendersCountersAndGaugesWithHelpTypeAndSortedLabels) {
  Metrics m;
  m.counter("astra_b_total", "B things.", {{"route", "/x"}, {"status", "200"}}).inc(3);
  // Same labels in another order: the same counter.
  m.counter("astra_b_total", "B things.", {{"status", "200"}, {"route", "/x"}}).inc();
  m.gauge("astra_a", "An \\ odd\nhelp.").set(-5);
  EXPECT_EQ(m.render(),
            "# HELP astra_a An \\\\ odd\\nhelp.\n"
            "# TYPE astra_a gauge\n"
            "astra_a -5\n"
            "# HELP astra_b_total B things.\n"
            "# TYPE astra_b_total counter\n"
            "astra_b_total{route=\"/x\",status=\"200\"} 4\n");
}

TEST(Metrics, EscapesLabelValues) {
  Metrics m;
  m.counter("c_total", "h", {{"v", "a\"b\\c\nd"}}).inc();
  EXPECT_NE(m.render().find("c_total{v=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos) << m.render();
}

TEST(Metrics, HistogramBucketsAreCumulativeWithSumAndCount) {
  Metrics m;
  Histogram& h = m.histogram("lat_seconds", "Latency.", {{"route", "/a"}}, {0.1, 0.5, 1});
  h.observe(0.05);
  h.observe(0.1);  // le is inclusive
  h.observe(0.7);
  h.observe(3);
  EXPECT_EQ(m.render(),
            "# HELP lat_seconds Latency.\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{route=\"/a\",le=\"0.1\"} 2\n"
            "lat_seconds_bucket{route=\"/a\",le=\"0.5\"} 2\n"
            "lat_seconds_bucket{route=\"/a\",le=\"1\"} 3\n"
            "lat_seconds_bucket{route=\"/a\",le=\"+Inf\"} 4\n"
            "lat_seconds_sum{route=\"/a\"} 3.85\n"
            "lat_seconds_count{route=\"/a\"} 4\n");
  EXPECT_EQ(h.count(), 4u);
  EXPECT_DOUBLE_EQ(h.sum(), 3.85);
}

TEST(Metrics, HistogramWithoutLabelsAndDefaultBounds) {
  Metrics m;
  m.histogram("h_seconds", "H.").observe(0.0002);
  const std::string text = m.render();
  EXPECT_NE(text.find("h_seconds_bucket{le=\"0.0001\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_seconds_bucket{le=\"0.00025\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_seconds_bucket{le=\"+Inf\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_seconds_count 1\n"), std::string::npos) << text;
}

TEST(Metrics, RejectsBadNamesAndTypeClashes) {
  Metrics m;
  EXPECT_THROW(m.counter("1bad", "h"), std::invalid_argument);
  EXPECT_THROW(m.counter("has space", "h"), std::invalid_argument);
  EXPECT_THROW(m.counter("ok_total", "h", {{"bad-label", "v"}}), std::invalid_argument);
  EXPECT_THROW(m.counter("ok_total", "h", {{"le", "v"}}), std::invalid_argument);
  m.counter("x_total", "h");
  EXPECT_THROW(m.gauge("x_total", "h"), std::invalid_argument);
}

TEST(Metrics, ConcurrentUpdatesAreCounted) {
  Metrics m;
  Counter& c = m.counter("n_total", "h");
  Histogram& h = m.histogram("d_seconds", "h");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.inc();
        h.observe(0.001);
        m.counter("n_total", "h");  // concurrent lookups
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(c.value(), 40000u);
  EXPECT_EQ(h.count(), 40000u);
  EXPECT_NEAR(h.sum(), 40.0, 1e-6);
}

}  // namespace
}  // namespace astra::host
