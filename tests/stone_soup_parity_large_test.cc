// The large MTT-CV2D run (N = 1000, 189,947 detections), labelled slow: Stone Soup computed
// no metrics there (its metric is O(N^2) Python), but its track counts are published
// (tracking-anchors.md §2.3: GNN with kd-tree gating, 1,136 tracks ever, 995 at the end).

#include <gtest/gtest.h>

#include "biac/app/track_runner.h"
#include "biac/sim/mtt_cv2d.h"

namespace biac {
namespace {

TEST(StoneSoupParityLargeTest, GnnThousandTargetsTrackCounts) {
  sim::MttCv2dOptions options;
  options.targets = 1000;
  const sim::SimulationOutput scenario = sim::GenerateMttCv2d(options);
  ASSERT_EQ(scenario.detections.size(), 189947u);
  auto run = app::RunTracker(app::TrackConfig{}, app::ScansFromSimulation(scenario));
  ASSERT_TRUE(run.ok()) << run.error().message();
  EXPECT_EQ(run->confirmed, 1136u);
  EXPECT_EQ(run->alive_at_end, 995u);
}

}  // namespace
}  // namespace biac
