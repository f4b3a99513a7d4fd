// Parity with Stone Soup on the MTT-CV2D scenario (shared/research/tracking-anchors.md §2):
// the same detections through the same tracker configuration give Stone Soup's GOSPA and
// OSPA. The reference numbers are Stone Soup's at commit ec032a9f, measured with the
// benchmark script of that note (Appendix A); they are printed there with the digits below.

#include <gtest/gtest.h>

#include "biac/app/track_runner.h"
#include "biac/sim/mtt_cv2d.h"

namespace biac {
namespace {

struct Reference {
  int targets;
  tracking::AssociatorKind associator;
  uint64_t tracks_ever;
  double gospa, localisation, missed, false_tracks, ospa;
  double gospa_digits;  // the rounding Stone Soup's number was published with
};

class StoneSoupParityTest : public ::testing::TestWithParam<Reference> {};

TEST_P(StoneSoupParityTest, MatchesStoneSoupsMetrics) {
  const Reference& ref = GetParam();
  sim::MttCv2dOptions options;
  options.targets = ref.targets;
  const sim::SimulationOutput scenario = sim::GenerateMttCv2d(options);
  const metrics::Trajectories truth = app::TruthFromSimulation(scenario);
  app::TrackConfig config;  // defaults: the MTT-CV2D configuration
  if (ref.associator == tracking::AssociatorKind::kJpda) {
    config.tracker.associator = tracking::AssociatorKind::kJpda;
    config.tracker.hypothesiser.kind = tracking::HypothesisKind::kProbability;
  }
  auto run = app::RunTracker(config, app::ScansFromSimulation(scenario));
  ASSERT_TRUE(run.ok()) << run.error().message();
  auto score = app::ScoreRun(config, *run, truth);
  ASSERT_TRUE(score.ok()) << score.error().message();
  const auto& g = score->gospa;
  EXPECT_EQ(run->confirmed, ref.tracks_ever);
  // Equal up to the rounding of the published figures.
  EXPECT_NEAR(g.distance, ref.gospa, ref.gospa_digits / 2);
  EXPECT_NEAR(g.localisation, ref.localisation, ref.gospa_digits / 2);
  EXPECT_NEAR(g.missed, ref.missed, 0.005);
  EXPECT_NEAR(g.false_tracks, ref.false_tracks, 0.005);
  EXPECT_NEAR(score->ospa, ref.ospa, 0.0005);
  // The decomposition adds up (p = 1).
  EXPECT_NEAR(g.distance, g.localisation + g.missed + g.false_tracks, 1e-9);
}

using tracking::AssociatorKind;
INSTANTIATE_TEST_SUITE_P(
    MttCv2d, StoneSoupParityTest,
    ::testing::Values(
        Reference{10, AssociatorKind::kGnn, 11, 73.99, 66.49, 7.50, 0.00, 8.149, 0.01},
        Reference{10, AssociatorKind::kJpda, 11, 74.05, 66.55, 7.50, 0.00, 8.155, 0.01},
        Reference{100, AssociatorKind::kGnn, 115, 732.1, 674.1, 51.0, 7.0, 7.853, 0.1},
        Reference{100, AssociatorKind::kJpda, 111, 717.6, 665.1, 49.5, 3.0, 7.687, 0.1}),
    [](const auto& info) {
      return "N" + std::to_string(info.param.targets) +
             (info.param.associator == AssociatorKind::kGnn ? "_Gnn" : "_Jpda");
    });

}  // namespace
}  // namespace biac
