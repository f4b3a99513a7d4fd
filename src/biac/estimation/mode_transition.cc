#include "biac/estimation/mode_transition.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace biac::estimation {

namespace {

constexpr double kRowSumTolerance = 1e-9;

std::string Shape(const Eigen::Ref<const Eigen::MatrixXd>& m) {
  return std::to_string(m.rows()) + "x" + std::to_string(m.cols());
}

}  // namespace

Status ValidateModeGenerator(const Eigen::Ref<const Eigen::MatrixXd>& generator) {
  if (generator.rows() != generator.cols() || generator.rows() == 0) {
    return InvalidArgument("mode generator: must be square and non-empty, is " + Shape(generator));
  }
  if (!generator.allFinite()) return InvalidArgument("mode generator: has a non-finite rate");
  const double scale = std::max(generator.cwiseAbs().maxCoeff(), 1.0);
  for (Eigen::Index i = 0; i < generator.rows(); ++i) {
    for (Eigen::Index j = 0; j < generator.cols(); ++j) {
      if (i != j && generator(i, j) < 0.0) {
        return InvalidArgument("mode generator: rate from mode " + std::to_string(i) + " to mode " +
                               std::to_string(j) + " is negative (" +
                               std::to_string(generator(i, j)) + " 1/s)");
      }
    }
    const double sum = generator.row(i).sum();
    if (std::abs(sum) > kRowSumTolerance * scale) {
      return InvalidArgument("mode generator: row " + std::to_string(i) + " sums to " +
                             std::to_string(sum) + ", must sum to zero");
    }
  }
  return Status::Ok();
}

Status ValidateModeTransitionMatrix(const Eigen::Ref<const Eigen::MatrixXd>& matrix) {
  if (matrix.rows() != matrix.cols() || matrix.rows() == 0) {
    return InvalidArgument("mode transition matrix: must be square and non-empty, is " +
                           Shape(matrix));
  }
  for (Eigen::Index i = 0; i < matrix.rows(); ++i) {
    for (Eigen::Index j = 0; j < matrix.cols(); ++j) {
      if (!(matrix(i, j) >= 0.0 && matrix(i, j) <= 1.0)) {
        return InvalidArgument("mode transition matrix: entry (" + std::to_string(i) + ", " +
                               std::to_string(j) + ") = " + std::to_string(matrix(i, j)) +
                               " is not a probability");
      }
    }
    const double sum = matrix.row(i).sum();
    if (std::abs(sum - 1.0) > kRowSumTolerance) {
      return InvalidArgument("mode transition matrix: row " + std::to_string(i) + " sums to " +
                             std::to_string(sum) + ", must sum to one");
    }
  }
  return Status::Ok();
}

}  // namespace biac::estimation
