// `biac demo`: the README's main job. It starts a node on embedded defaults (SQLite in a
// local folder, a local CA, demo users) fed in real time, over loopback sockets, by the
// simulator's two-nation scenario, and prints how to reach it (docs/node.md, "Demo").
// `biac demo --tracking` runs the offline tracking demo of the first release instead.

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <filesystem>

#include "biac/app/commands.h"
#include "biac/app/feed_decode.h"
#include "biac/app/feeder.h"
#include "biac/app/node.h"
#include "biac/app/node_signals.h"
#include "biac/app/serve_config.h"
#include "biac/app/track_runner.h"
#include "biac/base/clock.h"
#include "biac/net/http/tls.h"
#include "biac/sim/multisource.h"
#include "biac/sim/mtt_cv2d.h"
#include "biac/sim/wire_feed.h"

namespace biac::app {
namespace {

struct DemoArgs {
  bool tracking = false;
  std::string dir = "biac-demo";
  int port = 8443;
  int cot_port = 8089;
  double speed = 1.0;
  double duration_s = 0;  // 0: until interrupted
  uint64_t scenario_seed = 1;
  std::string web_root;
  int targets = 100;
  int scans = 100;
  uint64_t seed = 20240601;
  std::string associator = "gnn";
};

int RunTrackingDemo(const DemoArgs& args) {
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
  return 0;
}

// Demo passwords: a local demonstration node on loopback only (documented in the README).
struct DemoUser {
  const char* name;
  const char* audience;
  api::Role role;
  const char* password;
};
constexpr DemoUser kDemoUsers[] = {
    {"us-analyst", "us-analyst", api::Role::kAnalyst, "us-analyst-demo"},
    {"jpn-analyst", "jpn-analyst", api::Role::kAnalyst, "jpn-analyst-demo"},
    {"us-confidential", "us-confidential", api::Role::kAnalyst, "us-confidential-demo"},
    {"coalition", "coalition-unclass", api::Role::kAnalyst, "coalition-demo"},
    {"admin", "us-analyst", api::Role::kAdmin, "admin-demo"},
};

int RunNodeDemo(const DemoArgs& args) {
  namespace fs = std::filesystem;
  const Clock& clock = SystemClock::Instance();
  // The scenario starts now, so that data times are live times.
  const int64_t now_s = clock.Now().nanos() / 1'000'000'000;
  sim::BilateralOptions options;
  options.seed = args.scenario_seed;
  options.start = Timestamp::FromNanos(now_s * 1'000'000'000);
  auto scenario = sim::GenerateBilateral(options);
  if (!scenario.ok()) {
    std::fprintf(stderr, "biac demo: %s\n", scenario.error().message().c_str());
    return 1;
  }
  auto feed = sim::BuildWireFeed(*scenario);
  if (!feed.ok()) {
    std::fprintf(stderr, "biac demo: %s\n", feed.error().message().c_str());
    return 1;
  }

  ServeConfig config;
  config.node_name = "biac-demo";
  config.data_dir = fs::absolute(fs::path(args.dir) / "data").lexically_normal().string();
  config.tls_dir = (fs::path(config.data_dir) / "tls").string();
  config.store.path = (fs::path(config.data_dir) / "biac.db").string();
  config.audit_path = (fs::path(config.data_dir) / "audit.log").string();
  config.audit_key_path = (fs::path(config.data_dir) / "audit.key").string();
  config.audit_origin = "biac-demo/audit";
  config.api_port = static_cast<uint16_t>(args.port);
  config.cot_out = args.cot_port >= 0;
  config.cot_port = static_cast<uint16_t>(std::max(0, args.cot_port));
  config.web_root = args.web_root;
  if (config.web_root.empty() && fs::exists("web/dist/index.html")) {
    config.web_root = fs::absolute("web/dist").string();
  }
  // The scenario's sources report late and out of order (partner tracks by up to tens of
  // seconds): hold observations for 10 s and show the held ones in the live picture.
  config.engine.lag_s = 10.0;
  config.engine.provenance_limit = 64;
  config.live_pending = true;
  config.publish_interval_s = 0.25;
  config.restart_replay_s = 3 * 3600.0;
  for (const sim::Audience& a : scenario->audiences) config.audiences.push_back({a.name, a.user});
  for (const DemoUser& u : kDemoUsers) {
    UserConfig user;
    user.name = u.name;
    user.audience = u.audience;
    user.role = u.role;
    user.password = u.password;
    user.certificate_subject = std::string(u.name);
    config.users.push_back(std::move(user));
  }
  // Every source of the scenario gets a listener: UDP for AIS, ASTERIX and KLV in MPEG-TS
  // (the UAV's metadata), a TCP server for Beast, CoT and STANAG 4607 GMTI (the UAV's radar).
  // A source whose format this build cannot decode is left out, with a message, rather than
  // failing the demo.
  std::vector<sim::WireTransport> transports;
  std::vector<std::string> left_out;
  for (const sim::WireSourceConfig& w : feed->sources) {
    FeedConfig f;
    f.source = FeedSourceConfigFrom(w);
    if (auto decoder = FeedDecoder::Create(f.source); !decoder.ok()) {
      std::fprintf(stderr, "biac demo: source %s (%s) left out: %s\n", w.source.c_str(),
                   std::string(sim::WireFormatName(w.format)).c_str(),
                   decoder.error().message().c_str());
      left_out.push_back(w.source);
      continue;
    }
    f.endpoint.transport =
        w.transport == sim::WireTransport::kUdp ? net::Transport::kUdp : net::Transport::kTcpServer;
    f.endpoint.host = "127.0.0.1";
    f.endpoint.port = 0;
    config.feeds.push_back(std::move(f));
    transports.push_back(w.transport);
  }
  if (!left_out.empty()) {
    std::erase_if(feed->records, [&left_out](const sim::WireRecord& r) {
      return std::find(left_out.begin(), left_out.end(), r.source) != left_out.end();
    });
    std::erase_if(feed->sources, [&left_out](const sim::WireSourceConfig& w) {
      return std::find(left_out.begin(), left_out.end(), w.source) != left_out.end();
    });
  }

  BlockStopSignals();
  auto node = Node::Start(config, &clock);
  if (!node.ok()) {
    std::fprintf(stderr, "biac demo: %s\n", node.error().message().c_str());
    return 1;
  }
  const NodeEndpoints& e = (*node)->endpoints();
  // Client certificates for the demo users (TAK clients, mTLS), made once.
  const fs::path certs = fs::path(config.data_dir) / "clients";
  fs::create_directories(certs);
  for (const DemoUser& u : kDemoUsers) {
    const std::string prefix = (certs / u.name).string();
    if (!fs::exists(prefix + ".pem")) {
      if (const Status s = net::IssueClientCertificate(config.tls_dir, u.name, prefix, 365);
          !s.ok()) {
        std::fprintf(stderr, "biac demo: %s\n", s.message().c_str());
      }
    }
  }
  PrintEndpoints(**node, config.node_name);
  std::printf("  data       %s\n", config.data_dir.c_str());
  std::printf("  scenario   %s: %zu targets (ships, aircraft, a UAV, ground vehicles), %zu "
              "observations over %.0f min from %zu sources, in real time x%g\n",
              scenario->name.c_str(), scenario->targets.size(), scenario->observations.size(),
              std::chrono::duration<double>(scenario->end - scenario->start).count() / 60,
              scenario->sources.size(), args.speed);
  std::printf("  demo users (user / password / what they may see):\n");
  for (const DemoUser& u : kDemoUsers) {
    std::string profile;
    for (const auto& a : scenario->audiences) {
      if (a.name == u.audience) profile = a.user_json;
    }
    std::printf("    %-16s %-22s %s%s\n", u.name, u.password, profile.c_str(),
                u.role == api::Role::kAdmin ? " (administrator)" : "");
  }
  std::printf("  try:\n");
  std::printf("    curl -s --cacert %s -u jpn-analyst:jpn-analyst-demo "
              "https://127.0.0.1:%u/api/v1/picture | head -c 600\n",
              e.ca_certificate.c_str(), e.api_port);
  std::printf("    curl -s --cacert %s -u us-analyst:us-analyst-demo "
              "'https://127.0.0.1:%u/api/v1/export?format=csv' | head\n",
              e.ca_certificate.c_str(), e.api_port);
  std::printf("    curl -s --cacert %s -u us-analyst:us-analyst-demo "
              "https://127.0.0.1:%u/api/v1/picture | "
              "grep -o '\"cs\":\"HUNTER11\"\\|\"src\":\\[\"uav-gmti\"\\]' | sort | uniq -c"
              "   # the MQ-9 (KLV) and its GMTI tracks\n",
              e.ca_certificate.c_str(), e.api_port);
  std::printf("  client certificates (mTLS, TAK): %s/<user>.pem and .key\n", certs.c_str());
  std::fflush(stdout);

  std::vector<FeederTarget> targets;
  for (size_t i = 0; i < feed->sources.size(); ++i) {
    for (const auto& [name, port] : e.feed_ports) {
      if (name == feed->sources[i].source) {
        targets.push_back({name, transports[i], "127.0.0.1", port});
      }
    }
  }
  const Timestamp first = scenario->start;
  auto feeder = Feeder::Start(targets, RecordsFrom(std::move(feed->records)), first, first,
                              args.speed, &clock);
  if (!feeder.ok()) {
    std::fprintf(stderr, "biac demo: %s\n", feeder.error().message().c_str());
    return 1;
  }
  const Timestamp started = clock.Now();
  int signal = 0;
  Timestamp next_report = started + std::chrono::seconds(60);
  while (signal == 0) {
    Duration wait = std::chrono::seconds(1);
    signal = WaitForStopSignal(wait);
    const Timestamp now = clock.Now();
    if (args.duration_s > 0 &&
        std::chrono::duration<double>(now - started).count() >= args.duration_s) {
      break;
    }
    if (now >= next_report) {
      next_report = now + std::chrono::seconds(60);
      const FeederStats sent = (*feeder)->stats();
      std::printf("biac demo: %llu records sent%s; tracks per audience:",
                  static_cast<unsigned long long>(sent.records),
                  sent.finished ? " (scenario finished)" : "");
      for (const auto& [name, count] : (*node)->TrackCounts()) {
        std::printf(" %s %zu", name.c_str(), count);
      }
      std::printf("\n");
      std::fflush(stdout);
    }
  }
  (*feeder)->Stop();
  const FeederStats sent = (*feeder)->stats();
  std::printf("biac demo: stopping after %llu records sent; tracks per audience:",
              static_cast<unsigned long long>(sent.records));
  for (const auto& [name, count] : (*node)->TrackCounts()) {
    std::printf(" %s %zu", name.c_str(), count);
  }
  std::printf("\n");
  (*node)->Stop();
  return 0;
}

int RunDemo(const DemoArgs& args) {
  return args.tracking ? RunTrackingDemo(args) : RunNodeDemo(args);
}

}  // namespace

CommandRunner RegisterDemoCommand(CLI::App& parent) {
  CLI::App* cmd = parent.add_subcommand(
      "demo",
      "Run a node on embedded defaults fed by the two-nation scenario in real time (--tracking: "
      "the offline tracking demo)");
  auto args = std::make_shared<DemoArgs>();
  cmd->add_option("--dir", args->dir, "Folder of the demo node's data (default biac-demo)");
  cmd->add_option("--port", args->port, "HTTPS port of the API (default 8443)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--cot-port", args->cot_port, "CoT out TLS port (default 8089; -1: off)")
      ->check(CLI::Range(-1, 65535));
  cmd->add_option("--speed", args->speed, "Scenario speed (default 1: real time)")
      ->check(CLI::Range(0.01, 100.0));
  cmd->add_option("--duration", args->duration_s, "Stop after this many seconds (0: on Ctrl-C)")
      ->check(CLI::Range(0.0, 1e7));
  cmd->add_option("--scenario-seed", args->scenario_seed, "Seed of the two-nation scenario");
  cmd->add_option("--web-root", args->web_root, "Built web page to serve (default web/dist)");
  cmd->add_flag("--tracking", args->tracking, "Run the offline tracking demo instead");
  cmd->add_option("--targets", args->targets, "--tracking: number of targets")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--scans", args->scans, "--tracking: number of scans")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--seed", args->seed, "--tracking: random seed");
  cmd->add_option("--associator", args->associator, "--tracking: gnn or jpda")
      ->check(CLI::IsMember({"gnn", "jpda"}));
  return [args] { return RunDemo(*args); };
}

}  // namespace biac::app
