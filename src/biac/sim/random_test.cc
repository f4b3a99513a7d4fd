#include "biac/sim/random.h"

#include <gtest/gtest.h>

#include <cmath>

namespace biac::sim {
namespace {

TEST(SplitMix64Test, MatchesPublishedSequenceForSeedZero) {
  // The reference implementation (Vigna, splitmix64.c) seeded with 0.
  SplitMix64 rng(0);
  EXPECT_EQ(rng.Next(), 0xE220A8397B1DCDAFULL);
  EXPECT_EQ(rng.Next(), 0x6E789E6AA1B965F4ULL);
  EXPECT_EQ(rng.Next(), 0x06C45D188009454FULL);
}

TEST(SplitMix64Test, TransformsMatchPythonReference) {
  // Values from the Python reference generator (tracking-anchors.md Appendix A), seed 20240601:
  // uniform(), then normal(), then poisson(3.5), printed with repr.
  SplitMix64 rng(20240601);
  EXPECT_EQ(rng.Uniform(), 0.025503484179569602);
  EXPECT_EQ(rng.Normal(), 1.416069874198386);
  EXPECT_EQ(rng.Poisson(3.5), 5);
}

// Sample mean and variance of n draws, checked against the true moments with a tolerance of
// 5 standard errors (var/n for the mean; (mu4 - var^2)/n for the variance).
struct Moments {
  double mean = 0.0;
  double variance = 0.0;
};
template <typename Draw>
Moments Sample(int n, Draw draw) {
  double sum = 0.0;
  double sum2 = 0.0;
  for (int i = 0; i < n; ++i) {
    const double v = draw();
    sum += v;
    sum2 += v * v;
  }
  const double mean = sum / n;
  return {mean, (sum2 - n * mean * mean) / (n - 1)};
}

TEST(SplitMix64Test, UniformMoments) {
  SplitMix64 rng(7);
  constexpr int kN = 200000;
  double lo = 1.0;
  double hi = 0.0;
  const Moments m = Sample(kN, [&] {
    const double u = rng.Uniform();
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    return u;
  });
  EXPECT_GE(lo, 0.0);
  EXPECT_LT(hi, 1.0);
  const double var = 1.0 / 12.0;
  const double mu4 = 1.0 / 80.0;
  EXPECT_NEAR(m.mean, 0.5, 5 * std::sqrt(var / kN));
  EXPECT_NEAR(m.variance, var, 5 * std::sqrt((mu4 - var * var) / kN));
}

TEST(SplitMix64Test, NormalMoments) {
  SplitMix64 rng(11);
  constexpr int kN = 200000;
  const Moments m = Sample(kN, [&] { return rng.Normal(); });
  EXPECT_NEAR(m.mean, 0.0, 5 * std::sqrt(1.0 / kN));
  EXPECT_NEAR(m.variance, 1.0, 5 * std::sqrt(2.0 / kN));  // mu4 = 3
}

TEST(SplitMix64Test, PoissonMoments) {
  for (double lambda : {0.5, 10.0, 100.0}) {
    SplitMix64 rng(13);
    constexpr int kN = 20000;
    const Moments m = Sample(kN, [&] { return static_cast<double>(rng.Poisson(lambda)); });
    // Poisson: variance lambda, fourth central moment lambda (1 + 3 lambda).
    EXPECT_NEAR(m.mean, lambda, 5 * std::sqrt(lambda / kN)) << lambda;
    EXPECT_NEAR(m.variance, lambda,
                5 * std::sqrt((lambda * (1 + 3 * lambda) - lambda * lambda) / kN))
        << lambda;
  }
}

TEST(SplitMix64Test, PoissonOfZeroMeanIsZero) {
  SplitMix64 rng(3);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(rng.Poisson(0.0), 0);
}

TEST(SplitMix64Test, DerivedStreamsDiffer) {
  EXPECT_NE(DeriveSeed(1, 0), DeriveSeed(1, 1));
  EXPECT_NE(DeriveSeed(1, 0), DeriveSeed(2, 0));
  EXPECT_EQ(DeriveSeed(5, 3), DeriveSeed(5, 3));
}

}  // namespace
}  // namespace biac::sim
