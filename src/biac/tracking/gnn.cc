#include "biac/tracking/gnn.h"

namespace biac::tracking {

Status GnnAssociator::Solve(const std::vector<int>& row_begin,
                            const std::vector<HypothesisEntry>& entries,
                            const std::vector<double>& missed, int num_detections,
                            std::vector<int>& detection_of_track) {
  const int num_tracks = static_cast<int>(row_begin.size()) - 1;
  detection_of_track.assign(num_tracks, -1);
  rows_.clear();
  detection_of_.clear();
  column_of_.assign(num_detections, -1);
  // Compact columns: only detections some track gated; then one missed column per row.
  for (int t = 0; t < num_tracks; ++t) {
    if (row_begin[t] == row_begin[t + 1]) continue;
    rows_.push_back(t);
    for (int e = row_begin[t]; e < row_begin[t + 1]; ++e) {
      const int j = entries[e].detection;
      if (column_of_[j] < 0) {
        column_of_[j] = static_cast<int>(detection_of_.size());
        detection_of_.push_back(j);
      }
    }
  }
  if (rows_.empty()) return Status::Ok();
  const int num_det_cols = static_cast<int>(detection_of_.size());
  costs_.Reset(num_det_cols + static_cast<int>(rows_.size()));
  for (int r = 0; r < static_cast<int>(rows_.size()); ++r) {
    const int t = rows_[r];
    for (int e = row_begin[t]; e < row_begin[t + 1]; ++e) {
      costs_.AddEntry(column_of_[entries[e].detection], entries[e].score);
    }
    costs_.AddEntry(num_det_cols + r, missed[t]);
    costs_.EndRow();
  }
  BIAC_RETURN_IF_ERROR(assignment::SolveSparse(costs_, solution_, workspace_));
  for (int r = 0; r < static_cast<int>(rows_.size()); ++r) {
    const int c = solution_.row_to_col[r];
    if (c >= 0 && c < num_det_cols) detection_of_track[rows_[r]] = detection_of_[c];
  }
  return Status::Ok();
}

}  // namespace biac::tracking
