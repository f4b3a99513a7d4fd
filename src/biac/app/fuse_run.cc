#include "biac/app/fuse_run.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <map>

#include "biac/fusion/release.h"
#include "biac/geo/local_frame.h"
#include "biac/labels/access.h"
#include "biac/metrics/ospa.h"
#include "biac/model/picture_json.h"
#include "biac/sharing/release.h"

namespace biac::app {
namespace {

using model::Observation;

// Horizontal position of a point in the scenario's metric frame: the point moved to the
// ellipsoid (altitude 0) so that altitude differences (a 2-D radar track of an aircraft)
// do not count, then east and north in the tangent frame at the origin.
Eigen::Vector3d Horizontal(const geo::LocalFrame& frame, geo::Lla lla) {
  lla.altitude_m = 0.0;
  Result<geo::Enu> enu = frame.LlaToEnu(lla);
  if (!enu.ok()) return Eigen::Vector3d::Constant(std::numeric_limits<double>::quiet_NaN());
  return {enu->east, enu->north, 0.0};
}

// The track's horizontal position dead-reckoned to `time` (velocity in ENU at the track).
Eigen::Vector3d TrackAt(const geo::LocalFrame& frame, const model::FusedTrack& track,
                        Timestamp time) {
  const double dt = ToSeconds(time - track.time);
  geo::Lla foot = track.position;
  foot.altitude_m = 0.0;
  Result<geo::LocalFrame> local = geo::LocalFrame::Create(foot);
  if (!local.ok()) return Horizontal(frame, foot);
  const Eigen::Vector3d moved(track.velocity_enu.x() * dt, track.velocity_enu.y() * dt, 0.0);
  Result<geo::Lla> there = local->EnuToLla({moved.x(), moved.y(), moved.z()});
  return there.ok() ? Horizontal(frame, *there) : Horizontal(frame, foot);
}

struct TruthAt {
  std::vector<int32_t> ids;
  std::vector<Eigen::Vector3d> positions;
};

void Accumulate(GospaSummary& sum, const metrics::GospaComponents& g) {
  sum.distance += g.distance;
  sum.localisation += g.localisation;
  sum.missed += g.missed;
  sum.false_tracks += g.false_tracks;
  ++sum.times;
}

void Finish(GospaSummary& sum) {
  if (sum.times == 0) return;
  sum.distance /= sum.times;
  sum.localisation /= sum.times;
  sum.missed /= sum.times;
  sum.false_tracks /= sum.times;
}

nlohmann::ordered_json GospaJson(const GospaSummary& g) {
  return {{"mean", g.distance},
          {"localisation", g.localisation},
          {"missed", g.missed},
          {"false", g.false_tracks},
          {"times", g.times}};
}

class Evaluator {
 public:
  Evaluator(const sim::MultiSourceScenario& scenario, const FuseRunOptions& options)
      : scenario_(scenario),
        options_(options),
        frame_(*geo::LocalFrame::Create(scenario.origin)) {
    for (const sim::TruthSample& s : scenario.truth) {
      TruthAt& at = truth_[s.time.nanos()];
      at.ids.push_back(s.target);
      at.positions.push_back(Horizontal(frame_, s.position));
    }
    for (Timestamp t = scenario.start; t <= scenario.end; t = t + FromSeconds(options.eval_step_s)) {
      if (truth_.count(t.nanos()) > 0) times_.push_back(t);
    }
    gospa_options_.cutoff = options.cutoff_m;
    gospa_options_.order = 1.0;
  }

  const std::vector<Timestamp>& times() const { return times_; }

  // GOSPA of one picture at one time; the truth each track is nearest to (within the
  // cut-off) in `nearest`, and the GOSPA assignment in `assigned` (truth index -> track).
  metrics::GospaComponents Score(const model::Picture& picture, Timestamp time,
                                 std::vector<Eigen::Vector3d>& tracks,
                                 std::vector<int>& assigned) {
    const TruthAt& truth = truth_.at(time.nanos());
    tracks.clear();
    for (const model::FusedTrack& t : picture.tracks) tracks.push_back(TrackAt(frame_, t, time));
    Result<metrics::GospaComponents> g =
        metrics::Gospa(tracks, truth.positions, gospa_options_, workspace_, &assigned);
    return g.ok() ? *g : metrics::GospaComponents{};
  }

