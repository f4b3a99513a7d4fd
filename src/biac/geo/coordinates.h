#pragma once

// WGS-84 coordinates and the conversions between geodetic and Earth-centred coordinates.
//
// Frames and units:
// - Lla: geodetic latitude and longitude in degrees, height above the WGS-84 ellipsoid in
//   metres (not above mean sea level: the geoid undulation, up to about +-100 m, is the
//   caller's to apply).
// - Ecef: Earth-centred, Earth-fixed Cartesian coordinates in metres (WGS-84 / EPSG:4978):
//   origin at the centre of the ellipsoid, z along the rotation axis towards the north pole,
//   x through latitude 0, longitude 0, y through latitude 0, longitude 90 E.
// - Enu: east, north, up in metres in the tangent frame of a reference point (LocalFrame in
//   local_frame.h).
//
// Every conversion goes through GeographicLib::Geocentric (the forward map is closed form; the
// reverse is H. Vermeille, "Direct transformation from geocentric coordinates to geodetic
// coordinates", J. Geodesy 76 (2002) 451-454, as hardened by GeographicLib), accurate to a
// few nanometres; biac holds no geodesy of its own.
//
// Every function in geo is thread-safe: GeographicLib's WGS-84 objects are immutable statics.
//
// Input validation: coordinates that come from outside (files, wire formats, users) are
// checked here, so a bad latitude becomes a Status that names the value and the valid
// range, never a silent NaN further down the pipeline.

#include <Eigen/Core>

#include "biac/base/status.h"

namespace biac::geo {

// WGS-84 defining parameters (NIMA TR8350.2, 3rd edition, table 3.1).
inline constexpr double kWgs84SemiMajorAxisM = 6378137.0;
inline constexpr double kWgs84Flattening = 1.0 / 298.257223563;

// Valid input ranges. The height range spans deep-ocean sensors to beyond geostationary
// orbit; a value outside it is a units or parsing error, and below about -6300 km the
// geodetic coordinates of a point stop being unique.
inline constexpr double kMaxLatitudeDeg = 90.0;
inline constexpr double kMaxLongitudeDeg = 180.0;
inline constexpr double kMinAltitudeM = -1.0e5;
inline constexpr double kMaxAltitudeM = 1.0e8;

// Geodetic coordinates on WGS-84: latitude in [-90, 90] degrees (north positive), longitude
// in [-180, 180] degrees (east positive), altitude in metres above the ellipsoid.
struct Lla {
  double latitude_deg = 0.0;
  double longitude_deg = 0.0;
  double altitude_m = 0.0;
};

// Earth-centred, Earth-fixed Cartesian coordinates in metres.
struct Ecef {
  double x = 0.0;
  double y = 0.0;
  double z = 0.0;

  Eigen::Vector3d AsVector() const { return {x, y, z}; }
  static Ecef FromVector(const Eigen::Vector3d& v) { return {v.x(), v.y(), v.z()}; }
};

// East, north, up in metres in the tangent frame of a reference point (LocalFrame,
// local_frame.h).
struct Enu {
  double east = 0.0;
  double north = 0.0;
  double up = 0.0;

  Eigen::Vector3d AsVector() const { return {east, north, up}; }
  static Enu FromVector(const Eigen::Vector3d& v) { return {v.x(), v.y(), v.z()}; }
};

// Ok if every field is finite and inside the ranges above; otherwise InvalidArgument naming
// the field, its value and the range, e.g. "latitude 91 deg is outside [-90, 90]".
Status ValidateLla(const Lla& lla);
// Ok if every component is finite.
Status ValidateEcef(const Ecef& ecef);

// Geodetic to geocentric (GeographicLib::Geocentric::Forward). Validates the input.
Result<Ecef> LlaToEcef(const Lla& lla);

// Geocentric to geodetic (GeographicLib::Geocentric::Reverse): the closest point on the
// ellipsoid gives latitude and longitude (longitude in [-180, 180]; 0 on the polar axis),
// the signed distance to it the altitude. Validates the input (finite components).
Result<Lla> EcefToLla(const Ecef& ecef);

}  // namespace biac::geo
