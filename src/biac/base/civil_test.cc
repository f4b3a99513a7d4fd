#include "biac/base/civil.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>

namespace biac {
namespace {

struct Known {
  int64_t year;
  unsigned month;
  unsigned day;
  int64_t days;  // from 1970-01-01, by Python's datetime.date subtraction
};

// Leap days of a 400-year (2000), a 100-year (2100 has none: 1 March follows 28 February) and a
// 4-year rule, the 2038 32-bit time_t limit, and dates before 1970.
constexpr Known kKnown[] = {
    {1970, 1, 1, 0},       {1969, 12, 31, -1},     {2000, 2, 29, 11016}, {2000, 3, 1, 11017},
    {2026, 11, 27, 20784}, {2024, 6, 1, 19875},    {2038, 1, 19, 24855}, {2100, 3, 1, 47541},
    {1900, 1, 1, -25567},  {1600, 2, 29, -135081}, {1, 1, 1, -719162},   {9999, 12, 31, 2932896},
};

TEST(CivilTest, KnownDates) {
  for (const Known& k : kKnown) {
    EXPECT_EQ(DaysFromCivil(k.year, k.month, k.day), k.days) << k.year << "-" << k.month;
    EXPECT_EQ(CivilFromDays(k.days), (CivilDay{k.year, k.month, k.day})) << k.days;
  }
  static_assert(DaysFromCivil(1970, 1, 1) == 0);
  static_assert(CivilFromDays(11017) == CivilDay{2000, 3, 1});
}

TEST(CivilTest, AgreesWithChronoAndRoundTrips) {
  // Every day from 1600 to 2400 against the standard library's calendar.
  using std::chrono::days;
  using std::chrono::sys_days;
  using std::chrono::year_month_day;
  const int64_t first = DaysFromCivil(1600, 1, 1);
  const int64_t last = DaysFromCivil(2400, 12, 31);
  for (int64_t n = first; n <= last; ++n) {
    const year_month_day ymd{sys_days{days{n}}};
    const CivilDay civil = CivilFromDays(n);
    ASSERT_EQ(civil.year, static_cast<int>(ymd.year())) << n;
    ASSERT_EQ(civil.month, static_cast<unsigned>(ymd.month())) << n;
    ASSERT_EQ(civil.day, static_cast<unsigned>(ymd.day())) << n;
    ASSERT_EQ(DaysFromCivil(civil.year, civil.month, civil.day), n);
  }
}

TEST(CivilTest, ADayPastTheMonthsEndCountsOn) {
  EXPECT_EQ(DaysFromCivil(2023, 2, 29), DaysFromCivil(2023, 3, 1));
  EXPECT_EQ(DaysFromCivil(2024, 4, 31), DaysFromCivil(2024, 5, 1));
}

}  // namespace
}  // namespace biac
