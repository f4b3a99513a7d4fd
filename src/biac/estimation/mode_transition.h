#pragma once

// Markov mode-switching probabilities for the IMM. Row i of the matrix holds the
// probabilities of switching from mode i to each mode over one step: Pi_ij = P(m_k = j |
// m_{k-1} = i), rows summing to one.
//
// With irregular sampling the per-step matrix must depend on the interval. A continuous-time
// Markov chain with generator A (off-diagonal rates a_ij >= 0 in 1/s, rows summing to zero)
// gives, exactly, Pi(dt) = expm(A dt); the mean sojourn time in mode i is -1/a_ii. A fixed
// matrix can be given for data at a regular rate; it is then used whatever dt is.

#include <unsupported/Eigen/MatrixFunctions>

#include <cmath>

#include "biac/base/status.h"
#include "biac/estimation/types.h"

namespace biac::estimation {

// Ok when `generator` is square with off-diagonals >= 0 and rows summing to zero (to 1e-9 of
// the largest rate); otherwise names the offending row.
Status ValidateModeGenerator(const Eigen::Ref<const Eigen::MatrixXd>& generator);
// Ok when `matrix` is square with entries in [0, 1] and rows summing to one (to 1e-9).
Status ValidateModeTransitionMatrix(const Eigen::Ref<const Eigen::MatrixXd>& matrix);

template <int K>
class ModeTransition {
 public:
  // A continuous-time generator A (1/s): Matrix(dt) = expm(A |dt|).
  static Result<ModeTransition> FromGenerator(const SquareMatrix<K>& generator) {
    if (Status status = ValidateModeGenerator(generator); !status.ok()) return status;
    return ModeTransition(generator, /*continuous=*/true);
  }
  // A fixed per-step matrix, used for every dt.
  static Result<ModeTransition> FromMatrix(const SquareMatrix<K>& per_step) {
    if (Status status = ValidateModeTransitionMatrix(per_step); !status.ok()) return status;
    return ModeTransition(per_step, /*continuous=*/false);
  }

  bool continuous() const { return continuous_; }
  // The generator (continuous) or the fixed per-step matrix.
  const SquareMatrix<K>& matrix() const { return matrix_; }

  // Pi(dt), rows summing to one. A negative dt is taken as |dt|.
  SquareMatrix<K> Matrix(double dt) const {
    if (!continuous_) return matrix_;
    const SquareMatrix<K> scaled = matrix_ * std::abs(dt);
    return scaled.exp();
  }

 private:
  ModeTransition(const SquareMatrix<K>& matrix, bool continuous)
      : matrix_(matrix), continuous_(continuous) {}

  SquareMatrix<K> matrix_;
  bool continuous_;
};

}  // namespace biac::estimation
