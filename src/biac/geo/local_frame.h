#pragma once

// A local east-north-up (ENU) tangent frame about a reference point on WGS-84, the frame in
// which a tracker filters (EPSG method 9837, "geographic/topocentric conversions"; the same
// frame as GeographicLib::LocalCartesian):
//   origin:  the reference point (at its altitude, not on the ellipsoid below it);
//   axes:    east and north tangent to the ellipsoid at the reference, up along its outward
//            normal, all fixed in the Earth (the frame does not follow a moving point).
//
// With o the reference in ECEF and R the 3x3 rotation whose columns are the east, north and
// up unit vectors expressed in ECEF (from GeographicLib::Geocentric::Forward),
//   ecef = o + R enu,         enu = R' (ecef - o);
// vectors (velocities, differences) rotate without the translation, and a covariance P
// transforms as  P_enu = R' P_ecef R,  P_ecef = R P_enu R'.
//
// ENU coordinates are Cartesian, not a map projection: a point 100 km away at the same
// altitude has a negative "up" of about 0.8 km (the Earth curves away from the tangent plane).

#include <Eigen/Core>

#include "biac/base/status.h"
#include "biac/geo/coordinates.h"

namespace biac::geo {

class LocalFrame {
 public:
  // Validates the reference point (see ValidateLla); the error message names it
  // ("local frame reference: latitude 91 deg is outside [-90, 90]").
  static Result<LocalFrame> Create(const Lla& reference);

  const Lla& reference() const { return reference_; }
  // The reference point in ECEF (o above).
  const Ecef& origin() const { return origin_; }
  // R above: columns are the east, north and up unit vectors in ECEF.
  const Eigen::Matrix3d& enu_to_ecef_rotation() const { return enu_to_ecef_; }
  // R' above.
  Eigen::Matrix3d ecef_to_enu_rotation() const { return enu_to_ecef_.transpose(); }

  // Positions. ECEF and ENU are both Cartesian, so these are total and need no validation
  // (a NaN in gives a NaN out).
  Enu EcefToEnu(const Ecef& ecef) const;
  Ecef EnuToEcef(const Enu& enu) const;

  // Positions through geodetic coordinates; validate their input like LlaToEcef/EcefToLla.
  Result<Enu> LlaToEnu(const Lla& lla) const;
  Result<Lla> EnuToLla(const Enu& enu) const;

  // Free vectors (velocity, acceleration, a difference of positions): rotation only.
  Eigen::Vector3d EcefVectorToEnu(const Eigen::Vector3d& ecef) const;
  Eigen::Vector3d EnuVectorToEcef(const Eigen::Vector3d& enu) const;

  // Position covariances (3x3, m^2): P_enu = R' P_ecef R and P_ecef = R P_enu R'.
  Eigen::Matrix3d EcefCovarianceToEnu(const Eigen::Matrix3d& ecef_covariance) const;
  Eigen::Matrix3d EnuCovarianceToEcef(const Eigen::Matrix3d& enu_covariance) const;

 private:
  LocalFrame(const Lla& reference, const Ecef& origin, const Eigen::Matrix3d& enu_to_ecef)
      : reference_(reference), origin_(origin), enu_to_ecef_(enu_to_ecef) {}

  Lla reference_;
  Ecef origin_;
  Eigen::Matrix3d enu_to_ecef_;
};

}  // namespace biac::geo
