#include "biac/formats/gmti/observations.h"

#include <Eigen/Eigenvalues>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <numbers>
#include <string>
#include <vector>

#include "biac/formats/common/hex.h"
#include "biac/formats/gmti/decoder.h"
#include "biac/geo/geodesic.h"

namespace biac::formats::gmti {
namespace {

std::vector<uint8_t> VectorBytes(const std::string& path, const std::string& name) {
  std::ifstream in(path);
  const nlohmann::json file = nlohmann::json::parse(in);
  for (const auto& v : file["vectors"]) {
    if (v["name"] == name) return ParseHex(v["hex"].get<std::string>()).value();
  }
  ADD_FAILURE() << "no vector " << name;
  return {};
}

class GmtiObservations : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(DecodeDwell(VectorBytes(kHand, "dwell_delta_positions"), delta_dwell_).ok());
    ASSERT_TRUE(DecodeDwell(VectorBytes(kHand, "dwell_hi_res_positions"), hi_res_dwell_).ok());
    ASSERT_TRUE(DecodeMission(VectorBytes(kS4607, "mission_segment_sample1"), mission_).ok());
    header_.SetText(packet_header::kPlatformId, "BIAC-SIM01");
    options_.source.id = "gmti-test";
  }

  static constexpr char kHand[] = "testdata/gmti/hand_assembled_vectors.json";
  static constexpr char kS4607[] = "testdata/gmti/s4607_vectors.json";
  DwellSegment delta_dwell_;
  DwellSegment hi_res_dwell_;
  MissionSegment mission_;
  PacketHeader header_;
  ObservationOptions options_;
};

// Eigenvalues (ascending) of the horizontal 2x2 block and the azimuth (deg clockwise from north)
// of the major axis.
struct Ellipse {
  double minor_variance;
  double major_variance;
  double major_azimuth_deg;
};
Ellipse HorizontalEllipse(const Eigen::Matrix3d& cov) {
  Eigen::SelfAdjointEigenSolver<Eigen::Matrix2d> solver(cov.topLeftCorner<2, 2>());
  const Eigen::Vector2d major = solver.eigenvectors().col(1);
  double azimuth = std::atan2(major.x(), major.y()) * 180.0 / std::numbers::pi;
  if (azimuth < 0) azimuth += 180.0;  // an axis, not a direction
  if (azimuth >= 180.0) azimuth -= 180.0;
  return {solver.eigenvalues()(0), solver.eigenvalues()(1), azimuth};
}

