#include "biac/tracking/jpda_associator.h"
namespace biac::tracking {
Status JpdaAssociator::Compute(const std::vector<int>&, const std::vector<HypothesisEntry>&,
                               const std::vector<double>&, int, JpdaMarginals&) {
  return Internal("jpda not yet");
}
}
