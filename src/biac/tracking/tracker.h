#pragma once

// The multi-target tracker: Stone Soup's MultiTargetTracker / MultiTargetMixtureTracker,
// composed of the same roles. One Step() per scan:
//
//   hypotheses   = hypothesiser.Hypothesise(tracks, detections, time)   // predict + gate
//   associations = data_associator.Associate(hypotheses)                // GNN or JPDA
//   for each track: update with its association, or keep the prediction on a miss
//   tracks      -= deleter.DeleteTracks(tracks)
//   tracks      += initiator.Initiate(unassociated detections, time)
//
// Everything runs on fixed-size Eigen types; per-scan buffers are members reused from scan
// to scan, so a steady-state step allocates nothing but what a growing track count needs.

#include <algorithm>
#include <span>
#include <vector>

#include "biac/base/status.h"
#include "biac/tracking/filter.h"
#include "biac/tracking/gnn.h"
#include "biac/tracking/hypothesiser.h"
#include "biac/tracking/initiator.h"
#include "biac/tracking/jpda_associator.h"
#include "biac/tracking/track.h"
#include "biac/tracking/track_logic.h"

namespace biac::tracking {

enum class AssociatorKind { kGnn, kJpda };

struct TrackerOptions {
  AssociatorKind associator = AssociatorKind::kGnn;
  // Confirmed tracks' hypothesiser; its kind must match the associator (distance for GNN,
  // probability for JPDA). Pd and the clutter density are also used by the score logic.
  HypothesiserOptions hypothesiser;
  InitiatorOptions initiator;
  DeleterOptions deleter;
  // Indices of the position components in the state (for the covariance deleter).
  std::vector<int> position_indices = {0, 2};

  Status Validate() const;
};

template <TrackingFilter F>
class MultiTargetTracker {
 public:
  using State = typename F::State;
  static constexpr int N = F::kStateDim;
  static constexpr int M = F::kMeasDim;

  MultiTargetTracker(F filter, TrackerOptions options, TrackSink<N>* sink = nullptr)
      : filter_(std::move(filter)),
        options_(std::move(options)),
        sink_(sink),
        hypothesiser_(filter_, options_.hypothesiser),
        initiator_(filter_, options_.initiator, options_.hypothesiser, sink) {}

  // Not copyable or movable: the roles hold a pointer to the filter.
  MultiTargetTracker(const MultiTargetTracker&) = delete;
  MultiTargetTracker& operator=(const MultiTargetTracker&) = delete;

  // Processes one scan: all detections share `time`, which must not precede the last scan.
  Status Step(Timestamp time, std::span<const Detection<M>> detections) {
    if (scans_ > 0 && time < last_time_) {
      return InvalidArgument("scan time " + time.ToIso8601() + " precedes the previous scan " +
                             last_time_.ToIso8601());
    }
    last_time_ = time;
    ++scans_;
    const int num_detections = static_cast<int>(detections.size());
    unassociated_.assign(num_detections, 1);

    hypothesiser_.Hypothesise(tracks_, detections, unassociated_, time, hypotheses_);
    if (options_.associator == AssociatorKind::kGnn) {
      BIAC_RETURN_IF_ERROR(gnn_.Associate(hypotheses_, num_detections, detection_of_track_));
      ApplyGnn(time, detections);
    } else if constexpr (F::kGaussianState) {
      BIAC_RETURN_IF_ERROR(jpda_.Compute(hypotheses_.row_begin, hypotheses_.entries,
                                         hypotheses_.missed, num_detections, marginals_));
      ApplyJpda(time, detections);
    } else {
      return InvalidArgument("JPDA needs Gaussian track states; use GNN with this filter");
    }
    DeleteTracks(time);
    return initiator_.Initiate(time, detections, unassociated_, tracks_, next_id_);
  }

  std::span<const Track<State>> tracks() const { return tracks_; }
  const F& filter() const { return filter_; }
  // Tracks confirmed since the tracker started (deleted ones included).
  uint64_t confirmed_total() const { return next_id_ - 1; }
  size_t tentative_count() const { return initiator_.tentative_count(); }

 private:
  double PositionVariance(const State& state) const {
    double trace = 0.0;
    const auto& p = filter_.Covariance(state);
    for (int i : options_.position_indices) trace += p(i, i);
    return trace;
  }