TEST_F(GmtiObservations, DeltaPositionReportsWithTheirOwnUncertainty) {
  std::vector<model::Observation> out;
  ASSERT_TRUE(AppendObservations({&header_, &mission_, nullptr}, delta_dwell_, options_, out).ok());
  ASSERT_EQ(out.size(), 2u);
  const model::Observation& o = out[0];
  // 2015-12-31 (mission M5-M7) + 43 200 500 ms.
  EXPECT_EQ(o.time.ToIso8601(), "2015-12-31T12:00:00.500000000Z");
  EXPECT_EQ(o.time.nanos(), int64_t{1451563200500000000});
  EXPECT_EQ(o.kind, model::ObservationKind::kDetection);
  EXPECT_EQ(o.source_kind, model::SourceKind::kGmti);
  EXPECT_EQ(o.source, "gmti-test");
  EXPECT_EQ(o.sensor, "BIAC-SIM01");
  EXPECT_EQ(o.identity.category, "wheeled_vehicle_live");
  EXPECT_EQ(o.domain, model::Domain::kLand);
  // Hand-computed in hand_assembled_vectors.json: centre + delta x scale factor.
  EXPECT_DOUBLE_EQ(o.position.latitude_deg, 22.774658203125);
  EXPECT_DOUBLE_EQ(o.position.longitude_deg, 133.9013671875);
  EXPECT_TRUE(o.has_altitude);
  EXPECT_DOUBLE_EQ(o.position.altitude_m, 25.0);
  ASSERT_TRUE(o.sensor_relative.has_value());
  EXPECT_DOUBLE_EQ(o.sensor_relative->sensor_position.latitude_deg, 21.09375);
  EXPECT_DOUBLE_EQ(o.sensor_relative->sensor_position.longitude_deg, 133.59375);
  EXPECT_DOUBLE_EQ(o.sensor_relative->sensor_position.altitude_m, 10000.0);
  ASSERT_TRUE(o.sensor_relative->range_rate_mps.has_value());
  EXPECT_DOUBLE_EQ(*o.sensor_relative->range_rate_mps, -12.34);    // D32.7, closing
  EXPECT_DOUBLE_EQ(o.sensor_relative->range_rate_sigma_mps, 0.5);  // D32.15

  // Cross range 25 m (D32.13 = 250 dm) across the line of sight; slant range 15 m (D32.12 =
  // 1500 cm) along it, stretched by slant/ground. By hand: the target is about 186 km north and
  // 32 km east of the sensor (azimuth atan(31.8 / 186.1) = 9.7 deg) and the sensor about 10 km
  // plus 2.8 km of Earth curvature above the target's horizon, so slant/ground = 1.002.
  // The cross-range axis (25 m) is the major one, perpendicular to the line of sight.
  const Ellipse e = HorizontalEllipse(o.position_covariance);
  EXPECT_NEAR(e.major_variance, 25.0 * 25.0, 1e-6);
  EXPECT_GT(e.minor_variance, 15.0 * 15.0);
  EXPECT_LT(e.minor_variance, 15.0 * 15.0 * 1.01);
  EXPECT_NEAR(e.major_azimuth_deg, 9.7 + 90.0, 0.5);
  EXPECT_DOUBLE_EQ(o.position_covariance(2, 2), 10.0 * 10.0);  // D32.14
  EXPECT_NEAR(o.position_covariance(0, 2), 0.0, 1e-12);

  // Report 2: D32.4 = -1, D32.5 = 0.
  EXPECT_DOUBLE_EQ(out[1].position.latitude_deg, 22.49725341796875);
  EXPECT_DOUBLE_EQ(out[1].position.longitude_deg, 135.0);
  EXPECT_EQ(out[1].identity.category, "unknown_simulated");
  EXPECT_EQ(out[1].domain, model::Domain::kUnknown);
}

TEST_F(GmtiObservations, TheClassificationNamesTheDomainOnlyWhenItSaysIt) {
  // The hand-assembled dwell's reports: D32.10 = 2 (wheeled vehicle, live) and 255 (unknown,
  // simulated).
  ASSERT_EQ(delta_dwell_.reports.size(), 2u);
  EXPECT_EQ(TargetClassificationDomain(static_cast<uint8_t>(
                delta_dwell_.reports[0].Raw(TargetField::kClassification))),
            model::Domain::kLand);
  EXPECT_EQ(TargetClassificationDomain(static_cast<uint8_t>(
                delta_dwell_.reports[1].Raw(TargetField::kClassification))),
            model::Domain::kUnknown);
  // Every code against its name in the D32.10 table (segments.cc): the name says the medium or
  // the domain stays unknown.
  for (int code = 0; code <= 255; ++code) {
    const std::string name(TargetClassificationName(static_cast<uint8_t>(code)));
    model::Domain expected = model::Domain::kUnknown;
    if (name.find("vehicle") != std::string::npos || name.ends_with("_land")) {
      expected = model::Domain::kLand;
    } else if (name.find("aircraft") != std::string::npos) {
      expected = model::Domain::kAir;
    } else if (name.find("maritime") != std::string::npos) {
      expected = model::Domain::kSea;
    }
    EXPECT_EQ(TargetClassificationDomain(static_cast<uint8_t>(code)), expected)
        << code << " " << name;
  }
  EXPECT_EQ(TargetClassificationDomain(129), model::Domain::kLand);     // tracked, simulated
  EXPECT_EQ(TargetClassificationDomain(8), model::Domain::kUnknown);    // amphibious
  EXPECT_EQ(TargetClassificationDomain(9), model::Domain::kUnknown);    // person
  EXPECT_EQ(TargetClassificationDomain(143), model::Domain::kUnknown);  // tagging device
}

