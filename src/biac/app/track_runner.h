#pragma once

// Running the offline tracker over scans of 2-D position detections, and scoring its output
// against truth: shared by `biac track` and `biac demo`.

#include <vector>

#include "biac/app/track_config.h"
#include "biac/base/status.h"
#include "biac/base/time.h"
#include "biac/metrics/ospa.h"
#include "biac/sim/simulation.h"
#include "biac/tracking/track.h"

namespace biac::app {

struct Scan {
  Timestamp time;
  std::vector<tracking::Detection<2>> detections;
};

struct RunSummary {
  double seconds = 0.0;      // wall time spent in the tracker's Step() only
  double cpu_seconds = 0.0;  // this thread's CPU time in Step() (unaffected by other load)
  uint64_t confirmed = 0;
  size_t alive_at_end = 0;
  // Every reported state of every confirmed track, sorted by time then id.
  struct Row {
    Timestamp time;
    uint64_t id;
    double x, y, vx, vy;
  };
  std::vector<Row> rows;
};

// The position detections of a simulation (its first two measurement components), one scan
// per distinct time, in the simulation's order.
std::vector<Scan> ScansFromSimulation(const sim::SimulationOutput& simulation);
// The simulation's truth as trajectories for the metrics.
metrics::Trajectories TruthFromSimulation(const sim::SimulationOutput& simulation);

// Runs the tracker that `config` describes over the scans, in order.
Result<RunSummary> RunTracker(const TrackConfig& config, const std::vector<Scan>& scans);

struct MetricsSummary {
  metrics::GospaComponents gospa;  // means over time
  double ospa = 0.0;               // mean over time
};

// GOSPA and OSPA (position only, averaged over the union of track and truth times) of the
// run's tracks against the truth trajectories.
Result<MetricsSummary> ScoreRun(const TrackConfig& config, const RunSummary& run,
                                const metrics::Trajectories& truth);

}  // namespace biac::app
