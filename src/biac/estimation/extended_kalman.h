#pragma once

// The extended Kalman filter (Bar-Shalom, Li, Kirubarajan 2001, §10.3; Stone Soup's
// ExtendedKalmanPredictor / ExtendedKalmanUpdater): the Kalman recursion with the models
// linearised at the current mean,
//   predict:              x' = f(x, dt),  P' = F P F' + Q,      F = df/dx at x
//   predict measurement:  z^ = h(x'),  S = H P' H' + R,  C = P' H',  H = dh/dx at x'
// and the update is kalman.h's KalmanUpdate(measurement, ...) (innovation through the model's
// Residual). On linear models it is the Kalman filter exactly.
//
// Motion models provide Apply(x, dt), Jacobian(x, dt), ProcessNoise(dt); measurement models
// Apply(x), Jacobian(x), Noise().

#include "biac/estimation/kalman.h"
#include "biac/estimation/types.h"

namespace biac::estimation {

template <typename Motion, int N = Motion::kStateDim>
Gaussian<N> ExtendedKalmanPredict(const Motion& motion, const Gaussian<N>& prior, double dt) {
  const SquareMatrix<N> f = motion.Jacobian(prior.mean, dt);
  Gaussian<N> out;
  out.mean = motion.Apply(prior.mean, dt);
  out.covariance.noalias() = f * prior.covariance * f.transpose();
  out.covariance += motion.ProcessNoise(dt);
  return out;
}

template <typename Measurement, int N = Measurement::kStateDim, int M = Measurement::kMeasDim>
MeasurementPrediction<N, M> ExtendedKalmanPredictMeasurement(const Measurement& measurement,
                                                             const Gaussian<N>& prediction) {
  const Matrix<M, N> h = measurement.Jacobian(prediction.mean);
  MeasurementPrediction<N, M> out;
  out.mean = measurement.Apply(prediction.mean);
  out.cross_covariance.noalias() = prediction.covariance * h.transpose();
  out.covariance.noalias() = h * out.cross_covariance;
  out.covariance += measurement.Noise();
  return out;
}

// The filter as a policy object, for IMM banks and trackers that are generic in the filter.
struct ExtendedKalman {
  template <typename Motion, int N>
  Gaussian<N> Predict(const Motion& motion, const Gaussian<N>& prior, double dt) const {
    return ExtendedKalmanPredict(motion, prior, dt);
  }
  template <typename Measurement, int N>
  MeasurementPrediction<N, Measurement::kMeasDim> PredictMeasurement(
      const Measurement& measurement, const Gaussian<N>& prediction) const {
    return ExtendedKalmanPredictMeasurement(measurement, prediction);
  }
};

// The linear Kalman filter as a policy object; models must be linear (TransitionMatrix,
// MeasurementMatrix).
struct LinearKalman {
  template <typename Motion, int N>
  Gaussian<N> Predict(const Motion& motion, const Gaussian<N>& prior, double dt) const {
    return KalmanPredict(motion, prior, dt);
  }
  template <typename Measurement, int N>
  MeasurementPrediction<N, Measurement::kMeasDim> PredictMeasurement(
      const Measurement& measurement, const Gaussian<N>& prediction) const {
    return KalmanPredictMeasurement(measurement, prediction);
  }
};

}  // namespace biac::estimation
