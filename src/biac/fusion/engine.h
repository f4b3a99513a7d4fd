#pragma once

// The multi-source fusion engine: one audience's picture from the observations it is given.
//
// Inputs are model::Observations from any source, each with its label. The engine
//   - tracks cooperative objects by identity: an AIS report joins the track of its MMSI, an
//     ADS-B report the track of its ICAO address, a CoT self report the track of its uid;
//   - updates a track with an angle-only report (a bearing from a sensor) that fits it best
//     (extended Kalman update; a bearing alone starts no track);
//   - associates non-cooperative detections (radar plots, GMTI reports) kinematically, one
//     global-nearest-neighbour assignment per sensor look over every track (tentative,
//     confirmed and cooperative), so a radar plot of a ship that reports AIS joins that ship's
//     track and a ship that stops transmitting keeps its track through the radar;
//   - fuses other systems' tracks (ASTERIX CAT062, CoT tracks, a partner's picture) track to
//     track by covariance intersection, because the cross-correlation between a system track
//     and ours is unknown, and keeps their track numbers as identities;
//   - keeps, for every track, the exact set of observations its state was derived from
//     (provenance) and the roll-up of their labels.
//
// Ordering and out-of-sequence data. Observations are applied in the total order
// (data time, source, sensor, id), never in arrival order. An observation is held until the
// engine's clock (the latest arrival time it was given) has passed its data time by the
// configured lag, then committed; one that arrives after its time has been committed is too
// late and is counted, never applied out of order. A picture can be taken from the committed
// state alone, or with the held (not yet committed) observations applied to a copy of it
// (Snapshot's `include_pending`), which is what a live display wants.
//
// Determinism: nothing reads a clock or iterates an unordered container; the same
// observations with the same arrival times give the same picture, byte for byte. In
// particular an engine's picture depends only on the observations it was given, so an
// audience's engine fed its visible observations gives exactly the picture of a store that
// only ever held those (release.h builds on this).
//
// Frames: each track filters in its own local east-north-up tangent frame, re-anchored as the
// track moves (docs/fusion.md): horizontal nearly-constant-velocity state (e, ve, n, vn)
// with continuous white-noise acceleration (estimation::ConstantVelocity<2>), and a separate
// vertical state (altitude, climb rate) once some source reports altitude.

#include <Eigen/Core>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "biac/base/status.h"
#include "biac/base/time.h"
#include "biac/fusion/shared_picture.h"
#include "biac/geo/coordinates.h"
#include "biac/geo/local_frame.h"
#include "biac/labels/label.h"
#include "biac/model/observation.h"
#include "biac/model/picture.h"

namespace biac::fusion {

struct DomainTuning {
  double process_noise = 0.1;     // q of the horizontal model, m^2/s^3
  double coast_s = 120.0;         // a confirmed track without an update for longer is deleted
};

struct EngineOptions {
  // Out-of-sequence window: an observation is committed once the clock has passed its data
  // time by this much; one arriving later than that is too late (counted, not applied).
  double lag_s = 10.0;
  // Late window of a live node: an observation at most `late_s` behind the committed time is
  // applied at once, in arrival order, instead of being too late. It is associated and
  // updated against the tracks as they are: a track already updated past the observation's
  // time is not predicted back, so the update is off by at most `late_s` of the object's
  // motion (25 m for a ship at 10 m/s and 2.5 s, 125 m for a jet at 250 m/s and 0.5 s: below
  // a surveillance radar's own error at range). What it buys: a source whose reports leave it
  // later than `lag_s` after their time (a radar sending a sector at its end, a starved
  // listener) still updates the picture, without holding every other source back by that
  // delay. 0 (the default, and offline fusion): strict time order, too late is too late.
  double late_s = 0.0;

  DomainTuning sea{0.01, 600.0};
  DomainTuning air{25.0, 60.0};
  DomainTuning land{0.5, 300.0};
  DomainTuning unknown{1.0, 120.0};
  double vertical_process_noise = 2.0;  // q of the altitude model, m^2/s^3

  // Gates: squared Mahalanobis distance (chi-square quantiles, 99.9 %).
  double gate_2d = 13.82;
  double gate_4d = 18.47;
  // Identity continuity: a cooperative report this far (squared Mahalanobis, horizontal) from
  // its own track's prediction re-anchors the track instead of updating it (an identity
  // jump: a spoofed, reused or corrected MMSI); counted.
  double identity_jump_gate = 1000.0;

