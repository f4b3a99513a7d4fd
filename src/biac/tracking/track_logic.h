#pragma once

// Track management rules: when a tentative track is confirmed and when a track is deleted.
//
// Confirmation (InitiatorOptions::rule):
//   kConsecutive  N consecutive updates, the initiating detection included, and a tentative
//                 track is dropped at its first miss (Stone Soup's MultiMeasurementInitiator
//                 with min_points = N and an UpdateTimeStepsDeleter(1) for holding tracks).
//   kMOfN         M updates within the first N scans of the track's life; dropped as soon as
//                 M can no longer be reached (Blackman & Popoli 1999, §6.3).
//   kScore        sequential probability ratio test on the track's log-likelihood ratio
//                 (Blackman & Popoli 1999, §6.2): start at ln(beta_new / lambda), add
//                 ln(Pd N(z; z^, S) / lambda) per update and ln(1 - Pd) per miss; confirm at
//                 ln((1 - beta) / alpha), drop at ln(beta / (1 - alpha)), with alpha the
//                 false-confirmation and beta the false-deletion probability.
// Deletion of confirmed tracks (DeleterOptions), any rule that is enabled fires:
//   max_misses             K scans in a row without an update (Stone Soup's
//                          UpdateTimeStepsDeleter(K)),
//   max_position_variance  trace of the position covariance above a threshold (Stone Soup's
//                          CovarianceBasedDeleter, on position),
//   score_drop             the score fell this far below its maximum (MATLAB trackerGNN's
//                          score logic).

#include <algorithm>
#include <cmath>

#include "biac/base/status.h"
#include "biac/tracking/track.h"

namespace biac::tracking {

enum class ConfirmationRule { kConsecutive, kMOfN, kScore };

struct InitiatorOptions {
  ConfirmationRule rule = ConfirmationRule::kConsecutive;
  int min_points = 3;                       // kConsecutive
  int m = 2;                                // kMOfN
  int n = 3;                                // kMOfN
  double new_target_density = 1e-7;         // kScore: beta_new, new targets per unit volume
  double false_confirm_probability = 1e-3;  // kScore: alpha
  double false_delete_probability = 1e-2;   // kScore: beta
  double missed_distance = 3.0;             // gate of the tentative tracks' GNN (Mahalanobis)
  // Report the states a track had while tentative once it is confirmed, as Stone Soup keeps
  // them in the confirmed track (and so its metrics count them). false: a track exists for
  // the metrics from its confirmation on, which charges the confirmation delay as missed.
  bool report_tentative_states = true;
  // The score rule has no bound on a tentative track's life: keep this many latest states.
  int max_tentative_history = 16;

  Status Validate() const;
};

struct DeleterOptions {
  int max_misses = 3;                  // 0: off
  double max_position_variance = 0.0;  // m^2, 0: off
  double score_drop = 0.0;             // 0: off
  Status Validate() const;
};

// Log-likelihood-ratio thresholds of the SPRT.
inline double ConfirmScore(const InitiatorOptions& o) {
  return std::log((1.0 - o.false_delete_probability) / o.false_confirm_probability);
}
inline double DropScore(const InitiatorOptions& o) {
  return std::log(o.false_delete_probability / (1.0 - o.false_confirm_probability));
}

// One scan's bookkeeping: an update whose log-likelihood ratio is `llr`, or a miss.
inline void RecordUpdate(TrackLogic& logic, double llr) {
  ++logic.scans;
  ++logic.updates;
  logic.consecutive_misses = 0;
  logic.score += llr;
  logic.max_score = std::max(logic.max_score, logic.score);
}
inline void RecordMiss(TrackLogic& logic, double prob_detect) {
  ++logic.scans;
  ++logic.consecutive_misses;
  logic.score += std::log1p(-prob_detect);
}

// Whether a tentative track has met its confirmation rule.
bool ShouldConfirm(const InitiatorOptions& o, const TrackLogic& logic);
// Whether a tentative track can no longer be confirmed.
bool ShouldDropTentative(const InitiatorOptions& o, const TrackLogic& logic);
// Whether a confirmed track is to be deleted; position_variance is the trace of its position
// covariance.
bool ShouldDelete(const DeleterOptions& o, const TrackLogic& logic, double position_variance);

}  // namespace biac::tracking
