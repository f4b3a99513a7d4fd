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
//   Residual(z, zhat)         the innovation z - zhat, with angles wrapped to (-pi, pi],
//   Mean(state), Covariance(state)  the state's (combined) Gaussian moments for output,
//   kAngularGridDim           which of the first two measurement components is an angle
//                             (-1: none), so gating can wrap around +-pi.
//
// Adapters: GaussianFilter<Method, Motion, Measurement> for the linear, extended, unscented
// and cubature Kalman filters (KalmanFilter, ExtendedKalmanFilter, UnscentedKalmanFilter,
// CubatureKalmanFilter), and ImmFilter over an estimation::Imm.

#include <algorithm>
#include <array>
#include <concepts>
#include <tuple>

#include "biac/estimation/extended_kalman.h"
#include "biac/estimation/imm.h"
#include "biac/estimation/kalman.h"
#include "biac/estimation/types.h"
#include "biac/estimation/unscented.h"

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
  { f.Residual(z, z) } -> std::convertible_to<typename F::MeasVector>;
  { F::kAngularGridDim } -> std::convertible_to<int>;
  { mp.mean } -> std::convertible_to<typename F::MeasVector>;
  { mp.covariance } -> std::convertible_to<estimation::SquareMatrix<F::kMeasDim>>;
};

namespace filter_detail {

// Which of the first two measurement components is a wrapped angle, from the model's
// kBearingIndex when it has one.
template <typename Measurement>
constexpr int AngularGridDim() {
  if constexpr (requires { Measurement::kBearingIndex; }) {
    return Measurement::kBearingIndex < 2 ? Measurement::kBearingIndex : -1;
  } else {
    return -1;
  }
}

// A one-point initial state: the prior, with the position block replaced by the position
// the measurement model inverts z to (and its linearised covariance).
template <int N, typename Measurement, std::size_t Axes>
estimation::Gaussian<N> InitiateFromPosition(const estimation::Gaussian<N>& prior,
                                             const Measurement& measurement,
                                             const std::array<int, Axes>& position_indices,
                                             const estimation::Vector<Measurement::kMeasDim>& z) {
  const auto position = measurement.InversePosition(z);
  estimation::Gaussian<N> out = prior;
  for (int i : position_indices) {
    out.covariance.row(i).setZero();
    out.covariance.col(i).setZero();
  }
  const int axes = std::min<int>(static_cast<int>(Axes), static_cast<int>(position.mean.size()));
  for (int a = 0; a < axes; ++a) {
    out.mean(position_indices[a]) = position.mean(a);
    for (int b = 0; b < axes; ++b) {
      out.covariance(position_indices[a], position_indices[b]) = position.covariance(a, b);
    }
  }
  return out;
}

}  // namespace filter_detail

// The extended, unscented or cubature Kalman filter (Method) with any motion and measurement
// model; the measurement model must be invertible to a position (InversePosition) for
// one-point initiation. Angles in the innovation are wrapped by the model's Residual.
template <typename Method, typename Motion, typename Measurement>
class GaussianFilter {
 public:
  static constexpr int kStateDim = Motion::kStateDim;
  static constexpr int kMeasDim = Measurement::kMeasDim;
  static_assert(Measurement::kStateDim == kStateDim);
  using StateVector = estimation::Vector<kStateDim>;
  using MeasVector = estimation::Vector<kMeasDim>;
  using State = estimation::Gaussian<kStateDim>;
  using MeasPrediction = estimation::MeasurementPrediction<kStateDim, kMeasDim>;
  static constexpr bool kGaussianState = true;
  static constexpr int kAngularGridDim = filter_detail::AngularGridDim<Measurement>();

  // prior: the initiation prior; its position components are replaced at initiation.
  GaussianFilter(Motion motion, Measurement measurement, State prior, Method method = {})
      : motion_(std::move(motion)),
        measurement_(std::move(measurement)),
        prior_(prior),
        method_(method) {}

  const Motion& motion() const { return motion_; }
  const Measurement& measurement() const { return measurement_; }

