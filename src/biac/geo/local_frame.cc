#include "biac/geo/local_frame.h"

#include <GeographicLib/Geocentric.hpp>

#include <string>
#include <utility>
#include <vector>

#include "biac/base/number_format.h"

namespace biac::geo {

Result<LocalFrame> LocalFrame::Create(const Lla& reference) {
  if (Status status = ValidateLla(reference); !status.ok()) {
    return InvalidArgument("local frame reference: " + status.message());
  }
  Ecef origin;
  // GeographicLib returns M row-major with ecef_vector = M enu_vector (Geocentric.hpp).
  std::vector<double> m(9);
  GeographicLib::Geocentric::WGS84().Forward(reference.latitude_deg, reference.longitude_deg,
                                             reference.altitude_m, origin.x, origin.y, origin.z, m);
  Eigen::Matrix3d enu_to_ecef;
  enu_to_ecef << m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8];
  return LocalFrame(reference, origin, enu_to_ecef);
}

Enu LocalFrame::EcefToEnu(const Ecef& ecef) const {
  return Enu::FromVector(enu_to_ecef_.transpose() * (ecef.AsVector() - origin_.AsVector()));
}

Ecef LocalFrame::EnuToEcef(const Enu& enu) const {
  return Ecef::FromVector(origin_.AsVector() + enu_to_ecef_ * enu.AsVector());
}

Result<Enu> LocalFrame::LlaToEnu(const Lla& lla) const {
  BIAC_ASSIGN_OR_RETURN(const Ecef ecef, LlaToEcef(lla));
  return EcefToEnu(ecef);
}

Result<Lla> LocalFrame::EnuToLla(const Enu& enu) const {
  if (!enu.AsVector().allFinite()) {
    std::string message = "ENU position (";
    AppendShortest(message, enu.east);
    message += ", ";
    AppendShortest(message, enu.north);
    message += ", ";
    AppendShortest(message, enu.up);
    message += ") m is not finite";
    return InvalidArgument(std::move(message));
  }
  return EcefToLla(EnuToEcef(enu));
}

Eigen::Vector3d LocalFrame::EcefVectorToEnu(const Eigen::Vector3d& ecef) const {
  return enu_to_ecef_.transpose() * ecef;
}

Eigen::Vector3d LocalFrame::EnuVectorToEcef(const Eigen::Vector3d& enu) const {
  return enu_to_ecef_ * enu;
}

Eigen::Matrix3d LocalFrame::EcefCovarianceToEnu(const Eigen::Matrix3d& ecef_covariance) const {
  return enu_to_ecef_.transpose() * ecef_covariance * enu_to_ecef_;
}

Eigen::Matrix3d LocalFrame::EnuCovarianceToEcef(const Eigen::Matrix3d& enu_covariance) const {
  return enu_to_ecef_ * enu_covariance * enu_to_ecef_.transpose();
}

}  // namespace biac::geo
