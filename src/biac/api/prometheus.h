#pragma once

// Prometheus text exposition (format 0.0.4, https://prometheus.io/docs/instrumenting/exposition_formats/)
// for the node's /metrics: a writer for counters and gauges read at scrape time from the
// parts' own statistics, and a lock-free latency histogram.

#include <array>
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace biac::api {

using MetricLabels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// A histogram with fixed upper bounds in seconds (Prometheus' `le`), safe to observe from
// any thread.
class LatencyHistogram {
 public:
  static constexpr std::array<double, 14> kBounds = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1,
                                                     0.2,   0.5,   1.0,   2.0,  5.0,  10.0, 30.0};
  // Observations gathered by one thread, added to a histogram at once (and possibly to
  // several, or several times: the same track updates sent to several stream clients).
  struct Batch {
    std::array<uint64_t, kBounds.size() + 1> buckets{};
    uint64_t count = 0;
    uint64_t sum_micros = 0;
    void Observe(double seconds);
  };
  void Observe(double seconds);
  void Add(const Batch& batch);
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  // The smallest bucket bound below which at least `q` of the observations fall (an upper
  // bound of the quantile, as Prometheus' histogram_quantile would bracket it); +inf when
  // it lies above the last bound, 0 when empty.
  double QuantileUpperBound(double q) const;

 private:
  friend class MetricsWriter;
  std::array<std::atomic<uint64_t>, kBounds.size() + 1> buckets_{};  // last: above every bound
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micros_{0};
};

class MetricsWriter {
 public:
  // Writes `# HELP` and `# TYPE` once per metric name, before its first sample.
  void Counter(std::string_view name, std::string_view help, double value, MetricLabels labels = {});
  void Gauge(std::string_view name, std::string_view help, double value, MetricLabels labels = {});
  void Histogram(std::string_view name, std::string_view help, const LatencyHistogram& histogram,
                 MetricLabels labels = {});
  const std::string& text() const { return text_; }

 private:
  void Header(std::string_view name, std::string_view help, std::string_view type);
  void Sample(std::string_view name, std::string_view suffix, MetricLabels labels,
              std::string_view extra_name, std::string_view extra_value, double value);
  std::string text_;
  std::string last_name_;
};

}  // namespace biac::api
