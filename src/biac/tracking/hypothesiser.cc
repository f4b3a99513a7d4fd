#include "biac/tracking/hypothesiser.h"

#include <cmath>

namespace biac::tracking {
namespace {

// CDF of the chi-square distribution for small integer degrees of freedom.
double ChiSquareCdf(double x, int dof) {
  if (x <= 0.0) return 0.0;
  switch (dof) {
    case 1:
      return std::erf(std::sqrt(x / 2.0));
    case 2:
      return 1.0 - std::exp(-x / 2.0);
    case 3:
      return std::erf(std::sqrt(x / 2.0)) -
             std::sqrt(2.0 * x / std::numbers::pi) * std::exp(-x / 2.0);
    default:  // 4
      return 1.0 - std::exp(-x / 2.0) * (1.0 + x / 2.0);
  }
}

}  // namespace

double ChiSquareQuantile(double probability, int dof) {
  if (dof == 2) return -2.0 * std::log(1.0 - probability);
  double lo = 0.0, hi = 1.0;
  while (ChiSquareCdf(hi, dof) < probability) hi *= 2.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (ChiSquareCdf(mid, dof) < probability ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace biac::tracking
