#include "biac/formats/common/hex.h"

#include <fmt/format.h>

namespace biac::formats {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<size_t> ParseHex(std::string_view hex, std::span<uint8_t> out) {
  if (hex.size() % 2 != 0) {
    return InvalidArgument(fmt::format("odd number of hex digits ({})", hex.size()));
  }
  if (hex.size() / 2 > out.size()) {
    return InvalidArgument(
        fmt::format("{} bytes of hex exceed the {}-byte limit", hex.size() / 2, out.size()));
  }
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexValue(hex[i]);
    const int lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      const size_t bad = hi < 0 ? i : i + 1;
      return InvalidArgument(fmt::format("character {} ('{}') is not a hex digit", bad + 1,
                                         hex[bad]));
    }
    out[i / 2] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return hex.size() / 2;
}

Result<std::vector<uint8_t>> ParseHex(std::string_view hex) {
  std::vector<uint8_t> bytes(hex.size() / 2);
  BIAC_ASSIGN_OR_RETURN(size_t n, ParseHex(hex, bytes));
  bytes.resize(n);
  return bytes;
}

std::string ToHex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(bytes.size() * 2, '0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    s[2 * i] = kDigits[bytes[i] >> 4];
    s[2 * i + 1] = kDigits[bytes[i] & 15];
  }
  return s;
}

}  // namespace biac::formats
