#pragma once

// Nearly-constant-acceleration motion (continuous white-noise jerk; Stone Soup's
// ConstantAcceleration; Bar-Shalom, Li, Kirubarajan 2001, §6.2.3), per axis [p, v, a]:
//   F = [[1, dt, dt^2/2], [0, 1, dt], [0, 0, 1]]
//   Q = q [[t^5/20, t^4/8, t^3/6], [t^4/8, t^3/3, t^2/2], [t^3/6, t^2/2, t]],  t = |dt|
// with q the jerk noise diffusion coefficient in m^2/s^5. Layout [x, vx, ax, y, vy, ay(, z, ..)].

#include <array>
#include <cmath>

#include "biac/estimation/state_space.h"
#include "biac/estimation/types.h"

namespace biac::estimation {

template <int Axes>
class ConstantAcceleration {
  static_assert(Axes >= 1 && Axes <= 3, "ConstantAcceleration: 1 to 3 axes");

 public:
  static constexpr int kStateDim = 3 * Axes;
  static constexpr bool kLinear = true;
  static constexpr std::array<Component, kStateDim> kComponents = KinematicLayout<Axes, 2>();
  static constexpr std::array<int, Axes> kPositionIndices = DerivativeIndices<Axes>(kComponents, 0);
  static constexpr std::array<int, Axes> kVelocityIndices = DerivativeIndices<Axes>(kComponents, 1);
  static constexpr std::array<int, Axes> kAccelerationIndices =
      DerivativeIndices<Axes>(kComponents, 2);
  using StateVector = Vector<kStateDim>;
  using StateMatrix = SquareMatrix<kStateDim>;

  // noise_diff_coeff: q in m^2/s^5, the same on every axis.
  explicit ConstantAcceleration(double noise_diff_coeff = 0.0) : q_(noise_diff_coeff) {}

  double noise_diff_coeff() const { return q_; }

  StateMatrix TransitionMatrix(double dt) const {
    StateMatrix f = StateMatrix::Identity();
    for (int a = 0; a < Axes; ++a) {
      const int i = 3 * a;
      f(i, i + 1) = f(i + 1, i + 2) = dt;
      f(i, i + 2) = dt * dt / 2.0;
    }
    return f;
  }
  StateMatrix Jacobian(const StateVector& /*x*/, double dt) const { return TransitionMatrix(dt); }

  StateMatrix ProcessNoise(double dt) const {
    const double t = std::abs(dt);
    const double t2 = t * t;
    const double t3 = t2 * t;
    SquareMatrix<3> block;
    block << t3 * t2 / 20.0, t2 * t2 / 8.0, t3 / 6.0,  //
        t2 * t2 / 8.0, t3 / 3.0, t2 / 2.0,             //
        t3 / 6.0, t2 / 2.0, t;
    StateMatrix q = StateMatrix::Zero();
    for (int a = 0; a < Axes; ++a) q.template block<3, 3>(3 * a, 3 * a) = q_ * block;
    return q;
  }

  StateVector Apply(const StateVector& x, double dt) const {
    StateVector out = x;
    for (int a = 0; a < Axes; ++a) {
      const int i = 3 * a;
      out(i) += dt * x(i + 1) + 0.5 * dt * dt * x(i + 2);
      out(i + 1) += dt * x(i + 2);
    }
    return out;
  }

 private:
  double q_;
};

}  // namespace biac::estimation
