#pragma once

// Data time. Inside the pipeline time comes from the data (a measurement's own time), never
// from the wall clock; the wall clock enters only through a Clock (clock.h).
//
// Timestamp: nanoseconds since the Unix epoch (UTC, no leap seconds), 64-bit signed, which
// covers the years 1678 to 2262. Duration: a signed span in nanoseconds.

#include <chrono>
#include <cstdint>
#include <string>

namespace biac {

using Duration = std::chrono::nanoseconds;

class Timestamp {
 public:
  constexpr Timestamp() = default;
  static constexpr Timestamp FromNanos(int64_t nanos) { return Timestamp(nanos); }
  // Rounds to the nearest nanosecond.
  static Timestamp FromSeconds(double seconds);

  constexpr int64_t nanos() const { return nanos_; }
  constexpr double seconds() const { return static_cast<double>(nanos_) * 1e-9; }

  constexpr Timestamp operator+(Duration d) const { return Timestamp(nanos_ + d.count()); }
  constexpr Timestamp operator-(Duration d) const { return Timestamp(nanos_ - d.count()); }
  constexpr Duration operator-(Timestamp other) const { return Duration(nanos_ - other.nanos_); }
  constexpr auto operator<=>(const Timestamp&) const = default;

  // ISO 8601 UTC with nanoseconds, e.g. "2024-06-01T00:00:00.000000000Z".
  std::string ToIso8601() const;

 private:
  constexpr explicit Timestamp(int64_t nanos) : nanos_(nanos) {}
  int64_t nanos_ = 0;
};

// Seconds as a double, the unit of every filter's time step.
constexpr double ToSeconds(Duration d) { return static_cast<double>(d.count()) * 1e-9; }
Duration FromSeconds(double seconds);

}  // namespace biac
