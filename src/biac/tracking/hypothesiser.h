#pragma once

// The hypothesiser (Stone Soup's DistanceHypothesiser and PDAHypothesiser, with the gater
// in front): predicts each track to the scan time, predicts its measurement, and lists the
// detections inside its gate with a score.
//
//   kDistance:    score = Mahalanobis distance d, gate d < missed_distance; the missed
//                 hypothesis costs missed_distance (Stone Soup's DistanceHypothesiser with
//                 the Mahalanobis measure).
//   kProbability: gate d^2 <= chi2inv(Pg, M); score = Pd N(z; z^, S) / lambda; the missed
//                 weight is 1 - Pd Pg (Stone Soup's PDAHypothesiser; Bar-Shalom & Fortmann
//                 1988).
//
// Gating uses a grid over the first two measurement components (GateGrid), so the cost is
// linear in tracks + detections at a bounded density.

#include <cmath>
#include <numbers>
#include <span>
#include <vector>

#include "biac/tracking/filter.h"
#include "biac/tracking/gate_grid.h"
#include "biac/tracking/track.h"

namespace biac::tracking {

enum class HypothesisKind { kDistance, kProbability };

struct HypothesiserOptions {
  HypothesisKind kind = HypothesisKind::kDistance;
  double missed_distance = 3.0;   // kDistance: gate and missed cost (Mahalanobis)
  double prob_detect = 0.9;       // kProbability
  double prob_gate = 0.9973;      // kProbability
  double clutter_density = 1e-6;  // kProbability: false alarms per unit volume
  bool use_grid = true;           // false: test every pair (for tests)
};

struct HypothesisEntry {
  int detection;
  double score;  // distance (kDistance) or likelihood weight (kProbability)
};

// Per-scan hypotheses in compressed rows: row t lists the gated detections of track t.
template <typename F>
struct Hypotheses {
  std::vector<typename F::State> predictions;
  std::vector<typename F::MeasPrediction> measurement_predictions;
  std::vector<int> row_begin;
  std::vector<HypothesisEntry> entries;
  std::vector<double> missed;  // missed cost (kDistance) or weight (kProbability)

  int num_tracks() const { return static_cast<int>(predictions.size()); }
  std::span<const HypothesisEntry> row(int t) const {
    return {entries.data() + row_begin[t], entries.data() + row_begin[t + 1]};
  }
};

// ln(Pd N(z; z^, S) / lambda), given the innovation z - z^: the log-likelihood ratio of "z came
// from the track" against "z is clutter" (the score increment of an update).
template <typename MeasPrediction, int M>
double LogLikelihoodRatio(const MeasPrediction& mp, const estimation::Vector<M>& z,
                          double prob_detect, double clutter_density) {
  const estimation::Vector<M> innovation = z - mp.mean;
  const auto llt = mp.covariance.llt();
  const double d2 = innovation.dot(llt.solve(innovation));
  const double log_det = 2.0 * llt.matrixL().toDenseMatrix().diagonal().array().log().sum();
  return std::log(prob_detect) - 0.5 * (d2 + log_det + M * std::log(2.0 * std::numbers::pi)) -
         std::log(clutter_density);
}

// Upper quantile of the chi-square distribution for the gate, exact for 1 to 4 degrees of
// freedom (closed forms of the CDF inverted by bisection).
double ChiSquareQuantile(double probability, int dof);

template <TrackingFilter F>
class Hypothesiser {
 public:
  static constexpr int M = F::kMeasDim;

  Hypothesiser(const F& filter, HypothesiserOptions options) : filter_(&filter), options_(options) {
    gate_squared_ = options_.kind == HypothesisKind::kDistance
                        ? options_.missed_distance * options_.missed_distance
                        : ChiSquareQuantile(options_.prob_gate, M);
    log_norm_ = -0.5 * M * std::log(2.0 * std::numbers::pi);
  }

  const HypothesiserOptions& options() const { return options_; }

