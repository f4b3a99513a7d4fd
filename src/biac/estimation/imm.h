#pragma once

// The interacting multiple model (IMM) estimator (Blom & Bar-Shalom 1988, "The interacting
// multiple model algorithm for systems with Markovian switching coefficients", IEEE Trans.
// AC 33(8); Bar-Shalom, Li, Kirubarajan 2001, §11.6) over a bank of mode-conditioned filters,
// each a motion model with any filter of this module (LinearKalman, ExtendedKalman,
// UnscentedKalman, CubatureKalman). One cycle, r modes, mode probabilities mu:
//   1. mode transition   Pi = Pi(dt) (mode_transition.h), c_j = sum_i Pi_ij mu_i
//   2. mixing            mu_{i|j} = Pi_ij mu_i / c_j; x0_j, P0_j = moment-matched mixture of
//                        the mode posteriors with weights mu_{i|j}
//   3. mode prediction   each mode's filter predicts from (x0_j, P0_j); the predicted mode
//                        probabilities are c_j
//   4. measurement       each mode predicts the measurement with its own measurement model
//   5. update            each mode updates; mu_j ∝ c_j N(residual_j; 0, S_j)
//   6. combination       moment-matched mixture of the modes with weights mu (output only)
//
// Modes with DIFFERENT state vectors (CV [x, vx, y, vy] with CT [x, vx, y, vy, omega], CV with
// CA, ...) are mixed in the union of their components (state_space.h), the augmented state.
// Zero-padding a component a mode lacks (omega = 0 for CV) would bias the mixture towards zero
// and understate its variance. Instead, following the "unbiased mixing" of Granström,
// Willett & Bar-Shalom 2015 ("Systematic approach to IMM mixing for unequal dimension states",
// IEEE Trans. AES 51(4)), a source mode lacking components that the target mode j needs is
// augmented with the mean and covariance of those components taken from the mixture (weights
// mu_{k|j}, renormalised) of the modes k that have them, uncorrelated with the source's own
// components. For two modes this is exactly Granström's choice (the missing part comes from
// the target mode's own estimate); with more modes it uses every mode that carries the
// component. Components missing from different sets of modes are filled independently. The
// same rule fills the combined output. docs/estimation.md has the derivation.
//
// Usage: an Imm<ModeFilter<Motion, Filter>...>; State holds the mode-conditioned Gaussians
// and the mode probabilities. A measurement bank is a std::tuple with one measurement model
// per mode (each on that mode's state vector), all of the same measurement dimension;
// MakeMeasurementBank builds one from a generic callable. All storage is fixed-size: no
// allocation per step.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <tuple>
#include <type_traits>
#include <utility>

#include "biac/estimation/extended_kalman.h"
#include "biac/estimation/kalman.h"
#include "biac/estimation/mode_transition.h"
#include "biac/estimation/state_space.h"
#include "biac/estimation/types.h"

namespace biac::estimation {

// One IMM mode: a motion model and the filter that runs it.
template <typename Motion, typename Filter = ExtendedKalman>
struct ModeFilter {
  using MotionModel = Motion;
  using FilterType = Filter;
  static constexpr int kStateDim = Motion::kStateDim;
  Motion motion;
  Filter filter{};
};

template <typename... Modes>
class Imm {
  static_assert(sizeof...(Modes) >= 1, "Imm: at least one mode");

 public:
  static constexpr int kModeCount = sizeof...(Modes);
  static constexpr ComponentMask kComponentMask = (MaskOf(Modes::MotionModel::kComponents) | ...);
  // The augmented (union) state: every component of any mode, in canonical order.
  static constexpr int kStateDim = CountOf(kComponentMask);
  static constexpr std::array<Component, kStateDim> kComponents =
      ComponentsOf<kStateDim>(kComponentMask);
  static constexpr int kAxes = (kComponentMask & MaskOf(Component::kZ)) != 0 ? 3 : 2;
  // Indices in the augmented state.
  static constexpr std::array<int, kAxes> kPositionIndices =
      DerivativeIndices<kAxes>(kComponents, 0);
  static constexpr std::array<int, kAxes> kVelocityIndices =
      DerivativeIndices<kAxes>(kComponents, 1);

  template <std::size_t J>
  using ModeAt = std::tuple_element_t<J, std::tuple<Modes...>>;
  using Probabilities = Vector<kModeCount>;
  using ModeStates = std::tuple<Gaussian<Modes::kStateDim>...>;

  struct State {
    ModeStates modes;
    // Posterior mu after Initialize/Update; predicted c after Predict.
    Probabilities probabilities = Probabilities::Constant(1.0 / kModeCount);
  };

