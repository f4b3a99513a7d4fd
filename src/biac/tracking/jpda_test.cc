#include "biac/tracking/jpda.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <random>
#include <vector>

namespace biac::tracking {
namespace {

// A problem held by value, viewed as a JpdaProblem.
struct OwnedProblem {
  std::vector<int> row_begin{0};
  std::vector<int> detections;
  std::vector<double> weights;
  std::vector<double> missed;
  int num_detections = 0;

  void AddTrack(double missed_weight, const std::vector<std::pair<int, double>>& gated) {
    for (const auto& [j, w] : gated) {
      detections.push_back(j);
      weights.push_back(w);
    }
    row_begin.push_back(static_cast<int>(detections.size()));
    missed.push_back(missed_weight);
  }
  JpdaProblem View() const { return {row_begin, detections, weights, missed, num_detections}; }
};

void ExpectRelativelyNear(const std::vector<double>& a, const std::vector<double>& b,
                          double tolerance, const char* what) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t k = 0; k < a.size(); ++k) {
    EXPECT_NEAR(a[k], b[k], tolerance * std::max(std::abs(b[k]), 1e-300)) << what << " " << k;
  }
}

TEST(JpdaTest, SingleTrackIsPdaClosedForm) {
  OwnedProblem p;
  p.num_detections = 4;
  p.AddTrack(0.1, {{0, 0.5}, {2, 2.0}, {3, 1e-3}});
  JpdaSolver solver;
  std::vector<double> entries, missed;
  ASSERT_TRUE(solver.Compute(p.View(), entries, missed).ok());
  const double total = 0.1 + 0.5 + 2.0 + 1e-3;
  EXPECT_NEAR(missed[0], 0.1 / total, 1e-15);
  EXPECT_NEAR(entries[0], 0.5 / total, 1e-15);
  EXPECT_NEAR(entries[1], 2.0 / total, 1e-15);
  EXPECT_NEAR(entries[2], 1e-3 / total, 1e-15);
}

// Two tracks sharing one detection, by hand. Events (track0, track1):
// (miss, miss) m0 m1; (d0, miss) a m1; (miss, d0) m0 b; no (d0, d0).
TEST(JpdaTest, TwoTracksOneSharedDetectionByHand) {
  OwnedProblem p;
  p.num_detections = 1;
  const double m0 = 0.2, m1 = 0.3, a = 4.0, b = 1.5;
  p.AddTrack(m0, {{0, a}});
  p.AddTrack(m1, {{0, b}});
  JpdaSolver solver;
  std::vector<double> entries, missed;
  ASSERT_TRUE(solver.Compute(p.View(), entries, missed).ok());
  const double z = m0 * m1 + a * m1 + m0 * b;
  EXPECT_NEAR(entries[0], a * m1 / z, 1e-15);
  EXPECT_NEAR(missed[0], (m0 * m1 + m0 * b) / z, 1e-15);
  EXPECT_NEAR(entries[1], m0 * b / z, 1e-15);
  EXPECT_NEAR(missed[1], (m0 * m1 + a * m1) / z, 1e-15);
  EXPECT_EQ(solver.statistics().num_clusters, 1);
  EXPECT_EQ(solver.statistics().largest_cluster, 2);
}

// Random clusters up to 8 tracks and 10 detections, gating dense enough to link them, against
// enumeration of every joint event.
TEST(JpdaTest, MatchesBruteForceOnRandomProblems) {
  std::mt19937 rng(17);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  JpdaSolver solver;  // reused across problems of different shapes
  std::vector<double> entries, missed, brute_entries, brute_missed;
  int multi_track_clusters = 0;
  for (int trial = 0; trial < 400; ++trial) {
    OwnedProblem p;
    const int num_tracks = 1 + trial % 8;
    p.num_detections = 1 + (trial / 8) % 10;
    const double gate_probability = 0.2 + 0.6 * unit(rng);
    for (int t = 0; t < num_tracks; ++t) {
      std::vector<std::pair<int, double>> gated;
      for (int j = 0; j < p.num_detections; ++j) {
        if (unit(rng) < gate_probability) {
          // Likelihood ratios over several orders of magnitude, sometimes exactly 0.
          const double w = unit(rng) < 0.05 ? 0.0 : std::exp(8.0 * unit(rng) - 4.0);
          gated.emplace_back(j, w);
        }
      }
      std::shuffle(gated.begin(), gated.end(), rng);
      p.AddTrack(unit(rng) < 0.1 ? 0.0 : 0.05 + unit(rng), gated);
    }
    const Status status = solver.Compute(p.View(), entries, missed);
    const Status brute_status = JpdaBruteForce(p.View(), brute_entries, brute_missed);
    ASSERT_EQ(status.code(), brute_status.code()) << "trial " << trial << ": " << status.ToString();
    if (!status.ok()) continue;
    multi_track_clusters += solver.statistics().num_clusters;
    ExpectRelativelyNear(entries, brute_entries, 1e-12, "entry");
    ExpectRelativelyNear(missed, brute_missed, 1e-12, "missed");
    for (int t = 0; t < num_tracks; ++t) {
      double sum = missed[t];
      for (int e = p.row_begin[t]; e < p.row_begin[t + 1]; ++e) sum += entries[e];
      EXPECT_NEAR(sum, 1.0, 1e-12);
    }
  }
  EXPECT_GT(multi_track_clusters, 200);
}

