#include "biac/formats/cot/iso8601.h"

#include <gtest/gtest.h>

namespace biac::formats::cot {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

TEST(Iso8601, ParsesCotTimes) {
  // takproto's time vector: 2020-02-08T18:10:44.000000Z = 1581185444000 ms.
  EXPECT_EQ(ParseIso8601("2020-02-08T18:10:44.000000Z")->nanos(), 1581185444 * kSecond);
  EXPECT_EQ(ParseIso8601("1970-01-01T00:00:00Z")->nanos(), 0);
  EXPECT_EQ(ParseIso8601("2005-04-05T11:43:38.07Z")->nanos(), 1112701418 * kSecond + 70'000'000);
  // Leap day, and an offset: 09:00+09:00 is 00:00Z.
  EXPECT_EQ(ParseIso8601("2024-02-29T09:00:00+09:00")->nanos(), 1709164800 * kSecond);
  EXPECT_EQ(ParseIso8601("2024-02-29T00:00:00.123456789Z")->nanos(),
            1709164800 * kSecond + 123456789);
  // Digits beyond nanoseconds are truncated.
  EXPECT_EQ(ParseIso8601("2024-02-29T00:00:00.1234567891Z")->nanos(),
            1709164800 * kSecond + 123456789);
}

TEST(Iso8601, RejectsWithAReason) {
  EXPECT_EQ(ParseIso8601("2023-02-29T00:00:00Z").error().message(),
            "'2023-02-29T00:00:00Z' is not an ISO 8601 date-time: day out of range for the month");
  EXPECT_FALSE(ParseIso8601("2024-13-01T00:00:00Z").ok());
  EXPECT_FALSE(ParseIso8601("2024-01-01 00:00:00Z").ok());
  EXPECT_FALSE(ParseIso8601("2024-01-01T24:00:00Z").ok());
  EXPECT_FALSE(ParseIso8601("2024-01-01T00:00:60Z").ok());
  EXPECT_FALSE(ParseIso8601("2024-01-01T00:00:00").ok());
  EXPECT_FALSE(ParseIso8601("2024-01-01T00:00:00.Z").ok());
  EXPECT_FALSE(ParseIso8601("2024-01-01T00:00:00Zjunk").ok());
  EXPECT_FALSE(ParseIso8601("1850-01-01T00:00:00Z").ok());
  EXPECT_FALSE(ParseIso8601("").ok());
}

TEST(Iso8601, FormatsShortestExactFraction) {
  EXPECT_EQ(FormatIso8601(Timestamp::FromNanos(1581185444 * kSecond)), "2020-02-08T18:10:44Z");
  EXPECT_EQ(FormatIso8601(Timestamp::FromNanos(1581185444 * kSecond + 47'000'000)),
            "2020-02-08T18:10:44.047Z");
  EXPECT_EQ(FormatIso8601(Timestamp::FromNanos(1581185444 * kSecond + 47'000)),
            "2020-02-08T18:10:44.000047Z");
  EXPECT_EQ(FormatIso8601(Timestamp::FromNanos(1581185444 * kSecond + 7)),
            "2020-02-08T18:10:44.000000007Z");
  for (int64_t t = 0; t < 4'000'000'000LL * kSecond; t += 9'876'543'210'123'457LL) {
    EXPECT_EQ(ParseIso8601(FormatIso8601(Timestamp::FromNanos(t)))->nanos(), t);
  }
}

}  // namespace
}  // namespace biac::formats::cot
