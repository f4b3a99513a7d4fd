#pragma once

// Multi-source, two-nation scenarios for fusion (issue 4 §5): ground truth of ships and
// aircraft, and the Observations several labelled sources report of them, in the order they
// ARRIVE (every source has a latency, so arrival order is not data-time order).
//
//   GenerateBilateral         the Kyushu/Okinawa scenario (docs/sim.md, "Multi-source
//                             scenarios"): AIS, ADS-B, a US coastal radar, a Japanese radar, a
//                             US-only and a Japan-only source, Japanese partner system tracks,
//                             and four audiences.
//   GenerateRandomMultiSource a small random scenario with random sources, labels and
//                             audiences, for the differential leak test of issue 4 §3.
//
// Kinematics: targets move on the WGS-84 ellipsoid by dead reckoning (the navigation
// equations dlat/dt = v_n / (M + h), dlon/dt = v_e / ((N + h) cos lat), M and N the meridian
// and prime-vertical radii of curvature; P. D. Groves, "Principles of GNSS, Inertial, and
// Multisensor Integrated Navigation Systems", 2nd ed. 2013, ch. 2) in steps of at most
// 1 s: a straight leg keeps its course (a rhumb line), a coordinated turn changes the course
// at a constant rate at constant speed. `velocity_enu` is always in the local east-north-up
// frame AT the target's position, and is the exact derivative of the position.
//
// Radar plots are 2-D (`has_altitude` false): `sensor_relative.range_m` is the ground range
// (the length of the geodesic on the ellipsoid between the sensor's and the target's foot
// points) and `azimuth_deg` the geodesic's azimuth at the sensor, clockwise from true north;
// `position` is the end of that geodesic (GeodesicDirect), so a plot is exact in the
// azimuthal equidistant projection about its sensor, whatever the target's altitude. Its
// `position_covariance` is the linearised range/azimuth noise at `position`:
// sigma_r^2 u u' + (r sigma_az)^2 p p', u the unit vector along the geodesic's final azimuth
// and p perpendicular to it.
//
// Everything is a pure function of the options and the seed: all draws come from SplitMix64
// streams (random.h), one per target and one per source (DeriveSeed), consumed in a fixed
// order; nothing depends on the wall clock or on unordered containers.

#include <Eigen/Core>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "biac/base/status.h"
#include "biac/base/time.h"
#include "biac/geo/coordinates.h"
#include "biac/labels/access.h"
#include "biac/labels/label.h"
#include "biac/model/observation.h"
#include "biac/model/picture.h"

