#pragma once

// A scenario: targets with scripted motion and the sensors that observe them. Read from TOML
// (scenario_toml.h; the format is documented key by key in docs/sim.md) or built in code.
//
// Frames and units: a local Cartesian frame, x east, y north, z up, metres, seconds, m/s.
// A 2-D scenario has z = 0 throughout. Angles are radians here (the TOML keys take degrees
// and say so in their names). Bearing is measured counter-clockwise from +x
// (atan2(dy, dx), Stone Soup's convention), elevation up from the x-y plane.

#include <Eigen/Core>

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace biac::sim {

enum class MotionKind {
  kConstantVelocity,      // p' = p + v dt
  kCoordinatedTurn,       // constant speed, velocity rotating in the x-y plane at turn_rate
  kConstantAcceleration,  // p' = p + v dt + a dt^2 / 2, v' = v + a dt
};

struct MotionSegment {
  MotionKind kind = MotionKind::kConstantVelocity;
  double duration = 0.0;                                   // s, > 0
  double turn_rate = 0.0;                                  // rad/s, counter-clockwise positive
  Eigen::Vector3d acceleration = Eigen::Vector3d::Zero();  // m/s^2
  // When set, the velocity jumps to this value as the segment begins (waypoint legs).
  bool sets_velocity = false;
  Eigen::Vector3d velocity = Eigen::Vector3d::Zero();
};

struct TargetSpec {
  std::int32_t id = 0;
  double start_time = 0.0;  // s; the target exists on [start_time, start_time + sum(durations)]
  Eigen::Vector3d position = Eigen::Vector3d::Zero();
  Eigen::Vector3d velocity = Eigen::Vector3d::Zero();
  std::vector<MotionSegment> segments;
  // q in m^2/s^3: continuous white-noise acceleration added on every axis on top of the
  // scripted motion, discretised exactly over each interval between truth samples
  // (Q = q [[dt^3/3, dt^2/2], [dt^2/2, dt]] per axis). 0 = deterministic truth.
  double process_noise = 0.0;

  double Duration() const {
    double total = 0.0;
    for (const MotionSegment& s : segments) total += s.duration;
    return total;
  }
};

enum class SensorKind {
  kPosition,   // Cartesian position: x, y(, z)
  kRadar,      // range, bearing(, elevation)(, range_rate) from the sensor position
  kAngleOnly,  // bearing(, elevation) from the sensor position
};

// The measurement components a sensor can produce, in their fixed column order.
enum class Component { kX, kY, kZ, kRange, kBearing, kElevation, kRangeRate };
inline constexpr int kMaxComponents = 4;

struct SensorSpec {
  std::string name;
  SensorKind kind = SensorKind::kPosition;
  Eigen::Vector3d position = Eigen::Vector3d::Zero();  // radar and angle-only sensors
  bool range_rate = false;                             // radar only
  // The measurement components, their noise standard deviations (m, rad, m/s) and the clutter
  // region [min, max] of each, all in the same order (MeasurementComponents()).
  std::vector<Component> components;
  std::array<double, kMaxComponents> sigma{};
  std::array<std::pair<double, double>, kMaxComponents> clutter_region{};
  double detection_probability = 1.0;
  // Expected false alarms per scan per unit measurement-space volume (SI units: m, rad, m/s);
  // the count per scan is Poisson(density * region volume), points uniform over the region.
  double clutter_density = 0.0;
  double period = 0.0;  // s between looks; the sensor looks at phase + j * period
  double phase = 0.0;   // s

  int Dim() const { return static_cast<int>(components.size()); }
  double ClutterVolume() const {
    double volume = 1.0;
    for (int i = 0; i < Dim(); ++i) volume *= clutter_region[i].second - clutter_region[i].first;
    return volume;
  }
};

struct Scenario {
  std::string name;
  std::uint64_t seed = 0;
  int dimensions = 2;  // 2 or 3
  double step = 1.0;   // s between scans (truth output times t_k = k * step)
  int scans = 1;       // number of scans, k = 0 .. scans - 1
  std::vector<TargetSpec> targets;
  std::vector<SensorSpec> sensors;

  double EndTime() const { return step * (scans - 1); }
};

// The components a sensor of this kind produces in a scenario of `dimensions`.
std::vector<Component> MeasurementComponents(SensorKind kind, int dimensions, bool range_rate);

// The CSV column name of a component ("x", "range", "bearing", ...).
const char* ComponentName(Component component);

// Bearings are wrapped into (-pi, pi] after noise is added; elevation is not wrapped.
inline bool WrapsAround(Component c) { return c == Component::kBearing; }

}  // namespace biac::sim
