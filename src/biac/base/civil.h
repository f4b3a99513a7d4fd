#pragma once

// Civil (proleptic Gregorian) dates and days since the Unix epoch, for the wire formats and
// routes that carry a calendar date as text or fields (SBS "2024/06/01", ISO 8601, CoT times,
// STANAG 4607 mission dates). H. Hinnant's algorithms, "chrono-Compatible Low-Level Date
// Algorithms" (days_from_civil, civil_from_days): exact for every date whose day count fits
// an int64_t, with no table and no time zone; the same results as C++20
// std::chrono::sys_days, usable in constexpr code and without <chrono>'s calendar types.

#include <cstdint>

namespace biac {

struct CivilDay {
  int64_t year = 1970;
  unsigned month = 1;  // 1-12
  unsigned day = 1;    // 1-31

  friend bool operator==(const CivilDay&, const CivilDay&) = default;
};

// Days from 1970-01-01 to the date (negative before it). The month must be 1-12 and the day
// 1-31; a day past the month's end counts on into the next month (2023-02-29 is 2023-03-01).
constexpr int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day) {
  constexpr int64_t kDaysPerEra = 146097;         // 400 Gregorian years
  constexpr int64_t kEpochShift = 719468;         // days from 0000-03-01 to 1970-01-01
  const int64_t y = year - (month <= 2 ? 1 : 0);  // years start on March 1st
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(y - era * 400);  // [0, 399]
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;  // [0, 146096]
  return era * kDaysPerEra + static_cast<int64_t>(day_of_era) - kEpochShift;
}

// The date of a day count from 1970-01-01; the inverse of DaysFromCivil.
constexpr CivilDay CivilFromDays(int64_t days) {
  constexpr int64_t kDaysPerEra = 146097;
  constexpr int64_t kEpochShift = 719468;
  const int64_t z = days + kEpochShift;
  const int64_t era = (z >= 0 ? z : z - (kDaysPerEra - 1)) / kDaysPerEra;
  const auto day_of_era = static_cast<unsigned>(z - era * kDaysPerEra);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned month_from_march = (5 * day_of_year + 2) / 153;  // [0, 11], 0 = March
  const unsigned day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
  const unsigned month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
  const int64_t year = static_cast<int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

}  // namespace biac
