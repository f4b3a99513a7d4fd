#pragma once

// Singer manoeuvre model (Singer 1970, "Estimating optimal tracking filter performance for
// manned maneuvering targets", IEEE Trans. AES 6(4); Stone Soup's Singer;
// Li & Jilkov 2003, "Survey of maneuvering target tracking, Part I", IEEE Trans. AES 39(4)): per
// axis [p, v, a] with the acceleration a first-order Gauss-Markov process,
//   da = -a / tau dt + sqrt(q) dW,   q = 2 sigma_a^2 / tau,
// tau the manoeuvre time constant (s) and sigma_a the stationary acceleration standard
// deviation (m/s^2). With K = 1/tau and x = K dt, the exact discretisation is
//   F = [[1, dt, (x - 1 + e^-x)/K^2], [0, 1, (1 - e^-x)/K], [0, 0, e^-x]]
//   Q = q ∫_0^|dt| f(s) f(s)' ds,  f(s) = F(s) [0 0 1]',
// whose closed form (Singer 1970, eq. 18; Stone Soup's Singer docstring) is
//   Q11 = (1 - e^-2x + 2x + 2x^3/3 - 2x^2 - 4x e^-x) / 2K^5,  Q12 = (x - 1 + e^-x)^2 / 2K^4,
//   Q13 = (1 - e^-2x - 2x e^-x) / 2K^3,  Q22 = (2x - 3 + 4e^-x - e^-2x) / 2K^3,
//   Q23 = (1 - e^-x)^2 / 2K^2,  Q33 = (1 - e^-2x) / 2K     (times q, x = K|dt|).
// The closed form cancels catastrophically for small x (Q11 is O(x^5) built from O(1) terms),
// so for |x| < 1 both F and Q come from their power series in x, summed to double precision.
// Limits: tau -> inf with q fixed gives ConstantAcceleration(q); tau -> 0 with
// 2 sigma_a^2 tau fixed gives ConstantVelocity(2 sigma_a^2 tau) on [p, v].
// Layout [x, vx, ax, y, vy, ay(, z, vz, az)].

#include <array>
#include <cmath>

#include "biac/estimation/state_space.h"
#include "biac/estimation/types.h"

