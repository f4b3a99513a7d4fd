// `biac fuse`: fuses a multi-source scenario for each audience and prints, per audience,
// GOSPA against truth, duplicate tracks, identity correctness and the leak check, and the
// GOSPA of each source alone (docs/fusion.md).
//   biac fuse --scenario NAME [--seed S] [--audience NAME]... [--cutoff M] [--step S]
//             [--lag S] [--no-single-sources] [--no-leak-check]
//             [--sharing FILE [--audit-log FILE [--audit-origin ORIGIN]]]
// With --sharing, each partner of the sharing configuration (docs/sharing.md) is fused as an
// audience too and its picture is released at the end under its rules; with --audit-log each
// release (or refusal) is appended to that audit log (docs/audit.md).
// Exit codes: 0 done (and every leak check passed), 1 a leak check failed or the scenario
// could not be built, 2 bad usage.

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <memory>
#include <string>
#include <vector>

#include "biac/app/commands.h"
#include "biac/app/fuse_run.h"
#include "biac/sim/multisource.h"

namespace biac::app {
namespace {

struct FuseArgs {
  std::string scenario;
  uint64_t seed = 1;
  std::vector<std::string> audiences;
  double cutoff = 1000.0;
  double step = 10.0;
  double lag = 10.0;
  bool no_single = false;
  bool no_leak = false;
  std::string sharing;
  std::string audit_log;
  std::string audit_origin = "biac.local/audit";
};

std::string Names() {
  std::string list;
  for (const std::string& name : sim::BuiltinMultiSourceNames()) {
    list += (list.empty() ? "" : ", ") + name;
  }
  return list;
}

}  // namespace

CommandRunner RegisterFuseCommand(CLI::App& parent) {
  auto args = std::make_shared<FuseArgs>();
  CLI::App* cmd = parent.add_subcommand(
      "fuse", "Fuse a multi-source scenario per audience and print its metrics as JSON");
  cmd->add_option("--scenario", args->scenario, "Scenario name (" + Names() + ")")->required();
  cmd->add_option("--seed", args->seed, "Random seed (64-bit unsigned)");
  cmd->add_option("--audience", args->audiences,
                  "An audience profile of the scenario (repeatable; default: all)");
  cmd->add_option("--cutoff", args->cutoff, "GOSPA cut-off distance c, metres")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--step", args->step, "Seconds between evaluations")->check(CLI::PositiveNumber);
  cmd->add_option("--lag", args->lag, "Out-of-sequence window of the engine, seconds")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--no-single-sources", args->no_single, "Skip the single-source comparison");
  cmd->add_flag("--no-leak-check", args->no_leak, "Skip the differential leak check");
  cmd->add_option("--sharing", args->sharing,
                  "Sharing configuration (TOML): release to its partners at the end");
  cmd->add_option("--audit-log", args->audit_log, "Audit log to record each release in");
  cmd->add_option("--audit-origin", args->audit_origin,
                  "Checkpoint origin line when the audit log is created");

  return [args]() -> int {
    Result<sim::MultiSourceScenario> scenario = sim::BuiltinMultiSource(args->scenario, args->seed);
    if (!scenario.ok()) {
      std::fprintf(stderr, "biac fuse: %s\n", scenario.status().message().c_str());
      return 1;
    }
    sharing::SharingConfig sharing_config;
    std::unique_ptr<audit::FileLog> log;
    if (!args->sharing.empty()) {
      std::ifstream in(args->sharing, std::ios::binary);
      if (!in) {
        std::fprintf(stderr, "biac fuse: cannot read %s\n", args->sharing.c_str());
        return 1;
      }
      std::stringstream text;
      text << in.rdbuf();
      Result<sharing::SharingConfig> parsed =
          sharing::ParseSharingConfig(text.str(), args->sharing);
      if (!parsed.ok()) {
        std::fprintf(stderr, "biac fuse: %s\n", parsed.status().message().c_str());
        return 1;
      }
      sharing_config = std::move(*parsed);
    }
    if (!args->audit_log.empty()) {
      audit::FileLogOptions log_options;
      log_options.origin = args->audit_origin;
      Result<std::unique_ptr<audit::FileLog>> opened =
          audit::FileLog::Open(args->audit_log, log_options, nullptr);
      if (!opened.ok()) {
        std::fprintf(stderr, "biac fuse: %s\n", opened.status().message().c_str());
        return 1;
      }
      log = std::move(*opened);
    }
    FuseRunOptions options;
    if (!args->sharing.empty()) options.sharing = &sharing_config;
    options.audit_log = log.get();
    options.cutoff_m = args->cutoff;
    options.eval_step_s = args->step;
    options.engine.lag_s = args->lag;
    options.single_sources = !args->no_single;
    options.leak_check = !args->no_leak;
    options.audiences = args->audiences;
    Result<FuseReport> report = RunFuse(*scenario, options);
    if (!report.ok()) {
      std::fprintf(stderr, "biac fuse: %s\n", report.status().message().c_str());
      return report.status().code() == StatusCode::kNotFound ? 2 : 1;
    }
    std::printf("%s\n", FuseReportToJson(*report).c_str());
    for (const AudienceReport& a : report->audiences) {
      if (a.leak_check_run && !a.leak_passed) {
        std::fprintf(stderr, "biac fuse: LEAK CHECK FAILED for %s: %s\n", a.name.c_str(),
                     a.leak_detail.c_str());
        return 1;
      }
    }
    return 0;
  };
}

}  // namespace biac::app
