#pragma once

// Sigma-point Kalman filters: the unscented Kalman filter (Julier & Uhlmann 1997; the scaled
// unscented transform of Julier 2002 and Wan & van der Merwe 2000) and the cubature Kalman
// filter (Arasaratnam & Haykin 2009, "Cubature Kalman filters", IEEE Trans. AC 54(6)).
//
// Scaled unscented transform of N(x, P), n = dim x, with L L' = P:
//   c = alpha^2 (n + kappa),  lambda = c - n
//   points   X_0 = x,  X_i = x + sqrt(c) L_i,  X_{n+i} = x - sqrt(c) L_i   (i = 1..n)
//   mean weights        W_0 = lambda / c,  W_i = 1 / (2c)
//   covariance weights  W_0 + (1 - alpha^2 + beta),  W_i
// Defaults are Stone Soup's UnscentedKalmanPredictor/Updater: alpha = 0.5, beta = 2 (optimal
// for Gaussian priors), kappa = 3 - n. With these c = 0.75 for every n and W_0 < 0 once n > 3;
// the transform is still exact for linear functions, so the UKF equals the Kalman filter on
// linear models.
//
// The cubature rule (third-degree spherical-radial) is the same transform with alpha = 1,
// beta = 0, kappa = 0: c = n, W_0 = 0 and W_i = 1/(2n), i.e. the 2n points x +- sqrt(n) L_i
// with equal weights; CubatureKalman uses that.
//
// Process and measurement noise are additive (Stone Soup's covar_noise): Q and R are added to
// the transformed covariances. Means of measurement sigma points are formed as
// Y_0 + sum W_i Residual(Y_i, Y_0) and spreads as Residual(Y_i, y^), so a bearing that wraps
// across +-pi between sigma points averages correctly (the mean may then lie outside (-pi, pi]
// by less than the spread; every use of it goes through Residual).
//
// Covariance square roots use Cholesky; a covariance that is only semi-definite (a component
// with zero variance) falls back to a pivoted LDL' root with negative pivots clamped to zero.
// Everything is fixed-size: no allocation per call.

#include <optional>

#include "biac/estimation/kalman.h"
#include "biac/estimation/types.h"