  void Report(const Track<State>& track, bool updated) {
    if (sink_ == nullptr) return;
    sink_->OnState({track.id, track.time, filter_.Mean(track.state),
                    filter_.Covariance(track.state), updated});
  }

  void ApplyGnn(Timestamp time, std::span<const Detection<M>> detections) {
    ApplyGnnAssociation(filter_, hypotheses_, detection_of_track_, detections,
                        options_.hypothesiser, time, std::span(tracks_), std::span(unassociated_),
                        [&](int t, bool updated) { Report(tracks_[t], updated); });
  }

  // JPDA: each track's posterior is the moment-matched mixture of its prediction (weight of
  // the miss) and its updates with every gated detection (their marginal probabilities);
  // Stone Soup's MultiTargetMixtureTracker with gm_reduce_single. The state counts as an
  // update when some detection is more probable than the miss, and such detections are
  // taken from the initiator.
  void ApplyJpda(Timestamp time,
                 std::span<const Detection<M>> detections) requires F::kGaussianState {
    for (int t = 0; t < static_cast<int>(tracks_.size()); ++t) {
      Track<State>& track = tracks_[t];
      const auto& prediction = hypotheses_.predictions[t];
      const auto& mp = hypotheses_.measurement_predictions[t];
      const auto row = hypotheses_.row(t);
      const double miss = marginals_.missed[t];
      const int begin = hypotheses_.row_begin[t];
      bool updated = false;
      estimation::Vector<N> mean = miss * prediction.mean;
      posterior_.resize(row.size());
      for (int k = 0; k < static_cast<int>(row.size()); ++k) {
        const double beta = marginals_.probability[begin + k];
        if (beta > miss) {
          updated = true;
          unassociated_[row[k].detection] = 0;
        }
        posterior_[k] = filter_.Update(prediction, mp, detections[row[k].detection].z);
        mean += beta * posterior_[k].mean;
      }
      estimation::SquareMatrix<N> covariance = miss * prediction.covariance;
      {
        const estimation::Vector<N> d = prediction.mean - mean;
        covariance += miss * d * d.transpose();
      }
      for (int k = 0; k < static_cast<int>(row.size()); ++k) {
        const double beta = marginals_.probability[begin + k];
        const estimation::Vector<N> d = posterior_[k].mean - mean;
        covariance += beta * (posterior_[k].covariance + d * d.transpose());
      }
      track.time = time;
      track.state.mean = mean;
      track.state.covariance = covariance;
      const auto& h = options_.hypothesiser;
      if (updated) {
        // The score follows the most probable detection.
        int best = 0;
        for (int k = 1; k < static_cast<int>(row.size()); ++k) {
          if (marginals_.probability[begin + k] > marginals_.probability[begin + best]) best = k;
        }
        const auto innovation = filter_.Residual(detections[row[best].detection].z, mp.mean);
        RecordUpdate(track.logic,
                     LogLikelihoodRatio(mp, innovation, h.prob_detect, h.clutter_density));
      } else {
        RecordMiss(track.logic, h.prob_detect);
      }
      Report(track, updated);
    }
  }

  void DeleteTracks(Timestamp time) {
    auto keep = std::remove_if(tracks_.begin(), tracks_.end(), [&](const Track<State>& track) {
      if (!ShouldDelete(options_.deleter, track.logic, PositionVariance(track.state))) {
        return false;
      }
      if (sink_ != nullptr) sink_->OnDeleted(track.id, time);
      return true;
    });
    tracks_.erase(keep, tracks_.end());
  }

  F filter_;
  TrackerOptions options_;
  TrackSink<N>* sink_;
  Hypothesiser<F> hypothesiser_;
  GnnAssociator gnn_;
  JpdaAssociator jpda_;
  Initiator<F> initiator_;

  std::vector<Track<State>> tracks_;
  uint64_t next_id_ = 1;
  uint64_t scans_ = 0;
  Timestamp last_time_;

  Hypotheses<F> hypotheses_;
  std::vector<int> detection_of_track_;
  JpdaMarginals marginals_;
  std::vector<State> posterior_;
  std::vector<char> unassociated_;
};

}  // namespace biac::tracking
