#pragma once

// Exact JPDA marginal association probabilities (Fortmann, Bar-Shalom & Scheffe 1983, "Sonar
// tracking of multiple targets using joint probabilistic data association").
//
// Input, per track t: the weight m_t of "t is not detected" (Stone Soup's PDAHypothesiser:
// 1 - Pd Pg) and, for each gated detection j, the weight L_tj = Pd N(z_j; z^_t, S_t) / lambda
// (lambda the clutter density). A joint event assigns each track one detection or none,
// using each detection at most once; its probability is proportional to the product of the
// chosen weights (m_t for a track without a detection). The output is, per track, the
// marginal probability of "missed" and of each gated detection; each track's sum is 1. These
// are the numbers of Stone Soup's JPDA and JPDAwithEHM2 data associators.
//
// Method: tracks linked by shared detections (with positive weight) form independent
// clusters (union-find). A cluster of one track is the PDA closed form
//   beta_0 = m / (m + sum_j L_j),  beta_j = L_j / (m + sum_j L_j).
// Larger clusters use efficient hypothesis management (Maskell, Briers & Wright 2004,
// "Fast mutual exclusion"; Horridge & Maskell 2006, "Real-time tracking of hundreds of
// targets with efficient exact JPDAF implementation", the EHM2 net): tracks are taken in a
// breadth-first order; a node after k tracks is keyed by the set of detections used so far
// that a later track can still use, so events that agree on that set share one node. The
// marginals follow from forward and backward sums over the net, cost proportional to its
// edges (polynomial for the usual sparse clusters; exponential only in the number of
// detections shared across the cut between earlier and later tracks).
//
// Numerics: each track's weights are divided by that track's largest weight and every layer
// of the forward and backward sums by its largest value; both cancel in the per-track
// normalisation, so likelihoods near the underflow limit (1e-300) are fine as long as they
// are not 0. A weight of 0 means the pairing is impossible.
//
// Ownership: a JpdaSolver keeps its scratch space; reuse one per thread so that a warm call
// with a similar problem allocates nothing.

#include <cstdint>
#include <span>
#include <vector>

#include "biac/base/status.h"

namespace biac::tracking {

// Compressed rows: the entries of track t are [row_begin[t], row_begin[t + 1]).
struct JpdaProblem {
  std::span<const int> row_begin;   // num_tracks + 1 offsets, row_begin[0] = 0
  std::span<const int> detections;  // per entry: detection index in [0, num_detections)
  std::span<const double> weights;  // per entry: L_tj >= 0
  std::span<const double> missed;   // per track: m_t >= 0
  int num_detections = 0;

  int num_tracks() const { return static_cast<int>(missed.size()); }
};

// Sizes of the last Compute(), for benchmarks and diagnostics.
struct JpdaStatistics {
  int num_clusters = 0;     // clusters of two or more tracks
  int largest_cluster = 0;  // tracks in the largest cluster
  int64_t num_nodes = 0;    // EHM nodes over all clusters
  int64_t num_edges = 0;    // EHM edges over all clusters
};

class JpdaSolver {
 public:
  // Fills entry_probability (one per entry) and missed_probability (one per track).
  // InvalidArgument for malformed input (sizes, a detection out of range or repeated in one
  // row, negative or non-finite weights); FailedPrecondition when some cluster has no joint
  // event of positive weight (e.g. a track with m_t = 0 and no usable detection).
  Status Compute(const JpdaProblem& problem, std::vector<double>& entry_probability,
                 std::vector<double>& missed_probability);

  const JpdaStatistics& statistics() const { return statistics_; }

 private:
  void BuildClusters(const JpdaProblem& problem);
  Status SolveCluster(const JpdaProblem& problem, std::span<const int> tracks,
                      std::vector<double>& entry_probability,
                      std::vector<double>& missed_probability);
  int FindOrInsertNode(const uint64_t* key);
  void RehashLayer();

  JpdaStatistics statistics_;
  // Clustering.
  std::vector<int> parent_;           // union-find over tracks
  std::vector<int> detection_owner_;  // per detection: first track using it, or -1
  std::vector<int> cluster_begin_;    // CSR of clusters over cluster_tracks_
  std::vector<int> cluster_tracks_;
  std::vector<int> cluster_of_root_;
  std::vector<int> detection_begin_;  // CSR detection -> tracks (positive weights)
  std::vector<int> detection_tracks_;
  std::vector<int> order_;  // breadth-first track order of one cluster
  std::vector<char> visited_;
  // One cluster's EHM net.
  std::vector<int> local_detection_;  // per detection: index within the cluster, or -1
  std::vector<int> cluster_detections_;
  std::vector<int> last_use_;   // per local detection: last position that gates it
  std::vector<uint64_t> drop_;  // per position: detections whose last use it is
  std::vector<double> scale_;   // per position: 1 / largest weight of that track
  std::vector<uint64_t> node_keys_;
  std::vector<double> forward_;
  std::vector<double> backward_;
  std::vector<int> node_slot_;
  std::vector<int> layer_begin_;
  std::vector<int> edge_parent_;
  std::vector<int> edge_child_;
  std::vector<int> edge_entry_;  // entry index, or -1 for the missed option
  std::vector<double> edge_weight_;
  std::vector<int> edge_layer_begin_;
  std::vector<uint64_t> scratch_key_;
  std::vector<int> table_;  // open addressing over the nodes of one layer
  int words_ = 1;           // 64-bit words per key
  int layer_first_node_ = 0;
};

// Enumerates every joint event; for tests on small problems. Same contract as Compute.
Status JpdaBruteForce(const JpdaProblem& problem, std::vector<double>& entry_probability,
                      std::vector<double>& missed_probability);

}  // namespace biac::tracking