namespace biac::sim {

struct TargetInfo {
  int32_t id = 0;  // 1, 2, ...: ships first, then aircraft, then the UAV and ground vehicles
  model::Domain domain = model::Domain::kUnknown;
  std::optional<uint32_t> mmsi, icao_address;
  std::string callsign;
  std::string name;      // vessel name (ships)
  std::string category;  // AIS ship type code ("70" cargo) or ADS-B emitter category ("A3")
  // Whether the object reports itself (AIS or ADS-B) at all; a dark vessel or a military
  // aircraft without ADS-B has false.
  bool transmits = false;
  // A transmitting ship that stops transmitting at this time (no self report at or after it).
  std::optional<Timestamp> goes_dark_at;
  // The interval the target exists in the scenario (aircraft enter and leave the area).
  Timestamp appears, disappears;
};

struct TruthSample {
  Timestamp time;
  int32_t target = 0;
  geo::Lla position;
  Eigen::Vector3d velocity_enu = Eigen::Vector3d::Zero();  // m/s, ENU at `position`
};

struct SourceDescription {
  std::string id;  // the Observation::source of its observations
  model::SourceKind kind = model::SourceKind::kSimulation;
  model::ObservationKind observation_kind = model::ObservationKind::kDetection;
  std::string label_text;  // as configured; labels::Parse(label_text) == label
  labels::Label label;
  std::string description;
  // Arrival time = data time + latency_s + U(0, latency_jitter_s), then held back so that
  // one source's observations arrive in their data-time order (a source's link is FIFO).
  double latency_s = 0.0;
  double latency_jitter_s = 0.0;
  double period_s = 0.0;  // report period (self reports, tracks) or scan period (radars)
};

struct Audience {
  std::string name;
  std::string user_json;  // labels::ParseUser(user_json) == user
  labels::User user;
};

// The truth behind one observation: the target it originates from (-1 for clutter) and that
// target's true state at the observation's data time.
struct ObservationTruth {
  int32_t target = -1;
  geo::Lla position;
  Eigen::Vector3d velocity_enu = Eigen::Vector3d::Zero();
};

// A UAV of the scenario and what its two feeds need beyond the observations (the wire
// encoders, wire_feed.h, read it). Its KLV source reports, once per period, the platform's
// self report then five sensor points (frame centre, then footprint corners 1-4, ST 0601.17
// order: corner 1 the far left of the image, then clockwise; the order the node's KLV
// mapping gives them in) with one data time and one arrival time, adjacent in
// `observations`: the six observations of one ST 0601 packet. Sensor points have truth
// target -1 (they are where the sensor looks, not an object). Its
// GMTI source reports each dwell's detections likewise (one STANAG 4607 dwell).
struct UavDescription {
  int32_t target = 0;              // TargetInfo::id of the platform
  std::string klv_source;          // SourceDescription::id of the KLV feed
  std::string gmti_source;         // SourceDescription::id of the GMTI feed
  std::string tail_number;         // ST 0601 tag 4; STANAG 4607 P8 platform id
  std::string call_sign;           // ST 0601 tag 59
  std::string designation;         // ST 0601 tag 10
  std::string mission_id;          // ST 0601 tag 3; STANAG 4607 M1 mission plan
  std::string image_sensor;        // ST 0601 tag 11
  uint8_t gmti_platform_type = 0;  // STANAG 4607 M3 (36: MQ-9 Reaper)
  double horizontal_fov_deg = 0.0;
  double vertical_fov_deg = 0.0;
  double bank_deg = 0.0;  // steady roll of the orbit (positive: right wing down)
  // The GMTI dwell area: its centre and half extents (STANAG 4607 D24-D27).
  geo::Lla dwell_center;
  double dwell_range_half_extent_m = 0.0;
  double dwell_angle_half_extent_deg = 0.0;
  double minimum_detectable_velocity_mps = 0.0;  // D31
  uint8_t gmti_classification = 0;               // D32.10 of every report
  // One-sigma accuracies every report carries (D32.12-D32.15; cross range as an angle, sent
  // as metres at the report's slant range).
  double slant_range_sigma_m = 0.0;
  double cross_range_sigma_deg = 0.0;
  double height_sigma_m = 0.0;
  double radial_velocity_sigma_mps = 0.0;
};

struct MultiSourceScenario {
  std::string name;
  uint64_t seed = 0;
  geo::Lla origin;  // centre of the area: the metric frame
  // The area (for metrics and plotting): targets are created inside it; aircraft leave the
  // scenario when they leave it. With a UAV it also covers the UAV's area (31-32 N,
  // 129.5-130.8 E, GenerateBilateral), north of the maritime one.
  double min_latitude_deg = 0.0, max_latitude_deg = 0.0;
  double min_longitude_deg = 0.0, max_longitude_deg = 0.0;
  Timestamp start, end;
  double truth_step_s = 0.0;
  std::vector<SourceDescription> sources;
  std::vector<Audience> audiences;
  std::vector<TargetInfo> targets;               // by id
  std::vector<TruthSample> truth;                // sorted by (time, target), every truth_step_s
  std::vector<model::Observation> observations;  // in ARRIVAL order; ids 1..N in that order
  std::vector<Timestamp> arrival;                // arrival time of observations[i]; non-decreasing
  std::vector<ObservationTruth> observation_truth;  // observation_truth[i] for observations[i]
  std::vector<UavDescription> uavs;
};

struct BilateralOptions {
  uint64_t seed = 1;
  int ships = 120;
  int aircraft = 40;
  double duration_s = 1800;
  double truth_step_s = 5;
  // Fraction of the transmitting ships that stop transmitting AIS at a random time.
  double dark_fraction = 0.2;
  // Ships that never transmit AIS (dark vessels); -1: 5% of the ships, at least 2.
  int never_transmit = -1;
  // Fraction of the aircraft that are military without ADS-B.
  double military_fraction = 0.2;
  // Mean number of clutter plots per radar scan (Poisson).
  double clutter_per_scan = 3;
  // The US MQ-9-like UAV orbiting off western Kyushu with its KLV and GMTI feeds, and the
  // ground vehicles its sensors watch on the Satsuma peninsula. The UAV and the vehicles are
  // targets of the UAV's feeds only (the other sources are as they were without them).
  bool uav = true;
  int ground_vehicles = 6;
  // Scenario start (data time): 2026-06-01T00:00:00Z.
  Timestamp start = Timestamp::FromNanos(1780272000LL * 1000000000LL);
  std::string name = "kyushu-okinawa";
};

// The Kyushu/Okinawa scenario (docs/sim.md). Errors: options out of range, or (a bug) a
// configured label or user that does not parse.
Result<MultiSourceScenario> GenerateBilateral(const BilateralOptions& options);

struct RandomScenarioOptions {
  int min_targets = 3, max_targets = 12;
  int min_sources = 2, max_sources = 5;
  double duration_s = 120;
};

// A small random scenario (a 60 km square around 27.5 N 128 E): targets of random domain,
// 2-5 sources of random kinds (self reports with identity, 2-D radar plots with clutter,
// system tracks with track numbers), each with a label drawn from a pool of both policies'
// labels (RandomLabelPool) and a random latency, and 4 random audiences. Deterministic in
// `seed`.
MultiSourceScenario GenerateRandomMultiSource(uint64_t seed,
                                              const RandomScenarioOptions& options = {});

// The label strings GenerateRandomMultiSource draws from.
const std::vector<std::string>& RandomLabelPool();

// Named scenarios for the command line: "kyushu-okinawa" (the defaults) and
// "kyushu-okinawa-small" (fast, for tests: 30 ships, 10 aircraft, 600 s). kNotFound for
// other names.
Result<MultiSourceScenario> BuiltinMultiSource(std::string_view name, uint64_t seed);
std::vector<std::string> BuiltinMultiSourceNames();

}  // namespace biac::sim
