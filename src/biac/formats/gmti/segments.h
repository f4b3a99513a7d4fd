#pragma once

// STANAG 4607 (edition 3) packets and the segments biac decodes, with their layout tables.
// Field numbers and layouts follow AEDP-7 edition 3, chapter 2: the packet header (P1-P10),
// the segment header (S1-S2), the mission segment (M1-M7), the dwell segment (D1-D32.18, with
// its existence mask), the job definition segment (J1-J28), the free text segment (F1-F3) and
// the platform location segment (L1-L7). Byte layouts were cross-checked against Wireshark's
// packet-stanag4607.c, KWIVER's arrows/stanag and s4607 (see docs/formats/gmti.md).
//
// All multi-byte fields are big-endian (network order).

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "biac/formats/gmti/types.h"

namespace biac::formats::gmti {

// ---------------------------------------------------------------------------------------------
// Packet header (32 bytes): AEDP-7 packet header table, fields P1-P10.
namespace packet_header {
inline constexpr FieldSpec kVersion{"P1", "version", WireType::kText, 0, 2};
inline constexpr FieldSpec kPacketSize{"P2", "packet_size", WireType::kI32, 2, 4};
inline constexpr FieldSpec kNationality{"P3", "nationality", WireType::kText, 6, 2};
inline constexpr FieldSpec kClassification{"P4", "classification", WireType::kI8, 8, 1};
inline constexpr FieldSpec kClassSystem{"P5", "class_system", WireType::kText, 9, 2};
inline constexpr FieldSpec kSecurityCode{"P6", "packet_security_code", WireType::kI16, 11, 2};
inline constexpr FieldSpec kExerciseIndicator{"P7", "exercise_indicator", WireType::kI8, 13, 1};
inline constexpr FieldSpec kPlatformId{"P8", "platform_id", WireType::kText, 14, 10};
inline constexpr FieldSpec kMissionId{"P9", "mission_id", WireType::kI32, 24, 4};
inline constexpr FieldSpec kJobId{"P10", "job_id", WireType::kI32, 28, 4};
inline constexpr std::array kFields{
    kVersion,      kPacketSize,        kNationality, kClassification, kClassSystem,
    kSecurityCode, kExerciseIndicator, kPlatformId,  kMissionId,      kJobId};
inline constexpr size_t kSize = 32;
}  // namespace packet_header

struct PacketHeader : FixedRecord<packet_header::kSize> {};

// ---------------------------------------------------------------------------------------------
// Segment header (5 bytes): S1 segment type, S2 segment size (header included).
namespace segment_header {
inline constexpr FieldSpec kType{"S1", "segment_type", WireType::kI8, 0, 1};
inline constexpr FieldSpec kSize{"S2", "segment_size", WireType::kI32, 1, 4};
inline constexpr size_t kBytes = 5;
}  // namespace segment_header

// S1 values (AEDP-7 segment type table).
enum class SegmentType : uint8_t {
  kMission = 1,
  kDwell = 2,
  kHrr = 3,
  kJobDefinition = 5,
  kFreeText = 6,
  kLowReflectivityIndex = 7,
  kGroup = 8,
  kAttachedTarget = 9,
  kTestAndStatus = 10,
  kSystemSpecific = 11,
  kProcessingHistory = 12,
  kPlatformLocation = 13,
  kJobRequest = 101,
  kJobAcknowledge = 102,
};
// "dwell", "hrr", ...; "reserved" for a type the standard does not define.
std::string_view SegmentTypeName(uint8_t type);

struct SegmentHeader {
  uint8_t type = 0;
  uint32_t size = 0;  // bytes, the 5-byte header included
};

// ---------------------------------------------------------------------------------------------
// Mission segment (39 payload bytes): M1-M7. The reference date M5-M7 is the day whose
// midnight (UTC) dwell and platform-location times count from.
namespace mission {
inline constexpr FieldSpec kMissionPlan{"M1", "mission_plan", WireType::kText, 0, 12};
inline constexpr FieldSpec kFlightPlan{"M2", "flight_plan", WireType::kText, 12, 12};
inline constexpr FieldSpec kPlatformType{"M3", "platform_type", WireType::kI8, 24, 1};
inline constexpr FieldSpec kPlatformConfig{"M4", "platform_configuration", WireType::kText, 25, 10};
inline constexpr FieldSpec kYear{"M5", "reference_year", WireType::kI16, 35, 2};
inline constexpr FieldSpec kMonth{"M6", "reference_month", WireType::kI8, 37, 1};
inline constexpr FieldSpec kDay{"M7", "reference_day", WireType::kI8, 38, 1};
inline constexpr std::array kFields{kMissionPlan, kFlightPlan, kPlatformType, kPlatformConfig,
                                    kYear,        kMonth,      kDay};
inline constexpr size_t kSize = 39;
}  // namespace mission

struct MissionSegment : FixedRecord<mission::kSize> {};

// M3 platform type names ("MQ-9 Reaper" for 36); "future use" outside the table.
std::string_view PlatformTypeName(uint8_t type);

// ---------------------------------------------------------------------------------------------
// Platform location segment (23 payload bytes): L1-L7.
namespace platform_location {
inline constexpr FieldSpec kTime{"L1", "location_time_ms", WireType::kI32, 0, 4};
inline constexpr FieldSpec kLatitude{"L2", "lat_deg", WireType::kSa32, 4, 4};
inline constexpr FieldSpec kLongitude{"L3", "lon_deg", WireType::kBa32, 8, 4};
inline constexpr FieldSpec kAltitude{"L4", "alt_m", WireType::kS32, 12, 4, 100.0};  // cm
inline constexpr FieldSpec kTrack{"L5", "track_deg", WireType::kBa16, 16, 2};
inline constexpr FieldSpec kSpeed{"L6", "speed_mps", WireType::kI32, 18, 4, 1000.0};  // mm/s
inline constexpr FieldSpec kVerticalVelocity{"L7", "vertical_velocity_mps", WireType::kS8, 22, 1,
                                             10.0};  // dm/s
inline constexpr std::array kFields{kTime,  kLatitude, kLongitude,       kAltitude,
                                    kTrack, kSpeed,    kVerticalVelocity};
inline constexpr size_t kSize = 23;
}  // namespace platform_location

struct PlatformLocationSegment : FixedRecord<platform_location::kSize> {};

// ---------------------------------------------------------------------------------------------
// Job definition segment (68 payload bytes): J1-J28. The nominal sensor values J21-J23 are the
// job's default measurement accuracies, used when a target report carries none of its own.
namespace job_definition {
inline constexpr FieldSpec kJobId{"J1", "job_id", WireType::kI32, 0, 4};
inline constexpr FieldSpec kSensorType{"J2", "sensor_type", WireType::kI8, 4, 1};
inline constexpr FieldSpec kSensorModel{"J3", "sensor_model", WireType::kText, 5, 6};
inline constexpr FieldSpec kTargetFiltering{"J4", "target_filtering", WireType::kI8, 11, 1};
inline constexpr FieldSpec kPriority{"J5", "priority", WireType::kI8, 12, 1};
inline constexpr FieldSpec kPointALat{"J6", "point_a_lat_deg", WireType::kSa32, 13, 4};
inline constexpr FieldSpec kPointALon{"J7", "point_a_lon_deg", WireType::kBa32, 17, 4};
inline constexpr FieldSpec kPointBLat{"J8", "point_b_lat_deg", WireType::kSa32, 21, 4};
inline constexpr FieldSpec kPointBLon{"J9", "point_b_lon_deg", WireType::kBa32, 25, 4};
inline constexpr FieldSpec kPointCLat{"J10", "point_c_lat_deg", WireType::kSa32, 29, 4};
inline constexpr FieldSpec kPointCLon{"J11", "point_c_lon_deg", WireType::kBa32, 33, 4};
inline constexpr FieldSpec kPointDLat{"J12", "point_d_lat_deg", WireType::kSa32, 37, 4};
inline constexpr FieldSpec kPointDLon{"J13", "point_d_lon_deg", WireType::kBa32, 41, 4};
inline constexpr FieldSpec kRadarMode{"J14", "radar_mode", WireType::kI8, 45, 1};
inline constexpr FieldSpec kRevisitInterval{
    "J15", "nominal_revisit_interval_s", WireType::kI16, 46, 2, 10.0};  // deciseconds
inline constexpr FieldSpec kAlongTrackUncertainty{"J16", "nominal_along_track_uncertainty_m",
                                                  WireType::kI16, 48, 2};
inline constexpr FieldSpec kCrossTrackUncertainty{"J17", "nominal_cross_track_uncertainty_m",
                                                  WireType::kI16, 50, 2};
inline constexpr FieldSpec kAltitudeUncertainty{"J18", "nominal_altitude_uncertainty_m",
                                                WireType::kI16, 52, 2};
inline constexpr FieldSpec kHeadingUncertainty{"J19", "nominal_track_heading_uncertainty_deg",
                                               WireType::kI8, 54, 1};
inline constexpr FieldSpec kSpeedUncertainty{
    "J20", "nominal_sensor_speed_uncertainty_mps", WireType::kI16, 55, 2, 1000.0};  // mm/s
inline constexpr FieldSpec kSlantRangeSigma{
    "J21", "nominal_slant_range_sigma_m", WireType::kI16, 57, 2, 100.0};  // cm
inline constexpr FieldSpec kCrossRangeSigma{"J22", "nominal_cross_range_sigma_deg", WireType::kBa16,
                                            59, 2};
inline constexpr FieldSpec kVelocityLosSigma{
    "J23", "nominal_velocity_los_sigma_mps", WireType::kI16, 61, 2, 100.0};  // cm/s
inline constexpr FieldSpec kMinimumDetectableVelocity{
    "J24", "nominal_mdv_mps", WireType::kI8, 63, 1, 10.0};  // dm/s
inline constexpr FieldSpec kDetectionProbability{"J25", "nominal_detection_probability_pct",
                                                 WireType::kI8, 64, 1};
inline constexpr FieldSpec kFalseAlarmDensity{"J26", "nominal_false_alarm_density", WireType::kI8,
                                              65, 1};
inline constexpr FieldSpec kTerrainModel{"J27", "terrain_elevation_model", WireType::kI8, 66, 1};
inline constexpr FieldSpec kGeoidModel{"J28", "geoid_model", WireType::kI8, 67, 1};
inline constexpr std::array kFields{kJobId,
                                    kSensorType,
                                    kSensorModel,
                                    kTargetFiltering,
                                    kPriority,
                                    kPointALat,
                                    kPointALon,
                                    kPointBLat,
                                    kPointBLon,
                                    kPointCLat,
                                    kPointCLon,
                                    kPointDLat,
                                    kPointDLon,
                                    kRadarMode,
                                    kRevisitInterval,
                                    kAlongTrackUncertainty,
                                    kCrossTrackUncertainty,
                                    kAltitudeUncertainty,
                                    kHeadingUncertainty,
                                    kSpeedUncertainty,
                                    kSlantRangeSigma,
                                    kCrossRangeSigma,
                                    kVelocityLosSigma,
                                    kMinimumDetectableVelocity,
                                    kDetectionProbability,
                                    kFalseAlarmDensity,
                                    kTerrainModel,
                                    kGeoidModel};
inline constexpr size_t kSize = 68;
// "No statement" values of the nominal accuracies (AEDP-7 J21-J23; s4607 job_def.erl):
// 65535 for the I16 fields; a cross-range sigma of 180 deg or more for J22.
inline constexpr int64_t kNoStatementI16 = 65535;
inline constexpr double kNoStatementCrossRangeDeg = 180.0;
}  // namespace job_definition

struct JobDefinitionSegment : FixedRecord<job_definition::kSize> {};

// J2 sensor type names.
std::string_view SensorTypeName(uint8_t type);

// ---------------------------------------------------------------------------------------------
// Free text segment: F1 originator (A10), F2 recipient (A10), F3 the text (the rest).
namespace free_text {
inline constexpr FieldSpec kOriginator{"F1", "originator", WireType::kText, 0, 10};
inline constexpr FieldSpec kRecipient{"F2", "recipient", WireType::kText, 10, 10};
inline constexpr size_t kFixedSize = 20;  // F3 follows
}  // namespace free_text

struct FreeTextSegment {
  FixedRecord<free_text::kFixedSize> fixed;  // F1, F2
  std::string_view text;                     // F3: a view into the decoded bytes (or caller's)
  friend bool operator==(const FreeTextSegment&, const FreeTextSegment&) = default;
};

// ---------------------------------------------------------------------------------------------
// Dwell segment: D1 (the 64-bit existence mask) then D2-D31, each present when its mask bit is
// set, then D5 target reports of D32.1-D32.18, each present when its mask bit is set.
//
// Existence mask (AEDP-7 figure "dwell segment existence mask mapping"; Wireshark
// packet-stanag4607.c D10 = bit 6*8+7 ... D32_18 = bit 2*8+0): the fields take consecutive
// bits from the most significant one down: D2 is bit 63, D3 bit 62, ..., D31 bit 34, D32.1
// bit 33, ..., D32.18 bit 16; bits 15-0 are spare.
namespace dwell {
inline constexpr FieldSpec kRevisitIndex{"D2", "revisit_index", WireType::kI16, 0, 2};
inline constexpr FieldSpec kDwellIndex{"D3", "dwell_index", WireType::kI16, 0, 2};
inline constexpr FieldSpec kLastDwellOfRevisit{"D4", "last_dwell_of_revisit", WireType::kI8, 0, 1};
inline constexpr FieldSpec kTargetReportCount{"D5", "target_report_count", WireType::kI16, 0, 2};
inline constexpr FieldSpec kDwellTime{"D6", "dwell_time_ms", WireType::kI32, 0, 4};
inline constexpr FieldSpec kSensorLat{"D7", "sensor_lat_deg", WireType::kSa32, 0, 4};
inline constexpr FieldSpec kSensorLon{"D8", "sensor_lon_deg", WireType::kBa32, 0, 4};
inline constexpr FieldSpec kSensorAlt{"D9", "sensor_alt_m", WireType::kS32, 0, 4, 100.0};  // cm
inline constexpr FieldSpec kLatScaleFactor{"D10", "lat_scale_factor_deg", WireType::kSa32, 0, 4};
inline constexpr FieldSpec kLonScaleFactor{"D11", "lon_scale_factor_deg", WireType::kBa32, 0, 4};
inline constexpr FieldSpec kSensorAlongTrackUncertainty{
    "D12", "sensor_along_track_uncertainty_m", WireType::kI32, 0, 4, 100.0};  // cm
inline constexpr FieldSpec kSensorCrossTrackUncertainty{
    "D13", "sensor_cross_track_uncertainty_m", WireType::kI32, 0, 4, 100.0};  // cm
inline constexpr FieldSpec kSensorAltUncertainty{
    "D14", "sensor_alt_uncertainty_m", WireType::kI16, 0, 2, 100.0};  // cm
inline constexpr FieldSpec kSensorTrack{"D15", "sensor_track_deg", WireType::kBa16, 0, 2};
inline constexpr FieldSpec kSensorSpeed{"D16", "sensor_speed_mps", WireType::kI32, 0, 4,
                                        1000.0};  // mm/s
inline constexpr FieldSpec kSensorVerticalVelocity{
    "D17", "sensor_vertical_velocity_mps", WireType::kS8, 0, 1, 10.0};  // dm/s
inline constexpr FieldSpec kSensorTrackUncertainty{"D18", "sensor_track_uncertainty_deg",
                                                   WireType::kI8, 0, 1};
inline constexpr FieldSpec kSensorSpeedUncertainty{
    "D19", "sensor_speed_uncertainty_mps", WireType::kI16, 0, 2, 1000.0};  // mm/s
inline constexpr FieldSpec kSensorVerticalVelocityUncertainty{
    "D20", "sensor_vertical_velocity_uncertainty_mps", WireType::kI16, 0, 2, 100.0};  // cm/s
inline constexpr FieldSpec kPlatformHeading{"D21", "platform_heading_deg", WireType::kBa16, 0, 2};
inline constexpr FieldSpec kPlatformPitch{"D22", "platform_pitch_deg", WireType::kSa16, 0, 2};
inline constexpr FieldSpec kPlatformRoll{"D23", "platform_roll_deg", WireType::kSa16, 0, 2};
inline constexpr FieldSpec kDwellCenterLat{"D24", "dwell_center_lat_deg", WireType::kSa32, 0, 4};
inline constexpr FieldSpec kDwellCenterLon{"D25", "dwell_center_lon_deg", WireType::kBa32, 0, 4};
inline constexpr FieldSpec kRangeHalfExtent{"D26", "dwell_range_half_extent_km", WireType::kB16, 0,
                                            2};
inline constexpr FieldSpec kAngleHalfExtent{"D27", "dwell_angle_half_extent_deg", WireType::kBa16,
                                            0, 2};
inline constexpr FieldSpec kSensorHeading{"D28", "sensor_heading_deg", WireType::kBa16, 0, 2};
inline constexpr FieldSpec kSensorPitch{"D29", "sensor_pitch_deg", WireType::kSa16, 0, 2};
inline constexpr FieldSpec kSensorRoll{"D30", "sensor_roll_deg", WireType::kSa16, 0, 2};
inline constexpr FieldSpec kMinimumDetectableVelocity{
    "D31", "minimum_detectable_velocity_mps", WireType::kI8, 0, 1, 10.0};  // dm/s
// In wire order; index i has existence-mask bit 63 - i.
inline constexpr std::array kFields{kRevisitIndex,
                                    kDwellIndex,
                                    kLastDwellOfRevisit,
                                    kTargetReportCount,
                                    kDwellTime,
                                    kSensorLat,
                                    kSensorLon,
                                    kSensorAlt,
                                    kLatScaleFactor,
                                    kLonScaleFactor,
                                    kSensorAlongTrackUncertainty,
                                    kSensorCrossTrackUncertainty,
                                    kSensorAltUncertainty,
                                    kSensorTrack,
                                    kSensorSpeed,
                                    kSensorVerticalVelocity,
                                    kSensorTrackUncertainty,
                                    kSensorSpeedUncertainty,
                                    kSensorVerticalVelocityUncertainty,
                                    kPlatformHeading,
                                    kPlatformPitch,
                                    kPlatformRoll,
                                    kDwellCenterLat,
                                    kDwellCenterLon,
                                    kRangeHalfExtent,
                                    kAngleHalfExtent,
                                    kSensorHeading,
                                    kSensorPitch,
                                    kSensorRoll,
                                    kMinimumDetectableVelocity};
inline constexpr size_t kFieldCount = kFields.size();
inline constexpr size_t kMaskBytes = 8;
inline constexpr unsigned kFirstFieldBit = 63;
}  // namespace dwell

namespace target {
inline constexpr FieldSpec kMtiReportIndex{"D32.1", "mti_report_index", WireType::kI16, 0, 2};
inline constexpr FieldSpec kHiResLat{"D32.2", "hi_res_lat_deg", WireType::kSa32, 0, 4};
inline constexpr FieldSpec kHiResLon{"D32.3", "hi_res_lon_deg", WireType::kBa32, 0, 4};
// Delta positions count lat/lon scale factors (D10, D11) from the dwell area centre (D24, D25).
inline constexpr FieldSpec kDeltaLat{"D32.4", "delta_lat", WireType::kS16, 0, 2};
inline constexpr FieldSpec kDeltaLon{"D32.5", "delta_lon", WireType::kS16, 0, 2};
inline constexpr FieldSpec kGeodeticHeight{"D32.6", "geodetic_height_m", WireType::kS16, 0, 2};
// Radial velocity, corrected for platform motion; positive away from the sensor.
inline constexpr FieldSpec kVelocityLos{"D32.7", "velocity_los_mps", WireType::kS16, 0, 2,
                                        100.0};  // cm/s
inline constexpr FieldSpec kWrapVelocity{"D32.8", "wrap_velocity_mps", WireType::kI16, 0, 2,
                                         100.0};  // cm/s
inline constexpr FieldSpec kSnr{"D32.9", "snr_db", WireType::kS8, 0, 1};
inline constexpr FieldSpec kClassification{"D32.10", "classification", WireType::kI8, 0, 1};
inline constexpr FieldSpec kClassProbability{"D32.11", "class_probability_pct", WireType::kI8, 0,
                                             1};
inline constexpr FieldSpec kSlantRangeUncertainty{
    "D32.12", "slant_range_uncertainty_m", WireType::kI16, 0, 2, 100.0};  // cm
inline constexpr FieldSpec kCrossRangeUncertainty{
    "D32.13", "cross_range_uncertainty_m", WireType::kI16, 0, 2, 10.0};  // dm
inline constexpr FieldSpec kHeightUncertainty{"D32.14", "height_uncertainty_m", WireType::kI8, 0,
                                              1};
inline constexpr FieldSpec kRadialVelocityUncertainty{
    "D32.15", "radial_velocity_uncertainty_mps", WireType::kI16, 0, 2, 100.0};  // cm/s
inline constexpr FieldSpec kTruthTagApplication{"D32.16", "truth_tag_application", WireType::kI8, 0,
                                                1};
inline constexpr FieldSpec kTruthTagEntity{"D32.17", "truth_tag_entity", WireType::kI32, 0, 4};
inline constexpr FieldSpec kRcs{"D32.18", "rcs_dbsm", WireType::kS8, 0, 1, 2.0};  // dBsm/2
inline constexpr std::array kFields{kMtiReportIndex,
                                    kHiResLat,
                                    kHiResLon,
                                    kDeltaLat,
                                    kDeltaLon,
                                    kGeodeticHeight,
                                    kVelocityLos,
                                    kWrapVelocity,
                                    kSnr,
                                    kClassification,
                                    kClassProbability,
                                    kSlantRangeUncertainty,
                                    kCrossRangeUncertainty,
                                    kHeightUncertainty,
                                    kRadialVelocityUncertainty,
                                    kTruthTagApplication,
                                    kTruthTagEntity,
                                    kRcs};
inline constexpr size_t kFieldCount = kFields.size();
inline constexpr unsigned kFirstFieldBit = 33;
}  // namespace target

// Indices into dwell::kFields and target::kFields.
enum class DwellField : uint8_t {
  kRevisitIndex,
  kDwellIndex,
  kLastDwellOfRevisit,
  kTargetReportCount,
  kDwellTime,
  kSensorLat,
  kSensorLon,
  kSensorAlt,
  kLatScaleFactor,
  kLonScaleFactor,
  kSensorAlongTrackUncertainty,
  kSensorCrossTrackUncertainty,
  kSensorAltUncertainty,
  kSensorTrack,
  kSensorSpeed,
  kSensorVerticalVelocity,
  kSensorTrackUncertainty,
  kSensorSpeedUncertainty,
  kSensorVerticalVelocityUncertainty,
  kPlatformHeading,
  kPlatformPitch,
  kPlatformRoll,
  kDwellCenterLat,
  kDwellCenterLon,
  kRangeHalfExtent,
  kAngleHalfExtent,
  kSensorHeading,
  kSensorPitch,
  kSensorRoll,
  kMinimumDetectableVelocity,
};
enum class TargetField : uint8_t {
  kMtiReportIndex,
  kHiResLat,
  kHiResLon,
  kDeltaLat,
  kDeltaLon,
  kGeodeticHeight,
  kVelocityLos,
  kWrapVelocity,
  kSnr,
  kClassification,
  kClassProbability,
  kSlantRangeUncertainty,
  kCrossRangeUncertainty,
  kHeightUncertainty,
  kRadialVelocityUncertainty,
  kTruthTagApplication,
  kTruthTagEntity,
  kRcs,
};

// The enumerations index the tables; the table order is the wire order.
static_assert(dwell::kFields[static_cast<size_t>(DwellField::kSensorLat)].id == "D7");
static_assert(dwell::kFields[static_cast<size_t>(DwellField::kDwellCenterLat)].id == "D24");
static_assert(dwell::kFields[static_cast<size_t>(DwellField::kMinimumDetectableVelocity)].id ==
              "D31");
static_assert(target::kFields[static_cast<size_t>(TargetField::kHiResLat)].id == "D32.2");
static_assert(target::kFields[static_cast<size_t>(TargetField::kSlantRangeUncertainty)].id ==
              "D32.12");
static_assert(target::kFields[static_cast<size_t>(TargetField::kRcs)].id == "D32.18");

constexpr uint64_t MaskBit(DwellField f) {
  return uint64_t{1} << (dwell::kFirstFieldBit - static_cast<unsigned>(f));
}
constexpr uint64_t MaskBit(TargetField f) {
  return uint64_t{1} << (target::kFirstFieldBit - static_cast<unsigned>(f));
}

// The mandatory dwell fields D2-D9 and D24-D27: always sent, their mask bits always set.
inline constexpr uint64_t kMandatoryDwellMask =
    MaskBit(DwellField::kRevisitIndex) | MaskBit(DwellField::kDwellIndex) |
    MaskBit(DwellField::kLastDwellOfRevisit) | MaskBit(DwellField::kTargetReportCount) |
    MaskBit(DwellField::kDwellTime) | MaskBit(DwellField::kSensorLat) |
    MaskBit(DwellField::kSensorLon) | MaskBit(DwellField::kSensorAlt) |
    MaskBit(DwellField::kDwellCenterLat) | MaskBit(DwellField::kDwellCenterLon) |
    MaskBit(DwellField::kRangeHalfExtent) | MaskBit(DwellField::kAngleHalfExtent);

struct TargetReport {
  std::array<int64_t, target::kFieldCount> raw{};  // 0 where the field is absent

