// Checks the "no allocation per predict/update" contract: Eigen is built here with
// EIGEN_RUNTIME_NO_MALLOC, so any heap allocation by Eigen while allocation is switched off
// fails an assertion.
#define EIGEN_RUNTIME_NO_MALLOC

#include <gtest/gtest.h>

#include <cmath>

#include "biac/estimation/constant_turn.h"
#include "biac/estimation/constant_velocity.h"
#include "biac/estimation/extended_kalman.h"
#include "biac/estimation/imm.h"
#include "biac/estimation/kalman.h"
#include "biac/estimation/linear_position.h"
#include "biac/estimation/radar.h"
#include "biac/estimation/singer.h"
#include "biac/estimation/unscented.h"

namespace biac::estimation {
namespace {

class NoMalloc {
 public:
  NoMalloc() { Eigen::internal::set_is_malloc_allowed(false); }
  ~NoMalloc() { Eigen::internal::set_is_malloc_allowed(true); }
};

TEST(NoMallocTest, FiltersAndImmDoNotAllocate) {
  using Cv = ModeFilter<ConstantVelocity<2>, ExtendedKalman>;
  using Ct = ModeFilter<ConstantTurn<2>, UnscentedKalman>;
  SquareMatrix<2> a;
  a << -0.005, 0.005, 0.04, -0.04;
  const Imm<Cv, Ct> imm(
      std::make_tuple(Cv{ConstantVelocity<2>(1.0)}, Ct{ConstantTurn<2>(1.0, 1e-4)}),
      ModeTransition<2>::FromGenerator(a).value());
  SquareMatrix<2> r = SquareMatrix<2>::Zero();
  r.diagonal() << 1e-6, 25.0;
  const auto bank = imm.MakeMeasurementBank([&](const auto& motion) {
    using M = std::decay_t<decltype(motion)>;
    return BearingRange<M::kStateDim>({M::kPositionIndices[0], M::kPositionIndices[1]}, r);
  });
  Gaussian<5> init;
  init.mean << 10000.0, 100.0, 5000.0, -50.0, 0.01;
  init.covariance.diagonal() << 100.0, 25.0, 100.0, 25.0, 1e-4;
  auto state = imm.Initialize(init, Vector<2>(0.5, 0.5));
  const ConstantVelocity<2> cv(1.0);
  const Singer<2> singer(20.0, 3.0);
  const LinearPosition<4, 2> position({0, 2}, SquareMatrix<2>::Identity() * 25.0);
  Gaussian<4> g;
  g.mean << 0.0, 10.0, 0.0, 5.0;
  g.covariance.setIdentity();
  Gaussian<6> s;
  s.mean.setOnes();
  s.covariance.setIdentity();
  double sink = 0.0;
  {
    NoMalloc guard;
    for (int k = 0; k < 3; ++k) {
      state = imm.Predict(state, 5.0);
      const auto mp = imm.PredictMeasurement(bank, state);
      const Vector<2> z = mp.combined.mean;
      sink += imm.LogLikelihood(bank, state, mp, z);
      state = imm.Update(bank, state, mp, z);
      sink += imm.Combine(state).mean(0);

      g = KalmanPredict(cv, g, 1.0);
      const auto kmp = KalmanPredictMeasurement(position, g);
      g = KalmanUpdate(g, kmp, Vector<2>(kmp.mean));
      const auto ckf = CubatureKalmanPredict(cv, g, 1.0);
      sink += ckf.mean(0);
      s = KalmanPredict(singer, s, 2.0);
    }
  }
  EXPECT_TRUE(std::isfinite(sink));
  EXPECT_GT(state.probabilities.sum(), 0.99);
}

}  // namespace
}  // namespace biac::estimation
