#include "biac/metrics/error_statistics.h"

#include <Eigen/Cholesky>

#include <cmath>
#include <limits>
#include <string>

#include "biac/metrics/chi_square.h"

namespace biac::metrics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Status CheckStep(int step, int num_steps, const char* who) {
  if (step < 0 || step >= num_steps) {
    return OutOfRange(std::string(who) + ": step " + std::to_string(step) + " outside [0, " +
                      std::to_string(num_steps) + ")");
  }
  return Status::Ok();
}

}  // namespace

Status RmseAccumulator::Add(int step, const Eigen::Ref<const Eigen::VectorXd>& error) {
  BIAC_RETURN_IF_ERROR(CheckStep(step, num_steps(), "RmseAccumulator"));
  if (!error.allFinite()) {
    return InvalidArgument("RmseAccumulator: non-finite error at step " + std::to_string(step));
  }
  sum_squares_[step] += error.squaredNorm();
  ++count_[step];
  return Status::Ok();
}

double RmseAccumulator::Rmse(int step) const {
  if (count_[step] == 0) return kNaN;
  return std::sqrt(sum_squares_[step] / count_[step]);
}

std::vector<double> RmseAccumulator::RmseSeries() const {
  std::vector<double> out(num_steps());
  for (int k = 0; k < num_steps(); ++k) out[k] = Rmse(k);
  return out;
}

Status NeesAccumulator::Add(int step, const Eigen::Ref<const Eigen::VectorXd>& error,
                            const Eigen::Ref<const Eigen::MatrixXd>& covariance) {
  BIAC_RETURN_IF_ERROR(CheckStep(step, num_steps(), "NeesAccumulator"));
  const int n = static_cast<int>(error.size());
  if (n == 0 || covariance.rows() != n || covariance.cols() != n) {
    return InvalidArgument("NeesAccumulator: error of size " + std::to_string(n) + " with a " +
                           std::to_string(covariance.rows()) + "x" +
                           std::to_string(covariance.cols()) + " covariance at step " +
                           std::to_string(step));
  }
  if (dimension_ != 0 && n != dimension_) {
    return InvalidArgument("NeesAccumulator: error of size " + std::to_string(n) +
                           " after errors of size " + std::to_string(dimension_));
  }
  if (!error.allFinite() || !covariance.allFinite()) {
    return InvalidArgument("NeesAccumulator: non-finite input at step " + std::to_string(step));
  }
  const Eigen::LLT<Eigen::MatrixXd> llt(covariance);
  if (llt.info() != Eigen::Success) {
    return InvalidArgument("NeesAccumulator: covariance at step " + std::to_string(step) +
                           " is not positive definite");
  }
  // e' P^-1 e = |L^-1 e|^2 with P = L L'.
  const Eigen::VectorXd whitened = llt.matrixL().solve(error);
  dimension_ = n;
  sum_[step] += whitened.squaredNorm();
  ++count_[step];
  return Status::Ok();
}

double NeesAccumulator::AverageNees(int step) const {
  if (count_[step] == 0) return kNaN;
  return sum_[step] / count_[step];
}

std::vector<double> NeesAccumulator::AverageNeesSeries() const {
  std::vector<double> out(num_steps());
  for (int k = 0; k < num_steps(); ++k) out[k] = AverageNees(k);
  return out;
}

Result<ConsistencyBand> NeesBand(int num_runs, int dimension, double probability) {
  if (num_runs < 1 || dimension < 1) {
    return InvalidArgument("NeesBand: " + std::to_string(num_runs) + " runs of dimension " +
                           std::to_string(dimension));
  }
  if (!(probability > 0.0 && probability < 1.0)) {
    return InvalidArgument("NeesBand: probability " + std::to_string(probability) +
                           " is not in (0, 1)");
  }
  const double dof = static_cast<double>(num_runs) * dimension;
  BIAC_ASSIGN_OR_RETURN(const double lower, ChiSquareQuantile((1.0 - probability) / 2.0, dof));
  BIAC_ASSIGN_OR_RETURN(const double upper, ChiSquareQuantile((1.0 + probability) / 2.0, dof));
  return ConsistencyBand{lower / num_runs, upper / num_runs};
}

}  // namespace biac::metrics