  int64_t Raw(TargetField f) const { return raw[static_cast<size_t>(f)]; }
  double Value(TargetField f) const {
    return ScaledValue(target::kFields[static_cast<size_t>(f)], Raw(f));
  }
  void SetRaw(TargetField f, int64_t v) { raw[static_cast<size_t>(f)] = v; }
  void SetValue(TargetField f, double v) {
    SetRaw(f, QuantizeValue(target::kFields[static_cast<size_t>(f)], v));
  }
  friend bool operator==(const TargetReport&, const TargetReport&) = default;
};

struct DwellSegment {
  uint64_t existence_mask = kMandatoryDwellMask;
  std::array<int64_t, dwell::kFieldCount> raw{};  // 0 where the field is absent
  // D5 reports. Decoding resizes this vector in place, so a caller that reuses one
  // DwellSegment allocates only when a dwell has more reports than any before it.
  std::vector<TargetReport> reports;

  bool Has(DwellField f) const { return (existence_mask & MaskBit(f)) != 0; }
  bool Has(TargetField f) const { return (existence_mask & MaskBit(f)) != 0; }
  int64_t Raw(DwellField f) const { return raw[static_cast<size_t>(f)]; }
  double Value(DwellField f) const {
    return ScaledValue(dwell::kFields[static_cast<size_t>(f)], Raw(f));
  }
  // Setters also set the field's mask bit (for encoders).
  void SetRaw(DwellField f, int64_t v) {
    raw[static_cast<size_t>(f)] = v;
    existence_mask |= MaskBit(f);
  }
  void SetValue(DwellField f, double v) {
    SetRaw(f, QuantizeValue(dwell::kFields[static_cast<size_t>(f)], v));
  }
  friend bool operator==(const DwellSegment&, const DwellSegment&) = default;
};

// The report's position in degrees, longitude in [-180, 180): from the hi-res fields D32.2-3
// when both are present, else the dwell area centre (D24, D25) plus the deltas D32.4-5 times
// the scale factors D10-11 when all four are present. False when neither is available.
bool ReportPosition(const DwellSegment& dwell, const TargetReport& report, double& lat_deg,
                    double& lon_deg);

// A longitude in degrees brought into [-180, 180) (binary angles carry 0 to 360).
double NormalizeLongitude(double lon_deg);

// D32.10 target classification names ("wheeled_vehicle_live"; "reserved" outside the table).
std::string_view TargetClassificationName(uint8_t classification);

// A segment biac does not decode (HRR, test and status, ...): its type and size only.
struct OtherSegment {
  uint8_t type = 0;
  uint32_t payload_size = 0;
  friend bool operator==(const OtherSegment&, const OtherSegment&) = default;
};

}  // namespace biac::formats::gmti
