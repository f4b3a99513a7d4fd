#include "biac/metrics/chi_square.h"

#include <gtest/gtest.h>

#include <cmath>

namespace biac::metrics {
namespace {

// Chi-square survival function for integer k in closed form (A&S 26.4.4 and 26.4.5), an
// independent path to the same numbers: even k a Poisson sum, odd k erfc plus a sum.
double ChiSquareSurvivalClosedForm(double x, int k) {
  const double h = x / 2.0;
  double a = k % 2 == 0 ? 1.0 : 0.5;
  double q = k % 2 == 0 ? std::exp(-h) : std::erfc(std::sqrt(h));
  // Q(a + 1, h) = Q(a, h) + h^a e^-h / Gamma(a + 1).
  while (a < k / 2.0 - 1e-9) {
    q += std::exp(a * std::log(h) - h - std::lgamma(a + 1.0));
    a += 1.0;
  }
  return q;
}

TEST(ChiSquareTest, GammaPMatchesClosedForms) {
  for (double x : {1e-6, 1e-3, 0.1, 0.5, 1.0, 2.0, 5.0, 20.0, 60.0}) {
    EXPECT_NEAR(RegularizedGammaP(1.0, x), -std::expm1(-x), 1e-14 * (1.0 - std::exp(-x)));
    EXPECT_NEAR(RegularizedGammaQ(1.0, x), std::exp(-x), 1e-13 * std::exp(-x));
    EXPECT_NEAR(RegularizedGammaP(0.5, x), std::erf(std::sqrt(x)), 1e-14);
    EXPECT_NEAR(RegularizedGammaQ(0.5, x), std::erfc(std::sqrt(x)),
                1e-12 * std::erfc(std::sqrt(x)));
  }
  EXPECT_EQ(RegularizedGammaP(3.0, 0.0), 0.0);
  EXPECT_TRUE(std::isnan(RegularizedGammaP(0.0, 1.0)));
  EXPECT_TRUE(std::isnan(RegularizedGammaP(1.0, -1.0)));
}

TEST(ChiSquareTest, CdfMatchesIntegerClosedForms) {
  for (int k : {1, 2, 3, 4, 7, 10, 31, 100}) {
    for (double x : {0.01, 0.3, 1.0, 2.5, 6.0, 15.0, 40.0, 120.0}) {
      const double q = ChiSquareSurvivalClosedForm(x, k);
      EXPECT_NEAR(ChiSquareCdf(x, k), 1.0 - q, 1e-13) << "k=" << k << " x=" << x;
    }
  }
}

TEST(ChiSquareTest, QuantileMatchesTables) {
  // Values of standard chi-square tables (e.g. Abramowitz & Stegun table 26.8), here to 10+
  // digits as obtained by bisection on the closed forms above.
  struct Case {
    double probability;
    double dof;
    double quantile;
  };
  const Case cases[] = {
      {0.975, 1, 5.023886187314884},   {0.025, 1, 0.0009820691171752534},
      {0.95, 1, 3.8414588206941227},   {0.95, 2, 5.991464547107977},
      {0.025, 3, 0.2157952826238985},  {0.975, 3, 9.348403604496141},
      {0.95, 4, 9.48772903678115},     {0.05, 4, 0.7107230213973237},
      {0.025, 10, 3.2469727802368453}, {0.975, 10, 20.483177350807384},
      {0.01, 100, 70.06489492539977},  {0.99, 100, 135.80672317102673},
      {0.025, 100, 74.22192747492386}, {0.975, 100, 129.56119718583656},
  };
  for (const Case& c : cases) {
    const Result<double> q = ChiSquareQuantile(c.probability, c.dof);
    ASSERT_TRUE(q.ok());
    EXPECT_NEAR(*q, c.quantile, 1e-10 * c.quantile) << c.probability << " " << c.dof;
  }
  // k = 2 is exponential: quantile = -2 ln(1 - p).
  for (double p : {1e-12, 1e-5, 0.2, 0.5, 0.9, 0.999999}) {
    EXPECT_NEAR(*ChiSquareQuantile(p, 2.0), -2.0 * std::log1p(-p), 1e-12 * -std::log1p(-p));
  }
}

TEST(ChiSquareTest, QuantileInvertsCdf) {
  for (double k : {0.3, 0.5, 1.0, 2.5, 6.0, 40.0, 1000.0, 20000.0}) {
    for (double p : {1e-10, 1e-4, 0.025, 0.3, 0.5, 0.7, 0.975, 0.9999}) {
      const Result<double> x = ChiSquareQuantile(p, k);
      ASSERT_TRUE(x.ok());
      EXPECT_NEAR(ChiSquareCdf(*x, k), p, 1e-12 * std::max(p, 1e-3)) << "k=" << k;
    }
  }
  EXPECT_EQ(ChiSquareQuantile(0.0, 2).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ChiSquareQuantile(1.0, 2).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ChiSquareQuantile(0.5, 0).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace biac::metrics
