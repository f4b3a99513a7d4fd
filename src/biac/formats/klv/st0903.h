#pragma once

// MISB ST 0903.6 Video Moving Target Indicator (VMTI) Local Set, as nested in ST 0601.17
// tag 74: the header items (section 7.1, tags 1..13) and the VTarget Series (tag 101) of
// VTarget Packs (section 7.2: a BER-OID target ID, then the VTarget local set). Of each
// VTarget, biac decodes the scalar items (centroid and bounding-box pixels, priority,
// confidence, history, colour, intensity, the location offsets and height, centroid row and
// column, algorithm ID, detection status) and the Location Pack (tag 17: latitude, longitude,
// height, optional sigma and rho packs). The Algorithm (102) and Ontology (103) series and the
// VTarget's nested sets (VMask, VObject, VFeature, VTracker, VChip: tags 101..107) and its
// geospatial contour series (18) are kept as raw hex.
//
// Layouts and scalings: ST 0903.6 tables 1, 5 and the Location Pack (section 8.2.1); checked
// against KWIVER arrows/klv/klv_0903*.cxx. Nothing here allocates: a VmtiLocalSet and a
// VTarget hold views of the caller's bytes, one slot per known tag.

#include <nlohmann/json.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "biac/formats/klv/pack.h"

namespace biac::formats::klv {

// How a VMTI item's value maps to a value.
enum class VmtiValueKind : uint8_t {
  kUnsigned,      // big-endian unsigned integer
  kTimestamp,     // uint64 MISP microseconds since 1970
  kString,        // UTF-8 text
  kImap,          // ST 1201 IMAPB(min, max, length)
  kMiis,          // ST 1204 MIIS Core Identifier (st0601_packs.h)
  kLocation,      // ST 0903 Location Pack
  kFpaIndex,      // two uint8: focal plane array row, column
  kTargetSeries,  // ST 0903 VTarget Series (tag 101 of the VMTI set)
  kBytes,         // kept as raw hex
};

struct VmtiTagInfo {
  uint8_t tag = 0;
  std::string_view name;       // the ST 0903.6 item name
  std::string_view json_name;  // the key in biac's JSON
  VmtiValueKind kind = VmtiValueKind::kBytes;
  uint8_t min_length = 0;  // allowed value lengths in bytes (a zero length is always allowed:
  uint8_t max_length = 0;  // ST 0903 writers send empty items); max 0: unbounded
  double min = 0.0;        // kImap range
  double max = 0.0;
};

struct VmtiValue {
  bool present = false;
  bool bad_length = false;
  std::span<const uint8_t> bytes;
};

// The slots of a local set described by a table of VmtiTagInfo rows.
template <size_t N>
struct VmtiSlots {
  std::array<VmtiValue, N> values{};
  size_t unknown_items = 0;
};

inline constexpr size_t kVmtiHeaderTags = 16;  // tags 1..13 and 101..103
inline constexpr size_t kVTargetTags = 30;     // tags 1..23 and 101..107

std::span<const VmtiTagInfo> VmtiHeaderTags();
std::span<const VmtiTagInfo> VTargetTags();

// ST 0903.6 Location Pack: latitude IMAPB(-90, 90, 4), longitude IMAPB(-180, 180, 4), height
// above the ellipsoid IMAPB(-900, 19000, 2); optionally a sigma pack (east, north, up
// IMAPB(0, 650, 2) metres) and then a rho pack (the three correlations IMAPB(-1, 1, 2)).
struct VmtiLocation {
  MappedValue latitude, longitude, height;
  bool has_sigma = false, has_rho = false;
  std::array<MappedValue, 3> sigma;  // east, north, up
  std::array<MappedValue, 3> rho;    // east-north, east-up, north-up
};
PackResult DecodeVmtiLocation(std::span<const uint8_t> value, VmtiLocation& out);

struct VmtiLocalSet {
  VmtiSlots<kVmtiHeaderTags> slots;

  const VmtiValue* Find(uint8_t tag) const;
  std::optional<uint64_t> Unsigned(uint8_t tag) const;
  std::string_view Text(uint8_t tag) const;
  std::optional<MappedValue> Imap(uint8_t tag) const;
  std::span<const uint8_t> TargetSeries() const;  // tag 101's value (empty if absent)
};

struct VTarget {
  uint64_t id = 0;
  VmtiSlots<kVTargetTags> slots;

  const VmtiValue* Find(uint8_t tag) const;
  std::optional<uint64_t> Unsigned(uint8_t tag) const;
  std::optional<MappedValue> Imap(uint8_t tag) const;
  // Tag 17 decoded; false if absent, empty or malformed.
  bool Location(VmtiLocation& out) const;
};

namespace vmti_tag {
inline constexpr uint8_t kPrecisionTimeStamp = 2;
inline constexpr uint8_t kSystemName = 3;
inline constexpr uint8_t kVersion = 4;
inline constexpr uint8_t kTargetsDetected = 5;
inline constexpr uint8_t kTargetsReported = 6;
inline constexpr uint8_t kFrameWidth = 8;
inline constexpr uint8_t kFrameHeight = 9;
inline constexpr uint8_t kHorizontalFov = 11;
inline constexpr uint8_t kTargetSeries = 101;
}  // namespace vmti_tag

namespace vtarget_tag {
inline constexpr uint8_t kCentroid = 1;
inline constexpr uint8_t kConfidence = 5;
inline constexpr uint8_t kLocationOffsetLatitude = 10;
inline constexpr uint8_t kLocationOffsetLongitude = 11;
inline constexpr uint8_t kLocationHeight = 12;
inline constexpr uint8_t kLocation = 17;
inline constexpr uint8_t kCentroidRow = 19;
inline constexpr uint8_t kCentroidColumn = 20;
}  // namespace vtarget_tag

PackResult DecodeVmtiLocalSet(std::span<const uint8_t> value, VmtiLocalSet& out);

// Reads the VTarget packs of a VTarget Series one by one.
class VTargetCursor {
 public:
  explicit VTargetCursor(std::span<const uint8_t> series) : reader_(series) {}
  // The next target; false at the end or on an error (see result()).
  bool Next(VTarget& out);
  PackResult result() const { return result_.ok() ? reader_.result() : result_; }

 private:
  PackReader reader_;
  PackResult result_;
};

// The JSON of a VMTI local set (used by the ST 0601 JSON writer for tag 74).
nlohmann::json VmtiToJson(std::span<const uint8_t> value);
// The JSON of an ST 0903 Location Pack (a VTarget's tag 17).
nlohmann::json VmtiLocationToJson(std::span<const uint8_t> value);

}  // namespace biac::formats::klv