namespace biac::estimation {

struct UnscentedParams {
  double alpha = 0.5;
  double beta = 2.0;
  std::optional<double> kappa;  // unset: 3 - n
};

template <int N>
struct SigmaPoints {
  static constexpr int kCount = 2 * N + 1;
  Matrix<N, kCount> points;
  Vector<kCount> mean_weights;
  Vector<kCount> covariance_weights;
};

// A square root S of a symmetric positive semi-definite P (S S' = P).
template <int N>
SquareMatrix<N> CovarianceSquareRoot(const SquareMatrix<N>& p) {
  const Eigen::LLT<SquareMatrix<N>> llt(p);
  if (llt.info() == Eigen::Success) return llt.matrixL();
  // Eigen's LDLT: P = T' L D L' T with T a permutation, so S = T' L sqrt(D).
  const Eigen::LDLT<SquareMatrix<N>> ldlt(p);
  const SquareMatrix<N> l = ldlt.matrixL();
  const Vector<N> root_d = ldlt.vectorD().cwiseMax(0.0).cwiseSqrt();
  SquareMatrix<N> s = l * root_d.asDiagonal();
  return ldlt.transpositionsP().transpose() * s;
}

template <int N>
SigmaPoints<N> UnscentedSigmaPoints(const Gaussian<N>& state, const UnscentedParams& params) {
  const double kappa = params.kappa.value_or(3.0 - N);
  const double alpha2 = params.alpha * params.alpha;
  const double c = alpha2 * (N + kappa);
  const double lambda = c - N;
  const SquareMatrix<N> spread = std::sqrt(c) * CovarianceSquareRoot(state.covariance);
  SigmaPoints<N> out;
  out.points.col(0) = state.mean;
  for (int i = 0; i < N; ++i) {
    out.points.col(1 + i) = state.mean + spread.col(i);
    out.points.col(1 + N + i) = state.mean - spread.col(i);
  }
  out.mean_weights.setConstant(0.5 / c);
  out.mean_weights(0) = lambda / c;
  out.covariance_weights = out.mean_weights;
  out.covariance_weights(0) += 1.0 - alpha2 + params.beta;
  return out;
}

inline constexpr UnscentedParams kCubatureParams{1.0, 0.0, 0.0};

// Sigma points propagated through a motion model: mean and covariance of f(X), plus Q.
template <typename Motion, int N>
Gaussian<N> SigmaPointPredict(const Motion& motion, const SigmaPoints<N>& sigma, double dt) {
  constexpr int kCount = SigmaPoints<N>::kCount;
  Matrix<N, kCount> y;
  for (int i = 0; i < kCount; ++i) y.col(i) = motion.Apply(sigma.points.col(i), dt);
  Gaussian<N> out;
  out.mean.noalias() = y * sigma.mean_weights;
  const Matrix<N, kCount> deviations = y.colwise() - out.mean;
  out.covariance.noalias() =
      deviations * sigma.covariance_weights.asDiagonal() * deviations.transpose();
  out.covariance += motion.ProcessNoise(dt);
  return out;
}

// Sigma points propagated through a measurement model: predicted measurement, innovation
// covariance (plus R) and state-measurement cross-covariance.
template <typename Measurement, int N, int M = Measurement::kMeasDim>
MeasurementPrediction<N, M> SigmaPointPredictMeasurement(const Measurement& measurement,
                                                         const Gaussian<N>& prediction,
                                                         const SigmaPoints<N>& sigma) {
  constexpr int kCount = SigmaPoints<N>::kCount;
  Matrix<M, kCount> y;
  for (int i = 0; i < kCount; ++i) y.col(i) = measurement.Apply(sigma.points.col(i));
  Vector<M> offset = Vector<M>::Zero();
  for (int i = 1; i < kCount; ++i) {
    offset += sigma.mean_weights(i) *
              MeasurementResidual(measurement, Vector<M>(y.col(i)), Vector<M>(y.col(0)));
  }
  MeasurementPrediction<N, M> out;
  // sum W_i = 1, so the mean is Y_0 + sum_{i>0} W_i (Y_i - Y_0).
  out.mean = y.col(0) + offset;
  Matrix<M, kCount> deviations;
  for (int i = 0; i < kCount; ++i) {
    deviations.col(i) = MeasurementResidual(measurement, Vector<M>(y.col(i)), out.mean);
  }
  const Matrix<N, kCount> state_deviations = sigma.points.colwise() - prediction.mean;
  out.covariance.noalias() =
      deviations * sigma.covariance_weights.asDiagonal() * deviations.transpose();
  out.covariance += measurement.Noise();
  out.cross_covariance.noalias() =
      state_deviations * sigma.covariance_weights.asDiagonal() * deviations.transpose();
  return out;
}

template <typename Motion, int N = Motion::kStateDim>
Gaussian<N> UnscentedKalmanPredict(const Motion& motion, const Gaussian<N>& prior, double dt,
                                   const UnscentedParams& params = {}) {
  return SigmaPointPredict(motion, UnscentedSigmaPoints(prior, params), dt);
}

template <typename Measurement, int N = Measurement::kStateDim, int M = Measurement::kMeasDim>
MeasurementPrediction<N, M> UnscentedKalmanPredictMeasurement(const Measurement& measurement,
                                                              const Gaussian<N>& prediction,
                                                              const UnscentedParams& params = {}) {
  return SigmaPointPredictMeasurement(measurement, prediction,
                                      UnscentedSigmaPoints(prediction, params));
}

template <typename Motion, int N = Motion::kStateDim>
Gaussian<N> CubatureKalmanPredict(const Motion& motion, const Gaussian<N>& prior, double dt) {
  return SigmaPointPredict(motion, UnscentedSigmaPoints(prior, kCubatureParams), dt);
}

template <typename Measurement, int N = Measurement::kStateDim, int M = Measurement::kMeasDim>
MeasurementPrediction<N, M> CubatureKalmanPredictMeasurement(const Measurement& measurement,
                                                             const Gaussian<N>& prediction) {
  return SigmaPointPredictMeasurement(measurement, prediction,
                                      UnscentedSigmaPoints(prediction, kCubatureParams));
}

// Policy objects for IMM banks and generic trackers; updates are KalmanUpdate(measurement,...).
struct UnscentedKalman {
  UnscentedParams params;
  template <typename Motion, int N>
  Gaussian<N> Predict(const Motion& motion, const Gaussian<N>& prior, double dt) const {
    return UnscentedKalmanPredict(motion, prior, dt, params);
  }
  template <typename Measurement, int N>
  MeasurementPrediction<N, Measurement::kMeasDim> PredictMeasurement(
      const Measurement& measurement, const Gaussian<N>& prediction) const {
    return UnscentedKalmanPredictMeasurement(measurement, prediction, params);
  }
};

struct CubatureKalman {
  template <typename Motion, int N>
  Gaussian<N> Predict(const Motion& motion, const Gaussian<N>& prior, double dt) const {
    return CubatureKalmanPredict(motion, prior, dt);
  }
  template <typename Measurement, int N>
  MeasurementPrediction<N, Measurement::kMeasDim> PredictMeasurement(
      const Measurement& measurement, const Gaussian<N>& prediction) const {
    return CubatureKalmanPredictMeasurement(measurement, prediction);
  }
};

}  // namespace biac::estimation
