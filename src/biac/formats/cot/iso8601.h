#pragma once

// CoT time attributes: XML Schema dateTime (ISO 8601 extended format), as required for
// event/@time, @start and @stale by the CoT Event schema 2.0 (Event-PUBLIC.xsd).

#include <string>
#include <string_view>

#include "biac/base/status.h"
#include "biac/base/time.h"

namespace biac::formats::cot {

// Parses "YYYY-MM-DDThh:mm:ss[.f{1,}](Z|+hh:mm|-hh:mm)". Fractions beyond nanoseconds are
// truncated. Years 1900..2199. The error names what is wrong ("month 13", "no time zone").
Result<Timestamp> ParseIso8601(std::string_view text);

// "YYYY-MM-DDThh:mm:ss[.fff|.ffffff|.fffffffff]Z": the shortest of those fraction lengths
// that holds the value exactly, so ParseIso8601(FormatIso8601(t)) == t.
void AppendIso8601(Timestamp time, std::string& out);
std::string FormatIso8601(Timestamp time);

}  // namespace biac::formats::cot
