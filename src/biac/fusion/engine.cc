#include "biac/fusion/engine.h"

#include <Eigen/Cholesky>
#include <Eigen/LU>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <span>
#include <unordered_map>
#include <utility>

#include "biac/assignment/assignment.h"
#include "biac/estimation/constant_velocity.h"

namespace biac::fusion {
namespace {

using Vec2 = Eigen::Vector2d;
using Vec4 = Eigen::Vector4d;
using Mat2 = Eigen::Matrix2d;
using Mat4 = Eigen::Matrix4d;
using model::Domain;
using model::Observation;
using model::ObservationKind;
using model::SourceKind;

// Horizontal state layout (estimation::ConstantVelocity<2>): e, ve, n, vn.
constexpr int kE = 0;
constexpr int kVe = 1;
constexpr int kN = 2;
constexpr int kVn = 3;

// Detections farther than this from a track (ECEF, plus what the track can fly in the time
// since its state) are not gated against it at all: a cheap pre-filter before the
// Mahalanobis gate, far outside any gate the covariances allow.
constexpr double kPrefilterDistanceM = 30000.0;
// Slack of the gate's necessary conditions for rounding (m).
constexpr double kRoundingM = 1.0;
// Tracks farther apart than this are never merge candidates.
constexpr double kMergePrefilterM = 5000.0;
// Golden-section iterations for the covariance-intersection weight (interval shrinks by
// 0.618 per step: 30 steps leave 1e-6 of [0, 1]).
constexpr int kCiIterations = 30;
constexpr double kCiMinWeight = 1e-3;

double Seconds(Timestamp a, Timestamp b) { return ToSeconds(a - b); }

struct TrackState {
  uint64_t serial = 0;  // creation order; tracks_ is sorted by it
  uint64_t id = 0;      // picture number once confirmed
  bool confirmed = false;
  Timestamp time;  // time of the state
  Timestamp created;
  Timestamp last_update;
  int hits = 0;

  std::optional<geo::LocalFrame> frame;
  Vec4 x = Vec4::Zero();
  Mat4 p = Mat4::Zero();
  bool has_vertical = false;
  Vec2 xv = Vec2::Zero();  // altitude (m above the ellipsoid), climb rate
  Mat2 pv = Mat2::Zero();
  geo::Ecef ecef;  // horizontal position at `time`, for pre-filtering

  Domain domain = Domain::kUnknown;
  bool domain_from_source = false;
  std::optional<uint32_t> mmsi;
  std::optional<uint32_t> icao;
  std::optional<uint16_t> mode3a;
  std::string uid;
  std::string callsign;
  std::string name;
  std::string category;
  std::vector<model::SourceTrackNumber> track_numbers;

  std::vector<model::ObservationId> provenance;
  uint32_t updates = 0;              // observations absorbed, including any provenance dropped
  std::vector<uint32_t> label_ids;   // contributors' labels, sorted, into Core::labels
  std::vector<uint32_t> source_ids;  // sorted, into Core::sources
  uint32_t label = 0;                // their roll-up, into Core::labels

  bool dirty = false;  // changed since the last incremental publication (Core::dirty lists it)
};

// The order observations are applied in: data time, then source, sensor and store id.
bool Before(const PreparedObservation* a, const PreparedObservation* b) {
  const Observation& x = *a->observation;
  const Observation& y = *b->observation;
  if (x.time != y.time) return x.time < y.time;
  if (x.source != y.source) return x.source < y.source;
  if (x.sensor != y.sensor) return x.sensor < y.sensor;
  return x.id < y.id;
}
// std heaps are max-heaps: invert.
bool HeapLess(const PreparedObservation* a, const PreparedObservation* b) { return Before(b, a); }

bool SameLook(const Observation& a, const Observation& b) {
  return a.time == b.time && a.source == b.source && a.sensor == b.sensor;
}

// An angle-only report (ESM, a passive sonar or EO bearing): the sensor gives an azimuth but
// no range, so the observation's position is only the sensor's.
bool IsBearingOnly(const Observation& o) {
  return o.kind == ObservationKind::kDetection && o.sensor_relative.has_value() &&
         o.sensor_relative->azimuth_deg.has_value() && !o.sensor_relative->range_m.has_value();
}

bool IsCooperative(const Observation& o) {
  if (o.kind == ObservationKind::kSystemTrack || o.kind == ObservationKind::kSensorPoint) {
    return false;
  }
  return o.identity.mmsi.has_value() || o.identity.icao_address.has_value() ||
         (o.kind == ObservationKind::kSelfReport && !o.identity.uid.empty());
}

Domain DomainOfObservation(const Observation& o) {
  if (o.domain != Domain::kUnknown) return o.domain;
  if (o.source_kind == SourceKind::kAis) return Domain::kSea;
  if (o.source_kind == SourceKind::kAdsb) return Domain::kAir;
  if (o.identity.mmsi) return Domain::kSea;
  if (o.identity.icao_address) return Domain::kAir;
  // CoT atoms "a-<affiliation>-<dimension>-...": A air, S sea surface, U subsurface,
  // G ground, P space (MIL-STD-2525B battle dimension).
  const std::string& c = o.identity.category;
  if (c.size() >= 5 && c[0] == 'a' && c[1] == '-' && c[3] == '-') {
    switch (c[4]) {
      case 'A': return Domain::kAir;
      case 'S':
      case 'U': return Domain::kSea;
      case 'G': return Domain::kLand;
      case 'P': return Domain::kSpace;
      default: break;
    }
  }
  return Domain::kUnknown;
}

bool PositiveDefinite2(const Mat2& m) {
  return m(0, 0) > 0.0 && m(1, 1) > 0.0 && m.determinant() > 0.0 && m.allFinite();
}

// The horizontal state's transform between two frames whose vectors relate by `rotation`
// (new = rotation * old, 3x3 east-north-up): positions and velocities both rotate by its
// horizontal block.
Mat4 HorizontalRotation(const Eigen::Matrix3d& rotation) {
  const Mat2 a = rotation.topLeftCorner<2, 2>();
  Mat4 transform = Mat4::Zero();
  for (int row = 0; row < 2; ++row) {
    for (int col = 0; col < 2; ++col) {
      const int position[2] = {kE, kN};
      const int velocity[2] = {kVe, kVn};
      transform(position[row], position[col]) = a(row, col);
      transform(velocity[row], velocity[col]) = a(row, col);
    }
  }
  return transform;
}

// A horizontal measurement of an observation in a track's frame: position, and velocity
// when the observation reports it with a usable covariance.
struct HorizontalMeasurement {
  Vec4 z = Vec4::Zero();  // e, n, ve, vn
  Mat4 r = Mat4::Zero();
  bool has_velocity = false;
};

}  // namespace

Status EngineOptions::Validate() const {
  auto positive = [](double v) { return std::isfinite(v) && v > 0.0; };
  if (!std::isfinite(lag_s) || lag_s < 0.0) return InvalidArgument("fusion lag_s must be >= 0");
  if (!std::isfinite(late_s) || late_s < 0.0) {
    return InvalidArgument("fusion late_s must be >= 0");
  }
  for (const DomainTuning* d : {&sea, &air, &land, &unknown}) {
    if (!positive(d->process_noise) || !positive(d->coast_s)) {
      return InvalidArgument("fusion domain tuning: process_noise and coast_s must be > 0");
    }
  }
  if (!positive(gate_2d) || !positive(gate_4d) || !positive(identity_jump_gate)) {
    return InvalidArgument("fusion gates must be > 0");
  }
  if (confirm_hits < 1) return InvalidArgument("fusion confirm_hits must be >= 1");
  if (!positive(confirm_window_s) || !positive(tentative_coast_s) ||
      !positive(initial_speed_sigma) || !positive(default_position_sigma) ||
      !positive(default_altitude_sigma) || !positive(reanchor_distance_m) ||
      !positive(vertical_process_noise)) {
    return InvalidArgument("fusion sigmas, windows and distances must be > 0");
  }
  if (merge_after < 1) return InvalidArgument("fusion merge_after must be >= 1");
  return Status::Ok();
}

PreparedObservation Prepare(const model::Observation& observation, Timestamp arrival) {
  PreparedObservation out;
  out.observation = &observation;
  out.arrival = arrival;
  geo::Lla horizontal = observation.position;
  horizontal.altitude_m = 0.0;
  Result<geo::Ecef> ecef = geo::LlaToEcef(horizontal);
  if (!ecef.ok()) {
    out.error = "observation " + std::to_string(observation.id) + " from " + observation.source +
                ": " + ecef.status().message();
    return out;
  }
  if (observation.has_altitude && !std::isfinite(observation.position.altitude_m)) {
    out.error = "observation " + std::to_string(observation.id) + " from " + observation.source +
                ": altitude is not finite";
    return out;
  }
  if (!observation.position_covariance.allFinite() ||
      (observation.velocity_enu && !observation.velocity_enu->allFinite())) {
    out.error = "observation " + std::to_string(observation.id) + " from " + observation.source +
                ": covariance or velocity is not finite";
    return out;
  }
  out.ecef = *ecef;
  out.valid = true;
  return out;
}

struct Engine::Core {
  explicit Core(EngineOptions o) : options(std::move(o)), cv(1.0) {}

  EngineOptions options;
  estimation::ConstantVelocity<2> cv;  // q set per domain at prediction time

  bool has_clock = false;
  Timestamp clock;
  bool has_committed = false;
  Timestamp committed;  // every observation with time <= committed has been applied
  bool has_applied = false;
  Timestamp last_applied;
  int64_t housekeeping_second = std::numeric_limits<int64_t>::min();

  std::vector<const PreparedObservation*> pending;  // a heap under HeapLess

  std::vector<TrackState> tracks;  // sorted by serial
  uint64_t next_serial = 1;
  uint64_t next_id = 1;
  std::map<uint64_t, uint64_t> identity_index;   // cooperative key -> serial
  std::map<std::string, uint64_t> uid_index;     // CoT uid -> serial
  std::map<std::string, uint64_t> system_index;  // "source\ntrack number" -> serial
  std::map<std::pair<uint64_t, uint64_t>, int> merge_streaks;

  std::vector<labels::Label> labels;
  std::vector<std::string> sources;
  EngineCounters counters;

  // Incremental publication (Engine::Published): the serials of tracks changed since the
  // last one (each listed once, TrackState::dirty), the picture numbers of confirmed tracks
  // deleted or merged away since, and the last published tracks (by id, shared).
  std::vector<uint64_t> dirty;
  std::vector<uint64_t> removed_ids;
  std::shared_ptr<const SharedTracks::Entries> published;

