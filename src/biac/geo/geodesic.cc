#include "biac/geo/geodesic.h"

#include <GeographicLib/Geodesic.hpp>

#include <cmath>
#include <string>
#include <string_view>
#include <utility>

#include "biac/base/number_format.h"

namespace biac::geo {
namespace {

Status ValidatePoint(std::string_view which, const Lla& point) {
  Status status = ValidateLla(point);
  if (status.ok()) return status;
  std::string message(which);
  message += ": ";
  message += status.message();
  return InvalidArgument(std::move(message));
}

Status ValidateFinite(std::string_view name, double value) {
  if (std::isfinite(value)) return Status::Ok();
  std::string message = "geodesic ";
  message += name;
  message += ' ';
  AppendShortest(message, value);
  message += " is not finite";
  return InvalidArgument(std::move(message));
}

}  // namespace

Result<GeodesicInverseSolution> GeodesicInverse(const Lla& start, const Lla& end) {
  BIAC_RETURN_IF_ERROR(ValidatePoint("geodesic start point", start));
  BIAC_RETURN_IF_ERROR(ValidatePoint("geodesic end point", end));
  GeodesicInverseSolution out;
  GeographicLib::Geodesic::WGS84().Inverse(start.latitude_deg, start.longitude_deg,
                                           end.latitude_deg, end.longitude_deg, out.distance_m,
                                           out.initial_azimuth_deg, out.final_azimuth_deg);
  return out;
}

Result<double> GeodesicDistance(const Lla& start, const Lla& end) {
  BIAC_ASSIGN_OR_RETURN(const GeodesicInverseSolution solution, GeodesicInverse(start, end));
  return solution.distance_m;
}

Result<GeodesicDirectSolution> GeodesicDirect(const Lla& start, double initial_azimuth_deg,
                                              double distance_m) {
  BIAC_RETURN_IF_ERROR(ValidatePoint("geodesic start point", start));
  BIAC_RETURN_IF_ERROR(ValidateFinite("azimuth (deg)", initial_azimuth_deg));
  BIAC_RETURN_IF_ERROR(ValidateFinite("distance (m)", distance_m));
  GeodesicDirectSolution out;
  out.destination.altitude_m = start.altitude_m;
  GeographicLib::Geodesic::WGS84().Direct(
      start.latitude_deg, start.longitude_deg, initial_azimuth_deg, distance_m,
      out.destination.latitude_deg, out.destination.longitude_deg, out.final_azimuth_deg);
  return out;
}

}  // namespace biac::geo
