#pragma once

// The filter a tracker runs: a motion model, a measurement model and a filtering method
// bundled behind one small interface, so the tracker's roles (predictor, updater,
// hypothesiser, initiator) work with any Kalman-family filter or an IMM.
//
// A TrackingFilter F provides
//   F::State                  the per-track state (a Gaussian for KF/EKF/UKF, a mode mixture
//                             for an IMM),
//   F::MeasPrediction         with members `mean` and `covariance` (the predicted measurement
//                             and the innovation covariance S, used for gating and scoring),
//   Predict(state, dt)        the prediction dt seconds ahead,
//   PredictMeasurement(pred)  the measurement prediction,
//   Update(pred, mp, z)       the posterior given measurement z,
//   Initiate(z)               a one-point initial state from a measurement (Stone Soup's
//                             SimpleMeasurementInitiator: the measured components from z with
//                             the measurement noise mapped back, the rest from the prior),
//   Mean(state), Covariance(state)  the state's (combined) Gaussian moments for output.

#include <concepts>

#include "biac/estimation/kalman.h"
#include "biac/estimation/types.h"

namespace biac::tracking {

template <typename F>
concept TrackingFilter = requires(const F& f, const typename F::State& s, double dt,
                                  const typename F::MeasVector& z,
                                  const typename F::MeasPrediction& mp) {
  { f.Predict(s, dt) } -> std::same_as<typename F::State>;
  { f.PredictMeasurement(s) } -> std::same_as<typename F::MeasPrediction>;
  { f.Update(s, mp, z) } -> std::same_as<typename F::State>;
  { f.Initiate(z) } -> std::same_as<typename F::State>;
  { f.Mean(s) } -> std::convertible_to<typename F::StateVector>;
  { mp.mean } -> std::convertible_to<typename F::MeasVector>;
  { mp.covariance } -> std::convertible_to<estimation::SquareMatrix<F::kMeasDim>>;
};

// The linear Kalman filter with a linear motion and a linear measurement model.
template <typename Motion, typename Measurement>
class KalmanFilter {
 public:
  static constexpr int kStateDim = Motion::kStateDim;
  static constexpr int kMeasDim = Measurement::kMeasDim;
  static_assert(Measurement::kStateDim == kStateDim);
  using StateVector = estimation::Vector<kStateDim>;
  using MeasVector = estimation::Vector<kMeasDim>;
  using State = estimation::Gaussian<kStateDim>;
  using MeasPrediction = estimation::MeasurementPrediction<kStateDim, kMeasDim>;
  // Gaussian states can be reduced from mixtures (JPDA).
  static constexpr bool kGaussianState = true;

  // prior: the initiation prior (Stone Soup's prior_state); its measured components are
  // replaced at initiation.
  KalmanFilter(Motion motion, Measurement measurement, State prior)
      : motion_(std::move(motion)), measurement_(std::move(measurement)), prior_(prior) {}

  const Motion& motion() const { return motion_; }
  const Measurement& measurement() const { return measurement_; }

  State Predict(const State& state, double dt) const {
    return estimation::KalmanPredict(motion_, state, dt);
  }
  MeasPrediction PredictMeasurement(const State& prediction) const {
    return estimation::KalmanPredictMeasurement(measurement_, prediction);
  }
  State Update(const State& prediction, const MeasPrediction& mp, const MeasVector& z) const {
    return estimation::KalmanUpdate(prediction, mp, z);
  }
  State Initiate(const MeasVector& z) const {
    State out = prior_;
    const auto& h = measurement_.MeasurementMatrix();
    for (int i : measurement_.mapping()) {
      out.mean(i) = 0.0;
      out.covariance.row(i).setZero();
      out.covariance.col(i).setZero();
    }
    // H has orthonormal rows, so its pseudo-inverse is H'.
    out.mean += h.transpose() * z;
    out.covariance += h.transpose() * measurement_.Noise() * h;
    return out;
  }
  const StateVector& Mean(const State& state) const { return state.mean; }
  const estimation::SquareMatrix<kStateDim>& Covariance(const State& state) const {
    return state.covariance;
  }

 private:
  Motion motion_;
  Measurement measurement_;
  State prior_;
};

}  // namespace biac::tracking
