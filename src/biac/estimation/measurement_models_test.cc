#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "biac/estimation/angle_only.h"
#include "biac/estimation/angles.h"
#include "biac/estimation/linear_position.h"
#include "biac/estimation/radar.h"
#include "biac/estimation/test_util.h"

namespace biac::estimation {
namespace {

using testing::NumericJacobian;

constexpr double kPi = std::numbers::pi;

// Finite differences of a measurement model whose bearing may wrap: differences go through
// the model's Residual.
template <typename Model>
Matrix<Model::kMeasDim, Model::kStateDim> NumericMeasurementJacobian(
    const Model& model, const Vector<Model::kStateDim>& x) {
  constexpr int kM = Model::kMeasDim;
  constexpr int kN = Model::kStateDim;
  const Vector<kM> centre = model.Apply(x);
  return NumericJacobian<kM, kN>(
      [&](const Vector<kN>& s) { return model.Residual(model.Apply(s), centre); }, x);
}

template <typename Model>
void ExpectJacobianMatches(const Model& model, const Vector<Model::kStateDim>& x) {
  const auto analytic = model.Jacobian(x);
  const auto numeric = NumericMeasurementJacobian(model, x);
  EXPECT_LT((analytic - numeric).cwiseAbs().maxCoeff(),
            1e-7 * (1.0 + analytic.cwiseAbs().maxCoeff()))
      << "analytic\n"
      << analytic << "\nnumeric\n"
      << numeric;
}

TEST(RadarTest, BearingRangeValuesFromAnOffsetSensor) {
  const BearingRange<4> model({0, 2}, SquareMatrix<2>::Identity(), Vector<2>(100.0, 200.0));
  Vector<4> x;
  x << 100.0 + 300.0, 5.0, 200.0 + 400.0, -2.0;
  const Vector<2> z = model.Apply(x);
  EXPECT_NEAR(z(0), std::atan2(400.0, 300.0), 1e-15);
  EXPECT_NEAR(z(1), 500.0, 1e-12);
  // Due -x of the sensor with y = -0 (atan2 gives -pi): the bearing is +pi.
  const BearingRange<4> at_origin({0, 2}, SquareMatrix<2>::Identity());
  Vector<4> behind;
  behind << -50.0, 0.0, -0.0, 0.0;
  EXPECT_EQ(std::atan2(behind(2), behind(0)), -kPi);
  EXPECT_EQ(at_origin.Apply(behind)(0), kPi);
}

TEST(RadarTest, JacobiansMatchFiniteDifferences) {
  Vector<4> x4;
  x4 << -3000.0, 120.0, 4000.0, -35.0;
  Vector<5> x5;
  x5 << -3000.0, 120.0, 4000.0, -35.0, 0.02;
  Vector<6> x6;
  x6 << -3000.0, 120.0, 4000.0, -35.0, 2500.0, 8.0;
  const Vector<2> sensor2(150.0, -60.0);
  const Vector<3> sensor3(150.0, -60.0, 20.0);
  ExpectJacobianMatches(BearingRange<4>({0, 2}, SquareMatrix<2>::Identity(), sensor2), x4);
  ExpectJacobianMatches(BearingRange<5>({0, 2}, SquareMatrix<2>::Identity(), sensor2), x5);
  ExpectJacobianMatches(BearingRangeRate<4>({0, 2}, {1, 3}, SquareMatrix<3>::Identity(), sensor2,
                                            Vector<2>(3.0, -7.0)),
                        x4);
  ExpectJacobianMatches(ElevationBearingRange<6>({0, 2, 4}, SquareMatrix<3>::Identity(), sensor3),
                        x6);
  ExpectJacobianMatches(
      ElevationBearingRangeRate<6>({0, 2, 4}, {1, 3, 5}, SquareMatrix<4>::Identity(), sensor3,
                                   Vector<3>(3.0, -7.0, 1.0)),
      x6);
  ExpectJacobianMatches(Bearing<4>({0, 2}, SquareMatrix<1>::Identity(), sensor2), x4);
  ExpectJacobianMatches(ElevationBearing<6>({0, 2, 4}, SquareMatrix<2>::Identity(), sensor3), x6);
  // Across the bearing cut: target due -x of the sensor.
  Vector<4> cut;
  cut << -5000.0, 10.0, 1e-3, 3.0;
  ExpectJacobianMatches(BearingRange<4>({0, 2}, SquareMatrix<2>::Identity()), cut);
  // A CA layout [x, vx, ax, y, vy, ay].
  Vector<6> ca;
  ca << 800.0, -20.0, 1.0, -900.0, 15.0, 0.5;
  ExpectJacobianMatches(BearingRangeRate<6>({0, 3}, {1, 4}, SquareMatrix<3>::Identity()), ca);
}

TEST(RadarTest, RangeRateIsRadialVelocity) {
  const ElevationBearingRangeRate<6> model({0, 2, 4}, {1, 3, 5}, SquareMatrix<4>::Identity(),
                                           Vector<3>::Zero(), Vector<3>(0.0, 0.0, 0.0));
  Vector<6> receding;
  receding << 300.0, 3.0, 400.0, 4.0, 0.0, 0.0;  // velocity along the line of sight, 5 m/s
  EXPECT_NEAR(model.Apply(receding)(3), 5.0, 1e-14);
  Vector<6> crossing;
  crossing << 300.0, -4.0, 400.0, 3.0, 0.0, 0.0;  // perpendicular
  EXPECT_NEAR(model.Apply(crossing)(3), 0.0, 1e-14);
}

TEST(RadarTest, InverseRecoversPositionAndRadialVelocity) {
  const Vector<3> sensor(150.0, -60.0, 20.0);
  const ElevationBearingRangeRate<6> model({0, 2, 4}, {1, 3, 5}, SquareMatrix<4>::Identity(),
                                           sensor, Vector<3>(1.0, 2.0, 0.0));
  Vector<6> x;
  x << -3000.0, 0.0, 4000.0, 0.0, 2500.0, 0.0;
  const Vector<3> los = (Vector<3>(x(0), x(2), x(4)) - sensor).normalized();
  x(1) = 1.0 + 12.0 * los(0);
  x(3) = 2.0 + 12.0 * los(1);
  x(5) = 12.0 * los(2);
  const Vector<6> back = model.Inverse(model.Apply(x));
  EXPECT_LT((back - x).cwiseAbs().maxCoeff(), 1e-9);

  const BearingRange<4> polar({0, 2}, SquareMatrix<2>::Identity(), Vector<2>(5.0, 6.0));
  Vector<4> y;
  y << -30.0, 0.0, -40.0, 0.0;
  EXPECT_LT((polar.Inverse(polar.Apply(y)) - y).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(RadarTest, InversePositionCovarianceIsLinearisedNoise) {
  // Bearing sd 0.01 rad at 1000 m, range sd 5 m, target on +y: cross-range (x) sd 10 m,
  // down-range (y) sd 5 m.
  SquareMatrix<2> r = SquareMatrix<2>::Zero();
  r(0, 0) = 1e-4;
  r(1, 1) = 25.0;
  const BearingRange<4> model({0, 2}, r);
  const Gaussian<2> p = model.InversePosition(Vector<2>(kPi / 2.0, 1000.0));
  EXPECT_NEAR(p.mean(0), 0.0, 1e-9);
  EXPECT_NEAR(p.mean(1), 1000.0, 1e-9);
  EXPECT_NEAR(p.covariance(0, 0), 100.0, 1e-9);
  EXPECT_NEAR(p.covariance(1, 1), 25.0, 1e-9);
  EXPECT_NEAR(p.covariance(0, 1), 0.0, 1e-9);

  // 3-D: the covariance is J R J' with J the finite-difference Jacobian of the inverse.
  SquareMatrix<3> r3 = SquareMatrix<3>::Zero();
  r3.diagonal() << 1e-4, 4e-4, 100.0;
  const ElevationBearingRange<6> spherical({0, 2, 4}, r3, Vector<3>(1.0, 2.0, 3.0));
  const Vector<3> z(0.3, -2.5, 12000.0);
  const Gaussian<3> g = spherical.InversePosition(z);
  const SquareMatrix<3> j = NumericJacobian<3, 3>(
      [&](const Vector<3>& m) { return spherical.InversePosition(m).mean; }, z);
  EXPECT_TRUE((g.covariance.isApprox(j * r3 * j.transpose(), 1e-6)));
  const Vector<6> state = spherical.Inverse(z);
  EXPECT_LT((spherical.Apply(state) - z).cwiseAbs().maxCoeff(), 1e-9);
}

TEST(RadarTest, ResidualWrapsOnlyTheBearing) {
  const ElevationBearingRange<6> model({0, 2, 4}, SquareMatrix<3>::Identity());
  const Vector<3> z(0.1, -kPi + 0.01, 1000.0);
  const Vector<3> zhat(0.2, kPi - 0.01, 990.0);
  const Vector<3> residual = model.Residual(z, zhat);
  EXPECT_NEAR(residual(0), -0.1, 1e-15);
  EXPECT_NEAR(residual(1), 0.02, 1e-14);
  EXPECT_NEAR(residual(2), 10.0, 1e-15);
  const BearingRange<4> polar({0, 2}, SquareMatrix<2>::Identity());
  EXPECT_NEAR(polar.Residual(Vector<2>(kPi - 0.01, 5.0), Vector<2>(-kPi + 0.01, 5.0))(0), -0.02,
              1e-14);
  const Bearing<4> bearing({0, 2}, SquareMatrix<1>::Identity());
  EXPECT_NEAR(bearing.Residual(Vector<1>(3.0), Vector<1>(-3.0))(0), 6.0 - 2.0 * kPi, 1e-14);
}

TEST(LinearPositionTest, InversePositionIsMeasurementAndNoise) {
  const SquareMatrix<2> r = SquareMatrix<2>::Identity() * 9.0;
  const LinearPosition<5, 2> model({0, 2}, r);
  const Gaussian<2> g = model.InversePosition(Vector<2>(3.0, 4.0));
  EXPECT_EQ(g.mean, Vector<2>(3.0, 4.0));
  EXPECT_EQ(g.covariance, r);
  EXPECT_EQ(model.Residual(Vector<2>(1.0, 1.0), Vector<2>(0.5, 3.0)), Vector<2>(0.5, -2.0));
}

}  // namespace
}  // namespace biac::estimation
