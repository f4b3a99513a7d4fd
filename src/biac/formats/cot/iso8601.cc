#include "biac/formats/cot/iso8601.h"

#include <array>
#include <cstdint>

#include "biac/base/civil.h"

namespace biac::formats::cot {
namespace {

constexpr int kMinYear = 1900;
constexpr int kMaxYear = 2199;
constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kSecondsPerDay = 86'400;
constexpr int kMaxFractionDigits = 9;

constexpr bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr unsigned DaysInMonth(int64_t y, unsigned m) {
  constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` decimal digits at `pos`.
bool Digits(std::string_view s, size_t pos, size_t n, int& value) {
  if (pos + n > s.size()) return false;
  value = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    value = value * 10 + (s[i] - '0');
  }
  return true;
}

Status Bad(std::string_view text, std::string_view why) {
  return InvalidArgument("'" + std::string(text) +
                         "' is not an ISO 8601 date-time: " + std::string(why));
}

}  // namespace

Result<Timestamp> ParseIso8601(std::string_view s) {
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!Digits(s, 0, 4, year) || s.size() < 5 || s[4] != '-' || !Digits(s, 5, 2, month) ||
      s.size() < 8 || s[7] != '-' || !Digits(s, 8, 2, day)) {
    return Bad(s, "expected YYYY-MM-DD");
  }
  if (s.size() < 11 || (s[10] != 'T' && s[10] != 't')) return Bad(s, "expected 'T' after date");
  if (!Digits(s, 11, 2, hour) || s.size() < 14 || s[13] != ':' || !Digits(s, 14, 2, minute) ||
      s.size() < 17 || s[16] != ':' || !Digits(s, 17, 2, second)) {
    return Bad(s, "expected hh:mm:ss");
  }
  if (year < kMinYear || year > kMaxYear) return Bad(s, "year out of 1900..2199");
  if (month < 1 || month > 12) return Bad(s, "month out of 1..12");
  if (day < 1 || static_cast<unsigned>(day) > DaysInMonth(year, static_cast<unsigned>(month))) {
    return Bad(s, "day out of range for the month");
  }
  if (hour > 23) return Bad(s, "hour out of 0..23");
  if (minute > 59) return Bad(s, "minute out of 0..59");
  if (second > 59) return Bad(s, "second out of 0..59");
  size_t pos = 19;
  int64_t fraction_nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    const size_t first = pos;
    int64_t scale = kNanosPerSecond;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (pos - first < kMaxFractionDigits) {
        scale /= 10;
        fraction_nanos += (s[pos] - '0') * scale;
      }
      ++pos;
    }
    if (pos == first) return Bad(s, "no digits after '.'");
  }
  int64_t offset_seconds = 0;
  if (pos >= s.size()) return Bad(s, "no time zone (expected 'Z' or +hh:mm)");
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh = 0;
    int om = 0;
    if (!Digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, om) || oh > 23 || om > 59) {
      return Bad(s, "bad time zone offset");
    }
    offset_seconds = (oh * 60 + om) * 60 * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return Bad(s, "bad time zone designator");
  }
  if (pos != s.size()) return Bad(s, "trailing characters");
  const int64_t days =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const int64_t seconds =
      days * kSecondsPerDay + hour * 3600 + minute * 60 + second - offset_seconds;
  return Timestamp::FromNanos(seconds * kNanosPerSecond + fraction_nanos);
}

void AppendIso8601(Timestamp time, std::string& out) {
  const int64_t nanos = time.nanos();
  int64_t seconds = nanos / kNanosPerSecond;
  int64_t fraction = nanos % kNanosPerSecond;
  if (fraction < 0) {
    fraction += kNanosPerSecond;
    --seconds;
  }
  int64_t days = seconds / kSecondsPerDay;
  int64_t second_of_day = seconds % kSecondsPerDay;
  if (second_of_day < 0) {
    second_of_day += kSecondsPerDay;
    --days;
  }
  const CivilDay date = CivilFromDays(days);
  char buf[40];
  int n = 0;
  auto put = [&](int64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      buf[n + i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    n += width;
  };
  put(date.year, 4);
  buf[n++] = '-';
  put(date.month, 2);
  buf[n++] = '-';
  put(date.day, 2);
  buf[n++] = 'T';
  put(second_of_day / 3600, 2);
  buf[n++] = ':';
  put(second_of_day / 60 % 60, 2);
  buf[n++] = ':';
  put(second_of_day % 60, 2);
  if (fraction != 0) {
    buf[n++] = '.';
    if (fraction % 1'000'000 == 0) {
      put(fraction / 1'000'000, 3);
    } else if (fraction % 1'000 == 0) {
      put(fraction / 1'000, 6);
    } else {
      put(fraction, 9);
    }
  }
  buf[n++] = 'Z';
  out.append(buf, static_cast<size_t>(n));
}

std::string FormatIso8601(Timestamp time) {
  std::string out;
  AppendIso8601(time, out);
  return out;
}

}  // namespace biac::formats::cot
