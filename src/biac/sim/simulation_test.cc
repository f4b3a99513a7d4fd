#include "biac/sim/simulation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>

#include "biac/sim/builtin.h"
#include "biac/sim/scenario_toml.h"

namespace biac::sim {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kDeg = kPi / 180.0;

Scenario Parse(const std::string& text) {
  Result<Scenario> s = ParseScenarioToml(text, "test.toml");
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? *s : Scenario{};
}

const TruthState* StateAt(const Truth& truth, double time, std::int32_t id) {
  for (const TruthState& s : truth.states) {
    if (s.time == time && s.id == id) return &s;
  }
  return nullptr;
}

// --- BLK ATC truth geometry, against the closed form of the constant-speed turns -----------

TEST(BlkAtcTest, TruthFollowsTheClosedFormTrajectory) {
  Result<Scenario> scenario = BuiltinScenario("blk-atc");
  ASSERT_TRUE(scenario.ok()) << scenario.status().ToString();
  const Truth truth = GenerateTruth(*scenario);
  ASSERT_EQ(truth.TimeCount(), 100u);  // t = 0, 5, ..., 495 s
  EXPECT_EQ(truth.times.front(), 0.0);
  EXPECT_EQ(truth.times.back(), 495.0);
  ASSERT_EQ(truth.states.size(), 100u);

  // Coordinated turns keep the speed: 120 m/s at every sample.
  for (const TruthState& s : truth.states) EXPECT_NEAR(s.velocity.norm(), 120.0, 1e-9) << s.time;

  const double r1 = 120.0 / (1.0 * kDeg);  // turn radius of the +1 deg/s turn, m
  const double r2 = 120.0 / (3.0 * kDeg);  // of the -3 deg/s turn
  // End of leg 1 (t = 125 s): 15 km west of the start.
  const TruthState* a = StateAt(truth, 125.0, 0);
  ASSERT_NE(a, nullptr);
  EXPECT_NEAR(a->position.x(), 10000.0, 1e-9);
  EXPECT_NEAR(a->position.y(), 10000.0, 1e-9);
  // During the left turn every sample is r1 from the turn centre (10000, 10000 - r1), and the
  // heading has turned by 1 deg/s * (t - 125).
  for (double t = 125.0; t <= 215.0; t += 5.0) {
    const TruthState* s = StateAt(truth, t, 0);
    ASSERT_NE(s, nullptr);
    EXPECT_NEAR((s->position - Eigen::Vector3d(10000.0, 10000.0 - r1, 0.0)).norm(), r1, 1e-6);
    const double heading = std::atan2(s->velocity.y(), s->velocity.x());
    EXPECT_NEAR(WrapAngle(heading - (kPi + (t - 125.0) * kDeg)), 0.0, 1e-12) << t;
  }
  // After the 90 s turn the heading has turned by 90 deg: due south.
  const TruthState* b = StateAt(truth, 215.0, 0);
  EXPECT_NEAR(b->velocity.x(), 0.0, 1e-9);
  EXPECT_NEAR(b->velocity.y(), -120.0, 1e-9);
  EXPECT_NEAR(b->position.x(), 10000.0 - r1, 1e-6);
  EXPECT_NEAR(b->position.y(), 10000.0 - r1, 1e-6);
  // Final state (t = 495 s): leg 3 south 15 km, right turn of 90 deg (radius r2) to west,
  // leg 5 west 15 km.
  const TruthState& last = truth.states.back();
  EXPECT_NEAR(last.position.x(), 10000.0 - r1 - r2 - 15000.0, 1e-6);
  EXPECT_NEAR(last.position.y(), -5000.0 - r1 - r2, 1e-6);
  EXPECT_NEAR(last.velocity.x(), -120.0, 1e-9);
  EXPECT_NEAR(last.velocity.y(), 0.0, 1e-9);
}

TEST(BlkAtcTest, MeasurementsHaveTheStatedNoise) {
  Result<Scenario> scenario = BuiltinScenario("blk-atc");
  ASSERT_TRUE(scenario.ok());
  const Truth truth = GenerateTruth(*scenario);
  // 200 runs x 100 samples x 2 axes of N(0, 100^2): Pd = 1, no clutter.
  double sum = 0.0;
  double sum2 = 0.0;
  int n = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    const std::vector<Detection> dets = GenerateDetections(*scenario, truth, seed);
    ASSERT_EQ(dets.size(), 100u);
    for (std::size_t k = 0; k < dets.size(); ++k) {
      ASSERT_EQ(dets[k].time, truth.times[k]);
      ASSERT_EQ(dets[k].truth_id, 0);
      for (int a = 0; a < 2; ++a) {
        const double e = dets[k].values[a] - truth.states[k].position(a);
        sum += e;
        sum2 += e * e;
        ++n;
      }
    }
  }
  EXPECT_NEAR(sum / n, 0.0, 5 * 100.0 / std::sqrt(n));
  EXPECT_NEAR(sum2 / n, 1e4, 5 * 1e4 * std::sqrt(2.0 / n));
}

