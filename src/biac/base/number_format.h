#pragma once

// Numbers for machine-readable output: the shortest decimal string that reads back to the
// same double (std::to_chars), so CSV and JSON round-trip exactly.

#include <string>
#include <string_view>

namespace biac {

std::string FormatShortest(double value);
// Appends FormatShortest(value) to out without a temporary string.
void AppendShortest(std::string& out, double value);

}  // namespace biac
