#include "blk_atc/blk_atc_experiment.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "biac/base/csv.h"
#include "biac/estimation/constant_turn.h"
#include "biac/estimation/discrete_white_noise.h"
#include "biac/estimation/extended_kalman.h"
#include "biac/estimation/imm.h"
#include "biac/estimation/kalman.h"
#include "biac/estimation/linear_position.h"
#include "biac/estimation/mode_transition.h"
#include "biac/estimation/types.h"
#include "biac/metrics/error_statistics.h"
#include "biac/sim/builtin.h"
#include "biac/sim/random.h"
#include "biac/sim/simulation.h"

namespace biac::blk_atc {
namespace {

namespace est = biac::estimation;

using Cv = est::ModeFilter<est::DiscreteWhiteNoiseAcceleration<2>, est::LinearKalman>;
using Ct = est::ModeFilter<est::ConstantTurn<2>, est::ExtendedKalman>;
using Imm2 = est::Imm<Cv, Cv>;
using ImmCvCt = est::Imm<Cv, Ct>;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The [x, vx, y, vy] marginal that every filter reports.
struct Estimate {
  est::Vector<4> mean;
  est::SquareMatrix<4> covariance;
  double manoeuvre_probability = kNaN;
};

est::SquareMatrix<2> MeasurementNoise() {
  return est::SquareMatrix<2>::Identity() * (kMeasurementSigma * kMeasurementSigma);
}

// One-point initialisation (TCL onePointCartInit): position from z with covariance R,
// velocity zero with sigma kInitialVelocitySigma per axis.
est::Gaussian<4> OnePointInit(const est::Vector<2>& z) {
  est::Gaussian<4> g;
  g.mean << z(0), 0.0, z(1), 0.0;
  const double v = kInitialVelocitySigma * kInitialVelocitySigma;
  g.covariance.diagonal() << kMeasurementSigma * kMeasurementSigma, v,
      kMeasurementSigma * kMeasurementSigma, v;
  return g;
}

// [x, vx, y, vy] of a state whose layout is described by position and velocity indices.
template <int N, typename Indices>
Estimate Marginal(const est::Gaussian<N>& g, const Indices& position, const Indices& velocity) {
  const std::array<int, 4> index = {position[0], velocity[0], position[1], velocity[1]};
  Estimate out;
  for (int a = 0; a < 4; ++a) {
    out.mean(a) = g.mean(index[a]);
    for (int b = 0; b < 4; ++b) out.covariance(a, b) = g.covariance(index[a], index[b]);
  }
  return out;
}

struct Run {
  std::vector<double> dt;         // dt[k] = t_k - t_{k-1}, dt[0] unused
  std::vector<est::Vector<2>> z;  // one position measurement per step
};

template <typename Record>
void RunKalman(double sigma_a, const Run& run, Record&& record) {
  const est::DiscreteWhiteNoiseAcceleration<2> motion(sigma_a);
  const est::LinearPosition<4, 2> measurement({0, 2}, MeasurementNoise());
  est::Gaussian<4> g = OnePointInit(run.z[0]);
  record(0, Estimate{g.mean, g.covariance});
  for (std::size_t k = 1; k < run.z.size(); ++k) {
    g = est::KalmanPredict(motion, g, run.dt[k]);
    const auto mp = est::KalmanPredictMeasurement(measurement, g);
    g = est::KalmanUpdate(measurement, g, mp, run.z[k]);
    record(k, Estimate{g.mean, g.covariance});
  }
}

template <typename ImmType, typename Record>
void RunImm(const ImmType& imm, const est::Gaussian<ImmType::kStateDim>& initial, const Run& run,
            Record&& record) {
  const auto bank = imm.MakeMeasurementBank([](const auto& motion) {
    using Motion = std::decay_t<decltype(motion)>;
    return est::LinearPosition<Motion::kStateDim, 2>(
        {Motion::kPositionIndices[0], Motion::kPositionIndices[1]}, MeasurementNoise());
  });
  const auto report = [&](std::size_t k, const typename ImmType::State& state) {
    Estimate e = Marginal(imm.Combine(state), ImmType::kPositionIndices, ImmType::kVelocityIndices);
    e.manoeuvre_probability = state.probabilities(1);
    record(k, e);
  };
  auto state = imm.Initialize(initial, est::Vector<2>(0.5, 0.5));
  report(0, state);
  for (std::size_t k = 1; k < run.z.size(); ++k) {
    state = imm.Predict(state, run.dt[k]);
    const auto mp = imm.PredictMeasurement(bank, state);
    state = imm.Update(bank, state, mp, run.z[k]);
    report(k, state);
  }
}

struct Accumulator {
  explicit Accumulator(int steps) : position(steps), velocity(steps), nees(steps) {}
  metrics::RmseAccumulator position;
  metrics::RmseAccumulator velocity;
  metrics::NeesAccumulator nees;
  std::vector<double> probability_sum;
};

Status Accumulate(const Estimate& e, const est::Vector<4>& truth, int k, Accumulator* acc) {
  const est::Vector<4> error = e.mean - truth;
  BIAC_RETURN_IF_ERROR(acc->position.Add(k, est::Vector<2>(error(0), error(2))));
  BIAC_RETURN_IF_ERROR(acc->velocity.Add(k, est::Vector<2>(error(1), error(3))));
  BIAC_RETURN_IF_ERROR(acc->nees.Add(k, error, e.covariance));
  if (!std::isnan(e.manoeuvre_probability)) {
    if (acc->probability_sum.empty()) acc->probability_sum.assign(acc->position.num_steps(), 0.0);
    acc->probability_sum[k] += e.manoeuvre_probability;
  }
  return Status::Ok();
}

void AppendNumber(std::string& out, double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.7g", value);
  out += buffer;
}

}  // namespace

Result<ExperimentResult> RunExperiment(int runs) {
  if (runs < 1) return InvalidArgument("blk_atc: runs must be >= 1, got " + std::to_string(runs));
  BIAC_ASSIGN_OR_RETURN(const sim::Scenario scenario, sim::BuiltinScenario("blk-atc"));
  const sim::Truth truth = sim::GenerateTruth(scenario);
  const int steps = static_cast<int>(truth.TimeCount());
  std::vector<est::Vector<4>> truth_states(steps);
  for (int k = 0; k < steps; ++k) {
    if (truth.StatesEnd(k) - truth.StatesBegin(k) != 1) {
      return FailedPrecondition("blk_atc: expected one target at t = " +
                                std::to_string(truth.times[k]));
    }
    const sim::TruthState& s = *truth.StatesBegin(k);
    truth_states[k] << s.position.x(), s.velocity.x(), s.position.y(), s.velocity.y();
  }

  est::SquareMatrix<2> generator;
  generator << -kQuietToManoeuvreRate, kQuietToManoeuvreRate, kManoeuvreToQuietRate,
      -kManoeuvreToQuietRate;
  BIAC_ASSIGN_OR_RETURN(const est::ModeTransition<2> transition,
                        est::ModeTransition<2>::FromGenerator(generator));
  const Imm2 imm2(std::make_tuple(Cv{est::DiscreteWhiteNoiseAcceleration<2>(kImmQuietSigmaA)},
                                  Cv{est::DiscreteWhiteNoiseAcceleration<2>(kImmManoeuvreSigmaA)}),
                  transition);
  const ImmCvCt imm_cvct(
      std::make_tuple(Cv{est::DiscreteWhiteNoiseAcceleration<2>(kImmQuietSigmaA)},
                      Ct{est::ConstantTurn<2>(kCtLinearNoiseDiffCoeff, kCtTurnNoiseDiffCoeff)}),
      transition);

  std::vector<Accumulator> acc(kFilterCount, Accumulator(steps));
  Run run;
  run.dt.assign(steps, 0.0);
  for (int k = 1; k < steps; ++k) run.dt[k] = truth.times[k] - truth.times[k - 1];
  run.z.resize(steps);
  Status status = Status::Ok();
  for (int r = 0; r < runs; ++r) {
    const std::vector<sim::Detection> detections = sim::GenerateDetections(
        scenario, truth,
        sim::DeriveSeed(scenario.seed, kDetectionStream + static_cast<std::uint64_t>(r)));
    if (static_cast<int>(detections.size()) != steps) {
      return FailedPrecondition("blk_atc: run " + std::to_string(r) + " has " +
                                std::to_string(detections.size()) + " detections for " +
                                std::to_string(steps) + " scans");
    }
    for (int k = 0; k < steps; ++k) {
      if (detections[k].time != truth.times[k]) {
        return FailedPrecondition("blk_atc: run " + std::to_string(r) + " detection " +
                                  std::to_string(k) + " is not at scan time " +
                                  std::to_string(truth.times[k]));
      }
      run.z[k] << detections[k].values[0], detections[k].values[1];
    }
    const auto recorder = [&](int filter) {
      return [&, filter](std::size_t k, const Estimate& e) {
        if (status.ok()) {
          status = Accumulate(e, truth_states[k], static_cast<int>(k), &acc[filter]);
        }
      };
    };
    RunKalman(kKfLowSigmaA, run, recorder(kKfLow));
    RunKalman(kKfTclSigmaA, run, recorder(kKfTcl));
    RunKalman(0.0, run, recorder(kKfExact));
    const est::Gaussian<4> initial = OnePointInit(run.z[0]);
    RunImm(imm2, initial, run, recorder(kImm2));
    est::Gaussian<5> initial_ct;
    initial_ct.mean.head<4>() = initial.mean;
    initial_ct.covariance.topLeftCorner<4, 4>() = initial.covariance;
    initial_ct.covariance(4, 4) = kInitialTurnRateSigma * kInitialTurnRateSigma;
    RunImm(imm_cvct, initial_ct, run, recorder(kImmCvCt));
    BIAC_RETURN_IF_ERROR(status);
  }

  ExperimentResult result;
  result.runs = runs;
  result.times = truth.times;
  for (int f = 0; f < kFilterCount; ++f) {
    FilterCurves& curves = result.filters[f];
    curves.name = std::string(kFilterNames[f]);
    curves.rms_position = acc[f].position.RmseSeries();
    curves.rms_velocity = acc[f].velocity.RmseSeries();
    curves.anees = acc[f].nees.AverageNeesSeries();
    for (double sum : acc[f].probability_sum) curves.manoeuvre_probability.push_back(sum / runs);
  }
  return result;
}

std::vector<int> StepsIn(const std::vector<double>& times, const Window& window) {
  std::vector<int> out;
  for (std::size_t k = 0; k < times.size(); ++k) {
    if (times[k] >= window.begin && times[k] <= window.end) out.push_back(static_cast<int>(k));
  }
  return out;
}

double PeakOver(const std::vector<double>& series, const std::vector<int>& steps) {
  double peak = -std::numeric_limits<double>::infinity();
  for (int k : steps) peak = std::max(peak, series[k]);
  return peak;
}

double MeanOver(const std::vector<double>& series, const std::vector<int>& steps) {
  if (steps.empty()) return kNaN;
  double sum = 0.0;
  for (int k : steps) sum += series[k];
  return sum / static_cast<double>(steps.size());
}

std::string FormatCsv(const ExperimentResult& result) {
  std::string out = "time";
  for (const FilterCurves& f : result.filters) {
    out += "," + f.name + "_rms_pos," + f.name + "_rms_vel," + f.name + "_anees";
    if (!f.manoeuvre_probability.empty()) out += "," + f.name + "_mu_manoeuvre";
  }
  out += '\n';
  for (std::size_t k = 0; k < result.times.size(); ++k) {
    AppendNumber(out, result.times[k]);
    for (const FilterCurves& f : result.filters) {
      for (const std::vector<double>* series : {&f.rms_position, &f.rms_velocity, &f.anees}) {
        out += ',';
        AppendNumber(out, (*series)[k]);
      }
      if (!f.manoeuvre_probability.empty()) {
        out += ',';
        AppendNumber(out, f.manoeuvre_probability[k]);
      }
    }
    out += '\n';
  }
  return out;
}

Result<ExperimentResult> ParseCsv(std::string_view text, std::string source_name) {
  BIAC_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::FromString(text, std::move(source_name)));
  BIAC_ASSIGN_OR_RETURN(const std::size_t time_column, reader.Column("time"));
  struct Columns {
    std::size_t position, velocity, anees, probability;
    bool has_probability;
  };
  std::array<Columns, kFilterCount> columns{};
  ExperimentResult result;
  for (int f = 0; f < kFilterCount; ++f) {
    const std::string name(kFilterNames[f]);
    result.filters[f].name = name;
    BIAC_ASSIGN_OR_RETURN(columns[f].position, reader.Column(name + "_rms_pos"));
    BIAC_ASSIGN_OR_RETURN(columns[f].velocity, reader.Column(name + "_rms_vel"));
    BIAC_ASSIGN_OR_RETURN(columns[f].anees, reader.Column(name + "_anees"));
    columns[f].has_probability = f == kImm2 || f == kImmCvCt;
    if (columns[f].has_probability) {
      BIAC_ASSIGN_OR_RETURN(columns[f].probability, reader.Column(name + "_mu_manoeuvre"));
    }
  }
  BIAC_RETURN_IF_ERROR(reader.ForEachRow([&](const CsvRow& row) -> Status {
    BIAC_ASSIGN_OR_RETURN(const double time, row.Double(time_column));
    result.times.push_back(time);
    for (int f = 0; f < kFilterCount; ++f) {
      FilterCurves& curves = result.filters[f];
      BIAC_ASSIGN_OR_RETURN(const double position, row.Double(columns[f].position));
      BIAC_ASSIGN_OR_RETURN(const double velocity, row.Double(columns[f].velocity));
      BIAC_ASSIGN_OR_RETURN(const double anees, row.Double(columns[f].anees));
      curves.rms_position.push_back(position);
      curves.rms_velocity.push_back(velocity);
      curves.anees.push_back(anees);
      if (columns[f].has_probability) {
        BIAC_ASSIGN_OR_RETURN(const double mu, row.Double(columns[f].probability));
        curves.manoeuvre_probability.push_back(mu);
      }
    }
    return Status::Ok();
  }));
  return result;
}

