#pragma once

// STANAG 4607 data types and field descriptions.
//
// Every field of every segment biac reads is described once, in a FieldSpec of a named layout
// table (segments.h): its AEDP-7 field number, its JSON name (with the unit), its data type,
// its place in a fixed layout and the decimal factor between the wire unit and the JSON unit.
// Decoders, encoders and the JSON writer all work from those tables.
//
// Data types, as defined in AEDP-7 (NATO Ground Moving Target Indicator Format (GMTIF),
// STANAG 4607 implementation guide, edition 3), chapter 2, "data types":
//   A<n>  n ASCII characters, space padded;
//   I8, I16, I32      unsigned integers; E8 an enumeration and FL8/FL16 flags, both unsigned;
//   S8, S16, S32      two's-complement signed integers;
//   BA16, BA32        binary angles, unsigned: 0 to 360 deg, LSB = 360 / 2^n deg;
//   SA16, SA32        signed binary angles, two's complement: -90 to +90 deg, LSB = 180 / 2^n;
//   B16               binary decimal, sign and magnitude: bit 15 the sign, bits 14-7 the
//                     integer part and bits 6-0 the fraction (LSB = 1/128).
// The binary-angle scalings agree with s4607 (stanag_types.erl: BA16 X*1.40625/256, SA16
// X*1.40625/512, SA32 X*1.40625/2^25) and KWIVER (stanag_4607_dwell_segment.cxx: pitch and roll
// in [-90, 90]); Wireshark's packet-stanag4607.c prints SA16 with twice that LSB, which would
// put a pitch outside [-90, 90], so biac follows the other two.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace biac::formats::gmti {

enum class WireType : uint8_t {
  kText,  // A<n>
  kI8,    // also E8 and FL8
  kI16,   // also FL16
  kI32,
  kS8,
  kS16,
  kS32,
  kBa16,
  kBa32,
  kSa16,
  kSa32,
  kB16,
};

struct WireTypeInfo {
  uint8_t size;    // bytes (0 for text: the field gives its own length)
  bool is_signed;  // two's complement (B16 is sign and magnitude: false here)
  double lsb;      // value of one count in the type's unit (degrees for angles)
};

inline constexpr double kTwoTo16 = 65536.0;
inline constexpr double kTwoTo32 = 4294967296.0;
inline constexpr double kB16Lsb = 1.0 / 128.0;  // 7 fraction bits
inline constexpr uint16_t kB16SignBit = 0x8000;
inline constexpr uint16_t kB16Magnitude = 0x7fff;

constexpr WireTypeInfo Info(WireType type) {
  switch (type) {
    case WireType::kText:
      return {0, false, 1.0};
    case WireType::kI8:
      return {1, false, 1.0};
    case WireType::kI16:
      return {2, false, 1.0};
    case WireType::kI32:
      return {4, false, 1.0};
    case WireType::kS8:
      return {1, true, 1.0};
    case WireType::kS16:
      return {2, true, 1.0};
    case WireType::kS32:
      return {4, true, 1.0};
    case WireType::kBa16:
      return {2, false, 360.0 / kTwoTo16};
    case WireType::kBa32:
      return {4, false, 360.0 / kTwoTo32};
    case WireType::kSa16:
      return {2, true, 180.0 / kTwoTo16};
    case WireType::kSa32:
      return {4, true, 180.0 / kTwoTo32};
    case WireType::kB16:
      return {2, false, kB16Lsb};
  }
  return {0, false, 1.0};
}

// One field of a layout table.
struct FieldSpec {
  std::string_view id;    // AEDP-7 field number: "P2", "M3", "D7", "D32.12", "J21", "L4"
  std::string_view name;  // JSON key, ending with the unit where there is one
  WireType type;
  uint8_t offset;  // byte offset inside a fixed layout (0 in the dwell tables)
  uint8_t size;    // bytes on the wire (text: its length)
  // JSON value = type value / divisor: 100 for centimetres to metres, 2 for half-dB steps, 1
  // when the JSON unit is the wire unit. A divisor, not a factor, so that decimal units print
  // exactly (12345 / 100.0 is 123.45; 12345 * 0.01 is not).
  double divisor = 1.0;

