#include "biac/metrics/siap.h"

#include <algorithm>
#include <optional>
#include <string>

namespace biac::metrics {
namespace {

// Records of one id in a ById() list: [begin, end).
struct IdRange {
  int64_t id;
  size_t begin;
  size_t end;
};

std::vector<IdRange> GroupById(const std::vector<StateRecord>& by_id) {
  std::vector<IdRange> groups;
  for (size_t k = 0; k < by_id.size(); ++k) {
    if (groups.empty() || groups.back().id != by_id[k].id) groups.push_back({by_id[k].id, k, k});
    groups.back().end = k + 1;
  }
  return groups;
}

// The state of id at time in a ById() list, or nullptr.
const StateRecord* FindState(const std::vector<StateRecord>& by_id, int64_t id, Timestamp time) {
  const auto it =
      std::lower_bound(by_id.begin(), by_id.end(), std::make_pair(id, time),
                       [](const StateRecord& r, const std::pair<int64_t, Timestamp>& key) {
                         return r.id != key.first ? r.id < key.first : r.time < key.second;
                       });
  if (it == by_id.end() || it->id != id || it->time != time) return nullptr;
  return &*it;
}

// Records at time in a ByTime() list: [first, second).
std::pair<size_t, size_t> RecordsAt(const std::vector<StateRecord>& by_time, Timestamp time) {
  const auto less_time = [](const StateRecord& r, Timestamp t) { return r.time < t; };
  const auto greater_time = [](Timestamp t, const StateRecord& r) { return t < r.time; };
  const auto first = std::lower_bound(by_time.begin(), by_time.end(), time, less_time);
  const auto last = std::upper_bound(first, by_time.end(), time, greater_time);
  return {static_cast<size_t>(first - by_time.begin()),
          static_cast<size_t>(last - by_time.begin())};
}

bool Contains(const TrackTruthAssociation& a, Timestamp time) {
  return a.start <= time && time <= a.end;
}

// Stone Soup's min_num_tracks_needed_to_track: a greedy walk over the truth's times that, at
// each uncovered time, takes the association ending last among those containing it and jumps
// past its end.
int TracksNeeded(std::vector<const TrackTruthAssociation*> associations,
                 const std::vector<Timestamp>& truth_times) {
  if (associations.empty()) return 0;
  std::stable_sort(associations.begin(), associations.end(),
                   [](const TrackTruthAssociation* a, const TrackTruthAssociation* b) {
                     return a->end > b->end;
                   });
  int needed = 0;
  size_t index = 0;
  while (index < truth_times.size()) {
    const Timestamp now = truth_times[index];
    const TrackTruthAssociation* chosen = nullptr;
    for (const TrackTruthAssociation* a : associations) {
      if (Contains(*a, now)) {
        chosen = a;
        break;
      }
    }
    if (chosen == nullptr) {
      ++index;
      continue;
    }
    ++needed;
    const auto next = std::find(truth_times.begin() + static_cast<long>(index) + 1,
                                truth_times.end(), chosen->end);
    if (next == truth_times.end()) break;
    index = static_cast<size_t>(next - truth_times.begin()) + 1;
  }
  return needed;
}

// Seconds of [first, last] covered by the union of the associations' ranges.
double SecondsCovered(std::vector<const TrackTruthAssociation*> associations, Timestamp first,
                      Timestamp last) {
  std::vector<std::pair<Timestamp, Timestamp>> ranges;
  for (const TrackTruthAssociation* a : associations) {
    const Timestamp start = std::max(a->start, first);
    const Timestamp end = std::min(a->end, last);
    if (start < end) ranges.emplace_back(start, end);
  }
  std::sort(ranges.begin(), ranges.end());
  double seconds = 0.0;
  std::optional<std::pair<Timestamp, Timestamp>> open;
  for (const auto& range : ranges) {
    if (open && range.first <= open->second) {
      open->second = std::max(open->second, range.second);
      continue;
    }
    if (open) seconds += ToSeconds(open->second - open->first);
    open = range;
  }
  if (open) seconds += ToSeconds(open->second - open->first);
  return seconds;
}

}  // namespace

Status TrackToTruthOptions::Validate() const {
  if (!(association_threshold > 0.0)) {
    return InvalidArgument("TrackToTruth: association threshold " +
                           std::to_string(association_threshold) + " is not positive");
  }
  if (consec_pairs_confirm < 1 || consec_misses_end < 1) {
    return InvalidArgument("TrackToTruth: consec_pairs_confirm " +
                           std::to_string(consec_pairs_confirm) + " and consec_misses_end " +
                           std::to_string(consec_misses_end) + " must be at least 1");
  }
  return Status::Ok();
}

Result<std::vector<TrackTruthAssociation>> AssociateTracksToTruths(
    const Trajectories& tracks, const Trajectories& truths, const TrackToTruthOptions& options) {
  BIAC_RETURN_IF_ERROR(options.Validate());
  const std::vector<StateRecord> track_states = tracks.ById();
  const std::vector<StateRecord> truth_states = truths.ByTime();
  std::vector<TrackTruthAssociation> out;
  for (const IdRange& track : GroupById(track_states)) {
    std::optional<int64_t> current;
    std::optional<int64_t> potential;
    int potential_successes = 0;
    int failures = 0;
    Timestamp potential_start, start, end;
    for (size_t k = track.begin; k < track.end; ++k) {
      const StateRecord& state = track_states[k];
      double min_distance = options.association_threshold;
      std::optional<int64_t> closest;
      const auto [first, last] = RecordsAt(truth_states, state.time);
      for (size_t j = first; j < last; ++j) {
        const double distance = (state.position - truth_states[j].position).norm();
        if (distance < min_distance) {
          min_distance = distance;
          closest = truth_states[j].id;
        }
      }
      if (!current) {
        if (!closest) {
          potential_successes = 0;
          potential.reset();
        } else if (potential != closest) {
          potential = closest;
          potential_successes = 1;
          potential_start = state.time;
        } else {
          ++potential_successes;
        }
        if (potential_successes >= options.consec_pairs_confirm) {
          current = closest;
          start = potential_start;
          end = state.time;
          potential.reset();
          potential_successes = 0;
        }
      } else {
        if (closest == current) {
          failures = 0;
          end = state.time;
        } else {
          ++failures;
          if (closest && closest == potential) {
            ++potential_successes;
          } else {
            potential = closest;
            potential_start = state.time;
            potential_successes = 1;
          }
        }
        if (failures >= options.consec_misses_end) {
          out.push_back({track.id, *current, start, end});
          if (potential_successes >= options.consec_pairs_confirm) {
            current = potential;
            start = potential_start;
            end = state.time;
          } else {
            current.reset();
          }
        }
      }
    }
    if (current) out.push_back({track.id, *current, start, end});
  }
  return out;
}

Result<SiapResult> Siap(const Trajectories& tracks, const Trajectories& truths,
                        const TrackToTruthOptions& options) {
  SiapResult result;
  BIAC_ASSIGN_OR_RETURN(result.associations, AssociateTracksToTruths(tracks, truths, options));
  const std::vector<TrackTruthAssociation>& associations = result.associations;
  const std::vector<StateRecord> track_by_time = tracks.ByTime();
  const std::vector<StateRecord> truth_by_time = truths.ByTime();
  const std::vector<StateRecord> track_by_id = tracks.ById();
  const std::vector<StateRecord> truth_by_id = truths.ById();

  double sum_j = 0, sum_jt = 0, sum_n = 0, sum_na = 0, sum_pa = 0, sum_va = 0;
  std::vector<int64_t> truth_ids, track_ids;
  for (const Timestamp time : UnionOfTimes(track_by_time, truth_by_time)) {
    SiapAtTime at;
    at.time = time;
    const auto [truth_first, truth_last] = RecordsAt(truth_by_time, time);
    const auto [track_first, track_last] = RecordsAt(track_by_time, time);
    at.num_truths = static_cast<int>(truth_last - truth_first);
    at.num_tracks = static_cast<int>(track_last - track_first);
    truth_ids.clear();
    track_ids.clear();
    double position_error = 0.0, velocity_error = 0.0;
    for (const TrackTruthAssociation& a : associations) {
      if (!Contains(a, time)) continue;
      truth_ids.push_back(a.truth_id);
      track_ids.push_back(a.track_id);
      const StateRecord* track = FindState(track_by_id, a.track_id, time);
      const StateRecord* truth = FindState(truth_by_id, a.truth_id, time);
      if (track == nullptr || truth == nullptr) continue;
      position_error += (track->position - truth->position).norm();
      velocity_error += (track->velocity - truth->velocity).norm();
    }
    for (std::vector<int64_t>* ids : {&truth_ids, &track_ids}) {
      std::sort(ids->begin(), ids->end());
      ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
    }
    at.num_associated_truths = static_cast<int>(truth_ids.size());
    at.num_associated_tracks = static_cast<int>(track_ids.size());
    const double j = at.num_truths, jt = at.num_associated_truths, n = at.num_tracks,
                 na = at.num_associated_tracks;
    at.completeness = j != 0 ? jt / j : 0.0;
    at.ambiguity = jt != 0 ? na / jt : 1.0;
    at.spuriousness = n != 0 ? (n - na) / n : 0.0;
    at.position_accuracy = na != 0 ? position_error / na : 0.0;
    at.velocity_accuracy = na != 0 ? velocity_error / na : 0.0;
    sum_j += j;
    sum_jt += jt;
    sum_n += n;
    sum_na += na;
    sum_pa += position_error;
    sum_va += velocity_error;
    result.per_time.push_back(at);
  }
  result.completeness = sum_j != 0 ? sum_jt / sum_j : 0.0;
  result.ambiguity = sum_jt != 0 ? sum_na / sum_jt : 1.0;
  result.spuriousness = sum_n != 0 ? (sum_n - sum_na) / sum_n : 0.0;
  result.position_accuracy = sum_na != 0 ? sum_pa / sum_na : 0.0;
  result.velocity_accuracy = sum_na != 0 ? sum_va / sum_na : 0.0;

  double changes = 0.0, tracked_seconds = 0.0, longest_seconds = 0.0, lifetime_seconds = 0.0;
  std::vector<Timestamp> truth_times;
  std::vector<const TrackTruthAssociation*> of_truth;
  for (const IdRange& truth : GroupById(truth_by_id)) {
    truth_times.clear();
    for (size_t k = truth.begin; k < truth.end; ++k) truth_times.push_back(truth_by_id[k].time);
    of_truth.clear();
    double longest = 0.0;
    for (const TrackTruthAssociation& a : associations) {
      if (a.truth_id != truth.id) continue;
      of_truth.push_back(&a);
      longest = std::max(longest, ToSeconds(a.end - a.start));
    }
    const int needed = TracksNeeded(of_truth, truth_times);
    if (needed > 0) changes += needed - 1;
    tracked_seconds += SecondsCovered(of_truth, truth_times.front(), truth_times.back());
    longest_seconds += longest;
    lifetime_seconds += ToSeconds(truth_times.back() - truth_times.front());
  }
  result.rate_of_track_number_changes = tracked_seconds != 0 ? changes / tracked_seconds : 0.0;
  result.longest_track_segment = lifetime_seconds != 0 ? longest_seconds / lifetime_seconds : 0.0;
  return result;
}

}  // namespace biac::metrics
