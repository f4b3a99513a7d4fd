// `biac demo`: until the node exists, the main job runs a tracking scenario end to end
// (simulate, track, score) and prints what it found.

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "biac/app/commands.h"
#include "biac/app/track_runner.h"
#include "biac/sim/mtt_cv2d.h"

namespace biac::app {
namespace {

struct DemoArgs {
  int targets = 100;
  int scans = 100;
  uint64_t seed = 20240601;
  std::string associator = "gnn";
};

int RunDemo(const DemoArgs& args) {
  sim::MttCv2dOptions options;
  options.targets = args.targets;
  options.scans = args.scans;
  options.seed = args.seed;
  if (const Status s = sim::ValidateMttCv2d(options); !s.ok()) {
    std::fprintf(stderr, "biac demo: %s\n", s.message().c_str());
    return 2;
  }
  const sim::SimulationOutput scenario = sim::GenerateMttCv2d(options);

  const std::vector<Scan> scans = ScansFromSimulation(scenario);
  const metrics::Trajectories truth = TruthFromSimulation(scenario);

  TrackConfig config;  // the MTT-CV2D configuration
  if (args.associator == "jpda") {
    config.tracker.associator = tracking::AssociatorKind::kJpda;
    config.tracker.hypothesiser.kind = tracking::HypothesisKind::kProbability;
  }
  auto run = RunTracker(config, scans);
  if (!run.ok()) {
    std::fprintf(stderr, "biac demo: %s\n", run.error().message().c_str());
    return 1;
  }
  auto score = ScoreRun(config, *run, truth);
  if (!score.ok()) {
    std::fprintf(stderr, "biac demo: %s\n", score.error().message().c_str());
    return 1;
  }

  const size_t detections = scenario.detections.size();
  size_t clutter = 0;
  for (const auto& d : scenario.detections) clutter += d.truth_id == sim::kClutter ? 1 : 0;
  const double side_km = sim::MttCv2dRegionSide(options) / 1000.0;
  std::printf("biac demo: offline tracking of the MTT-CV2D scenario\n");
  std::printf("  scenario   %d targets in a %.2f km square, %d scans of 1 s, seed %llu\n",
              args.targets, side_km, args.scans, static_cast<unsigned long long>(args.seed));
  std::printf("  sensor     position, sigma 10 m, Pd 0.9; %zu detections (%zu clutter)\n",
              detections, clutter);
  std::printf(
      "  tracker    %s, constant velocity (q 0.1), confirm on 3 updates, delete after 3 misses\n",
      args.associator == "gnn" ? "GNN" : "JPDA");
  std::printf("  found      %llu tracks confirmed, %zu alive at the end (truth: %d targets)\n",
              static_cast<unsigned long long>(run->confirmed), run->alive_at_end, args.targets);
  const auto& g = score->gospa;
  std::printf(
      "  accuracy   GOSPA (c 100 m, p 1, alpha 2) mean %.2f = localisation %.2f + missed %.2f + "
      "false %.2f\n",
      g.distance, g.localisation, g.missed, g.false_tracks);
  std::printf("             OSPA (c 100 m, p 1) mean %.3f m\n", score->ospa);
  const double per_scan_ms = 1e3 * run->cpu_seconds / std::max(1, args.scans);
  std::printf(
      "  speed      %.3f ms of CPU per scan, %s detections/s (one core; wall %.3f ms per scan)\n",
      per_scan_ms,
      fmt::format("{:.0f}", run->cpu_seconds > 0 ? detections / run->cpu_seconds : 0.0).c_str(),
      1e3 * run->seconds / std::max(1, args.scans));
  std::printf("  last states of the first tracks (t, id, x, y, vx, vy):\n");
  int shown = 0;
  const Timestamp last = run->rows.empty() ? Timestamp() : run->rows.back().time;
  for (const auto& row : run->rows) {
    if (row.time != last) continue;
    std::printf("    %5.1f  %4llu  %10.1f %10.1f %7.2f %7.2f\n", row.time.seconds(),
                static_cast<unsigned long long>(row.id), row.x, row.y, row.vx, row.vy);
    if (++shown == 5) break;
  }
  std::printf(
      "The live node (listeners, fusion, web map) arrives in a later release; see README.md.\n");
  return 0;
}

}  // namespace

CommandRunner RegisterDemoCommand(CLI::App& parent) {
  CLI::App* cmd = parent.add_subcommand(
      "demo", "Run a simulated tracking scenario end to end and print what was found");
  auto args = std::make_shared<DemoArgs>();
  cmd->add_option("--targets", args->targets, "Number of targets")->check(CLI::Range(1, 1000000));
  cmd->add_option("--scans", args->scans, "Number of scans")->check(CLI::Range(1, 100000));
  cmd->add_option("--seed", args->seed, "Random seed");
  cmd->add_option("--associator", args->associator, "gnn or jpda")
      ->check(CLI::IsMember({"gnn", "jpda"}));
  return [args] { return RunDemo(*args); };
}

}  // namespace biac::app
