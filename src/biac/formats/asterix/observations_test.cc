#include "biac/formats/asterix/observations.h"

#include <Eigen/Eigenvalues>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "biac/geo/geodesic.h"

namespace biac::formats::asterix {
namespace {

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The first record of a single-block file, decoded with `edition` (kept with its bytes).
struct Loaded {
  std::vector<uint8_t> bytes;
  RecordView view;
};
void Load(const std::string& file, const Edition* edition, Loaded& out) {
  out.bytes = ReadFile("testdata/asterix/" + file);
  auto block = ReadDataBlock(out.bytes);
  ASSERT_TRUE(block.ok());
  DecodeFailure failure;
  ASSERT_TRUE(DecodeRecord(edition ? *edition : *DefaultEdition(block->category), block->records,
                           out.view, failure));
}

// 2024-06-01T00:00:00Z.
constexpr int64_t kDateNanos = 1717200000LL * 1'000'000'000LL;

ObservationOptions Options() {
  ObservationOptions o;
  o.source.id = "asterix-test";
  o.date = Timestamp::FromNanos(kDateNanos);
  o.sites.push_back({25, 201, {45.0, 16.0, 500.0}});
  return o;
}

// CroatiaControl's cat048.raw: SAC 25 SIC 201, ToD 27354.6015625 s, RHO 197.68359375 NM,
// THETA 340.13671875 deg, FL 330, Mode 3/A 1000, address 3C660C, DLH65A, track 3563.
TEST(AsterixObservations, Cat048PlotIsADetectionRelativeToItsRadar) {
  Loaded rec;
  Load("croatiacontrol_cat048.raw", nullptr, rec);
  const auto options = Options();
  auto obs = ToObservation(rec.view, options);
  ASSERT_TRUE(obs.ok()) << obs.error().ToString();
  EXPECT_EQ(obs->kind, model::ObservationKind::kDetection);
  EXPECT_EQ(obs->source_kind, model::SourceKind::kAsterix);
  EXPECT_EQ(obs->source, "asterix-test");
  EXPECT_EQ(obs->sensor, "SAC 25 SIC 201");
  EXPECT_EQ(obs->time.nanos(), kDateNanos + 27354601562500LL);
  EXPECT_EQ(obs->identity.icao_address, 0x3C660Cu);
  EXPECT_EQ(obs->identity.mode3a, 01000);
  EXPECT_EQ(obs->identity.track_number, 3563u);
  EXPECT_EQ(obs->identity.callsign, "DLH65A");
  ASSERT_TRUE(obs->sensor_relative.has_value());
  const double range = 197.68359375 * 1852.0;
  EXPECT_DOUBLE_EQ(*obs->sensor_relative->range_m, range);
  EXPECT_DOUBLE_EQ(*obs->sensor_relative->azimuth_deg, 340.13671875);
  EXPECT_TRUE(obs->has_altitude);
  EXPECT_NEAR(obs->position.altitude_m, 330 * 100 * 0.3048, 1e-9);
  // The plot lies at the measured range (the elevation of a 10 km target at 366 km is about
  // -0.08 deg: cos(el) = 1 - 1e-6) and bearing from the radar, within the tangent-plane
  // approximation (well under a kilometre).
  auto g = geo::GeodesicInverse(options.sites[0].position, obs->position);
  ASSERT_TRUE(g.ok());
  EXPECT_NEAR(g->distance_m, range, 700.0);
  EXPECT_NEAR(g->initial_azimuth_deg + 360.0, 340.13671875, 0.05);  // GeographicLib: [-180, 180]
  // Horizontal covariance: range sigma 70 m along the line of sight, cross-range
  // r * 0.08 deg = 511 m.
  Eigen::SelfAdjointEigenSolver<Eigen::Matrix2d> eig(
      obs->position_covariance.topLeftCorner<2, 2>());
  EXPECT_NEAR(std::sqrt(eig.eigenvalues()(0)), 70.0, 1.0);
  EXPECT_NEAR(std::sqrt(eig.eigenvalues()(1)), range * 0.08 * M_PI / 180.0, 5.0);
  // Velocity: 434.4 kt (0.1206665 NM/s) towards 124.0 deg, horizontal at the plot.
  ASSERT_TRUE(obs->velocity_enu.has_value());
  EXPECT_NEAR(obs->velocity_enu->head<2>().norm(), 0.12066650390625 * 1852.0, 1e-9);
  EXPECT_NEAR(std::atan2(obs->velocity_enu->x(), obs->velocity_enu->y()) * 180.0 / M_PI + 360.0,
              124.002685546875 + 360.0, 1e-9);
}

TEST(AsterixObservations, Cat048WithoutConfiguredRadarIsAnError) {
  Loaded rec;
  Load("croatiacontrol_cat048.raw", nullptr, rec);
  ObservationOptions options = Options();
  options.sites.clear();
  auto obs = ToObservation(rec.view, options);
  ASSERT_FALSE(obs.ok());
  EXPECT_EQ(obs.error().message(), "CAT048: no radar position configured for SAC 25 SIC 201");
}

// jASTERIX cat021ed2.1.bin: 46.844201 N 12.298529 E, geometric height 34750 ft, NUCp 7,
// address 1723237 (0x1A4B65), Mode 3/A 7106, EZS14ZH, track 1375.
TEST(AsterixObservations, Cat021AdsbIsASelfReport) {
  Loaded rec;
  Load("jasterix_cat021ed2.1.bin", FindEdition(21, "2.1"), rec);
  auto obs = ToObservation(rec.view, Options());
  ASSERT_TRUE(obs.ok()) << obs.error().ToString();
  EXPECT_EQ(obs->kind, model::ObservationKind::kSelfReport);
  EXPECT_NEAR(obs->position.latitude_deg, 46.84420108795166, 1e-12);
  EXPECT_NEAR(obs->position.longitude_deg, 12.298529148101807, 1e-12);
  EXPECT_NEAR(obs->position.altitude_m, 34750 * 0.3048, 1e-9);
  EXPECT_EQ(obs->identity.icao_address, 1723237u);
  EXPECT_EQ(obs->identity.mode3a, 07106);
  EXPECT_EQ(obs->identity.callsign, "EZS14ZH");
  EXPECT_EQ(obs->identity.track_number, 1375u);
  // No NACp in this record (I021/090 has its first part only): NUCp 7 bounds the position
  // to 0.05 NM (95 %), sigma = 92.6 m / 2.4477.
  const double sigma = 0.05 * 1852.0 / 2.447746830680816;
  EXPECT_NEAR(obs->position_covariance(0, 0), sigma * sigma, 1e-9);
  EXPECT_NEAR(obs->position_covariance(1, 1), sigma * sigma, 1e-9);
  EXPECT_EQ(obs->sensor, "SAC 0 SIC 3");
}

// jASTERIX cat062ed1.16.bin: 35.138644 N -12.166039 E, Vx 127.25 m/s, Vy 181.25 m/s,
// Mode 3/A 6204, track 5533, geometric altitude 34837.5 ft.
TEST(AsterixObservations, Cat062TrackIsASystemTrack) {
  Loaded rec;
  Load("jasterix_cat062ed1.16.bin", FindEdition(62, "1.16"), rec);
  ObservationOptions options = Options();
  options.default_position_sigma_m = 250.0;
  auto obs = ToObservation(rec.view, options);
  ASSERT_TRUE(obs.ok()) << obs.error().ToString();
  EXPECT_EQ(obs->kind, model::ObservationKind::kSystemTrack);
  EXPECT_NEAR(obs->position.latitude_deg, 35.138643980026245, 1e-12);
  EXPECT_NEAR(obs->position.longitude_deg, -12.166038751602173, 1e-12);
  EXPECT_NEAR(obs->position.altitude_m, 34837.5 * 0.3048, 1e-9);
  ASSERT_TRUE(obs->velocity_enu.has_value());
  EXPECT_DOUBLE_EQ(obs->velocity_enu->x(), 127.25);
  EXPECT_DOUBLE_EQ(obs->velocity_enu->y(), 181.25);
  EXPECT_EQ(obs->identity.mode3a, 06204);
  EXPECT_EQ(obs->identity.track_number, 5533u);
  EXPECT_DOUBLE_EQ(obs->position_covariance(0, 0), 250.0 * 250.0);
}

TEST(AsterixObservations, QualityTables) {
  EXPECT_EQ(NacpBoundM(0), std::nullopt);
  EXPECT_DOUBLE_EQ(*NacpBoundM(11), 3.0);
  EXPECT_DOUBLE_EQ(*NacpBoundM(9), 30.0);
  EXPECT_DOUBLE_EQ(*NacpBoundM(8), 92.6);
  EXPECT_DOUBLE_EQ(*NacpBoundM(1), 18520.0);
  EXPECT_EQ(NacpBoundM(12), std::nullopt);
  EXPECT_DOUBLE_EQ(*NucpBoundM(9), 3.0);
  EXPECT_DOUBLE_EQ(*NucpBoundM(7), 92.6);
  EXPECT_EQ(NucpBoundM(10), std::nullopt);
}

TEST(AsterixObservations, OtherCategoriesDoNotMap) {
  Loaded rec;
  Load("jasterix_cat034ed1.26.bin", FindEdition(34, "1.26"), rec);
  auto obs = ToObservation(rec.view, Options());
  ASSERT_FALSE(obs.ok());
  EXPECT_EQ(obs.error().message(), "CAT34 records do not map to observations");
}

}  // namespace
}  // namespace biac::formats::asterix