// --- motion models --------------------------------------------------------------------------

TEST(MotionTest, ConstantAccelerationAndWaypoints) {
  const Scenario s = Parse(R"(
    [time]
    step = 1.0
    duration = 30.0
    [[target]]
    id = 7
    position = [0.0, 0.0]
    velocity = [0.0, 0.0]
    segments = [{ model = "ca", duration = 10.0, acceleration = [1.0, -2.0] },
                { model = "cv", duration = 5.0 }]
    [[target]]
    id = 3
    start_time = 2.0
    waypoints = [[0.0, 0.0], [1000.0, 0.0], [1000.0, 1000.0]]
    speed = 100.0
  )");
  const Truth truth = GenerateTruth(s);
  ASSERT_EQ(truth.TimeCount(), 31u);
  // CA from rest: x = a t^2 / 2, v = a t; then CV.
  const TruthState* ca = StateAt(truth, 10.0, 7);
  ASSERT_NE(ca, nullptr);
  EXPECT_NEAR(ca->position.x(), 50.0, 1e-9);
  EXPECT_NEAR(ca->position.y(), -100.0, 1e-9);
  EXPECT_NEAR(ca->velocity.x(), 10.0, 1e-12);
  const TruthState* cv = StateAt(truth, 15.0, 7);
  ASSERT_NE(cv, nullptr);
  EXPECT_NEAR(cv->position.x(), 100.0, 1e-9);
  EXPECT_EQ(StateAt(truth, 16.0, 7), nullptr);  // its motion ends at 15 s
  // Waypoints: born at 2 s, at the corner at 12 s, turns north instantly, ends at 22 s.
  EXPECT_EQ(StateAt(truth, 1.0, 3), nullptr);
  const TruthState* w0 = StateAt(truth, 2.0, 3);
  ASSERT_NE(w0, nullptr);
  EXPECT_NEAR(w0->velocity.x(), 100.0, 1e-12);
  const TruthState* w1 = StateAt(truth, 17.0, 3);
  ASSERT_NE(w1, nullptr);
  EXPECT_NEAR(w1->position.x(), 1000.0, 1e-9);
  EXPECT_NEAR(w1->position.y(), 500.0, 1e-9);
  EXPECT_NEAR(w1->velocity.y(), 100.0, 1e-12);
  ASSERT_NE(StateAt(truth, 22.0, 3), nullptr);
  EXPECT_EQ(StateAt(truth, 23.0, 3), nullptr);
  // Within one time the states are in id order.
  EXPECT_EQ(truth.StatesBegin(5)->id, 3);
}

TEST(MotionTest, CoordinatedTurnIn3dKeepsClimbRate) {
  const Scenario s = Parse(R"(
    dimensions = 3
    [time]
    step = 0.5
    scans = 41
    [[target]]
    position = [0.0, 0.0, 1000.0]
    velocity = [100.0, 0.0, 5.0]
    segments = [{ model = "ct", duration = 20.0, turn_rate_deg = 9.0 }]
  )");
  const Truth truth = GenerateTruth(s);
  const TruthState& end = truth.states.back();
  // 180 deg turn: back along -x, displaced 2 R to the left, climbed 100 m.
  const double r = 100.0 / (9.0 * kDeg);
  EXPECT_NEAR(end.position.x(), 0.0, 1e-6);
  EXPECT_NEAR(end.position.y(), 2 * r, 1e-6);
  EXPECT_NEAR(end.position.z(), 1100.0, 1e-9);
  EXPECT_NEAR(end.velocity.x(), -100.0, 1e-9);
}