// Two clusters, a singleton and a track without detections in one problem: the whole is
// still small enough to enumerate, so brute force over all tracks checks the split.
TEST(JpdaTest, IndependentClustersDoNotInteract) {
  OwnedProblem p;
  p.num_detections = 9;
  p.AddTrack(0.5, {{0, 1.0}, {1, 2.0}});  // cluster A: tracks 0, 1 over detections 0, 1
  p.AddTrack(0.4, {{1, 3.0}});
  p.AddTrack(0.3, {{4, 0.7}});            // singleton
  p.AddTrack(0.2, {{5, 1.0}, {6, 1.0}});  // cluster B: tracks 3, 4, 5 over 5, 6, 7
  p.AddTrack(0.6, {{6, 2.0}, {7, 0.1}});
  p.AddTrack(0.1, {{7, 5.0}, {5, 0.5}});
  p.AddTrack(1.0, {});  // no detections
  JpdaSolver solver;
  std::vector<double> entries, missed, brute_entries, brute_missed;
  ASSERT_TRUE(solver.Compute(p.View(), entries, missed).ok());
  ASSERT_TRUE(JpdaBruteForce(p.View(), brute_entries, brute_missed).ok());
  ExpectRelativelyNear(entries, brute_entries, 1e-12, "entry");
  ExpectRelativelyNear(missed, brute_missed, 1e-12, "missed");
  EXPECT_EQ(solver.statistics().num_clusters, 2);
  EXPECT_EQ(solver.statistics().largest_cluster, 3);
  EXPECT_EQ(missed[6], 1.0);
}

// Scaling all weights of one track by a constant leaves every marginal unchanged; with
// factors near the underflow limit the solver must still give the unscaled answer.
TEST(JpdaTest, TinyLikelihoodsDoNotUnderflow) {
  std::mt19937 rng(23);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  OwnedProblem p;
  p.num_detections = 8;
  for (int t = 0; t < 7; ++t) {
    std::vector<std::pair<int, double>> gated;
    for (int j = 0; j < p.num_detections; ++j) {
      if (unit(rng) < 0.6) gated.emplace_back(j, 0.1 + unit(rng));
    }
    p.AddTrack(0.1 + unit(rng), gated);
  }
  std::vector<double> reference_entries, reference_missed;
  ASSERT_TRUE(JpdaBruteForce(p.View(), reference_entries, reference_missed).ok());
  OwnedProblem scaled = p;
  for (int t = 0; t < 7; ++t) {
    const double factor = t % 2 == 0 ? 1e-290 : 1e-150;
    scaled.missed[t] *= factor;
    for (int e = p.row_begin[t]; e < p.row_begin[t + 1]; ++e) scaled.weights[e] *= factor;
  }
  JpdaSolver solver;
  std::vector<double> entries, missed;
  ASSERT_TRUE(solver.Compute(scaled.View(), entries, missed).ok());
  ExpectRelativelyNear(entries, reference_entries, 1e-12, "entry");
  ExpectRelativelyNear(missed, reference_missed, 1e-12, "missed");
}

