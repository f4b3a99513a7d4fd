#include "biac/metrics/ospa.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <string>

namespace biac::metrics {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

Status CheckPoints(std::span<const Eigen::Vector3d> points, const char* what) {
  for (size_t k = 0; k < points.size(); ++k) {
    if (!points[k].allFinite()) {
      return InvalidArgument(std::string(what) + " " + std::to_string(k) +
                             " has a non-finite position");
    }
  }
  return Status::Ok();
}

// The sparse problem of the header: rows = truths, columns = tracks then one free column per
// truth. Entries with d < c cost d^p - c^p.
void BuildGainProblem(std::span<const Eigen::Vector3d> tracks,
                      std::span<const Eigen::Vector3d> truths, double cutoff, double order,
                      SetDistanceWorkspace& workspace) {
  const int m = static_cast<int>(tracks.size());
  const int n = static_cast<int>(truths.size());
  const double cutoff_power = std::pow(cutoff, order);
  workspace.costs.Reset(m + n);
  workspace.entry_power.clear();
  // Only tracks with |dx| < c can be within c: scan that window of the x-sorted tracks.
  std::vector<int>& by_x = workspace.by_x;
  by_x.resize(m);
  for (int i = 0; i < m; ++i) by_x[i] = i;
  std::sort(by_x.begin(), by_x.end(), [&](int a, int b) { return tracks[a].x() < tracks[b].x(); });
  for (int j = 0; j < n; ++j) {
    const double x_min = truths[j].x() - cutoff;
    auto it = std::lower_bound(by_x.begin(), by_x.end(), x_min,
                               [&](int i, double x) { return tracks[i].x() <= x; });
    for (; it != by_x.end() && tracks[*it].x() - truths[j].x() < cutoff; ++it) {
      const int i = *it;
      const double d = (tracks[i] - truths[j]).norm();
      if (d < cutoff) {
        const double power = order == 1.0 ? d : std::pow(d, order);
        workspace.costs.AddEntry(i, power - cutoff_power);
        workspace.entry_power.push_back(power);
      }
    }
    workspace.costs.AddEntry(m + j, 0.0);
    workspace.entry_power.push_back(0.0);
    workspace.costs.EndRow();
  }
}

// Solves the gain problem; returns the number of real pairs and their sum of d^p, and fills
// truth_to_track if given.
struct Matching {
  int pairs = 0;
  double localisation = 0.0;
};

Result<Matching> SolveGainProblem(int num_tracks, SetDistanceWorkspace& workspace,
                                  std::vector<int>* truth_to_track) {
  const assignment::SparseCostMatrix& costs = workspace.costs;
  BIAC_RETURN_IF_ERROR(assignment::SolveSparse(costs, workspace.solution, workspace.assignment));
  Matching matching;
  const int n = costs.num_rows();
  if (truth_to_track != nullptr) truth_to_track->assign(n, assignment::kUnassigned);
  for (int j = 0; j < n; ++j) {
    const int col = workspace.solution.row_to_col[j];
    if (col >= num_tracks) continue;
    for (int e = costs.row_begin(j); e < costs.row_end(j); ++e) {
      if (costs.col(e) == col) {
        matching.localisation += workspace.entry_power[e];
        break;
      }
    }
    ++matching.pairs;
    if (truth_to_track != nullptr) (*truth_to_track)[j] = col;
  }
  return matching;
}

// min over perfect matchings of the largest pair distance, if some perfect matching uses only
// pairs with d < c; otherwise c. Needs |tracks| = |truths| > 0.
Result<double> Bottleneck(std::span<const Eigen::Vector3d> tracks,
                          std::span<const Eigen::Vector3d> truths, double cutoff,
                          SetDistanceWorkspace& workspace) {
  const int n = static_cast<int>(truths.size());
  std::vector<double>& distances = workspace.distances;
  distances.clear();
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < n; ++i) {
      const double d = (tracks[i] - truths[j]).norm();
      if (d < cutoff) distances.push_back(d);
    }
  }
  std::sort(distances.begin(), distances.end());
  distances.erase(std::unique(distances.begin(), distances.end()), distances.end());
  const auto perfect_within = [&](double threshold) {
    workspace.costs.Reset(n);
    for (int j = 0; j < n; ++j) {
      for (int i = 0; i < n; ++i) {
        if ((tracks[i] - truths[j]).norm() <= threshold) workspace.costs.AddEntry(i, 0.0);
      }
      workspace.costs.EndRow();
    }
    return assignment::SolveSparse(workspace.costs, workspace.solution, workspace.assignment);
  };
  if (distances.empty()) return cutoff;
  Status status = perfect_within(distances.back());
  if (status.code() == StatusCode::kFailedPrecondition) return cutoff;
  BIAC_RETURN_IF_ERROR(status);
  // Smallest index whose distance admits a perfect matching.
  size_t low = 0, high = distances.size() - 1;
  while (low < high) {
    const size_t mid = (low + high) / 2;
    status = perfect_within(distances[mid]);
    if (status.ok()) {
      high = mid;
    } else if (status.code() == StatusCode::kFailedPrecondition) {
      low = mid + 1;
    } else {
      return status;
    }
  }
  return distances[low];
}

