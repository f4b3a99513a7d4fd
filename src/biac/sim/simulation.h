#pragma once

// Truth and detections of a scenario, and the functions that generate them.
//
// For Monte Carlo work the two halves are separate: GenerateTruth once, then
// GenerateDetections(scenario, truth, seed) per run with a different seed; each call is
// independent of every other and costs only the sensor draws.
//
// Random streams: the truth of target i draws from SplitMix64(DeriveSeed(scenario.seed, i))
// (only when it has process noise); sensor j of a detection run seeded s draws from
// SplitMix64(DeriveSeed(s, j)). Within a sensor look the draw order is: for each target
// alive at that time, in increasing id order, one uniform against Pd and, when detected, one normal
// per measurement component in column order; then the Poisson clutter count, then per clutter
// point one uniform per component in column order.

#include <Eigen/Core>

#include <cstdint>
#include <string>
#include <vector>

#include "biac/base/status.h"
#include "biac/sim/scenario.h"

namespace biac::sim {

struct TruthState {
  double time = 0.0;  // s from scenario start
  std::int32_t id = 0;
  Eigen::Vector3d position = Eigen::Vector3d::Zero();  // m; z = 0 in 2-D
  Eigen::Vector3d velocity = Eigen::Vector3d::Zero();  // m/s
};

// Truth sampled at every scan time and every sensor look time (sorted, distinct), each time
// holding the targets alive then, in increasing id order.
struct Truth {
  int dimensions = 2;
  std::vector<double> times;
  std::vector<std::size_t> begin;  // states of times[k] are states[begin[k] .. begin[k + 1])
  std::vector<TruthState> states;

  std::size_t TimeCount() const { return times.size(); }
  const TruthState* StatesBegin(std::size_t k) const { return states.data() + begin[k]; }
  const TruthState* StatesEnd(std::size_t k) const { return states.data() + begin[k + 1]; }
};

inline constexpr std::int32_t kClutter = -1;

struct Detection {
  double time = 0.0;        // s from scenario start
  std::int32_t sensor = 0;  // index into the scenario's sensors
  // The sensor's measurement components in its column order (SensorSpec::components).
  std::array<double, kMaxComponents> values{};
  std::int32_t truth_id = kClutter;  // the target that caused it, or kClutter
};

// What a run produces. Detections are ordered by time, then sensor name, then (within one
// sensor look) detected targets in increasing id order followed by clutter.
struct SimulationOutput {
  int dimensions = 2;
  int scans = 0;
  int targets = 0;
  std::vector<SensorSpec> sensors;
  Truth truth;
  std::vector<Detection> detections;
};

// Checks a scenario built in code (the TOML reader checks as it reads): dimensions, step,
// scans, segment durations, sensor periods, probabilities, sigmas and clutter regions.
Status ValidateScenario(const Scenario& scenario);

// The truth of a valid scenario. Deterministic in scenario.seed.
Truth GenerateTruth(const Scenario& scenario);

// One noisy realisation of every sensor's detections of `truth` (from GenerateTruth of the
// same scenario), seeded with `seed`.
std::vector<Detection> GenerateDetections(const Scenario& scenario, const Truth& truth,
                                          std::uint64_t seed);

// GenerateTruth with scenario.seed, then GenerateDetections with DeriveSeed(scenario.seed,
// 0x5E5) so truth noise and measurement noise never share a stream.
SimulationOutput Simulate(const Scenario& scenario);

// The noise-free measurement of a target state by a sensor, in the sensor's column order.
// Radar/angle-only: range = |d|, bearing = atan2(dy, dx), elevation = asin(dz / |d|),
// range_rate = d . v / |d| with d = target position - sensor position (the sensor is static),
// computed by the estimation module's models (estimation/radar.h, estimation/angle_only.h) so
// the simulator and the trackers share one definition.
std::array<double, kMaxComponents> MeasureState(const SensorSpec& sensor,
                                                const Eigen::Vector3d& position,
                                                const Eigen::Vector3d& velocity);

// Wraps an angle into (-pi, pi].
double WrapAngle(double angle);

}  // namespace biac::sim
