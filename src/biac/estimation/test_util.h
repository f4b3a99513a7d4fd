#pragma once

// Helpers shared by the estimation tests: finite-difference Jacobians and the Van Loan
// discretisation used as an independent reference for linear motion models.

#include <unsupported/Eigen/MatrixFunctions>

#include <algorithm>
#include <cmath>
#include <utility>

#include "biac/estimation/types.h"

namespace biac::estimation::testing {

// Central-difference Jacobian of f: R^N -> R^M at x, step h * max(1, |x_i|).
template <int M, int N, typename F>
Matrix<M, N> NumericJacobian(F f, const Vector<N>& x, double h = 1e-6) {
  Matrix<M, N> out;
  for (int i = 0; i < N; ++i) {
    const double step = h * std::max(1.0, std::abs(x(i)));
    Vector<N> plus = x;
    Vector<N> minus = x;
    plus(i) += step;
    minus(i) -= step;
    out.col(i) = (f(plus) - f(minus)) / (2.0 * step);
  }
  return out;
}

// Van Loan (1978): for dx = A x dt + dW with E[dW dW'] = Qc dt, expm([[-A, Qc], [0, A']] t)
// = [[., M12], [0, M22]] gives F = M22' and Q = F M12 exactly.
template <int N>
std::pair<SquareMatrix<N>, SquareMatrix<N>> VanLoan(const SquareMatrix<N>& a,
                                                    const SquareMatrix<N>& qc, double t) {
  Eigen::Matrix<double, 2 * N, 2 * N> m = Eigen::Matrix<double, 2 * N, 2 * N>::Zero();
  m.template topLeftCorner<N, N>() = -a * t;
  m.template topRightCorner<N, N>() = qc * t;
  m.template bottomRightCorner<N, N>() = a.transpose() * t;
  const Eigen::Matrix<double, 2 * N, 2 * N> e = m.exp();
  const SquareMatrix<N> f = e.template bottomRightCorner<N, N>().transpose();
  const SquareMatrix<N> q = f * e.template topRightCorner<N, N>();
  return {f, q};
}

// max |a_ij - b_ij| / sqrt(|b_ii b_jj|) (with a floor), a scale-free covariance comparison.
template <int N>
double CovarianceError(const SquareMatrix<N>& a, const SquareMatrix<N>& b) {
  double worst = 0.0;
  for (int i = 0; i < N; ++i) {
    for (int j = 0; j < N; ++j) {
      const double scale = std::sqrt(std::abs(b(i, i) * b(j, j))) + 1e-300;
      worst = std::max(worst, std::abs(a(i, j) - b(i, j)) / scale);
    }
  }
  return worst;
}

}  // namespace biac::estimation::testing
