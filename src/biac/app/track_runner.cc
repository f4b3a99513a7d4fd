#include "biac/app/track_runner.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <ctime>
#include <numbers>

#include "biac/estimation/constant_acceleration.h"
#include "biac/estimation/constant_velocity.h"
#include "biac/estimation/known_turn_rate.h"
#include "biac/estimation/linear_position.h"
#include "biac/estimation/singer.h"
#include "biac/tracking/tracker.h"

namespace biac::app {
namespace {

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Keeps only what the output needs (no covariance), in storage reserved up front, so the
// tracker's measured time is not spent growing the output.
template <int N>
class RowSink : public tracking::TrackSink<N> {
 public:
  RowSink(std::array<int, 2> pos, std::array<int, 2> vel, std::vector<RunSummary::Row>& rows)
      : pos_(pos), vel_(vel), rows_(rows) {}
  void OnState(const tracking::TrackStateRecord<N>& r) override {
    rows_.push_back(
        {r.time, r.id.value(), r.mean(pos_[0]), r.mean(pos_[1]), r.mean(vel_[0]), r.mean(vel_[1])});
  }

 private:
  std::array<int, 2> pos_, vel_;
  std::vector<RunSummary::Row>& rows_;
};

template <typename Motion>
Result<RunSummary> RunWith(Motion motion, const TrackConfig& config,
                           const std::vector<Scan>& scans) {
  constexpr int N = Motion::kStateDim;
  const auto pos = Motion::kPositionIndices;
  const auto vel = Motion::kVelocityIndices;
  estimation::Gaussian<N> prior;
  for (int a = 0; a < 2; ++a) {
    prior.covariance(vel[a], vel[a]) = config.prior_velocity_sigma * config.prior_velocity_sigma;
  }
  const double r = config.measurement_sigma * config.measurement_sigma;
  using Measurement = estimation::LinearPosition<N, 2>;
  Measurement measurement({pos[0], pos[1]}, estimation::SquareMatrix<2>::Identity() * r);
  using Filter = tracking::KalmanFilter<Motion, Measurement>;
  tracking::TrackerOptions options = config.tracker;
  options.position_indices = {pos[0], pos[1]};
  RunSummary out;
  size_t detections = 0;
  for (const Scan& scan : scans) detections += scan.detections.size();
  out.rows.reserve(detections);  // about one state per detection of a target
  RowSink<N> sink({pos[0], pos[1]}, {vel[0], vel[1]}, out.rows);
  tracking::MultiTargetTracker<Filter> tracker(Filter(motion, measurement, prior), options, &sink);
  for (const Scan& scan : scans) {
    const double cpu_start = ThreadCpuSeconds();
    const auto start = std::chrono::steady_clock::now();
    const Status s = tracker.Step(scan.time, scan.detections);
    out.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    out.cpu_seconds += ThreadCpuSeconds() - cpu_start;
    BIAC_RETURN_IF_ERROR(s);
  }
  out.confirmed = tracker.confirmed_total();
  out.alive_at_end = tracker.tracks().size();
  std::sort(out.rows.begin(), out.rows.end(), [](const auto& a, const auto& b) {
    return a.time != b.time ? a.time < b.time : a.id < b.id;
  });
  return out;
}

}  // namespace

Result<RunSummary> RunTracker(const TrackConfig& c, const std::vector<Scan>& scans) {
  switch (c.motion) {
    case MotionKind::kConstantVelocity:
      return RunWith(estimation::ConstantVelocity<2>(c.noise_diff_coeff), c, scans);
    case MotionKind::kConstantAcceleration:
      return RunWith(estimation::ConstantAcceleration<2>(c.noise_diff_coeff), c, scans);
    case MotionKind::kSinger:
      return RunWith(estimation::Singer<2>(c.singer_tau, c.singer_sigma), c, scans);
    case MotionKind::kKnownTurnRate:
      return RunWith(estimation::KnownTurnRate<2>(c.noise_diff_coeff,
                                                  c.turn_rate_deg_s * std::numbers::pi / 180.0),
                     c, scans);
  }
  return Internal("unknown motion model");
}

std::vector<Scan> ScansFromSimulation(const sim::SimulationOutput& simulation) {
  std::vector<Scan> scans;
  for (const sim::Detection& d : simulation.detections) {
    const Timestamp t = Timestamp::FromSeconds(d.time);
    if (scans.empty() || scans.back().time != t) scans.push_back({t, {}});
    tracking::Detection<2> det;
    det.z << d.values[0], d.values[1];
    scans.back().detections.push_back(det);
  }
  return scans;
}

metrics::Trajectories TruthFromSimulation(const sim::SimulationOutput& simulation) {
  metrics::Trajectories truth;
  for (const sim::TruthState& s : simulation.truth.states) {
    truth.Add(Timestamp::FromSeconds(s.time), s.id, s.position, s.velocity);
  }
  return truth;
}

Result<MetricsSummary> ScoreRun(const TrackConfig& config, const RunSummary& run,
                                const metrics::Trajectories& truth) {
  metrics::Trajectories tracks;
  for (const auto& row : run.rows) {
    tracks.Add(row.time, static_cast<int64_t>(row.id), {row.x, row.y, 0.0}, {row.vx, row.vy, 0.0});
  }
  BIAC_ASSIGN_OR_RETURN(
      const auto gospa,
      metrics::GospaOverTime(tracks, truth, {.cutoff = config.gospa_c, .order = config.gospa_p}));
  BIAC_ASSIGN_OR_RETURN(
      const auto ospa,
      metrics::OspaOverTime(tracks, truth, {.cutoff = config.ospa_c, .order = config.ospa_p}));
  return MetricsSummary{gospa.mean, ospa.mean};
}

}  // namespace biac::app
