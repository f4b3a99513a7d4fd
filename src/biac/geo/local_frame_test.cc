#include "biac/geo/local_frame.h"

#include <Eigen/Dense>
#include <GeographicLib/LocalCartesian.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <utility>

namespace biac::geo {
namespace {

constexpr double kDegToRad = std::numbers::pi / 180.0;

double Dms(double degrees, double minutes, double seconds) {
  return degrees + minutes / 60.0 + seconds / 3600.0;
}

LocalFrame MakeFrame(const Lla& reference) {
  Result<LocalFrame> frame = LocalFrame::Create(reference);
  EXPECT_TRUE(frame.ok()) << frame.status().ToString();
  return std::move(frame).value();
}

// IOGP Publication 373-7-2, Geomatics Guidance Note 7 part 2, "Geographic/topocentric
// conversions" and "Geocentric/topocentric conversions" (EPSG methods 9837 and 9836) worked
// example, WGS 84: topocentric origin 55°N, 5°E, h0 = 200 m, i.e. Xo = 3652755.3058 m,
// Yo = 319574.6799 m, Zo = 5201547.3536 m; the point 53°48'33.820"N, 2°07'46.380"E, h = 73 m
// (X = 3771793.968, Y = 140253.342, Z = 5124304.349) has U = -189013.869 m (east),
// V = -128642.040 m (north), W = -4220.171 m (up).
TEST(LocalFrameTest, IogpGuidanceNote7Part2TopocentricExample) {
  const LocalFrame frame = MakeFrame({55.0, 5.0, 200.0});
  EXPECT_NEAR(frame.origin().x, 3652755.3058, 5e-5);
  EXPECT_NEAR(frame.origin().y, 319574.6799, 5e-5);
  EXPECT_NEAR(frame.origin().z, 5201547.3536, 5e-5);

  const Result<Enu> from_lla = frame.LlaToEnu({Dms(53, 48, 33.820), Dms(2, 7, 46.380), 73.0});
  ASSERT_TRUE(from_lla.ok());
  EXPECT_NEAR(from_lla->east, -189013.869, 1e-3);
  EXPECT_NEAR(from_lla->north, -128642.040, 1e-3);
  EXPECT_NEAR(from_lla->up, -4220.171, 1e-3);

  const Enu from_ecef = frame.EcefToEnu({3771793.968, 140253.342, 5124304.349});
  EXPECT_NEAR(from_ecef.east, -189013.869, 5e-4);
  EXPECT_NEAR(from_ecef.north, -128642.040, 5e-4);
  EXPECT_NEAR(from_ecef.up, -4220.171, 5e-4);

  const Ecef back = frame.EnuToEcef({-189013.869, -128642.040, -4220.171});
  EXPECT_NEAR(back.x, 3771793.968, 5e-4);
  EXPECT_NEAR(back.y, 140253.342, 5e-4);
  EXPECT_NEAR(back.z, 5124304.349, 5e-4);
}

// GeographicLib's CartConvert(1) manual, EXAMPLES:
//   echo 33.3 44.4 6000 | CartConvert -l 33 44 20  => 37288.97 33374.29 5783.64
// East and north agree to the printed centimetre. The printed "up" is 6.6 mm below what both
// GeographicLib 2.1 and the closed form of EPSG method 9837 give (5783.6466 m), so it is held
// to 1 cm only.
TEST(LocalFrameTest, CartConvertManualLocalExample) {
  const LocalFrame frame = MakeFrame({33.0, 44.0, 20.0});
  const Result<Enu> enu = frame.LlaToEnu({33.3, 44.4, 6000.0});
  ASSERT_TRUE(enu.ok());
  EXPECT_NEAR(enu->east, 37288.97, 5e-3);
  EXPECT_NEAR(enu->north, 33374.29, 5e-3);
  EXPECT_NEAR(enu->up, 5783.64, 1e-2);
}

// The columns of R are the east, north and up unit vectors in ECEF; at (0, 0) and at the
// north pole (longitude 0) they are coordinate axes.
TEST(LocalFrameTest, RotationColumnsAreTheLocalAxes) {
  const Eigen::Matrix3d equator = MakeFrame({0.0, 0.0, 0.0}).enu_to_ecef_rotation();
  Eigen::Matrix3d expected_equator;
  expected_equator << 0, 0, 1,  //
      1, 0, 0,                  //
      0, 1, 0;
  EXPECT_TRUE(equator.isApprox(expected_equator, 1e-15)) << equator;

  const Eigen::Matrix3d pole = MakeFrame({90.0, 0.0, 0.0}).enu_to_ecef_rotation();
  Eigen::Matrix3d expected_pole;
  expected_pole << 0, -1, 0,  //
      1, 0, 0,                //
      0, 0, 1;
  EXPECT_LT((pole - expected_pole).cwiseAbs().maxCoeff(), 1e-15) << pole;

  // In general: east = (-sin lon, cos lon, 0), north = (-sin lat cos lon, -sin lat sin lon,
  // cos lat), up = (cos lat cos lon, cos lat sin lon, sin lat).
  const double lat = -37.8 * kDegToRad;
  const double lon = 144.9 * kDegToRad;
  const LocalFrame frame = MakeFrame({-37.8, 144.9, 30.0});
  Eigen::Matrix3d expected;
  expected.col(0) << -std::sin(lon), std::cos(lon), 0.0;
  expected.col(1) << -std::sin(lat) * std::cos(lon), -std::sin(lat) * std::sin(lon), std::cos(lat);
  expected.col(2) << std::cos(lat) * std::cos(lon), std::cos(lat) * std::sin(lon), std::sin(lat);
  EXPECT_LT((frame.enu_to_ecef_rotation() - expected).cwiseAbs().maxCoeff(), 1e-15);
  EXPECT_LT(
      (frame.ecef_to_enu_rotation() * frame.enu_to_ecef_rotation() - Eigen::Matrix3d::Identity())
          .cwiseAbs()
          .maxCoeff(),
      1e-15);
  EXPECT_NEAR(frame.enu_to_ecef_rotation().determinant(), 1.0, 1e-15);
}

// A point straight above the reference is pure "up"; one along the meridian has no east
// component; one along the parallel matches the closed form of EPSG method 9837:
//   U = (N + h) cos(lat) sin(dlon),  V = (N + h) sin(lat) cos(lat) (1 - cos(dlon)),
//   W = (N + h) (sin^2 lat + cos^2 lat cos dlon) - (N + h0)   (same latitude, N its prime
// vertical radius of curvature).
TEST(LocalFrameTest, PointsDueUpNorthAndEast) {
  const Lla reference{48.1, 11.6, 520.0};
  const LocalFrame frame = MakeFrame(reference);

  const Enu up = *frame.LlaToEnu({reference.latitude_deg, reference.longitude_deg, 1520.0});
  EXPECT_NEAR(up.east, 0.0, 1e-9);
  EXPECT_NEAR(up.north, 0.0, 1e-9);
  EXPECT_NEAR(up.up, 1000.0, 1e-9);

  const Enu north = *frame.LlaToEnu({48.2, reference.longitude_deg, 520.0});
  EXPECT_NEAR(north.east, 0.0, 1e-9);
  EXPECT_GT(north.north, 11000.0);  // 0.1 degree of latitude is about 11.1 km
  EXPECT_LT(north.north, 11200.0);
  EXPECT_LT(north.up, 0.0);  // the ellipsoid curves away below the tangent plane

  const double e2 = kWgs84Flattening * (2.0 - kWgs84Flattening);
  const double lat = reference.latitude_deg * kDegToRad;
  const double dlon = 0.1 * kDegToRad;
  const double n = kWgs84SemiMajorAxisM / std::sqrt(1.0 - e2 * std::sin(lat) * std::sin(lat));
  const double r = n + reference.altitude_m;
  const Enu east = *frame.LlaToEnu({reference.latitude_deg, 11.7, reference.altitude_m});
  EXPECT_NEAR(east.east, r * std::cos(lat) * std::sin(dlon), 1e-8);
  EXPECT_NEAR(east.north, r * std::sin(lat) * std::cos(lat) * (1.0 - std::cos(dlon)), 1e-8);
  EXPECT_NEAR(
      east.up,
      r * (std::sin(lat) * std::sin(lat) + std::cos(lat) * std::cos(lat) * std::cos(dlon)) - r,
      1e-8);

  const Enu origin = *frame.LlaToEnu(reference);
  EXPECT_LT(origin.AsVector().norm(), 1e-9);
}

// The frame agrees with GeographicLib::LocalCartesian (the same maths through a different
// code path) and round-trips, on random references and points up to 500 km away.
TEST(LocalFrameTest, AgreesWithLocalCartesianAndRoundTrips) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> latitude(-89.0, 89.0);
  std::uniform_real_distribution<double> longitude(-180.0, 180.0);
  std::uniform_real_distribution<double> altitude(-100.0, 12000.0);
  std::uniform_real_distribution<double> offset(-4.0, 4.0);
  std::uniform_real_distribution<double> enu_offset(-5.0e5, 5.0e5);
  double worst_vs_geographiclib = 0.0;
  double worst_enu_round_trip = 0.0;
  double worst_lla_round_trip = 0.0;
  for (int i = 0; i < 2000; ++i) {
    const Lla reference{latitude(rng), longitude(rng), altitude(rng)};
    const LocalFrame frame = MakeFrame(reference);
    const GeographicLib::LocalCartesian local_cartesian(
        reference.latitude_deg, reference.longitude_deg, reference.altitude_m);
    for (int j = 0; j < 10; ++j) {
      Lla point{reference.latitude_deg + offset(rng), reference.longitude_deg + offset(rng),
                altitude(rng)};
      point.latitude_deg = std::clamp(point.latitude_deg, -90.0, 90.0);
      point.longitude_deg = std::remainder(point.longitude_deg, 360.0);
      const Result<Enu> enu = frame.LlaToEnu(point);
      ASSERT_TRUE(enu.ok());
      Eigen::Vector3d expected;
      local_cartesian.Forward(point.latitude_deg, point.longitude_deg, point.altitude_m,
                              expected.x(), expected.y(), expected.z());
      worst_vs_geographiclib =
          std::max(worst_vs_geographiclib, (enu->AsVector() - expected).norm());

      // LLA -> ENU -> LLA -> ENU.
      const Result<Lla> lla = frame.EnuToLla(*enu);
      ASSERT_TRUE(lla.ok());
      worst_lla_round_trip = std::max(worst_lla_round_trip,
                                      (frame.LlaToEnu(*lla)->AsVector() - enu->AsVector()).norm());

      // ENU -> ECEF -> ENU.
      const Enu start{enu_offset(rng), enu_offset(rng), enu_offset(rng) * 0.1};
      worst_enu_round_trip =
          std::max(worst_enu_round_trip,
                   (frame.EcefToEnu(frame.EnuToEcef(start)).AsVector() - start.AsVector()).norm());
    }
  }
  EXPECT_LT(worst_vs_geographiclib, 1e-8) << "metres";
  EXPECT_LT(worst_lla_round_trip, 1e-8) << "metres";
  EXPECT_LT(worst_enu_round_trip, 1e-8) << "metres";
}

// Vectors and covariances rotate without the translation: a variance along the local
// vertical only (P_ecef = s^2 u u') is pure "up" variance in ENU, and back.
TEST(LocalFrameTest, VectorsAndCovariancesRotate) {
  const LocalFrame frame = MakeFrame({-33.9, 151.2, 40.0});
  const Eigen::Vector3d up_in_ecef = frame.enu_to_ecef_rotation().col(2);
  EXPECT_LT((frame.EcefVectorToEnu(up_in_ecef) - Eigen::Vector3d(0, 0, 1)).norm(), 1e-15);
  EXPECT_LT((frame.EnuVectorToEcef(Eigen::Vector3d(0, 0, 1)) - up_in_ecef).norm(), 1e-15);

  const Eigen::Matrix3d vertical_only = 25.0 * up_in_ecef * up_in_ecef.transpose();
  const Eigen::Matrix3d enu = frame.EcefCovarianceToEnu(vertical_only);
  Eigen::Matrix3d expected = Eigen::Matrix3d::Zero();
  expected(2, 2) = 25.0;
  EXPECT_LT((enu - expected).cwiseAbs().maxCoeff(), 1e-13) << enu;

  // A horizontal error ellipse (east 10 m, north 3 m, up 1 m standard deviations) survives
  // the round trip, and an isotropic covariance is the same in every frame.
  const Eigen::Matrix3d horizontal = Eigen::Vector3d(100.0, 9.0, 1.0).asDiagonal();
  EXPECT_LT((frame.EcefCovarianceToEnu(frame.EnuCovarianceToEcef(horizontal)) - horizontal)
                .cwiseAbs()
                .maxCoeff(),
            1e-12);
  const Eigen::Matrix3d isotropic = 4.0 * Eigen::Matrix3d::Identity();
  EXPECT_LT((frame.EnuCovarianceToEcef(isotropic) - isotropic).cwiseAbs().maxCoeff(), 1e-14);

  // The velocity of a point moving due north, seen in ECEF, has no component along "east".
  const Eigen::Vector3d v_ecef = frame.EnuVectorToEcef(Eigen::Vector3d(0.0, 250.0, 0.0));
  EXPECT_NEAR(v_ecef.dot(frame.enu_to_ecef_rotation().col(0)), 0.0, 1e-12);
  EXPECT_NEAR(v_ecef.norm(), 250.0, 1e-12);
}

TEST(LocalFrameTest, ValidatesItsInputs) {
  const Result<LocalFrame> bad = LocalFrame::Create({0.0, 200.0, 0.0});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message(),
            "local frame reference: longitude 200 deg is outside [-180, 180]");

  const LocalFrame frame = MakeFrame({10.0, 20.0, 0.0});
  const Result<Enu> enu = frame.LlaToEnu({95.0, 20.0, 0.0});
  ASSERT_FALSE(enu.ok());
  EXPECT_EQ(enu.error().message(), "latitude 95 deg is outside [-90, 90]");

  const Result<Lla> lla = frame.EnuToLla({0.0, std::numeric_limits<double>::infinity(), 0.0});
  ASSERT_FALSE(lla.ok());
  EXPECT_EQ(lla.error().message(), "ENU position (0, inf, 0) m is not finite");
}

}  // namespace
}  // namespace biac::geo
