#include "biac/tracking/jpda_associator.h"

namespace biac::tracking {

Status JpdaAssociator::Compute(const std::vector<int>& row_begin,
                               const std::vector<HypothesisEntry>& entries,
                               const std::vector<double>& missed, int num_detections,
                               JpdaMarginals& out) {
  detections_.resize(entries.size());
  weights_.resize(entries.size());
  for (size_t e = 0; e < entries.size(); ++e) {
    detections_[e] = entries[e].detection;
    weights_[e] = entries[e].score;
  }
  const JpdaProblem problem{row_begin, detections_, weights_, missed, num_detections};
  return solver_.Compute(problem, out.probability, out.missed);
}

}  // namespace biac::tracking
