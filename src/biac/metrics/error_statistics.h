#pragma once

// Monte Carlo error statistics per time step (Bar-Shalom, Li & Kirubarajan 2001, "Estimation
// with Applications to Tracking and Navigation", sections 3.7 and 5.4; MATLAB's
// trackErrorMetrics). A step k collects one error vector e = estimate - truth per run.
//
//   RMSE(k)  = sqrt( (1/R) sum_r |e_r(k)|^2 ),  e.g. over the position (m) or velocity (m/s)
//              components of the state.
//   NEES(k)  = (1/R) sum_r e_r(k)' P_r(k)^-1 e_r(k)  (the average normalised estimation error
//              squared), with P the filter's covariance of the same components.
// For a consistent filter R * NEES(k) is chi-square with R * n degrees of freedom (n the
// dimension of e), so the two-sided band at probability q is
//   [ chi2inv((1-q)/2, R n) / R,  chi2inv((1+q)/2, R n) / R ],
// which NeesBand() returns.

#include <Eigen/Core>

#include <vector>

#include "biac/base/status.h"

namespace biac::metrics {

class RmseAccumulator {
 public:
  explicit RmseAccumulator(int num_steps) : sum_squares_(num_steps, 0.0), count_(num_steps, 0) {}

  // Adds one run's error at step; InvalidArgument for a step out of range or a non-finite
  // error.
  Status Add(int step, const Eigen::Ref<const Eigen::VectorXd>& error);

  int num_steps() const { return static_cast<int>(count_.size()); }
  int count(int step) const { return count_[step]; }
  // NaN at a step with no runs.
  double Rmse(int step) const;
  std::vector<double> RmseSeries() const;

 private:
  std::vector<double> sum_squares_;
  std::vector<int> count_;
};

class NeesAccumulator {
 public:
  explicit NeesAccumulator(int num_steps) : sum_(num_steps, 0.0), count_(num_steps, 0) {}

  // Adds e' P^-1 e (by Cholesky). InvalidArgument if the step is out of range, the sizes
  // disagree (with each other or with earlier calls) or P is not positive definite.
  Status Add(int step, const Eigen::Ref<const Eigen::VectorXd>& error,
             const Eigen::Ref<const Eigen::MatrixXd>& covariance);

  int num_steps() const { return static_cast<int>(count_.size()); }
  int count(int step) const { return count_[step]; }
  int dimension() const { return dimension_; }
  // The average NEES over the runs at step; NaN with no runs.
  double AverageNees(int step) const;
  std::vector<double> AverageNeesSeries() const;

 private:
  std::vector<double> sum_;
  std::vector<int> count_;
  int dimension_ = 0;
};

struct ConsistencyBand {
  double lower = 0.0;
  double upper = 0.0;
};

// The two-sided band of the average NEES over num_runs runs of a dimension-n error, at
// probability (default 0.95).
Result<ConsistencyBand> NeesBand(int num_runs, int dimension, double probability = 0.95);

}  // namespace biac::metrics