  template <int M>
  struct MeasurementPredictions {
    std::tuple<MeasurementPrediction<Modes::kStateDim, M>...> modes;
    // Moment-matched mixture of the mode predictions (weights c): for gating and display.
    Gaussian<M> combined;
  };

  Imm(std::tuple<Modes...> modes, ModeTransition<kModeCount> transition)
      : modes_(std::move(modes)), transition_(std::move(transition)) {}

  const std::tuple<Modes...>& modes() const { return modes_; }
  const ModeTransition<kModeCount>& transition() const { return transition_; }

  // One measurement model per mode: f(mode_j.motion) for each j, f usually a generic lambda
  // that reads the motion model's kStateDim and kPositionIndices.
  template <typename Factory>
  auto MakeMeasurementBank(Factory&& factory) const {
    return std::apply([&](const auto&... mode) { return std::make_tuple(factory(mode.motion)...); },
                      modes_);
  }

  // Every mode starts from the marginal of `state` (augmented) on its own components.
  State Initialize(const Gaussian<kStateDim>& state, const Probabilities& probabilities) const {
    State out;
    ForEachMode([&](auto tag) {
      constexpr std::size_t j = decltype(tag)::value;
      std::get<j>(out.modes) = Extract<j>(state);
    });
    out.probabilities = probabilities;
    return out;
  }

  // Steps 1-3: mode transition over dt, mixing, mode-conditioned prediction.
  State Predict(const State& posterior, double dt) const {
    const SquareMatrix<kModeCount> pi = transition_.Matrix(dt);
    const Probabilities predicted = pi.transpose() * posterior.probabilities;
    Embedded embedded;
    Embed(posterior, &embedded);
    State out;
    ForEachMode([&](auto tag) {
      constexpr std::size_t j = decltype(tag)::value;
      Probabilities weights;
      if (predicted(j) > 0.0) {
        weights = pi.col(j).cwiseProduct(posterior.probabilities) / predicted(j);
      } else {
        weights = Probabilities::Unit(j);
      }
      const Gaussian<kStateDim> mixed = Mix(embedded, weights, kModeMasks[j]);
      const auto& mode = std::get<j>(modes_);
      std::get<j>(out.modes) = mode.filter.Predict(mode.motion, Extract<j>(mixed), dt);
    });
    out.probabilities = predicted;
    return out;
  }

  // Step 4: each mode's measurement prediction, and their mixture.
  template <typename... Measurements>
  auto PredictMeasurement(const std::tuple<Measurements...>& bank, const State& predicted) const {
    constexpr int kMeasDim = CheckBank<Measurements...>();
    MeasurementPredictions<kMeasDim> out;
    ForEachMode([&](auto tag) {
      constexpr std::size_t j = decltype(tag)::value;
      const auto& mode = std::get<j>(modes_);
      std::get<j>(out.modes) =
          mode.filter.PredictMeasurement(std::get<j>(bank), std::get<j>(predicted.modes));
    });
    const auto& reference_model = std::get<0>(bank);
    const Vector<kMeasDim> reference = std::get<0>(out.modes).mean;
    Vector<kMeasDim> offset = Vector<kMeasDim>::Zero();
    ForEachMode([&](auto tag) {
      constexpr std::size_t j = decltype(tag)::value;
      offset += predicted.probabilities(j) *
                MeasurementResidual(reference_model, std::get<j>(out.modes).mean, reference);
    });
    out.combined.mean = reference + offset;
    out.combined.covariance.setZero();
    ForEachMode([&](auto tag) {
      constexpr std::size_t j = decltype(tag)::value;
      const auto& mp = std::get<j>(out.modes);
      const Vector<kMeasDim> spread =
          MeasurementResidual(reference_model, mp.mean, out.combined.mean);
      out.combined.covariance +=
          predicted.probabilities(j) * (mp.covariance + spread * spread.transpose());
    });
    return out;
  }

  // Step 5: mode-conditioned updates and mode probabilities.
  template <typename... Measurements, int M>
  State Update(const std::tuple<Measurements...>& bank, const State& predicted,
               const MeasurementPredictions<M>& mp, const Vector<M>& z) const {
    static_assert(CheckBank<Measurements...>() == M, "Imm::Update: bank and prediction differ");
    State out;
    Probabilities log_likelihood;
    ForEachMode([&](auto tag) {
      constexpr std::size_t j = decltype(tag)::value;
      const auto& measurement = std::get<j>(bank);
      const auto& mode_mp = std::get<j>(mp.modes);
      std::get<j>(out.modes) = KalmanUpdate(measurement, std::get<j>(predicted.modes), mode_mp, z);
      log_likelihood(j) = estimation::LogLikelihood(measurement, mode_mp, z);
    });
    out.probabilities = PosteriorProbabilities(predicted.probabilities, log_likelihood);
    return out;
  }

