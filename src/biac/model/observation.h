#pragma once

// Observation: what every wire format decodes into and what fusion consumes. One value per
// reported object per report: kinematics with their uncertainty, the object's identities,
// where and when it came from, and the security label of its source.

#include <Eigen/Core>

#include <cstdint>
#include <optional>
#include <string>

#include "biac/base/time.h"
#include "biac/geo/coordinates.h"
#include "biac/labels/label.h"

namespace biac::model {

// The wire format (or producer) an observation came from.
enum class SourceKind : uint8_t {
  kAis,
  kAdsb,      // Mode S / ADS-B, including Beast and SBS-1 feeds
  kAsterix,
  kCot,       // Cursor-on-Target XML or TAK protocol
  kKlv,       // MISB ST 0601 UAS datalink
  kGmti,      // STANAG 4607
  kSimulation,
  kPartner,   // a partner node's released picture
};

// What the reported position is.
enum class ObservationKind : uint8_t {
  kSelfReport,   // a cooperative object reports its own position (AIS, ADS-B, CoT SA, UAV platform)
  kDetection,    // a sensor detected an object here (radar plot, GMTI target report)
  kSystemTrack,  // another system's track (ASTERIX CAT062, a CoT track, a partner's track)
  kSensorPoint,  // a point a sensor looks at (UAV frame centre and footprint corners)
};

std::string_view SourceKindName(SourceKind kind);
std::string_view ObservationKindName(ObservationKind kind);

// Identities an object announces or a source assigns. Absent fields are empty/nullopt.
struct Identity {
  std::optional<uint32_t> mmsi;          // AIS Maritime Mobile Service Identity
  std::optional<uint32_t> icao_address;  // 24-bit ICAO aircraft address
  std::optional<uint16_t> mode3a;        // Mode 3/A code as its 12-bit value (octal 7700 = 0xFC0)
  std::optional<uint32_t> track_number;  // the source's own track number
  std::optional<uint32_t> imo;           // IMO ship number
  std::string callsign;                  // flight id, radio call sign or CoT callsign
  std::string name;                      // vessel name or contact name
  std::string uid;                       // CoT uid or other source-wide unique id
  // The object's category in the source's own vocabulary: AIS ship type, ADS-B emitter
  // category, CoT type (e.g. "a-f-A-M-F-Q"), GMTI target classification.
  std::string category;
};

// A measurement relative to a sensor (radar plot, GMTI report): kept beside the geodetic
// position so a tracker can use the sensor's own coordinates and their noise.
struct SensorRelative {
  geo::Lla sensor_position;
  std::optional<double> range_m;
  std::optional<double> azimuth_deg;     // clockwise from true north
  std::optional<double> elevation_deg;
  std::optional<double> range_rate_mps;  // positive opening
  double range_sigma_m = 0.0;
  double azimuth_sigma_deg = 0.0;
  double elevation_sigma_deg = 0.0;
  double range_rate_sigma_mps = 0.0;
};

// The id the node's store gives an observation when it accepts it (its sequence number in
// the store, from 1); 0 until stored. Provenance refers to observations by this id, so the
// same observation has the same id in every audience's picture.
using ObservationId = uint64_t;

// The kind of object, as far as its sources tell (AIS: sea; ADS-B: air; CoT: its type's
// dimension; a STANAG 4607 target classification; otherwise from the track's motion).
enum class Domain : uint8_t { kUnknown, kSea, kAir, kLand, kSpace };

struct Observation {
  ObservationId id = 0;
  Timestamp time;           // time of applicability, from the data (UTC)
  std::string source;       // the configured source id, e.g. "ais-naha"
  std::string sensor;       // the sensor within the source, e.g. "SAC 25 SIC 10" or a receiver
  SourceKind source_kind = SourceKind::kSimulation;
  ObservationKind kind = ObservationKind::kSelfReport;

  // Position on WGS-84. When has_altitude is false the report is horizontal only (a ship,
  // a 2-D radar plot) and altitude_m and the up row/column of the covariance are unused.
  geo::Lla position;
  bool has_altitude = false;
  // Position covariance in the local east-north-up frame at `position`, in m^2.
  Eigen::Matrix3d position_covariance = Eigen::Matrix3d::Zero();

  // Velocity in east-north-up (m/s) with its covariance ((m/s)^2), when reported.
  std::optional<Eigen::Vector3d> velocity_enu;
  Eigen::Matrix3d velocity_covariance = Eigen::Matrix3d::Zero();
  bool has_vertical_velocity = false;

  std::optional<SensorRelative> sensor_relative;

  Identity identity;
  // The domain the wire itself names (a GMTI target classification); kUnknown when it names
  // none, and the fusion decides (fusion/engine.cc DomainOfObservation).
  Domain domain = Domain::kUnknown;
  labels::Label label;
};

}  // namespace biac::model
