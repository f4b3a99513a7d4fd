#include "biac/geo/geodesic.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <random>

#include "biac/geo/local_frame.h"

namespace biac::geo {
namespace {

double Dms(double degrees, double minutes, double seconds) {
  return degrees + minutes / 60.0 + seconds / 3600.0;
}

// Difference of two azimuths in degrees, folded into [-180, 180].
double AngleDifference(double a, double b) { return std::remainder(a - b, 360.0); }

// GeographicLib's GeodSolve(1) manual, EXAMPLES, "Route from JFK Airport to Singapore Changi
// Airport":
//   echo 40:38:23N 073:46:44W 01:21:33N 103:59:22E | GeodSolve -i -: -p 0
//   003:18:29.9 177:29:09.2 15347628
TEST(GeodesicTest, GeodSolveManualJfkToSingapore) {
  const Lla jfk{Dms(40, 38, 23), -Dms(73, 46, 44), 0.0};
  const Lla changi{Dms(1, 21, 33), Dms(103, 59, 22), 0.0};
  const Result<GeodesicInverseSolution> solution = GeodesicInverse(jfk, changi);
  ASSERT_TRUE(solution.ok()) << solution.status().ToString();
  // Published to 0.1 arc second (2.8e-5 deg) and 1 m.
  EXPECT_NEAR(solution->initial_azimuth_deg, Dms(3, 18, 29.9), 1.4e-5);
  EXPECT_NEAR(solution->final_azimuth_deg, Dms(177, 29, 9.2), 1.4e-5);
  EXPECT_NEAR(solution->distance_m, 15347628.0, 0.5);
  EXPECT_NEAR(*GeodesicDistance(jfk, changi), 15347628.0, 0.5);
}

// C. F. F. Karney, "Algorithms for geodesics", J. Geodesy 87 (2013) 43-55, table 5 (the
// inverse problem, nearly antipodal): lat1 = -30, lat2 = 29.9, lon12 = 179.8 degrees gives
// azi1 = 161.89052473633, azi2 = 18.09073724574 degrees, s12 = 19989832.827610 m.
TEST(GeodesicTest, KarneyTable5InverseExample) {
  const Result<GeodesicInverseSolution> solution =
      GeodesicInverse({-30.0, 0.0, 0.0}, {29.9, 179.8, 0.0});
  ASSERT_TRUE(solution.ok());
  EXPECT_NEAR(solution->initial_azimuth_deg, 161.89052473633, 1e-10);
  EXPECT_NEAR(solution->final_azimuth_deg, 18.09073724574, 1e-10);
  EXPECT_NEAR(solution->distance_m, 19989832.827610, 1e-6);
}

// Karney (2013), table 2 (the direct problem): lat1 = 40, azi1 = 30 degrees, s12 = 10000 km
// gives lat2 = 41.79331020506, lon12 = 137.84490004377, azi2 = 149.09016931807 degrees.
TEST(GeodesicTest, KarneyTable2DirectExample) {
  const Result<GeodesicDirectSolution> solution = GeodesicDirect({40.0, 0.0, 123.0}, 30.0, 1.0e7);
  ASSERT_TRUE(solution.ok());
  EXPECT_NEAR(solution->destination.latitude_deg, 41.79331020506, 1e-10);
  EXPECT_NEAR(solution->destination.longitude_deg, 137.84490004377, 1e-10);
  EXPECT_NEAR(solution->final_azimuth_deg, 149.09016931807, 1e-10);
  EXPECT_EQ(solution->destination.altitude_m, 123.0);
}

// The WGS-84 quarter meridian, equator to pole along a meridian, is 10 001 965.729 m
// (Wikipedia, "Latitude", the meridian distance on the ellipsoid); its azimuth is due north
// all the way.
TEST(GeodesicTest, QuarterMeridian) {
  const Result<GeodesicInverseSolution> solution =
      GeodesicInverse({0.0, 17.0, 0.0}, {90.0, 17.0, 0.0});
  ASSERT_TRUE(solution.ok());
  EXPECT_NEAR(solution->distance_m, 10001965.729, 5e-4);
  EXPECT_NEAR(solution->initial_azimuth_deg, 0.0, 1e-12);
  EXPECT_NEAR(solution->final_azimuth_deg, 0.0, 1e-12);
}

// Over short ranges the geodesic and the straight chord through the local frame agree:
// for s = 2 km the arc exceeds the chord by s^3 / (24 R^2), about 1e-6 m, and the initial
// azimuth is the bearing of the chord's horizontal part (atan2(east, north)) to within the
// curvature of the path.
TEST(GeodesicTest, ShortRangeAgreesWithTheLocalFrame) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> latitude(-80.0, 80.0);
  std::uniform_real_distribution<double> longitude(-180.0, 180.0);
  std::uniform_real_distribution<double> azimuth(-180.0, 180.0);
  for (int i = 0; i < 200; ++i) {
    const Lla start{latitude(rng), longitude(rng), 0.0};
    const double azi = azimuth(rng);
    const Result<GeodesicDirectSolution> end = GeodesicDirect(start, azi, 2000.0);
    ASSERT_TRUE(end.ok());
    const Result<LocalFrame> frame = LocalFrame::Create(start);
    ASSERT_TRUE(frame.ok());
    const Enu enu = *frame->LlaToEnu(end->destination);
    EXPECT_NEAR(enu.AsVector().norm(), 2000.0, 1e-5);
    const double bearing = std::atan2(enu.east, enu.north) * 180.0 / std::numbers::pi;
    EXPECT_NEAR(AngleDifference(bearing, azi), 0.0, 1e-3);
  }
}

// Direct then inverse returns the same geodesic on random lines up to half the globe long.
TEST(GeodesicTest, DirectAndInverseAreConsistent) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> latitude(-90.0, 90.0);
  std::uniform_real_distribution<double> longitude(-180.0, 180.0);
  std::uniform_real_distribution<double> azimuth(-180.0, 180.0);
  std::uniform_real_distribution<double> distance(1.0, 1.9e7);
  for (int i = 0; i < 1000; ++i) {
    const Lla start{latitude(rng), longitude(rng), 0.0};
    const double azi1 = azimuth(rng);
    const double s12 = distance(rng);
    const Result<GeodesicDirectSolution> direct = GeodesicDirect(start, azi1, s12);
    ASSERT_TRUE(direct.ok());
    const Result<GeodesicInverseSolution> inverse = GeodesicInverse(start, direct->destination);
    ASSERT_TRUE(inverse.ok());
    EXPECT_NEAR(inverse->distance_m, s12, 1e-6);
    // Near the poles an azimuth is ill-conditioned; compare where it is well defined.
    if (std::abs(start.latitude_deg) < 89.0 && std::abs(direct->destination.latitude_deg) < 89.0) {
      EXPECT_NEAR(AngleDifference(inverse->initial_azimuth_deg, azi1), 0.0, 1e-7);
      EXPECT_NEAR(AngleDifference(inverse->final_azimuth_deg, direct->final_azimuth_deg), 0.0,
                  1e-7);
    }
  }
}

