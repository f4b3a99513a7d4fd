#include "biac/estimation/discrete_white_noise.h"

#include <gtest/gtest.h>

#include <cmath>

#include "biac/estimation/constant_turn.h"
#include "biac/estimation/constant_velocity.h"
#include "biac/estimation/imm.h"
#include "biac/estimation/kalman.h"
#include "biac/estimation/linear_position.h"

namespace biac::estimation {
namespace {

TEST(DiscreteWhiteNoiseAccelerationTest, ProcessNoiseByHand) {
  // sigma_a = 2 m/s^2, T = 5 s: sigma^2 [[T^4/4, T^3/2], [T^3/2, T^2]] = [[625, 250], [250, 100]].
  const DiscreteWhiteNoiseAcceleration<2> model(2.0);
  SquareMatrix<4> expected = SquareMatrix<4>::Zero();
  expected.topLeftCorner<2, 2>() << 625.0, 250.0, 250.0, 100.0;
  expected.bottomRightCorner<2, 2>() << 625.0, 250.0, 250.0, 100.0;
  EXPECT_EQ(model.ProcessNoise(5.0), expected);
  EXPECT_EQ(model.ProcessNoise(-5.0), expected);  // backward prediction adds noise too
  SquareMatrix<4> f = SquareMatrix<4>::Identity();
  f(0, 1) = f(2, 3) = 5.0;
  EXPECT_EQ(model.TransitionMatrix(5.0), f);
  EXPECT_EQ(model.Jacobian(Vector<4>::Zero(), 5.0), f);
  const Vector<4> x(1.0, 2.0, 3.0, -4.0);
  EXPECT_EQ(model.Apply(x, 5.0), f * x);
  EXPECT_EQ(model.acceleration_sigma(), 2.0);
}

TEST(DiscreteWhiteNoiseAccelerationTest, NoiseIsOneConstantAccelerationPerInterval) {
  // Q per axis is the covariance of the state change caused by an acceleration a ~ N(0,
  // sigma^2) held over the interval: summing the motion over many small sub-steps gives
  // (dp, dv) = a (t^2/2, t), so Q = sigma^2 g g' and every axis block is singular.
  const double sigma = 0.7;
  const double t = 3.0;
  const int substeps = 3000;
  const double h = t / substeps;
  double p = 0.0, v = 0.0;
  for (int i = 0; i < substeps; ++i) {
    p += h * v + 0.5 * h * h;  // exact for a unit acceleration over the sub-step
    v += h;
  }
  const DiscreteWhiteNoiseAcceleration<3> model(sigma);
  const SquareMatrix<6> q = model.ProcessNoise(t);
  for (int a = 0; a < 3; ++a) {
    const int i = 2 * a;
    EXPECT_NEAR(q(i, i), sigma * sigma * p * p, 1e-12);
    EXPECT_NEAR(q(i, i + 1), sigma * sigma * p * v, 1e-12);
    EXPECT_NEAR(q(i + 1, i + 1), sigma * sigma * v * v, 1e-12);
    const SquareMatrix<2> block = q.block<2, 2>(i, i);
    EXPECT_NEAR(block.determinant(), 0.0, 1e-12);
  }
  // No correlation between axes.
  EXPECT_TRUE((q.block<2, 2>(0, 2).isZero(0.0)));
  EXPECT_TRUE((q.block<2, 2>(2, 4).isZero(0.0)));
}

TEST(DiscreteWhiteNoiseAccelerationTest, DiffersFromContinuousWhiteNoiseInPositionOnly) {
  // With q = sigma^2 t the continuous model (ConstantVelocity) has the same velocity
  // variance; its position variance is q t^3/3 = sigma^2 t^4/3 instead of sigma^2 t^4/4.
  const double sigma = 1.5;
  const double t = 5.0;
  const SquareMatrix<2> discrete = DiscreteWhiteNoiseAcceleration<1>(sigma).ProcessNoise(t);
  const SquareMatrix<2> continuous = ConstantVelocity<1>(sigma * sigma * t).ProcessNoise(t);
  EXPECT_NEAR(discrete(1, 1), continuous(1, 1), 1e-12);
  EXPECT_NEAR(discrete(0, 0) / continuous(0, 0), 0.75, 1e-14);
  EXPECT_NEAR(discrete(0, 1) / continuous(0, 1), 1.0, 1e-14);
  EXPECT_EQ(DiscreteWhiteNoiseAcceleration<2>::kComponents, ConstantVelocity<2>::kComponents);
}

// Kalata's alpha-beta filter (P. R. Kalata, "The tracking index", IEEE Trans. AES 20(2), 1984;
// Bar-Shalom, Li, Kirubarajan 2001, §6.5): the steady-state Kalman gain of this model with a
// position measurement of sigma_w is [alpha, beta / T] with, for the tracking index
// lambda = sigma_a T^2 / sigma_w,
//   alpha = -(lambda^2 + 8 lambda - (lambda + 4) sqrt(lambda^2 + 8 lambda)) / 8
//   beta  = (lambda^2 + 4 lambda - lambda sqrt(lambda^2 + 8 lambda)) / 4.
TEST(DiscreteWhiteNoiseAccelerationTest, SteadyStateGainIsKalatasAlphaBeta) {
  const double t = 5.0;
  const double sigma_w = 100.0;
  for (double sigma_a : {0.1, 1.0, 2.0, 20.0}) {
    const DiscreteWhiteNoiseAcceleration<1> motion(sigma_a);
    const LinearPosition<2, 1> measurement({0}, SquareMatrix<1>::Constant(sigma_w * sigma_w));
    Gaussian<2> g;
    g.covariance = SquareMatrix<2>::Identity() * 1e6;
    Vector<2> gain = Vector<2>::Zero();
    for (int k = 0; k < 5000; ++k) {
      const Gaussian<2> predicted = KalmanPredict(motion, g, t);
      const auto mp = KalmanPredictMeasurement(measurement, predicted);
      gain = mp.cross_covariance / mp.covariance(0, 0);
      g = KalmanUpdate(predicted, mp, Vector<1>(Vector<1>::Zero()));
    }
    const double lambda = sigma_a * t * t / sigma_w;
    const double root = std::sqrt(lambda * lambda + 8.0 * lambda);
    const double alpha = -(lambda * lambda + 8.0 * lambda - (lambda + 4.0) * root) / 8.0;
    const double beta = (lambda * lambda + 4.0 * lambda - lambda * root) / 4.0;
    EXPECT_NEAR(gain(0), alpha, 1e-9 * std::max(alpha, 1e-3)) << "sigma_a " << sigma_a;
    EXPECT_NEAR(gain(1), beta / t, 1e-9 * std::max(beta / t, 1e-3)) << "sigma_a " << sigma_a;
  }
}

TEST(DiscreteWhiteNoiseAccelerationTest, MixesWithConstantTurnInAnImm) {
  using Cv = ModeFilter<DiscreteWhiteNoiseAcceleration<2>, LinearKalman>;
  using Ct = ModeFilter<ConstantTurn<2>, ExtendedKalman>;
  static_assert(Imm<Cv, Ct>::kStateDim == 5);
  static_assert(Imm<Cv, Cv>::kStateDim == 4);
  EXPECT_EQ((Imm<Cv, Ct>::kPositionIndices), (std::array<int, 2>{0, 2}));
}

}  // namespace
}  // namespace biac::estimation
