#pragma once

// Named sanitisation rules a release to a partner applies (issue 4 §3 "Per-audience release"),
// and the partner policies that name them. The rules' exact effects are specified here and in
// docs/sharing.md; a rule never changes a track's label (a coarsened position is still derived
// from the same inputs) and never adds information.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "biac/base/status.h"
#include "biac/labels/access.h"
#include "biac/model/picture.h"

namespace biac::sharing {

// A field a rule can drop (configuration names in FieldName()).
enum class Field : uint8_t {
  kCallsign,      // identity.callsign cleared
  kName,          // identity.name cleared
  kMmsi,          // identity.mmsi absent
  kIcaoAddress,   // identity.icao_address absent
  kMode3a,        // identity.mode3a absent
  kTrackNumbers,  // identity.track_numbers cleared (also the partner's own)
  kCategory,      // category cleared (domain is kept)
  kVelocity,      // velocity_enu zeroed; covariance rows and columns 3-5 zeroed
  kAltitude,      // has_altitude false, altitude 0, vertical velocity 0; rows/cols 2 and 5 zeroed
  kCovariance,    // the whole covariance zeroed
  kProvenance,    // provenance cleared
  kSources,       // sources cleared
};
inline constexpr Field kAllFields[] = {
    Field::kCallsign, Field::kName,         Field::kMmsi,       Field::kIcaoAddress,
    Field::kMode3a,   Field::kTrackNumbers, Field::kCategory,   Field::kVelocity,
    Field::kAltitude, Field::kCovariance,   Field::kProvenance, Field::kSources};

// "callsign", "name", "mmsi", "icao_address", "mode3a", "track_numbers", "category",
// "velocity", "altitude", "covariance", "provenance", "sources".
std::string_view FieldName(Field field);
std::optional<Field> FieldFromName(std::string_view name);

// One degree of latitude as 60 nautical miles (1 NM = 1852 m, the international nautical mile,
// which was defined as one minute of latitude): the scale of the coarsening grid.
inline constexpr double kMetresPerDegreeLatitude = 60.0 * 1852.0;
// Bounds of coarsen_position_m: half the equator; a larger grid is a configuration mistake.
inline constexpr double kMaxCoarsenPositionM = 2.0e7;

struct SanitisationRule {
  // [A-Za-z0-9_.-]+, unique in a rule set (names are joined with ',' in the audit record).
  std::string name;

  // 0: off. Otherwise N > 0: the horizontal position snaps to a grid of about N metres:
  //   step_lat = N / kMetresPerDegreeLatitude degrees,
  //   lat'     = round(lat / step_lat) * step_lat, clamped to [-90, 90],
  //   step_lon = step_lat / cos(lat'), and lon' = k * step_lon with k = round(lon / step_lon)
  //              (lon first reduced to (-180, 180]) clamped to |k| <= k_max = floor(180 /
  //              step_lon), so a longitude beyond the outermost grid point on its side of the
  //              antimeridian goes to that point; lon' = 0 where step_lon is 360
  //              degrees or more (or cos(lat') <= 0, at a pole),
  // with round() half away from zero. Altitude is unchanged. The covariance gains the variance of
  // uniform quantisation, N^2/12, on the east and north diagonal entries (0,0) and (1,1).
  double coarsen_position_m = 0;

  // Removes which sensors contributed: sources and provenance cleared, and track numbers whose
  // source is not the receiving partner itself removed (a partner knows its own numbers).
  bool drop_source_identity = false;

  // Fields dropped, effects as in Field. Applied after coarsening and source identity.
  std::vector<Field> drop_fields;

  friend bool operator==(const SanitisationRule&, const SanitisationRule&) = default;
};

// Checks a rule: the name's syntax, coarsen_position_m finite and within [0,
// kMaxCoarsenPositionM], no field named twice. Errors name the rule and the reason.
Status ValidateRule(const SanitisationRule& rule);

// The configured rules, looked up by name.
struct RuleSet {
  std::vector<SanitisationRule> rules;

  const SanitisationRule* Find(std::string_view name) const;
};

// A partner node and what it may receive: its authorizations as a labels::User (the release
// domain), and the names of the rules applied to every release to it, in order.
struct PartnerPolicy {
  std::string partner;  // [A-Za-z0-9_.-]+; also the source id of the partner's own track numbers
  labels::User audience;
  std::vector<std::string> rules;

  friend bool operator==(const PartnerPolicy&, const PartnerPolicy&) = default;
};

// Applies one rule to one track released to `partner` (see SanitisationRule for the order of
// effects within a rule). The rule must have passed ValidateRule.
void ApplyRule(const SanitisationRule& rule, std::string_view partner, model::FusedTrack& track);

// The position snapped to the grid of `cell_m` metres (cell_m > 0), as SanitisationRule says.
geo::Lla CoarsenPosition(const geo::Lla& position, double cell_m);

}  // namespace biac::sharing
