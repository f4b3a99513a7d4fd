#include "biac/sim/simulation.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "biac/estimation/angle_only.h"
#include "biac/estimation/angles.h"
#include "biac/estimation/radar.h"
#include "biac/sim/random.h"

namespace biac::sim {
namespace {

// Slack for comparing a sample time with a target's life span or the scenario end, relative
// to the magnitude of the times involved.
double TimeSlack(double scale) { return 1e-9 * std::max(1.0, std::abs(scale)); }

// The stream of the detection run that Simulate derives from the scenario seed.
constexpr std::uint64_t kDetectionStream = 0xD373C7ULL << 32;

std::vector<double> SensorTimes(const SensorSpec& sensor, double end_time) {
  std::vector<double> times;
  const double slack = TimeSlack(end_time);
  for (std::int64_t j = 0;; ++j) {
    const double t = sensor.phase + static_cast<double>(j) * sensor.period;
    if (t > end_time + slack) break;
    times.push_back(t);
  }
  return times;
}

void Move(const MotionSegment& segment, double dt, Eigen::Vector3d& p, Eigen::Vector3d& v) {
  switch (segment.kind) {
    case MotionKind::kConstantVelocity:
      p += v * dt;
      return;
    case MotionKind::kConstantAcceleration:
      p += v * dt + 0.5 * dt * dt * segment.acceleration;
      v += segment.acceleration * dt;
      return;
    case MotionKind::kCoordinatedTurn: {
      const double w = segment.turn_rate;
      if (std::abs(w * dt) < 1e-12) {
        p += v * dt;
        return;
      }
      // Closed form of the constant-speed turn (Bar-Shalom, Li, Kirubarajan 2001, §11.7.1):
      // the horizontal velocity rotates by w dt; z keeps constant velocity.
      const double s = std::sin(w * dt);
      const double c = std::cos(w * dt);
      const double vx = v.x();
      const double vy = v.y();
      p.x() += (s * vx - (1.0 - c) * vy) / w;
      p.y() += ((1.0 - c) * vx + s * vy) / w;
      p.z() += v.z() * dt;
      v.x() = c * vx - s * vy;
      v.y() = s * vx + c * vy;
      return;
    }
  }
}

// A target's state as it moves along its segments.
class TargetCursor {
 public:
  explicit TargetCursor(const TargetSpec& target)
      : target_(target), time_(target.start_time), p_(target.position), v_(target.velocity) {
    if (!target.segments.empty() && target.segments[0].sets_velocity) {
      v_ = target.segments[0].velocity;
    }
  }

  // Moves the deterministic motion forward by dt >= 0 across segment boundaries; past the
  // last segment the target keeps constant velocity (only within the time slack).
  void Advance(double dt) {
    double remaining = dt;
    while (remaining > 0.0) {
      if (segment_ >= target_.segments.size()) {
        p_ += v_ * remaining;
        break;
      }
      const MotionSegment& s = target_.segments[segment_];
      const double left = s.duration - elapsed_;
      const bool finishes = remaining >= left;
      const double h = finishes ? left : remaining;
      Move(s, h, p_, v_);
      remaining -= h;
      elapsed_ += h;
      if (finishes) {
        ++segment_;
        elapsed_ = 0.0;
        if (segment_ < target_.segments.size() && target_.segments[segment_].sets_velocity) {
          v_ = target_.segments[segment_].velocity;
        }
      }
    }
    time_ += dt;
  }

  // Adds the exact discretisation of white-noise acceleration with diffusion q over dt on
  // each axis: p += l11 z1, v += l21 z1 + l22 z2 with [[l11, 0], [l21, l22]] = chol(Q).
  void AddNoise(double q, double dt, int dimensions, SplitMix64& rng) {
    const double l11 = std::sqrt(q * dt * dt * dt / 3.0);
    const double l21 = (q * dt * dt / 2.0) / l11;
    const double l22 = std::sqrt(q * dt - l21 * l21);
    for (int a = 0; a < dimensions; ++a) {
      const double z1 = rng.Normal();
      const double z2 = rng.Normal();
      p_(a) += l11 * z1;
      v_(a) += l21 * z1 + l22 * z2;
    }
  }

  double time() const { return time_; }
  const Eigen::Vector3d& position() const { return p_; }
  const Eigen::Vector3d& velocity() const { return v_; }