namespace biac::estimation {

namespace singer_detail {

inline constexpr int kSeriesTerms = 27;

struct InverseFactorials {
  std::array<double, kSeriesTerms + 3> values{};
  constexpr InverseFactorials() {
    double f = 1.0;
    values[0] = 1.0;
    for (int n = 1; n < kSeriesTerms + 3; ++n) {
      f *= n;
      values[n] = 1.0 / f;
    }
  }
};
inline constexpr InverseFactorials kInverseFactorials{};

// Per-axis F block.
inline SquareMatrix<3> TransitionBlock(double damping, double dt) {
  const double x = damping * dt;
  double f12;
  double f13;
  if (std::abs(x) < 1.0) {
    // f12 = dt sum (-x)^n/(n+1)!, f13 = dt^2 sum (-x)^n/(n+2)!
    double s1 = 0.0;
    double s2 = 0.0;
    double power = 1.0;
    for (int n = 0; n < kSeriesTerms; ++n) {
      s1 += power * kInverseFactorials.values[n + 1];
      s2 += power * kInverseFactorials.values[n + 2];
      power *= -x;
    }
    f12 = dt * s1;
    f13 = dt * dt * s2;
  } else {
    const double em1 = std::expm1(-x);  // e^-x - 1
    f12 = -em1 / damping;
    f13 = (x + em1) / (damping * damping);
  }
  SquareMatrix<3> f;
  f << 1.0, dt, f13, 0.0, 1.0, f12, 0.0, 0.0, std::exp(-x);
  return f;
}

// Per-axis Q block for unit diffusion coefficient.
inline SquareMatrix<3> NoiseBlock(double damping, double dt) {
  const double t = std::abs(dt);
  const double x = damping * t;
  SquareMatrix<3> q;
  if (x < 1.0) {
    // Row a of F(s)[0 0 1]' is t^m sum_n (-x u)^n u^m/(n+m)! with s = t u and m = 2, 1, 0 for
    // position, velocity, acceleration; integrate the Cauchy product term by term over u.
    constexpr std::array<int, 3> kOrder = {2, 1, 0};
    for (int a = 0; a < 3; ++a) {
      for (int b = a; b < 3; ++b) {
        const int ma = kOrder[a];
        const int mb = kOrder[b];
        double sum = 0.0;
        double power = 1.0;
        for (int n = 0; n < kSeriesTerms; ++n) {
          double c = 0.0;
          for (int k = 0; k <= n; ++k) {
            c += kInverseFactorials.values[k + ma] * kInverseFactorials.values[n - k + mb];
          }
          sum += power * c / (n + ma + mb + 1);
          power *= -x;
        }
        q(a, b) = q(b, a) = sum * std::pow(t, ma + mb + 1);
      }
    }
    return q;
  }
  const double k = damping;
  const double e1 = std::exp(-x);
  const double e2 = std::exp(-2.0 * x);
  const double k2 = k * k;
  const double k3 = k2 * k;
  q(0, 0) =
      (1.0 - e2 + 2.0 * x + 2.0 * x * x * x / 3.0 - 2.0 * x * x - 4.0 * x * e1) / (2.0 * k3 * k2);
  q(0, 1) = q(1, 0) = (x - 1.0 + e1) * (x - 1.0 + e1) / (2.0 * k2 * k2);
  q(0, 2) = q(2, 0) = (1.0 - e2 - 2.0 * x * e1) / (2.0 * k3);
  q(1, 1) = (2.0 * x - 3.0 + 4.0 * e1 - e2) / (2.0 * k3);
  q(1, 2) = q(2, 1) = (1.0 - e1) * (1.0 - e1) / (2.0 * k2);
  q(2, 2) = (1.0 - e2) / (2.0 * k);
  return q;
}

}  // namespace singer_detail

template <int Axes>
class Singer {
  static_assert(Axes >= 1 && Axes <= 3, "Singer: 1 to 3 axes");

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

  // time_constant: tau > 0 in s; acceleration_sd: sigma_a >= 0 in m/s^2 (every axis).
  Singer(double time_constant, double acceleration_sd)
      : damping_(1.0 / time_constant),
        q_(2.0 * acceleration_sd * acceleration_sd / time_constant) {}

  double time_constant() const { return 1.0 / damping_; }
  // K = 1/tau in 1/s (Stone Soup's damping_coeff).
  double damping_coeff() const { return damping_; }
  // q = 2 sigma_a^2 / tau in m^2/s^5 (Stone Soup's noise_diff_coeff).
  double noise_diff_coeff() const { return q_; }

  StateMatrix TransitionMatrix(double dt) const {
    const SquareMatrix<3> block = singer_detail::TransitionBlock(damping_, dt);
    StateMatrix f = StateMatrix::Zero();
    for (int a = 0; a < Axes; ++a) f.template block<3, 3>(3 * a, 3 * a) = block;
    return f;
  }
  StateMatrix Jacobian(const StateVector& /*x*/, double dt) const { return TransitionMatrix(dt); }

  StateMatrix ProcessNoise(double dt) const {
    const SquareMatrix<3> block = q_ * singer_detail::NoiseBlock(damping_, dt);
    StateMatrix q = StateMatrix::Zero();
    for (int a = 0; a < Axes; ++a) q.template block<3, 3>(3 * a, 3 * a) = block;
    return q;
  }

  StateVector Apply(const StateVector& x, double dt) const {
    const SquareMatrix<3> block = singer_detail::TransitionBlock(damping_, dt);
    StateVector out;
    for (int a = 0; a < Axes; ++a) {
      out.template segment<3>(3 * a).noalias() = block * x.template segment<3>(3 * a);
    }
    return out;
  }

 private:
  double damping_;
  double q_;
};

}  // namespace biac::estimation
