#pragma once

// Coordinated turn at a KNOWN constant rate omega (rad/s, counter-clockwise positive), a linear
// model (Stone Soup's KnownTurnRate; Bar-Shalom, Li, Kirubarajan 2001, §11.7). State
// [x, vx, y, vy] in 2-D, [x, vx, y, vy, z, vz] in 3-D with constant velocity on z. With
// theta = omega dt, s = sin theta, c = cos theta:
//   F_xy = [[1, s/omega,       0, -(1-c)/omega],
//           [0, c,             0, -s          ],
//           [0, (1-c)/omega,   1, s/omega     ],
//           [0, s,             0, c           ]]
// and omega -> 0 gives constant velocity exactly (turn_geometry.h takes the limit).
// Process noise is Stone Soup's: independent continuous white-noise acceleration per axis,
//   Q = blockdiag(q_x Q1, q_y Q1(, q_z Q1)),  Q1 = [[t^3/3, t^2/2], [t^2/2, t]],  t = |dt|,
// with q in m^2/s^3.

#include <array>
#include <cmath>

#include "biac/estimation/state_space.h"
#include "biac/estimation/turn_geometry.h"
#include "biac/estimation/types.h"

namespace biac::estimation {

namespace turn_detail {

// Writes the per-axis white-noise-acceleration block q [[t^3/3, t^2/2], [t^2/2, t]] at (i, i).
template <typename MatrixType>
void AddVelocityNoiseBlock(MatrixType& q, int i, double coeff, double dt) {
  const double t = std::abs(dt);
  q(i, i) = coeff * t * t * t / 3.0;
  q(i, i + 1) = q(i + 1, i) = coeff * t * t / 2.0;
  q(i + 1, i + 1) = coeff * t;
}

// The 4x4 horizontal coordinated-turn transition for [x, vx, y, vy].
inline SquareMatrix<4> HorizontalTurnMatrix(const TurnCoefficients& k) {
  SquareMatrix<4> f;
  f << 1.0, k.sin_over, 0.0, -k.one_minus_cos_over,  //
      0.0, k.cos_theta, 0.0, -k.sin_theta,           //
      0.0, k.one_minus_cos_over, 1.0, k.sin_over,    //
      0.0, k.sin_theta, 0.0, k.cos_theta;
  return f;
}

}  // namespace turn_detail

template <int Axes>
class KnownTurnRate {
  static_assert(Axes == 2 || Axes == 3, "KnownTurnRate: 2 or 3 axes");

 public:
  static constexpr int kStateDim = 2 * Axes;
  static constexpr bool kLinear = true;
  static constexpr std::array<Component, kStateDim> kComponents = KinematicLayout<Axes, 1>();
  static constexpr std::array<int, Axes> kPositionIndices = DerivativeIndices<Axes>(kComponents, 0);
  static constexpr std::array<int, Axes> kVelocityIndices = DerivativeIndices<Axes>(kComponents, 1);
  using StateVector = Vector<kStateDim>;
  using StateMatrix = SquareMatrix<kStateDim>;

  // noise_diff_coeffs: q per axis in m^2/s^3; turn_rate: omega in rad/s.
  KnownTurnRate(std::array<double, Axes> noise_diff_coeffs, double turn_rate)
      : q_(noise_diff_coeffs), omega_(turn_rate) {}
  // The same q on every axis.
  KnownTurnRate(double noise_diff_coeff, double turn_rate) : omega_(turn_rate) {
    q_.fill(noise_diff_coeff);
  }

  double turn_rate() const { return omega_; }
  const std::array<double, Axes>& noise_diff_coeffs() const { return q_; }

  StateMatrix TransitionMatrix(double dt) const {
    StateMatrix f = StateMatrix::Identity();
    f.template topLeftCorner<4, 4>() =
        turn_detail::HorizontalTurnMatrix(turn_detail::ComputeTurnCoefficients(omega_, dt));
    if constexpr (Axes == 3) f(4, 5) = dt;
    return f;
  }
  StateMatrix Jacobian(const StateVector& /*x*/, double dt) const { return TransitionMatrix(dt); }

  StateMatrix ProcessNoise(double dt) const {
    StateMatrix q = StateMatrix::Zero();
    for (int a = 0; a < Axes; ++a) turn_detail::AddVelocityNoiseBlock(q, 2 * a, q_[a], dt);
    return q;
  }

  StateVector Apply(const StateVector& x, double dt) const { return TransitionMatrix(dt) * x; }

 private:
  std::array<double, Axes> q_;
  double omega_;
};

}  // namespace biac::estimation
