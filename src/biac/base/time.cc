#include "biac/base/time.h"

#include <fmt/format.h>

#include <cmath>
#include <ctime>

namespace biac {

Timestamp Timestamp::FromSeconds(double seconds) {
  return Timestamp(static_cast<int64_t>(std::llround(seconds * 1e9)));
}

Duration FromSeconds(double seconds) { return Duration(std::llround(seconds * 1e9)); }

std::string Timestamp::ToIso8601() const {
  constexpr int64_t kNanosPerSecond = 1'000'000'000;
  int64_t secs = nanos_ / kNanosPerSecond;
  int64_t frac = nanos_ % kNanosPerSecond;
  if (frac < 0) {
    frac += kNanosPerSecond;
    --secs;
  }
  const std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

}  // namespace biac
