#include "biac/api/prometheus.h"

#include <fmt/format.h>

#include <cmath>

namespace biac::api {

namespace {

size_t BucketOf(double seconds) {
  size_t i = 0;
  while (i < LatencyHistogram::kBounds.size() && seconds > LatencyHistogram::kBounds[i]) ++i;
  return i;
}

uint64_t MicrosOf(double seconds) {
  return static_cast<uint64_t>(std::llround(std::max(0.0, seconds) * 1e6));
}

}  // namespace

void LatencyHistogram::Observe(double seconds) {
  buckets_[BucketOf(seconds)].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(MicrosOf(seconds), std::memory_order_relaxed);
}

void LatencyHistogram::Batch::Observe(double seconds) {
  ++buckets[BucketOf(seconds)];
  ++count;
  sum_micros += MicrosOf(seconds);
}

void LatencyHistogram::Add(const Batch& batch) {
  if (batch.count == 0) return;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    if (batch.buckets[i] != 0) buckets_[i].fetch_add(batch.buckets[i], std::memory_order_relaxed);
  }
  count_.fetch_add(batch.count, std::memory_order_relaxed);
  sum_micros_.fetch_add(batch.sum_micros, std::memory_order_relaxed);
}

double LatencyHistogram::QuantileUpperBound(double q) const {
  const uint64_t total = count();
  if (total == 0) return 0.0;
  const double wanted = q * static_cast<double>(total);
  uint64_t seen = 0;
  for (size_t i = 0; i < kBounds.size(); ++i) {
    seen += buckets_[i].load(std::memory_order_relaxed);
    if (static_cast<double>(seen) >= wanted) return kBounds[i];
  }
  return INFINITY;
}

namespace {

// Label values escape backslash, double quote and line feed (exposition format).
void AppendEscaped(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

std::string FormatValue(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  return fmt::format("{}", value);
}

}  // namespace

void MetricsWriter::Header(std::string_view name, std::string_view help, std::string_view type) {
  if (last_name_ == name) return;
  last_name_ = std::string(name);
  text_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void MetricsWriter::Sample(std::string_view name, std::string_view suffix, MetricLabels labels,
                           std::string_view extra_name, std::string_view extra_value,
                           double value) {
  text_ += name;
  text_ += suffix;
  if (labels.size() != 0 || !extra_name.empty()) {
    text_ += '{';
    bool first = true;
    for (const auto& [key, label_value] : labels) {
      if (!first) text_ += ',';
      first = false;
      text_ += key;
      text_ += "=\"";
      AppendEscaped(text_, label_value);
      text_ += '"';
    }
    if (!extra_name.empty()) {
      if (!first) text_ += ',';
      text_ += extra_name;
      text_ += "=\"";
      text_ += extra_value;
      text_ += '"';
    }
    text_ += '}';
  }
  text_ += ' ';
  text_ += FormatValue(value);
  text_ += '\n';
}

void MetricsWriter::Counter(std::string_view name, std::string_view help, double value,
                            MetricLabels labels) {
  Header(name, help, "counter");
  Sample(name, "", labels, "", "", value);
}

void MetricsWriter::Gauge(std::string_view name, std::string_view help, double value,
                          MetricLabels labels) {
  Header(name, help, "gauge");
  Sample(name, "", labels, "", "", value);
}

void MetricsWriter::Histogram(std::string_view name, std::string_view help,
                              const LatencyHistogram& histogram, MetricLabels labels) {
  Header(name, help, "histogram");
  uint64_t cumulative = 0;
  for (size_t i = 0; i < LatencyHistogram::kBounds.size(); ++i) {
    cumulative += histogram.buckets_[i].load(std::memory_order_relaxed);
    Sample(name, "_bucket", labels, "le", FormatValue(LatencyHistogram::kBounds[i]),
           static_cast<double>(cumulative));
  }
  cumulative += histogram.buckets_.back().load(std::memory_order_relaxed);
  Sample(name, "_bucket", labels, "le", "+Inf", static_cast<double>(cumulative));
  Sample(name, "_sum", labels, "", "",
         static_cast<double>(histogram.sum_micros_.load(std::memory_order_relaxed)) / 1e6);
  Sample(name, "_count", labels, "", "", static_cast<double>(cumulative));
}

}  // namespace biac::api
