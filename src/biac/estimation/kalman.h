#pragma once

// The linear Kalman filter (Kalman 1960; Bar-Shalom, Li, Kirubarajan 2001, §5.2), as three
// steps so that a tracker can gate on the measurement prediction before it updates:
//   predict:              x' = F x,  P' = F P F' + Q
//   predict measurement:  z^ = H x',  S = H P' H' + R,  C = P' H'
//   update:               K = C S^-1,  x = x' + K (z - z^),  P = P' - K S K'
// The covariance update is Stone Soup's form (P' - K S K'), kept so numbers match it; the
// Joseph form is available for models where round-off matters.
//
// Models are duck-typed: a linear motion model has TransitionMatrix(dt), ProcessNoise(dt);
// a linear measurement model has MeasurementMatrix(), Noise(), Apply(x). A measurement model
// with angular components also has Residual(z, zhat), which wraps them to (-pi, pi]; every
// update and distance below that takes the measurement model uses it (MeasurementResidual).
// The overloads without a measurement model subtract plainly and are right only for models
// without angles.

#include <cmath>
#include <numbers>

#include "biac/estimation/types.h"

namespace biac::estimation {

// z - zhat through the model's Residual hook when it has one, plain subtraction otherwise.
template <typename Measurement, int M>
Vector<M> MeasurementResidual(const Measurement& measurement, const Vector<M>& z,
                              const Vector<M>& zhat) {
  if constexpr (requires { measurement.Residual(z, zhat); }) {
    return measurement.Residual(z, zhat);
  } else {
    return z - zhat;
  }
}

template <typename Motion, int N = Motion::kStateDim>
Gaussian<N> KalmanPredict(const Motion& motion, const Gaussian<N>& prior, double dt) {
  const SquareMatrix<N> f = motion.TransitionMatrix(dt);
  Gaussian<N> out;
  out.mean.noalias() = f * prior.mean;
  out.covariance.noalias() = f * prior.covariance * f.transpose();
  out.covariance += motion.ProcessNoise(dt);
  return out;
}

template <typename Measurement, int N = Measurement::kStateDim, int M = Measurement::kMeasDim>
MeasurementPrediction<N, M> KalmanPredictMeasurement(const Measurement& measurement,
                                                     const Gaussian<N>& prediction) {
  const Matrix<M, N>& h = measurement.MeasurementMatrix();
  MeasurementPrediction<N, M> out;
  out.mean.noalias() = h * prediction.mean;
  out.cross_covariance.noalias() = prediction.covariance * h.transpose();
  out.covariance.noalias() = h * out.cross_covariance;
  out.covariance += measurement.Noise();
  return out;
}

// The update shared by the whole Kalman family: given any measurement prediction (linear,
// extended or sigma-point), condition the prediction on the measurement z.
template <int N, int M>
Gaussian<N> KalmanUpdate(const Gaussian<N>& prediction, const MeasurementPrediction<N, M>& mp,
                         const Vector<M>& z) {
  // K = C S^-1, computed as (S^-1 C')' with a Cholesky solve (S is symmetric positive).
  const Matrix<N, M> gain = mp.covariance.llt().solve(mp.cross_covariance.transpose()).transpose();
  Gaussian<N> out;
  out.mean = prediction.mean + gain * (z - mp.mean);
  out.covariance = prediction.covariance - gain * mp.covariance * gain.transpose();
  return out;
}

// KalmanUpdate with the innovation taken through the measurement model's Residual (angles
// wrapped); the update to use with any model that has angular components.
template <typename Measurement, int N, int M>
Gaussian<N> KalmanUpdate(const Measurement& measurement, const Gaussian<N>& prediction,
                         const MeasurementPrediction<N, M>& mp, const Vector<M>& z) {
  const Matrix<N, M> gain = mp.covariance.llt().solve(mp.cross_covariance.transpose()).transpose();
  Gaussian<N> out;
  out.mean = prediction.mean + gain * MeasurementResidual(measurement, z, mp.mean);
  out.covariance = prediction.covariance - gain * mp.covariance * gain.transpose();
  return out;
}

// Joseph-form update, P = (I - K H) P' (I - K H)' + K R K', which stays symmetric positive
// semi-definite under round-off; for linear measurement models.
template <typename Measurement, int N = Measurement::kStateDim, int M = Measurement::kMeasDim>
Gaussian<N> KalmanUpdateJoseph(const Measurement& measurement, const Gaussian<N>& prediction,
                               const MeasurementPrediction<N, M>& mp, const Vector<M>& z) {
  const Matrix<N, M> gain = mp.covariance.llt().solve(mp.cross_covariance.transpose()).transpose();
  const SquareMatrix<N> a = SquareMatrix<N>::Identity() - gain * measurement.MeasurementMatrix();
  Gaussian<N> out;
  out.mean = prediction.mean + gain * MeasurementResidual(measurement, z, mp.mean);
  out.covariance =
      a * prediction.covariance * a.transpose() + gain * measurement.Noise() * gain.transpose();
  return out;
}

// Squared Mahalanobis distance of z from a measurement prediction: (z - z^)' S^-1 (z - z^).
template <int N, int M>
double SquaredMahalanobis(const MeasurementPrediction<N, M>& mp, const Vector<M>& z) {
  const Vector<M> innovation = z - mp.mean;
  return innovation.dot(mp.covariance.llt().solve(innovation));
}

// The same with the innovation through the model's Residual (angles wrapped).
template <typename Measurement, int N, int M>
double SquaredMahalanobis(const Measurement& measurement, const MeasurementPrediction<N, M>& mp,
                          const Vector<M>& z) {
  const Vector<M> innovation = MeasurementResidual(measurement, z, mp.mean);
  return innovation.dot(mp.covariance.llt().solve(innovation));
}

// The same against a predicted-measurement density (e.g. an IMM's combined prediction).
template <typename Measurement, int M>
double SquaredMahalanobis(const Measurement& measurement, const Gaussian<M>& predicted,
                          const Vector<M>& z) {
  const Vector<M> innovation = MeasurementResidual(measurement, z, predicted.mean);
  return innovation.dot(predicted.covariance.llt().solve(innovation));
}

// log N(innovation; 0, S) = -(d^2 + log det S + M log 2 pi) / 2, with the innovation through
// the model's Residual; the measurement likelihood that IMM mode probabilities and PDA/JPDA
// association weights use.
template <typename Measurement, int N, int M>
double LogLikelihood(const Measurement& measurement, const MeasurementPrediction<N, M>& mp,
                     const Vector<M>& z) {
  const Eigen::LLT<SquareMatrix<M>> llt(mp.covariance);
  const Vector<M> innovation = MeasurementResidual(measurement, z, mp.mean);
  const double d2 = innovation.dot(llt.solve(innovation));
  const double log_det = 2.0 * llt.matrixLLT().diagonal().array().log().sum();
  return -0.5 * (d2 + log_det + M * std::log(2.0 * std::numbers::pi));
}

}  // namespace biac::estimation
