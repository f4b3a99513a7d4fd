#include "biac/estimation/kalman.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "biac/estimation/angle_only.h"
#include "biac/estimation/angles.h"
#include "biac/estimation/constant_velocity.h"
#include "biac/estimation/extended_kalman.h"
#include "biac/estimation/linear_position.h"

namespace biac::estimation {
namespace {

// x_k = x_{k-1} + w, w ~ N(0, q): the scalar random walk.
struct RandomWalk {
  [[maybe_unused]] static constexpr int kStateDim = 1;
  double q;
  SquareMatrix<1> TransitionMatrix(double /*dt*/) const { return SquareMatrix<1>::Identity(); }
  SquareMatrix<1> ProcessNoise(double /*dt*/) const { return SquareMatrix<1>::Constant(q); }
};

TEST(KalmanTest, ScalarRandomWalkReachesRiccatiSteadyState) {
  // Predicted variance P solves P = P - P^2/(P + r) + q, i.e. P^2 - q P - q r = 0.
  const double q = 0.3;
  const double r = 2.0;
  const RandomWalk motion{q};
  const LinearPosition<1, 1> measurement({0}, SquareMatrix<1>::Constant(r));
  Gaussian<1> state{Vector<1>::Zero(), SquareMatrix<1>::Constant(100.0)};
  Gaussian<1> prediction;
  for (int k = 0; k < 200; ++k) {
    prediction = KalmanPredict(motion, state, 1.0);
    const auto mp = KalmanPredictMeasurement(measurement, prediction);
    state = KalmanUpdate(prediction, mp, Vector<1>(1.0));
  }
  const double expected = (q + std::sqrt(q * q + 4.0 * q * r)) / 2.0;
  EXPECT_NEAR(prediction.covariance(0, 0), expected, 1e-12);
  // Posterior variance P r / (P + r).
  EXPECT_NEAR(state.covariance(0, 0), expected * r / (expected + r), 1e-12);
  // The mean converges to the constant measurement.
  EXPECT_NEAR(state.mean(0), 1.0, 1e-9);
}

TEST(KalmanTest, OneStepMatchesHandComputation) {
  // Prior x = [0, 1], P = I; dt = 1, q = 0: x' = [1, 1], P' = [[2, 1], [1, 1]].
  // Position measured with R = 1: S = 3, K = [2/3, 1/3]; z = 2 gives innovation 1.
  const ConstantVelocity<1> motion(0.0);
  const LinearPosition<2, 1> measurement({0}, SquareMatrix<1>::Identity());
  Gaussian<2> prior;
  prior.mean << 0.0, 1.0;
  prior.covariance.setIdentity();
  const Gaussian<2> prediction = KalmanPredict(motion, prior, 1.0);
  EXPECT_DOUBLE_EQ(prediction.mean(0), 1.0);
  EXPECT_DOUBLE_EQ(prediction.covariance(0, 0), 2.0);
  EXPECT_DOUBLE_EQ(prediction.covariance(0, 1), 1.0);
  const auto mp = KalmanPredictMeasurement(measurement, prediction);
  EXPECT_DOUBLE_EQ(mp.covariance(0, 0), 3.0);
  const Vector<1> z(2.0);
  const Gaussian<2> posterior = KalmanUpdate(prediction, mp, z);
  EXPECT_NEAR(posterior.mean(0), 1.0 + 2.0 / 3.0, 1e-15);
  EXPECT_NEAR(posterior.mean(1), 1.0 + 1.0 / 3.0, 1e-15);
  EXPECT_NEAR(posterior.covariance(0, 0), 2.0 / 3.0, 1e-15);
  EXPECT_NEAR(posterior.covariance(0, 1), 1.0 / 3.0, 1e-15);
  EXPECT_NEAR(posterior.covariance(1, 1), 2.0 / 3.0, 1e-15);
  // Joseph form and the model-aware overload agree with it.
  const Gaussian<2> joseph = KalmanUpdateJoseph(measurement, prediction, mp, z);
  EXPECT_TRUE(joseph.covariance.isApprox(posterior.covariance, 1e-14));
  const Gaussian<2> with_model = KalmanUpdate(measurement, prediction, mp, z);
  EXPECT_EQ(with_model.mean, posterior.mean);
  // Distance 1^2 / 3; log N(1; 0, 3).
  EXPECT_NEAR(SquaredMahalanobis(mp, z), 1.0 / 3.0, 1e-15);
  EXPECT_NEAR(LogLikelihood(measurement, mp, z),
              -0.5 * (1.0 / 3.0 + std::log(2.0 * std::numbers::pi * 3.0)), 1e-14);
}

TEST(KalmanTest, ConstantVelocityPredictMatchesApplyAndClosedForm) {
  const ConstantVelocity<2> motion(0.5);
  Gaussian<4> prior;
  prior.mean << 10.0, 2.0, -5.0, -1.0;
  prior.covariance = SquareMatrix<4>::Identity() * 4.0;
  const double dt = 2.0;
  const Gaussian<4> prediction = KalmanPredict(motion, prior, dt);
  EXPECT_TRUE(prediction.mean.isApprox(motion.Apply(prior.mean, dt)));
  // P'_xx = 4 + dt^2 4 + q dt^3/3; P'_xv = 4 dt + q dt^2/2; P'_vv = 4 + q dt.
  EXPECT_NEAR(prediction.covariance(0, 0), 4.0 + 16.0 + 0.5 * 8.0 / 3.0, 1e-12);
  EXPECT_NEAR(prediction.covariance(0, 1), 8.0 + 0.5 * 2.0, 1e-12);
  EXPECT_NEAR(prediction.covariance(1, 1), 4.0 + 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(prediction.covariance(0, 2), 0.0);
}

TEST(KalmanTest, BearingUpdateWrapsInnovationAcrossPi) {
  // Target due -x of the sensor, predicted bearing just below +pi, measured just above -pi:
  // the innovation is +0.02 rad, not -2 pi + 0.02.
  const Bearing<4> measurement({0, 2}, SquareMatrix<1>::Constant(1e-4));
  Gaussian<4> prediction;
  const double r = 1000.0;
  prediction.mean << r * std::cos(std::numbers::pi - 0.01), 0.0,
      r * std::sin(std::numbers::pi - 0.01), 0.0;
  prediction.covariance = SquareMatrix<4>::Identity() * 100.0;
  const auto mp = ExtendedKalmanPredictMeasurement(measurement, prediction);
  EXPECT_NEAR(mp.mean(0), std::numbers::pi - 0.01, 1e-12);
  const Vector<1> z(-std::numbers::pi + 0.01);
  EXPECT_NEAR(measurement.Residual(z, mp.mean)(0), 0.02, 1e-12);
  EXPECT_NEAR(SquaredMahalanobis(measurement, mp, z), 0.02 * 0.02 / mp.covariance(0, 0), 1e-9);
  const Gaussian<4> posterior = KalmanUpdate(measurement, prediction, mp, z);
  // The bearing moved counter-clockwise past pi by roughly the gain share of 0.02 rad; the
  // unwrapped update would have thrown the target kilometres away.
  const double new_bearing = std::atan2(posterior.mean(2), posterior.mean(0));
  EXPECT_LT(WrapToPi(new_bearing - (std::numbers::pi - 0.01)), 0.02);
  EXPECT_GT(WrapToPi(new_bearing - (std::numbers::pi - 0.01)), 0.0);
  EXPECT_NEAR(std::hypot(posterior.mean(0), posterior.mean(2)), r, 1.0);
}

TEST(AnglesTest, WrapToPiRange) {
  const double pi = std::numbers::pi;
  EXPECT_DOUBLE_EQ(WrapToPi(0.3), 0.3);
  EXPECT_DOUBLE_EQ(WrapToPi(-0.3), -0.3);
  EXPECT_DOUBLE_EQ(WrapToPi(pi), pi);
  EXPECT_DOUBLE_EQ(WrapToPi(-pi), pi);  // (-pi, pi]
  EXPECT_NEAR(WrapToPi(3.0 * pi), pi, 1e-15);
  EXPECT_NEAR(WrapToPi(2.0 * pi + 0.1), 0.1, 1e-15);
  EXPECT_NEAR(WrapToPi(-2.0 * pi - 0.1), -0.1, 1e-15);
  EXPECT_NEAR(WrapToPi(pi + 0.01), -pi + 0.01, 1e-15);
  EXPECT_NEAR(WrapToPi(-pi - 0.01), pi - 0.01, 1e-15);
  for (double a = -20.0; a < 20.0; a += 0.37) {
    const double w = WrapToPi(a);
    EXPECT_GT(w, -pi);
    EXPECT_LE(w, pi);
    EXPECT_NEAR(std::remainder(w - a, 2.0 * pi), 0.0, 1e-13);
  }
}

}  // namespace
}  // namespace biac::estimation
