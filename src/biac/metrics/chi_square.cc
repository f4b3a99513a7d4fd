#include "biac/metrics/chi_square.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace biac::metrics {
namespace {

constexpr double kEpsilon = std::numeric_limits<double>::epsilon();
constexpr double kTiny = 1e-300;
constexpr int kMaxTerms = 10000;

// log(x^a e^-x / Gamma(a)), the common prefactor of both expansions. For large a the direct
// sum cancels badly (a ln x and lgamma(a) are both ~a ln a), so with x = a (1 + t) and
// Stirling's series lgamma(a) = (a - 1/2) ln a - a + ln(2 pi)/2 + s(a) it is rewritten as
// a (log1p(t) - t) + ln(a / (2 pi)) / 2 - s(a).
double LogPrefactor(double a, double x) {
  constexpr double kStirlingFrom = 100.0;
  if (a < kStirlingFrom) return a * std::log(x) - x - std::lgamma(a);
  const double t = (x - a) / a;
  const double inv = 1.0 / a;
  const double inv2 = inv * inv;
  // s(a) = 1/(12a) - 1/(360a^3) + 1/(1260a^5) - 1/(1680a^7); the next term is below 1e-21.
  const double stirling =
      inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 - inv2 / 1680.0)));
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  return a * (std::log1p(t) - t) + 0.5 * std::log(a / kTwoPi) - stirling;
}

// P(a, x) = prefactor * sum_{n>=0} x^n / (a (a+1) ... (a+n)).
double GammaPSeries(double a, double x) {
  double term = 1.0 / a;
  double sum = term;
  for (int n = 1; n < kMaxTerms; ++n) {
    term *= x / (a + n);
    sum += term;
    if (std::abs(term) < std::abs(sum) * kEpsilon) break;
  }
  return sum * std::exp(LogPrefactor(a, x));
}

// Q(a, x) = prefactor * 1/(x+1-a- 1(1-a)/(x+3-a- 2(2-a)/(x+5-a- ...))), evaluated by the
// modified Lentz method.
double GammaQContinuedFraction(double a, double x) {
  double b = x + 1.0 - a;
  double c = 1.0 / kTiny;
  double d = 1.0 / b;
  double h = d;
  for (int i = 1; i < kMaxTerms; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::abs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1.0) < kEpsilon) break;
  }
  return h * std::exp(LogPrefactor(a, x));
}

}  // namespace

double RegularizedGammaP(double a, double x) {
  if (!(a > 0.0) || !(x >= 0.0)) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0.0) return 0.0;
  if (x == std::numeric_limits<double>::infinity()) return 1.0;
  if (x < a + 1.0) return GammaPSeries(a, x);
  return 1.0 - GammaQContinuedFraction(a, x);
}

double RegularizedGammaQ(double a, double x) {
  if (!(a > 0.0) || !(x >= 0.0)) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0.0) return 1.0;
  if (x == std::numeric_limits<double>::infinity()) return 0.0;
  if (x < a + 1.0) return 1.0 - GammaPSeries(a, x);
  return GammaQContinuedFraction(a, x);
}

double ChiSquareCdf(double x, double degrees_of_freedom) {
  return RegularizedGammaP(degrees_of_freedom / 2.0, x / 2.0);
}

Result<double> ChiSquareQuantile(double probability, double degrees_of_freedom) {
  if (!(probability > 0.0 && probability < 1.0)) {
    return InvalidArgument("ChiSquareQuantile: probability " + std::to_string(probability) +
                           " is not in (0, 1)");
  }
  if (!(degrees_of_freedom > 0.0) || !std::isfinite(degrees_of_freedom)) {
    return InvalidArgument("ChiSquareQuantile: degrees of freedom " +
                           std::to_string(degrees_of_freedom) + " is not positive");
  }
  const double a = degrees_of_freedom / 2.0;
  // Root of g(y) = P(a, y) - p in y = x / 2, computed on the smaller tail for accuracy:
  // for p > 1/2, g(y) = (1 - p) - Q(a, y). Both are increasing in y.
  const bool upper = probability > 0.5;
  const double target = upper ? 1.0 - probability : probability;
  const auto g = [&](double y) {
    return upper ? target - RegularizedGammaQ(a, y) : RegularizedGammaP(a, y) - target;
  };
  // Bracket [low, high] with g(low) < 0 <= g(high). On the lower tail the first series term
  // gives a lower bound: P(a, y) < y^a / Gamma(a + 1), so y0 = (p Gamma(a + 1))^(1/a) has
  // g(y0) < 0 however small p is.
  double low = 0.0;
  if (!upper) {
    const double y0 = std::exp((std::log(target) + std::lgamma(a + 1.0)) / a);
    if (y0 > 0.0 && g(y0) < 0.0) low = y0;
  }
  double high = std::max({1.0, a, 2.0 * low});
  while (g(high) < 0.0) {
    low = high;
    high *= 2.0;
  }
  double y = low > 0.0 ? low : 0.5 * high;
  for (int iteration = 0; iteration < 300; ++iteration) {
    const double value = g(y);
    if (value == 0.0) break;
    if (value < 0.0) {
      low = y;
    } else {
      high = y;
    }
    // g'(y) = y^(a-1) e^-y / Gamma(a), the gamma density.
    const double density = std::exp(LogPrefactor(a, y)) / y;
    double next = y - value / density;
    if (!(next > low && next < high) || !std::isfinite(next)) {
      // Bisect, geometrically while the bracket spans orders of magnitude.
      next = low > 0.0 && high > 4.0 * low ? std::sqrt(low * high) : 0.5 * (low + high);
    }
    const bool converged = std::abs(next - y) <= 4.0 * kEpsilon * y;
    y = next;
    if (converged || high - low <= 4.0 * kEpsilon * high) break;
  }
  return 2.0 * y;
}

}  // namespace biac::metrics
