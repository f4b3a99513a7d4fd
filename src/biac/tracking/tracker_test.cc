#include "biac/tracking/tracker.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "biac/estimation/constant_velocity.h"
#include "biac/estimation/linear_position.h"

namespace biac::tracking {
namespace {

using estimation::ConstantVelocity;
using estimation::LinearPosition;
using Filter = KalmanFilter<ConstantVelocity<2>, LinearPosition<4, 2>>;
using Record = TrackStateRecord<4>;

Filter MakeFilter() {
  estimation::Gaussian<4> prior;
  prior.covariance.diagonal() << 0, 400, 0, 400;
  return Filter(ConstantVelocity<2>(0.1),
                LinearPosition<4, 2>({0, 2}, estimation::SquareMatrix<2>::Identity() * 100.0),
                prior);
}

class RecordingSink : public TrackSink<4> {
 public:
  void OnState(const Record& r) override { states.push_back(r); }
  void OnDeleted(TrackId id, Timestamp time) override { deleted.emplace_back(id, time); }
  std::vector<Record> states;
  std::vector<std::pair<TrackId, Timestamp>> deleted;
};

Detection<2> At(double x, double y) {
  Detection<2> d;
  d.z << x, y;
  return d;
}

TEST(TrackerTest, ConfirmsAfterThreeUpdatesAndDeletesAfterThreeMisses) {
  RecordingSink sink;
  MultiTargetTracker<Filter> tracker(MakeFilter(), TrackerOptions{}, &sink);
  // A target at 10 m/s along x, measured exactly, for 5 scans; then silence.
  for (int k = 0; k < 5; ++k) {
    const std::vector<Detection<2>> scan{At(10.0 * k, 500.0)};
    ASSERT_TRUE(tracker.Step(Timestamp::FromSeconds(k), scan).ok());
    EXPECT_EQ(tracker.tracks().size(), k >= 2 ? 1u : 0u) << "scan " << k;
  }
  EXPECT_EQ(tracker.confirmed_total(), 1u);
  EXPECT_EQ(tracker.tracks()[0].id, TrackId(1));
  // The holding-phase states (scans 0, 1, 2) were reported at confirmation, then 3 and 4.
  ASSERT_EQ(sink.states.size(), 5u);
  for (int k = 0; k < 5; ++k) {
    EXPECT_EQ(sink.states[k].time, Timestamp::FromSeconds(k));
    EXPECT_TRUE(sink.states[k].updated);
    EXPECT_EQ(sink.states[k].id, TrackId(1));
  }
  EXPECT_NEAR(sink.states[4].mean(1), 10.0, 1.0);  // velocity estimated
  for (int k = 5; k < 8; ++k) {
    ASSERT_TRUE(tracker.Step(Timestamp::FromSeconds(k), {}).ok());
    EXPECT_EQ(tracker.tracks().size(), k < 7 ? 1u : 0u) << "scan " << k;
  }
  ASSERT_EQ(sink.deleted.size(), 1u);
  EXPECT_EQ(sink.deleted[0].first, TrackId(1));
  EXPECT_EQ(sink.deleted[0].second, Timestamp::FromSeconds(7));
  // The three predicted states through the misses were reported as not updated.
  ASSERT_EQ(sink.states.size(), 8u);
  EXPECT_FALSE(sink.states[7].updated);
}

TEST(TrackerTest, FirstUpdateMatchesTheKalmanClosedForm) {
  RecordingSink sink;
  TrackerOptions options;
  options.initiator.min_points = 2;
  MultiTargetTracker<Filter> tracker(MakeFilter(), options, &sink);
  const std::vector<Detection<2>> s0{At(0.0, 0.0)}, s1{At(12.0, 0.0)};
  ASSERT_TRUE(tracker.Step(Timestamp::FromSeconds(0), s0).ok());
  ASSERT_TRUE(tracker.Step(Timestamp::FromSeconds(1), s1).ok());
  ASSERT_EQ(sink.states.size(), 2u);
  // x axis: P0 = diag(100, 400); after dt = 1 with q = 0.1:
  // P' = [[100 + 400 + q/3, 400 + q/2], [400 + q/2, 400 + q]]; S = P'00 + 100.
  const double p00 = 500.0 + 0.1 / 3.0, p01 = 400.05, p11 = 400.1;
  const double s = p00 + 100.0;
  const double kx = p00 / s, kv = p01 / s;
  EXPECT_NEAR(sink.states[1].mean(0), kx * 12.0, 1e-9);
  EXPECT_NEAR(sink.states[1].mean(1), kv * 12.0, 1e-9);
  EXPECT_NEAR(sink.states[1].covariance(0, 0), p00 - kx * kx * s, 1e-9);
  EXPECT_NEAR(sink.states[1].covariance(1, 1), p11 - kv * kv * s, 1e-9);
  EXPECT_NEAR(sink.states[1].mean(2), 0.0, 1e-12);
}

TEST(TrackerTest, RejectsAScanBeforeThePreviousOne) {
  MultiTargetTracker<Filter> tracker(MakeFilter(), TrackerOptions{});
  ASSERT_TRUE(tracker.Step(Timestamp::FromSeconds(5), {}).ok());
  const Status s = tracker.Step(Timestamp::FromSeconds(4), {});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
}

struct Scene {
  std::vector<std::vector<Detection<2>>> scans;
};

Scene RandomScene(int targets, int scans, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform(0.0, 3000.0);
  std::vector<std::array<double, 4>> x(targets);
  for (auto& s : x) s = {uniform(rng), 10 * normal(rng), uniform(rng), 10 * normal(rng)};
  Scene scene;
  for (int k = 0; k < scans; ++k) {
    std::vector<Detection<2>> dets;
    for (auto& s : x) {
      s[0] += s[1];
      s[2] += s[3];
      if (uniform(rng) < 2700.0)
        dets.push_back(At(s[0] + 10 * normal(rng), s[2] + 10 * normal(rng)));
    }
    for (int c = 0; c < targets; ++c) dets.push_back(At(uniform(rng), uniform(rng)));
    scene.scans.push_back(std::move(dets));
  }
  return scene;
}

// Gating through the grid must not change the result (GNN and JPDA).
TEST(TrackerTest, GridGatingEqualsExhaustiveGating) {
  const Scene scene = RandomScene(40, 30, 5);
  for (AssociatorKind kind : {AssociatorKind::kGnn, AssociatorKind::kJpda}) {
    RecordingSink with_grid, without_grid;
    TrackerOptions a;
    a.associator = kind;
    if (kind == AssociatorKind::kJpda) a.hypothesiser.kind = HypothesisKind::kProbability;
    TrackerOptions b = a;
    b.hypothesiser.use_grid = false;
    MultiTargetTracker<Filter> ta(MakeFilter(), a, &with_grid), tb(MakeFilter(), b, &without_grid);
    for (int k = 0; k < static_cast<int>(scene.scans.size()); ++k) {
      ASSERT_TRUE(ta.Step(Timestamp::FromSeconds(k), scene.scans[k]).ok());
      ASSERT_TRUE(tb.Step(Timestamp::FromSeconds(k), scene.scans[k]).ok());
    }
    ASSERT_GT(with_grid.states.size(), 500u);
    ASSERT_EQ(with_grid.states.size(), without_grid.states.size());
    for (size_t i = 0; i < with_grid.states.size(); ++i) {
      EXPECT_EQ(with_grid.states[i].id, without_grid.states[i].id);
      // Entries are visited in another order, so sums may differ in the last bits.
      EXPECT_LT((with_grid.states[i].mean - without_grid.states[i].mean).norm(), 1e-9);
    }
  }
}

TEST(TrackerTest, MOfNConfirmsThroughAMiss) {
  RecordingSink sink;
  TrackerOptions options;
  options.initiator.rule = ConfirmationRule::kMOfN;
  options.initiator.m = 3;
  options.initiator.n = 4;
  MultiTargetTracker<Filter> tracker(MakeFilter(), options, &sink);
  const bool detected[] = {true, false, true, true};
  for (int k = 0; k < 4; ++k) {
    std::vector<Detection<2>> scan;
    if (detected[k]) scan.push_back(At(5.0 * k, 0.0));
    ASSERT_TRUE(tracker.Step(Timestamp::FromSeconds(k), scan).ok());
  }
  ASSERT_EQ(tracker.tracks().size(), 1u);
  EXPECT_EQ(sink.states.size(), 4u);
  EXPECT_FALSE(sink.states[1].updated);
}

TEST(TrackerTest, ScoreLogicConfirmsAStrongTrackAndNotLoneClutter) {
  TrackerOptions options;
  options.initiator.rule = ConfirmationRule::kScore;
  options.initiator.new_target_density = 1e-6;
  MultiTargetTracker<Filter> tracker(MakeFilter(), options);
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> far(1e5, 2e5);
  for (int k = 0; k < 6; ++k) {
    // A target at the origin, and a clutter point far away that never repeats.
    const std::vector<Detection<2>> scan{At(0.0, 0.0), At(far(rng), far(rng))};
    ASSERT_TRUE(tracker.Step(Timestamp::FromSeconds(k), scan).ok());
  }
  ASSERT_EQ(tracker.tracks().size(), 1u);
  EXPECT_NEAR(tracker.tracks()[0].state.mean(0), 0.0, 1.0);
}

}  // namespace
}  // namespace biac::tracking
