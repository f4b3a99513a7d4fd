#include "biac/base/clock.h"

#include <chrono>

namespace biac {

Timestamp SystemClock::Now() const {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return Timestamp::FromNanos(
      std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count());
}

const SystemClock& SystemClock::Instance() {
  static const SystemClock clock;
  return clock;
}

}  // namespace biac
