#pragma once

// STANAG 4607 dwells -> model::Observation: one kDetection per target report.
//
//   time      midnight (UTC) of the reference date + D6 dwell time (ms). The date is the
//             caller's (options.reference_date) if set, else the mission segment's M5-M7.
//             AEDP-7 counts dwell times from the midnight of the mission's reference date, so
//             a mission crossing midnight has dwell times above 86 400 000 ms: no wrap.
//   position  D32.2-3 hi-res, else dwell centre + delta x scale factor (ReportPosition);
//             altitude = D32.6 geodetic height (above the WGS-84 ellipsoid) when present.
//   covariance (local east-north-up at the target, m^2) from the report's own D32.12 slant-range
//             and D32.13 cross-range uncertainties (one standard deviation), else the job's
//             nominal J21 slant-range and J22 cross-range (angle x slant range) sigmas, else
//             the options' defaults. The slant-range sigma is projected onto the ground along
//             the sensor-to-target azimuth (ground range = slant range x cos(grazing angle),
//             so a slant error dR moves the ground point by dR x R / G, R the slant and G the
//             ground distance); cross range is horizontal and perpendicular to it. Up:
//             D32.14 height uncertainty, else the default height sigma.
//   sensor_relative  sensor_position = D7-D9; range_rate_mps = D32.7 (positive away from the
//             sensor, the same sense as SensorRelative's "positive opening") with sigma
//             D32.15, else J23, else the default.
//   sensor    P8 platform id; identity.category = D32.10 classification name.
//   label     options.source.label; source = options.source.id.

#include <optional>
#include <vector>

#include "biac/base/status.h"
#include "biac/formats/common/source.h"
#include "biac/formats/gmti/segments.h"
#include "biac/model/observation.h"
#include "biac/model/picture.h"

namespace biac::formats::gmti {

struct CivilDate {
  int year = 1970;
  unsigned month = 1;  // 1-12
  unsigned day = 1;    // 1-31
};

struct ObservationOptions {
  formats::SourceConfig source;
  // Overrides the mission segment's reference date (for feeds without mission segments).
  std::optional<CivilDate> reference_date;
  // One-sigma defaults used when neither the report nor the job definition gives a value.
  // They are not from the standard: they are deliberately loose placeholders (about a 1990s
  // airborne GMTI radar's range cell and a few milliradians of cross range at 50 km) to be set
  // per sensor in the source's configuration. Each must be positive.
  double default_slant_range_sigma_m = 20.0;
  double default_cross_range_sigma_m = 100.0;
  double default_height_sigma_m = 30.0;
  double default_range_rate_sigma_mps = 1.0;

  // Ok if every default sigma is positive and finite and the date (if set) is a real date.
  Status Validate() const;
};

// What else of the packet a dwell's mapping needs; pointers may be null.
struct DwellContext {
  const PacketHeader* header = nullptr;       // P8 platform id -> sensor
  const MissionSegment* mission = nullptr;    // reference date
  const JobDefinitionSegment* job = nullptr;  // nominal accuracies J21-J23
};

// The domain a D32.10 target classification names (STANAG 4607 Ed. 3 / AEDP-7 target
// classification table; names in segments.h): tracked, wheeled and other vehicles and large
// multiple returns over land are kLand; rotary- and fixed-wing aircraft kAir; maritime targets
// and large multiple returns over water kSea; the simulated classes (live + 128) as their
// live ones. Everything else - no information, stationary rotator, beacon, amphibious, person,
// animal, tagging device, other, unknown, reserved codes - is kUnknown: the class does not say.
model::Domain TargetClassificationDomain(uint8_t classification);

// Appends one observation per target report. Fails (appending nothing) when no reference date
// is known, when a report has no position, or when the options are invalid.
Status AppendObservations(const DwellContext& context, const DwellSegment& dwell,
                          const ObservationOptions& options, std::vector<model::Observation>& out);

}  // namespace biac::formats::gmti