  void MarkChanged(TrackState& t) {
    if (t.dirty) return;
    t.dirty = true;
    dirty.push_back(t.serial);
  }

  // ---- spatial index of the tracks (the pre-filter's candidates) ----
  // Tracks filed by the ECEF cell of their position (`ecef`), so that the tracks a detection
  // may belong to are found among the 27 cells around it instead of among all tracks. A track
  // is filed under its cell when its pre-filter reach (Reach) for any time in the index's
  // window [grid_lo, grid_hi] is shorter than a cell: then every point NearEnough to it at
  // such a time lies in one of the 27 cells around the point. The others (fast, uncertain or
  // long silent tracks) are on `grid_wide`, always examined. A query outside the window scans
  // every track. Candidates come out in index order, as a full scan gives them, so the index
  // changes the cost, never the outcome (test IndexedAndScannedPicturesAreTheSame).
  // Rebuilt at every housekeeping (the only place tracks are erased); a track is refiled
  // whenever its state changes (Reanchor ends every update).
  static constexpr double kCellM = 35000.0;  // > kPrefilterDistanceM
  // The fine cells: a track is filed in the fine cell of its point (Filed::here) when every
  // observation at a time in the window that its gate may accept lies within a fine cell of
  // that point (FineReach), for observations whose position covariance trace is at most
  // kFineMaxPositionTrace (a radar plot at 700 km with 0.08 deg of azimuth error: 1 km^2;
  // the load test's farthest plots reach 1.5 km^2).
  // The gate is horizontal and the observations' points are on the ellipsoid (Prepare), the
  // track's within 2 m of it: the vertical part of their distance is at most the tangent
  // plane's drop over reanchor_distance_m + a fine cell, kFineMarginM covers it.
  static constexpr double kFineCellM = 8500.0;
  static constexpr double kFineMaxPositionTrace = 2.5e6;  // m^2
  static constexpr double kFineMarginM = 50.0;
  static constexpr uint64_t kFineBit = uint64_t{1} << 63;  // fine keys; coarse keys use 63 bits
  static constexpr int64_t kCellOffset = int64_t{1} << 20;
  static constexpr uint64_t kWideKey = ~uint64_t{0};
  static constexpr uint64_t kNoKey = ~uint64_t{0} - 1;
  static constexpr double kGridMarginS = 2.0;  // beyond the housekeeping period (1 s)
  // What a look's pair search reads of a filed track, kept in its cell's list: the search
  // then reads each cell's tracks from one contiguous block instead of from the tracks
  // themselves (hundreds of bytes each, spread over the whole track vector: most of the
  // search's time was cache misses on them). Refreshed whenever the track is (Reindex), so it
  // always equals what it was computed from.
  struct Filed {
    uint32_t index = 0;
    geo::Ecef ecef;            // TrackState::ecef (NearEnough's)
    Timestamp time;            // TrackState::time
    double reach_speed = 0.0;  // ReachSpeed
    // For MayPassHorizontally: the track's point in its frame (east, north, 0) in ECEF, the
    // frame's up vector, its horizontal speed and the terms of its position covariance trace.
    geo::Ecef here;
    double up_x = 0.0, up_y = 0.0, up_z = 0.0;
    double speed = 0.0;
    double p_position = 0.0;  // P(E,E) + P(N,N)
    double p_cross = 0.0;     // P(E,Ve) + P(N,Vn)
    double p_velocity = 0.0;  // P(Ve,Ve) + P(Vn,Vn)
    double q = 0.0;           // process noise of its domain
  };
  std::unordered_map<uint64_t, std::vector<Filed>> grid;  // looked up, never iterated
  std::vector<uint32_t> grid_wide;
  std::vector<uint64_t> grid_key;  // per track index: its cell, kWideKey or kNoKey
  bool grid_valid = false;
  Timestamp grid_lo, grid_hi;
  std::vector<int> scratch_candidates;

  static uint64_t CellKey(int64_t cx, int64_t cy, int64_t cz) {
    constexpr uint64_t kMask = (uint64_t{1} << 21) - 1;
    return (static_cast<uint64_t>(cx + kCellOffset) & kMask) << 42 |
           (static_cast<uint64_t>(cy + kCellOffset) & kMask) << 21 |
           (static_cast<uint64_t>(cz + kCellOffset) & kMask);
  }
  static int64_t Cell(double v) { return static_cast<int64_t>(std::floor(v / kCellM)); }

  static int64_t FineCell(double v) { return static_cast<int64_t>(std::floor(v / kFineCellM)); }
  static uint64_t FineCellOf(const geo::Ecef& e) {
    return CellKey(FineCell(e.x), FineCell(e.y), FineCell(e.z)) | kFineBit;
  }

  // The farthest (horizontally, from Filed::here) that the gate may accept an observation
  // at a time in the index's window whose position covariance trace is at most
  // kFineMaxPositionTrace: the gate's radius sqrt(gate_2d trace S) (MayPassPositionGate) at
  // the largest predicted trace (convex in dt >= 0: at dt = 0 or at the window's end) plus
  // what the mean moves, plus the margins.
  double FineReach(const Filed& f) const {
    const double dt = std::max(0.0, Seconds(grid_hi, f.time));
    const double ahead = f.p_position + TraceGrowth(f.p_cross, f.p_velocity, f.q, dt);
    const double trace = std::max(f.p_position, ahead) + kFineMaxPositionTrace;
    return std::sqrt(std::max(0.0, options.gate_2d * trace * (1.0 + 1e-6))) + f.speed * dt +
           kRoundingM + kFineMarginM;
  }

  uint64_t KeyFor(const TrackState& t, const Filed& f) const {
    if (FineReach(f) < kFineCellM) return FineCellOf(f.here);
    const double dt = std::max({0.0, Seconds(grid_hi, t.time), Seconds(t.time, grid_lo)});
    if (!(Reach(t, dt) < kCellM)) return kWideKey;
    return CellKey(Cell(t.ecef.x), Cell(t.ecef.y), Cell(t.ecef.z));
  }

  Filed FiledOf(uint32_t i) const {
    const TrackState& t = tracks[i];
    Filed f;
    f.index = i;
    f.ecef = t.ecef;
    f.time = t.time;
    f.reach_speed = ReachSpeed(t);
    f.here = t.frame->EnuToEcef({t.x(kE), t.x(kN), 0.0});
    const auto up = t.frame->enu_to_ecef_rotation().col(2);
    f.up_x = up.x();
    f.up_y = up.y();
    f.up_z = up.z();
    f.speed = std::sqrt(t.x(kVe) * t.x(kVe) + t.x(kVn) * t.x(kVn));
    f.p_position = t.p(kE, kE) + t.p(kN, kN);
    f.p_cross = t.p(kE, kVe) + t.p(kN, kVn);
    f.p_velocity = t.p(kVe, kVe) + t.p(kVn, kVn);
    f.q = Tuning(t.domain).process_noise;
    return f;
  }

  static std::vector<Filed>::iterator FindFiled(std::vector<Filed>& list, uint32_t i) {
    return std::find_if(list.begin(), list.end(), [i](const Filed& f) { return f.index == i; });
  }

  void File(uint32_t i, uint64_t key, const Filed& filed) {
    grid_key[i] = key;
    if (key == kWideKey) {
      grid_wide.push_back(i);
    } else {
      grid[key].push_back(filed);
    }
  }

  void Unfile(uint32_t i) {
    const uint64_t key = grid_key[i];
    if (key == kNoKey) return;
    if (key == kWideKey) {
      auto it = std::find(grid_wide.begin(), grid_wide.end(), i);
      if (it != grid_wide.end()) {
        *it = grid_wide.back();
        grid_wide.pop_back();
      }
    } else {
      std::vector<Filed>& list = grid[key];
      auto it = FindFiled(list, i);
      if (it != list.end()) {
        *it = list.back();
        list.pop_back();
      }
      if (list.empty()) grid.erase(key);
    }
    grid_key[i] = kNoKey;
  }

  void Reindex(const TrackState& t) {
    if (!grid_valid) return;
    const auto address = reinterpret_cast<uintptr_t>(&t);
    const auto base = reinterpret_cast<uintptr_t>(tracks.data());
    if (address < base || address >= base + tracks.size() * sizeof(TrackState)) return;
    const auto i = static_cast<uint32_t>((address - base) / sizeof(TrackState));
    if (i >= grid_key.size()) grid_key.resize(tracks.size(), kNoKey);
    const Filed filed = FiledOf(i);
    const uint64_t key = KeyFor(t, filed);
    if (key == grid_key[i]) {
      if (key == kWideKey || key == kNoKey) return;
      std::vector<Filed>& list = grid[key];
      auto it = FindFiled(list, i);
      if (it != list.end()) *it = filed;
      return;
    }
    Unfile(i);
    File(i, key, filed);
  }

  void RebuildGrid(Timestamp time) {
    grid.clear();
    grid_wide.clear();
    grid_key.assign(tracks.size(), kNoKey);
    grid_valid = options.spatial_index;
    if (!grid_valid) return;
    grid_lo = time - FromSeconds(options.late_s + kGridMarginS);
    grid_hi = time + FromSeconds(kGridMarginS);
    for (uint32_t i = 0; i < tracks.size(); ++i) {
      const Filed filed = FiledOf(i);
      File(i, KeyFor(tracks[i], filed), filed);
    }
  }

  // Whether the index answers for observation times in [first, last].
  bool IndexCovers(Timestamp first, Timestamp last) const {
    return grid_valid && first >= grid_lo && last <= grid_hi && grid_key.size() == tracks.size();
  }

  static uint64_t CellOf(const geo::Ecef& e) { return CellKey(Cell(e.x), Cell(e.y), Cell(e.z)); }

  // The 27 cells around `key` (itself included; fine or coarse as `key`), appended to `out`.
  static void AppendNeighbourCells(uint64_t key, std::vector<uint64_t>& out) {
    const uint64_t fine = key & kFineBit;
    constexpr uint64_t kMask = (uint64_t{1} << 21) - 1;
    const int64_t cx = static_cast<int64_t>(key >> 42 & kMask) - kCellOffset;
    const int64_t cy = static_cast<int64_t>(key >> 21 & kMask) - kCellOffset;
    const int64_t cz = static_cast<int64_t>(key & kMask) - kCellOffset;
    for (int64_t dx = -1; dx <= 1; ++dx) {
      for (int64_t dy = -1; dy <= 1; ++dy) {
        for (int64_t dz = -1; dz <= 1; ++dz) {
          out.push_back(CellKey(cx + dx, cy + dy, cz + dz) | fine);
        }
      }
    }
  }