TEST(MotionTest, ProcessNoiseHasTheDiscretisedCovariance) {
  // 4000 independent targets, one 2 s step of white-noise acceleration q = 0.5:
  // cov(p, v) per axis = q [[dt^3/3, dt^2/2], [dt^2/2, dt]].
  std::string text = "seed = 99\n[time]\nstep = 2.0\nscans = 2\n";
  constexpr int kTargets = 4000;
  for (int i = 0; i < kTargets; ++i) {
    text +=
        "[[target]]\nprocess_noise = 0.5\nposition = [0.0, 0.0]\nvelocity = [1.0, 0.0]\n"
        "segments = [{ model = \"cv\", duration = 2.0 }]\n";
  }
  const Scenario s = Parse(text);
  const Truth truth = GenerateTruth(s);
  double spp = 0.0, spv = 0.0, svv = 0.0;
  for (const TruthState* t = truth.StatesBegin(1); t != truth.StatesEnd(1); ++t) {
    const double p = t->position.x() - 2.0;
    const double v = t->velocity.x() - 1.0;
    spp += p * p;
    spv += p * v;
    svv += v * v;
  }
  const double q = 0.5, dt = 2.0;
  const double qpp = q * dt * dt * dt / 3, qpv = q * dt * dt / 2, qvv = q * dt;
  // Standard error of a sample second moment of a Gaussian pair: sqrt((s_ii s_jj + s_ij^2) / n).
  EXPECT_NEAR(spp / kTargets, qpp, 5 * std::sqrt(2 * qpp * qpp / kTargets));
  EXPECT_NEAR(spv / kTargets, qpv, 5 * std::sqrt((qpp * qvv + qpv * qpv) / kTargets));
  EXPECT_NEAR(svv / kTargets, qvv, 5 * std::sqrt(2 * qvv * qvv / kTargets));
  // The truth is fixed by the scenario seed.
  const Truth again = GenerateTruth(s);
  EXPECT_EQ(again.states.back().position, truth.states.back().position);
}

// --- sensors ----------------------------------------------------------------------------------

TEST(SensorTest, MeasureStateClosedForms) {
  SensorSpec radar;
  radar.kind = SensorKind::kRadar;
  radar.position = Eigen::Vector3d(1.0, 1.0, 0.0);
  radar.components = MeasurementComponents(SensorKind::kRadar, 3, true);
  const auto z =
      MeasureState(radar, Eigen::Vector3d(2.0, 3.0, 2.0), Eigen::Vector3d(1.0, 0.0, 0.0));
  // d = (1, 2, 2): range 3, bearing atan2(2, 1), elevation asin(2/3), range rate d.v/3.
  EXPECT_NEAR(z[0], 3.0, 1e-15);
  EXPECT_NEAR(z[1], std::atan2(2.0, 1.0), 1e-15);
  EXPECT_NEAR(z[2], std::asin(2.0 / 3.0), 1e-15);
  EXPECT_NEAR(z[3], 1.0 / 3.0, 1e-15);
  EXPECT_NEAR(WrapAngle(3 * kPi), kPi, 1e-12);
  EXPECT_NEAR(WrapAngle(-kPi), kPi, 1e-12);
  EXPECT_NEAR(WrapAngle(-0.5), -0.5, 1e-15);
}

struct ErrorStats {
  std::array<double, kMaxComponents> sum{};
  std::array<double, kMaxComponents> sum2{};
  int count = 0;
};

ErrorStats CollectErrors(const Scenario& s, const Truth& truth, const std::vector<Detection>& dets,
                         int sensor) {
  ErrorStats stats;
  const SensorSpec& spec = s.sensors[sensor];
  for (const Detection& d : dets) {
    if (d.sensor != sensor || d.truth_id == kClutter) continue;
    const TruthState* t = StateAt(truth, d.time, d.truth_id);
    const auto z = MeasureState(spec, t->position, t->velocity);
    for (int c = 0; c < spec.Dim(); ++c) {
      double e = d.values[c] - z[c];
      if (WrapsAround(spec.components[c])) e = WrapAngle(e);
      stats.sum[c] += e;
      stats.sum2[c] += e * e;
    }
    ++stats.count;
  }
  return stats;
}

