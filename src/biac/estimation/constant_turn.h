#pragma once

// Coordinated turn with the turn rate ESTIMATED as a state component (nonlinear; Stone Soup's
// ConstantTurn; Bar-Shalom, Li, Kirubarajan 2001, §11.7). State [x, vx, y, vy, omega] in
// 2-D and [x, vx, y, vy, z, vz, omega] in 3-D (constant velocity on z), omega in rad/s,
// counter-clockwise positive. With theta = omega dt:
//   x'  = x + sin(theta)/omega vx - (1 - cos theta)/omega vy
//   vx' = cos(theta) vx - sin(theta) vy
//   y'  = y + (1 - cos theta)/omega vx + sin(theta)/omega vy
//   vy' = sin(theta) vx + cos(theta) vy
//   omega' = omega
// The Jacobian is analytic, and both the function and the Jacobian take the omega -> 0 limit
// analytically (turn_geometry.h), where the model is constant velocity and
// d x'/d omega = -vy dt^2/2, d y'/d omega = vx dt^2/2.
// Process noise, as Stone Soup's ConstantTurn (state independent):
//   Q = blockdiag(q_x Q1, q_y Q1(, q_z Q1), q_omega t),  Q1 = [[t^3/3, t^2/2], [t^2/2, t]],
// t = |dt|, q_x, q_y, q_z in m^2/s^3 and q_omega in rad^2/s^3 (turn rate a random walk).

#include <array>
#include <cmath>

#include "biac/estimation/known_turn_rate.h"
#include "biac/estimation/state_space.h"
#include "biac/estimation/turn_geometry.h"
#include "biac/estimation/types.h"

namespace biac::estimation {

template <int Axes>
class ConstantTurn {
  static_assert(Axes == 2 || Axes == 3, "ConstantTurn: 2 or 3 axes");

  static constexpr std::array<Component, 2 * Axes + 1> MakeComponents() {
    std::array<Component, 2 * Axes + 1> out{};
    const auto kinematic = KinematicLayout<Axes, 1>();
    for (int i = 0; i < 2 * Axes; ++i) out[i] = kinematic[i];
    out[2 * Axes] = Component::kTurnRate;
    return out;
  }

 public:
  static constexpr int kStateDim = 2 * Axes + 1;
  static constexpr bool kLinear = false;
  static constexpr std::array<Component, kStateDim> kComponents = MakeComponents();
  static constexpr std::array<int, Axes> kPositionIndices = DerivativeIndices<Axes>(kComponents, 0);
  static constexpr std::array<int, Axes> kVelocityIndices = DerivativeIndices<Axes>(kComponents, 1);
  static constexpr int kTurnRateIndex = 2 * Axes;
  using StateVector = Vector<kStateDim>;
  using StateMatrix = SquareMatrix<kStateDim>;

  // linear_noise_diff_coeffs: q per axis in m^2/s^3; turn_noise_diff_coeff: q_omega in
  // rad^2/s^3.
  ConstantTurn(std::array<double, Axes> linear_noise_diff_coeffs, double turn_noise_diff_coeff)
      : q_(linear_noise_diff_coeffs), q_turn_(turn_noise_diff_coeff) {}
  // The same linear q on every axis.
  ConstantTurn(double linear_noise_diff_coeff, double turn_noise_diff_coeff)
      : q_turn_(turn_noise_diff_coeff) {
    q_.fill(linear_noise_diff_coeff);
  }

  const std::array<double, Axes>& linear_noise_diff_coeffs() const { return q_; }
  double turn_noise_diff_coeff() const { return q_turn_; }

  StateVector Apply(const StateVector& x, double dt) const {
    const auto k = turn_detail::ComputeTurnCoefficients(x(kTurnRateIndex), dt);
    StateVector out = x;
    out.template head<4>() = turn_detail::HorizontalTurnMatrix(k) * x.template head<4>();
    if constexpr (Axes == 3) out(4) += dt * x(5);
    return out;
  }

  StateMatrix Jacobian(const StateVector& x, double dt) const {
    const auto k = turn_detail::ComputeTurnCoefficients(x(kTurnRateIndex), dt);
    StateMatrix j = StateMatrix::Identity();
    j.template topLeftCorner<4, 4>() = turn_detail::HorizontalTurnMatrix(k);
    if constexpr (Axes == 3) j(4, 5) = dt;
    const double vx = x(1);
    const double vy = x(3);
    // d/d omega: d(sin theta)/d omega = dt cos theta, d(cos theta)/d omega = -dt sin theta.
    j(0, kTurnRateIndex) = k.d_sin_over * vx - k.d_one_minus_cos_over * vy;
    j(1, kTurnRateIndex) = -dt * (k.sin_theta * vx + k.cos_theta * vy);
    j(2, kTurnRateIndex) = k.d_one_minus_cos_over * vx + k.d_sin_over * vy;
    j(3, kTurnRateIndex) = dt * (k.cos_theta * vx - k.sin_theta * vy);
    return j;
  }

  StateMatrix ProcessNoise(double dt) const {
    StateMatrix q = StateMatrix::Zero();
    for (int a = 0; a < Axes; ++a) turn_detail::AddVelocityNoiseBlock(q, 2 * a, q_[a], dt);
    q(kTurnRateIndex, kTurnRateIndex) = q_turn_ * std::abs(dt);
    return q;
  }

 private:
  std::array<double, Axes> q_;
  double q_turn_;
};

}  // namespace biac::estimation
