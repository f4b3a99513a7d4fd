// The tracker with the other filters: EKF, UKF and CKF with a polar radar (angles wrapped
// across +-pi, in the innovation and in the gate), and an IMM (CV + CT) through a turn.

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <set>

#include "biac/estimation/constant_turn.h"
#include "biac/estimation/constant_velocity.h"
#include "biac/estimation/linear_position.h"
#include "biac/estimation/radar.h"
#include "biac/tracking/tracker.h"

namespace biac::tracking {
namespace {

using estimation::BearingRange;
using estimation::ConstantTurn;
using estimation::ConstantVelocity;
using estimation::Gaussian;
using estimation::SquareMatrix;
using estimation::Vector;

template <int N>
class LastStateSink : public TrackSink<N> {
 public:
  void OnState(const TrackStateRecord<N>& r) override {
    ids.insert(r.id.value());
    if (truth_x != nullptr && std::hypot(r.mean(0) - *truth_x, r.mean(2) - *truth_y) < 200.0 &&
        r.updated) {
      ids_on_target.insert(r.id.value());
    }
    last = r;
  }
  std::set<uint64_t> ids, ids_on_target;
  TrackStateRecord<N> last;
  const double* truth_x = nullptr;
  const double* truth_y = nullptr;
};

// A target circling a radar at the origin at 4 km, crossing the -x axis (bearing +-pi) twice,
// seen with Pd 1 and uniform clutter; every filter must hold one track through it.
template <typename Filter>
void TrackAroundTheRadar(const Filter& filter) {
  LastStateSink<4> sink;
  TrackerOptions options;
  options.hypothesiser.missed_distance = 4.0;
  options.initiator.missed_distance = 4.0;
  MultiTargetTracker<Filter> tracker(filter, options, &sink);
  double px = 0, py = 0;
  sink.truth_x = &px;
  sink.truth_y = &py;
  std::mt19937_64 rng(9);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> bearing(-std::numbers::pi, std::numbers::pi);
  std::uniform_real_distribution<double> range(1000.0, 8000.0);
  const double radius = 4000.0, speed = 100.0, omega = speed / radius;
  for (int k = 0; k < 400; ++k) {
    const double angle = std::numbers::pi / 2 + omega * k;  // starts at +y, turns through -x
    px = radius * std::cos(angle);
    py = radius * std::sin(angle);
    std::vector<Detection<2>> scan(1);
    scan[0].z << estimation::WrapToPi(std::atan2(py, px) + 0.002 * normal(rng)),
        std::hypot(px, py) + 10.0 * normal(rng);
    for (int c = 0; c < 3; ++c) {
      Detection<2> d;
      d.z << bearing(rng), range(rng);
      scan.push_back(d);
    }
    ASSERT_TRUE(tracker.Step(Timestamp::FromSeconds(k), scan).ok());
  }
  // One track on the target all the way round (through both +-pi crossings).
  EXPECT_EQ(sink.ids_on_target.size(), 1u);
  ASSERT_FALSE(sink.ids_on_target.empty());
  const uint64_t id = *sink.ids_on_target.begin();
  bool alive = false;
  for (const auto& track : tracker.tracks()) {
    if (track.id.value() != id) continue;
    alive = true;
    const auto& mean = filter.Mean(track.state);
    EXPECT_LT(std::hypot(mean(0) - px, mean(2) - py), 60.0);
    EXPECT_NEAR(std::hypot(mean(1), mean(3)), speed, 10.0);
  }
  EXPECT_TRUE(alive);
}

template <template <typename, typename> class FilterT>
auto MakeRadarFilter() {
  using Motion = ConstantVelocity<2>;
  using Radar = BearingRange<4>;
  SquareMatrix<2> r = SquareMatrix<2>::Zero();
  r.diagonal() << 0.002 * 0.002, 100.0;
  Gaussian<4> prior;
  prior.covariance.diagonal() << 0, 150.0 * 150.0, 0, 150.0 * 150.0;
  return FilterT<Motion, Radar>(Motion(10.0), Radar({0, 2}, r), prior);
}

TEST(TrackerFiltersTest, ExtendedKalmanWithRadar) {
  TrackAroundTheRadar(MakeRadarFilter<ExtendedKalmanFilter>());
}
TEST(TrackerFiltersTest, UnscentedKalmanWithRadar) {
  TrackAroundTheRadar(MakeRadarFilter<UnscentedKalmanFilter>());
}
TEST(TrackerFiltersTest, CubatureKalmanWithRadar) {
  TrackAroundTheRadar(MakeRadarFilter<CubatureKalmanFilter>());
}

// The linear Kalman filter's one-point initiation is Stone Soup's: the measured components
// from z with R, the others from the prior.
TEST(TrackerFiltersTest, KalmanInitiationIsStoneSoups) {
  using Motion = ConstantVelocity<2>;
  using Meas = estimation::LinearPosition<4, 2>;
  Gaussian<4> prior;
  prior.mean << 5, 1, 7, 2;
  prior.covariance.diagonal() << 9, 400, 9, 400;
  SquareMatrix<2> r;
  r << 100, 10, 10, 50;
  const KalmanFilter<Motion, Meas> kf(Motion(0.1), Meas({0, 2}, r), prior);
  const Gaussian<4> g = kf.Initiate(Vector<2>(100.0, -50.0));
  EXPECT_EQ(g.mean, (Vector<4>() << 100, 1, -50, 2).finished());
  SquareMatrix<4> expected = SquareMatrix<4>::Zero();
  expected.diagonal() << 100, 400, 50, 400;
  expected(0, 2) = expected(2, 0) = 10;
  EXPECT_LT((g.covariance - expected).norm(), 1e-12);
}

// An IMM (CV + CT with estimated turn rate) keeps one track through a 3 deg/s turn where a
// low-noise CV Kalman tracker loses it.
TEST(TrackerFiltersTest, ImmHoldsATrackThroughATurn) {
  using Cv = estimation::ModeFilter<ConstantVelocity<2>>;
  using Ct = estimation::ModeFilter<ConstantTurn<2>>;
  using ImmType = estimation::Imm<Cv, Ct>;
  SquareMatrix<2> generator;
  generator << -0.01, 0.01, 0.02, -0.02;
  const ImmType imm(std::make_tuple(Cv{ConstantVelocity<2>(0.01)}, Ct{ConstantTurn<2>(0.1, 1e-3)}),
                    estimation::ModeTransition<2>::FromGenerator(generator).value());
  const SquareMatrix<2> r = SquareMatrix<2>::Identity() * 100.0;
  auto bank = imm.MakeMeasurementBank([&](const auto& motion) {
    using M = std::decay_t<decltype(motion)>;
    return estimation::LinearPosition<M::kStateDim, 2>(
        {M::kPositionIndices[0], M::kPositionIndices[1]}, r);
  });
  Gaussian<ImmType::kStateDim> prior;
  prior.covariance.diagonal() << 0, 200.0 * 200.0, 0, 200.0 * 200.0, 0.1 * 0.1;
  using Filter = ImmFilter<ImmType, decltype(bank)>;
  const Filter filter(imm, bank, prior, Vector<2>(0.9, 0.1));
  using Kf = KalmanFilter<ConstantVelocity<2>, estimation::LinearPosition<4, 2>>;
  Gaussian<4> kf_prior;
  kf_prior.covariance.diagonal() << 0, 200.0 * 200.0, 0, 200.0 * 200.0;
  const Kf kf(ConstantVelocity<2>(0.01), estimation::LinearPosition<4, 2>({0, 2}, r), kf_prior);

  LastStateSink<ImmType::kStateDim> imm_sink;
  LastStateSink<4> kf_sink;
  TrackerOptions options;
  options.hypothesiser.missed_distance = 4.0;
  options.initiator.missed_distance = 4.0;
  MultiTargetTracker<Filter> imm_tracker(filter, options, &imm_sink);
  MultiTargetTracker<Kf> kf_tracker(kf, options, &kf_sink);
  std::mt19937_64 rng(4);
  std::normal_distribution<double> normal;
  // 200 m/s east for 60 s, then a 3 deg/s turn for 60 s, then straight; 2 s revisit.
  double x = 0, y = 0, heading = 0;
  const double speed = 200.0, dt = 2.0;
  for (int k = 0; k < 100; ++k) {
    const double t = k * dt;
    if (k > 0) {
      const double rate = (t > 60.0 && t <= 120.0) ? 3.0 * std::numbers::pi / 180.0 : 0.0;
      heading += rate * dt;
      x += speed * std::cos(heading) * dt;
      y += speed * std::sin(heading) * dt;
    }
    std::vector<Detection<2>> scan(1);
    scan[0].z << x + 10.0 * normal(rng), y + 10.0 * normal(rng);
    ASSERT_TRUE(imm_tracker.Step(Timestamp::FromSeconds(t), scan).ok());
    ASSERT_TRUE(kf_tracker.Step(Timestamp::FromSeconds(t), scan).ok());
  }
  EXPECT_EQ(imm_sink.ids.size(), 1u) << "the IMM broke its track";
  EXPECT_GT(kf_sink.ids.size(), 1u) << "the low-noise KF should have lost the turn";
  ASSERT_EQ(imm_tracker.tracks().size(), 1u);
  EXPECT_LT(std::hypot(imm_sink.last.mean(0) - x, imm_sink.last.mean(2) - y), 30.0);
  // The IMM cannot run JPDA (mode-mixture states): a clear error, not a crash.
  TrackerOptions jpda;
  jpda.associator = AssociatorKind::kJpda;
  jpda.hypothesiser.kind = HypothesisKind::kProbability;
  MultiTargetTracker<Filter> bad(filter, jpda);
  EXPECT_EQ(bad.Step(Timestamp::FromSeconds(0), {}).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace biac::tracking