std::string FormatSummary(const ExperimentResult& result) {
  char line[512];
  std::string out;
  std::snprintf(line, sizeof line,
                "| filter | peak RMS pos %s (m) | peak RMS pos %s (m) | mean RMS pos %s / %s / %s "
                "(m) | peak RMS vel %s / %s (m/s) | mean ANEES %s / %s / %s |\n",
                kTurn1.name.data(), kTurn2.name.data(), kStraight1.name.data(),
                kStraight2.name.data(), kStraight3.name.data(), kTurn1.name.data(),
                kTurn2.name.data(), kStraight1.name.data(), kStraight2.name.data(),
                kStraight3.name.data());
  out += line;
  out += "|---|---|---|---|---|---|\n";
  const auto s1 = StepsIn(result.times, kStraight1);
  const auto s2 = StepsIn(result.times, kStraight2);
  const auto s3 = StepsIn(result.times, kStraight3);
  const auto t1 = StepsIn(result.times, kTurn1);
  const auto t2 = StepsIn(result.times, kTurn2);
  for (const FilterCurves& f : result.filters) {
    std::snprintf(line, sizeof line,
                  "| %s | %.1f | %.1f | %.1f / %.1f / %.1f | %.1f / %.1f | %.2f / %.2f / %.2f |\n",
                  f.name.c_str(), PeakOver(f.rms_position, t1), PeakOver(f.rms_position, t2),
                  MeanOver(f.rms_position, s1), MeanOver(f.rms_position, s2),
                  MeanOver(f.rms_position, s3), PeakOver(f.rms_velocity, t1),
                  PeakOver(f.rms_velocity, t2), MeanOver(f.anees, s1), MeanOver(f.anees, s2),
                  MeanOver(f.anees, s3));
    out += line;
  }
  return out;
}

}  // namespace biac::blk_atc
