#pragma once

// Nearly-constant-velocity motion (continuous white-noise acceleration), per axis:
//   F = [[1, dt], [0, 1]],  Q = q [[dt^3/3, dt^2/2], [dt^2/2, dt]]
// with q the noise diffusion coefficient in m^2/s^3 (Stone Soup's ConstantVelocity; Bar-Shalom,
// Li, Kirubarajan 2001, §6.2.2). Axes stack block-diagonally: [x, vx, y, vy(, z, vz)].

#include "biac/estimation/types.h"

namespace biac::estimation {

template <int Axes>
class ConstantVelocity {
 public:
  static constexpr int kStateDim = 2 * Axes;
  static constexpr bool kLinear = true;
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

  StateMatrix ProcessNoise(double dt) const {
    StateMatrix q = StateMatrix::Zero();
    const double dt2 = dt * dt;
    for (int a = 0; a < Axes; ++a) {
      const int i = 2 * a;
      q(i, i) = q_ * dt2 * dt / 3.0;
      q(i, i + 1) = q(i + 1, i) = q_ * dt2 / 2.0;
      q(i + 1, i + 1) = q_ * dt;
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
