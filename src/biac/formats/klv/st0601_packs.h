#pragma once

// The ST 0601.17 items whose values are packs (section 6.3: defined-length packs, variable-
// length packs, series), each decoded from its named layout into a typed value that views the
// caller's bytes. Nothing here allocates; lists are read record by record (SeriesCursor) or
// into a caller-owned span.
//
// Layouts and scalings: MISB ST 0601.17 section 8 item definitions (tag numbers below), MISB
// ST 1204.3 for the MIIS Core Identifier, ST 1201 for the IMAPB fields; checked against KWIVER
// arrows/klv/klv_0601.cxx, klv_1204.cxx and jmisb api/.../klv/st0601/, st1204/.
//
// Kept as raw bytes (not decoded here): 73 RVT (ST 0806), 95 SAR MI (ST 1206), 97 Range
// Image (ST 1002), 98 Geo-Registration (ST 1601), 99 Composite Imaging (ST 1602), 100/101
// Segment/Amend (ST 1607), 102 SDCC-FLP (ST 1010: its sigma/rho layout depends on the parent
// set's tag list). Tag 74 VMTI (ST 0903) is in st0903.h, tag 48 Security (ST 0102) in st0102.h.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "biac/base/bits.h"
#include "biac/formats/klv/pack.h"

namespace biac::formats::klv {

// Which decoder reads a tag's value.
enum class PackKind : uint8_t {
  kNone = 0,            // not a pack biac decodes: raw hex
  kSecurity,            // 48, ST 0102 (st0102.h)
  kVmti,                // 74, ST 0903 (st0903.h)
  kImageHorizon,        // 81
  kMiisCoreIdentifier,  // 94, ST 1204
  kControlCommand,      // 115
  kBerOidList,          // 116 verification list, 121 active wavelength list
  kCountryCodes,        // 122
  kFrameRate,           // 127
  kWavelengthsList,     // 128
  kAirbaseLocations,    // 130
  kPayloadList,         // 138
  kActivePayloads,      // 139
  kWeaponsStores,       // 140
  kWaypointList,        // 141
  kViewDomain,          // 142
  kSubstreamId,         // 143
};

PackKind PackKindOf(uint32_t tag);

// ---- 81 Image Horizon Pixel Pack (DLP) ----
// x0, y0, x1, y1: uint8 percentages of the image width and height of the two points where the
// horizon meets the image edge; then optionally the two points' latitude and longitude as
// int32 mapped like tags 13/14 (-90..90, -180..180 degrees).
struct ImageHorizonPixelPack {
  uint8_t x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool has_locations = false;
  MappedValue latitude0, longitude0, latitude1, longitude1;
};
PackResult DecodeImageHorizonPixelPack(std::span<const uint8_t> value, ImageHorizonPixelPack& out);

// ---- 94 MIIS Core Identifier (ST 1204.3 binary form) ----
// Version byte, usage byte, then the 16-byte UUIDs the usage byte announces, in the order
// sensor, platform, window, minor.
enum class MiisIdType : uint8_t { kNone = 0, kManaged = 1, kVirtual = 2, kPhysical = 3 };
std::string_view MiisIdTypeName(MiisIdType type);

// ST 1204.3 usage byte (bit 0 = most significant): bit 0 reserved, bits 1-2 sensor ID type,
// bits 3-4 platform ID type, bit 5 window ID present, bit 6 minor ID present, bit 7 reserved.
namespace miis_usage {
inline constexpr BitField kSensorIdType{"sensor_id_type", 1, 2};
inline constexpr BitField kPlatformIdType{"platform_id_type", 3, 2};
inline constexpr BitField kWindowId{"window_id", 5, 1};
inline constexpr BitField kMinorId{"minor_id", 6, 1};
}  // namespace miis_usage

inline constexpr size_t kUuidSize = 16;
struct MiisCoreIdentifier {
  uint8_t version = 0;
  uint8_t usage = 0;
  MiisIdType sensor_id_type = MiisIdType::kNone;
  MiisIdType platform_id_type = MiisIdType::kNone;
  std::span<const uint8_t> sensor_id, platform_id, window_id, minor_id;  // empty if absent
};
PackResult DecodeMiisCoreIdentifier(std::span<const uint8_t> value, MiisCoreIdentifier& out);

// The ST 1204.3 text form, e.g.
// "0170:F592-F023-7336-4AF8-AA91-62C0-0F2E-B2DA/16B7-4341-0008-41A0-BE36-5B5A-B96A-3645:D3":
// version and usage in hex, ':', the UUIDs as eight groups of four hex digits separated by '/'
// (the minor ID without one), ':', the two-digit check value. Returns the characters written.
inline constexpr size_t kMiisTextMaxSize = 5 + 4 * (8 * 4 + 7) + 3 + 3;
size_t MiisCoreIdentifierText(const MiisCoreIdentifier& id, std::span<char> out);
// ST 1204.3 check value over the hexadecimal digits of `text` (other characters are skipped).
uint8_t MiisCheckValue(std::string_view text);

// ---- 115 Control Command (VLP) ----
// Command ID (BER-OID), command string (BER length + UTF-8), optional uint64 time (MISP us).
struct ControlCommand {
  uint64_t id = 0;
  std::string_view text;
  bool has_time = false;
  uint64_t time_us = 0;
};
PackResult DecodeControlCommand(std::span<const uint8_t> value, ControlCommand& out);

// ---- 116 Control Command Verification List, 121 Active Wavelength List ----
// A sequence of BER-OID integers (command IDs of tag 115; wavelength IDs of tag 128).
// Reads them into `out`; `count` is the number read. kTooMany if `out` is too small.
PackResult DecodeBerOidList(std::span<const uint8_t> value, std::span<uint64_t> out, size_t& count);

// ---- 122 Country Codes (VLP) ----
// Coding method (BER length + integer, ST 0102 Country Coding Method), overflight country,
// then optionally operator country and country of manufacture (each BER length + text; a
// zero length means "not given").
struct CountryCodes {
  uint64_t coding_method = 0;
  std::string_view overflight_country, operator_country, country_of_manufacture;
};
PackResult DecodeCountryCodes(std::span<const uint8_t> value, CountryCodes& out);

// ---- 127 Sensor Frame Rate Pack (DLP) ----
// Numerator and optional denominator (BER-OID each; denominator 1 if absent), frames/s.
struct FrameRate {
  uint64_t numerator = 0;
  uint64_t denominator = 1;
  double FramesPerSecond() const;
};
PackResult DecodeFrameRate(std::span<const uint8_t> value, FrameRate& out);

// ---- Location (the DLP of tags 130 and 141) ----
// Latitude IMAPB(-90, 90, 4), longitude IMAPB(-180, 180, 4), optional height above the
// ellipsoid IMAPB(-900, 9000, 3) in metres.
struct LocationDlp {
  MappedValue latitude, longitude;
  bool has_height = false;
  MappedValue height;
};
PackResult DecodeLocation(std::span<const uint8_t> value, LocationDlp& out);

// ---- Series (ST 0601.17 section 6.3.3): records, each preceded by its BER length ----
class SeriesCursor {
 public:
  explicit SeriesCursor(std::span<const uint8_t> value) : reader_(value) {}
  // The next record's bytes; false at the end or on a structural error (see result()).
  bool Next(std::span<const uint8_t>& record);
  size_t offset() const { return reader_.offset(); }  // where the next record starts
  PackResult result() const { return reader_.result(); }
  size_t record_offset() const { return record_offset_; }  // where the last record started