  // Indices (ascending) of every track that may be NearEnough to a point of `look` at a time
  // in [first, last] and pass its position gate: a superset of those, never missing one.
  // With the index, the tracks filed in the coarse and fine cells around the look's distinct
  // cells, and the wide ones: each cell is visited once, and a track is filed in one cell,
  // so nothing needs removing twice.
  const std::vector<int>& Candidates(std::span<const PreparedObservation*> look,
                                     Timestamp first, Timestamp last) {
    std::vector<int>& out = scratch_candidates;
    out.clear();
    if (!IndexCovers(first, last) || !FineCellsAnswer(look)) {
      out.resize(tracks.size());
      for (size_t i = 0; i < tracks.size(); ++i) out[i] = static_cast<int>(i);
      return out;
    }
    std::vector<uint64_t>& cells = scratch_cells;
    cells.clear();
    for (const PreparedObservation* p : look) {
      cells.push_back(CellOf(p->ecef));
      cells.push_back(FineCellOf(p->ecef));
    }
    std::sort(cells.begin(), cells.end());
    cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
    std::vector<uint64_t>& around = scratch_around;
    around.clear();
    for (const uint64_t cell : cells) AppendNeighbourCells(cell, around);
    std::sort(around.begin(), around.end());
    around.erase(std::unique(around.begin(), around.end()), around.end());
    out.assign(grid_wide.begin(), grid_wide.end());
    for (const uint64_t cell : around) {
      auto it = grid.find(cell);
      if (it == grid.end()) continue;
      for (const Filed& f : it->second) out.push_back(static_cast<int>(f.index));
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // Whether the fine cells find every track whose gate may accept a point of `look`: each
  // point's position covariance is within what the fine filing assumed.
  bool FineCellsAnswer(std::span<const PreparedObservation*> look) const {
    for (const PreparedObservation* p : look) {
      if (!(MeasuredPositionTrace(*p->observation) <= kFineMaxPositionTrace)) return false;
    }
    return true;
  }

  // Scratch of the candidate search and of one look's pairs.
  std::vector<uint64_t> scratch_cells;
  std::vector<uint64_t> scratch_around;
  std::vector<std::pair<uint64_t, int>> scratch_plot_cells;  // (cell, plot row), sorted
  std::vector<std::pair<int, int>> scratch_pairs;            // (track index, plot row)
  std::vector<std::pair<int, int>> scratch_near;             // (plot row, candidate column)
  std::vector<int> scratch_candidate;
  std::vector<TrackState> scratch_predicted;
  std::vector<double> scratch_r_trace;

  // Scratch for one look's assignment.
  assignment::SparseCostMatrix costs;
  assignment::Solution solution;
  assignment::Workspace workspace;

  // ---- lookup ----
  TrackState* FindSerial(uint64_t serial) {
    auto it = std::lower_bound(tracks.begin(), tracks.end(), serial,
                               [](const TrackState& t, uint64_t s) { return t.serial < s; });
    return it != tracks.end() && it->serial == serial ? &*it : nullptr;
  }

  static uint64_t MmsiKey(uint32_t mmsi) { return (uint64_t{1} << 40) | mmsi; }
  static uint64_t IcaoKey(uint32_t icao) { return (uint64_t{2} << 40) | icao; }
  static std::string SystemKey(const std::string& source, uint32_t number) {
    return source + '\n' + std::to_string(number);
  }

  const DomainTuning& Tuning(Domain d) const {
    switch (d) {
      case Domain::kSea: return options.sea;
      case Domain::kAir: return options.air;
      case Domain::kLand: return options.land;
      default: return options.unknown;
    }
  }

  // ---- kinematics ----
  void Predict(TrackState& t, Timestamp time) const {
    const double dt = Seconds(time, t.time);
    if (dt <= 0.0) return;
    estimation::ConstantVelocity<2> model(Tuning(t.domain).process_noise);
    const Mat4 f = model.TransitionMatrix(dt);
    t.x = f * t.x;
    t.p = f * t.p * f.transpose() + model.ProcessNoise(dt);
    if (t.has_vertical) {
      estimation::ConstantVelocity<1> vertical(options.vertical_process_noise);
      const Mat2 fv = vertical.TransitionMatrix(dt);
      t.xv = fv * t.xv;
      t.pv = fv * t.pv * fv.transpose() + vertical.ProcessNoise(dt);
    }
    t.time = time;
  }

  HorizontalMeasurement Measure(const TrackState& t, const PreparedObservation& prepared) const {
    const Observation& o = *prepared.observation;
    HorizontalMeasurement m;
    const geo::Enu enu = t.frame->EcefToEnu(prepared.ecef);
    m.z(0) = enu.east;
    m.z(1) = enu.north;
    Mat2 r = o.position_covariance.topLeftCorner<2, 2>();
    if (!PositiveDefinite2(r)) {
      const double s2 = options.default_position_sigma * options.default_position_sigma;
      r = Mat2::Identity() * s2;
    }
    m.r.topLeftCorner<2, 2>() = r;
    if (o.velocity_enu) {
      const Mat2 rv = o.velocity_covariance.topLeftCorner<2, 2>();
      if (PositiveDefinite2(rv)) {
        m.has_velocity = true;
        m.z(2) = (*o.velocity_enu)(0);
        m.z(3) = (*o.velocity_enu)(1);
        m.r.bottomRightCorner<2, 2>() = rv;
      }
    }
    return m;
  }

  static Eigen::Matrix<double, 2, 4> PositionH() {
    Eigen::Matrix<double, 2, 4> h = Eigen::Matrix<double, 2, 4>::Zero();
    h(0, kE) = 1.0;
    h(1, kN) = 1.0;
    return h;
  }
  static Mat4 FullH() {
    Mat4 h = Mat4::Zero();
    h(0, kE) = 1.0;
    h(1, kN) = 1.0;
    h(2, kVe) = 1.0;
    h(3, kVn) = 1.0;
    return h;
  }

  // Squared Mahalanobis distance of the position part.
  static double PositionDistance(const TrackState& t, const HorizontalMeasurement& m) {
    const auto h = PositionH();
    const Mat2 s = h * t.p * h.transpose() + m.r.topLeftCorner<2, 2>();
    const Vec2 nu = m.z.head<2>() - h * t.x;
    return nu.dot(s.ldlt().solve(nu));
  }

  template <int K>
  static void KalmanUpdate(Vec4& x, Mat4& p, const Eigen::Matrix<double, K, 4>& h,
                           const Eigen::Matrix<double, K, 1>& z,
                           const Eigen::Matrix<double, K, K>& r) {
    const Eigen::Matrix<double, K, K> s = h * p * h.transpose() + r;
    const Eigen::Matrix<double, 4, K> pht = p * h.transpose();
    const Eigen::Matrix<double, 4, K> gain = s.ldlt().solve(pht.transpose()).transpose();
    x += gain * (z - h * x);
    // Joseph form keeps the covariance symmetric and positive.
    const Mat4 i_kh = Mat4::Identity() - gain * h;
    p = i_kh * p * i_kh.transpose() + gain * r * gain.transpose();
    p = 0.5 * (p + p.transpose());
  }

  // Covariance intersection (Julier & Uhlmann 1997) of the state (x, p) with an estimate z
  // of h x with covariance r, correlation unknown:
  //   P^-1 = w P^-1 + (1 - w) H' R^-1 H,  x = P (w P^-1 x + (1 - w) H' R^-1 z),
  // with w in [kCiMinWeight, 1] minimising trace(P) (golden-section search).
  template <int N, int K>
  static void CovarianceIntersection(Eigen::Matrix<double, N, 1>& x,
                                     Eigen::Matrix<double, N, N>& p,
                                     const Eigen::Matrix<double, K, N>& h,
                                     const Eigen::Matrix<double, K, 1>& z,
                                     const Eigen::Matrix<double, K, K>& r) {
    using MatN = Eigen::Matrix<double, N, N>;
    const MatN p_inv = p.inverse();
    const Eigen::Matrix<double, K, K> r_inv = r.inverse();
    const MatN info_b = h.transpose() * r_inv * h;
    auto trace_at = [&](double w) { return (w * p_inv + (1.0 - w) * info_b).inverse().trace(); };
    const double golden = 0.5 * (std::sqrt(5.0) - 1.0);
    double lo = kCiMinWeight;
    double hi = 1.0;
    double a = hi - golden * (hi - lo);
    double b = lo + golden * (hi - lo);
    double fa = trace_at(a);
    double fb = trace_at(b);
    for (int i = 0; i < kCiIterations; ++i) {
      if (fa < fb) {
        hi = b;
        b = a;
        fb = fa;
        a = hi - golden * (hi - lo);
        fa = trace_at(a);
      } else {
        lo = a;
        a = b;
        fa = fb;
        b = lo + golden * (hi - lo);
        fb = trace_at(b);
      }
    }
    double w = 0.5 * (lo + hi);
    if (trace_at(1.0) <= trace_at(w)) w = 1.0;
    const MatN fused = (w * p_inv + (1.0 - w) * info_b).inverse();
    x = fused * (w * p_inv * x + (1.0 - w) * h.transpose() * r_inv * z);
    p = 0.5 * (fused + fused.transpose());
  }

  void UpdateHorizontal(TrackState& t, const HorizontalMeasurement& m, bool intersect) {
    if (m.has_velocity) {
      const Mat4 h = FullH();
      if (intersect) {
        CovarianceIntersection<4, 4>(t.x, t.p, h, m.z, m.r);
      } else {
        KalmanUpdate<4>(t.x, t.p, h, m.z, m.r);
      }
    } else {
      const auto h = PositionH();
      const Vec2 z = m.z.head<2>();
      const Mat2 r = m.r.topLeftCorner<2, 2>();
      if (intersect) {
        CovarianceIntersection<4, 2>(t.x, t.p, h, z, r);
      } else {
        KalmanUpdate<2>(t.x, t.p, h, z, r);
      }
    }
  }

  void UpdateVertical(TrackState& t, const Observation& o, bool intersect) {
    if (!o.has_altitude) return;
    double sigma2 = o.position_covariance(2, 2);
    if (!(sigma2 > 0.0)) sigma2 = options.default_altitude_sigma * options.default_altitude_sigma;
    const bool climb = o.has_vertical_velocity && o.velocity_enu &&
                       o.velocity_covariance(2, 2) > 0.0;
    if (!t.has_vertical) {
      t.has_vertical = true;
      t.xv = Vec2(o.position.altitude_m, climb ? (*o.velocity_enu)(2) : 0.0);
      const double climb_sigma = 50.0;  // m/s: an unknown climb rate
      t.pv = Mat2::Zero();
      t.pv(0, 0) = sigma2;
      t.pv(1, 1) = climb ? o.velocity_covariance(2, 2) : climb_sigma * climb_sigma;
      return;
    }
    if (climb) {
      const Mat2 h = Mat2::Identity();
      const Vec2 z(o.position.altitude_m, (*o.velocity_enu)(2));
      Mat2 r = Mat2::Zero();
      r(0, 0) = sigma2;
      r(1, 1) = o.velocity_covariance(2, 2);
      if (intersect) {
        CovarianceIntersection<2, 2>(t.xv, t.pv, h, z, r);
      } else {
        const Mat2 s = t.pv + r;
        const Mat2 gain = t.pv * s.inverse();
        t.xv += gain * (z - t.xv);
        t.pv = (Mat2::Identity() - gain) * t.pv;
      }
    } else {
      Eigen::Matrix<double, 1, 2> h(1.0, 0.0);
      Eigen::Matrix<double, 1, 1> z(o.position.altitude_m);
      Eigen::Matrix<double, 1, 1> r(sigma2);
      if (intersect) {
        CovarianceIntersection<2, 1>(t.xv, t.pv, h, z, r);
      } else {
        const double s = t.pv(0, 0) + sigma2;
        const Vec2 gain = t.pv.col(0) / s;
        t.xv += gain * (o.position.altitude_m - t.xv(0));
        t.pv -= gain * t.pv.row(0);
      }
    }
    t.pv = 0.5 * (t.pv + t.pv.transpose());
  }

  // Moves the track's frame to its current position when it has drifted far from it.
  void Reanchor(TrackState& t) {
    MoveFrame(t);
    Reindex(t);
  }

  void MoveFrame(TrackState& t) {
    const double e = t.x(kE);
    const double n = t.x(kN);
    const geo::Ecef here = t.frame->EnuToEcef({e, n, 0.0});
    t.ecef = here;
    if (std::hypot(e, n) <= options.reanchor_distance_m) return;
    Result<geo::Lla> lla = geo::EcefToLla(here);
    if (!lla.ok()) return;
    geo::Lla anchor = *lla;
    anchor.altitude_m = 0.0;
    Result<geo::LocalFrame> frame = geo::LocalFrame::Create(anchor);
    if (!frame.ok()) return;
    // Vectors rotate from the old frame to the new one through ECEF.
    const Eigen::Matrix3d rotation =
        frame->ecef_to_enu_rotation() * t.frame->enu_to_ecef_rotation();
    const Mat4 transform = HorizontalRotation(rotation);
    t.x = transform * t.x;
    t.p = transform * t.p * transform.transpose();
    const geo::Enu moved = frame->EcefToEnu(here);
    t.x(kE) = moved.east;
    t.x(kN) = moved.north;
    t.frame = *frame;
  }

  // ---- bookkeeping shared by every kind of update ----
  uint32_t InternLabel(const labels::Label& label) {
    for (uint32_t i = 0; i < labels.size(); ++i) {
      if (labels[i] == label) return i;
    }
    labels.push_back(label);
    return static_cast<uint32_t>(labels.size() - 1);
  }
  uint32_t InternSource(const std::string& source) {
    for (uint32_t i = 0; i < sources.size(); ++i) {
      if (sources[i] == source) return i;
    }
    sources.push_back(source);
    return static_cast<uint32_t>(sources.size() - 1);
  }

  static void InsertSorted(std::vector<uint32_t>& v, uint32_t value) {
    auto it = std::lower_bound(v.begin(), v.end(), value);
    if (it == v.end() || *it != value) v.insert(it, value);
  }

  // Keeps provenance sorted: ids arrive nearly in order, so the insertion point is found
  // from the back in a step or two.
  void AddProvenance(std::vector<model::ObservationId>& provenance, model::ObservationId id) {
    auto it = provenance.end();
    while (it != provenance.begin() && *(it - 1) > id) --it;
    if (it != provenance.begin() && *(it - 1) == id) return;
    provenance.insert(it, id);
    LimitProvenance(provenance);
  }

  // Ids grow with arrival, so the smallest are the oldest reports.
  void LimitProvenance(std::vector<model::ObservationId>& provenance) const {
    const size_t limit = options.provenance_limit;
    if (limit != 0 && provenance.size() > limit) {
      provenance.erase(provenance.begin(),
                       provenance.begin() + static_cast<std::ptrdiff_t>(provenance.size() - limit));
    }
  }

  void Absorb(TrackState& t, const Observation& o, Timestamp time) {
    MarkChanged(t);
    ++t.updates;
    AddProvenance(t.provenance, o.id);
    const uint32_t label_id = InternLabel(o.label);
    if (!std::binary_search(t.label_ids.begin(), t.label_ids.end(), label_id)) {
      InsertSorted(t.label_ids, label_id);
      t.label = t.label_ids.size() == 1 ? label_id
                                        : InternLabel(labels::Rollup(labels[t.label], o.label));
    }
    InsertSorted(t.source_ids, InternSource(o.source));
    const model::Identity& id = o.identity;
    if (o.kind != ObservationKind::kSystemTrack) {
      if (id.mmsi && !t.mmsi) {
        t.mmsi = id.mmsi;
        identity_index[MmsiKey(*id.mmsi)] = t.serial;
      }
      if (id.icao_address && !t.icao) {
        t.icao = id.icao_address;
        identity_index[IcaoKey(*id.icao_address)] = t.serial;
      }
      if (o.kind == ObservationKind::kSelfReport && !id.uid.empty() && t.uid.empty()) {
        t.uid = id.uid;
        uid_index[id.uid] = t.serial;
      }
    }
    if (id.mode3a) t.mode3a = id.mode3a;
    if (!id.callsign.empty()) t.callsign = id.callsign;
    if (!id.name.empty()) t.name = id.name;
    if (!id.category.empty()) t.category = id.category;
    if (o.kind == ObservationKind::kSystemTrack && id.track_number) {
      model::SourceTrackNumber number{o.source, *id.track_number};
      auto it = std::lower_bound(t.track_numbers.begin(), t.track_numbers.end(), number);
      if (it == t.track_numbers.end() || *it != number) t.track_numbers.insert(it, number);
    }
    const Domain domain = DomainOfObservation(o);
    if (domain != Domain::kUnknown && !t.domain_from_source) {
      t.domain = domain;
      t.domain_from_source = true;
    }
    if (!t.domain_from_source) {
      const double speed = std::hypot(t.x(kVe), t.x(kVn));
      const double speed_sigma = std::sqrt(std::max(0.0, t.p(kVe, kVe) + t.p(kVn, kVn)));
      if ((t.has_vertical && t.xv(0) > 1000.0) || (speed > 80.0 && speed_sigma < 20.0)) {
        t.domain = Domain::kAir;
      }
    }
    t.last_update = std::max(t.last_update, time);  // a late observation never moves it back
    ++t.hits;
    if (!t.confirmed && t.hits >= options.confirm_hits &&
        Seconds(time, t.created) <= options.confirm_window_s) {
      Confirm(t);
    }
  }

  void Confirm(TrackState& t) {
    if (t.confirmed) return;
    MarkChanged(t);
    t.confirmed = true;
    t.id = next_id++;
    ++counters.tracks_confirmed;
  }

  TrackState& NewTrack(const PreparedObservation& prepared, bool confirmed) {
    const Observation& o = *prepared.observation;
    TrackState t;
    t.serial = next_serial++;
    t.created = o.time;
    StartFrom(t, prepared);
    t.domain = DomainOfObservation(o);
    t.domain_from_source = t.domain != Domain::kUnknown;
    tracks.push_back(std::move(t));
    TrackState& added = tracks.back();
    if (confirmed) Confirm(added);
    Absorb(added, o, o.time);
    return added;
  }

  // ---- the three kinds of association ----
  void ApplyCooperative(const PreparedObservation& prepared) {
    const Observation& o = *prepared.observation;
    TrackState* track = nullptr;
    if (o.identity.mmsi) {
      auto it = identity_index.find(MmsiKey(*o.identity.mmsi));
      if (it != identity_index.end()) track = FindSerial(it->second);
    }
    if (track == nullptr && o.identity.icao_address) {
      auto it = identity_index.find(IcaoKey(*o.identity.icao_address));
      if (it != identity_index.end()) track = FindSerial(it->second);
    }
    if (track == nullptr && !o.identity.uid.empty()) {
      auto it = uid_index.find(o.identity.uid);
      if (it != uid_index.end()) track = FindSerial(it->second);
    }
    if (track != nullptr) {
      Predict(*track, o.time);
      const HorizontalMeasurement m = Measure(*track, prepared);
      if (PositionDistance(*track, m) > options.identity_jump_gate) {
        // The identity moved farther than its track can explain: re-anchor on the report.
        ++counters.identity_jumps;
        StartFrom(*track, prepared);
      } else {
        UpdateHorizontal(*track, m, false);
        UpdateVertical(*track, o, false);
      }
      Absorb(*track, o, o.time);
      if (!track->confirmed) Confirm(*track);
      Reanchor(*track);
      return;
    }
    // A new identity: adopt the nearest track that has no cooperative identity (a radar
    // track of this ship before it was heard), else start a confirmed track.
    TrackState* best = nullptr;
    double best_distance = options.gate_2d;
    const PreparedObservation* one[1] = {&prepared};
    for (const int i : Candidates(one, o.time, o.time)) {
      TrackState& t = tracks[i];
      if (t.mmsi || t.icao || !t.uid.empty()) continue;
      if (!NearEnough(t, prepared)) continue;
      const double d = GateDistance(t, prepared);
      if (d < best_distance) {
        best_distance = d;
        best = &t;
      }
    }
    if (best != nullptr) {
      Predict(*best, o.time);
      UpdateHorizontal(*best, Measure(*best, prepared), false);
      UpdateVertical(*best, o, false);
      Absorb(*best, o, o.time);
      Confirm(*best);
      Reanchor(*best);
      return;
    }
    TrackState& t = NewTrack(prepared, true);
    Reanchor(t);
  }

  // Sets the track's kinematics from one observation alone: its frame anchored there, the
  // measured position (and velocity, else zero with initial_speed_sigma), and the altitude
  // state restarted. Used for a new track and for an identity jump.
  void StartFrom(TrackState& t, const PreparedObservation& prepared) {
    const Observation& o = *prepared.observation;
    geo::Lla anchor = o.position;
    anchor.altitude_m = 0.0;
    t.frame = *geo::LocalFrame::Create(anchor);  // Prepare validated the position
    t.ecef = prepared.ecef;
    t.time = o.time;
    const HorizontalMeasurement m = Measure(t, prepared);
    t.x = Vec4(m.z(0), 0.0, m.z(1), 0.0);
    t.p = Mat4::Zero();
    t.p(kE, kE) = m.r(0, 0);
    t.p(kE, kN) = t.p(kN, kE) = m.r(0, 1);
    t.p(kN, kN) = m.r(1, 1);
    if (m.has_velocity) {
      t.x(kVe) = m.z(2);
      t.x(kVn) = m.z(3);
      t.p(kVe, kVe) = m.r(2, 2);
      t.p(kVe, kVn) = t.p(kVn, kVe) = m.r(2, 3);
      t.p(kVn, kVn) = m.r(3, 3);
    } else {
      const double v2 = options.initial_speed_sigma * options.initial_speed_sigma;
      t.p(kVe, kVe) = v2;
      t.p(kVn, kVn) = v2;
    }
    t.has_vertical = false;
    UpdateVertical(t, o, false);
  }


  // The speed bound of the pre-filter: the track's speed plus three sigma of it.
  static double ReachSpeed(const TrackState& t) {
    return std::sqrt(t.x(kVe) * t.x(kVe) + t.x(kVn) * t.x(kVn)) +
           3.0 * std::sqrt(std::max(0.0, t.p(kVe, kVe) + t.p(kVn, kVn)));
  }

  // How far from its last position the track can be `dt` seconds later, for pre-filtering.
  static double Reach(const TrackState& t, double dt) {
    return kPrefilterDistanceM + ReachSpeed(t) * dt;
  }

  bool NearEnough(const TrackState& t, const PreparedObservation& prepared) const {
    return NearEnough(t, ReachSpeed(t), prepared);
  }

  // The same with the track's ReachSpeed computed once for many observations.
  static bool NearEnough(const TrackState& t, double reach_speed,
                         const PreparedObservation& prepared) {
    return Within(t.ecef, t.time, reach_speed, prepared);
  }

  // NearEnough of a track at `at` at time `at_time` with ReachSpeed `reach_speed`.
  static bool Within(const geo::Ecef& at, Timestamp at_time, double reach_speed,
                     const PreparedObservation& prepared) {
    const double dt = std::abs(Seconds(prepared.observation->time, at_time));
    const double reach = kPrefilterDistanceM + reach_speed * dt;
    const double dx = prepared.ecef.x - at.x;
    const double dy = prepared.ecef.y - at.y;
    const double dz = prepared.ecef.z - at.z;
    return dx * dx + dy * dy + dz * dz < reach * reach;
  }

  // Squared Mahalanobis distance (position) of an observation from the track predicted to
  // the observation's time; the track itself is unchanged.
  double GateDistance(const TrackState& t, const PreparedObservation& prepared) const {
    const TrackState predicted = PredictedCopyKinematics(t, prepared.observation->time);
    return PositionDistance(predicted, Measure(predicted, prepared));
  }

  // The track's kinematic state predicted to `time`, without its bookkeeping vectors.
  TrackState PredictedCopyKinematics(const TrackState& t, Timestamp time) const {
    TrackState copy;
    copy.time = t.time;
    copy.frame = t.frame;
    copy.x = t.x;
    copy.p = t.p;
    copy.domain = t.domain;
    Predict(copy, time);
    return copy;
  }

  // What Predict adds over dt > 0 to the trace of the horizontal position covariance
  // (constant velocity, F P F' + Q): 2 dt (P_e,ve + P_n,vn) + dt^2 (P_ve,ve + P_vn,vn) and Q's
  // q dt^3 / 3 per axis. `cross` and `velocity` are those sums of P's entries.
  static double TraceGrowth(double cross, double velocity, double q, double dt) {
    return 2.0 * dt * cross + dt * dt * velocity + 2.0 * q * dt * dt * dt / 3.0;
  }

  // Trace of the position covariance Measure gives an observation (its own, or the default
  // when that is not positive definite).
  double MeasuredPositionTrace(const Observation& o) const {
    const Mat2 r = o.position_covariance.topLeftCorner<2, 2>();
    if (PositiveDefinite2(r)) return r.trace();
    return 2.0 * options.default_position_sigma * options.default_position_sigma;
  }

  // A necessary condition for the position gate, without predicting a copy of the track:
  // whether PositionDistance(PredictedCopyKinematics(t, time), Measure(...)) < gate_2d may
  // hold for an observation at `time` at `ecef` whose position covariance has trace
  // `r_trace`. The innovation covariance S of the gate is positive definite, so the squared
  // Mahalanobis distance nu' S^-1 nu is at least |nu|^2 / lambda_max(S) >= |nu|^2 / trace(S).
  // The predicted mean and the trace of the predicted position covariance are those of
  // Predict (constant velocity: F P F' + Q, Q's position terms q dt^3 / 3), so a pair refused
  // here is one the gate refuses: the look's cost matrix is the same, only cheaper to build.
  bool MayPassPositionGate(const TrackState& t, Timestamp time, const geo::Ecef& ecef,
                           double r_trace) const {
    const double dt = Seconds(time, t.time);
    double e = t.x(kE);
    double n = t.x(kN);
    double trace = t.p(kE, kE) + t.p(kN, kN) + r_trace;
    if (dt > 0.0) {
      e += dt * t.x(kVe);
      n += dt * t.x(kVn);
      trace += TraceGrowth(t.p(kE, kVe) + t.p(kN, kVn), t.p(kVe, kVe) + t.p(kVn, kVn),
                           Tuning(t.domain).process_noise, dt);
    }
    const geo::Enu enu = t.frame->EcefToEnu(ecef);
    const double de = enu.east - e;
    const double dn = enu.north - n;
    // The margin covers rounding: the bound must never refuse what the gate accepts.
    return de * de + dn * dn <= options.gate_2d * trace * (1.0 + 1e-6);
  }

  // A necessary condition for MayPassPositionGate from a filed track alone. The gate needs
  // the observation within sqrt(gate_2d trace(S)) of the predicted mean (horizontally, in the
  // track's frame), and the predicted mean lies speed * dt from the track's point, so the
  // observation's horizontal distance from that point, |d|^2 - (d . up)^2 with d in ECEF, is at
  // most their sum (1 m more for rounding).
  bool MayPassHorizontally(const Filed& f, Timestamp time, const geo::Ecef& ecef,
                           double r_trace) const {
    const double dx = ecef.x - f.here.x;
    const double dy = ecef.y - f.here.y;
    const double dz = ecef.z - f.here.z;
    const double along_up = dx * f.up_x + dy * f.up_y + dz * f.up_z;
    const double horizontal2 = dx * dx + dy * dy + dz * dz - along_up * along_up;
    const double dt = Seconds(time, f.time);
    double trace = f.p_position + r_trace;
    double shift = 0.0;
    if (dt > 0.0) {
      trace += TraceGrowth(f.p_cross, f.p_velocity, f.q, dt);
      shift = f.speed * dt;
    }
    const double reach = std::sqrt(std::max(0.0, options.gate_2d * trace * (1.0 + 1e-6))) +
                         shift + kRoundingM;
    return horizontal2 <= reach * reach;
  }

  // One sensor look of detections: GNN over every track within the gate.
  void ApplyDetections(std::span<const PreparedObservation*> look) {
    const Timestamp time = look.front()->observation->time;
    // Candidate tracks and their predictions.
    std::vector<int>& candidate = scratch_candidate;
    std::vector<TrackState>& predicted = scratch_predicted;
    std::vector<std::pair<int, int>>& near = scratch_near;
    candidate.clear();
    predicted.clear();
    near.clear();
    // The look's bounding box (ECEF) and time span. Without the index, a track farther from
    // the box than the most it can reach is near none of the plots, which rules out most
    // tracks with a few comparisons (NearEnough is exact; this only skips tracks it refuses).
    geo::Ecef lo = look.front()->ecef;
    geo::Ecef hi = lo;
    Timestamp first = time;
    Timestamp last = time;
    for (const PreparedObservation* p : look) {
      lo.x = std::min(lo.x, p->ecef.x);
      lo.y = std::min(lo.y, p->ecef.y);
      lo.z = std::min(lo.z, p->ecef.z);
      hi.x = std::max(hi.x, p->ecef.x);
      hi.y = std::max(hi.y, p->ecef.y);
      hi.z = std::max(hi.z, p->ecef.z);
      first = std::min(first, p->observation->time);
      last = std::max(last, p->observation->time);
    }
    const int rows = static_cast<int>(look.size());
    std::vector<double>& r_trace = scratch_r_trace;
    r_trace.resize(look.size());
    for (int r = 0; r < rows; ++r) r_trace[r] = MeasuredPositionTrace(*look[r]->observation);
    // Whether the pair may pass the gate: NearEnough (cheapest) and MayPassPositionGate.
    auto may_pair = [&](const TrackState& t, double speed, int r) {
      return NearEnough(t, speed, *look[r]) &&
             MayPassPositionGate(t, time, look[r]->ecef, r_trace[r]);
    };
    // Every (track, plot) pair that may pass the gate, as (track index, plot row). With the
    // index: a track filed in a coarse cell can be NearEnough only to plots in the 27 coarse
    // cells around its own, one filed in a fine cell can pass the gate only of plots in the 27
    // fine cells around its own (the filing rules, and cell adjacency is symmetric); so each
    // distinct coarse and fine cell of the look's plots tests the tracks filed around it, and
    // the wide tracks test every plot. Each pair is found once: a track is filed in one cell,
    // and a plot cell's 27 neighbours are distinct.
    std::vector<std::pair<int, int>>& pairs = scratch_pairs;
    pairs.clear();
    if (IndexCovers(first, last) && FineCellsAnswer(look)) {
      // Each plot's coarse and fine cell: groups of plots by cell, coarse ones first (the fine
      // bit is the key's top bit); a track is filed in one cell of one kind.
      std::vector<std::pair<uint64_t, int>>& plot_cells = scratch_plot_cells;
      plot_cells.clear();
      for (int r = 0; r < rows; ++r) {
        plot_cells.emplace_back(CellOf(look[r]->ecef), r);
        plot_cells.emplace_back(FineCellOf(look[r]->ecef), r);
      }
      std::sort(plot_cells.begin(), plot_cells.end());
      std::vector<uint64_t>& around = scratch_around;
      for (size_t a = 0; a < plot_cells.size();) {
        size_t b = a;
        while (b < plot_cells.size() && plot_cells[b].first == plot_cells[a].first) ++b;
        around.clear();
        AppendNeighbourCells(plot_cells[a].first, around);
        for (const uint64_t cell : around) {
          auto it = grid.find(cell);
          if (it == grid.end()) continue;
          for (const Filed& f : it->second) {
            for (size_t k = a; k < b; ++k) {
              const int r = plot_cells[k].second;
              if (Within(f.ecef, f.time, f.reach_speed, *look[r]) &&
                  MayPassHorizontally(f, time, look[r]->ecef, r_trace[r]) &&
                  MayPassPositionGate(tracks[f.index], time, look[r]->ecef, r_trace[r])) {
                pairs.emplace_back(static_cast<int>(f.index), r);
              }
            }
          }
        }
        a = b;
      }
      for (const uint32_t i : grid_wide) {
        const double speed = ReachSpeed(tracks[i]);
        for (int r = 0; r < rows; ++r) {
          if (may_pair(tracks[i], speed, r)) pairs.emplace_back(static_cast<int>(i), r);
        }
      }
    } else {
      const bool reference = !options.spatial_index;
      for (size_t i = 0; i < tracks.size(); ++i) {
        const TrackState& t = tracks[i];
        const double dt =
            std::max(std::abs(Seconds(first, t.time)), std::abs(Seconds(last, t.time)));
        const double reach = Reach(t, dt);
        if (t.ecef.x < lo.x - reach || t.ecef.x > hi.x + reach || t.ecef.y < lo.y - reach ||
            t.ecef.y > hi.y + reach || t.ecef.z < lo.z - reach || t.ecef.z > hi.z + reach) {
          continue;
        }
        // Without the index (EngineOptions::spatial_index false) this is the reference search:
        // NearEnough alone, without the gate's necessary conditions, so that
        // IndexedAndScannedPicturesAreTheSame also checks that those conditions never refuse
        // a pair the gate accepts. With the index (a look outside its window, or a plot less
        // precise than the fine cells assume), the conditions apply.
        const double speed = ReachSpeed(t);
        for (int r = 0; r < rows; ++r) {
          if (reference ? NearEnough(t, speed, *look[r]) : may_pair(t, speed, r)) {
            pairs.emplace_back(static_cast<int>(i), r);
          }
        }
      }
    }
    // Candidates in track order (the columns a scan of every track gives), with their
    // predictions; `near` holds the pairs as (plot row, candidate column).
    std::sort(pairs.begin(), pairs.end());
    for (const auto& [i, r] : pairs) {
      if (candidate.empty() || candidate.back() != i) {
        candidate.push_back(i);
        predicted.push_back(PredictedCopyKinematics(tracks[i], time));
      }
      near.emplace_back(r, static_cast<int>(candidate.size()) - 1);
    }
    // Row by row, columns ascending: the entries a scan of every (plot, candidate) pair adds.
    std::sort(near.begin(), near.end());
    const int cols = static_cast<int>(candidate.size());
    costs.Reset(cols + rows);
    size_t k = 0;
    for (int r = 0; r < rows; ++r) {
      for (; k < near.size() && near[k].first == r; ++k) {
        const int c = near[k].second;
        const double d = PositionDistance(predicted[c], Measure(predicted[c], *look[r]));
        if (d < options.gate_2d) costs.AddEntry(c, d);
      }
      costs.AddEntry(cols + r, options.gate_2d);  // this detection's "unassociated" column
      costs.EndRow();
    }
    (void)assignment::SolveSparse(costs, solution, workspace);  // always feasible
    for (int r = 0; r < rows; ++r) {
      const PreparedObservation& p = *look[r];
      const int c = solution.row_to_col[r];
      if (c >= 0 && c < cols) {
        TrackState& t = tracks[candidate[c]];
        Predict(t, time);
        UpdateHorizontal(t, Measure(t, p), false);
        UpdateVertical(t, *p.observation, false);
        Absorb(t, *p.observation, time);
        Reanchor(t);
      }
    }
    // New tentative tracks last, so indices above stay valid while updating.
    for (int r = 0; r < rows; ++r) {
      const int c = solution.row_to_col[r];
      if (c >= 0 && c < cols) continue;
      TrackState& t = NewTrack(*look[r], false);
      Reanchor(t);
    }
  }

  // A bearing from a sensor: an extended Kalman update of the track it fits best (squared
  // Mahalanobis distance in one dimension below chi-square 99.9 % = 10.83). A bearing alone
  // cannot place a new object, so one that fits no track starts nothing (counted).
  void ApplyBearing(const PreparedObservation& prepared) {
    constexpr double kBearingGate = 10.83;
    constexpr double kDegToRad = 3.14159265358979323846 / 180.0;
    const Observation& o = *prepared.observation;
    const model::SensorRelative& rel = *o.sensor_relative;
    Result<geo::Ecef> sensor_ecef = geo::LlaToEcef(rel.sensor_position);
    double sigma = rel.azimuth_sigma_deg * kDegToRad;
    if (!sensor_ecef.ok()) {
      ++counters.bearings_unassociated;
      return;
    }
    if (!(sigma > 0.0)) sigma = 1.0 * kDegToRad;
    const double measured = *rel.azimuth_deg * kDegToRad;
    struct Fit {
      double distance;
      Eigen::Matrix<double, 1, 4> h;
      double innovation;
    };
    auto fit = [&](const TrackState& t) -> std::optional<Fit> {
      const geo::Enu s = t.frame->EcefToEnu(*sensor_ecef);
      const double de = t.x(kE) - s.east;
      const double dn = t.x(kN) - s.north;
      const double r2 = de * de + dn * dn;
      if (r2 < 1.0) return std::nullopt;
      // Azimuth clockwise from north: atan2(de, dn).
      double nu = measured - std::atan2(de, dn);
      nu = std::remainder(nu, 2.0 * 3.14159265358979323846);
      Eigen::Matrix<double, 1, 4> h = Eigen::Matrix<double, 1, 4>::Zero();
      h(0, kE) = dn / r2;
      h(0, kN) = -de / r2;
      const double variance = (h * t.p * h.transpose())(0, 0) + sigma * sigma;
      return Fit{nu * nu / variance, h, nu};
    };
    TrackState* best = nullptr;
    double best_distance = kBearingGate;
    for (TrackState& t : tracks) {
      if (!t.confirmed) continue;
      TrackState predicted = PredictedCopyKinematics(t, o.time);
      const std::optional<Fit> f = fit(predicted);
      if (f && f->distance < best_distance) {
        best_distance = f->distance;
        best = &t;
      }
    }
    if (best == nullptr) {
      ++counters.bearings_unassociated;
      return;
    }
    Predict(*best, o.time);
    const std::optional<Fit> f = fit(*best);
    if (!f) return;
    const double variance = (f->h * best->p * f->h.transpose())(0, 0) + sigma * sigma;
    const Vec4 gain = best->p * f->h.transpose() / variance;
    best->x += gain * f->innovation;
    const Mat4 i_kh = Mat4::Identity() - gain * f->h;
    best->p = i_kh * best->p * i_kh.transpose() + gain * (sigma * sigma) * gain.transpose();
    best->p = 0.5 * (best->p + best->p.transpose());
    Absorb(*best, o, o.time);
    Reanchor(*best);
  }

  // Another system's track: fused by covariance intersection into the fused track that
  // carries its track number, or associated to one by its first report.
  void ApplySystemTrack(const PreparedObservation& prepared) {
    const Observation& o = *prepared.observation;
    TrackState* track = nullptr;
    std::string key;
    if (o.identity.track_number) {
      key = SystemKey(o.source, *o.identity.track_number);
      auto it = system_index.find(key);
      if (it != system_index.end()) track = FindSerial(it->second);
    }
    if (track == nullptr) {
      double best_distance = options.gate_2d;
      for (TrackState& t : tracks) {
        if (!NearEnough(t, prepared)) continue;
        // A track already carrying another number from this source is another object.
        const bool taken = std::any_of(
            t.track_numbers.begin(), t.track_numbers.end(),
            [&](const model::SourceTrackNumber& n) { return n.source == o.source; });
        if (taken) continue;
        if (o.identity.mmsi && t.mmsi && *t.mmsi != *o.identity.mmsi) continue;
        if (o.identity.icao_address && t.icao && *t.icao != *o.identity.icao_address) continue;
        const double d = GateDistance(t, prepared);
        if (d < best_distance) {
          best_distance = d;
          track = &t;
        }
      }
    }
    if (track == nullptr) {
      TrackState& t = NewTrack(prepared, true);
      if (!key.empty()) system_index[key] = t.serial;
      Reanchor(t);
      return;
    }
    if (!key.empty()) system_index[key] = track->serial;
    Predict(*track, o.time);
    UpdateHorizontal(*track, Measure(*track, prepared), true);
    UpdateVertical(*track, o, true);
    Absorb(*track, o, o.time);
    Confirm(*track);
    Reanchor(*track);
  }

  // ---- housekeeping: once per second of data time ----
  void Housekeeping(Timestamp time) {
    grid_valid = false;  // tracks are erased and merged here
    DeleteStale(time);
    MergeDuplicates(time);
    RebuildGrid(time);
  }

  // Points every identity of the tracks `moves` names (from, to: serials) at the track it
  // went to, or forgets it (to = 0), with one pass over each index; a chain (x merged into
  // y, then y into z) ends at its last track. merge_streaks forgets every pair of a `from`.
  void Repoint(std::vector<std::pair<uint64_t, uint64_t>> moves) {
    if (moves.empty()) return;
    std::sort(moves.begin(), moves.end());
    const auto moved = [&](uint64_t serial) -> const uint64_t* {
      auto it = std::lower_bound(moves.begin(), moves.end(), std::make_pair(serial, uint64_t{0}));
      return it != moves.end() && it->first == serial ? &it->second : nullptr;
    };
    const auto resolve = [&](uint64_t serial) {
      while (const uint64_t* to = moved(serial)) {
        serial = *to;
        if (serial == 0) break;
      }
      return serial;
    };
    const auto apply = [&](auto& index) {
      for (auto it = index.begin(); it != index.end();) {
        if (moved(it->second) == nullptr) {
          ++it;
          continue;
        }
        const uint64_t to = resolve(it->second);
        if (to == 0) {
          it = index.erase(it);
        } else {
          it->second = to;
          ++it;
        }
      }
    };
    apply(identity_index);
    apply(uid_index);
    apply(system_index);
    for (auto it = merge_streaks.begin(); it != merge_streaks.end();) {
      const bool gone = moved(it->first.first) != nullptr || moved(it->first.second) != nullptr;
      it = gone ? merge_streaks.erase(it) : std::next(it);
    }
  }

  void DeleteStale(Timestamp time) {
    auto stale = [&](const TrackState& t) {
      const double silent = Seconds(time, t.last_update);
      if (t.confirmed) return silent > Tuning(t.domain).coast_s;
      return silent > options.tentative_coast_s ||
             Seconds(time, t.created) > options.confirm_window_s;
    };
    std::vector<std::pair<uint64_t, uint64_t>> forget;  // (serial, 0)
    for (const TrackState& t : tracks) {
      if (stale(t)) {
        forget.emplace_back(t.serial, 0);
        if (t.confirmed) {
          ++counters.tracks_deleted;
          removed_ids.push_back(t.id);
        }
      }
    }
    if (forget.empty()) return;
    Repoint(std::move(forget));
    tracks.erase(std::remove_if(tracks.begin(), tracks.end(), stale), tracks.end());
  }

  static bool Conflict(const TrackState& a, const TrackState& b) {
    if (a.mmsi && b.mmsi && *a.mmsi != *b.mmsi) return true;
    if (a.icao && b.icao && *a.icao != *b.icao) return true;
    if (!a.uid.empty() && !b.uid.empty() && a.uid != b.uid) return true;
    for (const auto& na : a.track_numbers) {
      for (const auto& nb : b.track_numbers) {
        if (na.source == nb.source && na.number != nb.number) return true;
      }
    }
    if (a.domain_from_source && b.domain_from_source && a.domain != b.domain) return true;
    return false;
  }

  // b's horizontal state (e, ve, n, vn) and covariance expressed in `frame` (a nearby
  // track's): the position through ECEF, velocity and covariance rotated.
  static void InFrame(const TrackState& b, const geo::LocalFrame& frame, Vec4& x, Mat4& p) {
    const geo::Ecef b_ecef = b.frame->EnuToEcef({b.x(kE), b.x(kN), 0.0});
    const geo::Enu b_in_a = frame.EcefToEnu(b_ecef);
    const Mat4 transform =
        HorizontalRotation(frame.ecef_to_enu_rotation() * b.frame->enu_to_ecef_rotation());
    x = transform * b.x;
    x(kE) = b_in_a.east;
    x(kN) = b_in_a.north;
    p = transform * b.p * transform.transpose();
  }

  void MergeDuplicates(Timestamp time) {
    const int count = static_cast<int>(tracks.size());
    std::vector<std::pair<int, int>> to_merge;
    std::map<std::pair<uint64_t, uint64_t>, int> streaks;
    // Candidate pairs: every two confirmed tracks within the pre-filter distance. The tracks
    // are sorted into rows a pre-filter wide across the ECEF axis on which they spread most,
    // and by the second widest axis within a row; a track's neighbours are then in its own
    // row and the next one, each a contiguous run found by binary search. What the search
    // reads is a compact copy of each track, so the runs are contiguous memory instead of a
    // cache miss each on 700-byte tracks (docs/fusion.md, "Duplicates"). Pairs that Conflict
    // rules out by identity or by domain alone are dropped here already. The pairs are then
    // taken in serial order, so the outcome depends neither on the axes nor on the search's
    // order.
    struct Swept {
      int64_t row;
      double along;  // the coordinate on the second widest axis
      double c[3];
      uint32_t mmsi, icao;  // 0: none reported
      int domain;           // -1: not from a source
      int index;
    };
    constexpr double kInf = std::numeric_limits<double>::infinity();
    double lo[3] = {kInf, kInf, kInf};
    double hi[3] = {-kInf, -kInf, -kInf};
    std::vector<Swept> swept;
    for (int i = 0; i < count; ++i) {
      const TrackState& t = tracks[i];
      if (!t.confirmed) continue;
      Swept w{0, 0, {t.ecef.x, t.ecef.y, t.ecef.z}, t.mmsi.value_or(0), t.icao.value_or(0),
              t.domain_from_source ? static_cast<int>(t.domain) : -1, i};
      for (int a = 0; a < 3; ++a) {
        lo[a] = std::min(lo[a], w.c[a]);
        hi[a] = std::max(hi[a], w.c[a]);
      }
      swept.push_back(w);
    }
    int axes[3] = {0, 1, 2};  // by spread, widest first (ties: the lower axis first)
    std::stable_sort(axes, axes + 3, [&](int a, int b) { return hi[a] - lo[a] > hi[b] - lo[b]; });
    for (Swept& w : swept) {
      w.row = static_cast<int64_t>(std::floor(w.c[axes[0]] / kMergePrefilterM));
      w.along = w.c[axes[1]];
    }
    std::sort(swept.begin(), swept.end(), [](const Swept& a, const Swept& b) {
      if (a.row != b.row) return a.row < b.row;
      if (a.along != b.along) return a.along < b.along;
      return a.index < b.index;
    });
    constexpr double kReach2 = kMergePrefilterM * kMergePrefilterM;
    std::vector<std::pair<int, int>> pairs;
    const auto consider = [&](const Swept& p, const Swept& q) {
      const double dx = q.c[0] - p.c[0];
      const double dy = q.c[1] - p.c[1];
      const double dz = q.c[2] - p.c[2];
      if (dx * dx + dy * dy + dz * dz > kReach2) return;
      if (p.mmsi != 0 && q.mmsi != 0 && p.mmsi != q.mmsi) return;
      if (p.icao != 0 && q.icao != 0 && p.icao != q.icao) return;
      if (p.domain >= 0 && q.domain >= 0 && p.domain != q.domain) return;
      pairs.emplace_back(std::min(p.index, q.index), std::max(p.index, q.index));
    };
    size_t next_row = 0;  // the first track of the row after the current one
    for (size_t k = 0; k < swept.size(); ++k) {
      const Swept& p = swept[k];
      // The rest of p's own row, up to a pre-filter ahead.
      size_t m = k + 1;
      for (; m < swept.size() && swept[m].row == p.row; ++m) {
        if (swept[m].along - p.along > kMergePrefilterM) break;
        consider(p, swept[m]);
      }
      // The next row, from a pre-filter behind p to a pre-filter ahead.
      if (next_row <= k) {
        next_row = k + 1;
        while (next_row < swept.size() && swept[next_row].row == p.row) ++next_row;
      }
      if (next_row == swept.size() || swept[next_row].row != p.row + 1) continue;
      auto it = std::lower_bound(swept.begin() + static_cast<ptrdiff_t>(next_row), swept.end(),
                                 p.along - kMergePrefilterM, [&](const Swept& q, double along) {
                                   return q.row == p.row + 1 && q.along < along;
                                 });
      for (; it != swept.end() && it->row == p.row + 1; ++it) {
        if (it->along - p.along > kMergePrefilterM) break;
        consider(p, *it);
      }
    }
    std::sort(pairs.begin(), pairs.end());
    for (const auto& [i, j] : pairs) {
      const TrackState& a = tracks[i];
      const TrackState& b = tracks[j];
      if (Conflict(a, b)) continue;
      TrackState pa = PredictedCopyKinematics(a, time);
      TrackState pb = PredictedCopyKinematics(b, time);
      Vec4 xb;
      Mat4 pb_in_a;
      InFrame(pb, *pa.frame, xb, pb_in_a);
      const Vec4 diff = xb - pa.x;
      const Mat4 s = pa.p + pb_in_a;
      const double d = diff.dot(s.ldlt().solve(diff));
      if (d >= options.gate_4d) continue;
      const auto key = std::make_pair(a.serial, b.serial);
      auto it = merge_streaks.find(key);
      const int streak = (it == merge_streaks.end() ? 0 : it->second) + 1;
      streaks[key] = streak;
      if (streak >= options.merge_after) to_merge.emplace_back(i, j);
    }
    merge_streaks = std::move(streaks);
    std::vector<char> gone(tracks.size(), 0);
    std::vector<std::pair<uint64_t, uint64_t>> moves;  // (b's serial, a's)
    for (const auto& [i, j] : to_merge) {
      if (gone[i] || gone[j]) continue;
      Merge(tracks[i], tracks[j], time);
      moves.emplace_back(tracks[j].serial, tracks[i].serial);
      gone[j] = 1;
      removed_ids.push_back(tracks[j].id);
      ++counters.merges;
    }
    Repoint(std::move(moves));
    if (to_merge.empty()) return;
    // In place: a new vector of every track would be a fresh allocation of ~15 MB at 20,000
    // tracks, its pages faulted in once per second.
    size_t kept = 0;
    for (size_t k = 0; k < tracks.size(); ++k) {
      if (gone[k]) continue;
      if (kept != k) tracks[kept] = std::move(tracks[k]);
      ++kept;
    }
    tracks.erase(tracks.begin() + static_cast<ptrdiff_t>(kept), tracks.end());
  }

  // Merges b into a (the older track, whose number survives). The caller then points b's
  // identities at a (Repoint).
  void Merge(TrackState& a, TrackState& b, Timestamp time) {
    MarkChanged(a);
    Predict(a, time);
    Predict(b, time);
    Vec4 xb;
    Mat4 pb;
    InFrame(b, *a.frame, xb, pb);
    // Both tracks may share observations' information: intersect, don't add.
    const Vec4 z(xb(kE), xb(kN), xb(kVe), xb(kVn));
    Mat4 r = Mat4::Zero();
    const int order[4] = {kE, kN, kVe, kVn};
    for (int u = 0; u < 4; ++u) {
      for (int v = 0; v < 4; ++v) r(u, v) = pb(order[u], order[v]);
    }
    CovarianceIntersection<4, 4>(a.x, a.p, FullH(), z, r);
    if (b.has_vertical) {
      if (!a.has_vertical) {
        a.has_vertical = true;
        a.xv = b.xv;
        a.pv = b.pv;
      } else {
        CovarianceIntersection<2, 2>(a.xv, a.pv, Mat2::Identity(), b.xv, b.pv);
      }
    }
    // Bookkeeping: the union of everything either was derived from.
    std::vector<model::ObservationId> united;
    united.reserve(a.provenance.size() + b.provenance.size());
    std::set_union(a.provenance.begin(), a.provenance.end(), b.provenance.begin(),
                   b.provenance.end(), std::back_inserter(united));
    a.provenance = std::move(united);
    LimitProvenance(a.provenance);
    a.updates += b.updates;
    for (uint32_t l : b.label_ids) {
      if (!std::binary_search(a.label_ids.begin(), a.label_ids.end(), l)) {
        InsertSorted(a.label_ids, l);
        a.label = InternLabel(labels::Rollup(labels[a.label], labels[l]));
      }
    }
    for (uint32_t s : b.source_ids) InsertSorted(a.source_ids, s);
    for (const auto& n : b.track_numbers) {
      auto it = std::lower_bound(a.track_numbers.begin(), a.track_numbers.end(), n);
      if (it == a.track_numbers.end() || *it != n) a.track_numbers.insert(it, n);
    }
    if (!a.mmsi) a.mmsi = b.mmsi;
    if (!a.icao) a.icao = b.icao;
    if (!a.mode3a) a.mode3a = b.mode3a;
    if (a.uid.empty()) a.uid = b.uid;
    if (a.callsign.empty()) a.callsign = b.callsign;
    if (a.name.empty()) a.name = b.name;
    if (a.category.empty()) a.category = b.category;
    if (!a.domain_from_source && b.domain_from_source) {
      a.domain = b.domain;
      a.domain_from_source = true;
    }
    a.hits += b.hits;
    a.last_update = std::max(a.last_update, b.last_update);
    // b's identities are pointed at a by the caller (Repoint), for all merges at once.
    Reanchor(a);
  }

  // ---- applying observations in order ----
  void ApplyLook(std::span<const PreparedObservation*> look) {
    const Timestamp time = look.front()->observation->time;
    const int64_t second = time.nanos() / 1'000'000'000;
    if (second > housekeeping_second) {
      housekeeping_second = second;
      Housekeeping(time);
    }
    if (!has_applied || time > last_applied) last_applied = time;  // not back for a late one
    has_applied = true;
    // Detections of one look are assigned together; everything else one by one.
    size_t begin = 0;
    while (begin < look.size()) {
      const Observation& o = *look[begin]->observation;
      if (o.kind == ObservationKind::kSensorPoint) {
        ++counters.ignored;
        ++begin;
        continue;
      }
      if (IsCooperative(o)) {
        ApplyCooperative(*look[begin]);
        ++counters.applied;
        ++begin;
        continue;
      }
      if (IsBearingOnly(o)) {
        ApplyBearing(*look[begin]);
        ++counters.applied;
        ++begin;
        continue;
      }
      if (o.kind == ObservationKind::kSystemTrack) {
        ApplySystemTrack(*look[begin]);
        ++counters.applied;
        ++begin;
        continue;
      }
      size_t end = begin + 1;
      while (end < look.size() && look[end]->observation->kind == o.kind &&
             !IsCooperative(*look[end]->observation) && !IsBearingOnly(*look[end]->observation)) {
        ++end;
      }
      ApplyDetections(std::span<const PreparedObservation*>(look.data() + begin, end - begin));
      counters.applied += end - begin;
      begin = end;
    }
  }

  void CommitUntil(Timestamp until, bool everything) {
    std::vector<const PreparedObservation*> look;
    while (!pending.empty()) {
      const PreparedObservation* front = pending.front();
      if (!everything && front->observation->time > until) break;
      look.clear();
      do {
        std::pop_heap(pending.begin(), pending.end(), HeapLess);
        look.push_back(pending.back());
        pending.pop_back();
      } while (!pending.empty() && SameLook(*pending.front()->observation, *look[0]->observation));
      ApplyLook(look);
      if (!has_committed || look[0]->observation->time > committed) {
        committed = look[0]->observation->time;
        has_committed = true;
      }
    }
    if (!everything && (!has_committed || until > committed)) {
      committed = until;
      has_committed = true;
    }
  }

  model::FusedTrack BuildTrack(const TrackState& t) const {
    model::FusedTrack out;
    out.id = t.id;
    out.time = t.time;
    Result<geo::Lla> lla = t.frame->EnuToLla({t.x(kE), t.x(kN), 0.0});
    if (lla.ok()) out.position = *lla;
    out.has_altitude = t.has_vertical;
    out.position.altitude_m = t.has_vertical ? t.xv(0) : 0.0;
    out.velocity_enu = Eigen::Vector3d(t.x(kVe), t.x(kVn), t.has_vertical ? t.xv(1) : 0.0);
    const int order[4] = {kE, kN, kVe, kVn};
    const int slot[4] = {0, 1, 3, 4};
    for (int u = 0; u < 4; ++u) {
      for (int v = 0; v < 4; ++v) out.covariance(slot[u], slot[v]) = t.p(order[u], order[v]);
    }
    if (t.has_vertical) {
      out.covariance(2, 2) = t.pv(0, 0);
      out.covariance(2, 5) = out.covariance(5, 2) = t.pv(0, 1);
      out.covariance(5, 5) = t.pv(1, 1);
    }
    out.identity.mmsi = t.mmsi;
    out.identity.icao_address = t.icao;
    out.identity.mode3a = t.mode3a;
    out.identity.callsign = t.callsign;
    out.identity.name = t.name;
    out.identity.track_numbers = t.track_numbers;
    out.domain = t.domain;
    out.category = t.category;
    out.label = labels[t.label];
    for (uint32_t s : t.source_ids) out.sources.push_back(sources[s]);
    std::sort(out.sources.begin(), out.sources.end());
    out.provenance = t.provenance;  // kept sorted
    out.updates = t.updates;
    return out;
  }

  model::Picture BuildPicture() const {
    model::Picture picture;
    if (has_applied) picture.time = last_applied;
    for (const TrackState& t : tracks) {
      if (t.confirmed) picture.tracks.push_back(BuildTrack(t));
    }
    std::sort(picture.tracks.begin(), picture.tracks.end(),
              [](const model::FusedTrack& a, const model::FusedTrack& b) { return a.id < b.id; });
    return picture;
  }

  // Brings `published` up to date: removes the deleted tracks, rebuilds the changed ones and
  // appends the newly confirmed ones (numbers are given in confirmation order, so a new
  // number is larger than every published one). Costs O(changed) track builds and one copy
  // of the pointer vector; equal, track for track, to BuildPicture().
  void RefreshPublished() {
    if (published != nullptr && dirty.empty() && removed_ids.empty()) return;
    SharedTracks::Entries next;
    if (published != nullptr) {
      next.reserve(published->size() + dirty.size());
      if (removed_ids.empty()) {
        next = *published;
      } else {
        std::sort(removed_ids.begin(), removed_ids.end());
        for (const SharedTrack& e : *published) {
          if (!std::binary_search(removed_ids.begin(), removed_ids.end(), e.id)) next.push_back(e);
        }
      }
    }
    const size_t old_size = next.size();
    for (uint64_t serial : dirty) {
      TrackState* t = FindSerial(serial);
      if (t == nullptr) continue;  // deleted or merged away since
      t->dirty = false;
      if (!t->confirmed) continue;
      SharedTrack entry = MakeSharedTrack(BuildTrack(*t), t->label);
      auto end = next.begin() + static_cast<std::ptrdiff_t>(old_size);
      auto it = std::lower_bound(next.begin(), end, entry.id,
                                 [](const SharedTrack& e, uint64_t id) { return e.id < id; });
      if (it != end && it->id == entry.id) {
        *it = std::move(entry);
      } else {
        next.push_back(std::move(entry));
      }
    }
    auto by_id = [](const SharedTrack& a, const SharedTrack& b) { return a.id < b.id; };
    const auto middle = next.begin() + static_cast<std::ptrdiff_t>(old_size);
    std::sort(middle, next.end(), by_id);
    std::inplace_merge(next.begin(), middle, next.end(), by_id);
    dirty.clear();
    removed_ids.clear();
    published = std::make_shared<const SharedTracks::Entries>(std::move(next));
  }
};

Engine::Engine(EngineOptions options) : core_(std::make_unique<Core>(std::move(options))) {}
Engine::~Engine() = default;
Engine::Engine(const Engine& other) : core_(std::make_unique<Core>(*other.core_)) {}
Engine& Engine::operator=(const Engine& other) {
  if (this != &other) {
    core_ = std::make_unique<Core>(*other.core_);
    scratch_.reset();
    published_labels_ = nullptr;
  }
  return *this;
}
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

void Engine::Add(const PreparedObservation* observation) {
  Core& c = *core_;
  ++c.counters.received;
  if (!observation->valid) {
    ++c.counters.invalid;
    return;
  }
  const Timestamp time = observation->observation->time;
  if (c.has_committed && time <= c.committed) {
    if (Seconds(c.committed, time) > c.options.late_s) {
      ++c.counters.too_late;
      return;
    }
    // Within the late window: applied now, alone (EngineOptions::late_s).
    ++c.counters.applied_late;
    const PreparedObservation* look[1] = {observation};
    c.ApplyLook(look);
    return;
  }
  c.pending.push_back(observation);
  std::push_heap(c.pending.begin(), c.pending.end(), HeapLess);
  // The clock follows the data: an observation's time, but never past its arrival (a source
  // stamping the future cannot commit everyone else's present). A node that falls behind
  // (a backlog in a socket buffer or the queue) reads old data in order, and that data is not
  // too late because the node was slow.
  AdvanceClock(std::min(time, observation->arrival));
}

void Engine::AdvanceClock(Timestamp now) {
  Core& c = *core_;
  if (!c.has_clock || now > c.clock) {
    c.clock = now;
    c.has_clock = true;
  }
  Commit(c.clock - FromSeconds(c.options.lag_s));
}

void Engine::Commit(Timestamp until) {
  Core& c = *core_;
  if (c.has_committed && until <= c.committed) return;
  // Nothing to commit and no time yet: leave `committed` unset so that no observation is
  // ruled too late before the first one is applied.
  if (c.pending.empty() && !c.has_committed) return;
  c.CommitUntil(until, false);
}

void Engine::Flush() { core_->CommitUntil(Timestamp(), true); }

model::Picture Engine::Snapshot(bool include_pending) const {
  if (!include_pending || core_->pending.empty()) return core_->BuildPicture();
  // The held observations go into a scratch copy of the committed state; copy-assigning into
  // the same scratch each time reuses its memory.
  if (scratch_ == nullptr) {
    scratch_ = std::make_unique<Core>(*core_);
  } else {
    *scratch_ = *core_;
  }
  scratch_->CommitUntil(Timestamp(), true);
  return scratch_->BuildPicture();
}

SharedPicture Engine::Published(bool include_pending) {
  Core* core = core_.get();
  if (include_pending && !core_->pending.empty()) {
    if (scratch_ == nullptr) {
      scratch_ = std::make_unique<Core>(*core_);
    } else {
      *scratch_ = *core_;
    }
    scratch_->CommitUntil(Timestamp(), true);
    core = scratch_.get();
  }
  core->RefreshPublished();
  published_labels_ = &core->labels;
  SharedPicture out;
  if (core->has_applied) out.time = core->last_applied;
  out.tracks = SharedTracks(core->published);
  return out;
}

const std::vector<labels::Label>& Engine::published_labels() const {
  return published_labels_ != nullptr ? *published_labels_ : core_->labels;
}

Timestamp Engine::clock() const { return core_->clock; }
Timestamp Engine::committed_time() const { return core_->committed; }
bool Engine::has_committed() const { return core_->has_committed; }
const EngineCounters& Engine::counters() const { return core_->counters; }
size_t Engine::pending_count() const { return core_->pending.size(); }
const EngineOptions& Engine::options() const { return core_->options; }

}  // namespace biac::fusion
