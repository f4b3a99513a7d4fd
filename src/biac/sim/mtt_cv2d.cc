#include "biac/sim/mtt_cv2d.h"

#include <cmath>
#include <string>

#include "biac/sim/random.h"

namespace biac::sim {
namespace {

// Targets per m^2 that fix the region size (one per km^2).
constexpr double kTargetDensity = 1e-6;

}  // namespace

double MttCv2dRegionSide(const MttCv2dOptions& options) {
  return std::sqrt(options.targets / kTargetDensity);
}

Status ValidateMttCv2d(const MttCv2dOptions& options) {
  if (options.targets < 1) return InvalidArgument("mtt-cv2d: --n must be >= 1");
  if (options.scans < 1) return InvalidArgument("mtt-cv2d: --scans must be >= 1");
  if (!(options.period > 0.0)) return InvalidArgument("mtt-cv2d: period must be > 0");
  if (!(options.process_noise > 0.0)) {
    return InvalidArgument("mtt-cv2d: process noise must be > 0");
  }
  if (!(options.detection_probability >= 0.0 && options.detection_probability <= 1.0)) {
    return InvalidArgument("mtt-cv2d: detection probability must be in [0, 1]");
  }
  return Status::Ok();
}

SimulationOutput GenerateMttCv2d(const MttCv2dOptions& options) {
  // Every expression below mirrors the reference generator's operand order so the doubles
  // agree to the last bit (e.g. `p + T * v + l11 * z1` is ((p + T v) + l11 z1)).
  SplitMix64 rng(options.seed);
  const int n = options.targets;
  const double big_l = MttCv2dRegionSide(options);
  const double lambda = options.clutter_density * big_l * big_l;
  const double t_step = options.period;
  const double q = options.process_noise;
  const double l11 = std::sqrt(q * std::pow(t_step, 3) / 3);
  const double l21 = (q * std::pow(t_step, 2) / 2) / l11;
  const double l22 = std::sqrt(q * t_step - std::pow(l21, 2));

  SimulationOutput out;
  out.dimensions = 2;
  out.scans = options.scans;
  out.targets = n;
  SensorSpec sensor;
  sensor.name = kMttCv2dSensorName;
  sensor.kind = SensorKind::kPosition;
  sensor.components = MeasurementComponents(SensorKind::kPosition, 2, false);
  sensor.sigma = {options.sigma, options.sigma, 0.0, 0.0};
  sensor.clutter_region[0] = {0.0, big_l};
  sensor.clutter_region[1] = {0.0, big_l};
  sensor.detection_probability = options.detection_probability;
  sensor.clutter_density = options.clutter_density;
  sensor.period = t_step;
  out.sensors.push_back(sensor);

  // x[i] = [x, vx, y, vy].
  std::vector<std::array<double, 4>> x(static_cast<std::size_t>(n));
  for (auto& s : x) {
    const double px = rng.Uniform() * big_l;
    const double py = rng.Uniform() * big_l;
    const double vx = rng.Normal() * options.initial_speed_sigma;
    const double vy = rng.Normal() * options.initial_speed_sigma;
    s = {px, vx, py, vy};
  }

  Truth& truth = out.truth;
  truth.dimensions = 2;
  truth.times.reserve(options.scans);
  truth.begin.reserve(options.scans + 1);
  truth.states.reserve(static_cast<std::size_t>(options.scans) * n);
  out.detections.reserve(static_cast<std::size_t>(options.scans) *
                         static_cast<std::size_t>(n * options.detection_probability + lambda + 1));
  for (int k = 0; k < options.scans; ++k) {
    const double t = k * t_step;
    if (k > 0) {
      for (auto& s : x) {
        for (int a : {0, 2}) {
          const double z1 = rng.Normal();
          const double z2 = rng.Normal();
          const double p = s[a];
          const double v = s[a + 1];
          s[a] = p + t_step * v + l11 * z1;
          s[a + 1] = v + l21 * z1 + l22 * z2;
        }
      }
    }
    truth.times.push_back(t);
    truth.begin.push_back(truth.states.size());
    for (int i = 0; i < n; ++i) {
      const auto& s = x[i];
      truth.states.push_back(
          {t, i, Eigen::Vector3d(s[0], s[2], 0.0), Eigen::Vector3d(s[1], s[3], 0.0)});
    }
    for (int i = 0; i < n; ++i) {
      const auto& s = x[i];
      if (rng.Uniform() < options.detection_probability) {
        const double dx = s[0] + options.sigma * rng.Normal();
        const double dy = s[2] + options.sigma * rng.Normal();
        out.detections.push_back({t, 0, {dx, dy, 0.0, 0.0}, i});
      }
    }
    const std::int64_t clutter = rng.Poisson(lambda);
    for (std::int64_t c = 0; c < clutter; ++c) {
      const double cx = rng.Uniform() * big_l;
      const double cy = rng.Uniform() * big_l;
      out.detections.push_back({t, 0, {cx, cy, 0.0, 0.0}, kClutter});
    }
  }
  truth.begin.push_back(truth.states.size());
  return out;
}

}  // namespace biac::sim