 private:
  const TargetSpec& target_;
  double time_;
  std::size_t segment_ = 0;
  double elapsed_ = 0.0;
  Eigen::Vector3d p_;
  Eigen::Vector3d v_;
};

std::string Where(const char* what, std::size_t index) {
  return std::string(what) + "[" + std::to_string(index) + "]";
}

}  // namespace

double WrapAngle(double angle) { return estimation::WrapToPi(angle); }

std::vector<Component> MeasurementComponents(SensorKind kind, int dimensions, bool range_rate) {
  std::vector<Component> c;
  switch (kind) {
    case SensorKind::kPosition:
      c = {Component::kX, Component::kY};
      if (dimensions == 3) c.push_back(Component::kZ);
      break;
    case SensorKind::kRadar:
      c = {Component::kRange, Component::kBearing};
      if (dimensions == 3) c.push_back(Component::kElevation);
      if (range_rate) c.push_back(Component::kRangeRate);
      break;
    case SensorKind::kAngleOnly:
      c = {Component::kBearing};
      if (dimensions == 3) c.push_back(Component::kElevation);
      break;
  }
  return c;
}

const char* ComponentName(Component component) {
  switch (component) {
    case Component::kX:
      return "x";
    case Component::kY:
      return "y";
    case Component::kZ:
      return "z";
    case Component::kRange:
      return "range";
    case Component::kBearing:
      return "bearing";
    case Component::kElevation:
      return "elevation";
    case Component::kRangeRate:
      return "range_rate";
  }
  return "?";
}

std::array<double, kMaxComponents> MeasureState(const SensorSpec& sensor,
                                                const Eigen::Vector3d& position,
                                                const Eigen::Vector3d& velocity) {
  using estimation::SquareMatrix;
  using estimation::Vector;
  std::array<double, kMaxComponents> z{};
  if (sensor.kind == SensorKind::kPosition) {
    for (int i = 0; i < sensor.Dim(); ++i) z[i] = position(i);
    return z;
  }
  // The estimation module's models, fed a Stone Soup state [x, vx, y, vy(, z, vz)]; they return
  // Stone Soup's order ([theta,] phi, r[, rdot]), reordered here to the sim's columns
  // (range, bearing[, elevation][, range_rate]). The noise matrix is unused by Apply.
  auto has = [&sensor](Component c) {
    return std::find(sensor.components.begin(), sensor.components.end(), c) !=
           sensor.components.end();
  };
  const bool three_d = has(Component::kElevation);
  const bool range_rate = has(Component::kRangeRate);
  if (!three_d) {
    Vector<4> x;
    x << position.x(), velocity.x(), position.y(), velocity.y();
    const Vector<2> at = sensor.position.head<2>();
    if (sensor.kind == SensorKind::kAngleOnly) {
      z[0] = estimation::Bearing<4>({0, 2}, SquareMatrix<1>::Zero(), at).Apply(x)(0);
    } else if (range_rate) {
      const Vector<3> m =
          estimation::BearingRangeRate<4>({0, 2}, {1, 3}, SquareMatrix<3>::Zero(), at).Apply(x);
      z = {m(1), m(0), m(2), 0.0};
    } else {
      const Vector<2> m = estimation::BearingRange<4>({0, 2}, SquareMatrix<2>::Zero(), at).Apply(x);
      z = {m(1), m(0), 0.0, 0.0};
    }
    return z;
  }
  Vector<6> x;
  x << position.x(), velocity.x(), position.y(), velocity.y(), position.z(), velocity.z();
  const Vector<3> at = sensor.position;
  if (sensor.kind == SensorKind::kAngleOnly) {
    const Vector<2> m =
        estimation::ElevationBearing<6>({0, 2, 4}, SquareMatrix<2>::Zero(), at).Apply(x);
    z = {m(1), m(0), 0.0, 0.0};
  } else if (range_rate) {
    const Vector<4> m =
        estimation::ElevationBearingRangeRate<6>({0, 2, 4}, {1, 3, 5}, SquareMatrix<4>::Zero(), at)
            .Apply(x);
    z = {m(2), m(1), m(0), m(3)};
  } else {
    const Vector<3> m =
        estimation::ElevationBearingRange<6>({0, 2, 4}, SquareMatrix<3>::Zero(), at).Apply(x);
    z = {m(2), m(1), m(0), 0.0};
  }
  return z;
}

Status ValidateScenario(const Scenario& scenario) {
  if (scenario.dimensions != 2 && scenario.dimensions != 3) {
    return InvalidArgument("dimensions: must be 2 or 3, got " +
                           std::to_string(scenario.dimensions));
  }
  if (!(scenario.step > 0.0) || !std::isfinite(scenario.step)) {
    return InvalidArgument("time.step: must be a finite number > 0");
  }
  if (scenario.scans < 1) return InvalidArgument("time.scans: must be >= 1");
  for (std::size_t i = 0; i < scenario.targets.size(); ++i) {
    const TargetSpec& t = scenario.targets[i];
    if (t.segments.empty()) return InvalidArgument(Where("target", i) + ": has no motion");
    if (!(t.process_noise >= 0.0)) {
      return InvalidArgument(Where("target", i) + ".process_noise: must be >= 0");
    }
    for (std::size_t s = 0; s < t.segments.size(); ++s) {
      if (!(t.segments[s].duration > 0.0) || !std::isfinite(t.segments[s].duration)) {
        return InvalidArgument(Where("target", i) + "." + Where("segments", s) +
                               ".duration: must be a finite number > 0");
      }
    }
  }
  for (std::size_t j = 0; j < scenario.sensors.size(); ++j) {
    const SensorSpec& s = scenario.sensors[j];
    const std::string where = Where("sensor", j);
    if (s.name.empty()) return InvalidArgument(where + ".name: must not be empty");
    for (std::size_t k = 0; k < j; ++k) {
      if (scenario.sensors[k].name == s.name) {
        return InvalidArgument(where + ".name: '" + s.name + "' is used twice");
      }
    }
    if (s.components != MeasurementComponents(s.kind, scenario.dimensions, s.range_rate)) {
      return InvalidArgument(where + ": components do not match the sensor kind");
    }
    if (!(s.detection_probability >= 0.0 && s.detection_probability <= 1.0)) {
      return InvalidArgument(where + ".pd: must be in [0, 1]");
    }
    if (!(s.period > 0.0) || !std::isfinite(s.period)) {
      return InvalidArgument(where + ".period: must be a finite number > 0");
    }
    if (!(s.phase >= 0.0) || !std::isfinite(s.phase)) {
      return InvalidArgument(where + ".phase: must be a finite number >= 0");
    }
    for (int i = 0; i < s.Dim(); ++i) {
      if (!(s.sigma[i] >= 0.0) || !std::isfinite(s.sigma[i])) {
        return InvalidArgument(where + ": noise sigma of " + ComponentName(s.components[i]) +
                               " must be a finite number >= 0");
      }
    }
    if (!(s.clutter_density >= 0.0) || !std::isfinite(s.clutter_density)) {
      return InvalidArgument(where + ".clutter_density: must be a finite number >= 0");
    }
    if (s.clutter_density > 0.0) {
      for (int i = 0; i < s.Dim(); ++i) {
        const auto [lo, hi] = s.clutter_region[i];
        if (!(lo < hi) || !std::isfinite(lo) || !std::isfinite(hi)) {
          return InvalidArgument(where + ".clutter_" + ComponentName(s.components[i]) +
                                 ": needs finite [min, max] with min < max");
        }
      }
    }
  }
  return Status::Ok();
}

Truth GenerateTruth(const Scenario& scenario) {
  Truth truth;
  truth.dimensions = scenario.dimensions;
  const double end = scenario.EndTime();
  for (int k = 0; k < scenario.scans; ++k) truth.times.push_back(k * scenario.step);
  for (const SensorSpec& sensor : scenario.sensors) {
    const std::vector<double> looks = SensorTimes(sensor, end);
    truth.times.insert(truth.times.end(), looks.begin(), looks.end());
  }
  std::sort(truth.times.begin(), truth.times.end());
  truth.times.erase(std::unique(truth.times.begin(), truth.times.end()), truth.times.end());

  // Each target walks the sorted times once; the states are then grouped by time.
  std::vector<std::vector<TruthState>> per_target(scenario.targets.size());
  for (std::size_t i = 0; i < scenario.targets.size(); ++i) {
    const TargetSpec& target = scenario.targets[i];
    SplitMix64 rng(DeriveSeed(scenario.seed, i));
    TargetCursor cursor(target);
    const double first = target.start_time;
    const double last = target.start_time + target.Duration();
    const double slack = TimeSlack(last);
    for (double t : truth.times) {
      if (t < first - slack) continue;
      if (t > last + slack) break;
      const double dt = t - cursor.time();
      if (dt > 0.0) {
        cursor.Advance(dt);
        if (target.process_noise > 0.0) {
          cursor.AddNoise(target.process_noise, dt, scenario.dimensions, rng);
        }
      }
      per_target[i].push_back({t, target.id, cursor.position(), cursor.velocity()});
    }
  }
  std::vector<std::size_t> by_id(scenario.targets.size());
  for (std::size_t i = 0; i < by_id.size(); ++i) by_id[i] = i;
  std::sort(by_id.begin(), by_id.end(), [&scenario](std::size_t a, std::size_t b) {
    return scenario.targets[a].id < scenario.targets[b].id;
  });
  std::vector<std::size_t> next(scenario.targets.size(), 0);
  truth.begin.reserve(truth.times.size() + 1);
  for (double t : truth.times) {
    truth.begin.push_back(truth.states.size());
    for (std::size_t i : by_id) {
      if (next[i] < per_target[i].size() && per_target[i][next[i]].time == t) {
        truth.states.push_back(per_target[i][next[i]++]);
      }
    }
  }
  truth.begin.push_back(truth.states.size());
  return truth;
}

std::vector<Detection> GenerateDetections(const Scenario& scenario, const Truth& truth,
                                          std::uint64_t seed) {
  std::vector<Detection> detections;
  const double end = scenario.EndTime();
  for (std::size_t j = 0; j < scenario.sensors.size(); ++j) {
    const SensorSpec& sensor = scenario.sensors[j];
    SplitMix64 rng(DeriveSeed(seed, j));
    const int dim = sensor.Dim();
    const double clutter_mean = sensor.clutter_density * sensor.ClutterVolume();
    for (double t : SensorTimes(sensor, end)) {
      const auto it = std::lower_bound(truth.times.begin(), truth.times.end(), t);
      if (it != truth.times.end() && *it == t) {
        const std::size_t k = static_cast<std::size_t>(it - truth.times.begin());
        for (const TruthState* s = truth.StatesBegin(k); s != truth.StatesEnd(k); ++s) {
          if (!(rng.Uniform() < sensor.detection_probability)) continue;
          Detection d{t, static_cast<std::int32_t>(j),
                      MeasureState(sensor, s->position, s->velocity), s->id};
          for (int c = 0; c < dim; ++c) {
            d.values[c] += sensor.sigma[c] * rng.Normal();
            if (WrapsAround(sensor.components[c])) d.values[c] = WrapAngle(d.values[c]);
          }
          detections.push_back(d);
        }
      }
      if (clutter_mean > 0.0) {
        const std::int64_t count = rng.Poisson(clutter_mean);
        for (std::int64_t n = 0; n < count; ++n) {
          Detection d{t, static_cast<std::int32_t>(j), {}, kClutter};
          for (int c = 0; c < dim; ++c) {
            const auto [lo, hi] = sensor.clutter_region[c];
            d.values[c] = lo + rng.Uniform() * (hi - lo);
          }
          detections.push_back(d);
        }
      }
    }
  }
  // Order by time, then sensor name; stable, so each look keeps targets-then-clutter order.
  std::vector<int> rank(scenario.sensors.size());
  for (std::size_t a = 0; a < rank.size(); ++a) {
    rank[a] = 0;
    for (std::size_t b = 0; b < rank.size(); ++b) {
      if (scenario.sensors[b].name < scenario.sensors[a].name) ++rank[a];
    }
  }
  std::stable_sort(detections.begin(), detections.end(),
                   [&rank](const Detection& a, const Detection& b) {
                     if (a.time != b.time) return a.time < b.time;
                     return rank[a.sensor] < rank[b.sensor];
                   });
  return detections;
}

SimulationOutput Simulate(const Scenario& scenario) {
  SimulationOutput out;
  out.dimensions = scenario.dimensions;
  out.scans = scenario.scans;
  out.targets = static_cast<int>(scenario.targets.size());
  out.sensors = scenario.sensors;
  out.truth = GenerateTruth(scenario);
  out.detections =
      GenerateDetections(scenario, out.truth, DeriveSeed(scenario.seed, kDetectionStream));
  return out;
}

}  // namespace biac::sim
