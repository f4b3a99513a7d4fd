#pragma once

// CoT events as model::Observations.
//
// Which events: atoms only (type "a-..."), the events that describe an object at a place;
// bits, tasks, drawings and chat (b-, t-, u-, ...) are not observations (NotFound).
//
// Kind (from the event's `how`, the CoT hint of how the position was produced, and its
// detail):
//   kSelfReport   how "m-g..." (machine, GPS: the object's own receiver), or the detail has
//                 <takv> (a TAK device sending its own situational awareness, whatever its
//                 how, e.g. WinTAK's "h-e")
//   kDetection    any other machine how ("m-..." except "m-f"): a sensor measured the object
//   kSystemTrack  human-entered or estimated positions ("h-...") and fused ones ("m-f"):
//                 another system's or person's report of the object
//
// Uncertainty: the CoT Event schema 2.0 (Event-PUBLIC.xsd, point/@ce, point/@le) defines ce
// and le, where they represent an error, as "the one sigma point for a zero mean normal
// (Gaussian) distribution", so ce is taken as the 1-sigma error of each horizontal axis
// and le as the 1-sigma vertical error: covariance ENU = diag(ce^2, ce^2, le^2). Unknown
// values (9999999) are replaced by the options' defaults. Velocity comes from <track>
// (course degrees true, speed m/s) with eCourse/eSpeed (1-sigma) propagated to east/north;
// without them the options' default speed sigma is used on each axis.

#include <string>

#include "biac/base/status.h"
#include "biac/formats/common/source.h"
#include "biac/formats/cot/event.h"
#include "biac/model/observation.h"

namespace biac::formats::cot {

struct ObservationOptions {
  SourceConfig source;                         // id and label for events without their own marking
  std::string sensor;                          // copied to Observation::sensor
  double unknown_horizontal_sigma_m = 1000.0;  // when ce is unknown
  double unknown_vertical_sigma_m = 1000.0;    // when le is unknown (and hae known)
  double unknown_speed_sigma_mps = 5.0;        // per axis, when track has no eSpeed/eCourse

  Status Validate() const;
};

model::ObservationKind ClassifyEvent(const Event& event);

// NotFound for events that are not atoms; InvalidArgument when the event's marking does not
// give a label (see marking.h).
Result<model::Observation> ToObservation(const Event& event, const ObservationOptions& options);

}  // namespace biac::formats::cot
