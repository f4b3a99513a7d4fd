#pragma once

// ASTERIX records to biac Observations:
// - CAT048 monoradar target reports -> kDetection, with the plot in the radar's own
//   coordinates (SensorRelative) beside its geodetic position;
// - CAT021 ADS-B target reports -> kSelfReport, uncertainty from NACp (or NUCp);
// - CAT062 system tracks -> kSystemTrack, uncertainty from I062/500.
// Units on the wire follow each category's specification (NM, ft, FL, NM/s, m/s, degrees);
// Observations are SI (m, m/s) on WGS-84.

#include <cstdint>
#include <optional>
#include <vector>

#include "biac/base/status.h"
#include "biac/base/time.h"
#include "biac/formats/asterix/record.h"
#include "biac/formats/common/source.h"
#include "biac/geo/coordinates.h"
#include "biac/model/observation.h"

namespace biac::formats::asterix {

// A sensor (radar, ADS-B ground station, tracker) identified by its SAC/SIC
// (I0xx/010), with the position its polar or Cartesian reports are relative to.
struct SensorSite {
  uint8_t sac = 0;
  uint8_t sic = 0;
  geo::Lla position;  // antenna position (height above the WGS-84 ellipsoid)
};

struct ObservationOptions {
  SourceConfig source;  // copied into every Observation (id, label)
  // Positions of the radars (CAT048) and of the system reference points of trackers whose
  // CAT062 tracks carry only Cartesian positions (I062/100), keyed by SAC/SIC.
  std::vector<SensorSite> sites;
  // The UTC midnight that starts the day the records' times of day (seconds since
  // midnight, I048/140, I021/071-077, I062/070) belong to.
  Timestamp date;
  // Radar measurement noise (1 sigma) for CAT048 plots, which carry no accuracy of their
  // own. Defaults are typical of an en-route Mode S radar (ICAO Doc 9924 order of magnitude).
  double range_sigma_m = 70.0;
  double azimuth_sigma_deg = 0.08;
  // Vertical 1 sigma for altitudes derived from flight levels (25 or 100 ft quantisation and
  // the pressure-to-geometric difference the mapping does not correct).
  double flight_level_sigma_m = 60.0;
  // Horizontal 1 sigma when an ADS-B report gives neither NACp nor NUCp, or a CAT062 track
  // gives no I062/500.
  double default_position_sigma_m = 500.0;
};

// The Observation of one decoded record. Errors: the category is not 021, 048 or 062, the
// record lacks a position or a time, or (CAT048 polar, CAT062 Cartesian-only) no site is
// configured for its SAC/SIC.
Result<model::Observation> ToObservation(const RecordView& record,
                                         const ObservationOptions& options);

// 95 % horizontal position bound (metres) of an ADS-B NACp code (RTCA DO-260B table 2-70:
// EPU), or nullopt for 0 (unknown) and undefined codes; and of a NUCp code (DO-260A
// table 2-14, HPL / the 95 % containment radius).
std::optional<double> NacpBoundM(unsigned nacp);
std::optional<double> NucpBoundM(unsigned nucp);

}  // namespace biac::formats::asterix
