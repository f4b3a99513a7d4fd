#pragma once

// MISB ST 0601.17 (UAS Datalink Local Set), section 8: every item, described once. The
// decoder, the JSON writer, the documentation table and the tests all read this table.

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "biac/formats/klv/imap.h"

namespace biac::formats::klv {

// How an item's value bytes map to a value.
enum class ItemKind : uint8_t {
  kUnknown = 0,     // a tag ST 0601.17 does not define: kept raw
  kChecksum,        // tag 1: uint16
  kTimestamp,       // uint64 microseconds since 1970-01-01T00:00:00 UTC (MISP time, ST 0603)
  kString,          // ISO 646 / UTF-8 text
  kUnsigned,        // unsigned integer, no scaling
  kSigned,          // two's-complement integer, no scaling
  kUnsignedMapped,  // unsigned integer of N bytes mapped linearly onto [min, max]
  kSignedMapped,    // signed integer of N bytes mapped symmetrically onto [min, max]
  kImap,            // ST 1201 IMAPB(min, max, length)
  kEnumeration,     // uint8 code of a list in the item's definition
  kLocalSet,        // a nested local set of another standard, kept as raw bytes
  kPack,            // a defined-length or variable-length pack, kept as raw bytes
  kDeprecated,      // an item ST 0601.17 has deprecated, kept as raw bytes
};

std::string_view ItemKindName(ItemKind kind);

struct TagInfo {
  uint16_t tag = 0;
  std::string_view name;       // the ST 0601.17 item name
  std::string_view json_name;  // the key in biac's JSON
  ItemKind kind = ItemKind::kUnknown;
  // Allowed value lengths in bytes; max_length 0 means unbounded.
  uint8_t min_length = 0;
  uint8_t max_length = 0;
  // Scaling range of mapped and IMAP kinds, in `units`.
  double min = 0.0;
  double max = 0.0;
  // kSignedMapped: the most negative integer (0x80, 0x8000, 0x80000000) is the "out of
  // range" indicator of ST 0601.17 and is not a value.
  bool error_indicator = false;
  // May appear more than once in a set (ST 0601.17 table 1 "multiples allowed").
  bool repeatable = false;
  std::string_view units;
  // kLocalSet / kPack / kEnumeration: the governing standard or code list.
  std::string_view note;
};

inline constexpr uint16_t kMaxTag0601 = 143;

// Tags the mapping to observations and the framing use by name.
namespace tag {
inline constexpr uint16_t kChecksum = 1;
inline constexpr uint16_t kPrecisionTimeStamp = 2;
inline constexpr uint16_t kMissionId = 3;
inline constexpr uint16_t kPlatformTailNumber = 4;
inline constexpr uint16_t kPlatformHeadingAngle = 5;
inline constexpr uint16_t kPlatformDesignation = 10;
inline constexpr uint16_t kImageSourceSensor = 11;
inline constexpr uint16_t kSensorLatitude = 13;
inline constexpr uint16_t kSensorLongitude = 14;
inline constexpr uint16_t kSensorTrueAltitude = 15;
inline constexpr uint16_t kSlantRange = 21;
inline constexpr uint16_t kFrameCenterLatitude = 23;
inline constexpr uint16_t kFrameCenterLongitude = 24;
inline constexpr uint16_t kFrameCenterElevation = 25;
inline constexpr uint16_t kOffsetCornerLatitude1 = 26;  // 26, 28, 30, 32 latitude; +1 longitude
inline constexpr uint16_t kSecurityLocalSet = 48;
inline constexpr uint16_t kPlatformCallSign = 59;
inline constexpr uint16_t kVersionNumber = 65;
inline constexpr uint16_t kVmtiLocalSet = 74;
inline constexpr uint16_t kSensorEllipsoidHeight = 75;
inline constexpr uint16_t kFrameCenterHae = 78;
inline constexpr uint16_t kSensorNorthVelocity = 79;
inline constexpr uint16_t kSensorEastVelocity = 80;
inline constexpr uint16_t kCornerLatitude1Full = 82;  // 82, 84, 86, 88 latitude; +1 longitude
inline constexpr uint16_t kSensorEllipsoidHeightExtended = 104;
}  // namespace tag

// The table entry of `tag`, or nullptr for a tag ST 0601.17 does not define.
const TagInfo* FindTag(uint32_t tag);
// Every defined tag, 1..kMaxTag0601, in order.
std::span<const TagInfo> AllTags();

}  // namespace biac::formats::klv
