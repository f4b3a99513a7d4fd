#pragma once

// Geodesics on the WGS-84 ellipsoid: the shortest path between two points on its surface,
// by GeographicLib::Geodesic (C. F. F. Karney, "Algorithms for geodesics", J. Geodesy 87
// (2013) 43-55), accurate to about 15 nm for any pair of points, antipodal ones included.
//
// Only latitude and longitude take part: the altitude of an Lla is ignored (a geodesic lies
// on the ellipsoid). Azimuths are in degrees clockwise from true north, in [-180, 180].
// An azimuth at a pole is the limit of the azimuth approaching it along the meridian, as
// GeographicLib defines it.

#include "biac/base/status.h"
#include "biac/geo/coordinates.h"

namespace biac::geo {

// The inverse problem: the geodesic between two given points.
struct GeodesicInverseSolution {
  double distance_m = 0.0;           // s12, length of the geodesic
  double initial_azimuth_deg = 0.0;  // azi1, the forward azimuth at the start point
  double final_azimuth_deg = 0.0;    // azi2, the forward azimuth at the end point
};

// The direct problem: where a geodesic of a given start, azimuth and length ends.
struct GeodesicDirectSolution {
  Lla destination;                 // altitude copied from the start point
  double final_azimuth_deg = 0.0;  // azi2, the forward azimuth at the destination
};

// Validates both points (latitude, longitude and altitude as in ValidateLla); the error names
// which point ("geodesic end point: latitude 91 deg is outside [-90, 90]").
Result<GeodesicInverseSolution> GeodesicInverse(const Lla& start, const Lla& end);

// Convenience: GeodesicInverse(start, end).distance_m.
Result<double> GeodesicDistance(const Lla& start, const Lla& end);

// Travels distance_m (negative goes backwards) from start along initial_azimuth_deg (any
// finite value; reduced modulo 360). Validates the start point and that both numbers are
// finite. The destination longitude is reduced to [-180, 180].
Result<GeodesicDirectSolution> GeodesicDirect(const Lla& start, double initial_azimuth_deg,
                                              double distance_m);

}  // namespace biac::geo