void ExpectGaussianNoise(const ErrorStats& stats, const SensorSpec& spec) {
  ASSERT_GT(stats.count, 1000);
  const double n = stats.count;
  for (int c = 0; c < spec.Dim(); ++c) {
    const double sigma = spec.sigma[c];
    EXPECT_NEAR(stats.sum[c] / n, 0.0, 5 * sigma / std::sqrt(n))
        << ComponentName(spec.components[c]);
    EXPECT_NEAR(stats.sum2[c] / n, sigma * sigma, 5 * sigma * sigma * std::sqrt(2.0 / n))
        << ComponentName(spec.components[c]);
  }
}

TEST(SensorTest, RadarAndAngleOnlyNoiseStatistics3d) {
  const Scenario s = Parse(R"(
    dimensions = 3
    seed = 5
    [time]
    step = 1.0
    scans = 3000
    [[target]]
    position = [-20000.0, 5000.0, 3000.0]
    velocity = [15.0, -3.0, 0.5]
    segments = [{ model = "cv", duration = 3000.0 }]
    [[sensor]]
    name = "radar0"
    kind = "radar"
    position = [100.0, -200.0, 10.0]
    range_sigma = 25.0
    bearing_sigma_deg = 0.5
    elevation_sigma_deg = 0.8
    range_rate = true
    range_rate_sigma = 2.0
    pd = 0.7
    [[sensor]]
    name = "eo1"
    kind = "angle_only"
    position = [0.0, 0.0, 0.0]
    bearing_sigma_deg = 0.05
    elevation_sigma_deg = 0.1
  )");
  const Truth truth = GenerateTruth(s);
  const std::vector<Detection> dets = GenerateDetections(s, truth, 77);
  ASSERT_EQ(s.sensors[0].sigma[1], 0.5 * kDeg);
  const ErrorStats radar = CollectErrors(s, truth, dets, 0);
  ExpectGaussianNoise(radar, s.sensors[0]);
  // Pd = 0.7 over 3000 looks: binomial sd = sqrt(3000 * 0.21) = 25.1.
  EXPECT_NEAR(radar.count, 2100, 5 * 25.1);
  const ErrorStats eo = CollectErrors(s, truth, dets, 1);
  EXPECT_EQ(eo.count, 3000);
  ExpectGaussianNoise(eo, s.sensors[1]);
}

TEST(SensorTest, Radar2dBearingWrapsAcrossPi) {
  // A target due west of the radar: bearing +-pi, noise must wrap, not jump by 2 pi.
  const Scenario s = Parse(R"(
    [time]
    step = 1.0
    scans = 3000
    [[target]]
    position = [-10000.0, 0.0]
    velocity = [0.0, 0.0]
    segments = [{ model = "cv", duration = 3000.0 }]
    [[sensor]]
    name = "r"
    kind = "radar"
    range_sigma = 10.0
    bearing_sigma_deg = 1.0
  )");
  const Truth truth = GenerateTruth(s);
  const std::vector<Detection> dets = GenerateDetections(s, truth, 3);
  int negative = 0;
  for (const Detection& d : dets) {
    EXPECT_LE(d.values[1], kPi);
    EXPECT_GT(d.values[1], -kPi);
    negative += d.values[1] < 0.0;
  }
  EXPECT_GT(negative, 1000);  // about half the bearings fall just below -pi + ...
  ExpectGaussianNoise(CollectErrors(s, truth, dets, 0), s.sensors[0]);
}

TEST(SensorTest, ClutterCountsArePoissonAndUniform) {
  // density 2e-4 per m*rad over range [1000, 6000] m x bearing [-90, 90] deg:
  // mean = 2e-4 * 5000 * pi = 3.1416 per look.
  const Scenario s = Parse(R"(
    [time]
    step = 1.0
    scans = 4000
    [[sensor]]
    name = "r"
    kind = "radar"
    range_sigma = 10.0
    bearing_sigma_deg = 1.0
    pd = 0.0
    clutter_density = 2e-4
    clutter_range = [1000.0, 6000.0]
    clutter_bearing_deg = [-90.0, 90.0]
  )");
  const Truth truth = GenerateTruth(s);
  const std::vector<Detection> dets = GenerateDetections(s, truth, 8);
  const double mean = 2e-4 * 5000.0 * kPi;
  std::vector<int> per_look(4000, 0);
  double range_sum = 0.0;
  for (const Detection& d : dets) {
    ASSERT_EQ(d.truth_id, kClutter);
    ASSERT_GE(d.values[0], 1000.0);
    ASSERT_LT(d.values[0], 6000.0);
    ASSERT_GE(d.values[1], -kPi / 2);
    ASSERT_LT(d.values[1], kPi / 2);
    range_sum += d.values[0];
    ++per_look[static_cast<std::size_t>(d.time)];
  }
  double m = 0.0, m2 = 0.0;
  for (int c : per_look) {
    m += c;
    m2 += static_cast<double>(c) * c;
  }
  const double n = per_look.size();
  m /= n;
  const double var = m2 / n - m * m;
  EXPECT_NEAR(m, mean, 5 * std::sqrt(mean / n));
  EXPECT_NEAR(var, mean, 5 * std::sqrt((mean * (1 + 3 * mean) - mean * mean) / n));
  // Uniform range over [1000, 6000]: mean 3500, sd 5000 / sqrt(12).
  EXPECT_NEAR(range_sum / dets.size(), 3500.0, 5 * 5000.0 / std::sqrt(12.0 * dets.size()));
}

