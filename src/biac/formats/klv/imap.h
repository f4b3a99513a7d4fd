#pragma once

// MISB ST 1201 (Floating Point to Integer Mapping, IMAP), starting point B (IMAPB): a value
// in [a, b] is carried as an L-byte unsigned integer (L = 1..8).
//
// ST 1201.5 section 6 (forward and reverse mapping):
//   bPow = ceil(log2(b - a)), dPow = 8 L - 1
//   sF = 2^(dPow - bPow), sR = 2^(bPow - dPow)
//   zOffset = sF a - floor(sF a) when a < 0 < b, else 0
//   forward: y = floor(sF (x - a) + zOffset);  reverse: x = sR (y - zOffset) + a
// Section 7 (special values): an integer whose most significant bit is set is not a mapped
// value (except 0x80 00 .. 00, the largest mapped value): the top bits name its kind
// (table 2): 0b11001 +infinity, 0b11101 -infinity, 0b11010 +quiet NaN, 0b11110 -quiet NaN,
// 0b11011 +signalling NaN, 0b11111 -signalling NaN, 0b11000 user defined, 0b11100 MISB
// defined, 0b10 reserved.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace biac::formats::klv {

inline constexpr size_t kImapMaxLength = 8;

enum class ImapKind : uint8_t {
  kNormal = 0,
  kPositiveInfinity,
  kNegativeInfinity,
  kPositiveQuietNan,
  kNegativeQuietNan,
  kPositiveSignalNan,
  kNegativeSignalNan,
  kUserDefined,
  kMisbDefined,
  kReserved,
};

std::string_view ImapKindName(ImapKind kind);

// The constants of one IMAPB mapping.
struct ImapB {
  double a = 0.0;
  double b = 0.0;
  uint8_t length = 0;  // bytes, 1..8
  double sf = 0.0;
  double sr = 0.0;
  double z_offset = 0.0;

  // Requires a < b and 1 <= length <= 8 (checked by the caller: the tag tables are static).
  static ImapB Make(double a, double b, size_t length);
};

struct ImapValue {
  ImapKind kind = ImapKind::kNormal;
  double value = 0.0;       // the mapped value (kNormal) or +-inf / NaN
  uint64_t identifier = 0;  // the special value's identifier bits (other kinds)
};

// Reverse mapping of the big-endian unsigned integer `raw` of map.length bytes.
ImapValue ImapDecode(const ImapB& map, uint64_t raw);
// Reverse mapping of map.length bytes.
ImapValue ImapDecode(const ImapB& map, std::span<const uint8_t> bytes);

// Forward mapping: the integer for x. +-infinity and NaN give their special values
// (+quiet NaN for any NaN); x outside [a, b] gives the MISB-defined below-minimum (0xE0...)
// or above-maximum (0xE1...) codes of ST 1201 section 7.3.
uint64_t ImapEncode(const ImapB& map, double x);

// The integer of a special value of kind `kind` (not kNormal) with `identifier` in its low
// bits (ST 1201.5 section 7; ignored for the infinities).
uint64_t ImapEncodeSpecial(const ImapB& map, ImapKind kind, uint64_t identifier = 0);

}  // namespace biac::formats::klv
