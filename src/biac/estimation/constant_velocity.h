#pragma once

// Nearly-constant-velocity motion (continuous white-noise acceleration), per axis:
//   F = [[1, dt], [0, 1]],  Q = q [[|dt|^3/3, dt^2/2], [dt^2/2, |dt|]]
// with q the noise diffusion coefficient in m^2/s^3 (Stone Soup's ConstantVelocity; Bar-Shalom,
// Li, Kirubarajan 2001, §6.2.2). Axes stack block-diagonally: [x, vx, y, vy(, z, vz)].
// Q uses |dt| (as Stone Soup does) so that a backward prediction still adds uncertainty.

#include <array>
#include <cmath>

#include "biac/estimation/state_space.h"
#include "biac/estimation/types.h"

namespace biac::estimation {

template <int Axes>
class ConstantVelocity {
  static_assert(Axes >= 1 && Axes <= 3, "ConstantVelocity: 1 to 3 axes");

 public:
  static constexpr int kStateDim = 2 * Axes;
  static constexpr bool kLinear = true;
  static constexpr std::array<Component, kStateDim> kComponents = KinematicLayout<Axes, 1>();
  static constexpr std::array<int, Axes> kPositionIndices = DerivativeIndices<Axes>(kComponents, 0);
  static constexpr std::array<int, Axes> kVelocityIndices = DerivativeIndices<Axes>(kComponents, 1);
  using StateVector = Vector<kStateDim>;
  using StateMatrix = SquareMatrix<kStateDim>;

  // noise_diff_coeff: q in m^2/s^3, the same on every axis.
  explicit ConstantVelocity(double noise_diff_coeff = 0.0) : q_(noise_diff_coeff) {}

  double noise_diff_coeff() const { return q_; }

  StateMatrix TransitionMatrix(double dt) const {
    StateMatrix f = StateMatrix::Identity();
    for (int a = 0; a < Axes; ++a) f(2 * a, 2 * a + 1) = dt;
    return f;
  }
  StateMatrix Jacobian(const StateVector& /*x*/, double dt) const { return TransitionMatrix(dt); }

  StateMatrix ProcessNoise(double dt) const {
    StateMatrix q = StateMatrix::Zero();
    const double t = std::abs(dt);
    const double t2 = t * t;
    for (int a = 0; a < Axes; ++a) {
      const int i = 2 * a;
      q(i, i) = q_ * t2 * t / 3.0;
      q(i, i + 1) = q(i + 1, i) = q_ * t2 / 2.0;
      q(i + 1, i + 1) = q_ * t;
    }
    return q;
  }

  StateVector Apply(const StateVector& x, double dt) const {
    StateVector out = x;
    for (int a = 0; a < Axes; ++a) out(2 * a) += dt * x(2 * a + 1);
    return out;
  }

 private:
  double q_;
};

}  // namespace biac::estimation