TEST(GeodesicTest, ValidatesItsInputs) {
  const Result<GeodesicInverseSolution> bad_end =
      GeodesicInverse({0.0, 0.0, 0.0}, {91.0, 0.0, 0.0});
  ASSERT_FALSE(bad_end.ok());
  EXPECT_EQ(bad_end.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad_end.error().message(), "geodesic end point: latitude 91 deg is outside [-90, 90]");

  const Result<double> bad_start = GeodesicDistance({0.0, -181.0, 0.0}, {0.0, 0.0, 0.0});
  ASSERT_FALSE(bad_start.ok());
  EXPECT_EQ(bad_start.error().message(),
            "geodesic start point: longitude -181 deg is outside [-180, 180]");

  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Result<GeodesicDirectSolution> bad_azimuth = GeodesicDirect({0.0, 0.0, 0.0}, nan, 1.0);
  ASSERT_FALSE(bad_azimuth.ok());
  EXPECT_EQ(bad_azimuth.error().message(), "geodesic azimuth (deg) nan is not finite");
  const Result<GeodesicDirectSolution> bad_distance =
      GeodesicDirect({0.0, 0.0, 0.0}, 0.0, -std::numeric_limits<double>::infinity());
  ASSERT_FALSE(bad_distance.ok());
  EXPECT_EQ(bad_distance.error().message(), "geodesic distance (m) -inf is not finite");
}

}  // namespace
}  // namespace biac::geo
