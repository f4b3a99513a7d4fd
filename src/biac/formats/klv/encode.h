#pragma once

// MISB ST 0601.17 UAS Datalink Local Set encoder: the inverse of st0601.h for the items a
// full-motion-video platform sends every frame (or every second) about where it is and where
// its sensor looks. For the simulator, tests and fuzzing.
//
// Scalings come from the one tag table (st0601_tags.h), the decoder's: a mapped item of N
// bytes over [min, max] is written as
//   unsigned (kUnsignedMapped): round((x - min) * (2^(8N) - 1) / (max - min))
//   signed   (kSignedMapped):   round(x * (2^(8N) - 2) / (max - min))
// (ST 0601.17 section 8, each item's "Mapping" formula), so DecodeUasPacket(EncodeUasPacket(x))
// gives back every value within half a step of its item (the step the table's range and length
// define). A value outside its item's range, or not finite, is an error naming the tag (ST 0601
// has an "out of range" indicator for signed items, but a simulator that produces one has a
// bug, so the encoder refuses rather than silently sends it).
//
// Packet layout (ST 0601.17 section 6): the UAS LS universal key, a BER length, the Precision
// Time Stamp (tag 2) first (ST 0601.17 requires it as the first item of the set), the other
// present items and the UAS LS Version Number (tag 65) in ascending tag order, and the
// checksum (tag 1) last (section 6.4, klv.h Checksum0601).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "biac/base/status.h"

namespace biac::formats::klv {

// The version this encoder writes in tag 65 (ST 0601.17).
inline constexpr uint8_t kEncodedVersion0601 = 17;

// Number of offset-corner items (tags 26..33: latitude, longitude of corners 1..4).
inline constexpr size_t kOffsetCornerItems = 8;

// One UAS Datalink LS. Absent optionals and empty strings are not written. Angles in degrees,
// distances in metres, speeds in m/s, as in the tag table's `units`.
struct UasMetadata {
  std::optional<uint64_t> precision_time_stamp_us;      // 2: microseconds since 1970 UTC
  std::string mission_id;                               // 3
  std::string platform_tail_number;                     // 4
  std::optional<double> platform_heading_deg;           // 5:  0..360
  std::optional<double> platform_pitch_deg;             // 6:  +-20
  std::optional<double> platform_roll_deg;              // 7:  +-50
  std::string platform_designation;                     // 10
  std::string image_source_sensor;                      // 11
  std::optional<double> sensor_latitude_deg;            // 13: +-90
  std::optional<double> sensor_longitude_deg;           // 14: +-180
  std::optional<double> sensor_true_altitude_m;         // 15: -900..19000 (MSL)
  std::optional<double> sensor_horizontal_fov_deg;      // 16: 0..180
  std::optional<double> sensor_vertical_fov_deg;        // 17: 0..180
  std::optional<double> sensor_relative_azimuth_deg;    // 18: 0..360
  std::optional<double> sensor_relative_elevation_deg;  // 19: +-180
  std::optional<double> slant_range_m;                  // 21: 0..5e6
  std::optional<double> target_width_m;                 // 22: 0..10000
  std::optional<double> frame_center_latitude_deg;      // 23: +-90
  std::optional<double> frame_center_longitude_deg;     // 24: +-180
  std::optional<double> frame_center_elevation_m;       // 25: -900..19000 (MSL)
  // 26..33: corner 1 latitude offset, corner 1 longitude offset, ..., corner 4 longitude
  // offset, each +-0.075 deg from the frame centre.
  std::array<std::optional<double>, kOffsetCornerItems> offset_corner_deg;
  std::string platform_call_sign;                   // 59
  std::optional<double> sensor_ellipsoid_height_m;  // 75: -900..19000 (HAE)
  std::optional<double> frame_center_hae_m;         // 78: -900..19000 (HAE)
  std::optional<double> sensor_north_velocity_mps;  // 79: +-327
  std::optional<double> sensor_east_velocity_mps;   // 80: +-327
  uint8_t version = kEncodedVersion0601;            // 65
};

// Appends one whole packet (key, length, items, checksum) to `out`. Errors (nothing appended):
// a value outside its item's range or not finite, a string longer than its item allows (127
// bytes). The message names the tag: "tag 13 (Sensor Latitude): 91 outside [-90, 90]".
Status EncodeUasPacket(const UasMetadata& metadata, std::vector<uint8_t>& out);

// The raw integer of one mapped item (kUnsignedMapped or kSignedMapped, by the table's length
// and range), for tests and other encoders. Errors as above; kInvalidArgument for a tag that is
// not a mapped item.
Result<uint64_t> EncodeMappedValue(uint16_t tag, double value);

// Half the quantisation step of a mapped item: the largest |decode(encode(x)) - x|.
double MappedHalfStep(uint16_t tag);

}  // namespace biac::formats::klv
