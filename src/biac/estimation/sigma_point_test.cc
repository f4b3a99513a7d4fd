#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "biac/estimation/angle_only.h"
#include "biac/estimation/constant_acceleration.h"
#include "biac/estimation/constant_turn.h"
#include "biac/estimation/constant_velocity.h"
#include "biac/estimation/extended_kalman.h"
#include "biac/estimation/kalman.h"
#include "biac/estimation/linear_position.h"
#include "biac/estimation/radar.h"
#include "biac/estimation/test_util.h"
#include "biac/estimation/unscented.h"

namespace biac::estimation {
namespace {

constexpr double kPi = std::numbers::pi;

template <int N>
Gaussian<N> SomePrior(double scale) {
  // A full, well-conditioned covariance: A A' + diag.
  Gaussian<N> g;
  for (int i = 0; i < N; ++i) g.mean(i) = scale * (0.5 + i) * (i % 2 == 0 ? 1.0 : -0.3);
  SquareMatrix<N> a;
  for (int i = 0; i < N; ++i) {
    for (int j = 0; j < N; ++j) a(i, j) = std::sin(1.0 + i * 1.7 + j * 0.9);
  }
  g.covariance = a * a.transpose() + SquareMatrix<N>::Identity();
  g.covariance *= scale;
  return g;
}

template <int R, int C>
double RelativeError(const Matrix<R, C>& a, const Matrix<R, C>& b) {
  return (a - b).cwiseAbs().maxCoeff() / std::max(1.0, b.cwiseAbs().maxCoeff());
}

// A sigma-point filter (predict, predict measurement, update) against the Kalman filter.
template <typename Motion, typename Measurement, typename PredictFn, typename MeasureFn>
void ExpectEqualsKalman(const Motion& motion, const Measurement& measurement, PredictFn predict,
                        MeasureFn measure, double tolerance) {
  constexpr int kN = Motion::kStateDim;
  const Gaussian<kN> prior = SomePrior<kN>(3.0);
  const double dt = 1.7;
  const Gaussian<kN> kf_pred = KalmanPredict(motion, prior, dt);
  const Gaussian<kN> sp_pred = predict(motion, prior, dt);
  EXPECT_LT(RelativeError(sp_pred.mean, kf_pred.mean), tolerance);
  EXPECT_LT(RelativeError(sp_pred.covariance, kf_pred.covariance), tolerance);
  const auto kf_mp = KalmanPredictMeasurement(measurement, kf_pred);
  const auto sp_mp = measure(measurement, kf_pred);
  EXPECT_LT(RelativeError(sp_mp.mean, kf_mp.mean), tolerance);
  EXPECT_LT(RelativeError(sp_mp.covariance, kf_mp.covariance), tolerance);
  EXPECT_LT(RelativeError(sp_mp.cross_covariance, kf_mp.cross_covariance), tolerance);
  Vector<Measurement::kMeasDim> z = kf_mp.mean;
  z.array() += 1.3;
  const Gaussian<kN> kf_post = KalmanUpdate(kf_pred, kf_mp, z);
  const Gaussian<kN> sp_post = KalmanUpdate(measurement, kf_pred, sp_mp, z);
  EXPECT_LT(RelativeError(sp_post.mean, kf_post.mean), tolerance);
  EXPECT_LT(RelativeError(sp_post.covariance, kf_post.covariance), tolerance);
}

auto Ukf = [](const auto& motion, const auto& prior, double dt) {
  return UnscentedKalmanPredict(motion, prior, dt);
};
auto UkfMeasure = [](const auto& measurement, const auto& prediction) {
  return UnscentedKalmanPredictMeasurement(measurement, prediction);
};
auto Ckf = [](const auto& motion, const auto& prior, double dt) {
  return CubatureKalmanPredict(motion, prior, dt);
};
auto CkfMeasure = [](const auto& measurement, const auto& prediction) {
  return CubatureKalmanPredictMeasurement(measurement, prediction);
};
auto Ekf = [](const auto& motion, const auto& prior, double dt) {
  return ExtendedKalmanPredict(motion, prior, dt);
};
auto EkfMeasure = [](const auto& measurement, const auto& prediction) {
  return ExtendedKalmanPredictMeasurement(measurement, prediction);
};

TEST(SigmaPointTest, UnscentedEqualsKalmanOnLinearModels) {
  ExpectEqualsKalman(ConstantVelocity<2>(0.8),
                     LinearPosition<4, 2>({0, 2}, SquareMatrix<2>::Identity() * 4.0), Ukf,
                     UkfMeasure, 1e-9);
  ExpectEqualsKalman(ConstantVelocity<3>(0.8),
                     LinearPosition<6, 3>({0, 2, 4}, SquareMatrix<3>::Identity() * 4.0), Ukf,
                     UkfMeasure, 1e-9);
  ExpectEqualsKalman(ConstantAcceleration<2>(0.1),
                     LinearPosition<6, 2>({0, 3}, SquareMatrix<2>::Identity() * 4.0), Ukf,
                     UkfMeasure, 1e-9);
}

TEST(SigmaPointTest, CubatureEqualsKalmanOnLinearModels) {
  ExpectEqualsKalman(ConstantVelocity<2>(0.8),
                     LinearPosition<4, 2>({0, 2}, SquareMatrix<2>::Identity() * 4.0), Ckf,
                     CkfMeasure, 1e-9);
  ExpectEqualsKalman(ConstantAcceleration<3>(0.1),
                     LinearPosition<9, 3>({0, 3, 6}, SquareMatrix<3>::Identity() * 4.0), Ckf,
                     CkfMeasure, 1e-9);
}

TEST(SigmaPointTest, ExtendedEqualsKalmanOnLinearModels) {
  ExpectEqualsKalman(ConstantVelocity<2>(0.8),
                     LinearPosition<4, 2>({0, 2}, SquareMatrix<2>::Identity() * 4.0), Ekf,
                     EkfMeasure, 1e-13);
  ExpectEqualsKalman(ConstantAcceleration<2>(0.1),
                     LinearPosition<6, 2>({0, 3}, SquareMatrix<2>::Identity() * 4.0), Ekf,
                     EkfMeasure, 1e-13);
}

TEST(SigmaPointTest, StoneSoupWeights) {
  // n = 4, alpha = 0.5, kappa = 3 - n = -1: c = 0.75, lambda = -3.25.
  const Gaussian<4> g = SomePrior<4>(1.0);
  const SigmaPoints<4> sp = UnscentedSigmaPoints(g, UnscentedParams{});
  EXPECT_NEAR(sp.mean_weights(0), -3.25 / 0.75, 1e-15);
  EXPECT_NEAR(sp.mean_weights(1), 0.5 / 0.75, 1e-15);
  EXPECT_NEAR(sp.covariance_weights(0), -3.25 / 0.75 + 1.0 - 0.25 + 2.0, 1e-15);
  EXPECT_NEAR(sp.mean_weights.sum(), 1.0, 1e-14);
  // Points are x +- sqrt(c) columns of a square root of P.
  const Matrix<4, 9> d = sp.points.colwise() - g.mean;
  const SquareMatrix<4> recovered =
      d.rightCols<4>() * d.rightCols<4>().transpose() / 0.75;  // sum over one side
  EXPECT_TRUE((recovered.isApprox(g.covariance, 1e-13)));
  // Cubature: 2n points, weights 1/(2n), centre weight 0, spread sqrt(n).
  const SigmaPoints<4> cubature = UnscentedSigmaPoints(g, kCubatureParams);
  EXPECT_EQ(cubature.mean_weights(0), 0.0);
  EXPECT_EQ(cubature.covariance_weights(0), 0.0);
  EXPECT_NEAR(cubature.mean_weights(5), 1.0 / 8.0, 1e-15);
  const Matrix<4, 9> dc = cubature.points.colwise() - g.mean;
  EXPECT_NEAR(dc.col(1).squaredNorm(), 4.0 * d.col(1).squaredNorm() / 0.75, 1e-10);
}

// z = x' A x, a quadratic: third-degree rules give E[z] = m' A m + tr(A P) exactly.
struct Quadratic {
  [[maybe_unused]] static constexpr int kStateDim = 3;
  static constexpr int kMeasDim = 1;
  SquareMatrix<3> a;
  Vector<1> Apply(const Vector<3>& x) const { return Vector<1>(x.dot(a * x)); }
  SquareMatrix<1> Noise() const { return SquareMatrix<1>::Zero(); }
};

TEST(SigmaPointTest, QuadraticMeanIsExact) {
  Quadratic model;
  model.a << 2.0, 0.5, 0.0, 0.5, 1.0, -0.3, 0.0, -0.3, 3.0;
  const Gaussian<3> g = SomePrior<3>(2.0);
  const double expected = g.mean.dot(model.a * g.mean) + (model.a * g.covariance).trace();
  EXPECT_NEAR(CubatureKalmanPredictMeasurement(model, g).mean(0), expected, 1e-10 * expected);
  EXPECT_NEAR(UnscentedKalmanPredictMeasurement(model, g).mean(0), expected, 1e-10 * expected);
  // The EKF misses the tr(A P) term.
  EXPECT_NEAR(
      ExtendedKalmanPredictMeasurement(LinearPosition<3, 1>({0}, SquareMatrix<1>::Zero()), g)
          .mean(0),
      g.mean(0), 1e-15);
}

TEST(SigmaPointTest, BearingMeanAcrossTheCut) {
  // Target due -x, position spread across the +-pi cut: the predicted bearing is near pi
  // (mod 2 pi) with a small variance, not near 0 with a variance of pi^2.
  const BearingRange<4> model({0, 2}, SquareMatrix<2>::Identity() * 1e-6);
  Gaussian<4> g;
  g.mean << -1000.0, 0.0, 0.0, 0.0;
  g.covariance = SquareMatrix<4>::Identity() * 400.0;
  for (const auto& mp :
       {UnscentedKalmanPredictMeasurement(model, g), CubatureKalmanPredictMeasurement(model, g),
        ExtendedKalmanPredictMeasurement(model, g)}) {
    EXPECT_NEAR(std::abs(WrapToPi(mp.mean(0))), kPi, 1e-6);
    EXPECT_NEAR(mp.covariance(0, 0), 400.0 / 1e6, 1e-5);
    EXPECT_NEAR(mp.mean(1), 1000.0, 0.5);
  }
}

TEST(SigmaPointTest, FiltersAgreeOnANearlyLinearRadarProblem) {
  // Far target, small uncertainty: EKF, UKF and CKF agree closely on a CT + radar step.
  const ConstantTurn<2> motion(0.5, 1e-4);
  SquareMatrix<2> r = SquareMatrix<2>::Zero();
  r.diagonal() << 1e-6, 25.0;
  const BearingRange<5> measurement({0, 2}, r, Vector<2>(100.0, -50.0));
  Gaussian<5> prior;
  prior.mean << 20000.0, -150.0, 15000.0, 60.0, 0.02;
  prior.covariance.diagonal() << 100.0, 4.0, 100.0, 4.0, 1e-6;
  const Gaussian<5> ekf = ExtendedKalmanPredict(motion, prior, 2.0);
  const Gaussian<5> ukf = UnscentedKalmanPredict(motion, prior, 2.0);
  const Gaussian<5> ckf = CubatureKalmanPredict(motion, prior, 2.0);
  EXPECT_LT((ukf.mean - ekf.mean).cwiseAbs().maxCoeff(), 1e-2);
  EXPECT_LT((ckf.mean - ekf.mean).cwiseAbs().maxCoeff(), 1e-2);
  EXPECT_LT(testing::CovarianceError<5>(ukf.covariance, ekf.covariance), 1e-2);
  EXPECT_LT(testing::CovarianceError<5>(ckf.covariance, ekf.covariance), 1e-2);
  const auto z = measurement.Apply(ekf.mean);
  const auto ekf_mp = ExtendedKalmanPredictMeasurement(measurement, ekf);
  const auto ukf_mp = UnscentedKalmanPredictMeasurement(measurement, ekf);
  const auto ckf_mp = CubatureKalmanPredictMeasurement(measurement, ekf);
  EXPECT_LT(testing::CovarianceError<2>(ukf_mp.covariance, ekf_mp.covariance), 1e-3);
  EXPECT_LT(testing::CovarianceError<2>(ckf_mp.covariance, ekf_mp.covariance), 1e-3);
  EXPECT_LT((KalmanUpdate(measurement, ekf, ukf_mp, z).mean -
             KalmanUpdate(measurement, ekf, ekf_mp, z).mean)
                .cwiseAbs()
                .maxCoeff(),
            1e-2);
}

TEST(SigmaPointTest, SquareRootOfSemiDefiniteCovariance) {
  // A zero-variance component (e.g. a turn rate fixed at initiation) defeats Cholesky.
  SquareMatrix<3> p;
  p << 4.0, 2.0, 0.0, 2.0, 5.0, 0.0, 0.0, 0.0, 0.0;
  const SquareMatrix<3> s = CovarianceSquareRoot(p);
  EXPECT_TRUE(((s * s.transpose()).isApprox(p, 1e-14)));
  SquareMatrix<3> rank_one = Vector<3>(1.0, -2.0, 3.0) * Vector<3>(1.0, -2.0, 3.0).transpose();
  const SquareMatrix<3> s1 = CovarianceSquareRoot(rank_one);
  EXPECT_TRUE(((s1 * s1.transpose()).isApprox(rank_one, 1e-12)));
}

}  // namespace
}  // namespace biac::estimation
