#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "biac/estimation/angles.h"
#include "biac/estimation/constant_acceleration.h"
#include "biac/estimation/constant_turn.h"
#include "biac/estimation/constant_velocity.h"
#include "biac/estimation/known_turn_rate.h"
#include "biac/estimation/singer.h"
#include "biac/estimation/test_util.h"
#include "biac/estimation/turn_geometry.h"

namespace biac::estimation {
namespace {

using testing::CovarianceError;
using testing::NumericJacobian;
using testing::VanLoan;

TEST(StateLayoutTest, PositionIndices) {
  EXPECT_EQ(ConstantVelocity<2>::kPositionIndices, (std::array<int, 2>{0, 2}));
  EXPECT_EQ(ConstantVelocity<3>::kVelocityIndices, (std::array<int, 3>{1, 3, 5}));
  EXPECT_EQ(ConstantAcceleration<3>::kPositionIndices, (std::array<int, 3>{0, 3, 6}));
  EXPECT_EQ(Singer<2>::kAccelerationIndices, (std::array<int, 2>{2, 5}));
  EXPECT_EQ(ConstantTurn<3>::kPositionIndices, (std::array<int, 3>{0, 2, 4}));
  EXPECT_EQ(ConstantTurn<3>::kTurnRateIndex, 6);
  EXPECT_EQ(ConstantTurn<2>::kComponents[4], Component::kTurnRate);
}

TEST(ConstantVelocityTest, MatchesVanLoanAndIsSymmetricInTime) {
  const double q = 0.7;
  const ConstantVelocity<2> model(q);
  SquareMatrix<2> a;
  a << 0, 1, 0, 0;
  SquareMatrix<2> qc = SquareMatrix<2>::Zero();
  qc(1, 1) = q;
  const auto [f, qd] = VanLoan<2>(a, qc, 3.0);
  EXPECT_TRUE((model.TransitionMatrix(3.0).topLeftCorner<2, 2>().isApprox(f, 1e-14)));
  EXPECT_LT(CovarianceError<2>(model.ProcessNoise(3.0).bottomRightCorner<2, 2>(), qd), 1e-13);
  EXPECT_EQ(model.ProcessNoise(-3.0), model.ProcessNoise(3.0));
}

TEST(ConstantAccelerationTest, ClosedFormAndVanLoan) {
  const double q = 0.2;
  const double dt = 2.0;
  const ConstantAcceleration<2> model(q);
  const SquareMatrix<6> f = model.TransitionMatrix(dt);
  EXPECT_DOUBLE_EQ(f(0, 2), 2.0);  // dt^2/2
  EXPECT_DOUBLE_EQ(f(4, 5), 2.0);
  const SquareMatrix<6> qd = model.ProcessNoise(dt);
  EXPECT_NEAR(qd(0, 0), q * 32.0 / 20.0, 1e-15);
  EXPECT_NEAR(qd(0, 1), q * 16.0 / 8.0, 1e-15);
  EXPECT_NEAR(qd(0, 2), q * 8.0 / 6.0, 1e-15);
  EXPECT_NEAR(qd(4, 5), q * 2.0, 1e-15);
  EXPECT_DOUBLE_EQ(qd(0, 3), 0.0);
  SquareMatrix<3> a = SquareMatrix<3>::Zero();
  a(0, 1) = a(1, 2) = 1.0;
  SquareMatrix<3> qc = SquareMatrix<3>::Zero();
  qc(2, 2) = q;
  const auto [f_ref, q_ref] = VanLoan<3>(a, qc, dt);
  EXPECT_TRUE((f.topLeftCorner<3, 3>().isApprox(f_ref, 1e-14)));
  EXPECT_LT(CovarianceError<3>(qd.topLeftCorner<3, 3>(), q_ref), 1e-12);
  Vector<6> x;
  x << 1, 2, 3, 4, 5, 6;
  EXPECT_TRUE((model.Apply(x, dt).isApprox(f * x, 1e-15)));
}

TEST(SingerTest, MatchesVanLoanAcrossTheSeriesThreshold) {
  // x = K dt from 1e-6 (series) through 1 (switch) to 30 (closed form).
  const double dt = 2.0;
  const double sigma = 3.0;
  for (double x : {1e-6, 1e-3, 0.1, 0.999999, 1.0, 1.000001, 2.5, 30.0}) {
    const double damping = x / dt;
    const Singer<1> model(1.0 / damping, sigma);
    SquareMatrix<3> a = SquareMatrix<3>::Zero();
    a(0, 1) = a(1, 2) = 1.0;
    a(2, 2) = -damping;
    SquareMatrix<3> qc = SquareMatrix<3>::Zero();
    qc(2, 2) = model.noise_diff_coeff();
    const auto [f_ref, q_ref] = VanLoan<3>(a, qc, dt);
    EXPECT_TRUE((model.TransitionMatrix(dt).isApprox(f_ref, 1e-12))) << "x = " << x;
    // Van Loan cancels e^x against e^-x, so it is a reference only for moderate x.
    if (x <= 2.5) {
      EXPECT_LT(CovarianceError<3>(model.ProcessNoise(dt), q_ref), 1e-10) << "x = " << x;
    }
    // The definition Q = q int_0^dt F(s) b b' F(s)' ds by composite Simpson, F(s) being the
    // transition just checked against expm.
    constexpr int kIntervals = 20000;
    const double h = dt / kIntervals;
    SquareMatrix<3> integral = SquareMatrix<3>::Zero();
    for (int i = 0; i <= kIntervals; ++i) {
      const Vector<3> g = model.TransitionMatrix(i * h).col(2);
      const double weight = (i == 0 || i == kIntervals) ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0);
      integral += weight * g * g.transpose();
    }
    integral *= model.noise_diff_coeff() * h / 3.0;
    EXPECT_LT(CovarianceError<3>(model.ProcessNoise(dt), integral), 1e-10) << "x = " << x;
    // Stationary acceleration variance: Q33 -> sigma^2 as dt -> inf (Singer 1970).
    EXPECT_NEAR(model.ProcessNoise(1e3 / damping)(2, 2), sigma * sigma, 1e-9 * sigma * sigma);
  }
}

TEST(SingerTest, LimitsAreConstantAccelerationAndConstantVelocity) {
  const double dt = 1.5;
  // tau -> inf with q = 2 sigma^2 / tau fixed: constant acceleration with that q.
  const double q = 0.4;
  const double tau = 1e9;
  const Singer<2> slow(tau, std::sqrt(q * tau / 2.0));
  const ConstantAcceleration<2> ca(q);
  EXPECT_TRUE((slow.TransitionMatrix(dt).isApprox(ca.TransitionMatrix(dt), 1e-8)));
  EXPECT_LT(CovarianceError<6>(slow.ProcessNoise(dt), ca.ProcessNoise(dt)), 1e-8);
  // tau -> 0 with 2 sigma^2 tau = q_v fixed: the [p, v] block is constant velocity with q_v
  // (error O(tau / dt)).
  const double q_v = 2.0;
  const double tau_fast = 1e-5;
  const Singer<1> fast(tau_fast, std::sqrt(q_v / (2.0 * tau_fast)));
  const ConstantVelocity<1> cv(q_v);
  EXPECT_LT(CovarianceError<2>(fast.ProcessNoise(dt).topLeftCorner<2, 2>(), cv.ProcessNoise(dt)),
            1e-4);
  EXPECT_TRUE((fast.TransitionMatrix(dt).topLeftCorner<2, 2>().isApprox(cv.TransitionMatrix(dt))));
}

TEST(TurnGeometryTest, SeriesAndClosedFormsAgreeWithLongDouble) {
  const double dt = 2.0;
  for (double theta :
       {-2.0, -0.1000001, -0.0999999, 1e-7, 0.01, 0.05, 0.0999999, 0.1000001, 0.5, 3.0}) {
    const double omega = theta / dt;
    const auto c = turn_detail::ComputeTurnCoefficients(omega, dt);
    const long double w = omega;
    const long double t = dt;
    const long double th = w * t;
    const long double so = std::sin(th) / w;
    const long double oc = (1.0L - std::cos(th)) / w;
    const long double dso = (t * std::cos(th) - so) / w;
    const long double doc = (t * std::sin(th) - oc) / w;
    // Long double loses ~1e-19/theta^2 to cancellation in the derivatives.
    const double tol = 1e-13 + 1e-18 / (theta * theta);
    EXPECT_NEAR(c.sin_over, static_cast<double>(so), tol * dt) << theta;
    EXPECT_NEAR(c.one_minus_cos_over, static_cast<double>(oc), tol * dt) << theta;
    EXPECT_NEAR(c.d_sin_over, static_cast<double>(dso), tol * dt * dt) << theta;
    EXPECT_NEAR(c.d_one_minus_cos_over, static_cast<double>(doc), tol * dt * dt) << theta;
  }
  const auto zero = turn_detail::ComputeTurnCoefficients(0.0, dt);
  EXPECT_EQ(zero.sin_over, dt);
  EXPECT_EQ(zero.one_minus_cos_over, 0.0);
  EXPECT_EQ(zero.d_sin_over, 0.0);
  EXPECT_EQ(zero.d_one_minus_cos_over, dt * dt / 2.0);
}

TEST(KnownTurnRateTest, MatchesMatrixExponentialAndLimitsToConstantVelocity) {
  const double dt = 4.0;
  for (double omega : {0.3, -0.05, 0.01, 1e-6}) {
    const KnownTurnRate<3> model(std::array<double, 3>{1.0, 2.0, 3.0}, omega);
    // dx = vx, dvx = -omega vy, dy = vy, dvy = omega vx, dz = vz.
    SquareMatrix<6> a = SquareMatrix<6>::Zero();
    a(0, 1) = a(2, 3) = a(4, 5) = 1.0;
    a(1, 3) = -omega;
    a(3, 1) = omega;
    const SquareMatrix<6> f_ref = (a * dt).exp();
    EXPECT_TRUE((model.TransitionMatrix(dt).isApprox(f_ref, 1e-13))) << omega;
  }
  const KnownTurnRate<2> straight(0.5, 0.0);
  const ConstantVelocity<2> cv(0.5);
  EXPECT_EQ(straight.TransitionMatrix(dt), cv.TransitionMatrix(dt));
  EXPECT_EQ(straight.ProcessNoise(dt), cv.ProcessNoise(dt));
  const KnownTurnRate<2> almost(0.5, 1e-12);
  EXPECT_TRUE((almost.TransitionMatrix(dt).isApprox(cv.TransitionMatrix(dt), 1e-11)));
}

TEST(ConstantTurnTest, RotatesVelocityAndMatchesKnownTurnRate) {
  const double dt = 3.0;
  const double omega = 0.2;
  const ConstantTurn<2> model(1.0, 0.01);
  Vector<5> x;
  x << 100.0, 10.0, -50.0, 5.0, omega;
  const Vector<5> moved = model.Apply(x, dt);
  const KnownTurnRate<2> known(1.0, omega);
  EXPECT_TRUE((moved.head<4>().isApprox(known.Apply(x.head<4>(), dt), 1e-14)));
  EXPECT_EQ(moved(4), omega);
  // Speed is kept and the heading turns by omega dt.
  EXPECT_NEAR(std::hypot(moved(1), moved(3)), std::hypot(10.0, 5.0), 1e-12);
  EXPECT_NEAR(WrapToPi(std::atan2(moved(3), moved(1)) - std::atan2(5.0, 10.0)), omega * dt, 1e-12);
  // The noise is Stone Soup's block-diagonal form.
  const SquareMatrix<5> q = model.ProcessNoise(dt);
  EXPECT_NEAR(q(0, 0), 9.0, 1e-15);
  EXPECT_NEAR(q(4, 4), 0.03, 1e-15);
  EXPECT_EQ(q(0, 4), 0.0);
}

TEST(ConstantTurnTest, ZeroTurnRateIsConstantVelocity) {
  const double dt = 2.5;
  const ConstantTurn<3> model(1.0, 0.01);
  const ConstantVelocity<3> cv(1.0);
  Vector<7> x;
  x << 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 0.0;
  EXPECT_TRUE((model.Apply(x, dt).head<6>().isApprox(cv.Apply(x.head<6>(), dt), 1e-15)));
  const SquareMatrix<7> j = model.Jacobian(x, dt);
  EXPECT_TRUE((j.topLeftCorner<6, 6>().isApprox(cv.TransitionMatrix(dt), 1e-15)));
  // d x'/d omega = -vy dt^2/2, d y'/d omega = vx dt^2/2, d vx'/d omega = -vy dt.
  EXPECT_NEAR(j(0, 6), -4.0 * dt * dt / 2.0, 1e-14);
  EXPECT_NEAR(j(2, 6), 2.0 * dt * dt / 2.0, 1e-14);
  EXPECT_NEAR(j(1, 6), -4.0 * dt, 1e-14);
  EXPECT_NEAR(j(3, 6), 2.0 * dt, 1e-14);
  EXPECT_TRUE((model.ProcessNoise(dt).topLeftCorner<6, 6>().isApprox(cv.ProcessNoise(dt))));
}

TEST(ConstantTurnTest, JacobianMatchesFiniteDifferences) {
  const ConstantTurn<2> model2(1.0, 0.01);
  const ConstantTurn<3> model3(1.0, 0.01);
  for (double dt : {0.5, 4.0}) {
    for (double omega : {0.0, 1e-9, -0.01, 0.024, 0.3, -1.2}) {
      Vector<5> x;
      x << 1000.0, -120.0, 300.0, 80.0, omega;
      const SquareMatrix<5> numeric =
          NumericJacobian<5, 5>([&](const Vector<5>& s) { return model2.Apply(s, dt); }, x);
      const SquareMatrix<5> analytic = model2.Jacobian(x, dt);
      EXPECT_LT((analytic - numeric).cwiseAbs().maxCoeff(),
                1e-7 * (1.0 + analytic.cwiseAbs().maxCoeff()))
          << "dt " << dt << " omega " << omega;
      Vector<7> y;
      y << 1000.0, -120.0, 300.0, 80.0, 50.0, -3.0, omega;
      const SquareMatrix<7> numeric3 =
          NumericJacobian<7, 7>([&](const Vector<7>& s) { return model3.Apply(s, dt); }, y);
      const SquareMatrix<7> analytic3 = model3.Jacobian(y, dt);
      EXPECT_LT((analytic3 - numeric3).cwiseAbs().maxCoeff(),
                1e-7 * (1.0 + analytic3.cwiseAbs().maxCoeff()))
          << "dt " << dt << " omega " << omega;
    }
  }
}

}  // namespace
}  // namespace biac::estimation