// Stone Soup's _SwitchingLoss.
class SwitchingLoss {
 public:
  // truth id -> assigned track id (nullopt: unassigned); returns the step's summed weight.
  double Add(const std::vector<std::pair<int64_t, std::optional<int64_t>>>& associations) {
    double loss = 0.0;
    for (const auto& [truth, track] : associations) {
      const auto it = history_.find(truth);
      if (it == history_.end()) {
        if (track.has_value()) history_.emplace(truth, track);
        continue;
      }
      if (it->second != track) {
        loss += kHalf;
        if (track.has_value() && it->second.has_value()) loss += kHalf;
        it->second = track;
      }
    }
    return loss;
  }

 private:
  static constexpr double kHalf = 0.5;
  std::map<int64_t, std::optional<int64_t>> history_;
};

// Positions and ids of the records at one time: records[begin, end).
struct TimeSlice {
  std::vector<Eigen::Vector3d> positions;
  std::vector<int64_t> ids;
};

// Walks the records of two ByTime() lists time by time over the union of their times.
template <typename Visit>
void ForEachTime(const std::vector<StateRecord>& tracks, const std::vector<StateRecord>& truths,
                 Visit visit) {
  size_t a = 0, b = 0;
  TimeSlice track_slice, truth_slice;
  for (const Timestamp time : UnionOfTimes(tracks, truths)) {
    track_slice.positions.clear();
    track_slice.ids.clear();
    truth_slice.positions.clear();
    truth_slice.ids.clear();
    for (; a < tracks.size() && tracks[a].time == time; ++a) {
      track_slice.positions.push_back(tracks[a].position);
      track_slice.ids.push_back(tracks[a].id);
    }
    for (; b < truths.size() && truths[b].time == time; ++b) {
      truth_slice.positions.push_back(truths[b].position);
      truth_slice.ids.push_back(truths[b].id);
    }
    if (Status status = visit(time, track_slice, truth_slice); !status.ok()) return;
  }
}

}  // namespace

Status OspaOptions::Validate() const {
  if (!(cutoff > 0.0) || !std::isfinite(cutoff)) {
    return InvalidArgument("OSPA: cut-off " + std::to_string(cutoff) + " is not positive");
  }
  if (!(order >= 1.0)) {
    return InvalidArgument("OSPA: order " + std::to_string(order) + " is below 1");
  }
  return Status::Ok();
}

Status GospaOptions::Validate() const {
  if (!(cutoff > 0.0) || !std::isfinite(cutoff)) {
    return InvalidArgument("GOSPA: cut-off " + std::to_string(cutoff) + " is not positive");
  }
  if (!(order >= 1.0) || !std::isfinite(order)) {
    return InvalidArgument("GOSPA: order " + std::to_string(order) + " is not in [1, inf)");
  }
  if (!(switching_penalty >= 0.0) || !std::isfinite(switching_penalty)) {
    return InvalidArgument("GOSPA: switching penalty " + std::to_string(switching_penalty) +
                           " is negative or not finite");
  }
  return Status::Ok();
}

Result<double> Ospa(std::span<const Eigen::Vector3d> tracks,
                    std::span<const Eigen::Vector3d> truths, const OspaOptions& options,
                    SetDistanceWorkspace& workspace) {
  BIAC_RETURN_IF_ERROR(options.Validate());
  BIAC_RETURN_IF_ERROR(CheckPoints(tracks, "OSPA: track"));
  BIAC_RETURN_IF_ERROR(CheckPoints(truths, "OSPA: truth"));
  const int m = static_cast<int>(tracks.size());
  const int n = static_cast<int>(truths.size());
  if (m == 0 && n == 0) return 0.0;
  if (options.order == kInf) {
    if (m != n) return options.cutoff;
    return Bottleneck(tracks, truths, options.cutoff, workspace);
  }
  BuildGainProblem(tracks, truths, options.cutoff, options.order, workspace);
  BIAC_ASSIGN_OR_RETURN(const Matching matching, SolveGainProblem(m, workspace, nullptr));
  const int larger = std::max(m, n);
  const double total =
      matching.localisation + std::pow(options.cutoff, options.order) * (larger - matching.pairs);
  return std::pow(total / larger, 1.0 / options.order);
}

