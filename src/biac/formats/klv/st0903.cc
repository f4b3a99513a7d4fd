#include "biac/formats/klv/st0903.h"

#include <string>

#include "biac/base/bits.h"
#include "biac/formats/common/hex.h"
#include "biac/formats/klv/st0601_packs.h"

namespace biac::formats::klv {
namespace {

using K = VmtiValueKind;
using nlohmann::json;

constexpr uint8_t kImapMax = static_cast<uint8_t>(kImapMaxLength);

// MISB ST 0903.6 table 1 (VMTI Local Set): tag, name, JSON name, kind, value length range,
// IMAPB range.
constexpr std::array<VmtiTagInfo, kVmtiHeaderTags> kHeaderTags = {{
    {1, "Checksum", "checksum", K::kUnsigned, 2, 2, 0, 0},
    {2, "Precision Time Stamp", "precision_time_stamp", K::kTimestamp, 8, 8, 0, 0},
    {3, "VMTI System Name", "system_name", K::kString, 0, 0, 0, 0},
    {4, "VMTI LS Version Number", "version", K::kUnsigned, 1, 2, 0, 0},
    {5, "Total Number of Targets Detected", "targets_detected", K::kUnsigned, 1, 3, 0, 0},
    {6, "Number of Reported Targets", "targets_reported", K::kUnsigned, 1, 3, 0, 0},
    {7, "Motion Imagery Frame Number", "frame_number", K::kUnsigned, 1, 3, 0, 0},
    {8, "Frame Width", "frame_width", K::kUnsigned, 1, 3, 0, 0},
    {9, "Frame Height", "frame_height", K::kUnsigned, 1, 3, 0, 0},
    {10, "VMTI Source Sensor", "source_sensor", K::kString, 0, 0, 0, 0},
    {11, "VMTI Horizontal Field of View", "horizontal_fov", K::kImap, 1, kImapMax, 0.0, 180.0},
    {12, "VMTI Vertical Field of View", "vertical_fov", K::kImap, 1, kImapMax, 0.0, 180.0},
    {13, "MIIS ID", "miis_id", K::kMiis, 0, 0, 0, 0},
    {101, "VTarget Series", "vtargets", K::kTargetSeries, 0, 0, 0, 0},
    {102, "Algorithm Series", "algorithm_series", K::kBytes, 0, 0, 0, 0},
    {103, "Ontology Series", "ontology_series", K::kBytes, 0, 0, 0, 0},
}};

// ST 0903.6 section 7.2 (VTarget Pack) local set: tag, name, JSON name, kind, length range,
// IMAPB range (location offsets +-19.2 degrees from the frame centre, ST 0903 section 8).
constexpr double kOffsetMin = -19.2, kOffsetMax = 19.2;
constexpr double kHeightMin = -900.0, kHeightMax = 19000.0;
constexpr std::array<VmtiTagInfo, kVTargetTags> kTargetTags = {{
    {1, "Target Centroid", "centroid", K::kUnsigned, 1, 6, 0, 0},
    {2, "Bounding Box Top Left", "bbox_top_left", K::kUnsigned, 1, 6, 0, 0},
    {3, "Bounding Box Bottom Right", "bbox_bottom_right", K::kUnsigned, 1, 6, 0, 0},
    {4, "Target Priority", "priority", K::kUnsigned, 1, 1, 0, 0},
    {5, "Target Confidence Level", "confidence", K::kUnsigned, 1, 1, 0, 0},
    {6, "New Detection Flag / Target History", "history", K::kUnsigned, 1, 2, 0, 0},
    {7, "Percentage of Target Pixels", "percent_pixels", K::kUnsigned, 1, 1, 0, 0},
    {8, "Target Color", "color", K::kUnsigned, 3, 3, 0, 0},
    {9, "Target Intensity", "intensity", K::kUnsigned, 1, 3, 0, 0},
    {10, "Target Location Offset Latitude", "location_offset_latitude", K::kImap, 1, kImapMax,
     kOffsetMin, kOffsetMax},
    {11, "Target Location Offset Longitude", "location_offset_longitude", K::kImap, 1, kImapMax,
     kOffsetMin, kOffsetMax},
    {12, "Target Height", "height", K::kImap, 1, kImapMax, kHeightMin, kHeightMax},
    {13, "Bounding Box Top Left Latitude Offset", "bbox_top_left_latitude_offset", K::kImap, 1,
     kImapMax, kOffsetMin, kOffsetMax},
    {14, "Bounding Box Top Left Longitude Offset", "bbox_top_left_longitude_offset", K::kImap, 1,
     kImapMax, kOffsetMin, kOffsetMax},
    {15, "Bounding Box Bottom Right Latitude Offset", "bbox_bottom_right_latitude_offset", K::kImap,
     1, kImapMax, kOffsetMin, kOffsetMax},
    {16, "Bounding Box Bottom Right Longitude Offset", "bbox_bottom_right_longitude_offset",
     K::kImap, 1, kImapMax, kOffsetMin, kOffsetMax},
    {17, "Target Location", "location", K::kLocation, 0, 0, 0, 0},
    {18, "Target Boundary Series", "boundary_series", K::kBytes, 0, 0, 0, 0},
    {19, "Centroid Pixel Row", "centroid_row", K::kUnsigned, 1, 4, 0, 0},
    {20, "Centroid Pixel Column", "centroid_column", K::kUnsigned, 1, 4, 0, 0},
    {21, "FPA Index", "fpa_index", K::kFpaIndex, 2, 2, 0, 0},
    {22, "Algorithm ID", "algorithm_id", K::kUnsigned, 1, 3, 0, 0},
    {23, "Detection Status", "detection_status", K::kUnsigned, 1, 1, 0, 0},
    {101, "VMask LS", "vmask", K::kBytes, 0, 0, 0, 0},
    {102, "VObject LS", "vobject", K::kBytes, 0, 0, 0, 0},
    {103, "VFeature LS", "vfeature", K::kBytes, 0, 0, 0, 0},
    {104, "VTracker LS", "vtracker", K::kBytes, 0, 0, 0, 0},
    {105, "VChip LS", "vchip", K::kBytes, 0, 0, 0, 0},
    {106, "VChip Series", "vchip_series", K::kBytes, 0, 0, 0, 0},
    {107, "VObject Series", "vobject_series", K::kBytes, 0, 0, 0, 0},
}};

// Location Pack field sizes (ST 0903.6 section 8.2.1).
constexpr size_t kCoordinateBytes = 4;
constexpr size_t kHeightBytes = 2;
constexpr size_t kSigmaRhoBytes = 2;
constexpr double kLatitudeMin = -90.0, kLatitudeMax = 90.0;
constexpr double kLongitudeMin = -180.0, kLongitudeMax = 180.0;
constexpr double kSigmaMin = 0.0, kSigmaMax = 650.0;
constexpr double kRhoMin = -1.0, kRhoMax = 1.0;
constexpr size_t kSigmaPackBytes = 3 * kSigmaRhoBytes;

constexpr size_t kMaxIntegerBytes = 8;

template <size_t N>
int SlotOf(const std::array<VmtiTagInfo, N>& table, uint64_t tag) {
  for (size_t i = 0; i < N; ++i) {
    if (table[i].tag == tag) return static_cast<int>(i);
  }
  return -1;
}

// Reads the items of a nested local set into the slots of `table`.
template <size_t N>
PackResult ReadSlots(PackReader& reader, const std::array<VmtiTagInfo, N>& table,
                     VmtiSlots<N>& slots) {
  while (reader.ok() && !reader.empty()) {
    const size_t at = reader.absolute_offset();
    const uint64_t tag = reader.BerOid();
    const std::span<const uint8_t> bytes = reader.LengthPrefixed();
    if (!reader.ok()) break;
    const int slot = SlotOf(table, tag);
    if (slot < 0) {
      ++slots.unknown_items;
      continue;
    }
    VmtiValue& v = slots.values[static_cast<size_t>(slot)];
    if (v.present) return {PackError::kDuplicateTag, at};
    const VmtiTagInfo& info = table[static_cast<size_t>(slot)];
    v.present = true;
    v.bytes = bytes;
    v.bad_length = !bytes.empty() && (bytes.size() < info.min_length ||
                                      (info.max_length != 0 && bytes.size() > info.max_length));
  }
  return reader.result();
}

template <size_t N>
const VmtiValue* FindSlot(const std::array<VmtiTagInfo, N>& table, const VmtiSlots<N>& slots,
                          uint8_t tag) {
  const int slot = SlotOf(table, tag);
  if (slot < 0) return nullptr;
  const VmtiValue& v = slots.values[static_cast<size_t>(slot)];
  return v.present ? &v : nullptr;
}

std::optional<uint64_t> UnsignedOf(const VmtiValue* v) {
  if (v == nullptr || v->bad_length || v->bytes.empty() || v->bytes.size() > kMaxIntegerBytes) {
    return std::nullopt;
  }
  return LoadBigEndian(v->bytes.data(), v->bytes.size());
}

template <size_t N>
std::optional<MappedValue> ImapOf(const std::array<VmtiTagInfo, N>& table,
                                  const VmtiSlots<N>& slots, uint8_t tag) {
  const int slot = SlotOf(table, tag);
  if (slot < 0) return std::nullopt;
  const VmtiValue& v = slots.values[static_cast<size_t>(slot)];
  const VmtiTagInfo& info = table[static_cast<size_t>(slot)];
  if (!v.present || v.bad_length || v.bytes.empty() || info.kind != K::kImap) return std::nullopt;
  PackReader reader(v.bytes);
  return ReadImap(reader, info.min, info.max, v.bytes.size());
}

json MappedJson(const MappedValue& v) {
  if (v.out_of_range) return {{"indicator", "out of range"}};
  if (v.kind != ImapKind::kNormal) return {{"indicator", std::string(ImapKindName(v.kind))}};
  return v.value;
}

json ErrorJson(const PackResult& r, std::span<const uint8_t> bytes) {
  return {
      {"error", "byte " + std::to_string(r.offset) + " of the value: " + std::string(r.Reason())},
      {"raw", ToHex(bytes)}};
}

json LocationJson(std::span<const uint8_t> bytes) {
  VmtiLocation l;
  if (const PackResult r = DecodeVmtiLocation(bytes, l); !r.ok()) return ErrorJson(r, bytes);
  json j = {{"latitude", MappedJson(l.latitude)},
            {"longitude", MappedJson(l.longitude)},
            {"height_above_ellipsoid", MappedJson(l.height)}};
  if (l.has_sigma) {
    j["sigma_east"] = MappedJson(l.sigma[0]);
    j["sigma_north"] = MappedJson(l.sigma[1]);
    j["sigma_up"] = MappedJson(l.sigma[2]);
  }
  if (l.has_rho) {
    j["rho_east_north"] = MappedJson(l.rho[0]);
    j["rho_east_up"] = MappedJson(l.rho[1]);
    j["rho_north_up"] = MappedJson(l.rho[2]);
  }
  return j;
}

json TargetSeriesJson(std::span<const uint8_t> series);

template <size_t N>
json SlotsJson(const std::array<VmtiTagInfo, N>& table, const VmtiSlots<N>& slots) {
  json j = json::object();
  for (size_t i = 0; i < N; ++i) {
    const VmtiValue& v = slots.values[i];
    if (!v.present) continue;
    const VmtiTagInfo& info = table[i];
    const std::string name(info.json_name);
    if (v.bad_length) {
      j[name] = {{"error", "bad length " + std::to_string(v.bytes.size())},
                 {"raw", ToHex(v.bytes)}};
      continue;
    }
    if (v.bytes.empty() && info.kind != K::kString) {
      j[name] = nullptr;  // an empty item: present, no value
      continue;
    }
    switch (info.kind) {
      case K::kUnsigned:
      case K::kTimestamp:
        j[name] = *UnsignedOf(&v);
        break;
      case K::kString:
        j[name] = std::string(reinterpret_cast<const char*>(v.bytes.data()), v.bytes.size());
        break;
      case K::kImap:
        j[name] = MappedJson(*ImapOf(table, slots, info.tag));
        break;
      case K::kMiis: {
        MiisCoreIdentifier id;
        if (const PackResult r = DecodeMiisCoreIdentifier(v.bytes, id); !r.ok()) {
          j[name] = ErrorJson(r, v.bytes);
          break;
        }
        std::array<char, kMiisTextMaxSize> text;
        j[name] = std::string(text.data(), MiisCoreIdentifierText(id, text));
        break;
      }
      case K::kLocation:
        j[name] = LocationJson(v.bytes);
        break;
      case K::kFpaIndex:
        j[name] = {{"row", v.bytes[0]}, {"column", v.bytes[1]}};
        break;
      case K::kTargetSeries:
        j[name] = TargetSeriesJson(v.bytes);
        break;
      case K::kBytes:
        j[name] = ToHex(v.bytes);
        break;
    }
  }
  if (slots.unknown_items > 0) j["unknown_items"] = slots.unknown_items;
  return j;
}

json TargetSeriesJson(std::span<const uint8_t> series) {
  json list = json::array();
  VTargetCursor cursor(series);
  VTarget target;
  while (cursor.Next(target)) {
    json t = SlotsJson(kTargetTags, target.slots);
    t["id"] = target.id;
    list.push_back(std::move(t));
  }
  if (!cursor.result().ok()) return ErrorJson(cursor.result(), series);
  return list;
}

}  // namespace

std::span<const VmtiTagInfo> VmtiHeaderTags() { return kHeaderTags; }
std::span<const VmtiTagInfo> VTargetTags() { return kTargetTags; }

PackResult DecodeVmtiLocation(std::span<const uint8_t> value, VmtiLocation& out) {
  out = {};
  PackReader reader(value);
  out.latitude = ReadImap(reader, kLatitudeMin, kLatitudeMax, kCoordinateBytes);
  out.longitude = ReadImap(reader, kLongitudeMin, kLongitudeMax, kCoordinateBytes);
  out.height = ReadImap(reader, kHeightMin, kHeightMax, kHeightBytes);
  if (reader.ok() && reader.remaining() >= kSigmaPackBytes) {
    out.has_sigma = true;
    for (MappedValue& s : out.sigma) s = ReadImap(reader, kSigmaMin, kSigmaMax, kSigmaRhoBytes);
  }
  if (reader.ok() && reader.remaining() >= kSigmaPackBytes) {
    out.has_rho = true;
    for (MappedValue& r : out.rho) r = ReadImap(reader, kRhoMin, kRhoMax, kSigmaRhoBytes);
  }
  if (!reader.ok()) return reader.result();
  if (!reader.empty()) return {PackError::kTrailingBytes, reader.offset()};
  return {};
}

const VmtiValue* VmtiLocalSet::Find(uint8_t tag) const { return FindSlot(kHeaderTags, slots, tag); }

std::optional<uint64_t> VmtiLocalSet::Unsigned(uint8_t tag) const { return UnsignedOf(Find(tag)); }

std::string_view VmtiLocalSet::Text(uint8_t tag) const {
  const VmtiValue* v = Find(tag);
  if (v == nullptr) return {};
  return {reinterpret_cast<const char*>(v->bytes.data()), v->bytes.size()};
}

std::optional<MappedValue> VmtiLocalSet::Imap(uint8_t tag) const {
  return ImapOf(kHeaderTags, slots, tag);
}

std::span<const uint8_t> VmtiLocalSet::TargetSeries() const {
  const VmtiValue* v = Find(vmti_tag::kTargetSeries);
  return v == nullptr ? std::span<const uint8_t>{} : v->bytes;
}

const VmtiValue* VTarget::Find(uint8_t tag) const { return FindSlot(kTargetTags, slots, tag); }

std::optional<uint64_t> VTarget::Unsigned(uint8_t tag) const { return UnsignedOf(Find(tag)); }

std::optional<MappedValue> VTarget::Imap(uint8_t tag) const {
  return ImapOf(kTargetTags, slots, tag);
}

bool VTarget::Location(VmtiLocation& out) const {
  const VmtiValue* v = Find(vtarget_tag::kLocation);
  if (v == nullptr || v->bytes.empty()) return false;
  return DecodeVmtiLocation(v->bytes, out).ok();
}

PackResult DecodeVmtiLocalSet(std::span<const uint8_t> value, VmtiLocalSet& out) {
  out = {};
  PackReader reader(value);
  return ReadSlots(reader, kHeaderTags, out.slots);
}

bool VTargetCursor::Next(VTarget& out) {
  if (!result_.ok() || !reader_.ok() || reader_.empty()) return false;
  const std::span<const uint8_t> pack = reader_.LengthPrefixed();
  if (!reader_.ok()) return false;
  out = {};
  // The pack's offsets are reported from the series' start.
  PackReader inner(pack, reader_.offset() - pack.size());
  out.id = inner.BerOid();
  if (const PackResult r = ReadSlots(inner, kTargetTags, out.slots); !r.ok()) {
    result_ = r;
    return false;
  }
  return true;
}

json VmtiLocationToJson(std::span<const uint8_t> value) { return LocationJson(value); }

json VmtiToJson(std::span<const uint8_t> value) {
  VmtiLocalSet set;
  if (const PackResult r = DecodeVmtiLocalSet(value, set); !r.ok()) return ErrorJson(r, value);
  return SlotsJson(kHeaderTags, set.slots);
}

}  // namespace biac::formats::klv