TEST(SensorTest, RevisitPeriodAndPhase) {
  const Scenario s = Parse(R"(
    [time]
    step = 1.0
    scans = 10
    [[target]]
    position = [0.0, 0.0]
    velocity = [10.0, 0.0]
    segments = [{ model = "cv", duration = 100.0 }]
    [[sensor]]
    name = "slow"
    kind = "position"
    sigma = [1.0, 1.0]
    period = 2.5
    phase = 0.25
    [[sensor]]
    name = "a_fast"
    kind = "position"
    sigma = [1.0, 1.0]
  )");
  const SimulationOutput out = Simulate(s);
  // Truth at the 10 scans plus the slow sensor's looks 0.25, 2.75, 5.25, 7.75.
  EXPECT_EQ(out.truth.TimeCount(), 14u);
  std::vector<double> slow;
  for (const Detection& d : out.detections) {
    if (d.sensor == 0) slow.push_back(d.time);
  }
  EXPECT_EQ(slow, (std::vector<double>{0.25, 2.75, 5.25, 7.75}));
  // Order: time, then sensor name ("a_fast" < "slow").
  for (std::size_t i = 1; i < out.detections.size(); ++i) {
    const Detection& p = out.detections[i - 1];
    const Detection& c = out.detections[i];
    ASSERT_LE(p.time, c.time);
    if (p.time == c.time) {
      EXPECT_LE(s.sensors[p.sensor].name, s.sensors[c.sensor].name);
    }
  }
  // The truth at 2.75 s is exact CV.
  EXPECT_NEAR(StateAt(out.truth, 2.75, 0)->position.x(), 27.5, 1e-12);
}

TEST(DeterminismTest, SameSeedSameDetectionsOtherSeedOther) {
  Result<Scenario> scenario = BuiltinScenario("blk-atc");
  ASSERT_TRUE(scenario.ok());
  const Truth truth = GenerateTruth(*scenario);
  auto values = [](const std::vector<Detection>& d) {
    std::vector<double> v;
    for (const Detection& x : d) v.insert(v.end(), x.values.begin(), x.values.end());
    return v;
  };
  const auto a = values(GenerateDetections(*scenario, truth, 42));
  const auto b = values(GenerateDetections(*scenario, truth, 42));
  const auto c = values(GenerateDetections(*scenario, truth, 43));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  const SimulationOutput x = Simulate(*scenario);
  const SimulationOutput y = Simulate(*scenario);
  EXPECT_EQ(values(x.detections), values(y.detections));
}

TEST(ValidateTest, CatchesBadScenariosBuiltInCode) {
  Scenario s;
  s.dimensions = 4;
  EXPECT_NE(ValidateScenario(s).message().find("dimensions"), std::string::npos);
  s.dimensions = 2;
  s.step = 0.0;
  EXPECT_NE(ValidateScenario(s).message().find("time.step"), std::string::npos);
  s.step = 1.0;
  SensorSpec sensor;
  sensor.name = "p";
  sensor.components = MeasurementComponents(SensorKind::kPosition, 2, false);
  sensor.period = 1.0;
  sensor.detection_probability = 2.0;
  s.sensors.push_back(sensor);
  EXPECT_NE(ValidateScenario(s).message().find("sensor[0].pd"), std::string::npos);
  s.sensors[0].detection_probability = 1.0;
  EXPECT_TRUE(ValidateScenario(s).ok());
}

}  // namespace
}  // namespace biac::sim