  constexpr bool is_text() const { return type == WireType::kText; }
  // True when the JSON value is the raw integer (no scaling at all).
  constexpr bool is_integer() const {
    return !is_text() && Info(type).lsb == 1.0 && divisor == 1.0;
  }
};

// The field's value in its JSON unit.
inline double ScaledValue(const FieldSpec& field, int64_t raw) {
  if (field.type == WireType::kB16) {
    const double magnitude = static_cast<double>(raw & kB16Magnitude) * kB16Lsb / field.divisor;
    return (raw & kB16SignBit) != 0 ? -magnitude : magnitude;
  }
  return static_cast<double>(raw) * Info(field.type).lsb / field.divisor;
}

// The raw wire value nearest to `value` (in the field's JSON unit). Binary angles wrap (BA:
// modulo 360 deg; SA: as two's complement); integers and B16 saturate at their range.
int64_t QuantizeValue(const FieldSpec& field, double value);

// Raw values as they are kept in decoded structures: unsigned types as their value, signed
// types sign-extended, B16 as its 16-bit wire pattern (sign and magnitude, so that a negative
// zero, 8000, survives a round trip; ScaledValue interprets it). The caller
// gives Info(type).size bytes. Inline: it is the inner loop of dwell decoding.
inline int64_t ReadRaw(std::span<const uint8_t> bytes, WireType type) {
  const WireTypeInfo info = Info(type);
  uint64_t u = 0;
  for (size_t i = 0; i < info.size; ++i) u = (u << 8) | bytes[i];
  if (info.is_signed) {
    const unsigned bits = 8u * info.size;
    const uint64_t sign = uint64_t{1} << (bits - 1);
    return static_cast<int64_t>((u ^ sign) - sign);
  }
  return static_cast<int64_t>(u);
}
// Writes the raw value in the type's wire form; the caller gives Info(type).size bytes.
void WriteRaw(std::span<uint8_t> bytes, WireType type, int64_t raw);

// The range of raw values a type holds (for encoders and random tests).
int64_t MinRaw(WireType type);
int64_t MaxRaw(WireType type);

// A text field without its padding (trailing spaces and NULs).
std::string_view TrimText(std::string_view text);

// A segment of fixed layout kept as its own payload bytes; fields are read and written through
// its layout table, so decode(encode(x)) == x holds byte for byte.
template <size_t Size>
struct FixedRecord {
  static constexpr size_t kSize = Size;
  std::array<uint8_t, Size> bytes{};

  int64_t Raw(const FieldSpec& f) const {
    return ReadRaw(std::span<const uint8_t>(bytes).subspan(f.offset, f.size), f.type);
  }
  double Value(const FieldSpec& f) const { return ScaledValue(f, Raw(f)); }
  // The text without its padding; a view into `bytes`.
  std::string_view Text(const FieldSpec& f) const {
    return TrimText(
        std::string_view(reinterpret_cast<const char*>(bytes.data()) + f.offset, f.size));
  }
  void SetRaw(const FieldSpec& f, int64_t raw) {
    WriteRaw(std::span<uint8_t>(bytes).subspan(f.offset, f.size), f.type, raw);
  }
  void SetValue(const FieldSpec& f, double value) { SetRaw(f, QuantizeValue(f, value)); }
  // Copies up to f.size characters and pads with spaces (AEDP-7: A<n> fields are space filled).
  void SetText(const FieldSpec& f, std::string_view text) {
    for (size_t i = 0; i < f.size; ++i) {
      bytes[f.offset + i] = i < text.size() ? static_cast<uint8_t>(text[i]) : uint8_t{' '};
    }
  }
  friend bool operator==(const FixedRecord&, const FixedRecord&) = default;
};

}  // namespace biac::formats::gmti