// A long chain (track t gates detections t and t+1) has 200 tracks in one cluster; EHM keeps
// one or two nodes per layer. Checked against the transfer-matrix closed form of the chain.
TEST(JpdaTest, LongChainCluster) {
  constexpr int kTracks = 200;
  OwnedProblem p;
  p.num_detections = kTracks + 1;
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> unit(0.5, 2.0);
  for (int t = 0; t < kTracks; ++t) p.AddTrack(unit(rng), {{t, unit(rng)}, {t + 1, unit(rng)}});
  // Scrambled track order must not matter: solve the reversed problem too.
  OwnedProblem reversed;
  reversed.num_detections = p.num_detections;
  for (int t = kTracks - 1; t >= 0; --t) {
    reversed.AddTrack(p.missed[t], {{p.detections[2 * t], p.weights[2 * t]},
                                    {p.detections[2 * t + 1], p.weights[2 * t + 1]}});
  }
  JpdaSolver solver;
  std::vector<double> entries, missed, rev_entries, rev_missed;
  ASSERT_TRUE(solver.Compute(p.View(), entries, missed).ok());
  EXPECT_LE(solver.statistics().num_nodes, 3 * kTracks);
  ASSERT_TRUE(solver.Compute(reversed.View(), rev_entries, rev_missed).ok());
  // Forward/backward over the chain state "is detection t+1 taken by track t":
  // alpha[t][s], s = 1 if track t took detection t+1.
  std::vector<std::array<double, 2>> alpha(kTracks + 1), beta(kTracks + 1);
  const auto weight = [&](int t, int option) {  // 0 missed, 1 left (det t), 2 right (det t+1)
    return option == 0 ? p.missed[t] : p.weights[2 * t + option - 1];
  };
  alpha[0] = {1.0, 0.0};
  for (int t = 0; t < kTracks; ++t) {
    const double free_left = alpha[t][0] + alpha[t][1] * 0.0;
    alpha[t + 1][0] = (alpha[t][0] + alpha[t][1]) * weight(t, 0) + free_left * weight(t, 1);
    alpha[t + 1][1] = (alpha[t][0] + alpha[t][1]) * weight(t, 2);
    const double norm = alpha[t + 1][0] + alpha[t + 1][1];
    alpha[t + 1][0] /= norm;
    alpha[t + 1][1] /= norm;
  }
  beta[kTracks] = {1.0, 1.0};
  for (int t = kTracks - 1; t >= 0; --t) {
    // beta[t][s]: weight of tracks t.. given state s of track t-1.
    for (int s = 0; s < 2; ++s) {
      beta[t][s] = weight(t, 0) * beta[t + 1][0] + (s == 0 ? weight(t, 1) * beta[t + 1][0] : 0.0) +
                   weight(t, 2) * beta[t + 1][1];
    }
    const double norm = beta[t][0] + beta[t][1];
    beta[t][0] /= norm;
    beta[t][1] /= norm;
  }
  for (int t = 0; t < kTracks; ++t) {
    const double any = alpha[t][0] + alpha[t][1];
    const double m = any * weight(t, 0) * beta[t + 1][0];
    const double left = alpha[t][0] * weight(t, 1) * beta[t + 1][0];
    const double right = any * weight(t, 2) * beta[t + 1][1];
    const double z = m + left + right;
    EXPECT_NEAR(missed[t], m / z, 1e-12);
    EXPECT_NEAR(entries[2 * t], left / z, 1e-12);
    EXPECT_NEAR(entries[2 * t + 1], right / z, 1e-12);
    const int r = kTracks - 1 - t;
    EXPECT_NEAR(rev_missed[r], missed[t], 1e-12);
    EXPECT_NEAR(rev_entries[2 * r], entries[2 * t], 1e-12);
  }
}

TEST(JpdaTest, RejectsMalformedAndInfeasibleProblems) {
  JpdaSolver solver;
  std::vector<double> entries, missed;
  OwnedProblem repeated;
  repeated.num_detections = 2;
  repeated.AddTrack(0.1, {{1, 1.0}, {1, 2.0}});
  EXPECT_EQ(solver.Compute(repeated.View(), entries, missed).code(), StatusCode::kInvalidArgument);
  OwnedProblem out_of_range;
  out_of_range.num_detections = 1;
  out_of_range.AddTrack(0.1, {{1, 1.0}});
  EXPECT_EQ(solver.Compute(out_of_range.View(), entries, missed).code(),
            StatusCode::kInvalidArgument);
  OwnedProblem negative;
  negative.num_detections = 1;
  negative.AddTrack(-0.1, {{0, 1.0}});
  EXPECT_EQ(solver.Compute(negative.View(), entries, missed).code(), StatusCode::kInvalidArgument);
  // Two tracks that must both be detected, by the same single detection.
  OwnedProblem infeasible;
  infeasible.num_detections = 1;
  infeasible.AddTrack(0.0, {{0, 1.0}});
  infeasible.AddTrack(0.0, {{0, 1.0}});
  EXPECT_EQ(solver.Compute(infeasible.View(), entries, missed).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(JpdaBruteForce(infeasible.View(), entries, missed).code(),
            StatusCode::kFailedPrecondition);
  OwnedProblem nothing;
  nothing.AddTrack(0.0, {});
  EXPECT_EQ(solver.Compute(nothing.View(), entries, missed).code(),
            StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace biac::tracking
