#pragma once

// The wall clock, injectable: production code asks a Clock, tests hand in a ManualClock.

#include <atomic>

#include "biac/base/time.h"

namespace biac {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

// The system's real-time clock (UTC).
class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
  // A process-wide instance; the clock has no state.
  static const SystemClock& Instance();
};

// A clock that moves only when told to; safe to read from several threads.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start = Timestamp()) : nanos_(start.nanos()) {}
  Timestamp Now() const override { return Timestamp::FromNanos(nanos_.load()); }
  void Set(Timestamp t) { nanos_.store(t.nanos()); }
  void Advance(Duration d) { nanos_.fetch_add(d.count()); }

 private:
  std::atomic<int64_t> nanos_;
};

}  // namespace biac
