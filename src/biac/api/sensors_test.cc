#include "biac/api/sensors.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace biac::api {
namespace {

using Json = nlohmann::json;

constexpr int64_t kSecond = 1'000'000'000;
const Timestamp kT0 = Timestamp::FromNanos(1'780'272'000 * kSecond);  // 2026-06-01T00:00:00Z

labels::Label Label(const char* text) {
  auto label = labels::Parse(text);
  EXPECT_TRUE(label.ok()) << text;
  return label.ok() ? *label : labels::Label();
}

labels::User User(const char* nationality) {
  labels::User user;
  user.clearance = labels::Level::kSecret;
  user.nationality = nationality;
  return user;
}

// The six observations the KLV mapping (formats/klv/observations.h) makes of one ST 0601
// packet: the platform, the frame centre and corners 1-4, with its uid and category scheme.
std::vector<model::Observation> KlvPacket(const std::string& source, Timestamp time,
                                          const char* label, uint64_t first_id,
                                          double lat_offset = 0.0) {
  std::vector<model::Observation> out;
  const auto base = [&](model::ObservationKind kind) {
    model::Observation o;
    o.id = first_id + out.size();
    o.time = time;
    o.source = source;
    o.sensor = "EO Nose";
    o.source_kind = model::SourceKind::kKlv;
    o.kind = kind;
    o.label = Label(label);
    return o;
  };
  model::Observation platform = base(model::ObservationKind::kSelfReport);
  platform.position = {31.5 + lat_offset, 129.8, 7600.0};
  platform.has_altitude = true;
  platform.identity.uid = "N-HUNTER";
  platform.identity.callsign = "HUNTER11";
  out.push_back(platform);
  const double corners[4][2] = {{31.62, 130.28}, {31.62, 130.32}, {31.58, 130.32}, {31.58, 130.28}};
  model::Observation center = base(model::ObservationKind::kSensorPoint);
  center.position = {31.6 + lat_offset, 130.3, 40.0};
  center.has_altitude = true;
  center.identity.uid = "N-HUNTER:frame_center";
  center.identity.category = "frame_center";
  model::SensorRelative relative;
  relative.sensor_position = platform.position;
  center.sensor_relative = relative;
  out.push_back(center);
  for (int i = 0; i < 4; ++i) {
    model::Observation c = base(model::ObservationKind::kSensorPoint);
    c.position = {corners[i][0] + lat_offset, corners[i][1], 40.0};
    c.identity.uid = "N-HUNTER:corner_" + std::to_string(i + 1);
    c.identity.category = "footprint_corner";
    out.push_back(c);
  }
  return out;
}

model::Observation Detection(const std::string& source, Timestamp time, const char* label,
                             uint64_t id, double range_rate) {
  model::Observation o;
  o.id = id;
  o.time = time;
  o.source = source;
  o.sensor = "HUNTER11";
  o.source_kind = model::SourceKind::kGmti;
  o.kind = model::ObservationKind::kDetection;
  o.position = {31.4, 130.5, 0.0};
  model::SensorRelative r;
  r.sensor_position = {31.5, 129.8, 7600.0};
  r.range_rate_mps = range_rate;
  o.sensor_relative = r;
  o.identity.category = "wheeled_vehicle_simulated";
  o.label = Label(label);
  return o;
}

Json Answer(const SensorBoard& board, const labels::User& user, Timestamp since, Timestamp now,
            size_t limit = 100) {
  return Json::parse(board.Answer(user, since, now, limit).body);
}

TEST(SensorBoard, AssemblesTheFootprintOfOnePacket) {
  SensorBoard board;
  const auto packet = KlvPacket("uav-klv", kT0, "SECRET//REL TO USA, JPN", 10);
  board.Add(packet, kT0 + std::chrono::milliseconds(300));
  const Json j = Answer(board, User("JPN"), kT0, kT0 + std::chrono::seconds(1));
  ASSERT_EQ(j["footprints"].size(), 1u);
  const Json& f = j["footprints"][0];
  EXPECT_EQ(f["source"], "uav-klv");
  EXPECT_EQ(f["sensor"], "EO Nose");
  EXPECT_EQ(f["platform_uid"], "N-HUNTER");
  EXPECT_EQ(f["callsign"], "HUNTER11");
  EXPECT_EQ(f["time"], 1'780'272'000'000);
  EXPECT_EQ(f["arrival"], 1'780'272'000'300);
  EXPECT_EQ(f["label"], "SECRET//REL TO USA, JPN");
  EXPECT_DOUBLE_EQ(f["platform"]["lat"].get<double>(), 31.5);
  EXPECT_DOUBLE_EQ(f["platform"]["alt"].get<double>(), 7600.0);
  EXPECT_DOUBLE_EQ(f["center"]["lon"].get<double>(), 130.3);
  // Corners in ST 0601 order, as [lon, lat] (GeoJSON order).
  ASSERT_EQ(f["corners"].size(), 4u);
  EXPECT_EQ(f["corners"][0], Json::array({130.28, 31.62}));
  EXPECT_EQ(f["corners"][2], Json::array({130.32, 31.58}));
  EXPECT_EQ(f["observation_ids"], Json::array({10, 11, 12, 13, 14, 15}));
  EXPECT_TRUE(j["detections"].empty());
}

TEST(SensorBoard, ANewerPacketReplacesTheFootprintAndALateOneDoesNot) {
  SensorBoard board;
  board.Add(KlvPacket("uav-klv", kT0 + std::chrono::seconds(1), "UNCLASSIFIED", 1, 0.1),
            kT0 + std::chrono::seconds(1));
  board.Add(KlvPacket("uav-klv", kT0, "UNCLASSIFIED", 7, 0.0), kT0 + std::chrono::seconds(2));
  Json j = Answer(board, User("USA"), kT0, kT0 + std::chrono::seconds(3));
  ASSERT_EQ(j["footprints"].size(), 1u);
  EXPECT_DOUBLE_EQ(j["footprints"][0]["center"]["lat"].get<double>(), 31.7);
  board.Add(KlvPacket("uav-klv", kT0 + std::chrono::seconds(2), "UNCLASSIFIED", 13, 0.2),
            kT0 + std::chrono::seconds(3));
  j = Answer(board, User("USA"), kT0, kT0 + std::chrono::seconds(3));
  ASSERT_EQ(j["footprints"].size(), 1u);
  EXPECT_DOUBLE_EQ(j["footprints"][0]["center"]["lat"].get<double>(), 31.8);
  EXPECT_EQ(j["footprints"][0]["observation_ids"][0], 13);
  // A second source is a second sensor.
  board.Add(KlvPacket("uav-klv-2", kT0, "UNCLASSIFIED", 19), kT0 + std::chrono::seconds(3));
  EXPECT_EQ(Answer(board, User("USA"), kT0, kT0)["footprints"].size(), 2u);
}

TEST(SensorBoard, EachAudienceGetsOnlyWhatItsUserPasses) {
  SensorBoard board;
  const Timestamp arrival = kT0 + std::chrono::seconds(1);
  board.Add(KlvPacket("uav-rel", kT0, "SECRET//REL TO USA, JPN", 1), arrival);
  board.Add(KlvPacket("uav-us", kT0, "SECRET//NOFORN", 7), arrival);
  const std::vector<model::Observation> detections = {
      Detection("gmti-rel", kT0, "SECRET//REL TO USA, JPN", 13, -4.5),
      Detection("gmti-us", kT0, "SECRET//NOFORN", 14, 2.0)};
  board.Add(detections, arrival);

  const SensorAnswer jpn = board.Answer(User("JPN"), kT0, arrival, 100);
  const Json j = Json::parse(jpn.body);
  ASSERT_EQ(j["footprints"].size(), 1u);
  EXPECT_EQ(j["footprints"][0]["source"], "uav-rel");
  ASSERT_EQ(j["detections"].size(), 1u);
  EXPECT_EQ(j["detections"][0]["source"], "gmti-rel");
  EXPECT_DOUBLE_EQ(j["detections"][0]["range_rate"].get<double>(), -4.5);
  EXPECT_EQ(jpn.body.find("NOFORN"), std::string::npos);
  EXPECT_EQ(jpn.body.find("-us"), std::string::npos);
  ASSERT_EQ(jpn.released.size(), 1u);
  EXPECT_EQ(labels::Render(jpn.released[0]), "SECRET//REL TO USA, JPN");

  const Json u = Answer(board, User("USA"), kT0, arrival);
  EXPECT_EQ(u["footprints"].size(), 2u);
  EXPECT_EQ(u["detections"].size(), 2u);
  // A footprint whose observations carry different labels is released under their roll-up:
  // one NOFORN corner withholds the whole footprint from the JPN user.
  SensorBoard mixed;
  auto packet = KlvPacket("uav-mixed", kT0, "SECRET//REL TO USA, JPN", 1);
  packet[3].label = Label("SECRET//NOFORN");
  mixed.Add(packet, arrival);
  EXPECT_TRUE(Answer(mixed, User("JPN"), kT0, arrival)["footprints"].empty());
  const Json m = Answer(mixed, User("USA"), kT0, arrival);
  ASSERT_EQ(m["footprints"].size(), 1u);
  const labels::Label rolled = Label(m["footprints"][0]["label"].get<std::string>().c_str());
  EXPECT_EQ(rolled, labels::Rollup(Label("SECRET//REL TO USA, JPN"), Label("SECRET//NOFORN")));
  EXPECT_FALSE(labels::Permits(User("JPN"), rolled));
}

TEST(SensorBoard, DetectionsAreWindowedNewestFirstAndBounded) {
  SensorBoardOptions options;
  options.detections_per_source = 3;
  SensorBoard board(options);
  for (int i = 0; i < 5; ++i) {
    const Timestamp t = kT0 + std::chrono::seconds(i);
    const std::vector<model::Observation> one = {
        Detection("gmti", t, "UNCLASSIFIED", 100 + i, static_cast<double>(i))};
    board.Add(one, t);
  }
  // The ring kept the last three (ids 102-104); the window from t0+3 s holds two of them.
  Json j = Answer(board, User("USA"), kT0, kT0 + std::chrono::seconds(5));
  ASSERT_EQ(j["detections"].size(), 3u);
  EXPECT_EQ(j["detections"][0]["id"], 104);
  EXPECT_EQ(j["detections"][2]["id"], 102);
  EXPECT_FALSE(j["truncated"].get<bool>());
  j = Answer(board, User("USA"), kT0 + std::chrono::seconds(3), kT0 + std::chrono::seconds(5));
  ASSERT_EQ(j["detections"].size(), 2u);
  j = Answer(board, User("USA"), kT0, kT0 + std::chrono::seconds(5), 1);
  ASSERT_EQ(j["detections"].size(), 1u);
  EXPECT_EQ(j["detections"][0]["id"], 104);
  EXPECT_TRUE(j["truncated"].get<bool>());
  // Footprints are not windowed by `since`: the latest of each sensor stays for the keep
  // time (detection_keep, an hour by default), so a quiet UAV still shows where it looked.
  board.Add(KlvPacket("uav", kT0, "UNCLASSIFIED", 1), kT0);
  EXPECT_EQ(Answer(board, User("USA"), kT0, kT0)["footprints"].size(), 1u);
  const Timestamp later = kT0 + std::chrono::minutes(10);
  EXPECT_EQ(Answer(board, User("USA"), later - std::chrono::seconds(60), later)["footprints"].size(), 1u);
  const Timestamp past_keep = kT0 + options.detection_keep + std::chrono::seconds(1);
  EXPECT_TRUE(Answer(board, User("USA"), past_keep - std::chrono::seconds(60), past_keep)["footprints"].empty());
}

TEST(SensorBoard, IgnoresEverythingElse) {
  SensorBoard board;
  model::Observation ais;
  ais.source_kind = model::SourceKind::kAis;
  ais.kind = model::ObservationKind::kSelfReport;
  ais.label = Label("UNCLASSIFIED");
  model::Observation radar = Detection("radar", kT0, "UNCLASSIFIED", 2, 0.0);
  radar.source_kind = model::SourceKind::kAsterix;
  const std::vector<model::Observation> batch = {ais, radar};
  board.Add(batch, kT0);
  const Json j = Answer(board, User("USA"), kT0, kT0);
  EXPECT_TRUE(j["footprints"].empty());
  EXPECT_TRUE(j["detections"].empty());
}

TEST(SensorBoard, ParsesTheWindow) {
  EXPECT_EQ(*ParseSensorWindow(std::nullopt), std::chrono::seconds(60));
  EXPECT_EQ(*ParseSensorWindow(std::string("2.5")), std::chrono::milliseconds(2500));
  EXPECT_EQ(*ParseSensorWindow(std::string("3600")), std::chrono::seconds(3600));
  for (const char* bad : {"", "0", "-1", "3601", "ten", "5s", "nan"}) {
    const auto w = ParseSensorWindow(std::string(bad));
    ASSERT_FALSE(w.ok()) << bad;
    EXPECT_NE(w.error().message().find("since_s"), std::string::npos);
  }
}

}  // namespace
}  // namespace biac::api
