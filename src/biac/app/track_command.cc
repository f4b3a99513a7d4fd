// `biac track`: runs the configured tracker offline over a detections CSV, writes the
// confirmed tracks and prints one JSON object of counts, timing and (with --truth) metrics.

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>

#include "biac/app/commands.h"
#include "biac/app/table_io.h"
#include "biac/app/track_config.h"
#include "biac/app/track_runner.h"
#include "biac/base/number_format.h"

namespace biac::app {
namespace {

// Rows with equal time form one scan; scans are ordered by time (a stable sort keeps the
// file's order within a scan).

Result<std::vector<Scan>> ReadScans(const std::string& path) {
  BIAC_ASSIGN_OR_RETURN(const NumericTable table, ReadNumericCsv(path, {"time", "x", "y"}));
  const auto& t = table.Column("time");
  const auto& x = table.Column("x");
  const auto& y = table.Column("y");
  std::vector<size_t> order(t.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return t[a] < t[b]; });
  std::vector<Scan> scans;
  double scan_key = 0.0;  // the file's exact time value of the current scan
  for (size_t i : order) {
    if (scans.empty() || t[i] != scan_key) {
      scan_key = t[i];
      scans.push_back({Timestamp::FromSeconds(t[i]), {}});
    }
    tracking::Detection<2> d;
    d.z << x[i], y[i];
    scans.back().detections.push_back(d);
  }
  return scans;
}

Status WriteTracks(const std::string& path, const RunSummary& run) {
  std::ofstream out(path);
  if (!out) return Unavailable(path + ": cannot open for writing");
  std::string line = "time,track_id,x,y,vx,vy\n";
  out << line;
  for (const auto& row : run.rows) {
    line.clear();
    AppendShortest(line, row.time.seconds());
    line += ',';
    line += std::to_string(row.id);
    for (double v : {row.x, row.y, row.vx, row.vy}) {
      line += ',';
      AppendShortest(line, v);
    }
    line += '\n';
    out << line;
  }
  if (!out) return Unavailable(path + ": write failed");
  return Status::Ok();
}

}  // namespace

CommandRunner RegisterTrackCommand(CLI::App& parent) {
  CLI::App* cmd = parent.add_subcommand(
      "track", "Run the tracker offline over detections; write tracks, print metrics as JSON");
  struct Args {
    std::string detections, truth, config, out;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("--detections", args->detections, "Detections CSV with columns time,x,y")
      ->required();
  cmd->add_option("--truth", args->truth, "Truth CSV with columns time,id,x,y (for metrics)");
  cmd->add_option("--config", args->config, "Tracker configuration (TOML)");
  cmd->add_option("--out", args->out, "Write confirmed tracks here (time,track_id,x,y,vx,vy)");
  return [args]() -> int {
    auto fail = [](const Status& s) {
      std::fprintf(stderr, "biac track: %s\n", s.message().c_str());
      return 1;
    };
    TrackConfig config;
    if (!args->config.empty()) {
      auto loaded = LoadTrackConfig(args->config);
      if (!loaded.ok()) return fail(loaded.error());
      config = *loaded;
    }
    auto scans = ReadScans(args->detections);
    if (!scans.ok()) return fail(scans.error());
    size_t detections = 0;
    for (const auto& s : *scans) detections += s.detections.size();
    auto run = RunTracker(config, *scans);
    if (!run.ok()) return fail(run.error());
    if (!args->out.empty()) {
      const Status s = WriteTracks(args->out, *run);
      if (!s.ok()) return fail(s);
    }
    nlohmann::ordered_json j;
    j["scans"] = scans->size();
    j["detections"] = detections;
    j["tracks_confirmed"] = run->confirmed;
    j["seconds"] = run->seconds;
    j["detections_per_second"] = run->seconds > 0 ? detections / run->seconds : 0.0;
    if (!args->truth.empty()) {
      auto truth = ReadNumericCsv(args->truth, {"time", "id", "x", "y"});
      if (!truth.ok()) return fail(truth.error());
      metrics::Trajectories truth_tracks;
      const auto& tt = truth->Column("time");
      const auto& ti = truth->Column("id");
      const auto& tx = truth->Column("x");
      const auto& ty = truth->Column("y");
      for (size_t i = 0; i < tt.size(); ++i) {
        truth_tracks.Add(Timestamp::FromSeconds(tt[i]), static_cast<int64_t>(ti[i]),
                         {tx[i], ty[i], 0.0});
      }
      auto scores = ScoreRun(config, *run, truth_tracks);
      if (!scores.ok()) return fail(scores.error());
      const auto& gospa = scores->gospa;
      const double ospa = scores->ospa;
      j["gospa"] = {{"c", config.gospa_c},
                    {"p", config.gospa_p},
                    {"alpha", config.gospa_alpha},
                    {"mean", gospa.distance},
                    {"localisation", gospa.localisation},
                    {"missed", gospa.missed},
                    {"false", gospa.false_tracks}};
      j["ospa"] = {{"c", config.ospa_c}, {"p", config.ospa_p}, {"mean", ospa}};
    }
    std::printf("%s\n", j.dump().c_str());
    return 0;
  };
}

}  // namespace biac::app
