#include "biac/estimation/imm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "biac/estimation/constant_acceleration.h"
#include "biac/estimation/constant_turn.h"
#include "biac/estimation/constant_velocity.h"
#include "biac/estimation/extended_kalman.h"
#include "biac/estimation/linear_position.h"
#include "biac/estimation/mode_transition.h"
#include "biac/estimation/radar.h"
#include "biac/estimation/unscented.h"

namespace biac::estimation {
namespace {

using Cv = ModeFilter<ConstantVelocity<2>, ExtendedKalman>;
using Ct = ModeFilter<ConstantTurn<2>, UnscentedKalman>;

TEST(ModeTransitionTest, BlkGeneratorAtFiveSeconds) {
  // The BLK IMM-2 generator: mean sojourn 200 s in mode 0, 25 s in mode 1.
  SquareMatrix<2> a;
  a << -0.005, 0.005, 0.04, -0.04;
  const auto transition = ModeTransition<2>::FromGenerator(a);
  ASSERT_TRUE(transition.ok());
  const SquareMatrix<2> pi = transition.value().Matrix(5.0);
  EXPECT_NEAR(pi(0, 0), 0.9776, 5e-5);
  EXPECT_NEAR(pi(0, 1), 0.0224, 5e-5);
  EXPECT_NEAR(pi(1, 0), 0.1791, 5e-5);
  EXPECT_NEAR(pi(1, 1), 0.8209, 5e-5);
  // Two-state closed form: Pi_01 = a/(a+b) (1 - e^-(a+b) t).
  const double s = 0.045;
  EXPECT_NEAR(pi(0, 1), 0.005 / s * (1.0 - std::exp(-s * 5.0)), 1e-15);
  EXPECT_NEAR(pi(1, 0), 0.04 / s * (1.0 - std::exp(-s * 5.0)), 1e-15);
  // Chapman-Kolmogorov and Pi(0) = I.
  const SquareMatrix<2> two = transition.value().Matrix(2.0);
  const SquareMatrix<2> three = transition.value().Matrix(3.0);
  EXPECT_TRUE(((two * three).isApprox(pi, 1e-14)));
  EXPECT_EQ(transition.value().Matrix(0.0), (SquareMatrix<2>::Identity()));
}

TEST(ModeTransitionTest, RejectsInvalidInput) {
  SquareMatrix<2> negative;
  negative << 0.005, -0.005, 0.04, -0.04;
  const auto bad = ModeTransition<2>::FromGenerator(negative);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("negative"), std::string::npos);
  SquareMatrix<2> not_zero_sum;
  not_zero_sum << -0.005, 0.006, 0.04, -0.04;
  EXPECT_FALSE(ModeTransition<2>::FromGenerator(not_zero_sum).ok());
  SquareMatrix<2> not_stochastic;
  not_stochastic << 0.9, 0.2, 0.1, 0.9;
  EXPECT_FALSE(ModeTransition<2>::FromMatrix(not_stochastic).ok());
  SquareMatrix<2> good;
  good << 0.95, 0.05, 0.1, 0.9;
  const auto fixed = ModeTransition<2>::FromMatrix(good);
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(fixed.value().Matrix(17.0), good);
}

Gaussian<4> CvPrior() {
  Gaussian<4> g;
  g.mean << 1000.0, 50.0, -2000.0, 20.0;
  g.covariance.diagonal() << 400.0, 100.0, 400.0, 100.0;
  g.covariance(0, 1) = g.covariance(1, 0) = 30.0;
  return g;
}

TEST(ImmTest, SingleModeEqualsItsFilter) {
  SquareMatrix<1> one = SquareMatrix<1>::Ones();
  const ConstantVelocity<2> motion(2.0);
  const Imm<Cv> imm(std::make_tuple(Cv{motion}), ModeTransition<1>::FromMatrix(one).value());
  const LinearPosition<4, 2> measurement({0, 2}, SquareMatrix<2>::Identity() * 25.0);
  const auto bank = std::make_tuple(measurement);
  auto state = imm.Initialize(CvPrior(), Vector<1>::Ones());
  Gaussian<4> reference = CvPrior();
  for (int k = 0; k < 10; ++k) {
    const double dt = 1.0 + 0.3 * k;
    state = imm.Predict(state, dt);
    reference = ExtendedKalmanPredict(motion, reference, dt);
    const auto mp = imm.PredictMeasurement(bank, state);
    const auto reference_mp = ExtendedKalmanPredictMeasurement(measurement, reference);
    const Vector<2> z = reference_mp.mean + Vector<2>(3.0 * std::sin(k), -4.0 * std::cos(k));
    EXPECT_NEAR(imm.LogLikelihood(bank, state, mp, z), LogLikelihood(measurement, reference_mp, z),
                1e-12);
    state = imm.Update(bank, state, mp, z);
    reference = KalmanUpdate(measurement, reference, reference_mp, z);
    const Gaussian<4> combined = imm.Combine(state);
    EXPECT_LT((combined.mean - reference.mean).cwiseAbs().maxCoeff(), 1e-9);
    EXPECT_LT((combined.covariance - reference.covariance).cwiseAbs().maxCoeff(), 1e-9);
    EXPECT_DOUBLE_EQ(state.probabilities(0), 1.0);
  }
}

TEST(ImmTest, TwoIdenticalModesEqualOneFilter) {
  SquareMatrix<2> a;
  a << -0.005, 0.005, 0.04, -0.04;
  const ConstantVelocity<2> motion(2.0);
  const Imm<Cv, Cv> imm(std::make_tuple(Cv{motion}, Cv{motion}),
                        ModeTransition<2>::FromGenerator(a).value());
  const LinearPosition<4, 2> measurement({0, 2}, SquareMatrix<2>::Identity() * 25.0);
  const auto bank = std::make_tuple(measurement, measurement);
  auto state = imm.Initialize(CvPrior(), Vector<2>(0.3, 0.7));
  Gaussian<4> reference = CvPrior();
  Vector<2> mu(0.3, 0.7);
  for (int k = 0; k < 10; ++k) {
    const double dt = 5.0;
    state = imm.Predict(state, dt);
    reference = ExtendedKalmanPredict(motion, reference, dt);
    // Equal likelihoods: the mode probabilities only follow the Markov chain.
    mu = imm.transition().Matrix(dt).transpose() * mu;
    const auto mp = imm.PredictMeasurement(bank, state);
    const auto reference_mp = ExtendedKalmanPredictMeasurement(measurement, reference);
    EXPECT_LT((mp.combined.covariance - reference_mp.covariance).cwiseAbs().maxCoeff(), 1e-9);
    const Vector<2> z = reference_mp.mean + Vector<2>(5.0, -2.0);
    EXPECT_NEAR(SquaredMahalanobis(measurement, mp.combined, z),
                SquaredMahalanobis(measurement, reference_mp, z), 1e-9);
    state = imm.Update(bank, state, mp, z);
    reference = KalmanUpdate(measurement, reference, reference_mp, z);
    EXPECT_LT((state.probabilities - mu).cwiseAbs().maxCoeff(), 1e-12);
    const Gaussian<4> combined = imm.Combine(state);
    EXPECT_LT((combined.mean - reference.mean).cwiseAbs().maxCoeff(), 1e-9);
    EXPECT_LT((combined.covariance - reference.covariance).cwiseAbs().maxCoeff(), 1e-9);
  }
}

TEST(ImmTest, AugmentedStateIsTheUnionOfComponents) {
  using Ca = ModeFilter<ConstantAcceleration<2>>;
  using CvCt = Imm<Cv, Ct>;
  EXPECT_EQ(CvCt::kStateDim, 5);
  EXPECT_EQ(CvCt::kPositionIndices, (std::array<int, 2>{0, 2}));
  using All = Imm<Cv, Ca, Ct>;
  EXPECT_EQ(All::kStateDim, 7);  // x vx ax y vy ay omega
  EXPECT_EQ(All::kPositionIndices, (std::array<int, 2>{0, 3}));
  EXPECT_EQ(All::kComponents[6], Component::kTurnRate);
  using Ct3 = ModeFilter<ConstantTurn<3>>;
  using Cv3 = ModeFilter<ConstantVelocity<3>>;
  EXPECT_EQ((Imm<Cv3, Ct3>::kPositionIndices), (std::array<int, 3>{0, 2, 4}));
}

// Unequal-dimension mixing, checked against the hand-written two-mode rule: mixing into CT,
// the CV posterior is augmented with CT's own turn-rate mean and variance (Granström, Willett
// & Bar-Shalom 2015); mixing into CV drops CT's turn rate.
TEST(ImmTest, UnbiasedMixingOfUnequalStates) {
  SquareMatrix<2> pi;
  pi << 0.9, 0.1, 0.2, 0.8;
  const Imm<Cv, Ct> imm(
      std::make_tuple(Cv{ConstantVelocity<2>(1.0)}, Ct{ConstantTurn<2>(1.0, 1e-4)}),
      ModeTransition<2>::FromMatrix(pi).value());
  Imm<Cv, Ct>::State posterior;
  Gaussian<4>& cv = std::get<0>(posterior.modes);
  Gaussian<5>& ct = std::get<1>(posterior.modes);
  cv.mean << 100.0, 10.0, 200.0, -5.0;
  cv.covariance = SquareMatrix<4>::Identity() * 4.0;
  ct.mean << 110.0, 8.0, 190.0, -6.0, 0.1;
  ct.covariance = SquareMatrix<5>::Identity() * 9.0;
  ct.covariance(4, 4) = 0.01;
  ct.covariance(0, 4) = ct.covariance(4, 0) = 0.05;
  posterior.probabilities << 0.4, 0.6;
  // dt = 0: the prediction is the identity, so Predict returns the mixed states.
  const auto mixed = imm.Predict(posterior, 0.0);
  const double c_cv = 0.9 * 0.4 + 0.2 * 0.6;
  const double c_ct = 0.1 * 0.4 + 0.8 * 0.6;
  EXPECT_NEAR(mixed.probabilities(0), c_cv, 1e-15);
  EXPECT_NEAR(mixed.probabilities(1), c_ct, 1e-15);

  // Into CT: weights w_cv = 0.1*0.4/c_ct, w_ct = 0.8*0.6/c_ct.
  const double w_cv = 0.1 * 0.4 / c_ct;
  const double w_ct = 0.8 * 0.6 / c_ct;
  Vector<5> cv_aug;
  cv_aug << cv.mean, ct.mean(4);
  SquareMatrix<5> cv_aug_cov = SquareMatrix<5>::Zero();
  cv_aug_cov.topLeftCorner<4, 4>() = cv.covariance;
  cv_aug_cov(4, 4) = ct.covariance(4, 4);
  const Vector<5> mean_ct = w_cv * cv_aug + w_ct * ct.mean;
  const SquareMatrix<5> cov_ct =
      w_cv * (cv_aug_cov + (cv_aug - mean_ct) * (cv_aug - mean_ct).transpose()) +
      w_ct * (ct.covariance + (ct.mean - mean_ct) * (ct.mean - mean_ct).transpose());
  const Gaussian<5>& got_ct = std::get<1>(mixed.modes);
  EXPECT_LT((got_ct.mean - mean_ct).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LT((got_ct.covariance - cov_ct).cwiseAbs().maxCoeff(), 1e-12);
  // Unbiased: the turn rate keeps CT's value (zero-padding would give w_ct * 0.1).
  EXPECT_NEAR(got_ct.mean(4), 0.1, 1e-15);
  EXPECT_NEAR(got_ct.covariance(4, 4), 0.01, 1e-15);

  // Into CV: ordinary mixing of CV with CT's [x, vx, y, vy] marginal.
  const double v_cv = 0.9 * 0.4 / c_cv;
  const double v_ct = 0.2 * 0.6 / c_cv;
  const Vector<4> ct4 = ct.mean.head<4>();
  const Vector<4> mean_cv = v_cv * cv.mean + v_ct * ct4;
  const SquareMatrix<4> cov_cv =
      v_cv * (cv.covariance + (cv.mean - mean_cv) * (cv.mean - mean_cv).transpose()) +
      v_ct * (ct.covariance.topLeftCorner<4, 4>() + (ct4 - mean_cv) * (ct4 - mean_cv).transpose());
  const Gaussian<4>& got_cv = std::get<0>(mixed.modes);
  EXPECT_LT((got_cv.mean - mean_cv).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LT((got_cv.covariance - cov_cv).cwiseAbs().maxCoeff(), 1e-12);

  // Combined output: the turn rate comes from CT alone, the rest is the usual mixture.
  const Gaussian<5> combined = imm.Combine(posterior);
  EXPECT_NEAR(combined.mean(4), 0.1, 1e-15);
  EXPECT_NEAR(combined.covariance(4, 4), 0.01, 1e-15);
  EXPECT_NEAR(combined.mean(0), 0.4 * 100.0 + 0.6 * 110.0, 1e-12);
}

TEST(ImmTest, ThreeModesFillEachMissingGroupFromItsCarriers) {
  using Ca = ModeFilter<ConstantAcceleration<2>>;
  SquareMatrix<3> pi = SquareMatrix<3>::Constant(0.05);
  pi.diagonal().setConstant(0.9);
  const Imm<Cv, Ca, Ct> imm(
      std::make_tuple(Cv{ConstantVelocity<2>(1.0)}, Ca{ConstantAcceleration<2>(0.1)},
                      Ct{ConstantTurn<2>(1.0, 1e-4)}),
      ModeTransition<3>::FromMatrix(pi).value());
  Imm<Cv, Ca, Ct>::State s;
  std::get<0>(s.modes).mean << 0.0, 10.0, 0.0, 5.0;
  std::get<0>(s.modes).covariance = SquareMatrix<4>::Identity();
  std::get<1>(s.modes).mean << 1.0, 11.0, 2.0, 1.0, 6.0, -1.0;  // ax = 2, ay = -1
  std::get<1>(s.modes).covariance = SquareMatrix<6>::Identity() * 2.0;
  std::get<2>(s.modes).mean << -1.0, 9.0, 1.0, 4.0, 0.05;
  std::get<2>(s.modes).covariance = SquareMatrix<5>::Identity() * 3.0;
  s.probabilities << 0.5, 0.3, 0.2;
  const Gaussian<7> combined = imm.Combine(s);  // [x vx ax y vy ay omega]
  EXPECT_NEAR(combined.mean(2), 2.0, 1e-14);    // ax only from CA
  EXPECT_NEAR(combined.mean(5), -1.0, 1e-14);
  EXPECT_NEAR(combined.mean(6), 0.05, 1e-14);  // omega only from CT
  EXPECT_NEAR(combined.covariance(6, 6), 3.0, 1e-14);
  EXPECT_NEAR(combined.mean(0), 0.5 * 0.0 + 0.3 * 1.0 + 0.2 * -1.0, 1e-14);
  // Positive definite.
  EXPECT_EQ(Eigen::LLT<SquareMatrix<7>>(combined.covariance).info(), Eigen::Success);
  const auto predicted = imm.Predict(s, 2.0);
  EXPECT_NEAR(predicted.probabilities.sum(), 1.0, 1e-15);
}

TEST(ImmTest, TurnModeWinsDuringATurnWithRadar) {
  // Noise-free radar plots of a target flying straight for 60 s, then turning at 3 deg/s.
  SquareMatrix<2> a;
  a << -0.005, 0.005, 0.04, -0.04;
  const Imm<Cv, Ct> imm(
      std::make_tuple(Cv{ConstantVelocity<2>(0.1)}, Ct{ConstantTurn<2>(0.1, 1e-4)}),
      ModeTransition<2>::FromGenerator(a).value());
  SquareMatrix<2> r = SquareMatrix<2>::Zero();
  r.diagonal() << std::pow(0.1 * std::numbers::pi / 180.0, 2), 25.0;
  const Vector<2> sensor(-20000.0, -10000.0);
  const auto bank = imm.MakeMeasurementBank([&](const auto& motion) {
    using M = std::decay_t<decltype(motion)>;
    return BearingRange<M::kStateDim>({M::kPositionIndices[0], M::kPositionIndices[1]}, r, sensor);
  });
  const ConstantTurn<2> truth_model(0.0, 0.0);
  Vector<5> truth;
  truth << 0.0, 200.0, 0.0, 0.0, 0.0;
  Gaussian<5> init;
  init.mean = truth;
  init.covariance.diagonal() << 100.0, 100.0, 100.0, 100.0, 1e-4;
  auto state = imm.Initialize(init, Vector<2>(0.5, 0.5));
  const double dt = 5.0;
  double cv_after_straight = 0.0;
  double ct_during_turn = 0.0;  // mean over the 22 scans from the third of the turn
  for (int k = 1; k <= 36; ++k) {
    if (k == 13) truth(4) = 3.0 * std::numbers::pi / 180.0;
    truth = truth_model.Apply(truth, dt);
    state = imm.Predict(state, dt);
    const auto mp = imm.PredictMeasurement(bank, state);
    const Vector<2> z = std::get<0>(bank).Apply(truth.head<4>());
    state = imm.Update(bank, state, mp, z);
    if (k == 12) cv_after_straight = state.probabilities(0);
    if (k >= 15) ct_during_turn += state.probabilities(1) / 22.0;
  }
  EXPECT_GT(cv_after_straight, 0.9);
  EXPECT_GT(ct_during_turn, 0.9);
  const Gaussian<5> combined = imm.Combine(state);
  EXPECT_NEAR(combined.mean(4), truth(4), 0.2 * truth(4));
  EXPECT_LT(std::hypot(combined.mean(0) - truth(0), combined.mean(2) - truth(2)), 50.0);
}

}  // namespace
}  // namespace biac::estimation
