#pragma once

// The BLK ATC manoeuvring-target Monte Carlo experiment (docs/blk_atc.md;
// shared/research/maneuvering-anchors.md §A1): the built-in scenario "blk-atc" (Bar-Shalom,
// Li, Kirubarajan 2001, §11.7.4: T = 5 s, +1 deg/s and -3 deg/s coordinated turns, Cartesian
// position measurements with sigma 100 m per axis) tracked by four reference filters, over
// `runs` independent measurement realisations of the one deterministic truth:
//   kf_low    KF, DWNA CV, sigma_a = 0.1 m/s^2 (the "low-noise KF" of the comparison)
//   kf_tcl    KF, DWNA CV, sigma_a = 1 m/s^2 (TCL demoMultipleModelFiltering's baseline)
//   imm2      IMM of two DWNA CV KFs, sigma_a = 0.1 and 2 m/s^2 (BLK's IMM-2), Pi(dt) =
//             expm(A dt) with A = [[-0.005, 0.005], [0.04, -0.04]] 1/s
//   imm_cvct  IMM of a DWNA CV KF (sigma_a = 0.1 m/s^2) and an EKF on the coordinated turn
//             with the turn rate in the state (ConstantTurn), same A
//   kf_exact  KF, CV with no process noise: the truth's own model in straight flight, so in
//             the first straight segment its NEES is chi-square (the consistency control:
//             the truth is deterministic, so every filter with process noise is conservative
//             there) and its RMS is the least-squares bound; it diverges after the first turn
// Every filter starts at t = 0 by one-point initialisation (TCL's onePointCartInit): position
// = first measurement with covariance R, velocity 0 with sigma 300 m/s per axis (and, for
// the CT mode, turn rate 0 with sigma kInitialTurnRateSigma); IMMs start with mu = (1/2, 1/2).
//
// Per time step t_k the experiment reports, over the runs: the RMS position error (m) and
// RMS velocity error (m/s) of the (combined) estimate, the average NEES of [x, vx, y, vy]
// (4 degrees of freedom), and for the IMMs the mean probability of the manoeuvre mode (the
// 2 m/s^2 mode of imm2, the CT mode of imm_cvct). Run r uses the detections of
// sim::GenerateDetections(scenario, truth, DeriveSeed(scenario.seed, 0x5E5 + r)), so run 0
// is exactly what `biac sim --scenario blk-atc` writes. The computation is deterministic.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "biac/base/status.h"

namespace biac::blk_atc {

// Filter settings (units in the names); docs/blk_atc.md gives the reasons.
inline constexpr double kMeasurementSigma = 100.0;      // m per axis (the scenario's)
inline constexpr double kInitialVelocitySigma = 300.0;  // m/s, one-point init (TCL)
inline constexpr double kKfLowSigmaA = 0.1;             // m/s^2
inline constexpr double kKfTclSigmaA = 1.0;             // m/s^2
inline constexpr double kImmQuietSigmaA = 0.1;          // m/s^2, imm2 and imm_cvct CV mode
inline constexpr double kImmManoeuvreSigmaA = 2.0;      // m/s^2, imm2 second mode
// The CT mode (ConstantTurn, continuous white noise): q in m^2/s^3 per axis and the turn-rate
// random-walk intensity in rad^2/s^3 (per 5 s step: sigma_omega = sqrt(q_omega 5 s)).
inline constexpr double kCtLinearNoiseDiffCoeff = 0.01;
inline constexpr double kCtTurnNoiseDiffCoeff = 1.0e-4;
inline constexpr double kInitialTurnRateSigma = 0.05;  // rad/s (about 2.9 deg/s)
// The mode generator A (1/s): mean sojourn 200 s in the quiet mode, 25 s in the other.
inline constexpr double kQuietToManoeuvreRate = 0.005;
inline constexpr double kManoeuvreToQuietRate = 0.04;
// Run r's detection seed is DeriveSeed(scenario.seed, kDetectionStream + r).
inline constexpr std::uint64_t kDetectionStream = 0x5E5;

inline constexpr int kFilterCount = 5;
inline constexpr std::array<std::string_view, kFilterCount> kFilterNames = {
    "kf_low", "kf_tcl", "imm2", "imm_cvct", "kf_exact"};
enum FilterIndex { kKfLow = 0, kKfTcl = 1, kImm2 = 2, kImmCvCt = 3, kKfExact = 4 };

struct FilterCurves {
  std::string name;
  std::vector<double> rms_position;  // m
  std::vector<double> rms_velocity;  // m/s
  std::vector<double> anees;         // average NEES of [x, vx, y, vy] (4 dof)
  // Mean probability of the manoeuvre mode; empty for a single-model filter.
  std::vector<double> manoeuvre_probability;
};

struct ExperimentResult {
  int runs = 0;
  std::vector<double> times;  // s
  std::array<FilterCurves, kFilterCount> filters;
};

// Runs the experiment; runs >= 1. An error only if the built-in scenario is missing or its
// detections are not one per scan (Pd = 1, no clutter, as the scenario file states).
Result<ExperimentResult> RunExperiment(int runs);

// Segments of the truth (s, closed intervals); a turn's window runs on to kTurnSettle after
// the turn ends, where a lagging filter's error peaks.
struct Window {
  std::string_view name;
  double begin;
  double end;
};
inline constexpr double kTurnSettle = 30.0;  // s
inline constexpr Window kTurn1{"turn +1 deg/s", 125.0, 215.0 + kTurnSettle};
inline constexpr Window kTurn2{"turn -3 deg/s", 340.0, 370.0 + kTurnSettle};
// Straight flight, each after its own settling time: 50 s after the one-point start, 60 s
// after the end of a turn (the low-noise KF's lag takes longer; the summary shows it).
inline constexpr Window kStraight1{"straight 1", 50.0, 125.0};
inline constexpr Window kStraight2{"straight 2", 275.0, 340.0};
inline constexpr Window kStraight3{"straight 3", 430.0, 495.0};

// Indices of the time steps inside a window.
std::vector<int> StepsIn(const std::vector<double>& times, const Window& window);
double PeakOver(const std::vector<double>& series, const std::vector<int>& steps);
double MeanOver(const std::vector<double>& series, const std::vector<int>& steps);

// The curves as CSV: header `time,<f>_rms_pos,<f>_rms_vel,<f>_anees[,<f>_mu_manoeuvre]...`
// for f in kFilterNames order (mu for the IMMs only), one row per time step; every number
// with 7 significant digits, so that a regenerated file changes only when the numbers do,
// not with platform round-off (docs/blk_atc.md, "Tolerance").
std::string FormatCsv(const ExperimentResult& result);
// Reads FormatCsv's output back (runs is left 0); errors name the source, line and column.
Result<ExperimentResult> ParseCsv(std::string_view text, std::string source_name);

// A Markdown table of the figures docs/blk_atc.md quotes (peaks per turn, means per straight
// segment, ANEES), from the curves.
std::string FormatSummary(const ExperimentResult& result);

}  // namespace biac::blk_atc
