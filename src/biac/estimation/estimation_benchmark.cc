// Per-cycle cost of the estimation filters: one predict + predict-measurement + update.

#include <benchmark/benchmark.h>

#include "biac/estimation/constant_turn.h"
#include "biac/estimation/constant_velocity.h"
#include "biac/estimation/extended_kalman.h"
#include "biac/estimation/imm.h"
#include "biac/estimation/kalman.h"
#include "biac/estimation/linear_position.h"
#include "biac/estimation/radar.h"
#include "biac/estimation/unscented.h"

namespace biac::estimation {
namespace {

Gaussian<4> Prior4() {
  Gaussian<4> g;
  g.mean << 10000.0, 100.0, 5000.0, -50.0;
  g.covariance.diagonal() << 100.0, 25.0, 100.0, 25.0;
  return g;
}

Gaussian<5> Prior5() {
  Gaussian<5> g;
  g.mean << 10000.0, 100.0, 5000.0, -50.0, 0.01;
  g.covariance.diagonal() << 100.0, 25.0, 100.0, 25.0, 1e-4;
  return g;
}

SquareMatrix<2> RadarNoise() {
  SquareMatrix<2> r = SquareMatrix<2>::Zero();
  r.diagonal() << 1e-6, 25.0;
  return r;
}

void BM_KalmanCv4(benchmark::State& bm) {
  const ConstantVelocity<2> motion(1.0);
  const LinearPosition<4, 2> measurement({0, 2}, SquareMatrix<2>::Identity() * 25.0);
  Gaussian<4> g = Prior4();
  for (auto _ : bm) {
    const Gaussian<4> p = KalmanPredict(motion, g, 1.0);
    const auto mp = KalmanPredictMeasurement(measurement, p);
    g = KalmanUpdate(p, mp, Vector<2>(mp.mean + Vector<2>(1.0, -1.0)));
    benchmark::DoNotOptimize(g);
  }
}
BENCHMARK(BM_KalmanCv4);

void BM_ExtendedCtRadar(benchmark::State& bm) {
  const ConstantTurn<2> motion(1.0, 1e-4);
  const BearingRange<5> measurement({0, 2}, RadarNoise());
  Gaussian<5> g = Prior5();
  const Vector<2> z = measurement.Apply(g.mean);
  for (auto _ : bm) {
    const Gaussian<5> p = ExtendedKalmanPredict(motion, g, 1.0);
    const auto mp = ExtendedKalmanPredictMeasurement(measurement, p);
    benchmark::DoNotOptimize(KalmanUpdate(measurement, p, mp, z));
  }
}
BENCHMARK(BM_ExtendedCtRadar);

void BM_UnscentedCtRadar(benchmark::State& bm) {
  const ConstantTurn<2> motion(1.0, 1e-4);
  const BearingRange<5> measurement({0, 2}, RadarNoise());
  const Gaussian<5> g = Prior5();
  const Vector<2> z = measurement.Apply(g.mean);
  for (auto _ : bm) {
    const Gaussian<5> p = UnscentedKalmanPredict(motion, g, 1.0);
    const auto mp = UnscentedKalmanPredictMeasurement(measurement, p);
    benchmark::DoNotOptimize(KalmanUpdate(measurement, p, mp, z));
  }
}
BENCHMARK(BM_UnscentedCtRadar);

void BM_CubatureCtRadar(benchmark::State& bm) {
  const ConstantTurn<2> motion(1.0, 1e-4);
  const BearingRange<5> measurement({0, 2}, RadarNoise());
  const Gaussian<5> g = Prior5();
  const Vector<2> z = measurement.Apply(g.mean);
  for (auto _ : bm) {
    const Gaussian<5> p = CubatureKalmanPredict(motion, g, 1.0);
    const auto mp = CubatureKalmanPredictMeasurement(measurement, p);
    benchmark::DoNotOptimize(KalmanUpdate(measurement, p, mp, z));
  }
}
BENCHMARK(BM_CubatureCtRadar);

SquareMatrix<2> BlkGenerator() {
  SquareMatrix<2> a;
  a << -0.005, 0.005, 0.04, -0.04;
  return a;
}

void BM_ImmTwoCv(benchmark::State& bm) {
  using Cv = ModeFilter<ConstantVelocity<2>, LinearKalman>;
  const Imm<Cv, Cv> imm(
      std::make_tuple(Cv{ConstantVelocity<2>(0.1)}, Cv{ConstantVelocity<2>(10.0)}),
      ModeTransition<2>::FromGenerator(BlkGenerator()).value());
  const LinearPosition<4, 2> measurement({0, 2}, SquareMatrix<2>::Identity() * 25.0);
  const auto bank = std::make_tuple(measurement, measurement);
  const auto state = imm.Initialize(Prior4(), Vector<2>(0.5, 0.5));
  const Vector<2> z(10001.0, 4999.0);
  for (auto _ : bm) {
    const auto p = imm.Predict(state, 5.0);
    const auto mp = imm.PredictMeasurement(bank, p);
    benchmark::DoNotOptimize(imm.Update(bank, p, mp, z));
  }
}
BENCHMARK(BM_ImmTwoCv);

void BM_ImmCvCtRadar(benchmark::State& bm) {
  using Cv = ModeFilter<ConstantVelocity<2>, ExtendedKalman>;
  using Ct = ModeFilter<ConstantTurn<2>, ExtendedKalman>;
  const Imm<Cv, Ct> imm(
      std::make_tuple(Cv{ConstantVelocity<2>(0.1)}, Ct{ConstantTurn<2>(0.1, 1e-4)}),
      ModeTransition<2>::FromGenerator(BlkGenerator()).value());
  const SquareMatrix<2> r = RadarNoise();
  const auto bank = imm.MakeMeasurementBank([&](const auto& motion) {
    using M = std::decay_t<decltype(motion)>;
    return BearingRange<M::kStateDim>({M::kPositionIndices[0], M::kPositionIndices[1]}, r);
  });
  const auto state = imm.Initialize(Prior5(), Vector<2>(0.5, 0.5));
  const Vector<2> z = std::get<1>(bank).Apply(Prior5().mean);
  for (auto _ : bm) {
    const auto p = imm.Predict(state, 5.0);
    const auto mp = imm.PredictMeasurement(bank, p);
    benchmark::DoNotOptimize(imm.Update(bank, p, mp, z));
  }
}
BENCHMARK(BM_ImmCvCtRadar);

void BM_ImmCvCtUnscentedRadar(benchmark::State& bm) {
  using Cv = ModeFilter<ConstantVelocity<2>, ExtendedKalman>;
  using Ct = ModeFilter<ConstantTurn<2>, UnscentedKalman>;
  const Imm<Cv, Ct> imm(
      std::make_tuple(Cv{ConstantVelocity<2>(0.1)}, Ct{ConstantTurn<2>(0.1, 1e-4)}),
      ModeTransition<2>::FromGenerator(BlkGenerator()).value());
  const SquareMatrix<2> r = RadarNoise();
  const auto bank = imm.MakeMeasurementBank([&](const auto& motion) {
    using M = std::decay_t<decltype(motion)>;
    return BearingRange<M::kStateDim>({M::kPositionIndices[0], M::kPositionIndices[1]}, r);
  });
  const auto state = imm.Initialize(Prior5(), Vector<2>(0.5, 0.5));
  const Vector<2> z = std::get<1>(bank).Apply(Prior5().mean);
  for (auto _ : bm) {
    const auto p = imm.Predict(state, 5.0);
    const auto mp = imm.PredictMeasurement(bank, p);
    benchmark::DoNotOptimize(imm.Update(bank, p, mp, z));
  }
}
BENCHMARK(BM_ImmCvCtUnscentedRadar);

}  // namespace
}  // namespace biac::estimation

BENCHMARK_MAIN();
