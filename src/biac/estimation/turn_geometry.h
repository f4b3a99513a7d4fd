#pragma once

// Coefficients of the coordinated-turn transition (Bar-Shalom, Li, Kirubarajan 2001, §11.7;
// Stone Soup's KnownTurnRate and ConstantTurn) and their derivatives in the turn rate, with
// the omega -> 0 limits taken analytically. For theta = omega dt:
//   sin_over = sin(theta)/omega           -> dt
//   one_minus_cos_over = (1-cos theta)/omega -> 0
// and d/d omega of both. Below |theta| = 0.1 all four come from their Taylor series (nine
// terms: truncation under 1e-30 relative), so nothing divides by a vanishing omega and the
// closed forms, used above 0.1, lose at most theta^-2 = 100 ulp to cancellation.

#include <cmath>

namespace biac::estimation::turn_detail {

struct TurnCoefficients {
  double sin_theta;
  double cos_theta;
  double sin_over;            // sin(theta) / omega
  double one_minus_cos_over;  // (1 - cos(theta)) / omega
  double d_sin_over;          // d/d omega of sin_over
  double d_one_minus_cos_over;
};

inline TurnCoefficients ComputeTurnCoefficients(double omega, double dt) {
  constexpr double kSeriesBelow = 0.1;
  constexpr int kSeriesTerms = 9;
  const double theta = omega * dt;
  TurnCoefficients c;
  c.sin_theta = std::sin(theta);
  c.cos_theta = std::cos(theta);
  if (std::abs(theta) < kSeriesBelow) {
    // sin(t)/t = sum (-1)^k t^2k/(2k+1)!,  (1-cos t)/t = sum (-1)^k t^(2k+1)/(2k+2)!, and their
    // derivatives in t; omega-derivatives carry one more factor dt.
    double s = 0.0, oc = 0.0, ds = 0.0, doc = 0.0;
    double power = 1.0;      // theta^2k
    double odd_power = 0.0;  // theta^(2k-1) for k >= 1
    double factorial = 1.0;  // (2k+1)!
    const double t2 = theta * theta;
    for (int k = 0; k < kSeriesTerms; ++k) {
      const double sign = (k % 2 == 0) ? 1.0 : -1.0;
      const double next_factorial = factorial * (2 * k + 2);  // (2k+2)!
      s += sign * power / factorial;
      oc += sign * power * theta / next_factorial;
      if (k > 0) {
        odd_power = (k == 1) ? theta : odd_power * t2;
        ds += sign * 2.0 * k * odd_power / factorial;
      }
      doc += sign * (2 * k + 1) * power / next_factorial;
      power *= t2;
      factorial = next_factorial * (2 * k + 3);
    }
    c.sin_over = dt * s;
    c.one_minus_cos_over = dt * oc;
    c.d_sin_over = dt * dt * ds;
    c.d_one_minus_cos_over = dt * dt * doc;
  } else {
    c.sin_over = c.sin_theta / omega;
    c.one_minus_cos_over = (1.0 - c.cos_theta) / omega;
    c.d_sin_over = (dt * c.cos_theta - c.sin_over) / omega;
    c.d_one_minus_cos_over = (dt * c.sin_theta - c.one_minus_cos_over) / omega;
  }
  return c;
}

}  // namespace biac::estimation::turn_detail
