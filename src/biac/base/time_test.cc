#include "biac/base/time.h"

#include <gtest/gtest.h>

#include "biac/base/clock.h"

namespace biac {
namespace {

TEST(TimeTest, ArithmeticAndConversion) {
  const Timestamp t0 = Timestamp::FromSeconds(1.5);
  EXPECT_EQ(t0.nanos(), 1'500'000'000);
  const Timestamp t1 = t0 + FromSeconds(0.25);
  EXPECT_DOUBLE_EQ(ToSeconds(t1 - t0), 0.25);
  EXPECT_LT(t0, t1);
}

TEST(TimeTest, Iso8601) {
  EXPECT_EQ(Timestamp::FromSeconds(0).ToIso8601(), "1970-01-01T00:00:00.000000000Z");
  // 2024-06-01T12:34:56.5Z
  EXPECT_EQ(Timestamp::FromNanos(1717245296'500000000).ToIso8601(),
            "2024-06-01T12:34:56.500000000Z");
  EXPECT_EQ(Timestamp::FromNanos(-1).ToIso8601(), "1969-12-31T23:59:59.999999999Z");
}

TEST(ClockTest, ManualClockMovesOnlyWhenTold) {
  ManualClock clock(Timestamp::FromSeconds(10));
  EXPECT_EQ(clock.Now(), Timestamp::FromSeconds(10));
  clock.Advance(FromSeconds(2));
  EXPECT_EQ(clock.Now(), Timestamp::FromSeconds(12));
  EXPECT_GT(SystemClock::Instance().Now(), Timestamp::FromSeconds(1.6e9));
}

}  // namespace
}  // namespace biac
