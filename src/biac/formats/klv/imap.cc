#include "biac/formats/klv/imap.h"

#include <cmath>
#include <limits>

namespace biac::formats::klv {
namespace {

// ST 1201.5 section 7, table 2: the top five bits of the first byte of a special value.
constexpr uint8_t kHighBitsMask = 0xF8;
constexpr uint8_t kIdentifierMask = 0x07;
constexpr uint8_t kMappedFlag = 0x80;    // set: not a normally mapped value
constexpr uint8_t kReservedMask = 0xC0;  // 0b10xxxxxx: reserved kind
constexpr uint8_t kReservedBits = 0x80;
constexpr uint8_t kPositiveInfinity = 0xC8;   // 0b11001
constexpr uint8_t kNegativeInfinity = 0xE8;   // 0b11101
constexpr uint8_t kPositiveQuietNan = 0xD0;   // 0b11010
constexpr uint8_t kNegativeQuietNan = 0xF0;   // 0b11110
constexpr uint8_t kPositiveSignalNan = 0xD8;  // 0b11011
constexpr uint8_t kNegativeSignalNan = 0xF8;  // 0b11111
constexpr uint8_t kUserDefined = 0xC0;        // 0b11000
constexpr uint8_t kMisbDefined = 0xE0;        // 0b11100
// ST 1201.5 section 7.3: MISB-defined identifiers for values outside [a, b].
constexpr uint8_t kBelowMinimum = kMisbDefined | 0x00;
constexpr uint8_t kAboveMaximum = kMisbDefined | 0x01;

// Smallest k with 2^k >= r (r > 0): ceil(log2(r)) computed exactly (std::log2 of an exact
// power of two is exact, but the division jmisb uses is not; frexp avoids both questions).
int CeilLog2(double r) {
  int exponent = 0;
  const double mantissa = std::frexp(r, &exponent);  // r = mantissa * 2^exponent, [0.5, 1)
  return mantissa == 0.5 ? exponent - 1 : exponent;
}

uint64_t SpecialRaw(uint8_t high, size_t length) { return uint64_t{high} << (8 * (length - 1)); }

}  // namespace

std::string_view ImapKindName(ImapKind kind) {
  switch (kind) {
    case ImapKind::kNormal:
      return "normal";
    case ImapKind::kPositiveInfinity:
      return "+infinity";
    case ImapKind::kNegativeInfinity:
      return "-infinity";
    case ImapKind::kPositiveQuietNan:
      return "+quiet NaN";
    case ImapKind::kNegativeQuietNan:
      return "-quiet NaN";
    case ImapKind::kPositiveSignalNan:
      return "+signalling NaN";
    case ImapKind::kNegativeSignalNan:
      return "-signalling NaN";
    case ImapKind::kUserDefined:
      return "user defined";
    case ImapKind::kMisbDefined:
      return "MISB defined";
    case ImapKind::kReserved:
      return "reserved";
  }
  return "unknown";
}

ImapB ImapB::Make(double a, double b, size_t length) {
  ImapB map;
  map.a = a;
  map.b = b;
  map.length = static_cast<uint8_t>(length);
  const int b_pow = CeilLog2(b - a);
  const int d_pow = static_cast<int>(8 * length) - 1;
  map.sf = std::ldexp(1.0, d_pow - b_pow);
  map.sr = std::ldexp(1.0, b_pow - d_pow);
  if (a < 0.0 && b > 0.0) map.z_offset = map.sf * a - std::floor(map.sf * a);
  return map;
}

ImapValue ImapDecode(const ImapB& map, uint64_t raw) {
  const unsigned top_shift = 8u * (map.length - 1u);
  const auto high = static_cast<uint8_t>(raw >> top_shift);
  const uint64_t low_mask = top_shift == 0 ? 0 : (~uint64_t{0} >> (64 - top_shift));
  ImapValue out;
  const bool largest_mapped = high == kMappedFlag && (raw & low_mask) == 0;
  if ((high & kMappedFlag) == 0 || largest_mapped) {
    out.value = map.sr * (static_cast<double>(raw) - map.z_offset) + map.a;
    return out;
  }
  if ((high & kReservedMask) == kReservedBits) {
    out.kind = ImapKind::kReserved;
    out.identifier = raw & ~(uint64_t{kMappedFlag} << top_shift);
    out.value = std::numeric_limits<double>::quiet_NaN();
    return out;
  }
  out.identifier = raw & ~(uint64_t{kHighBitsMask} << top_shift);
  switch (high & kHighBitsMask) {
    case kPositiveInfinity:
      out.kind = ImapKind::kPositiveInfinity;
      out.value = std::numeric_limits<double>::infinity();
      return out;
    case kNegativeInfinity:
      out.kind = ImapKind::kNegativeInfinity;
      out.value = -std::numeric_limits<double>::infinity();
      return out;
    case kPositiveQuietNan:
      out.kind = ImapKind::kPositiveQuietNan;
      break;
    case kNegativeQuietNan:
      out.kind = ImapKind::kNegativeQuietNan;
      break;
    case kPositiveSignalNan:
      out.kind = ImapKind::kPositiveSignalNan;
      break;
    case kNegativeSignalNan:
      out.kind = ImapKind::kNegativeSignalNan;
      break;
    case kUserDefined:
      out.kind = ImapKind::kUserDefined;
      break;
    default:
      out.kind = ImapKind::kMisbDefined;
      break;
  }
  out.value = std::numeric_limits<double>::quiet_NaN();
  return out;
}

ImapValue ImapDecode(const ImapB& map, std::span<const uint8_t> bytes) {
  uint64_t raw = 0;
  for (size_t i = 0; i < map.length && i < bytes.size(); ++i) raw = (raw << 8) | bytes[i];
  return ImapDecode(map, raw);
}

uint64_t ImapEncode(const ImapB& map, double x) {
  if (std::isnan(x)) return SpecialRaw(kPositiveQuietNan, map.length);
  if (std::isinf(x)) {
    return SpecialRaw(x > 0 ? kPositiveInfinity : kNegativeInfinity, map.length);
  }
  if (x < map.a) return SpecialRaw(kBelowMinimum, map.length);
  if (x > map.b) return SpecialRaw(kAboveMaximum, map.length);
  // Within [a, b] the result is at most 2^(8 L - 1) (the 0x80 00 .. 00 largest value).
  const double d = std::floor(map.sf * (x - map.a) + map.z_offset);
  return static_cast<uint64_t>(d);
}

uint64_t ImapEncodeSpecial(const ImapB& map, ImapKind kind, uint64_t identifier) {
  const unsigned top_shift = 8u * (map.length - 1u);
  const uint64_t identifier_mask = (uint64_t{kIdentifierMask} << top_shift) |
                                   (top_shift == 0 ? 0 : (~uint64_t{0} >> (64 - top_shift)));
  uint8_t high = kMisbDefined;
  switch (kind) {
    case ImapKind::kNormal:
      return identifier & ~(uint64_t{kMappedFlag} << top_shift);
    case ImapKind::kPositiveInfinity:
      return SpecialRaw(kPositiveInfinity, map.length);
    case ImapKind::kNegativeInfinity:
      return SpecialRaw(kNegativeInfinity, map.length);
    case ImapKind::kReserved:
      return SpecialRaw(kReservedBits, map.length) |
             (identifier & ~(uint64_t{kReservedMask} << top_shift));
    case ImapKind::kPositiveQuietNan:
      high = kPositiveQuietNan;
      break;
    case ImapKind::kNegativeQuietNan:
      high = kNegativeQuietNan;
      break;
    case ImapKind::kPositiveSignalNan:
      high = kPositiveSignalNan;
      break;
    case ImapKind::kNegativeSignalNan:
      high = kNegativeSignalNan;
      break;
    case ImapKind::kUserDefined:
      high = kUserDefined;
      break;
    case ImapKind::kMisbDefined:
      high = kMisbDefined;
      break;
  }
  return SpecialRaw(high, map.length) | (identifier & identifier_mask);
}

}  // namespace biac::formats::klv
