#pragma once

// The MTT-CV2D benchmark scenario (shared/research/tracking-anchors.md §2.1), generated bit for
// bit as the Python reference `make_scenario` (Appendix A there) does:
//   - N targets for all K scans, t_k = k T, state [x, vx, y, vy] in m and m/s;
//   - region [0, L]^2 with L = sqrt(N / 1e-6) m (one target per km^2);
//   - truth: nearly-constant velocity, q = 0.1 m^2/s^3, exact discretisation per axis;
//   - one position sensor, R = diag(10^2, 10^2) m^2, Pd = 0.9, clutter Poisson with mean
//     1e-6 L^2 per scan uniform over [0, L]^2;
//   - one SplitMix64 stream seeded with `seed` drawing in the reference order (initial states;
//     then per scan: propagation for k > 0, detections, clutter).
// Check values (seed 20240601): N = 10 gives first truth (80.64909827751065, 0.6159699133368647,
// 2005.1637321966393, 1.5782387023988815) and 1882 detections in 100 scans; N = 100 -> 18945;
// N = 1000 -> 189947.
//
// Unlike general scenarios, truth and measurement noise share one stream here, so there is no
// separate GenerateDetections for it: the reference draw order interleaves them.

#include <cstdint>

#include "biac/sim/simulation.h"

namespace biac::sim {

struct MttCv2dOptions {
  int targets = 10;
  int scans = 100;
  std::uint64_t seed = 20240601;
  double period = 1.0;         // T, s
  double process_noise = 0.1;  // q, m^2/s^3
  double sigma = 10.0;         // measurement noise per axis, m
  double detection_probability = 0.9;
  double initial_speed_sigma = 10.0;  // m/s per axis of the initial velocity
  double clutter_density = 1e-6;      // per m^2 per scan
};

// The name of the scenario's one sensor in the output.
inline constexpr const char* kMttCv2dSensorName = "pos0";

// The side L of the square region, m.
double MttCv2dRegionSide(const MttCv2dOptions& options);

Status ValidateMttCv2d(const MttCv2dOptions& options);

// Generates the scenario (options must be valid). Truth ids are 0 .. N-1; truth_id of a
// detection is the target index or kClutter.
SimulationOutput GenerateMttCv2d(const MttCv2dOptions& options);

}  // namespace biac::sim
