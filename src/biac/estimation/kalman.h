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
// a linear measurement model has MeasurementMatrix(), Noise(), Apply(x).

#include "biac/estimation/types.h"

namespace biac::estimation {

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

// Joseph-form update, P = (I - K H) P' (I - K H)' + K R K', which stays symmetric positive
// semi-definite under round-off; for linear measurement models.
template <typename Measurement, int N = Measurement::kStateDim, int M = Measurement::kMeasDim>
Gaussian<N> KalmanUpdateJoseph(const Measurement& measurement, const Gaussian<N>& prediction,
                               const MeasurementPrediction<N, M>& mp, const Vector<M>& z) {
  const Matrix<N, M> gain = mp.covariance.llt().solve(mp.cross_covariance.transpose()).transpose();
  const SquareMatrix<N> a =
      SquareMatrix<N>::Identity() - gain * measurement.MeasurementMatrix();
  Gaussian<N> out;
  out.mean = prediction.mean + gain * (z - mp.mean);
  out.covariance = a * prediction.covariance * a.transpose() +
                   gain * measurement.Noise() * gain.transpose();
  return out;
}

// Squared Mahalanobis distance of z from a measurement prediction: (z - z^)' S^-1 (z - z^).
template <int N, int M>
double SquaredMahalanobis(const MeasurementPrediction<N, M>& mp, const Vector<M>& z) {
  const Vector<M> innovation = z - mp.mean;
  return innovation.dot(mp.covariance.llt().solve(innovation));
}

}  // namespace biac::estimation
