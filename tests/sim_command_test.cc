// `biac sim` end to end through its command runner: arguments in, files and summary out.

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "biac/app/commands.h"

namespace biac::app {
namespace {

namespace fs = std::filesystem;

struct RunResult {
  int code = -1;
  std::string out;
  std::string err;
};

// Parses `args` (after "biac") like cli.cc does and runs the sim command.
RunResult RunSim(std::vector<std::string> args) {
  CLI::App app{"biac"};
  CommandRunner runner = RegisterSimCommand(app);
  std::vector<const char*> argv = {"biac"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  RunResult result;
  try {
    app.parse(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
  } catch (const CLI::ParseError&) {
    result.code = 2;  // cli.cc maps every parse error to exit 2
    return result;
  }
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  result.code = runner();
  result.out = testing::internal::GetCapturedStdout();
  result.err = testing::internal::GetCapturedStderr();
  return result;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

fs::path TempDir(const std::string& name) {
  const fs::path dir = fs::path(testing::TempDir()) / "sim_command_test" / name;
  fs::remove_all(dir);
  return dir;
}

TEST(SimCommandTest, MttCv2dDefaults) {
  const fs::path dir = TempDir("mtt");
  const RunResult r = RunSim({"sim", "--scenario", "mtt-cv2d", "--out", dir.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"scans\":100,\"targets\":10,\"detections\":1882,\"out\":\"" + dir.string() +
                       "\"}\n");
  const auto dets = Lines(ReadFile(dir / "detections.csv"));
  ASSERT_EQ(dets.size(), 1883u);
  EXPECT_EQ(dets[0], "time,sensor,x,y");
  EXPECT_EQ(dets[1], "0,pos0,82.79839554134955,2027.0847247457982");
  const auto truth = Lines(ReadFile(dir / "truth.csv"));
  ASSERT_EQ(truth.size(), 1001u);
  EXPECT_EQ(truth[0], "time,id,x,y,vx,vy");
  EXPECT_EQ(truth[1],
            "0,0,80.64909827751065,2005.1637321966393,0.6159699133368647,1.5782387023988815");
  const auto origin = Lines(ReadFile(dir / "detections_truth.csv"));
  ASSERT_EQ(origin.size(), 1883u);
  EXPECT_EQ(origin[0], "time,sensor,detection_index,truth_id");
  EXPECT_EQ(origin[1], "0,pos0,0,0");
}

TEST(SimCommandTest, MttCv2dParameters) {
  const fs::path dir = TempDir("mtt_small");
  const RunResult r = RunSim({"sim", "--scenario", "mtt-cv2d", "--out", dir.string(), "--n", "100",
                              "--scans", "100", "--seed", "20240601"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"detections\":18945"), std::string::npos) << r.out;
}

TEST(SimCommandTest, BlkAtcAndSeeds) {
  const fs::path a = TempDir("blk_a");
  const fs::path b = TempDir("blk_b");
  const fs::path c = TempDir("blk_c");
  ASSERT_EQ(RunSim({"sim", "--scenario", "blk-atc", "--out", a.string(), "--seed", "3"}).code, 0);
  ASSERT_EQ(RunSim({"sim", "--scenario", "blk-atc", "--out", b.string(), "--seed", "3"}).code, 0);
  ASSERT_EQ(RunSim({"sim", "--scenario", "blk-atc", "--out", c.string(), "--seed", "4"}).code, 0);
  EXPECT_EQ(ReadFile(a / "detections.csv"), ReadFile(b / "detections.csv"));
  EXPECT_NE(ReadFile(a / "detections.csv"), ReadFile(c / "detections.csv"));
  EXPECT_EQ(ReadFile(a / "truth.csv"), ReadFile(c / "truth.csv"));  // deterministic truth
  const auto truth = Lines(ReadFile(a / "truth.csv"));
  ASSERT_EQ(truth.size(), 101u);
  EXPECT_EQ(truth[1], "0,0,25000,10000,-120,0");
}

TEST(SimCommandTest, ScenarioFile) {
  const fs::path dir = TempDir("file");
  fs::create_directories(dir);
  const fs::path scenario = dir / "radar.toml";
  std::ofstream(scenario) << R"(
[time]
step = 1.0
scans = 3
[[target]]
position = [1000.0, 0.0]
velocity = [0.0, 0.0]
segments = [{ model = "cv", duration = 10.0 }]
[[sensor]]
name = "r0"
kind = "radar"
range_sigma = 5.0
bearing_sigma_deg = 1.0
)";
  const RunResult r =
      RunSim({"sim", "--scenario", scenario.string(), "--out", (dir / "out").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto dets = Lines(ReadFile(dir / "out" / "detections.csv"));
  ASSERT_EQ(dets.size(), 4u);
  EXPECT_EQ(dets[0], "time,sensor,range,bearing");
  EXPECT_EQ(dets[1].rfind("0,r0,", 0), 0u);
}

TEST(SimCommandTest, Errors) {
  const fs::path dir = TempDir("errors");
  // Usage errors: exit 2.
  EXPECT_EQ(RunSim({"sim", "--scenario", "mtt-cv2d"}).code, 2);  // no --out
  EXPECT_EQ(RunSim({"sim", "--out", dir.string()}).code, 2);     // no --scenario
  EXPECT_EQ(RunSim({"sim", "--scenario", "mtt-cv2d", "--out", dir.string(), "--n", "0"}).code, 2);
  const RunResult n_for_blk =
      RunSim({"sim", "--scenario", "blk-atc", "--out", dir.string(), "--n", "5"});
  EXPECT_EQ(n_for_blk.code, 2);
  EXPECT_NE(n_for_blk.err.find("--n"), std::string::npos);
  // An unreadable scenario: exit 1, one line naming the file.
  const RunResult missing =
      RunSim({"sim", "--scenario", "/no/such/scenario.toml", "--out", dir.string()});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("/no/such/scenario.toml"), std::string::npos) << missing.err;
  EXPECT_EQ(missing.err.find('\n'), missing.err.size() - 1) << missing.err;
  EXPECT_TRUE(missing.out.empty());
  // A bad scenario: exit 1 naming the file and the key.
  fs::create_directories(dir);
  const fs::path bad = dir / "bad.toml";
  std::ofstream(bad) << "[time]\nstep = 1.0\nscans = 2\nwobble = 3\n";
  const RunResult bad_key = RunSim({"sim", "--scenario", bad.string(), "--out", dir.string()});
  EXPECT_EQ(bad_key.code, 1);
  EXPECT_NE(bad_key.err.find("bad.toml:4: time.wobble: unknown key"), std::string::npos)
      << bad_key.err;
}

}  // namespace
}  // namespace biac::app