  const TruthAt& TruthAtTime(Timestamp time) const { return truth_.at(time.nanos()); }

 private:
  const sim::MultiSourceScenario& scenario_;
  const FuseRunOptions& options_;
  geo::LocalFrame frame_;
  std::map<int64_t, TruthAt> truth_;
  std::vector<Timestamp> times_;
  metrics::GospaOptions gospa_options_;
  metrics::SetDistanceWorkspace workspace_;
};

// Feeds observations in arrival order up to each evaluation time and calls `at` with the
// time after feeding.
template <typename AddFn, typename AtFn>
void Replay(const sim::MultiSourceScenario& scenario, const std::vector<Timestamp>& times,
            AddFn add, AtFn at) {
  size_t next = 0;
  for (Timestamp t : times) {
    while (next < scenario.observations.size() && scenario.arrival[next] <= t) {
      add(next);
      ++next;
    }
    at(t);
  }
  // What arrives after the last evaluation time still goes in (the end of the feed).
  for (; next < scenario.observations.size(); ++next) add(next);
}

}  // namespace

Result<FuseReport> RunFuse(const sim::MultiSourceScenario& scenario,
                           const FuseRunOptions& options) {
  BIAC_RETURN_IF_ERROR(options.engine.Validate());
  if (!(options.cutoff_m > 0.0) || !(options.eval_step_s > 0.0)) {
    return InvalidArgument("fuse: cutoff and evaluation step must be > 0");
  }
  std::vector<fusion::Audience> audiences;
  std::vector<std::string> user_json;
  for (const sim::Audience& a : scenario.audiences) {
    if (!options.audiences.empty() &&
        std::find(options.audiences.begin(), options.audiences.end(), a.name) ==
            options.audiences.end()) {
      continue;
    }
    audiences.push_back({a.name, a.user});
    user_json.push_back(a.user_json);
  }
  // Partners are audiences too: their pictures come from what they may see.
  const size_t first_partner = audiences.size();
  if (options.sharing != nullptr) {
    for (const sharing::PartnerPolicy& partner : options.sharing->partners) {
      audiences.push_back({partner.partner, partner.audience});
      user_json.push_back(labels::UserToJson(partner.audience));
    }
  }
  for (const std::string& wanted : options.audiences) {
    bool found = false;
    for (const auto& a : audiences) found = found || a.name == wanted;
    if (!found) {
      std::string names;
      for (const sim::Audience& a : scenario.audiences) names += (names.empty() ? "" : ", ") + a.name;
      return NotFound("fuse: no audience '" + wanted + "' in scenario " + scenario.name +
                      " (audiences: " + names + ")");
    }
  }

  Evaluator evaluator(scenario, options);
  const std::vector<Timestamp>& times = evaluator.times();
  FuseReport report;
  report.scenario = scenario.name;
  report.seed = scenario.seed;
  report.observations = scenario.observations.size();
  report.truth_targets = static_cast<int>(scenario.targets.size());

  // Per target: the data times of its AIS reports and of its radar plots (for duplicates).
  const size_t n = scenario.observations.size();
  std::vector<char> is_ais(n, 0);
  std::vector<char> is_plot(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const Observation& o = scenario.observations[i];
    is_ais[i] = o.source_kind == model::SourceKind::kAis;
    is_plot[i] = o.kind == model::ObservationKind::kDetection;
  }

  fusion::MultiAudienceFusion fusion(audiences, options.engine);
  report.audiences.resize(audiences.size());
  std::vector<std::vector<char>> visible(audiences.size(), std::vector<char>(n, 0));
  for (size_t a = 0; a < audiences.size(); ++a) {
    AudienceReport& r = report.audiences[a];
    r.name = audiences[a].name;
    r.user_json = user_json[a];
    for (const sim::SourceDescription& s : scenario.sources) {
      if (labels::Permits(audiences[a].user, s.label)) r.visible_sources.push_back(s.id);
    }
    for (size_t i = 0; i < n; ++i) {
      visible[a][i] = labels::Permits(audiences[a].user, scenario.observations[i].label) ? 1 : 0;
      r.visible_observations += visible[a][i];
    }
  }

  // Last AIS report and last visible radar plot per target, per audience, as of the feed.
  const size_t targets = scenario.targets.size() + 1;
  std::vector<std::vector<Timestamp>> last_ais(audiences.size(),
                                               std::vector<Timestamp>(targets));
  std::vector<std::vector<Timestamp>> last_plot(audiences.size(),
                                                std::vector<Timestamp>(targets));
  std::vector<std::vector<std::string>> pictures(audiences.size());
  std::vector<Eigen::Vector3d> track_positions;
  std::vector<int> assigned;
  const Duration recent = FromSeconds(options.recent_s);

  Replay(
      scenario, times,
      [&](size_t i) {
        fusion.Add(scenario.observations[i], scenario.arrival[i]);
        const int32_t target = scenario.observation_truth[i].target;
        if (target <= 0 || static_cast<size_t>(target) >= targets) return;
        for (size_t a = 0; a < audiences.size(); ++a) {
          if (!visible[a][i]) continue;
          const Timestamp t = scenario.observations[i].time;
          if (is_ais[i]) last_ais[a][target] = std::max(last_ais[a][target], t);
          if (is_plot[i]) last_plot[a][target] = std::max(last_plot[a][target], t);
        }
      },
      [&](Timestamp t) {
        const auto& truth = evaluator.TruthAtTime(t);
        for (size_t a = 0; a < audiences.size(); ++a) {
          AudienceReport& r = report.audiences[a];
          const model::Picture picture = fusion.Snapshot(a, true);
          if (options.leak_check) pictures[a].push_back(model::PictureToJson(picture));
          Accumulate(r.gospa, evaluator.Score(picture, t, track_positions, assigned));
          // Identity correctness over the GOSPA assignment.
          for (size_t k = 0; k < truth.ids.size(); ++k) {
            const int track = assigned[k];
            if (track < 0) continue;
            const model::FusedTrack& ft = picture.tracks[track];
            const sim::TargetInfo& info = scenario.targets[truth.ids[k] - 1];
            if (ft.identity.mmsi) {
              ++r.identity_checked;
              r.identity_correct += info.mmsi == ft.identity.mmsi ? 1 : 0;
            } else if (ft.identity.icao_address) {
              ++r.identity_checked;
              r.identity_correct += info.icao_address == ft.identity.icao_address ? 1 : 0;
            }
          }
          // Duplicates: tracks whose nearest truth is a ship seen by AIS and radar.
          std::vector<int> near_count(truth.ids.size(), 0);
          for (const Eigen::Vector3d& p : track_positions) {
            int best = -1;
            double best_d = options.cutoff_m;
            for (size_t k = 0; k < truth.ids.size(); ++k) {
              const double d = (truth.positions[k] - p).norm();
              if (d < best_d) {
                best_d = d;
                best = static_cast<int>(k);
              }
            }
            if (best >= 0) ++near_count[best];
          }
          for (size_t k = 0; k < truth.ids.size(); ++k) {
            const int32_t id = truth.ids[k];
            if (scenario.targets[id - 1].domain != model::Domain::kSea) continue;
            const Timestamp ais = last_ais[a][id];
            const Timestamp plot = last_plot[a][id];
            if (ais == Timestamp() || plot == Timestamp()) continue;
            if (t - ais > recent || t - plot > recent) continue;
            ++r.duplicate_eligible;
            if (near_count[k] > 1) ++r.duplicate_scans;
          }
        }
      });
  fusion.Flush();
  for (size_t a = 0; a < audiences.size(); ++a) {
    AudienceReport& r = report.audiences[a];
    Finish(r.gospa);
    const model::Picture final_picture = fusion.Snapshot(a, false);
    r.tracks_final = final_picture.tracks.size();
    r.counters = fusion.counters(a);
    if (options.leak_check) pictures[a].push_back(model::PictureToJson(final_picture));
  }
  report.views = fusion.view_count();
  report.forks = fusion.forks();

  // Releases to partners: the partner's own picture, sanitised by its rules, each release
  // (or refusal) written to the audit log.
  if (options.sharing != nullptr) {
    for (size_t a = first_partner; a < audiences.size(); ++a) {
      const sharing::PartnerPolicy& partner = options.sharing->partners[a - first_partner];
      PartnerRelease out;
      out.partner = partner.partner;
      Result<sharing::ReleaseProduct> product =
          sharing::Release(fusion.Snapshot(a, false), partner, options.sharing->rules);
      audit::AuditEntry entry;
      entry.time = scenario.end;
      if (product.ok()) {
        out.released = true;
        out.tracks = product->picture.tracks.size();
        out.rules = product->rules;
        out.label = labels::Render(product->label);
        out.sha256_hex = sharing::DigestHex(product->sha256);
        const sharing::ReleaseRecord record = sharing::ToReleaseRecord(*product);
        audit::Release body;
        body.partner = record.partner;
        body.rule = record.rule;
        body.inputs = record.inputs;
        body.label = record.label;
        std::copy(record.output_hash.begin(), record.output_hash.end(), body.output_hash.begin());
        entry.body = std::move(body);
      } else {
        out.refusal = product.status().message();
        audit::AccessDecision body;
        body.subject = partner.partner;
        body.request = "release of the picture of scenario " + scenario.name;
        body.decision = audit::Decision::kDeny;
        body.reason = out.refusal;
        entry.body = std::move(body);
      }
      if (options.audit_log != nullptr) {
        Result<audit::AppendResult> appended = options.audit_log->Append(entry);
        if (!appended.ok()) return appended.status();
        out.logged = true;
        out.audit_index = appended->index;
      }
      report.releases.push_back(std::move(out));
    }
  }

  // The leak check: provenance, then the differential comparison with a store that only
  // ever held what the audience may see.
  if (options.leak_check) {
    std::map<model::ObservationId, size_t> index_of;
    for (size_t i = 0; i < n; ++i) index_of[scenario.observations[i].id] = i;
    for (size_t a = 0; a < audiences.size(); ++a) {
      AudienceReport& r = report.audiences[a];
      r.leak_check_run = true;
      r.leak_passed = true;
      std::deque<Observation> store;
      std::deque<fusion::PreparedObservation> prepared;
      std::vector<Timestamp> store_arrival;
      for (size_t i = 0; i < n; ++i) {
        if (!visible[a][i]) continue;
        store.push_back(scenario.observations[i]);
        store_arrival.push_back(scenario.arrival[i]);
      }
      fusion::Engine reference(options.engine);
      size_t next = 0;
      size_t k = 0;
      auto compare = [&](const model::Picture& picture, const std::string& when) {
        const std::string json = model::PictureToJson(fusion::Deliverable(picture, audiences[a].user));
        ++r.snapshots_compared;
        if (r.leak_passed && json != pictures[a][k]) {
          r.leak_passed = false;
          r.leak_detail = "picture at " + when + " differs from the visible-only store's";
        }
        ++k;
      };
      for (Timestamp t : times) {
        while (next < store.size() && store_arrival[next] <= t) {
          prepared.push_back(fusion::Prepare(store[next], store_arrival[next]));
          reference.Add(&prepared.back());
          ++next;
        }
        compare(reference.Snapshot(true), t.ToIso8601());
      }
      while (next < store.size()) {
        prepared.push_back(fusion::Prepare(store[next], store_arrival[next]));
        reference.Add(&prepared.back());
        ++next;
      }
      reference.Flush();
      compare(reference.Snapshot(false), "the end");
      // Provenance: nothing the audience may not see.
      const model::Picture final_picture = fusion.Snapshot(a, false);
      for (const model::FusedTrack& track : final_picture.tracks) {
        for (model::ObservationId id : track.provenance) {
          ++r.provenance_checked;
          auto it = index_of.find(id);
          if (it == index_of.end() || !visible[a][it->second]) {
            if (r.leak_passed) {
              r.leak_detail = "track " + std::to_string(track.id) + " derives from observation " +
                              std::to_string(id) + ", which the audience may not see";
            }
            r.leak_passed = false;
          }
        }
      }
    }
  }

  // Each source alone (no label filtering: what that source's own picture would be).
  if (options.single_sources) {
    for (const sim::SourceDescription& source : scenario.sources) {
      SourceReport s;
      s.source = source.id;
      fusion::Engine engine(options.engine);
      std::deque<fusion::PreparedObservation> prepared;
      Replay(
          scenario, times,
          [&](size_t i) {
            if (scenario.observations[i].source != source.id) return;
            prepared.push_back(fusion::Prepare(scenario.observations[i], scenario.arrival[i]));
            engine.Add(&prepared.back());
          },
          [&](Timestamp t) {
            Accumulate(s.gospa,
                       evaluator.Score(engine.Snapshot(true), t, track_positions, assigned));
          });
      Finish(s.gospa);
      report.single_sources.push_back(std::move(s));
    }
  }
  return report;
}

std::string FuseReportToJson(const FuseReport& report) {
  nlohmann::ordered_json j;
  j["scenario"] = report.scenario;
  j["seed"] = report.seed;
  j["observations"] = report.observations;
  j["truth_targets"] = report.truth_targets;
  j["views"] = report.views;
  j["forks"] = report.forks;
  nlohmann::ordered_json audiences = nlohmann::ordered_json::array();
  for (const AudienceReport& r : report.audiences) {
    nlohmann::ordered_json a;
    a["name"] = r.name;
    a["user"] = nlohmann::ordered_json::parse(r.user_json);
    a["visible_sources"] = r.visible_sources;
    a["visible_observations"] = r.visible_observations;
    a["gospa"] = GospaJson(r.gospa);
    a["duplicates"] = {
        {"eligible_ship_scans", r.duplicate_eligible},
        {"duplicate_ship_scans", r.duplicate_scans},
        {"ratio", r.duplicate_eligible == 0
                      ? 0.0
                      : static_cast<double>(r.duplicate_scans) / r.duplicate_eligible}};
    a["identity"] = {
        {"checked", r.identity_checked},
        {"correct", r.identity_correct},
        {"ratio", r.identity_checked == 0
                      ? 1.0
                      : static_cast<double>(r.identity_correct) / r.identity_checked}};
    a["tracks_final"] = r.tracks_final;
    if (r.leak_check_run) {
      a["leak_check"] = {{"passed", r.leak_passed},
                         {"snapshots_compared", r.snapshots_compared},
                         {"provenance_ids_checked", r.provenance_checked}};
      if (!r.leak_passed) a["leak_check"]["detail"] = r.leak_detail;
    }
    a["counters"] = {{"received", r.counters.received},
                     {"applied", r.counters.applied},
                     {"too_late", r.counters.too_late},
                     {"applied_late", r.counters.applied_late},
                     {"invalid", r.counters.invalid},
                     {"identity_jumps", r.counters.identity_jumps},
                     {"merges", r.counters.merges},
                     {"tracks_confirmed", r.counters.tracks_confirmed},
                     {"tracks_deleted", r.counters.tracks_deleted}};
    audiences.push_back(std::move(a));
  }
  j["audiences"] = std::move(audiences);
  nlohmann::ordered_json sources = nlohmann::ordered_json::array();
  for (const SourceReport& s : report.single_sources) {
    sources.push_back({{"source", s.source}, {"gospa", GospaJson(s.gospa)}});
  }
  j["single_sources"] = std::move(sources);
  nlohmann::ordered_json releases = nlohmann::ordered_json::array();
  for (const PartnerRelease& r : report.releases) {
    nlohmann::ordered_json x;
    x["partner"] = r.partner;
    x["released"] = r.released;
    if (r.released) {
      x["tracks"] = r.tracks;
      x["rules"] = r.rules;
      x["label"] = r.label;
      x["sha256"] = r.sha256_hex;
    } else {
      x["refusal"] = r.refusal;
    }
    if (r.logged) x["audit_index"] = r.audit_index;
    releases.push_back(std::move(x));
  }
  j["releases"] = std::move(releases);
  return j.dump(2);
}

}  // namespace biac::app