  // Tentative tracks from unassociated detections: initial velocity standard deviation
  // (m/s) and the confirmation rule: `confirm_hits` updates (the first included) within
  // `confirm_window_s`; dropped after `tentative_coast_s` without an update.
  double initial_speed_sigma = 150.0;
  int confirm_hits = 3;
  double confirm_window_s = 60.0;
  double tentative_coast_s = 30.0;

  // Duplicate suppression: two confirmed tracks with no conflicting identity whose states
  // are within gate_4d of each other (position and velocity, combined covariance) for
  // `merge_after` consecutive checks (one per second of data time) are merged.
  int merge_after = 3;

  // Default sigmas where a source gives none (m, m/s).
  double default_position_sigma = 100.0;
  double default_altitude_sigma = 50.0;

  // Re-anchor a track's frame when it is farther than this from its anchor (m).
  double reanchor_distance_m = 5000.0;

  // Provenance kept per track: the most recent this many observation ids (0: every id). A
  // live node bounds it, because a track that lives for hours would otherwise hold every
  // report it ever had; the label roll-up and the source list always cover every contributor,
  // and the store keeps every observation (docs/fusion.md, "Provenance").
  size_t provenance_limit = 0;

  // Candidate tracks of a detection come from a spatial index (ECEF cells) instead of a scan
  // of every track. The outcome is the same either way (the index returns a superset of the
  // tracks the exact pre-filter keeps, in the same order); false is for tests that prove it.
  bool spatial_index = true;

  Status Validate() const;
};

// An observation with the audience-independent work done once: validation and its ECEF
// position. A release (release.h) prepares each observation once for all audiences.
struct PreparedObservation {
  const model::Observation* observation = nullptr;
  Timestamp arrival;
  geo::Ecef ecef;
  bool valid = false;
  std::string error;  // why it is not valid
};

// Prepares an observation (arrival: when the node received it; use its time for files).
PreparedObservation Prepare(const model::Observation& observation, Timestamp arrival);

struct EngineCounters {
  uint64_t received = 0;
  uint64_t applied = 0;
  uint64_t too_late = 0;       // arrived after their time was committed (and after late_s)
  uint64_t applied_late = 0;   // arrived after their time was committed, within late_s: applied
  uint64_t invalid = 0;        // failed preparation (position out of range, NaN)
  uint64_t ignored = 0;        // kinds the engine does not track (sensor points)
  uint64_t identity_jumps = 0;
  uint64_t bearings_unassociated = 0;  // angle-only reports that fit no confirmed track
  uint64_t merges = 0;
  uint64_t tracks_confirmed = 0;
  uint64_t tracks_deleted = 0;
};

class Engine {
 public:
  explicit Engine(EngineOptions options);
  ~Engine();
  Engine(const Engine& other);
  Engine& operator=(const Engine& other);
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;

  // Hands the engine one observation. The PreparedObservation (and the Observation it points
  // to) must outlive the engine's use of it: until it is committed. Advances the clock to
  // max(clock, min(data time, arrival)) and commits what the lag allows.
  void Add(const PreparedObservation* observation);

  // Advances the clock without an observation (a live node calls this on its timer).
  void AdvanceClock(Timestamp now);

  // Commits everything held, as at the end of a file.
  void Flush();

  // The picture: the confirmed tracks, numbered in this engine's own order. With
  // include_pending, the held observations are applied to a copy of the committed state
  // first (the committed state itself is unchanged). Like every member, not safe to call
  // from two threads at once (it reuses a scratch copy).
  model::Picture Snapshot(bool include_pending) const;

  // The same picture as shared immutable tracks (shared_picture.h), for a live node that
  // publishes often: only the tracks changed since the previous call are rebuilt, every
  // other one is the object the previous call returned. Track for track equal to
  // ToShared(Snapshot(include_pending)). Each entry's label_id indexes published_labels().
  // With include_pending the committed state is copied first (O(tracks), as Snapshot).
  SharedPicture Published(bool include_pending);
  // The label table of the last Published() call (valid until the next non-const call).
  const std::vector<labels::Label>& published_labels() const;

  Timestamp clock() const;
  // Every observation with data time <= committed_time() has been applied (or ruled too
  // late); meaningful once has_committed().
  Timestamp committed_time() const;
  bool has_committed() const;
  const EngineCounters& counters() const;
  size_t pending_count() const;
  const EngineOptions& options() const;

  // The internal state; public so the implementation's helpers can name it.
  struct Core;

 private:
  void Commit(Timestamp until);

  std::unique_ptr<Core> core_;
  mutable std::unique_ptr<Core> scratch_;  // Snapshot's working copy, reused
  const std::vector<labels::Label>* published_labels_ = nullptr;  // in core_ or scratch_
};

}  // namespace biac::fusion
