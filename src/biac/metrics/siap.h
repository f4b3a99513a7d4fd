#pragma once

// Single Integrated Air Picture metrics (Votruba et al. 2001, "Single Integrated Air Picture
// (SIAP) metrics implementation") with Stone Soup's definitions, association and conventions
// (stonesoup/metricgenerator/tracktotruthmetrics.py SIAPMetrics,
// stonesoup/dataassociator/tracktotrack.py TrackToTruth), so numbers can be compared.
//
// Association (TrackToTruth): walking each track's states in time order, the closest truth
// with a state at the same time and position distance < association_threshold is that step's
// candidate. A track joins a truth after consec_pairs_confirm consecutive steps with the same
// candidate, and the association ends after consec_misses_end consecutive steps whose
// candidate is another truth or none; the association's time range runs from its first to
// its last confirming step, both included. A track holds at most one truth at a time; a truth
// may hold several tracks. Stone Soup's counter quirks are kept: the miss counter is not reset
// when a new association starts, and a rival candidate's run is not reset by a step that
// matches the current truth.
//
// With J(t) truths and N(t) tracks having a state at t, JT(t) truths and NA(t) tracks in an
// association whose range contains t, and the sums taken over the union of track and truth
// times:
//   C  = sum JT / sum J           (completeness, target 1; 0 if sum J = 0)
//   A  = sum NA / sum JT          (ambiguity, target 1; 1 if sum JT = 0)
//   S  = sum (N - NA) / sum N     (spuriousness, target 0; 0 if sum N = 0)
//   PA = sum_t sum_assoc |p_track - p_truth| / sum NA   (positional accuracy, m)
//   VA = likewise on velocity (m/s)
//   R  = sum_j (NU_j - 1) / sum_j TT_j  over truths with NU_j > 0 (track number changes per
//        second; NU_j the number of tracks needed to cover truth j, by Stone Soup's greedy
//        walk, TT_j the seconds of truth j covered by any association)
//   LS = sum_j TL_j / sum_j T_j   (TL_j the longest association of truth j, T_j its lifetime)
// The distances are Euclidean on position and on velocity. A pair whose association covers a
// time at which the track or the truth has no state adds no accuracy term (Stone Soup raises
// an error there) but is counted in NA.

#include <cstdint>
#include <vector>

#include "biac/base/status.h"
#include "biac/base/time.h"
#include "biac/metrics/trajectories.h"

namespace biac::metrics {

struct TrackToTruthOptions {
  double association_threshold = 100.0;  // metres, position distance
  int consec_pairs_confirm = 3;
  int consec_misses_end = 2;
  Status Validate() const;
};

struct TrackTruthAssociation {
  int64_t track_id = 0;
  int64_t truth_id = 0;
  Timestamp start;  // first and last confirming steps, both included
  Timestamp end;
};

// Associations in the order of track id, then time.
Result<std::vector<TrackTruthAssociation>> AssociateTracksToTruths(
    const Trajectories& tracks, const Trajectories& truths, const TrackToTruthOptions& options);

struct SiapAtTime {
  Timestamp time;
  int num_truths = 0;              // J(t)
  int num_associated_truths = 0;   // JT(t)
  int num_tracks = 0;              // N(t)
  int num_associated_tracks = 0;   // NA(t)
  double completeness = 0.0;       // JT/J, 0 if J = 0
  double ambiguity = 1.0;          // NA/JT, 1 if JT = 0
  double spuriousness = 0.0;       // (N-NA)/N, 0 if N = 0
  double position_accuracy = 0.0;  // PA(t)/NA, 0 if NA = 0
  double velocity_accuracy = 0.0;
};

struct SiapResult {
  double completeness = 0.0;
  double ambiguity = 1.0;
  double spuriousness = 0.0;
  double position_accuracy = 0.0;
  double velocity_accuracy = 0.0;
  double rate_of_track_number_changes = 0.0;  // per second
  double longest_track_segment = 0.0;
  std::vector<SiapAtTime> per_time;
  std::vector<TrackTruthAssociation> associations;
};

Result<SiapResult> Siap(const Trajectories& tracks, const Trajectories& truths,
                        const TrackToTruthOptions& options);

}  // namespace biac::metrics
