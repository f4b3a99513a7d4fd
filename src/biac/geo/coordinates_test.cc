#include "biac/geo/coordinates.h"

#include <GeographicLib/Constants.hpp>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

namespace biac::geo {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

double Dms(double degrees, double minutes, double seconds) {
  return degrees + minutes / 60.0 + seconds / 3600.0;
}

double Distance(const Ecef& a, const Ecef& b) { return (a.AsVector() - b.AsVector()).norm(); }

TEST(CoordinatesTest, Wgs84ConstantsMatchGeographicLib) {
  EXPECT_EQ(kWgs84SemiMajorAxisM, GeographicLib::Constants::WGS84_a());
  EXPECT_EQ(kWgs84Flattening, GeographicLib::Constants::WGS84_f());
}

// IOGP Publication 373-7-2, Geomatics Guidance Note 7 part 2, "Geographic/geocentric
// conversions" (EPSG method 9602) worked example, WGS 84: 53°48'33.820"N, 2°07'46.380"E,
// h = 73.000 m  <->  X = 3771793.968 m, Y = 140253.342 m, Z = 5124304.349 m.
TEST(CoordinatesTest, IogpGuidanceNote7Part2GeographicGeocentricExample) {
  const Lla lla{Dms(53, 48, 33.820), Dms(2, 7, 46.380), 73.0};
  const Result<Ecef> ecef = LlaToEcef(lla);
  ASSERT_TRUE(ecef.ok()) << ecef.status().ToString();
  // The published values are rounded to the millimetre.
  EXPECT_NEAR(ecef->x, 3771793.968, 5e-4);
  EXPECT_NEAR(ecef->y, 140253.342, 5e-4);
  EXPECT_NEAR(ecef->z, 5124304.349, 5e-4);

  const Result<Lla> back = EcefToLla({3771793.968, 140253.342, 5124304.349});
  ASSERT_TRUE(back.ok());
  // A millimetre of rounding in the input is about 1e-8 degrees.
  EXPECT_NEAR(back->latitude_deg, lla.latitude_deg, 2e-8);
  EXPECT_NEAR(back->longitude_deg, lla.longitude_deg, 2e-8);
  EXPECT_NEAR(back->altitude_m, 73.0, 1e-3);
}

// GeographicLib's CartConvert(1) manual, EXAMPLES:
//   echo 33.3 44.4 6000 | CartConvert      => 3816209.60 3737108.55 3485109.57
//   echo 30000 30000 0 | CartConvert -r    => 6.483 45 -6335709.73
TEST(CoordinatesTest, CartConvertManualExamples) {
  const Result<Ecef> ecef = LlaToEcef({33.3, 44.4, 6000.0});
  ASSERT_TRUE(ecef.ok());
  EXPECT_NEAR(ecef->x, 3816209.60, 5e-3);
  EXPECT_NEAR(ecef->y, 3737108.55, 5e-3);
  EXPECT_NEAR(ecef->z, 3485109.57, 5e-3);

  const Result<Lla> lla = EcefToLla({30000.0, 30000.0, 0.0});
  ASSERT_TRUE(lla.ok());
  EXPECT_NEAR(lla->latitude_deg, 6.483, 5e-4);
  EXPECT_NEAR(lla->longitude_deg, 45.0, 1e-12);
  EXPECT_NEAR(lla->altitude_m, -6335709.73, 5e-3);
}

// Closed forms on the axes: the equator at longitude 0 and 90 lies at x = a and y = a, and
// the pole at z = b = a (1 - f).
TEST(CoordinatesTest, AxisPointsAreAtTheSemiAxes) {
  const double a = kWgs84SemiMajorAxisM;
  const double b = a * (1.0 - kWgs84Flattening);
  const Ecef on_x = *LlaToEcef({0.0, 0.0, 0.0});
  EXPECT_NEAR(on_x.x, a, 1e-9);
  EXPECT_NEAR(on_x.y, 0.0, 1e-9);
  EXPECT_NEAR(on_x.z, 0.0, 1e-9);
  const Ecef on_y = *LlaToEcef({0.0, 90.0, 100.0});
  EXPECT_NEAR(on_y.x, 0.0, 1e-9);
  EXPECT_NEAR(on_y.y, a + 100.0, 1e-9);
  const Ecef pole = *LlaToEcef({-90.0, 0.0, 10.0});
  EXPECT_NEAR(pole.x, 0.0, 1e-9);
  EXPECT_NEAR(pole.z, -(b + 10.0), 1e-9);

  const Lla back = *EcefToLla({0.0, 0.0, b + 5.0});
  EXPECT_DOUBLE_EQ(back.latitude_deg, 90.0);
  EXPECT_NEAR(back.altitude_m, 5.0, 1e-9);
}

// Random points over the whole globe: LLA -> ECEF -> LLA -> ECEF returns to the same place
// within a few units in the last place of a double at that distance from the centre (one ulp
// of 6.4e6 m is 0.93 nm, of 4.2e7 m 7.5 nm). 1e-9 m for every point would be one ulp, below
// what any double-precision conversion can promise; the worst of 20000 points here is about
// 5 nm near the ground and about 3 ulp of the geocentric distance in orbit.
TEST(CoordinatesTest, RoundTripOnRandomPoints) {
  std::mt19937_64 rng(20240601);
  std::uniform_real_distribution<double> latitude(-90.0, 90.0);
  std::uniform_real_distribution<double> longitude(-180.0, 180.0);
  std::uniform_real_distribution<double> near_ground(-11.0e3, 1.0e5);
  std::uniform_real_distribution<double> in_orbit(1.0e5, 3.6e7);
  double worst_near_ground = 0.0;
  double worst_in_orbit_relative = 0.0;
  for (int i = 0; i < 20000; ++i) {
    const bool orbit = i % 4 == 0;
    const Lla lla{latitude(rng), longitude(rng), orbit ? in_orbit(rng) : near_ground(rng)};
    const Result<Ecef> ecef = LlaToEcef(lla);
    ASSERT_TRUE(ecef.ok());
    const Result<Lla> back = EcefToLla(*ecef);
    ASSERT_TRUE(back.ok());
    const Result<Ecef> again = LlaToEcef(*back);
    ASSERT_TRUE(again.ok());
    const double error =
        std::max(Distance(*ecef, *again), std::abs(back->altitude_m - lla.altitude_m));
    if (orbit) {
      worst_in_orbit_relative = std::max(worst_in_orbit_relative, error / ecef->AsVector().norm());
    } else {
      worst_near_ground = std::max(worst_near_ground, error);
    }
  }
  EXPECT_LT(worst_near_ground, 1e-8) << "metres";
  EXPECT_LT(worst_in_orbit_relative, 1e-15);
}

TEST(CoordinatesTest, ValidationNamesTheFieldAndTheRange) {
  EXPECT_TRUE(ValidateLla({90.0, -180.0, 0.0}).ok());
  EXPECT_TRUE(ValidateLla({-90.0, 180.0, kMaxAltitudeM}).ok());

  const Status latitude = ValidateLla({91.0, 0.0, 0.0});
  EXPECT_EQ(latitude.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(latitude.message(), "latitude 91 deg is outside [-90, 90]");
  EXPECT_EQ(ValidateLla({0.0, -180.5, 0.0}).message(),
            "longitude -180.5 deg is outside [-180, 180]");
  EXPECT_EQ(ValidateLla({0.0, 0.0, kInf}).message(), "altitude inf m is not finite");
  EXPECT_EQ(ValidateLla({kNan, 0.0, 0.0}).message(), "latitude nan deg is not finite");
  EXPECT_EQ(ValidateLla({0.0, 0.0, -2.0e5}).message(),
            "altitude -2e+05 m is outside [-1e+05, 1e+08]");

  const Result<Ecef> bad = LlaToEcef({-90.0001, 0.0, 0.0});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message(), "latitude -90.0001 deg is outside [-90, 90]");

  const Result<Lla> bad_ecef = EcefToLla({1.0, kNan, 0.0});
  ASSERT_FALSE(bad_ecef.ok());
  EXPECT_EQ(bad_ecef.error().message(), "ECEF position (1, nan, 0) m is not finite");
}

}  // namespace
}  // namespace biac::geo
