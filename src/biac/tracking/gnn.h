#pragma once

// Global nearest neighbour association (Stone Soup's GNNWith2DAssignment): the assignment
// of tracks to detections that minimises the summed hypothesis distances, where each track
// may instead take its own "missed" column at the missed cost. Solved as a sparse
// rectangular assignment problem; tracks with no gated detection are missed without entering
// the solver.

#include <vector>

#include "biac/assignment/assignment.h"
#include "biac/base/status.h"
#include "biac/tracking/hypothesiser.h"
#include "biac/tracking/track_logic.h"

namespace biac::tracking {

class GnnAssociator {
 public:
  // Fills detection_of_track[t] with the detection assigned to track t, or -1 for a miss.
  template <typename F>
  Status Associate(const Hypotheses<F>& hypotheses, int num_detections,
                   std::vector<int>& detection_of_track) {
    return Solve(hypotheses.row_begin, hypotheses.entries, hypotheses.missed, num_detections,
                 detection_of_track);
  }

  Status Solve(const std::vector<int>& row_begin, const std::vector<HypothesisEntry>& entries,
               const std::vector<double>& missed, int num_detections,
               std::vector<int>& detection_of_track);

 private:
  assignment::SparseCostMatrix costs_;
  assignment::Solution solution_;
  assignment::Workspace workspace_;
  std::vector<int> rows_;          // tracks that entered the solver
  std::vector<int> column_of_;     // detection -> compact column
  std::vector<int> detection_of_;  // compact column -> detection
};

// Applies a GNN association at `time`: each track takes the update with its assigned
// detection (clearing that detection's `available` flag) or keeps its prediction on a miss;
// the track logic is scored with Pd and the clutter density of `scoring`. visit(t, updated)
// is called after each track t.
template <TrackingFilter F, typename Visit>
void ApplyGnnAssociation(const F& filter, const Hypotheses<F>& hypotheses,
                         const std::vector<int>& detection_of_track,
                         std::span<const Detection<F::kMeasDim>> detections,
                         const HypothesiserOptions& scoring, Timestamp time,
                         std::span<Track<typename F::State>> tracks, std::span<char> available,
                         Visit&& visit) {
  for (int t = 0; t < static_cast<int>(tracks.size()); ++t) {
    Track<typename F::State>& track = tracks[t];
    const int j = detection_of_track[t];
    track.time = time;
    if (j >= 0) {
      const auto& mp = hypotheses.measurement_predictions[t];
      track.state = filter.Update(hypotheses.predictions[t], mp, detections[j].z);
      RecordUpdate(track.logic, LogLikelihoodRatio(mp, filter.Residual(detections[j].z, mp.mean),
                                                   scoring.prob_detect, scoring.clutter_density));
      available[j] = 0;
    } else {
      track.state = hypotheses.predictions[t];
      RecordMiss(track.logic, scoring.prob_detect);
    }
    visit(t, j >= 0);
  }
}

}  // namespace biac::tracking