Result<GospaComponents> Gospa(std::span<const Eigen::Vector3d> tracks,
                              std::span<const Eigen::Vector3d> truths, const GospaOptions& options,
                              SetDistanceWorkspace& workspace, std::vector<int>* truth_to_track) {
  BIAC_RETURN_IF_ERROR(options.Validate());
  BIAC_RETURN_IF_ERROR(CheckPoints(tracks, "GOSPA: track"));
  BIAC_RETURN_IF_ERROR(CheckPoints(truths, "GOSPA: truth"));
  const int m = static_cast<int>(tracks.size());
  const int n = static_cast<int>(truths.size());
  BuildGainProblem(tracks, truths, options.cutoff, options.order, workspace);
  BIAC_ASSIGN_OR_RETURN(const Matching matching, SolveGainProblem(m, workspace, truth_to_track));
  const double half_cutoff_power = std::pow(options.cutoff, options.order) / 2.0;
  GospaComponents out;
  out.localisation = matching.localisation;
  out.missed = half_cutoff_power * (n - matching.pairs);
  out.false_tracks = half_cutoff_power * (m - matching.pairs);
  out.distance = std::pow(out.localisation + out.missed + out.false_tracks, 1.0 / options.order);
  return out;
}

Result<OspaSeries> OspaOverTime(const Trajectories& tracks, const Trajectories& truths,
                                const OspaOptions& options) {
  BIAC_RETURN_IF_ERROR(options.Validate());
  SetDistanceWorkspace workspace;
  OspaSeries series;
  Status failure;
  ForEachTime(tracks.ByTime(), truths.ByTime(),
              [&](Timestamp time, const TimeSlice& track_slice, const TimeSlice& truth_slice) {
                Result<double> distance =
                    Ospa(track_slice.positions, truth_slice.positions, options, workspace);
                if (!distance.ok()) {
                  failure = distance.error();
                  return failure;
                }
                series.per_time.push_back({time, *distance});
                return Status::Ok();
              });
  BIAC_RETURN_IF_ERROR(failure);
  for (const OspaAtTime& at : series.per_time) series.mean += at.distance;
  if (!series.per_time.empty()) series.mean /= static_cast<double>(series.per_time.size());
  return series;
}

Result<GospaSeries> GospaOverTime(const Trajectories& tracks, const Trajectories& truths,
                                  const GospaOptions& options) {
  BIAC_RETURN_IF_ERROR(options.Validate());
  SetDistanceWorkspace workspace;
  SwitchingLoss switching;
  std::vector<int> truth_to_track;
  std::vector<std::pair<int64_t, std::optional<int64_t>>> associations;
  GospaSeries series;
  Status failure;
  ForEachTime(
      tracks.ByTime(), truths.ByTime(),
      [&](Timestamp time, const TimeSlice& track_slice, const TimeSlice& truth_slice) {
        Result<GospaComponents> value = Gospa(track_slice.positions, truth_slice.positions, options,
                                              workspace, &truth_to_track);
        if (!value.ok()) {
          failure = value.error();
          return failure;
        }
        associations.clear();
        // Stone Soup zips truth ids with an empty assignment when either set is empty.
        if (!track_slice.ids.empty() && !truth_slice.ids.empty()) {
          for (size_t j = 0; j < truth_slice.ids.size(); ++j) {
            std::optional<int64_t> track;
            if (truth_to_track[j] != assignment::kUnassigned) {
              track = track_slice.ids[truth_to_track[j]];
            }
            associations.emplace_back(truth_slice.ids[j], track);
          }
        }
        const double switch_sum = switching.Add(associations);
        value->switching = options.switching_penalty * std::pow(switch_sum, 1.0 / options.order);
        value->distance =
            std::sqrt(value->distance * value->distance + value->switching * value->switching);
        series.per_time.push_back({time, *value});
        return Status::Ok();
      });
  BIAC_RETURN_IF_ERROR(failure);
  GospaComponents& mean = series.mean;
  for (const GospaAtTime& at : series.per_time) {
    mean.distance += at.value.distance;
    mean.localisation += at.value.localisation;
    mean.missed += at.value.missed;
    mean.false_tracks += at.value.false_tracks;
    mean.switching += at.value.switching;
  }
  if (!series.per_time.empty()) {
    const double count = static_cast<double>(series.per_time.size());
    mean.distance /= count;
    mean.localisation /= count;
    mean.missed /= count;
    mean.false_tracks /= count;
    mean.switching /= count;
  }
  return series;
}

}  // namespace biac::metrics