 private:
  PackReader reader_;
  size_t record_offset_ = 0;
};

// ---- 128 Wavelengths List: a series of wavelength records ----
// ID (BER-OID), minimum and maximum wavelength IMAPB(0, 1e9, 4) in nanometres, name (rest).
struct WavelengthRecord {
  uint64_t id = 0;
  MappedValue min_nm, max_nm;
  std::string_view name;
};
PackResult DecodeWavelengthRecord(std::span<const uint8_t> record, WavelengthRecord& out);

// ---- 130 Airbase Locations (VLP) ----
// Take-off location, then recovery location, each BER length + LocationDlp. A zero length
// means "unknown"; an omitted recovery location (no bytes after the take-off location) means
// "the same as the take-off location" (ST 0601.17 item 130; jmisb reads it the same way).
struct AirbaseLocations {
  bool take_off_known = false;
  LocationDlp take_off;
  bool recovery_known = false;
  bool recovery_omitted = false;  // then `recovery` is a copy of `take_off`
  LocationDlp recovery;
};
PackResult DecodeAirbaseLocations(std::span<const uint8_t> value, AirbaseLocations& out);

// ---- 138 Payload List: payload count (BER-OID), then a series of payload records ----
// ID (BER-OID), type (BER-OID: 0 electro-optical, 1 LIDAR, 2 RADAR, 3 SIGINT), name (BER
// length + text).
struct PayloadRecord {
  uint64_t id = 0;
  uint64_t type = 0;
  std::string_view name;
};
std::string_view PayloadTypeName(uint64_t type);
// The count field and a cursor over the records that follow it.
PackResult ReadPayloadListHeader(std::span<const uint8_t> value, uint64_t& count,
                                 std::span<const uint8_t>& records, size_t& records_offset);
PackResult DecodePayloadRecord(std::span<const uint8_t> record, PayloadRecord& out);

// ---- 139 Active Payloads: a bit field, bit n (from the least significant bit of the last
// byte) set if payload ID n of tag 138 is active ----
bool PayloadIsActive(std::span<const uint8_t> value, uint64_t id);

// ---- 140 Weapons Stores: a series of weapon records ----
// Station ID, hardpoint ID, carriage ID, store ID (BER-OID each), status (BER-OID: bits 0-7
// the general status, bits 8-11 the engagement flags), weapon type (BER length + text).
struct WeaponsStore {
  uint64_t station_id = 0, hardpoint_id = 0, carriage_id = 0, store_id = 0;
  uint8_t general_status = 0;  // 0 off .. 11 no status available (WeaponGeneralStatusName)
  uint8_t engagement = 0;      // bit 0 fuze enabled, 1 laser enabled, 2 target enabled, 3 armed
  std::string_view weapon_type;
};
std::string_view WeaponGeneralStatusName(uint64_t status);
// Weapon status word (after its BER-OID decoding), bits from the least significant.
inline constexpr unsigned kWeaponGeneralStatusBits = 8;
inline constexpr unsigned kWeaponEngagementBits = 4;
inline constexpr std::array<std::string_view, kWeaponEngagementBits> kWeaponEngagementNames = {
    "fuze_enabled", "laser_enabled", "target_enabled", "weapon_armed"};
PackResult DecodeWeaponsStore(std::span<const uint8_t> record, WeaponsStore& out);

// ---- 141 Waypoint List: a series of waypoint records ----
// ID (BER-OID), prosecution order (int16; negative: not in the plan), optional info byte
// (bit 0 mode: 0 automated, 1 manual; bit 1 source: 0 pre-planned, 1 ad hoc; bit 0 = least
// significant), optional LocationDlp. (jmisb reads the mode bit this way; KWIVER names the bits
// without their meaning.)
struct WaypointRecord {
  uint64_t id = 0;
  int16_t order = 0;
  bool has_info = false;
  uint8_t info = 0;
  bool has_location = false;
  LocationDlp location;
};
inline constexpr uint8_t kWaypointInfoModeManual = 0x01;
inline constexpr uint8_t kWaypointInfoSourceAdHoc = 0x02;
PackResult DecodeWaypointRecord(std::span<const uint8_t> record, WaypointRecord& out);

// ---- 142 View Domain (VLP) ----
// Up to three intervals, azimuth, elevation, roll, each BER length + two IMAPB halves: the
// start (azimuth and roll (0, 360), elevation (-180, 180)) and the range (0, 360), degrees.
struct ViewDomainInterval {
  bool present = false;
  MappedValue start, range;
};
struct ViewDomain {
  ViewDomainInterval azimuth, elevation, roll;
};
PackResult DecodeViewDomain(std::span<const uint8_t> value, ViewDomain& out);

// ---- 143 Metadata Substream ID Pack ----
// Local ID (BER-OID); a local ID of 0 is followed by a 16-byte universal (UUID) ID.
struct SubstreamId {
  uint64_t local_id = 0;
  std::span<const uint8_t> universal_id;  // empty unless local_id == 0
};
PackResult DecodeSubstreamId(std::span<const uint8_t> value, SubstreamId& out);

}  // namespace biac::formats::klv
