#pragma once

// The initiator (Stone Soup's MultiMeasurementInitiator generalised to three confirmation
// rules, track_logic.h): it holds tentative tracks, associates them by GNN with the
// detections no confirmed track took, updates or predicts them, confirms those whose rule is
// met, drops those that can no longer be confirmed, and starts a tentative track from every
// detection left over (a one-point initiation through the filter's Initiate()).

#include <span>
#include <vector>

#include "biac/base/status.h"
#include "biac/tracking/filter.h"
#include "biac/tracking/gnn.h"
#include "biac/tracking/hypothesiser.h"
#include "biac/tracking/track.h"
#include "biac/tracking/track_logic.h"

namespace biac::tracking {

template <TrackingFilter F>
class Initiator {
 public:
  using State = typename F::State;
  static constexpr int N = F::kStateDim;
  static constexpr int M = F::kMeasDim;

  // scoring: Pd and clutter density for the score logic (from the confirmed tracks'
  // hypothesiser options).
  Initiator(const F& filter, InitiatorOptions options, const HypothesiserOptions& scoring,
            TrackSink<N>* sink)
      : filter_(&filter),
        options_(options),
        scoring_(scoring),
        sink_(sink),
        hypothesiser_(filter, DistanceOptions(options)) {}

  size_t tentative_count() const { return holding_.size(); }

  // available[j] is set for detections no confirmed track took; it is cleared for those
  // this step uses. Newly confirmed tracks are appended to `confirmed` with ids from next_id.
  Status Initiate(Timestamp time, std::span<const Detection<M>> detections,
                  std::span<char> available, std::vector<Track<State>>& confirmed,
                  uint64_t& next_id) {
    const int num_detections = static_cast<int>(detections.size());
    if (!holding_.empty()) {
      hypothesiser_.Hypothesise(holding_, detections, available, time, hypotheses_);
      BIAC_RETURN_IF_ERROR(gnn_.Associate(hypotheses_, num_detections, detection_of_track_));
      ApplyGnnAssociation(*filter_, hypotheses_, detection_of_track_, detections, scoring_, time,
                          std::span(holding_), available,
                          [&](int t, bool updated) { Remember(t, updated); });
      // Confirm, drop or keep each tentative track (compacting in place, history with it).
      int kept = 0;
      for (int t = 0; t < static_cast<int>(holding_.size()); ++t) {
        Track<State>& track = holding_[t];
        if (ShouldConfirm(options_, track.logic)) {
          track.id = TrackId(next_id++);
          track.status = TrackStatus::kConfirmed;
          Flush(t, track.id);
          confirmed.push_back(track);
          continue;
        }
        if (ShouldDropTentative(options_, track.logic)) continue;
        if (kept != t) Move(t, kept);
        ++kept;
      }
      holding_.resize(kept);
      history_count_.resize(kept);
    }
    // One-point initiation from every detection still unused.
    for (int j = 0; j < num_detections; ++j) {
      if (!available[j]) continue;
      Track<State> track;
      track.time = time;
      track.state = filter_->Initiate(detections[j].z);
      track.logic.updates = 1;
      track.logic.scans = 1;
      track.logic.score = std::log(options_.new_target_density / scoring_.clutter_density);
      track.logic.max_score = track.logic.score;
      holding_.push_back(track);
      history_count_.push_back(0);
      Remember(static_cast<int>(holding_.size()) - 1, true);
      available[j] = 0;
      // A one-point track may already satisfy its rule (min_points = 1, M = 1).
      if (ShouldConfirm(options_, holding_.back().logic)) {
        Track<State>& t = holding_.back();
        t.id = TrackId(next_id++);
        t.status = TrackStatus::kConfirmed;
        Flush(static_cast<int>(holding_.size()) - 1, t.id);
        confirmed.push_back(t);
        holding_.pop_back();
        history_count_.pop_back();
      }
    }
    return Status::Ok();
  }

 private:
  static HypothesiserOptions DistanceOptions(const InitiatorOptions& o) {
    HypothesiserOptions h;
    h.kind = HypothesisKind::kDistance;
    h.missed_distance = o.missed_distance;
    return h;
  }

  struct HistoryEntry {
    Timestamp time;
    State state;
    bool updated;
  };

  // States a tentative track can have before it is confirmed or dropped: the rule's bound,
  // or max_tentative_history for the unbounded score rule.
  int Capacity() const {
    switch (options_.rule) {
      case ConfirmationRule::kConsecutive:
        return options_.min_points;
      case ConfirmationRule::kMOfN:
        return options_.n;
      case ConfirmationRule::kScore:
        return options_.max_tentative_history;
    }
    return options_.max_tentative_history;
  }

  // Appends the current state of tentative track t to its history (dropping the oldest when
  // full), when there is a sink to report it to.
  void Remember(int t, bool updated) {
    if (sink_ == nullptr) return;
    const size_t cap = static_cast<size_t>(Capacity());
    if (history_.size() < holding_.size() * cap) history_.resize(holding_.size() * cap);
    HistoryEntry* slot = history_.data() + t * cap;
    int& count = history_count_[t];
    if (count == Capacity()) {
      std::move(slot + 1, slot + cap, slot);
      --count;
    }
    slot[count++] = {holding_[t].time, holding_[t].state, updated};
  }

  void Move(int from, int to) {
    holding_[to] = holding_[from];
    history_count_[to] = history_count_[from];
    if (sink_ == nullptr) return;
    const size_t cap = static_cast<size_t>(Capacity());
    std::copy_n(history_.data() + from * cap, history_count_[from], history_.data() + to * cap);
  }

  void Flush(int t, TrackId id) {
    if (sink_ == nullptr) return;
    if (!options_.report_tentative_states) {
      // Only the state at confirmation (the latest one).
      const HistoryEntry& e = history_[t * static_cast<size_t>(Capacity()) + history_count_[t] - 1];
      sink_->OnState({id, e.time, filter_->Mean(e.state), filter_->Covariance(e.state), e.updated});
      return;
    }
    const HistoryEntry* slot = history_.data() + t * static_cast<size_t>(Capacity());
    for (int k = 0; k < history_count_[t]; ++k) {
      sink_->OnState({id, slot[k].time, filter_->Mean(slot[k].state),
                      filter_->Covariance(slot[k].state), slot[k].updated});
    }
  }

  const F* filter_;
  InitiatorOptions options_;
  HypothesiserOptions scoring_;
  TrackSink<N>* sink_;
  Hypothesiser<F> hypothesiser_;
  GnnAssociator gnn_;
  std::vector<Track<State>> holding_;
  std::vector<int> history_count_;
  std::vector<HistoryEntry> history_;
  Hypotheses<F> hypotheses_;
  std::vector<int> detection_of_track_;
};

}  // namespace biac::tracking
