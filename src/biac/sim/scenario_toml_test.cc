#include "biac/sim/scenario_toml.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <string>

namespace biac::sim {
namespace {

constexpr const char* kValid = R"(
name = "demo"
seed = 12
dimensions = 2
[time]
step = 2.0
scans = 5
[[target]]
id = 4
position = [1.0, 2.0]
velocity = [3.0, 4.0]
process_noise = 0.1
segments = [{ model = "ct", duration = 8.0, turn_rate_deg = 2.0 }]
[[sensor]]
name = "radar0"
kind = "radar"
position = [10.0, 20.0]
range_sigma = 5.0
bearing_sigma_deg = 0.5
range_rate = true
range_rate_sigma = 1.5
pd = 0.8
period = 4.0
phase = 1.0
clutter_density = 1e-4
clutter_range = [0.0, 1000.0]
clutter_bearing_deg = [-180.0, 180.0]
clutter_range_rate = [-50.0, 50.0]
)";

TEST(ScenarioTomlTest, ReadsEveryKey) {
  Result<Scenario> r = ParseScenarioToml(kValid, "valid.toml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Scenario& s = *r;
  EXPECT_EQ(s.name, "demo");
  EXPECT_EQ(s.seed, 12u);
  EXPECT_EQ(s.step, 2.0);
  EXPECT_EQ(s.scans, 5);
  ASSERT_EQ(s.targets.size(), 1u);
  EXPECT_EQ(s.targets[0].id, 4);
  EXPECT_EQ(s.targets[0].process_noise, 0.1);
  ASSERT_EQ(s.targets[0].segments.size(), 1u);
  EXPECT_EQ(s.targets[0].segments[0].kind, MotionKind::kCoordinatedTurn);
  EXPECT_DOUBLE_EQ(s.targets[0].segments[0].turn_rate, 2.0 * std::numbers::pi / 180.0);
  ASSERT_EQ(s.sensors.size(), 1u);
  const SensorSpec& r0 = s.sensors[0];
  EXPECT_EQ(r0.kind, SensorKind::kRadar);
  EXPECT_EQ(r0.components, (std::vector<Component>{Component::kRange, Component::kBearing,
                                                   Component::kRangeRate}));
  EXPECT_EQ(r0.sigma[0], 5.0);
  EXPECT_DOUBLE_EQ(r0.sigma[1], 0.5 * std::numbers::pi / 180.0);
  EXPECT_EQ(r0.sigma[2], 1.5);
  EXPECT_EQ(r0.detection_probability, 0.8);
  EXPECT_EQ(r0.period, 4.0);
  EXPECT_EQ(r0.phase, 1.0);
  EXPECT_DOUBLE_EQ(r0.ClutterVolume(), 1000.0 * 2 * std::numbers::pi * 100.0);
}

TEST(ScenarioTomlTest, DurationGivesScans) {
  Result<Scenario> r = ParseScenarioToml("[time]\nstep = 5.0\nduration = 495.0\n", "d.toml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->scans, 100);
}

// Replaces the first occurrence of `from` in the valid scenario and expects an error that
// names the file and contains `expected`.
void ExpectError(const std::string& from, const std::string& to, const std::string& expected) {
  std::string text = kValid;
  const std::size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  Result<Scenario> r = ParseScenarioToml(text, "bad.toml");
  ASSERT_FALSE(r.ok()) << "accepted: " << to;
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.error().message().rfind("bad.toml:", 0), 0u) << r.error().message();
  EXPECT_NE(r.error().message().find(expected), std::string::npos)
      << "message: " << r.error().message() << "\nexpected to contain: " << expected;
}

TEST(ScenarioTomlTest, ErrorsNameTheFileAndTheKey) {
  ExpectError("seed = 12", "seed = 12\ncolour = 1", "colour: unknown key");
  ExpectError("seed = 12", "seed = -1", "seed: must be an integer >= 0");
  ExpectError("dimensions = 2", "dimensions = 4", "dimensions: must be 2 or 3");
  ExpectError("step = 2.0", "step = 0.0", "time.step: must be > 0, got 0");
  ExpectError("scans = 5", "scans = 5\nduration = 3.0", "time: give exactly one");
  ExpectError("scans = 5", "scnas = 5", "time.scnas: unknown key");
  ExpectError("id = 4", "id = 4\nspeed = 3.0", "target[0].speed: only allowed with waypoints");
  ExpectError("process_noise = 0.1", "process_noise = -0.1",
              "target[0].process_noise: must be >= 0");
  ExpectError("velocity = [3.0, 4.0]", "velocity = [3.0]",
              "target[0].velocity: must be an array of 2 numbers");
  ExpectError("model = \"ct\"", "model = \"zigzag\"", "target[0].segments[0].model: must be");
  ExpectError("turn_rate_deg = 2.0", "turn_rate = 2.0",
              "target[0].segments[0].turn_rate: unknown key");
  ExpectError("duration = 8.0", "duration = -8.0", "target[0].segments[0].duration: must be > 0");
  ExpectError("kind = \"radar\"", "kind = \"sonar\"", "sensor[0].kind: must be");
  ExpectError("pd = 0.8", "pd = 1.5", "sensor[0].pd: must be in [0, 1], got 1.5");
  ExpectError("pd = 0.8", "pd = \"high\"", "sensor[0].pd: must be a number");
  ExpectError("range_sigma = 5.0", "sigma = [5.0, 5.0]", "sensor[0].sigma: unknown key");
  ExpectError("range_rate_sigma = 1.5", "", "sensor[0].range_rate_sigma: missing");
  ExpectError("clutter_range = [0.0, 1000.0]", "", "sensor[0].clutter_range: missing");
  ExpectError("clutter_range = [0.0, 1000.0]", "clutter_range = [10.0, 1.0]",
              "sensor[0].clutter_range: must be [min, max]");
  ExpectError("period = 4.0", "period = 0", "sensor[0].period: must be > 0");
  ExpectError("name = \"radar0\"", "name = \"a,b\"", "sensor[0].name: must be non-empty");
  ExpectError("[time]", "[tiem]", "tiem: unknown key");
  ExpectError("step = 2.0", "step = 2.0.0", "TOML syntax error");
}

TEST(ScenarioTomlTest, RejectsDuplicatesAndMixedMotion) {
  std::string twice = std::string(kValid) +
                      "[[sensor]]\nname = \"radar0\"\nkind = \"angle_only\"\n"
                      "bearing_sigma_deg = 1.0\n";
  Result<Scenario> r = ParseScenarioToml(twice, "dup.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("sensor[1].name: 'radar0' is used twice"), std::string::npos)
      << r.error().message();

  Result<Scenario> both = ParseScenarioToml(
      "[time]\nstep = 1.0\nscans = 2\n[[target]]\nposition = [0.0, 0.0]\n"
      "velocity = [0.0, 0.0]\nsegments = [{ model = \"cv\", duration = 1.0 }]\n"
      "waypoints = [[0.0, 0.0], [1.0, 1.0]]\nspeed = 1.0\n",
      "both.toml");
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.error().message().find("target[0]: give exactly one of 'segments' or"),
            std::string::npos)
      << both.error().message();
}

TEST(ScenarioTomlTest, ElevationOnlyIn3d) {
  Result<Scenario> r = ParseScenarioToml(
      "[time]\nstep = 1.0\nscans = 2\n[[sensor]]\nname = \"eo\"\nkind = \"angle_only\"\n"
      "bearing_sigma_deg = 1.0\nelevation_sigma_deg = 1.0\n",
      "eo.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("sensor[0].elevation_sigma_deg: unknown key"),
            std::string::npos)
      << r.error().message();
}

TEST(ScenarioTomlTest, UnreadableFileNamesThePath) {
  Result<Scenario> r = LoadScenarioFile("/nonexistent/dir/scenario.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.error().message().find("/nonexistent/dir/scenario.toml"), std::string::npos);
  EXPECT_NE(r.error().message().find("No such file"), std::string::npos) << r.error().message();
}

TEST(ScenarioTomlTest, LoadsAFile) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "sim_toml_test";
  std::filesystem::create_directories(dir);
  const std::filesystem::path path = dir / "ok.toml";
  std::ofstream(path) << kValid;
  Result<Scenario> r = LoadScenarioFile(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->sensors[0].name, "radar0");
}

}  // namespace
}  // namespace biac::sim