  // log p(z | predicted) = log sum_j c_j N(residual_j; 0, S_j): the IMM measurement
  // likelihood, for PDA/JPDA association weights.
  template <typename... Measurements, int M>
  double LogLikelihood(const std::tuple<Measurements...>& bank, const State& predicted,
                       const MeasurementPredictions<M>& mp, const Vector<M>& z) const {
    Probabilities log_terms;
    ForEachMode([&](auto tag) {
      constexpr std::size_t j = decltype(tag)::value;
      log_terms(j) = std::log(predicted.probabilities(j)) +
                     estimation::LogLikelihood(std::get<j>(bank), std::get<j>(mp.modes), z);
    });
    const double max_term = log_terms.maxCoeff();
    if (!std::isfinite(max_term)) return max_term;
    return max_term + std::log((log_terms.array() - max_term).exp().sum());
  }

  // Step 6: the combined estimate in the augmented state (for output; not fed back).
  Gaussian<kStateDim> Combine(const State& state) const {
    Embedded embedded;
    Embed(state, &embedded);
    return Mix(embedded, state.probabilities, kFullMask);
  }

 private:
  // Bitmasks over augmented indices.
  using IndexMask = std::uint32_t;
  static_assert(kStateDim <= 32);

  template <std::size_t J>
  static constexpr std::array<int, ModeAt<J>::kStateDim> AugmentedIndices() {
    std::array<int, ModeAt<J>::kStateDim> out{};
    for (int i = 0; i < ModeAt<J>::kStateDim; ++i) {
      out[i] = IndexOf(kComponents, ModeAt<J>::MotionModel::kComponents[i]);
    }
    return out;
  }

  static constexpr std::array<IndexMask, kModeCount> MakeModeMasks() {
    std::array<IndexMask, kModeCount> out{};
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      ((out[J] =
            [] {
              IndexMask mask = 0;
              for (int index : AugmentedIndices<J>()) mask |= IndexMask{1} << index;
              return mask;
            }()),
       ...);
    }
    (std::make_index_sequence<kModeCount>{});
    return out;
  }
  static constexpr std::array<IndexMask, kModeCount> kModeMasks = MakeModeMasks();
  static constexpr IndexMask kFullMask =
      kStateDim == 32 ? ~IndexMask{0} : (IndexMask{1} << kStateDim) - 1;

  // For each augmented index, the set of modes (bit j) that carry it.
  static constexpr std::array<std::uint32_t, kStateDim> MakeAvailability() {
    std::array<std::uint32_t, kStateDim> out{};
    for (int a = 0; a < kStateDim; ++a) {
      for (int j = 0; j < kModeCount; ++j) {
        if ((kModeMasks[j] >> a) & 1U) out[a] |= std::uint32_t{1} << j;
      }
    }
    return out;
  }
  static constexpr std::array<std::uint32_t, kStateDim> kAvailability = MakeAvailability();

  struct Embedded {
    std::array<Vector<kStateDim>, kModeCount> means;
    std::array<SquareMatrix<kStateDim>, kModeCount> covariances;
  };

