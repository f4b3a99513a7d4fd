#pragma once

// Nearly-constant-velocity motion with DISCRETE white-noise acceleration (DWNA, the
// "piecewise constant white acceleration" model; Bar-Shalom, Li, Kirubarajan 2001, §6.3.2;
// the NRL Tracker Component Library's QPolyKalDirectDisc with order 1). The acceleration is
// constant over each sampling interval and white from one interval to the next, with
// standard deviation sigma_a (m/s^2). Per axis, with t = |dt|:
//   F = [[1, dt], [0, 1]],  Gamma = [t^2/2, t]',
//   Q = sigma_a^2 Gamma Gamma' = sigma_a^2 [[t^4/4, t^3/2], [t^3/2, t^2]]   (rank one)
// Axes stack block-diagonally: [x, vx, y, vy(, z, vz)].
//
// It differs from ConstantVelocity (constant_velocity.h), whose noise is continuous white
// acceleration, Q = q [[t^3/3, t^2/2], [t^2/2, t]]: the two agree in the velocity variance
// when q = sigma_a^2 t, but not in position. BLK's ATC example (§11.7.4) and TCL's reference
// filters for it are tuned in sigma_a of this model. Q depends on the interval, so with
// irregular sampling the model is only an approximation (BLK §6.3.2); use ConstantVelocity
// there. Q uses |dt| so that a backward prediction still adds uncertainty.

#include <array>
#include <cmath>

#include "biac/estimation/state_space.h"
#include "biac/estimation/types.h"

namespace biac::estimation {

template <int Axes>
class DiscreteWhiteNoiseAcceleration {
  static_assert(Axes >= 1 && Axes <= 3, "DiscreteWhiteNoiseAcceleration: 1 to 3 axes");

 public:
  static constexpr int kStateDim = 2 * Axes;
  static constexpr bool kLinear = true;
  static constexpr std::array<Component, kStateDim> kComponents = KinematicLayout<Axes, 1>();
  static constexpr std::array<int, Axes> kPositionIndices = DerivativeIndices<Axes>(kComponents, 0);
  static constexpr std::array<int, Axes> kVelocityIndices = DerivativeIndices<Axes>(kComponents, 1);
  using StateVector = Vector<kStateDim>;
  using StateMatrix = SquareMatrix<kStateDim>;

  // acceleration_sigma: sigma_a in m/s^2, the same on every axis.
  explicit DiscreteWhiteNoiseAcceleration(double acceleration_sigma = 0.0)
      : sigma_(acceleration_sigma) {}

  double acceleration_sigma() const { return sigma_; }

  StateMatrix TransitionMatrix(double dt) const {
    StateMatrix f = StateMatrix::Identity();
    for (int a = 0; a < Axes; ++a) f(2 * a, 2 * a + 1) = dt;
    return f;
  }
  StateMatrix Jacobian(const StateVector& /*x*/, double dt) const { return TransitionMatrix(dt); }

  StateMatrix ProcessNoise(double dt) const {
    const double t = std::abs(dt);
    const double variance = sigma_ * sigma_;
    const double position_gain = t * t / 2.0;  // Gamma's position entry
    StateMatrix q = StateMatrix::Zero();
    for (int a = 0; a < Axes; ++a) {
      const int i = 2 * a;
      q(i, i) = variance * position_gain * position_gain;
      q(i, i + 1) = q(i + 1, i) = variance * position_gain * t;
      q(i + 1, i + 1) = variance * t * t;
    }
    return q;
  }

  StateVector Apply(const StateVector& x, double dt) const {
    StateVector out = x;
    for (int a = 0; a < Axes; ++a) out(2 * a) += dt * x(2 * a + 1);
    return out;
  }

 private:
  double sigma_;
};

}  // namespace biac::estimation
