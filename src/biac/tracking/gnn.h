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

}  // namespace biac::tracking
