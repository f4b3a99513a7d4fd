#include "biac/sharing/rules.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace biac::sharing {

namespace {

constexpr double kMaxLatitudeDeg = 90.0;
constexpr double kHalfTurnDeg = 180.0;
constexpr double kFullTurnDeg = 360.0;
// Uniform quantisation to a step N has variance N^2/12.
constexpr double kUniformVarianceDivisor = 12.0;

// Indices into FusedTrack::covariance (east, north, up, v_east, v_north, v_up).
constexpr int kEast = 0;
constexpr int kNorth = 1;
constexpr int kUp = 2;
constexpr int kVelocityEast = 3;
constexpr int kVelocityUp = 5;
using Covariance = decltype(model::FusedTrack::covariance);
static_assert(Covariance::RowsAtCompileTime == kVelocityUp + 1);

void ZeroRowAndColumn(Covariance& covariance, int index) {
  covariance.row(index).setZero();
  covariance.col(index).setZero();
}

bool NameCharacter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

void DropField(Field field, model::FusedTrack& track) {
  switch (field) {
    case Field::kCallsign:
      track.identity.callsign.clear();
      return;
    case Field::kName:
      track.identity.name.clear();
      return;
    case Field::kMmsi:
      track.identity.mmsi.reset();
      return;
    case Field::kIcaoAddress:
      track.identity.icao_address.reset();
      return;
    case Field::kMode3a:
      track.identity.mode3a.reset();
      return;
    case Field::kTrackNumbers:
      track.identity.track_numbers.clear();
      return;
    case Field::kCategory:
      track.category.clear();
      return;
    case Field::kVelocity:
      track.velocity_enu.setZero();
      for (int i = kVelocityEast; i <= kVelocityUp; ++i) ZeroRowAndColumn(track.covariance, i);
      return;
    case Field::kAltitude:
      track.has_altitude = false;
      track.position.altitude_m = 0;
      track.velocity_enu[kUp] = 0;
      ZeroRowAndColumn(track.covariance, kUp);
      ZeroRowAndColumn(track.covariance, kVelocityUp);
      return;
    case Field::kCovariance:
      track.covariance.setZero();
      return;
    case Field::kProvenance:
      track.provenance.clear();
      return;
    case Field::kSources:
      track.sources.clear();
      return;
  }
}

}  // namespace

std::string_view FieldName(Field field) {
  switch (field) {
    case Field::kCallsign:
      return "callsign";
    case Field::kName:
      return "name";
    case Field::kMmsi:
      return "mmsi";
    case Field::kIcaoAddress:
      return "icao_address";
    case Field::kMode3a:
      return "mode3a";
    case Field::kTrackNumbers:
      return "track_numbers";
    case Field::kCategory:
      return "category";
    case Field::kVelocity:
      return "velocity";
    case Field::kAltitude:
      return "altitude";
    case Field::kCovariance:
      return "covariance";
    case Field::kProvenance:
      return "provenance";
    case Field::kSources:
      return "sources";
  }
  return "";
}

std::optional<Field> FieldFromName(std::string_view name) {
  for (const Field field : kAllFields) {
    if (FieldName(field) == name) return field;
  }
  return std::nullopt;
}

Status ValidateRule(const SanitisationRule& rule) {
  if (rule.name.empty() || !std::all_of(rule.name.begin(), rule.name.end(), NameCharacter)) {
    return InvalidArgument("sanitisation rule '" + rule.name +
                           "': the name must be one or more of A-Z a-z 0-9 _ . -");
  }
  if (!std::isfinite(rule.coarsen_position_m) || rule.coarsen_position_m < 0 ||
      rule.coarsen_position_m > kMaxCoarsenPositionM) {
    return InvalidArgument("sanitisation rule '" + rule.name +
                           "': coarsen_position_m must be within [0, 2e7] metres");
  }
  for (size_t i = 0; i < rule.drop_fields.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (rule.drop_fields[i] == rule.drop_fields[j]) {
        return InvalidArgument("sanitisation rule '" + rule.name + "': field '" +
                               std::string(FieldName(rule.drop_fields[i])) + "' named twice");
      }
    }
  }
  return Status::Ok();
}

const SanitisationRule* RuleSet::Find(std::string_view name) const {
  for (const SanitisationRule& rule : rules) {
    if (rule.name == name) return &rule;
  }
  return nullptr;
}

geo::Lla CoarsenPosition(const geo::Lla& position, double cell_m) {
  const double step_lat = cell_m / kMetresPerDegreeLatitude;
  geo::Lla out = position;
  out.latitude_deg = std::clamp(std::round(position.latitude_deg / step_lat) * step_lat,
                                -kMaxLatitudeDeg, kMaxLatitudeDeg);
  const double cos_lat = std::cos(out.latitude_deg * std::numbers::pi / kHalfTurnDeg);
  const double step_lon = cos_lat > 0 ? step_lat / cos_lat : kFullTurnDeg;
  if (!(step_lon < kFullTurnDeg)) {
    out.longitude_deg = 0;
    return out;
  }
  double lon = std::remainder(position.longitude_deg, kFullTurnDeg);  // [-180, 180]
  if (lon == -kHalfTurnDeg) lon = kHalfTurnDeg;  // one meridian, one grid point
  // The grid is k * step_lon for |k| <= k_max: it is symmetric about the prime meridian, so
  // the two outermost points meet across the antimeridian with a gap below two steps, and a
  // longitude beyond the outermost point on its side goes to that point (less than one step
  // away). Snapping a snapped position leaves it where it is.
  const double k_max = std::floor(kHalfTurnDeg / step_lon);
  const double k = std::clamp(std::round(lon / step_lon), -k_max, k_max);
  out.longitude_deg = k * step_lon;
  return out;
}

void ApplyRule(const SanitisationRule& rule, std::string_view partner, model::FusedTrack& track) {
  if (rule.coarsen_position_m > 0) {
    track.position = CoarsenPosition(track.position, rule.coarsen_position_m);
    const double quantisation_variance =
        rule.coarsen_position_m * rule.coarsen_position_m / kUniformVarianceDivisor;
    track.covariance(kEast, kEast) += quantisation_variance;
    track.covariance(kNorth, kNorth) += quantisation_variance;
  }
  if (rule.drop_source_identity) {
    track.sources.clear();
    track.provenance.clear();
    std::erase_if(track.identity.track_numbers,
                  [&](const model::SourceTrackNumber& n) { return n.source != partner; });
  }
  for (const Field field : rule.drop_fields) DropField(field, track);
}

}  // namespace biac::sharing
