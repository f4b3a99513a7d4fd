// `biac sim`: simulate a scenario (a built-in name or a TOML file) and write its truth and
// detections as CSV (contract: docs/sim.md), then print a one-line JSON summary.
//   biac sim --scenario FILE|NAME --out DIR [--n N] [--scans K] [--seed S]
// Exit codes: 0 done, 1 the scenario or the output could not be read or written, 2 bad usage.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "biac/app/commands.h"
#include "biac/sim/builtin.h"
#include "biac/sim/csv.h"

namespace biac::app {
namespace {

struct SimArgs {
  std::string scenario;
  std::string out;
  int targets = 0;
  int scans = 0;
  std::uint64_t seed = 0;
};

std::string BuiltinList() {
  std::string list;
  for (std::string_view name : sim::BuiltinScenarioNames()) {
    if (!list.empty()) list += ", ";
    list += name;
  }
  return list;
}

}  // namespace

CommandRunner RegisterSimCommand(CLI::App& parent) {
  auto args = std::make_shared<SimArgs>();
  CLI::App* cmd = parent.add_subcommand(
      "sim", "Simulate a scenario and write truth.csv, detections.csv, detections_truth.csv");
  cmd->add_option("--scenario", args->scenario,
                  "Built-in scenario name (" + BuiltinList() + ") or a scenario TOML file")
      ->required();
  cmd->add_option("--out", args->out, "Output directory (created if missing)")->required();
  CLI::Option* n_opt = cmd->add_option("--n", args->targets, "Number of targets (mtt-cv2d only)")
                           ->check(CLI::Range(1, 10'000'000));
  CLI::Option* scans_opt =
      cmd->add_option("--scans", args->scans, "Number of scans")->check(CLI::Range(1, 100'000'000));
  CLI::Option* seed_opt = cmd->add_option("--seed", args->seed, "Random seed (64-bit unsigned)");

  return [args, n_opt, scans_opt, seed_opt]() -> int {
    sim::SimulationRequest request;
    request.scenario = args->scenario;
    if (n_opt->count() > 0) {
      if (args->scenario != sim::kMttCv2dName) {
        std::fprintf(stderr, "biac sim: --n applies only to --scenario %s\n",
                     std::string(sim::kMttCv2dName).c_str());
        return 2;
      }
      request.targets = args->targets;
    }
    if (scans_opt->count() > 0) request.scans = args->scans;
    if (seed_opt->count() > 0) request.seed = args->seed;

    Result<sim::SimulationOutput> output = sim::RunSimulation(request);
    if (!output.ok()) {
      std::fprintf(stderr, "biac sim: %s\n", output.error().message().c_str());
      return 1;
    }
    const Status written = sim::WriteSimulationCsv(*output, args->out);
    if (!written.ok()) {
      std::fprintf(stderr, "biac sim: %s\n", written.message().c_str());
      return 1;
    }
    const nlohmann::ordered_json summary = {{"scans", output->scans},
                                            {"targets", output->targets},
                                            {"detections", output->detections.size()},
                                            {"out", args->out}};
    std::printf("%s\n", summary.dump().c_str());
    return 0;
  };
}

}  // namespace biac::app
