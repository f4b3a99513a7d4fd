#include "biac/tracking/tracker.h"

#include <fmt/format.h>

namespace biac::tracking {

Status TrackerOptions::Validate() const {
  const bool want_probability = associator == AssociatorKind::kJpda;
  if ((hypothesiser.kind == HypothesisKind::kProbability) != want_probability) {
    return InvalidArgument(want_probability
                               ? "the JPDA associator needs the probability hypothesiser"
                               : "the GNN associator needs the distance hypothesiser");
  }
  if (!(hypothesiser.prob_detect > 0 && hypothesiser.prob_detect < 1)) {
    return InvalidArgument(
        fmt::format("prob_detect {} is not in (0, 1)", hypothesiser.prob_detect));
  }
  if (!(hypothesiser.prob_gate > 0 && hypothesiser.prob_gate < 1)) {
    return InvalidArgument(fmt::format("prob_gate {} is not in (0, 1)", hypothesiser.prob_gate));
  }
  if (!(hypothesiser.clutter_density > 0)) {
    return InvalidArgument("clutter_density must be > 0");
  }
  if (!(hypothesiser.missed_distance > 0)) return InvalidArgument("missed_distance must be > 0");
  BIAC_RETURN_IF_ERROR(initiator.Validate());
  BIAC_RETURN_IF_ERROR(deleter.Validate());
  return Status::Ok();
}

}  // namespace biac::tracking
