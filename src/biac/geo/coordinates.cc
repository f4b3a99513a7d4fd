#include "biac/geo/coordinates.h"

#include <GeographicLib/Geocentric.hpp>

#include <cmath>
#include <string>
#include <string_view>
#include <utility>

#include "biac/base/number_format.h"

namespace biac::geo {
namespace {

// "latitude 91 deg is outside [-90, 90]", or "latitude nan deg is not finite".
Status CheckRange(std::string_view name, double value, std::string_view unit, double low,
                  double high) {
  if (std::isfinite(value) && value >= low && value <= high) return Status::Ok();
  std::string message(name);
  message += ' ';
  AppendShortest(message, value);
  message += ' ';
  message += unit;
  if (!std::isfinite(value)) {
    message += " is not finite";
  } else {
    message += " is outside [";
    AppendShortest(message, low);
    message += ", ";
    AppendShortest(message, high);
    message += ']';
  }
  return InvalidArgument(std::move(message));
}

}  // namespace

Status ValidateLla(const Lla& lla) {
  BIAC_RETURN_IF_ERROR(
      CheckRange("latitude", lla.latitude_deg, "deg", -kMaxLatitudeDeg, kMaxLatitudeDeg));
  BIAC_RETURN_IF_ERROR(
      CheckRange("longitude", lla.longitude_deg, "deg", -kMaxLongitudeDeg, kMaxLongitudeDeg));
  return CheckRange("altitude", lla.altitude_m, "m", kMinAltitudeM, kMaxAltitudeM);
}

Status ValidateEcef(const Ecef& ecef) {
  if (std::isfinite(ecef.x) && std::isfinite(ecef.y) && std::isfinite(ecef.z)) {
    return Status::Ok();
  }
  std::string message = "ECEF position (";
  AppendShortest(message, ecef.x);
  message += ", ";
  AppendShortest(message, ecef.y);
  message += ", ";
  AppendShortest(message, ecef.z);
  message += ") m is not finite";
  return InvalidArgument(std::move(message));
}

Result<Ecef> LlaToEcef(const Lla& lla) {
  BIAC_RETURN_IF_ERROR(ValidateLla(lla));
  Ecef out;
  GeographicLib::Geocentric::WGS84().Forward(lla.latitude_deg, lla.longitude_deg, lla.altitude_m,
                                             out.x, out.y, out.z);
  return out;
}

Result<Lla> EcefToLla(const Ecef& ecef) {
  BIAC_RETURN_IF_ERROR(ValidateEcef(ecef));
  Lla out;
  GeographicLib::Geocentric::WGS84().Reverse(ecef.x, ecef.y, ecef.z, out.latitude_deg,
                                             out.longitude_deg, out.altitude_m);
  return out;
}

}  // namespace biac::geo
