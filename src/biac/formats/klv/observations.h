#pragma once

// From a decoded ST 0601 packet to model Observations:
//
// 1. The platform (kSelfReport): sensor latitude, longitude (tags 13, 14) and height. ST 0601
//    carries the sensor's position as the platform's (the sensor rides on it). Height: the
//    ellipsoid height (tag 104, else 75) when present; else the true altitude above mean sea
//    level (tag 15) used as ellipsoid height, with the vertical variance widened by
//    geoid_sigma_m^2 (biac carries no geoid model; the undulation is within +-110 m).
//    Velocity from the north and east velocities (tags 79, 80) and the vertical speed (51).
//    Identity: uid = tail number (tag 4), else mission id (tag 3); callsign = platform call
//    sign (tag 59), else tail number; name = platform designation (tag 10), also the category.
// 2. The points the sensor looks at (kSensorPoint): the frame centre (tags 23, 24 with the
//    height from 78, else 25) and the four footprint corners (full corners 82..89, else the
//    offset corners 26..33 added to the frame centre, at the frame centre's height).
//
// Sensor-point uncertainty. The sensor measures a line of sight; the point is where it meets
// the ground. With a pointing error sigma_theta (radians, both axes, from the options: ST 0601
// carries no pointing accuracy) at slant range R (tag 21 for the frame centre, else the
// sensor-to-point distance) and a grazing angle gamma between the line of sight and the local
// horizontal (from the sensor and point positions):
//   cross-range sigma  = R sigma_theta
//   down-range sigma   = R sigma_theta / sin(gamma)     (the flat-ground projection)
// with gamma no smaller than min_grazing_deg, and the platform's horizontal position variance
// added to both. The covariance is built in the point's east-north-up frame with the down-range
// axis along the horizontal bearing from the sensor. The vertical sigma is the terrain model's
// (terrain_sigma_m): the point lies on the terrain, whose height the sensor reads from a model.
// Without a sensor position the horizontal covariance is isotropic with the down-range sigma at
// min_grazing_deg.
//
// Time: the precision time stamp (tag 2, microseconds since 1970 UTC); a packet without it
// gives an error.
//
// Label: options.source.label, the source's configured label, never the classification the
// packet's own ST 0102 security set (tag 48, st0102.h) claims: that is the platform's
// statement about itself, exposed for comparison, not a marking the cell adopts.

#include <vector>

#include "biac/base/status.h"
#include "biac/formats/common/source.h"
#include "biac/formats/klv/st0601.h"
#include "biac/model/observation.h"

namespace biac::formats::klv {

struct ObservationOptions {
  SourceConfig source;
  // 1-sigma line-of-sight pointing error of the gimbal and its navigation, both axes.
  double pointing_sigma_deg = 0.1;
  // Grazing angles below this are clamped (the down-range error grows as 1 / sin(gamma)).
  double min_grazing_deg = 5.0;
  // 1-sigma height error of the terrain model the sensor uses for its ground points.
  double terrain_sigma_m = 15.0;
  // 1-sigma platform navigation error (GPS/INS), horizontal and vertical.
  double platform_horizontal_sigma_m = 5.0;
  double platform_vertical_sigma_m = 10.0;
  // Added in quadrature to heights above mean sea level used as ellipsoid heights.
  double geoid_sigma_m = 30.0;
  // 1-sigma error of the reported velocity components.
  double velocity_sigma_mps = 1.0;
  bool platform = true;      // emit the platform's self report
  bool frame_center = true;  // emit the frame centre
  bool corners = true;       // emit the four footprint corners

  // Checks that every sigma is finite and non-negative and the angles are in range.
  Status Validate() const;
};

// Appends the observations of one packet to `out` (none, one, or up to six). Errors: the
// options are invalid, or the packet has no precision time stamp.
Status AppendObservations(const UasPacket& packet, const ObservationOptions& options,
                          std::vector<model::Observation>& out);

}  // namespace biac::formats::klv
