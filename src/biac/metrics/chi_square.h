#pragma once

// The chi-square distribution through the regularized incomplete gamma function, for
// consistency bands (NEES, NIS) and gates:
//   P(a, x) = gamma(a, x) / Gamma(a),  Q(a, x) = 1 - P(a, x),
//   chi-square CDF with k degrees of freedom: F(x; k) = P(k/2, x/2).
// P is summed as its power series for x < a + 1 and Q as its continued fraction otherwise
// (Abramowitz & Stegun 6.5.29 and 6.5.31); both are accurate to a few ulps times the number
// of terms. The quantile inverts F by Newton's method safeguarded by bisection, to a relative
// accuracy near 1e-14.

#include "biac/base/status.h"

namespace biac::metrics {

// a > 0, x >= 0; NaN outside the domain.
double RegularizedGammaP(double a, double x);
double RegularizedGammaQ(double a, double x);

// F(x; k) for k > 0 (real k allowed), x >= 0.
double ChiSquareCdf(double x, double degrees_of_freedom);

// The x with F(x; k) = probability, for 0 < probability < 1 and k > 0.
Result<double> ChiSquareQuantile(double probability, double degrees_of_freedom);

}  // namespace biac::metrics
