#include "biac/metrics/error_statistics.h"

#include <Eigen/Cholesky>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace biac::metrics {
namespace {

TEST(RmseTest, HandComputed) {
  RmseAccumulator rmse(3);
  ASSERT_TRUE(rmse.Add(0, Eigen::Vector2d(3.0, 4.0)).ok());
  ASSERT_TRUE(rmse.Add(0, Eigen::Vector2d(0.0, 0.0)).ok());
  ASSERT_TRUE(rmse.Add(2, Eigen::Vector3d(1.0, 2.0, 2.0)).ok());
  EXPECT_DOUBLE_EQ(rmse.Rmse(0), std::sqrt(12.5));
  EXPECT_TRUE(std::isnan(rmse.Rmse(1)));
  EXPECT_DOUBLE_EQ(rmse.Rmse(2), 3.0);
  EXPECT_EQ(rmse.count(0), 2);
  EXPECT_EQ(rmse.Add(3, Eigen::Vector2d(1.0, 1.0)).code(), StatusCode::kOutOfRange);
  EXPECT_EQ(rmse.Add(1, Eigen::Vector2d(NAN, 1.0)).code(), StatusCode::kInvalidArgument);
}

TEST(NeesTest, HandComputed) {
  NeesAccumulator nees(2);
  // e = (1, 2), P = diag(1, 4): 1 + 4/4 = 2.
  ASSERT_TRUE(nees.Add(0, Eigen::Vector2d(1.0, 2.0),
                       Eigen::Matrix2d(Eigen::Vector2d(1.0, 4.0).asDiagonal()))
                  .ok());
  // e = (1, 0), P = [[2, 1], [1, 2]], P^-1 = [[2, -1], [-1, 2]] / 3: 2/3.
  Eigen::Matrix2d p;
  p << 2.0, 1.0, 1.0, 2.0;
  ASSERT_TRUE(nees.Add(0, Eigen::Vector2d(1.0, 0.0), p).ok());
  EXPECT_NEAR(nees.AverageNees(0), (2.0 + 2.0 / 3.0) / 2.0, 1e-15);
  EXPECT_TRUE(std::isnan(nees.AverageNees(1)));
  EXPECT_EQ(nees.dimension(), 2);
  Eigen::Matrix2d singular;
  singular << 1.0, 1.0, 1.0, 1.0;
  EXPECT_EQ(nees.Add(1, Eigen::Vector2d(1.0, 0.0), singular).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(nees.Add(1, Eigen::Vector3d(1.0, 0.0, 0.0), Eigen::Matrix3d::Identity()).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(nees.Add(1, Eigen::Vector2d(1.0, 0.0), Eigen::Matrix3d::Identity()).code(),
            StatusCode::kInvalidArgument);
}

TEST(NeesTest, BandMatchesChiSquareTables) {
  // One run, n = 2: [-2 ln 0.975, -2 ln 0.025].
  const Result<ConsistencyBand> one = NeesBand(1, 2);
  ASSERT_TRUE(one.ok());
  EXPECT_NEAR(one->lower, -2.0 * std::log(0.975), 1e-12);
  EXPECT_NEAR(one->upper, -2.0 * std::log(0.025), 1e-12);
  // 25 runs of n = 4: chi2(100) quantiles 74.22193 and 129.5612, divided by 25.
  const Result<ConsistencyBand> many = NeesBand(25, 4);
  ASSERT_TRUE(many.ok());
  EXPECT_NEAR(many->lower, 74.22192747492386 / 25.0, 1e-9);
  EXPECT_NEAR(many->upper, 129.56119718583656 / 25.0, 1e-9);
  EXPECT_EQ(NeesBand(0, 4).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NeesBand(3, 4, 1.0).status().code(), StatusCode::kInvalidArgument);
}

// Errors drawn from the covariance the filter reports are consistent: the average NEES
// falls inside the 95% band at about 95% of the steps (a seeded draw; binomial(400, 0.95) is
// inside [0.91, 0.99] with overwhelming probability), while errors twice too large are not.
TEST(NeesTest, ConsistentErrorsStayInBand) {
  constexpr int kRuns = 30, kSteps = 400;
  std::mt19937 rng(5);
  std::normal_distribution<double> normal;
  Eigen::Matrix4d covariance;
  covariance << 4, 1, 0, 0, 1, 2, 0.5, 0, 0, 0.5, 3, -1, 0, 0, -1, 5;
  const Eigen::Matrix4d root = covariance.llt().matrixL();
  NeesAccumulator consistent(kSteps), overconfident(kSteps);
  for (int step = 0; step < kSteps; ++step) {
    for (int run = 0; run < kRuns; ++run) {
      Eigen::Vector4d white;
      for (int k = 0; k < 4; ++k) white[k] = normal(rng);
      const Eigen::Vector4d error = root * white;
      ASSERT_TRUE(consistent.Add(step, error, covariance).ok());
      ASSERT_TRUE(overconfident.Add(step, 2.0 * error, covariance).ok());
    }
  }
  const ConsistencyBand band = *NeesBand(kRuns, 4);
  int inside = 0, inside_overconfident = 0;
  for (int step = 0; step < kSteps; ++step) {
    const double a = consistent.AverageNees(step);
    const double b = overconfident.AverageNees(step);
    inside += a >= band.lower && a <= band.upper;
    inside_overconfident += b >= band.lower && b <= band.upper;
  }
  EXPECT_GE(inside, 0.91 * kSteps);
  EXPECT_LE(inside, 0.99 * kSteps);
  EXPECT_EQ(inside_overconfident, 0);
}

}  // namespace
}  // namespace biac::metrics
