#pragma once

// `biac fuse`: runs the fusion engine over a multi-source scenario for every audience and
// measures what each receives (docs/fusion.md, "Measuring a scenario"):
//   - GOSPA (p = 1, alpha = 2, cut-off c) of the audience's live picture against the whole
//     truth, on the horizontal plane, at every evaluation time;
//   - duplicate tracks: of the (ship, evaluation time) pairs where the ship was heard on AIS
//     and plotted by a radar the audience sees within the last `recent_s`, the fraction with
//     more than one track within the cut-off whose nearest truth is that ship;
//   - identity correctness: of the tracks assigned to a truth by GOSPA that carry an MMSI
//     or ICAO address, the fraction whose identity is the truth's;
//   - the leak check: every observation in every track's provenance is one the audience may
//     see, and at every evaluation time the picture is byte-identical (model::PictureToJson)
//     to the picture of an engine fed from a store that only ever held the observations
//     the audience may see;
//   - for comparison, the GOSPA of an engine fed each single source alone.

#include <cstdint>
#include <string>
#include <vector>

#include "biac/audit/file_log.h"
#include "biac/base/status.h"
#include "biac/fusion/engine.h"
#include "biac/sharing/config.h"
#include "biac/sim/multisource.h"

namespace biac::app {

struct FuseRunOptions {
  double cutoff_m = 1000.0;
  double eval_step_s = 10.0;
  double recent_s = 60.0;
  bool single_sources = true;
  bool leak_check = true;
  std::vector<std::string> audiences;  // empty: all of the scenario's
  fusion::EngineOptions engine;
  // Partners to release to at the end of the run (each also fused and measured as an
  // audience), and the audit log every release or refusal is written to (may be null).
  const sharing::SharingConfig* sharing = nullptr;
  audit::FileLog* audit_log = nullptr;
};

struct GospaSummary {
  double distance = 0.0;
  double localisation = 0.0;
  double missed = 0.0;
  double false_tracks = 0.0;
  int times = 0;
};

struct AudienceReport {
  std::string name;
  std::string user_json;
  std::vector<std::string> visible_sources;
  uint64_t visible_observations = 0;
  GospaSummary gospa;
  uint64_t duplicate_eligible = 0;
  uint64_t duplicate_scans = 0;
  uint64_t identity_checked = 0;
  uint64_t identity_correct = 0;
  size_t tracks_final = 0;
  bool leak_check_run = false;
  bool leak_passed = false;
  uint64_t snapshots_compared = 0;
  uint64_t provenance_checked = 0;
  std::string leak_detail;  // the first difference, when it failed
  fusion::EngineCounters counters;
};

// One release to a partner (sharing/): what was sent and where it is in the audit log.
struct PartnerRelease {
  std::string partner;
  bool released = false;
  std::string refusal;  // why not, when refused
  size_t tracks = 0;
  std::vector<std::string> rules;
  std::string label;
  std::string sha256_hex;
  bool logged = false;
  uint64_t audit_index = 0;
};

struct SourceReport {
  std::string source;
  GospaSummary gospa;
};

struct FuseReport {
  std::string scenario;
  uint64_t seed = 0;
  uint64_t observations = 0;
  int truth_targets = 0;
  std::vector<AudienceReport> audiences;
  std::vector<SourceReport> single_sources;
  std::vector<PartnerRelease> releases;
  size_t views = 0;
  uint64_t forks = 0;
};

Result<FuseReport> RunFuse(const sim::MultiSourceScenario& scenario,
                           const FuseRunOptions& options);

std::string FuseReportToJson(const FuseReport& report);

}  // namespace biac::app