  template <typename F>
  static void ForEachMode(F&& f) {
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      (f(std::integral_constant<std::size_t, J>{}), ...);
    }
    (std::make_index_sequence<kModeCount>{});
  }

  template <typename... Measurements>
  static constexpr int CheckBank() {
    static_assert(sizeof...(Measurements) == kModeCount,
                  "Imm: the measurement bank needs one model per mode");
    static_assert(((Measurements::kStateDim == Modes::kStateDim) && ...),
                  "Imm: measurement model j must act on mode j's state");
    constexpr int kMeasDim = std::tuple_element_t<0, std::tuple<Measurements...>>::kMeasDim;
    static_assert(((Measurements::kMeasDim == kMeasDim) && ...),
                  "Imm: every measurement model in a bank has the same dimension");
    return kMeasDim;
  }

  template <std::size_t J>
  static Gaussian<ModeAt<J>::kStateDim> Extract(const Gaussian<kStateDim>& g) {
    constexpr auto kIndices = AugmentedIndices<J>();
    constexpr int n = ModeAt<J>::kStateDim;
    Gaussian<n> out;
    for (int a = 0; a < n; ++a) {
      out.mean(a) = g.mean(kIndices[a]);
      for (int b = 0; b < n; ++b) out.covariance(a, b) = g.covariance(kIndices[a], kIndices[b]);
    }
    return out;
  }

  static void Embed(const State& state, Embedded* out) {
    ForEachMode([&](auto tag) {
      constexpr std::size_t j = decltype(tag)::value;
      constexpr auto kIndices = AugmentedIndices<j>();
      constexpr int n = ModeAt<j>::kStateDim;
      const auto& g = std::get<j>(state.modes);
      out->means[j].setZero();
      out->covariances[j].setZero();
      for (int a = 0; a < n; ++a) {
        out->means[j](kIndices[a]) = g.mean(a);
        for (int b = 0; b < n; ++b) {
          out->covariances[j](kIndices[a], kIndices[b]) = g.covariance(a, b);
        }
      }
    });
  }

  // The moment-matched mixture, over the components in `target`, of the embedded modes with
  // the given weights (summing to one); each mode's missing components are filled as the
  // header comment describes.
  static Gaussian<kStateDim> Mix(const Embedded& e, const Probabilities& weights,
                                 IndexMask target) {
    Embedded filled = e;
    for (int i = 0; i < kModeCount; ++i) {
      if (weights(i) <= 0.0) continue;
      const IndexMask missing = target & ~kModeMasks[i];
      IndexMask done = 0;
      for (int a = 0; a < kStateDim; ++a) {
        if (((missing >> a) & 1U) == 0 || ((done >> a) & 1U) != 0) continue;
        const std::uint32_t carriers = kAvailability[a];
        IndexMask group = 0;
        for (int b = a; b < kStateDim; ++b) {
          if (((missing >> b) & 1U) != 0 && kAvailability[b] == carriers)
            group |= IndexMask{1} << b;
        }
        done |= group;
        FillGroup(e, weights, carriers, group, &filled.means[i], &filled.covariances[i]);
      }
    }
    Gaussian<kStateDim> out;
    for (int i = 0; i < kModeCount; ++i) out.mean += weights(i) * filled.means[i];
    for (int i = 0; i < kModeCount; ++i) {
      if (weights(i) <= 0.0) continue;
      const Vector<kStateDim> spread = filled.means[i] - out.mean;
      out.covariance += weights(i) * (filled.covariances[i] + spread * spread.transpose());
    }
    return out;
  }

  // Writes into (mean, covariance) the mixture, over the modes in `carriers`, of the
  // components in `group`; the group is uncorrelated with everything else.
  static void FillGroup(const Embedded& e, const Probabilities& weights, std::uint32_t carriers,
                        IndexMask group, Vector<kStateDim>* mean,
                        SquareMatrix<kStateDim>* covariance) {
    Probabilities w = Probabilities::Zero();
    for (int k = 0; k < kModeCount; ++k) {
      if ((carriers >> k) & 1U) w(k) = weights(k);
    }
    if (!(w.sum() > 0.0)) {
      for (int k = 0; k < kModeCount; ++k) w(k) = (carriers >> k) & 1U ? 1.0 : 0.0;
    }
    w /= w.sum();
    Vector<kStateDim> fill_mean = Vector<kStateDim>::Zero();
    for (int k = 0; k < kModeCount; ++k) fill_mean += w(k) * e.means[k];
    SquareMatrix<kStateDim> fill_covariance = SquareMatrix<kStateDim>::Zero();
    for (int k = 0; k < kModeCount; ++k) {
      if (w(k) <= 0.0) continue;
      const Vector<kStateDim> spread = e.means[k] - fill_mean;
      fill_covariance += w(k) * (e.covariances[k] + spread * spread.transpose());
    }
    for (int a = 0; a < kStateDim; ++a) {
      if (((group >> a) & 1U) == 0) continue;
      (*mean)(a) = fill_mean(a);
      for (int b = 0; b < kStateDim; ++b) {
        if (((group >> b) & 1U) != 0) {
          (*covariance)(a, b) = fill_covariance(a, b);
        } else {
          (*covariance)(a, b) = (*covariance)(b, a) = 0.0;
        }
      }
    }
  }

  // mu_j ∝ c_j exp(l_j), computed relative to the largest log-likelihood so that distant
  // measurements do not underflow every mode to zero.
  static Probabilities PosteriorProbabilities(const Probabilities& predicted,
                                              const Probabilities& log_likelihood) {
    const double max_log = log_likelihood.maxCoeff();
    if (!std::isfinite(max_log)) return predicted;
    Probabilities out = predicted.cwiseProduct((log_likelihood.array() - max_log).exp().matrix());
    const double sum = out.sum();
    if (!(sum > 0.0)) return predicted;
    return out / sum;
  }

  std::tuple<Modes...> modes_;
  ModeTransition<kModeCount> transition_;
};

}  // namespace biac::estimation
