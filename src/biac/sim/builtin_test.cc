#include "biac/sim/builtin.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace biac::sim {
namespace {

TEST(BuiltinTest, NamesAndLookups) {
  const auto names = BuiltinScenarioNames();
  EXPECT_NE(std::find(names.begin(), names.end(), "mtt-cv2d"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "blk-atc"), names.end());
  EXPECT_TRUE(IsBuiltinScenario("blk-atc"));
  EXPECT_FALSE(IsBuiltinScenario("blk-atc.toml"));
  EXPECT_FALSE(BuiltinScenarioText("blk-atc").empty());
  EXPECT_EQ(BuiltinScenario("nope").error().code(), StatusCode::kNotFound);
}

TEST(BuiltinTest, BlkAtcScenarioAsSpecified) {
  Result<Scenario> s = BuiltinScenario("blk-atc");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->step, 5.0);
  EXPECT_EQ(s->scans, 100);
  ASSERT_EQ(s->targets.size(), 1u);
  EXPECT_EQ(s->targets[0].Duration(), 495.0);
  ASSERT_EQ(s->sensors.size(), 1u);
  EXPECT_EQ(s->sensors[0].sigma[0], 100.0);
  EXPECT_EQ(s->sensors[0].detection_probability, 1.0);
}

TEST(BuiltinTest, RunSimulationAppliesOverrides) {
  SimulationRequest request;
  request.scenario = "mtt-cv2d";
  Result<SimulationOutput> def = RunSimulation(request);
  ASSERT_TRUE(def.ok());
  EXPECT_EQ(def->detections.size(), 1882u);
  EXPECT_EQ(def->targets, 10);
  EXPECT_EQ(def->scans, 100);

  request.targets = 3;
  request.scans = 7;
  Result<SimulationOutput> small = RunSimulation(request);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->truth.states.size(), 21u);

  SimulationRequest blk;
  blk.scenario = "blk-atc";
  blk.scans = 10;
  blk.seed = 5;
  Result<SimulationOutput> b = RunSimulation(blk);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->detections.size(), 10u);
  blk.targets = 2;
  Result<SimulationOutput> bad = RunSimulation(blk);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("--n"), std::string::npos);

  SimulationRequest missing;
  missing.scenario = "/no/such/file.toml";
  Result<SimulationOutput> m = RunSimulation(missing);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace biac::sim
