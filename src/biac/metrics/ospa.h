#pragma once

// Set distances between track estimates X (|X| = m) and truths Y (|Y| = n) at one time, and
// their series over time, with Stone Soup's definitions (stonesoup/metricgenerator/
// ospametric.py) so numbers can be compared. The base distance d is Euclidean on position
// (Stone Soup: Euclidean(mapping=position)); metres in, metres out.
//
// OSPA (Schuhmacher, Vo & Vo 2008, "A consistent metric for performance evaluation of
// multi-object filters"), cut-off c > 0, order 1 <= p <= inf, d_c = min(c, d), m <= n:
//   OSPA = ( (1/n) (min_pi sum_{i<=m} d_c(x_i, y_pi(i))^p + c^p (n - m)) )^(1/p),
// 0 when both sets are empty; for p = inf, min_pi max_i d_c(x_i, y_pi(i)) if m = n, else c.
// Departure from Stone Soup (deliberate, it follows the paper): Stone Soup's OSPAMetric picks
// the permutation that minimises sum d_c (not sum d_c^p), and for p = inf the max over that
// permutation (not the bottleneck minimum). For p = 1 (the recommended comparison setting)
// the two agree exactly; for other p Stone Soup's value can only be larger.
//
// GOSPA (Rahmathullah, Garcia-Fernandez & Svensson 2017, "Generalized optimal sub-pattern
// assignment metric"), alpha = 2 as in Stone Soup, c > 0, 1 <= p < inf:
//   GOSPA^p = min_gamma sum_{(i,j) in gamma} d(x_i, y_j)^p + (c^p / 2)(m + n - 2 |gamma|),
// over partial assignments gamma; pairs with d >= c are never better than leaving both free,
// and are reported as one missed truth and one false track. The decomposition is Stone Soup's:
// localisation = sum_gamma d^p, missed = (c^p/2) #missed truths, false = (c^p/2) #false
// tracks, all p-th power costs (not counts, not rooted); GOSPA = (loc + missed + false)^(1/p).
//
// Both are solved as one sparse assignment: truths are rows, tracks and one private "free"
// column per truth are columns, a pair with d < c costs d^p - c^p and a free column costs 0;
// the minimum plus the constant c^p n (OSPA) or (c^p/2)(m + n) (GOSPA) is the metric's p-th
// power.

#include <Eigen/Core>

#include <span>
#include <vector>

#include "biac/assignment/assignment.h"
#include "biac/base/status.h"
#include "biac/base/time.h"
#include "biac/metrics/trajectories.h"

namespace biac::metrics {

struct OspaOptions {
  double cutoff = 100.0;  // c, metres
  double order = 1.0;     // p, >= 1; +infinity allowed
  Status Validate() const;
};

struct GospaOptions {
  double cutoff = 100.0;  // c, metres
  double order = 1.0;     // p, 1 <= p < infinity
  // Weight of the track-switching term (Stone Soup's switching_penalty; 0 disables it).
  double switching_penalty = 0.0;
  Status Validate() const;
};

struct GospaComponents {
  // sqrt(gospa^2 + switching^2); the plain GOSPA value when switching_penalty is 0.
  double distance = 0.0;
  double localisation = 0.0;  // sum of d^p over assigned pairs
  double missed = 0.0;        // (c^p / 2) * number of missed truths
  double false_tracks = 0.0;  // (c^p / 2) * number of false tracks
  double switching = 0.0;     // switching_penalty * (sum of switch weights)^(1/p)
};

// Scratch space for the single-time functions; reuse one to avoid allocation.
struct SetDistanceWorkspace {
  assignment::SparseCostMatrix costs;
  assignment::Solution solution;
  assignment::Workspace assignment;
  std::vector<double> entry_power;  // d^p of each sparse entry
  std::vector<double> distances;    // pair distances below c (OSPA with p = inf)
  std::vector<int> by_x;            // track indices sorted by x, to scan only |dx| < c
};

Result<double> Ospa(std::span<const Eigen::Vector3d> tracks,
                    std::span<const Eigen::Vector3d> truths, const OspaOptions& options,
                    SetDistanceWorkspace& workspace);

// GOSPA without the switching term (components.switching = 0, distance = GOSPA). If
// truth_to_track is given, it receives for each truth the index of its track in `tracks`, or
// assignment::kUnassigned for a missed truth.
Result<GospaComponents> Gospa(std::span<const Eigen::Vector3d> tracks,
                              std::span<const Eigen::Vector3d> truths, const GospaOptions& options,
                              SetDistanceWorkspace& workspace,
                              std::vector<int>* truth_to_track = nullptr);

struct OspaAtTime {
  Timestamp time;
  double distance = 0.0;
};
struct OspaSeries {
  std::vector<OspaAtTime> per_time;
  double mean = 0.0;  // arithmetic mean over per_time (0 when empty)
};

struct GospaAtTime {
  Timestamp time;
  GospaComponents value;
};
struct GospaSeries {
  std::vector<GospaAtTime> per_time;
  GospaComponents mean;  // component-wise arithmetic mean over per_time
};

// The metric at every time of the union of track and truth times, with one state per id per
// time (Stone Soup's compute_over_time).
Result<OspaSeries> OspaOverTime(const Trajectories& tracks, const Trajectories& truths,
                                const OspaOptions& options);

// As OspaOverTime, plus the switching term of Stone Soup's _SwitchingLoss (after MATLAB's
// trackGOSPAMetric): at each time, every truth whose assigned track id differs from its last
// recorded one adds 0.5, or 1.0 when it moves from one track to another; a truth seen first,
// or first seen unassigned, adds nothing. As in Stone Soup, a time at which either set is
// empty records no assignment (switching 0 there, history unchanged).
Result<GospaSeries> GospaOverTime(const Trajectories& tracks, const Trajectories& truths,
                                  const GospaOptions& options);

}  // namespace biac::metrics