  // Hypotheses for `tracks` at `time` against the detections whose `available` flag is set.
  void Hypothesise(std::span<const Track<typename F::State>> tracks,
                   std::span<const Detection<M>> detections, std::span<const char> available,
                   Timestamp time, Hypotheses<F>& out) {
    const int n = static_cast<int>(tracks.size());
    out.predictions.resize(n);
    out.measurement_predictions.resize(n);
    out.missed.resize(n);
    out.row_begin.resize(n + 1);
    out.entries.clear();
    inverse_.resize(n);

    double typical_half_x = 0.0, typical_half_y = 0.0;
    for (int t = 0; t < n; ++t) {
      const double dt = ToSeconds(time - tracks[t].time);
      out.predictions[t] = filter_->Predict(tracks[t].state, dt);
      out.measurement_predictions[t] = filter_->PredictMeasurement(out.predictions[t]);
      const auto& s = out.measurement_predictions[t].covariance;
      inverse_[t] = s.inverse();
      typical_half_x = std::max(typical_half_x, std::sqrt(gate_squared_ * s(0, 0)));
      if constexpr (M > 1)
        typical_half_y = std::max(typical_half_y, std::sqrt(gate_squared_ * s(1, 1)));
    }

    index_.clear();
    for (int j = 0; j < static_cast<int>(detections.size()); ++j) {
      if (available[j]) index_.push_back(j);
    }
    const bool grid = options_.use_grid && index_.size() > 16 && n > 4;
    if (grid) {
      xs_.resize(index_.size());
      ys_.resize(index_.size());
      for (size_t k = 0; k < index_.size(); ++k) {
        xs_[k] = detections[index_[k]].z(0);
        ys_[k] = M > 1 ? detections[index_[k]].z(M > 1 ? 1 : 0) : 0.0;
      }
      // Cells about the size of a typical gate (the largest one would make cells too
      // coarse when a few tracks are very uncertain): a quarter of the largest, floored.
      grid_.Build(xs_, ys_, typical_half_x * 0.5, M > 1 ? typical_half_y * 0.5 : 1.0);
    }

    for (int t = 0; t < n; ++t) {
      out.row_begin[t] = static_cast<int>(out.entries.size());
      const auto& mp = out.measurement_predictions[t];
      if (options_.kind == HypothesisKind::kDistance) {
        out.missed[t] = options_.missed_distance;
      } else {
        out.missed[t] = 1.0 - options_.prob_detect * options_.prob_gate;
      }
      const double log_det = std::log(mp.covariance.determinant());
      auto consider = [&](int j) {
        const estimation::Vector<M> innovation = filter_->Residual(detections[j].z, mp.mean);
        const double d2 = innovation.dot(inverse_[t] * innovation);
        if (options_.kind == HypothesisKind::kDistance) {
          const double d = std::sqrt(d2);
          if (d < options_.missed_distance) out.entries.push_back({j, d});
        } else if (d2 <= gate_squared_) {
          const double log_pdf = log_norm_ - 0.5 * log_det - 0.5 * d2;
          out.entries.push_back(
              {j, options_.prob_detect * std::exp(log_pdf) / options_.clutter_density});
        }
      };
      if (grid) {
        const double hx = std::sqrt(gate_squared_ * mp.covariance(0, 0));
        const double hy = M > 1 ? std::sqrt(gate_squared_ * mp.covariance(1, 1)) : 0.0;
        const double cy = M > 1 ? mp.mean(1) : 0.0;
        double x0 = mp.mean(0) - hx, x1 = mp.mean(0) + hx, y0 = cy - hy, y1 = cy + hy;
        // A gate across +-pi on an angle: search that angle's whole range (rare, correct).
        if constexpr (F::kAngularGridDim == 0) {
          if (x0 < -std::numbers::pi || x1 > std::numbers::pi) {
            x0 = -std::numbers::pi;
            x1 = std::numbers::pi;
          }
        }
        if constexpr (F::kAngularGridDim == 1) {
          if (y0 < -std::numbers::pi || y1 > std::numbers::pi) {
            y0 = -std::numbers::pi;
            y1 = std::numbers::pi;
          }
        }
        grid_.Query(x0, x1, y0, y1, [&](int k) { consider(index_[k]); });
      } else {
        for (int j : index_) consider(j);
      }
    }
    out.row_begin[n] = static_cast<int>(out.entries.size());
  }

 private:
  const F* filter_;
  HypothesiserOptions options_;
  double gate_squared_ = 9.0;
  double log_norm_ = 0.0;
  GateGrid grid_;
  std::vector<int> index_;
  std::vector<double> xs_, ys_;
  std::vector<estimation::SquareMatrix<M>> inverse_;
};

}  // namespace biac::tracking