  State Predict(const State& state, double dt) const { return method_.Predict(motion_, state, dt); }
  MeasPrediction PredictMeasurement(const State& prediction) const {
    return method_.PredictMeasurement(measurement_, prediction);
  }
  State Update(const State& prediction, const MeasPrediction& mp, const MeasVector& z) const {
    return estimation::KalmanUpdate(measurement_, prediction, mp, z);
  }
  State Initiate(const MeasVector& z) const {
    // The measured components are the model's mapping (the position for radars).
    return filter_detail::InitiateFromPosition(prior_, measurement_, measurement_.mapping(), z);
  }
  const StateVector& Mean(const State& state) const { return state.mean; }
  const estimation::SquareMatrix<kStateDim>& Covariance(const State& state) const {
    return state.covariance;
  }
  MeasVector Residual(const MeasVector& z, const MeasVector& zhat) const {
    return measurement_.Residual(z, zhat);
  }

 private:
  Motion motion_;
  Measurement measurement_;
  State prior_;
  Method method_;
};

// The linear Kalman filter with a linear motion and a linear measurement model.
template <typename Motion, typename Measurement>
using KalmanFilter = GaussianFilter<estimation::LinearKalman, Motion, Measurement>;
template <typename Motion, typename Measurement>
using ExtendedKalmanFilter = GaussianFilter<estimation::ExtendedKalman, Motion, Measurement>;
template <typename Motion, typename Measurement>
using UnscentedKalmanFilter = GaussianFilter<estimation::UnscentedKalman, Motion, Measurement>;
template <typename Motion, typename Measurement>
using CubatureKalmanFilter = GaussianFilter<estimation::CubatureKalman, Motion, Measurement>;

// An IMM (estimation::Imm) as the tracker's filter. Bank is the tuple of per-mode
// measurement models (Imm::MakeMeasurementBank). Gating and association scores use the
// moment-matched mixture of the modes' measurement predictions; the update is the IMM's.
// The track state is a mode mixture, so JPDA (which reduces Gaussian mixtures) is not
// available with it; GNN is.
template <typename ImmType, typename Bank>
class ImmFilter {
  using First = std::tuple_element_t<0, Bank>;

 public:
  static constexpr int kStateDim = ImmType::kStateDim;
  static constexpr int kMeasDim = First::kMeasDim;
  using StateVector = estimation::Vector<kStateDim>;
  using MeasVector = estimation::Vector<kMeasDim>;
  using State = typename ImmType::State;
  struct MeasPrediction {
    MeasVector mean;
    estimation::SquareMatrix<kMeasDim> covariance;
    typename ImmType::template MeasurementPredictions<kMeasDim> modes;
  };
  static constexpr bool kGaussianState = false;
  static constexpr int kAngularGridDim = filter_detail::AngularGridDim<First>();

  // prior: the initiation prior in the IMM's augmented state; initial_probabilities: the
  // mode probabilities of a new track.
  ImmFilter(ImmType imm, Bank bank, estimation::Gaussian<kStateDim> prior,
            typename ImmType::Probabilities initial_probabilities)
      : imm_(std::move(imm)),
        bank_(std::move(bank)),
        prior_(prior),
        initial_probabilities_(initial_probabilities) {}

  const ImmType& imm() const { return imm_; }

  State Predict(const State& state, double dt) const { return imm_.Predict(state, dt); }
  MeasPrediction PredictMeasurement(const State& prediction) const {
    auto modes = imm_.PredictMeasurement(bank_, prediction);
    return {modes.combined.mean, modes.combined.covariance, modes};
  }
  State Update(const State& prediction, const MeasPrediction& mp, const MeasVector& z) const {
    return imm_.Update(bank_, prediction, mp.modes, z);
  }
  State Initiate(const MeasVector& z) const {
    return imm_.Initialize(filter_detail::InitiateFromPosition(prior_, std::get<0>(bank_),
                                                               ImmType::kPositionIndices, z),
                           initial_probabilities_);
  }
  StateVector Mean(const State& state) const { return imm_.Combine(state).mean; }
  estimation::SquareMatrix<kStateDim> Covariance(const State& state) const {
    return imm_.Combine(state).covariance;
  }
  MeasVector Residual(const MeasVector& z, const MeasVector& zhat) const {
    return std::get<0>(bank_).Residual(z, zhat);
  }

 private:
  ImmType imm_;
  Bank bank_;
  estimation::Gaussian<kStateDim> prior_;
  typename ImmType::Probabilities initial_probabilities_;
};

}  // namespace biac::tracking
