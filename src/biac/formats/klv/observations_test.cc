// ST 0601 packets to Observations: the DynamicConstant sample (platform and frame centre),
// and a built packet with full corners and velocities, against hand-computed values.

#include "biac/formats/klv/observations.h"

#include <Eigen/Eigenvalues>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <memory>
#include <vector>

#include "biac/geo/local_frame.h"

namespace biac::formats::klv {
namespace {

std::vector<uint8_t> ReadFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(KlvObservationsTest, DynamicConstantSample) {
  const auto bytes = ReadFile("testdata/klv/klvdata_DynamicConstantMISMMSPacketData.bin");
  auto packet = std::make_unique<UasPacket>();
  ASSERT_TRUE(DecodeUasPacket(bytes, *packet).ok());
  ObservationOptions options;
  options.source.id = "uav-1";
  std::vector<model::Observation> out;
  ASSERT_TRUE(AppendObservations(*packet, options, out).ok());
  // The platform and the frame centre; the sample carries no corners.
  ASSERT_EQ(out.size(), 2u);
  const model::Observation& platform = out[0];
  EXPECT_EQ(platform.kind, model::ObservationKind::kSelfReport);
  EXPECT_EQ(platform.source_kind, model::SourceKind::kKlv);
  EXPECT_EQ(platform.source, "uav-1");
  EXPECT_EQ(platform.time.nanos(), 1231798102000000000LL);
  EXPECT_NEAR(platform.position.latitude_deg, 60.176822966978335, 1e-12);
  EXPECT_NEAR(platform.position.longitude_deg, 128.42675904204452, 1e-12);
  // Only the MSL altitude (tag 15): used as the height, vertical variance widened by the geoid.
  EXPECT_TRUE(platform.has_altitude);
  EXPECT_NEAR(platform.position.altitude_m, 14190.72, 0.01);
  EXPECT_DOUBLE_EQ(platform.position_covariance(2, 2), 10.0 * 10.0 + 30.0 * 30.0);
  EXPECT_DOUBLE_EQ(platform.position_covariance(0, 0), 25.0);
  EXPECT_EQ(platform.identity.uid, "Mission 12");  // no tail number: the mission id
  EXPECT_EQ(platform.identity.name, "Predator");
  EXPECT_EQ(platform.sensor, "EO Nose");

  const model::Observation& center = out[1];
  EXPECT_EQ(center.kind, model::ObservationKind::kSensorPoint);
  EXPECT_EQ(center.identity.uid, "Mission 12:frame_center");
  EXPECT_NEAR(center.position.latitude_deg, -10.5423886331461, 1e-7);
  EXPECT_NEAR(center.position.altitude_m, 3216.037, 0.2);
  // Slant range 68590.98 m (tag 21) and 0.1 deg pointing sigma: cross-range 119.7 m.
  ASSERT_TRUE(center.sensor_relative.has_value());
  EXPECT_NEAR(*center.sensor_relative->range_m, 68590.98, 0.01);
  const double cross = 68590.98329874347 * 0.1 * M_PI / 180.0;
  const Eigen::SelfAdjointEigenSolver<Eigen::Matrix2d> eig(
      center.position_covariance.topLeftCorner<2, 2>());
  EXPECT_NEAR(eig.eigenvalues()(0), cross * cross + 25.0, 1e-6 * cross * cross);
  // The sensor is ~7900 km away (the sample's points are unrelated), far beyond the horizon:
  // the grazing angle clamps to 5 deg, so down-range = cross / sin(5 deg).
  const double down = cross / std::sin(5.0 * M_PI / 180.0);
  EXPECT_NEAR(eig.eigenvalues()(1), down * down + 25.0, 1e-6 * down * down);
}

std::vector<uint8_t> Item(uint8_t tag, std::vector<uint8_t> value) {
  std::vector<uint8_t> out = {tag, static_cast<uint8_t>(value.size())};
  out.insert(out.end(), value.begin(), value.end());
  return out;
}

std::vector<uint8_t> Int32(double value, double range) {
  const auto raw = static_cast<int32_t>(std::lround(value / (2.0 * range / 4294967294.0)));
  const auto u = static_cast<uint32_t>(raw);
  return {static_cast<uint8_t>(u >> 24), static_cast<uint8_t>(u >> 16),
          static_cast<uint8_t>(u >> 8), static_cast<uint8_t>(u)};
}

std::vector<uint8_t> Uint16(double value, double min, double max) {
  const auto raw = static_cast<uint16_t>(std::lround((value - min) / ((max - min) / 65535.0)));
  return {static_cast<uint8_t>(raw >> 8), static_cast<uint8_t>(raw)};
}

TEST(KlvObservationsTest, NadirGeometryCornersAndVelocity) {
  // The sensor 3000 m straight above the frame centre (HAE), looking down; four full corners.
  std::vector<uint8_t> value;
  const auto add = [&value](const std::vector<uint8_t>& item) {
    value.insert(value.end(), item.begin(), item.end());
  };
  add(Item(2, {0x00, 0x05, 0xA0, 0x1C, 0x8B, 0x7F, 0x20, 0x00}));  // 2024-01-01T00:00:00Z-ish
  add(Item(4, {'N', '1', '2', '3'}));
  add(Item(59, {'R', 'E', 'A', 'P', 'E', 'R', '1'}));
  add(Item(13, Int32(35.0, 90.0)));
  add(Item(14, Int32(139.0, 180.0)));
  add(Item(75, Uint16(3100.0, -900.0, 19000.0)));
  add(Item(23, Int32(35.0, 90.0)));
  add(Item(24, Int32(139.0, 180.0)));
  add(Item(78, Uint16(100.0, -900.0, 19000.0)));
  add(Item(79, {0x00, 0x64}));  // north 100 * 654/65534 m/s
  add(Item(80, {0xFF, 0x9C}));  // east -100 * 654/65534 m/s
  for (int i = 0; i < 4; ++i) {
    add(Item(static_cast<uint8_t>(82 + 2 * i), Int32(35.0 + (i < 2 ? 0.01 : -0.01), 90.0)));
    add(Item(static_cast<uint8_t>(83 + 2 * i), Int32(139.0 + (i % 3 == 0 ? -0.01 : 0.01), 180.0)));
  }
  std::vector<uint8_t> bytes(kUasLocalSetKey.begin(), kUasLocalSetKey.end());
  uint8_t length[9];
  const size_t n = WriteBerLength(value.size(), length);
  bytes.insert(bytes.end(), length, length + n);
  bytes.insert(bytes.end(), value.begin(), value.end());
  auto packet = std::make_unique<UasPacket>();
  const DecodeError error = DecodeUasPacket(bytes, *packet);
  ASSERT_TRUE(error.ok()) << error.Message();
  ObservationOptions options;
  std::vector<model::Observation> out;
  ASSERT_TRUE(AppendObservations(*packet, options, out).ok());
  ASSERT_EQ(out.size(), 6u);
  EXPECT_EQ(out[0].identity.uid, "N123");
  EXPECT_EQ(out[0].identity.callsign, "REAPER1");
  // Ellipsoid height used as is: no geoid term.
  EXPECT_DOUBLE_EQ(out[0].position_covariance(2, 2), 100.0);
  ASSERT_TRUE(out[0].velocity_enu.has_value());
  EXPECT_NEAR(out[0].velocity_enu->x(), -100 * 654.0 / 65534.0, 1e-12);
  EXPECT_NEAR(out[0].velocity_enu->y(), 100 * 654.0 / 65534.0, 1e-12);
  EXPECT_FALSE(out[0].has_vertical_velocity);
  // Frame centre straight below: no slant range tag, so R = 3000 m from the geometry; grazing
  // 90 deg, so down-range = cross-range = R sigma_theta.
  const model::Observation& center = out[1];
  const double r = 3000.0;
  ASSERT_TRUE(center.sensor_relative.has_value());
  EXPECT_NEAR(*center.sensor_relative->range_m, r, 0.5);
  EXPECT_NEAR(*center.sensor_relative->elevation_deg, -90.0, 0.01);
  const double cross = r * 0.1 * M_PI / 180.0;
  EXPECT_NEAR(center.position_covariance(0, 0), cross * cross + 25.0, 0.05);
  EXPECT_NEAR(center.position_covariance(1, 1), cross * cross + 25.0, 0.05);
  EXPECT_DOUBLE_EQ(center.position_covariance(2, 2), 15.0 * 15.0);
  // Corners: full corners, at the frame centre's height; a corner ~1.1 km off nadir has a
  // larger down-range than cross-range error, along the bearing from the sensor.
  for (int i = 0; i < 4; ++i) {
    const model::Observation& corner = out[2 + i];
    EXPECT_EQ(corner.identity.uid, "N123:corner_" + std::to_string(i + 1));
    EXPECT_EQ(corner.identity.category, "footprint_corner");
    EXPECT_NEAR(corner.position.latitude_deg, 35.0 + (i < 2 ? 0.01 : -0.01), 1e-7);
    const Eigen::SelfAdjointEigenSolver<Eigen::Matrix2d> eig(
        corner.position_covariance.topLeftCorner<2, 2>());
    EXPECT_GT(eig.eigenvalues()(1), eig.eigenvalues()(0) * 1.05);
  }
  // Options are checked.
  options.min_grazing_deg = 0.0;
  EXPECT_FALSE(AppendObservations(*packet, options, out).ok());
}

TEST(KlvObservationsTest, NoTimeStampIsAnError) {
  std::vector<uint8_t> bytes(kUasLocalSetKey.begin(), kUasLocalSetKey.end());
  bytes.insert(bytes.end(), {0x03, 0x41, 0x01, 0x11});
  auto packet = std::make_unique<UasPacket>();
  ASSERT_TRUE(DecodeUasPacket(bytes, *packet).ok());
  std::vector<model::Observation> out;
  const Status status = AppendObservations(*packet, ObservationOptions{}, out);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("tag 2"), std::string::npos);
}

}  // namespace
}  // namespace biac::formats::klv