TEST_F(GmtiObservations, JobDefinitionThenDefaultsWhenTheReportHasNoUncertainty) {
  // The hi-res dwell's report has no D32.12-15 and no height.
  std::vector<model::Observation> defaults;
  options_.reference_date = CivilDate{2026, 11, 27};
  ASSERT_TRUE(
      AppendObservations({&header_, nullptr, nullptr}, hi_res_dwell_, options_, defaults).ok());
  ASSERT_EQ(defaults.size(), 1u);
  const model::Observation& d = defaults[0];
  // D6 = 90 000 000 ms: 25 h after the reference midnight, no wrap.
  EXPECT_EQ(d.time.ToIso8601(), "2026-11-28T01:00:00.000000000Z");
  EXPECT_FALSE(d.has_altitude);
  EXPECT_DOUBLE_EQ(d.position.latitude_deg, -43.5498046875);
  EXPECT_DOUBLE_EQ(d.position.longitude_deg, -88.505859375);
  EXPECT_DOUBLE_EQ(*d.sensor_relative->range_rate_mps, -327.68);
  EXPECT_DOUBLE_EQ(d.sensor_relative->range_rate_sigma_mps, options_.default_range_rate_sigma_mps);
  // Defaults: cross range 100 m (the major axis), slant range 20 m (x slant/ground).
  const Ellipse by_default = HorizontalEllipse(d.position_covariance);
  EXPECT_NEAR(by_default.major_variance, 100.0 * 100.0, 1e-6);
  EXPECT_NEAR(std::sqrt(by_default.minor_variance), 20.0, 0.2);
  EXPECT_DOUBLE_EQ(d.position_covariance(2, 2), 30.0 * 30.0);
  EXPECT_TRUE(d.identity.category.empty());

  // A job definition's nominal values take over: J21 10 m, J22 0.1 deg, J23 2 m/s.
  JobDefinitionSegment job;
  job.SetValue(job_definition::kSlantRangeSigma, 10.0);
  job.SetRaw(job_definition::kCrossRangeSigma, 18);  // 18 * 360/65536 = 0.0988 deg
  job.SetValue(job_definition::kVelocityLosSigma, 2.0);
  std::vector<model::Observation> nominal;
  ASSERT_TRUE(AppendObservations({&header_, nullptr, &job}, hi_res_dwell_, options_, nominal).ok());
  const model::Observation& n = nominal[0];
  EXPECT_DOUBLE_EQ(n.sensor_relative->range_rate_sigma_mps, 2.0);
  // Cross-range sigma = J22 in radians x slant range; the slant range is within 1 % of the
  // geodesic ground distance here (about 150 km at 5 m of sensor altitude).
  const double ground =
      geo::GeodesicDistance(d.sensor_relative->sensor_position, d.position).value();
  const double cross = 18 * 360.0 / 65536.0 * std::numbers::pi / 180.0 * ground;
  const Ellipse e = HorizontalEllipse(n.position_covariance);
  EXPECT_NEAR(std::sqrt(e.minor_variance), std::min(cross, 10.0), 0.02 * std::min(cross, 10.0));
  EXPECT_NEAR(std::sqrt(e.major_variance), std::max(cross, 10.0), 0.02 * std::max(cross, 10.0));
}

TEST_F(GmtiObservations, NeedsAReferenceDateAndValidOptions) {
  std::vector<model::Observation> out;
  Status s = AppendObservations({&header_, nullptr, nullptr}, delta_dwell_, options_, out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("no reference date"), std::string::npos);
  EXPECT_TRUE(out.empty());

  options_.reference_date = CivilDate{2026, 2, 30};
  EXPECT_FALSE(AppendObservations({&header_, nullptr, nullptr}, delta_dwell_, options_, out).ok());
  options_.reference_date.reset();
  options_.default_cross_range_sigma_m = -1.0;
  EXPECT_FALSE(
      AppendObservations({&header_, &mission_, nullptr}, delta_dwell_, options_, out).ok());
  EXPECT_TRUE(out.empty());
}

TEST_F(GmtiObservations, ReportWithoutPositionIsAnError) {
  DwellSegment d = delta_dwell_;
  d.existence_mask &= ~MaskBit(DwellField::kLatScaleFactor);  // deltas without a scale
  std::vector<model::Observation> out;
  const Status s = AppendObservations({&header_, &mission_, nullptr}, d, options_, out);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("report 0 has no position"), std::string::npos) << s.message();
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace biac::formats::gmti
