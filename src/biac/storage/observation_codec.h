#pragma once

// The stored form of a model::Observation: a compact, versioned binary record that carries
// every field exactly (doubles bit for bit, NaN payloads and -0 included), written by the
// store's observation rows (the `blob` column) and read back for restart replay and
// provenance queries.
//
// Record, version 1 (all integers little-endian; "varint" is LEB128, 7 bits per byte, least
// significant group first, minimal length; "zigzag" maps a signed value s to (s << 1) ^ (s >>
// 63); "string" is a varint byte count then the bytes; "f64" is an IEEE 754 binary64 in 8
// bytes):
//
//   field                 encoding        present when
//   version               u8 = 1          always
//   flags                 varint          always (bits: kFlag* below; unknown bits rejected)
//   id                    varint          always
//   time                  zigzag varint   always (Timestamp nanoseconds)
//   source_kind, kind     u8, u8          always (enum values, range-checked)
//   source, sensor        string, string  always
//   position              3 x f64         always (lat, lon, alt)
//   position_covariance   0, 6 or 9 f64   by kFlagPositionCov*: zero / symmetric (upper
//                                         triangle, row-major) / full (row-major)
//   velocity_enu          3 x f64         kFlagVelocity
//   velocity_covariance   0, 6 or 9 f64   by kFlagVelocityCov*
//   sensor_relative       3 x f64 + the   kFlagSensorRelative; then range, azimuth, elevation,
//                         present optionals  range rate (each f64 when its kFlag bit is set)
//                         + 4 x f64 sigmas  and the four sigmas
//   identity numbers      varint each     mmsi, icao_address, mode3a, track_number, imo
//   identity strings      string each     callsign, name, uid, category (when non-empty)
//   label                 string          always: labels::Render(label)
//
// Decoding is strict: it accepts exactly the bytes EncodeObservation writes (minimal varints,
// the covariance form the encoder would choose, a flag set only for a present field, the
// canonical label rendering, nothing after the label), so Encode(Decode(b)) == b for every
// accepted b and Decode(Encode(x)) is x. Errors name the byte offset and the field
// ("observation record byte 12 (source): length 300 exceeds the 20 bytes left").

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "biac/base/status.h"
#include "biac/labels/label.h"
#include "biac/model/observation.h"

namespace biac::storage {

inline constexpr uint8_t kObservationCodecVersion = 1;

// Encodes observations; keeps the rendering of the last label seen (a source's observations
// usually share one label), so it is cheap to reuse one encoder per thread.
class ObservationEncoder {
 public:
  // Appends the record to `out`.
  void Encode(const model::Observation& observation, std::string& out);
  // The canonical rendering of the last encoded observation's label.
  const std::string& last_label_text() const { return label_text_; }

 private:
  labels::Label label_;
  std::string label_text_ = labels::Render(labels::Label());
};

// Decodes records; caches parsed labels by their text.
class ObservationDecoder {
 public:
  Status Decode(std::span<const uint8_t> record, model::Observation& out);

 private:
  std::unordered_map<std::string, labels::Label> labels_;
};

std::string EncodeObservation(const model::Observation& observation);
Result<model::Observation> DecodeObservation(std::span<const uint8_t> record);

// Field-by-field equality with doubles compared bit for bit (a NaN equals the same NaN):
// the round-trip relation of the codec (tests, fuzz target).
bool SameObservation(const model::Observation& a, const model::Observation& b);

}  // namespace biac::storage
