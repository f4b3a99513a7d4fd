#pragma once

// Joint probabilistic data association (Fortmann, Bar-Shalom & Scheffe 1983) for the
// tracker: exact marginal association probabilities of every gated track-detection pair
// and of every track's miss, over all feasible joint events (each detection to at most one
// track, each track at most one detection), as Stone Soup's JPDA / JPDAwithEHM2 compute
// them. The work is done per independent cluster by jpda.h.

#include <vector>

#include "biac/base/status.h"
#include "biac/tracking/hypothesiser.h"
#include "biac/tracking/jpda.h"

namespace biac::tracking {

// Marginals in the layout of the hypotheses: probability[e] for entry e, missed[t] for
// track t; each track's probabilities sum to 1.
struct JpdaMarginals {
  std::vector<double> probability;
  std::vector<double> missed;
};

class JpdaAssociator {
 public:
  // weights: entries[e].score are likelihood ratios Pd N(z) / lambda, missed[t] = 1 - Pd Pg.
  Status Compute(const std::vector<int>& row_begin, const std::vector<HypothesisEntry>& entries,
                 const std::vector<double>& missed, int num_detections, JpdaMarginals& out);

 private:
  JpdaSolver solver_;
  std::vector<int> detections_;
  std::vector<double> weights_;
};

}  // namespace biac::tracking
