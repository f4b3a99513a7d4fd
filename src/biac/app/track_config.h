#pragma once

// The configuration of `biac track` (TOML). Every key is optional; the defaults are the
// MTT-CV2D configuration that matches Stone Soup (docs/tracking.md). An unknown key or a bad
// value is an error naming the key.
//
//   [motion]       model = "cv" | "ca" | "singer" | "ct-known"
//                  noise_diff_coeff = 0.1      # q, m^2/s^3 (cv, ca: jerk q in m^2/s^5)
//                  singer_tau = 20.0, singer_sigma = 1.0, turn_rate_deg_s = 0.0
//   [measurement]  sigma = 10.0                # m per axis
//   [association]  method = "gnn" | "jpda"
//                  missed_distance = 3.0       # GNN gate and missed cost (Mahalanobis)
//                  prob_detect = 0.9, prob_gate = 0.9973, clutter_density = 1e-6
//                  grid = true                 # spatial index for gating
//   [initiation]   rule = "consecutive" | "m-of-n" | "score"
//                  min_points = 3, m = 2, n = 3
//                  prior_velocity_sigma = 20.0 # m/s, of the one-point initiation
//                  missed_distance = 3.0
//                  new_target_density = 1e-7, false_confirm_probability = 1e-3,
//                  false_delete_probability = 1e-2
//                  report_tentative_states = true   # Stone Soup counts them in the metrics
//   [deletion]     max_misses = 3, max_position_variance = 0.0, score_drop = 0.0
//   [metrics]      gospa_c = 100.0, gospa_p = 1.0, ospa_c = 100.0, ospa_p = 1.0

#include <string>

#include "biac/base/status.h"
#include "biac/tracking/tracker.h"

namespace biac::app {

enum class MotionKind { kConstantVelocity, kConstantAcceleration, kSinger, kKnownTurnRate };

struct TrackConfig {
  MotionKind motion = MotionKind::kConstantVelocity;
  double noise_diff_coeff = 0.1;
  double singer_tau = 20.0;
  double singer_sigma = 1.0;
  double turn_rate_deg_s = 0.0;
  double measurement_sigma = 10.0;
  double prior_velocity_sigma = 20.0;
  tracking::TrackerOptions tracker;
  double gospa_c = 100.0, gospa_p = 1.0, gospa_alpha = 2.0;
  double ospa_c = 100.0, ospa_p = 1.0;
};

// Parses TOML text; `source` names it in errors ("config.toml: [association] method: ...").
Result<TrackConfig> ParseTrackConfig(const std::string& text, const std::string& source);
Result<TrackConfig> LoadTrackConfig(const std::string& path);

}  // namespace biac::app
