#include "biac/tracking/track_logic.h"

#include <fmt/format.h>

namespace biac::tracking {

Status InitiatorOptions::Validate() const {
  if (min_points < 1) return InvalidArgument(fmt::format("min_points {} < 1", min_points));
  if (m < 1 || n < m)
    return InvalidArgument(fmt::format("M-of-N needs 1 <= M <= N, got {} of {}", m, n));
  if (!(false_confirm_probability > 0 && false_confirm_probability < 1)) {
    return InvalidArgument("false_confirm_probability must be in (0, 1)");
  }
  if (!(false_delete_probability > 0 && false_delete_probability < 1)) {
    return InvalidArgument("false_delete_probability must be in (0, 1)");
  }
  if (!(new_target_density > 0)) return InvalidArgument("new_target_density must be > 0");
  if (!(missed_distance > 0)) return InvalidArgument("missed_distance must be > 0");
  if (max_tentative_history < 1) return InvalidArgument("max_tentative_history must be >= 1");
  return Status::Ok();
}

Status DeleterOptions::Validate() const {
  if (max_misses < 0) return InvalidArgument("max_misses must be >= 0");
  if (max_position_variance < 0) return InvalidArgument("max_position_variance must be >= 0");
  if (score_drop < 0) return InvalidArgument("score_drop must be >= 0");
  if (max_misses == 0 && max_position_variance == 0 && score_drop == 0) {
    return InvalidArgument("at least one deletion rule must be enabled");
  }
  return Status::Ok();
}

bool ShouldConfirm(const InitiatorOptions& o, const TrackLogic& logic) {
  switch (o.rule) {
    case ConfirmationRule::kConsecutive:
      return logic.updates >= o.min_points;
    case ConfirmationRule::kMOfN:
      return logic.updates >= o.m && logic.scans <= o.n;
    case ConfirmationRule::kScore:
      return logic.score >= ConfirmScore(o);
  }
  return false;
}

bool ShouldDropTentative(const InitiatorOptions& o, const TrackLogic& logic) {
  switch (o.rule) {
    case ConfirmationRule::kConsecutive:
      return logic.consecutive_misses >= 1;
    case ConfirmationRule::kMOfN:
      return logic.updates + (o.n - logic.scans) < o.m;
    case ConfirmationRule::kScore:
      return logic.score <= DropScore(o);
  }
  return true;
}

bool ShouldDelete(const DeleterOptions& o, const TrackLogic& logic, double position_variance) {
  if (o.max_misses > 0 && logic.consecutive_misses >= o.max_misses) return true;
  if (o.max_position_variance > 0 && position_variance > o.max_position_variance) return true;
  if (o.score_drop > 0 && logic.max_score - logic.score > o.score_drop) return true;
  return false;
}

}  // namespace biac::tracking
