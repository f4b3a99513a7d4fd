#include "biac/sim/csv.h"

#include <gtest/gtest.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "biac/sim/mtt_cv2d.h"
#include "biac/sim/scenario_toml.h"

namespace biac::sim {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.push_back("");
  return cells;
}

double Parse(const std::string& s) {
  double v = 0.0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

TEST(CsvTest, MttCv2dFilesRoundTripExactly) {
  MttCv2dOptions options;
  options.scans = 3;
  const SimulationOutput out = GenerateMttCv2d(options);
  const auto truth = Lines(TruthCsv(out));
  ASSERT_EQ(truth.size(), 1 + 30u);
  EXPECT_EQ(truth[0], "time,id,x,y,vx,vy");
  EXPECT_EQ(truth[1],
            "0,0,80.64909827751065,2005.1637321966393,0.6159699133368647,"
            "1.5782387023988815");
  const auto dets = Lines(DetectionsCsv(out));
  ASSERT_EQ(dets.size(), 1 + out.detections.size());
  EXPECT_EQ(dets[0], "time,sensor,x,y");
  EXPECT_EQ(dets[1], "0,pos0,82.79839554134955,2027.0847247457982");
  for (std::size_t i = 0; i < out.detections.size(); ++i) {
    const auto cells = Cells(dets[i + 1]);
    ASSERT_EQ(cells.size(), 4u);
    EXPECT_EQ(Parse(cells[0]), out.detections[i].time);
    EXPECT_EQ(Parse(cells[2]), out.detections[i].values[0]);
    EXPECT_EQ(Parse(cells[3]), out.detections[i].values[1]);
  }
  const auto origin = Lines(DetectionTruthCsv(out));
  EXPECT_EQ(origin[0], "time,sensor,detection_index,truth_id");
  EXPECT_EQ(origin[1], "0,pos0,0,0");
}

TEST(CsvTest, MixedSensorsUseTheUnionOfColumns) {
  Result<Scenario> s = ParseScenarioToml(R"(
    dimensions = 3
    [time]
    step = 1.0
    scans = 2
    [[target]]
    position = [1000.0, 0.0, 100.0]
    velocity = [0.0, 10.0, 0.0]
    segments = [{ model = "cv", duration = 5.0 }]
    [[sensor]]
    name = "radar"
    kind = "radar"
    range_sigma = 1.0
    bearing_sigma_deg = 0.1
    elevation_sigma_deg = 0.1
    range_rate = true
    range_rate_sigma = 0.5
    [[sensor]]
    name = "gps"
    kind = "position"
    sigma = [1.0, 1.0, 2.0]
  )",
                                         "mixed.toml");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const SimulationOutput out = Simulate(*s);
  const auto truth = Lines(TruthCsv(out));
  EXPECT_EQ(truth[0], "time,id,x,y,z,vx,vy,vz");
  EXPECT_EQ(truth[1], "0,0,1000,0,100,0,10,0");
  const auto dets = Lines(DetectionsCsv(out));
  EXPECT_EQ(dets[0], "time,sensor,x,y,z,range,bearing,elevation,range_rate");
  ASSERT_EQ(dets.size(), 5u);
  // Per time: "gps" before "radar".
  const auto gps = Cells(dets[1]);
  const auto radar = Cells(dets[2]);
  ASSERT_EQ(gps.size(), 9u);
  ASSERT_EQ(radar.size(), 9u);
  EXPECT_EQ(gps[1], "gps");
  EXPECT_FALSE(gps[2].empty());
  EXPECT_TRUE(gps[5].empty() && gps[8].empty());
  EXPECT_EQ(radar[1], "radar");
  EXPECT_TRUE(radar[2].empty() && radar[4].empty());
  EXPECT_NEAR(Parse(radar[5]), std::hypot(1000.0, 100.0), 10.0);
}

TEST(CsvTest, WritesTheThreeFiles) {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / "sim_csv_test" / "nested";
  std::filesystem::remove_all(dir);
  MttCv2dOptions options;
  options.scans = 2;
  const SimulationOutput out = GenerateMttCv2d(options);
  ASSERT_TRUE(WriteSimulationCsv(out, dir).ok());
  for (const char* name : {"truth.csv", "detections.csv", "detections_truth.csv"}) {
    std::ifstream in(dir / name);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_FALSE(text.str().empty()) << name;
  }
  std::ifstream in(dir / "detections.csv");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), DetectionsCsv(out));
  const Status bad = WriteSimulationCsv(out, "/proc/no/such/dir");
  EXPECT_EQ(bad.code(), StatusCode::kUnavailable);
  EXPECT_NE(bad.message().find("/proc/no/such/dir"), std::string::npos);
}

}  // namespace
}  // namespace biac::sim
