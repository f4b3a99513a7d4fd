#include "biac/base/number_format.h"

#include <array>
#include <charconv>

namespace biac {

void AppendShortest(std::string& out, double value) {
  std::array<char, 32> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), ec == std::errc() ? end : buffer.data());
}

std::string FormatShortest(double value) {
  std::string out;
  AppendShortest(out, value);
  return out;
}

}  // namespace biac
