#include "biac/sim/multisource.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <deque>
#include <limits>
#include <numbers>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include "biac/geo/geodesic.h"
#include "biac/geo/local_frame.h"
#include "biac/sim/random.h"

namespace biac::sim {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kRadPerDeg = kPi / 180.0;
// Longest dead-reckoning step (s): at 250 m/s a 250 m hop, over which the radii of curvature
// change by less than 1e-7 of themselves.
constexpr double kMaxStepS = 1.0;
// Slack for comparing sample times (s).
constexpr double kTimeSlackS = 1e-9;

// Independent random streams (DeriveSeed): one per target, one per source, one for the plan.
constexpr uint64_t kPlanStream = 0x504C414EULL;
constexpr uint64_t kTargetStreamBase = 0x1000000ULL;
constexpr uint64_t kSourceStreamBase = 0x2000000ULL;

// ---------------------------------------------------------------------------------------
// Geometry on WGS-84.

// Meridian and transverse (prime vertical) radii of curvature at geodetic latitude `lat`
// (rad): M = a (1 - e^2) / (1 - e^2 sin^2 lat)^(3/2), N = a / (1 - e^2 sin^2 lat)^(1/2)
// (Groves 2013, ch. 2; WGS-84 constants from geo/coordinates.h).
struct Radii {
  double meridian;
  double transverse;
};

Radii RadiiAt(double lat) {
  constexpr double kE2 = geo::kWgs84Flattening * (2.0 - geo::kWgs84Flattening);
  const double s = std::sin(lat);
  const double d = 1.0 - kE2 * s * s;
  const double sd = std::sqrt(d);
  return {geo::kWgs84SemiMajorAxisM * (1.0 - kE2) / (d * sd), geo::kWgs84SemiMajorAxisM / sd};
}

// Moves a point by a small horizontal displacement (east, north in metres, in its local ENU
// frame) at constant altitude: the navigation equations integrated with mid-point radii.
geo::Lla Displace(const geo::Lla& p, double east_m, double north_m) {
  const double lat = p.latitude_deg * kRadPerDeg;
  const double dlat0 = north_m / (RadiiAt(lat).meridian + p.altitude_m);
  const Radii mid = RadiiAt(lat + 0.5 * dlat0);
  const double dlat = north_m / (mid.meridian + p.altitude_m);
  const double dlon = east_m / ((mid.transverse + p.altitude_m) * std::cos(lat + 0.5 * dlat));
  return {p.latitude_deg + dlat / kRadPerDeg, p.longitude_deg + dlon / kRadPerDeg, p.altitude_m};
}

// A quick flat-Earth approximation of the horizontal offset of b from a (east, north in
// metres), good to about 1% over a few hundred km: used only to pre-select targets near a
// sensor's coverage and to time a plot within the antenna's rotation.
Eigen::Vector2d ApproxOffset(const geo::Lla& a, const geo::Lla& b) {
  const double lat = a.latitude_deg * kRadPerDeg;
  const Radii r = RadiiAt(lat);
  return {(b.longitude_deg - a.longitude_deg) * kRadPerDeg * r.transverse * std::cos(lat),
          (b.latitude_deg - a.latitude_deg) * kRadPerDeg * r.meridian};
}

// A course (rad, clockwise from north) in [0, 2 pi).
double WrapCourse(double course) {
  const double wrapped = std::fmod(course, 2.0 * kPi);
  return wrapped < 0.0 ? wrapped + 2.0 * kPi : wrapped;
}

struct Area {
  double min_lat, max_lat, min_lon, max_lon;

  bool Contains(const geo::Lla& p) const {
    return p.latitude_deg >= min_lat && p.latitude_deg <= max_lat && p.longitude_deg >= min_lon &&
           p.longitude_deg <= max_lon;
  }
  geo::Lla Centre() const { return {0.5 * (min_lat + max_lat), 0.5 * (min_lon + max_lon), 0.0}; }
};

// ---------------------------------------------------------------------------------------
// Trajectories.

// A coordinated turn and/or a climb over [begin_s, end_s) (seconds from the scenario start).
struct Manoeuvre {
  double begin_s = 0.0;
  double end_s = 0.0;
  double turn_rate = 0.0;  // rad/s, positive clockwise (to the right)
  double climb_mps = 0.0;  // vertical rate, m/s
};

struct KinematicState {
  double t = 0.0;  // s from the scenario start
  geo::Lla position;
  double course = 0.0;  // rad, clockwise from true north
  double speed = 0.0;   // horizontal, m/s
};

// A target's motion: an initial state, manoeuvres, and its states cached on the truth grid
// (times appear + k * step) so that any time's state is at most one grid step of dead
// reckoning away.
class Trajectory {
 public:
  Trajectory(const KinematicState& initial, std::vector<Manoeuvre> manoeuvres, double step_s,
             double end_s, const Area& area)
      : manoeuvres_(std::move(manoeuvres)), step_s_(step_s) {
    // The target exists while it is inside the area: it leaves the scenario at its last grid
    // sample inside it.
    KinematicState state = initial;
    states_.push_back(state);
    while (state.t + step_s_ <= end_s + kTimeSlackS) {
      state = Advance(state, state.t + step_s_);
      if (!area.Contains(state.position)) break;
      states_.push_back(state);
    }
  }

  double appear_s() const { return states_.front().t; }
  double disappear_s() const { return states_.back().t; }
  bool Alive(double t) const {
    return t >= appear_s() - kTimeSlackS && t <= disappear_s() + kTimeSlackS;
  }
  // The grid state at or before t (t within the life span).
  const KinematicState& GridBefore(double t) const {
    const double k = std::floor((t - appear_s()) / step_s_ + kTimeSlackS);
    const size_t index =
        static_cast<size_t>(std::clamp(k, 0.0, static_cast<double>(states_.size() - 1)));
    return states_[index];
  }

  KinematicState At(double t) const { return Advance(GridBefore(t), t); }

  Eigen::Vector3d Velocity(const KinematicState& s) const {
    const Manoeuvre m = ActiveAt(s.t);
    return {s.speed * std::sin(s.course), s.speed * std::cos(s.course), m.climb_mps};
  }

 private:
  // The rates in force at t (zero outside every manoeuvre).
  Manoeuvre ActiveAt(double t) const {
    Manoeuvre active;
    for (const Manoeuvre& m : manoeuvres_) {
      if (t >= m.begin_s - kTimeSlackS && t < m.end_s - kTimeSlackS) {
        active.turn_rate += m.turn_rate;
        active.climb_mps += m.climb_mps;
      }
    }
    return active;
  }
  // The next time after t at which a rate changes (infinity if none).
  double NextBoundary(double t) const {
    double next = std::numeric_limits<double>::infinity();
    for (const Manoeuvre& m : manoeuvres_) {
      if (m.begin_s > t + kTimeSlackS) next = std::min(next, m.begin_s);
      if (m.end_s > t + kTimeSlackS) next = std::min(next, m.end_s);
    }
    return next;
  }

  // Dead reckoning from s to t_to in steps of at most kMaxStepS, split where a manoeuvre
  // starts or ends. Within a step the course changes at the constant rate w, so the local
  // displacement is the closed-form arc: east = v/w (cos c0 - cos c1), north = v/w (sin c1 -
  // sin c0), c1 = c0 + w dt (v dt (sin c0, cos c0) when w = 0).
  KinematicState Advance(KinematicState s, double t_to) const {
    while (s.t < t_to - kTimeSlackS) {
      const Manoeuvre rates = ActiveAt(s.t);
      const double next = std::min({t_to, s.t + kMaxStepS, NextBoundary(s.t)});
      const double dt = next - s.t;
      const double c0 = s.course;
      const double c1 = c0 + rates.turn_rate * dt;
      double east = 0.0;
      double north = 0.0;
      if (std::abs(rates.turn_rate * dt) < 1e-12) {
        east = s.speed * dt * std::sin(c0);
        north = s.speed * dt * std::cos(c0);
      } else {
        const double radius = s.speed / rates.turn_rate;
        east = radius * (std::cos(c0) - std::cos(c1));
        north = radius * (std::sin(c1) - std::sin(c0));
      }
      s.position = Displace(s.position, east, north);
      s.position.altitude_m += rates.climb_mps * dt;
      s.course = WrapCourse(c1);
      s.t = next;
    }
    return s;
  }

  std::vector<Manoeuvre> manoeuvres_;
  double step_s_;
  std::vector<KinematicState> states_;
};

// ---------------------------------------------------------------------------------------
// Sources.

// One pending observation of a source, before arrival times and ids.
struct Pending {
  double time_s = 0.0;
  double arrival_s = 0.0;
  uint32_t rank = 0;  // place in the source's data-time order
  model::Observation observation;
  ObservationTruth truth;
  // Orders observations of one data time within the source (default: truth.target); a UAV's
  // sensor points take the platform's, so that they follow its self report (multisource.h).
  std::optional<int32_t> order_target;
};

// A deque: appending never moves the observations already there.
using PendingList = std::deque<Pending>;

struct World {
  Timestamp start;
  double duration_s = 0.0;
  std::vector<TargetInfo> targets;
  std::vector<Trajectory> trajectories;  // trajectories[i] of targets[i]
  std::vector<double> dark_s;            // per target: AIS stops here (infinity: never)
  // targets[0, surveillance_targets) are seen by the radars and trackers; the rest (the UAV
  // and its ground vehicles) only by the UAV's own feeds.
  size_t surveillance_targets = std::numeric_limits<size_t>::max();
};

Timestamp TimeAt(const Timestamp& start, double seconds) {
  return start + Duration(std::llround(seconds * 1e9));
}

ObservationTruth TruthOf(const World& world, size_t index, const KinematicState& state) {
  return {world.targets[index].id, state.position, world.trajectories[index].Velocity(state)};
}

// Appends an observation of `source` at time t (seconds from the start) to `out`.
Pending& AddPending(PendingList& out, const World& world, const SourceDescription& source,
                    const std::string& sensor, double t) {
  Pending& p = out.emplace_back();
  p.time_s = t;
  p.observation.time = TimeAt(world.start, t);
  p.observation.source = source.id;
  p.observation.sensor = sensor;
  p.observation.source_kind = source.kind;
  p.observation.kind = source.observation_kind;
  p.observation.label = source.label;
  return p;
}

// A cooperative object's own report (AIS position report, ADS-B airborne position and
// velocity): the true state plus white noise of the declared standard deviations.
struct SelfReportSpec {
  std::string sensor;
  model::Domain domain = model::Domain::kUnknown;  // kUnknown: any target that transmits
  double period_s = 10.0;
  double reception = 1.0;  // probability that a report reaches the source
  double sigma_horizontal_m = 10.0;
  double sigma_vertical_m = 0.0;  // > 0: the report carries altitude
  double sigma_velocity_mps = 0.25;
  double sigma_vertical_rate_mps = 0.0;  // > 0: the report carries a vertical rate
  std::vector<char> reports;             // per target; empty: every target
};

void GenerateSelfReports(const World& world, const SourceDescription& source,
                         const SelfReportSpec& spec, SplitMix64& rng, PendingList& out) {
  for (size_t i = 0; i < std::min(world.targets.size(), world.surveillance_targets); ++i) {
    const TargetInfo& info = world.targets[i];
    if (!info.transmits) continue;
    if (spec.domain != model::Domain::kUnknown && info.domain != spec.domain) continue;
    if (!spec.reports.empty() && spec.reports[i] == 0) continue;
    const Trajectory& trajectory = world.trajectories[i];
    const double phase = rng.Uniform() * spec.period_s;
    for (int64_t j = 0;; ++j) {
      const double t = trajectory.appear_s() + phase + static_cast<double>(j) * spec.period_s;
      if (t > trajectory.disappear_s() + kTimeSlackS || t >= world.dark_s[i]) break;
      if (!(rng.Uniform() < spec.reception)) continue;
      const KinematicState state = trajectory.At(t);
      const Eigen::Vector3d velocity = trajectory.Velocity(state);
      Pending& p = AddPending(out, world, source, spec.sensor, t);
      model::Observation& o = p.observation;
      const double east = rng.Normal() * spec.sigma_horizontal_m;
      const double north = rng.Normal() * spec.sigma_horizontal_m;
      o.position = Displace(state.position, east, north);
      const double h2 = spec.sigma_horizontal_m * spec.sigma_horizontal_m;
      o.position_covariance.diagonal() << h2, h2, 0.0;
      if (spec.sigma_vertical_m > 0.0) {
        o.has_altitude = true;
        o.position.altitude_m = state.position.altitude_m + rng.Normal() * spec.sigma_vertical_m;
        o.position_covariance(2, 2) = spec.sigma_vertical_m * spec.sigma_vertical_m;
      } else {
        o.position.altitude_m = 0.0;
      }
      Eigen::Vector3d v(velocity.x() + rng.Normal() * spec.sigma_velocity_mps,
                        velocity.y() + rng.Normal() * spec.sigma_velocity_mps, 0.0);
      const double v2 = spec.sigma_velocity_mps * spec.sigma_velocity_mps;
      o.velocity_covariance.diagonal() << v2, v2, 0.0;
      if (spec.sigma_vertical_rate_mps > 0.0) {
        o.has_vertical_velocity = true;
        v.z() = velocity.z() + rng.Normal() * spec.sigma_vertical_rate_mps;
        o.velocity_covariance(2, 2) = spec.sigma_vertical_rate_mps * spec.sigma_vertical_rate_mps;
      }
      o.velocity_enu = v;
      if (info.domain == model::Domain::kSea) {
        o.identity.mmsi = info.mmsi;
        o.identity.name = info.name;
      } else {
        o.identity.icao_address = info.icao_address;
      }
      o.identity.callsign = info.callsign;
      o.identity.category = info.category;
      p.truth = TruthOf(world, i, state);
    }
  }
}

// A rotating 2-D surveillance radar: one scan every period_s, the antenna passing north at
// the scan's start and turning clockwise, so a target at azimuth a is plotted a/360 of a
// period later. A target within the coverage radius of its domain is detected with
// probability pd; clutter plots are Poisson(clutter_mean) per scan, uniform in area over the
// coverage disc.
struct RadarSpec {
  std::string sensor;
  geo::Lla site;
  double period_s = 10.0;
  double phase_s = 0.0;
  double surface_range_m = 0.0;  // coverage of ships (0: none)
  double air_range_m = 0.0;      // coverage of aircraft (0: none)
  double min_range_m = 1000.0;
  double pd = 0.9;
  double range_sigma_m = 50.0;
  double azimuth_sigma_deg = 0.15;
  double clutter_mean = 3.0;
};

Status AddPlot(const World& world, const SourceDescription& source, const RadarSpec& spec, double t,
               double range_m, double azimuth_deg, PendingList& out,
               const ObservationTruth& truth) {
  const geo::Lla ground_site{spec.site.latitude_deg, spec.site.longitude_deg, 0.0};
  BIAC_ASSIGN_OR_RETURN(geo::GeodesicDirectSolution end,
                        geo::GeodesicDirect(ground_site, azimuth_deg, range_m));
  Pending& p = AddPending(out, world, source, spec.sensor, t);
  model::Observation& o = p.observation;
  o.position = end.destination;
  o.position.altitude_m = 0.0;
  o.has_altitude = false;
  // Linearised polar noise at the plot: along the geodesic's final azimuth (range) and
  // across it (azimuth times range).
  const double az = end.final_azimuth_deg * kRadPerDeg;
  const Eigen::Vector2d along(std::sin(az), std::cos(az));
  const Eigen::Vector2d across(std::cos(az), -std::sin(az));
  const double cross_sigma = range_m * spec.azimuth_sigma_deg * kRadPerDeg;
  o.position_covariance.topLeftCorner<2, 2>() =
      spec.range_sigma_m * spec.range_sigma_m * along * along.transpose() +
      cross_sigma * cross_sigma * across * across.transpose();
  model::SensorRelative relative;
  relative.sensor_position = spec.site;
  relative.range_m = range_m;
  double wrapped = std::fmod(azimuth_deg, 360.0);
  if (wrapped < 0.0) wrapped += 360.0;
  relative.azimuth_deg = wrapped;
  relative.range_sigma_m = spec.range_sigma_m;
  relative.azimuth_sigma_deg = spec.azimuth_sigma_deg;
  o.sensor_relative = relative;
  p.truth = truth;
  return Status::Ok();
}

Status GenerateRadar(const World& world, const SourceDescription& source, const RadarSpec& spec,
                     SplitMix64& rng, PendingList& out) {
  const double max_range = std::max(spec.surface_range_m, spec.air_range_m);
  const double margin = 1.05;  // ApproxOffset's error, with room
  for (int64_t j = 0;; ++j) {
    const double t0 = spec.phase_s + static_cast<double>(j) * spec.period_s;
    if (t0 > world.duration_s + kTimeSlackS) break;
    for (size_t i = 0; i < std::min(world.targets.size(), world.surveillance_targets); ++i) {
      const Trajectory& trajectory = world.trajectories[i];
      if (!trajectory.Alive(t0)) continue;
      const double coverage =
          world.targets[i].domain == model::Domain::kSea ? spec.surface_range_m : spec.air_range_m;
      if (coverage <= 0.0) continue;
      const KinematicState& grid = trajectory.GridBefore(t0);
      const Eigen::Vector2d approx = ApproxOffset(spec.site, grid.position);
      const double reach = grid.speed * 2.0 * std::max(spec.period_s, 1.0);
      if (approx.norm() > coverage * margin + reach) continue;
      double azimuth = std::atan2(approx.x(), approx.y()) / kRadPerDeg;
      if (azimuth < 0.0) azimuth += 360.0;
      const double t = t0 + azimuth / 360.0 * spec.period_s;
      if (t > world.duration_s + kTimeSlackS || !trajectory.Alive(t)) continue;
      const KinematicState state = trajectory.At(t);
      BIAC_ASSIGN_OR_RETURN(geo::GeodesicInverseSolution line,
                            geo::GeodesicInverse(spec.site, state.position));
      if (line.distance_m > coverage || line.distance_m < spec.min_range_m) continue;
      if (!(rng.Uniform() < spec.pd)) continue;
      const double range = line.distance_m + rng.Normal() * spec.range_sigma_m;
      const double az = line.initial_azimuth_deg + rng.Normal() * spec.azimuth_sigma_deg;
      BIAC_RETURN_IF_ERROR(
          AddPlot(world, source, spec, t, range, az, out, TruthOf(world, i, state)));
    }
    const int64_t clutter = rng.Poisson(spec.clutter_mean);
    for (int64_t c = 0; c < clutter; ++c) {
      const double r2_min = spec.min_range_m * spec.min_range_m;
      const double range = std::sqrt(r2_min + rng.Uniform() * (max_range * max_range - r2_min));
      const double azimuth = rng.Uniform() * 360.0;
      const double t = t0 + azimuth / 360.0 * spec.period_s;
      if (t > world.duration_s + kTimeSlackS) continue;
      BIAC_RETURN_IF_ERROR(AddPlot(world, source, spec, t, range, azimuth, out, {}));
    }
  }
  return Status::Ok();
}

// Another system's tracks (a partner's air-defence tracks): one report per tracked target
// every period_s from initiation (a delay after the target appears) with a stable track
// number. Its errors are those of a filtered track, correlated in time: a first-order
// Gauss-Markov process per component, e_k = rho e_{k-1} + sqrt(1 - rho^2) sigma w_k with
// rho = exp(-dt / tau), whose stationary standard deviation is the declared sigma.
struct TrackSpec {
  std::string sensor;
  model::Domain domain = model::Domain::kUnknown;  // kUnknown: every target
  double period_s = 4.0;
  double sigma_horizontal_m = 150.0;
  double sigma_vertical_m = 300.0;
  double sigma_velocity_mps = 5.0;
  double sigma_vertical_rate_mps = 2.0;
  double correlation_time_s = 30.0;
  double initiation_delay_s = 8.0;
  double initiation_jitter_s = 8.0;
  uint32_t first_track_number = 4001;
  std::vector<char> reports;  // per target; empty: every target of the domain
};

void GenerateTracks(const World& world, const SourceDescription& source, const TrackSpec& spec,
                    SplitMix64& rng, PendingList& out) {
  uint32_t track_number = spec.first_track_number;
  const std::array<double, 6> sigma = {spec.sigma_horizontal_m, spec.sigma_horizontal_m,
                                       spec.sigma_vertical_m,   spec.sigma_velocity_mps,
                                       spec.sigma_velocity_mps, spec.sigma_vertical_rate_mps};
  const double rho = std::exp(-spec.period_s / spec.correlation_time_s);
  const double innovation = std::sqrt(1.0 - rho * rho);
  for (size_t i = 0; i < std::min(world.targets.size(), world.surveillance_targets); ++i) {
    const TargetInfo& info = world.targets[i];
    if (spec.domain != model::Domain::kUnknown && info.domain != spec.domain) continue;
    if (!spec.reports.empty() && spec.reports[i] == 0) continue;
    const Trajectory& trajectory = world.trajectories[i];
    const double first =
        trajectory.appear_s() + spec.initiation_delay_s + rng.Uniform() * spec.initiation_jitter_s;
    if (first > trajectory.disappear_s()) continue;
    const uint32_t number = track_number++;
    std::array<double, 6> error{};
    for (int k = 0; k < 6; ++k) error[k] = rng.Normal() * sigma[k];
    for (int64_t j = 0;; ++j) {
      const double t = first + static_cast<double>(j) * spec.period_s;
      if (t > trajectory.disappear_s() + kTimeSlackS || t > world.duration_s + kTimeSlackS) break;
      if (j > 0) {
        for (int k = 0; k < 6; ++k)
          error[k] = rho * error[k] + innovation * sigma[k] * rng.Normal();
      }
      const KinematicState state = trajectory.At(t);
      const Eigen::Vector3d velocity = trajectory.Velocity(state);
      Pending& p = AddPending(out, world, source, spec.sensor, t);
      model::Observation& o = p.observation;
      const bool air = info.domain == model::Domain::kAir;
      o.position = Displace(state.position, error[0], error[1]);
      o.has_altitude = air;
      o.position.altitude_m = air ? state.position.altitude_m + error[2] : 0.0;
      o.position_covariance.diagonal() << sigma[0] * sigma[0], sigma[1] * sigma[1],
          air ? sigma[2] * sigma[2] : 0.0;
      o.velocity_enu = Eigen::Vector3d(velocity.x() + error[3], velocity.y() + error[4],
                                       air ? velocity.z() + error[5] : 0.0);
      o.has_vertical_velocity = air;
      o.velocity_covariance.diagonal() << sigma[3] * sigma[3], sigma[4] * sigma[4],
          air ? sigma[5] * sigma[5] : 0.0;
      o.identity.track_number = number;
      p.truth = TruthOf(world, i, state);
    }
  }
}

// STANAG 4607 D32.10 (AEDP-7 target classification table): 130, "wheeled vehicle, simulated
// target" - the feed is a simulation, and says so as the standard provides.
constexpr uint8_t kGmtiVehicleClass = 130;
constexpr std::string_view kGmtiVehicleClassName = "wheeled_vehicle_simulated";

// A UAV's two feeds (UavDescription). The platform flies its trajectory; its sensors watch
// ground vehicles: targets[first_vehicle, first_vehicle + vehicles).
struct UavSpec {
  size_t platform = 0;       // index into world.targets
  size_t first_vehicle = 0;  // the ground vehicles
  size_t vehicles = 0;
  size_t stare_vehicle = 0;  // the vehicle the EO/IR sensor follows (index into world.targets)
  double klv_period_s = 1.0;
  double gmti_period_s = 4.0;
  double gmti_phase_s = 2.0;
  // Platform navigation (GPS/INS) noise of the self report.
  double platform_horizontal_sigma_m = 5.0;
  double platform_vertical_sigma_m = 10.0;
  double platform_velocity_sigma_mps = 0.5;
  // Line-of-sight pointing error of the gimbal, both axes (the KLV mapping's default, 0.1 deg,
  // formats/klv/observations.h), and the terrain model's height error.
  double pointing_sigma_deg = 0.1;
  double min_grazing_deg = 5.0;
  double terrain_sigma_m = 15.0;
  // GMTI: per-report accuracies (STANAG 4607 D32.12-D32.15) and the detection probability of
  // a vehicle inside the dwell area whose radial speed exceeds the MDV.
  double slant_range_sigma_m = 10.0;
  double cross_range_sigma_deg = 0.15;
  double height_sigma_m = 20.0;
  double radial_velocity_sigma_mps = 0.5;
  double pd = 0.9;
};

// The ground frame geometry of a sensor looking at `point` from `sensor`: the horizontal unit
// vector from the sensor towards the point and the unit vector to its right (both in the
// point's ENU frame), the slant range, the sensor's height above the point's horizontal plane
// and the grazing angle.
struct LookGeometry {
  Eigen::Vector2d along = Eigen::Vector2d::UnitY();
  Eigen::Vector2d across = Eigen::Vector2d::UnitX();
  double slant_m = 0.0;
  double ground_m = 0.0;
  double height_m = 0.0;
  double grazing_rad = 0.0;
};

Result<LookGeometry> Look(const geo::Lla& sensor, const geo::Lla& point) {
  BIAC_ASSIGN_OR_RETURN(const geo::LocalFrame frame, geo::LocalFrame::Create(point));
  BIAC_ASSIGN_OR_RETURN(const geo::Enu enu, frame.LlaToEnu(sensor));
  const Eigen::Vector3d to_sensor = enu.AsVector();
  LookGeometry g;
  g.slant_m = to_sensor.norm();
  g.ground_m = to_sensor.head<2>().norm();
  g.height_m = to_sensor.z();
  if (g.ground_m > 0.0) {
    g.along = -to_sensor.head<2>() / g.ground_m;
    g.across = Eigen::Vector2d(g.along.y(), -g.along.x());
  }
  g.grazing_rad = g.slant_m > 0.0 ? std::asin(std::clamp(g.height_m / g.slant_m, -1.0, 1.0)) : 0.0;
  return g;
}

// The sensor-point covariance of formats/klv/observations.h (cross range R sigma, down range
// R sigma / sin(grazing), plus the platform's horizontal variance; the terrain's vertical).
Eigen::Matrix3d SensorPointCovariance(const LookGeometry& g, const UavSpec& spec) {
  const double sigma = spec.pointing_sigma_deg * kRadPerDeg;
  const double sin_grazing =
      std::max(std::sin(g.grazing_rad), std::sin(spec.min_grazing_deg * kRadPerDeg));
  const double cross = g.slant_m * sigma;
  const double down = cross / sin_grazing;
  const double platform = spec.platform_horizontal_sigma_m * spec.platform_horizontal_sigma_m;
  Eigen::Matrix3d c = Eigen::Matrix3d::Zero();
  c.topLeftCorner<2, 2>() = (down * down + platform) * g.along * g.along.transpose() +
                            (cross * cross + platform) * g.across * g.across.transpose();
  c(2, 2) = spec.terrain_sigma_m * spec.terrain_sigma_m;
  return c;
}

Status GenerateUavKlv(const World& world, const SourceDescription& source,
                      const UavDescription& uav, const UavSpec& spec, SplitMix64& rng,
                      PendingList& out) {
  const Trajectory& platform = world.trajectories[spec.platform];
  const TargetInfo& info = world.targets[spec.platform];
  for (int64_t k = 0;; ++k) {
    const double t = platform.appear_s() + static_cast<double>(k) * spec.klv_period_s;
    if (t > platform.disappear_s() + kTimeSlackS || t > world.duration_s + kTimeSlackS) break;
    const KinematicState state = platform.At(t);
    const Eigen::Vector3d velocity = platform.Velocity(state);
    // The platform's report: its navigation solution.
    geo::Lla reported = Displace(state.position, rng.Normal() * spec.platform_horizontal_sigma_m,
                                 rng.Normal() * spec.platform_horizontal_sigma_m);
    reported.altitude_m = state.position.altitude_m + rng.Normal() * spec.platform_vertical_sigma_m;
    const Eigen::Vector3d reported_velocity(
        velocity.x() + rng.Normal() * spec.platform_velocity_sigma_mps,
        velocity.y() + rng.Normal() * spec.platform_velocity_sigma_mps, 0.0);

    // Where the sensor looks: the stared-at vehicle (the dwell centre when it is gone), off by
    // the pointing error projected on the ground.
    geo::Lla look = uav.dwell_center;
    const Trajectory& stared = world.trajectories[spec.stare_vehicle];
    if (stared.Alive(t)) look = stared.At(t).position;
    BIAC_ASSIGN_OR_RETURN(const LookGeometry true_look, Look(state.position, look));
    const Eigen::Matrix3d look_cov = SensorPointCovariance(true_look, spec);
    const double down_sigma =
        std::sqrt(true_look.along.dot(look_cov.topLeftCorner<2, 2>() * true_look.along));
    const double cross_sigma =
        std::sqrt(true_look.across.dot(look_cov.topLeftCorner<2, 2>() * true_look.across));
    const Eigen::Vector2d miss =
        rng.Normal() * down_sigma * true_look.along + rng.Normal() * cross_sigma * true_look.across;
    geo::Lla centre = Displace(look, miss.x(), miss.y());
    centre.altitude_m = look.altitude_m;

    // The footprint: the image's far and near edges where the line of sight is depressed by
    // grazing -+ vfov/2, each as wide as its slant range times tan(hfov/2) on either side
    // (flat ground in the centre's horizontal plane).
    BIAC_ASSIGN_OR_RETURN(const LookGeometry g, Look(reported, centre));
    const double half_v = 0.5 * uav.vertical_fov_deg * kRadPerDeg;
    const double tan_half_h = std::tan(0.5 * uav.horizontal_fov_deg * kRadPerDeg);
    if (!(g.grazing_rad - half_v > 0.0)) {
      return InvalidArgument("source " + source.id +
                             ": the footprint's far edge is above the horizon");
    }
    const double far_d = g.height_m / std::tan(g.grazing_rad - half_v) - g.ground_m;
    const double near_d = g.height_m / std::tan(g.grazing_rad + half_v) - g.ground_m;
    const double far_w = g.height_m / std::sin(g.grazing_rad - half_v) * tan_half_h;
    const double near_w = g.height_m / std::sin(g.grazing_rad + half_v) * tan_half_h;
    const std::array<Eigen::Vector2d, 4> corners = {
        far_d * g.along - far_w * g.across, far_d * g.along + far_w * g.across,
        near_d * g.along + near_w * g.across, near_d * g.along - near_w * g.across};

    // The platform's self report, then the five sensor points (frame centre, corners 1-4),
    // kept in that order by order_target: the order in which the node's KLV mapping
    // (formats/klv/observations.h) gives them.
    {
      Pending& p = AddPending(out, world, source, uav.image_sensor, t);
      model::Observation& o = p.observation;
      o.kind = model::ObservationKind::kSelfReport;
      o.position = reported;
      o.has_altitude = true;
      const double h2 = spec.platform_horizontal_sigma_m * spec.platform_horizontal_sigma_m;
      o.position_covariance.diagonal() << h2, h2,
          spec.platform_vertical_sigma_m * spec.platform_vertical_sigma_m;
      o.velocity_enu = reported_velocity;
      const double v2 = spec.platform_velocity_sigma_mps * spec.platform_velocity_sigma_mps;
      o.velocity_covariance.diagonal() << v2, v2, 0.0;
      o.identity.uid = uav.tail_number;
      o.identity.callsign = info.callsign;
      o.identity.name = uav.designation;
      o.identity.category = uav.designation;
      p.truth = TruthOf(world, spec.platform, state);
    }
    const Eigen::Matrix3d centre_cov = SensorPointCovariance(g, spec);
    const std::array<const char*, 5> suffixes = {"frame_center", "corner_1", "corner_2", "corner_3",
                                                 "corner_4"};
    for (size_t c = 0; c < suffixes.size(); ++c) {
      Pending& p = AddPending(out, world, source, uav.image_sensor, t);
      model::Observation& o = p.observation;
      o.kind = model::ObservationKind::kSensorPoint;
      o.position = c == 0 ? centre : Displace(centre, corners[c - 1].x(), corners[c - 1].y());
      o.position.altitude_m = centre.altitude_m;
      o.has_altitude = true;
      BIAC_ASSIGN_OR_RETURN(const LookGeometry gp, Look(reported, o.position));
      o.position_covariance = c == 0 ? centre_cov : SensorPointCovariance(gp, spec);
      model::SensorRelative relative;
      relative.sensor_position = reported;
      relative.range_m = gp.slant_m;
      BIAC_ASSIGN_OR_RETURN(const geo::GeodesicInverseSolution line,
                            geo::GeodesicInverse(reported, o.position));
      relative.azimuth_deg = WrapCourse(line.initial_azimuth_deg * kRadPerDeg) / kRadPerDeg;
      relative.elevation_deg = -gp.grazing_rad / kRadPerDeg;
      o.sensor_relative = relative;
      o.identity.uid = uav.tail_number + ":" + suffixes[c];
      o.identity.category = c == 0 ? "frame_center" : "footprint_corner";
      p.truth = ObservationTruth{};
      p.order_target = info.id;
    }
  }
  return Status::Ok();
}

// One GMTI dwell every gmti_period_s over the dwell area: every vehicle inside it whose
// radial speed reaches the MDV is reported with probability pd, displaced by the slant-range
// and cross-range errors (the slant error projected on the ground).
Status GenerateUavGmti(const World& world, const SourceDescription& source,
                       const UavDescription& uav, const UavSpec& spec, SplitMix64& rng,
                       PendingList& out) {
  const Trajectory& platform = world.trajectories[spec.platform];
  for (int64_t k = 0;; ++k) {
    const double t =
        platform.appear_s() + spec.gmti_phase_s + static_cast<double>(k) * spec.gmti_period_s;
    if (t > platform.disappear_s() + kTimeSlackS || t > world.duration_s + kTimeSlackS) break;
    const geo::Lla sensor = platform.At(t).position;
    for (size_t i = spec.first_vehicle; i < spec.first_vehicle + spec.vehicles; ++i) {
      const Trajectory& trajectory = world.trajectories[i];
      if (!trajectory.Alive(t)) continue;
      const KinematicState state = trajectory.At(t);
      BIAC_ASSIGN_OR_RETURN(const double from_centre,
                            geo::GeodesicDistance(uav.dwell_center, state.position));
      if (from_centre > uav.dwell_range_half_extent_m) continue;
      BIAC_ASSIGN_OR_RETURN(const LookGeometry g, Look(sensor, state.position));
      const Eigen::Vector3d velocity = trajectory.Velocity(state);
      // Sensor -> target unit vector in the target's ENU: positive radial speed is opening.
      const Eigen::Vector3d los(g.along.x() * g.ground_m / g.slant_m,
                                g.along.y() * g.ground_m / g.slant_m, -g.height_m / g.slant_m);
      const double radial = velocity.dot(los);
      if (std::abs(radial) < uav.minimum_detectable_velocity_mps) continue;
      if (!(rng.Uniform() < spec.pd)) continue;
      const double ground_sigma = spec.slant_range_sigma_m * g.slant_m / g.ground_m;
      const double cross_sigma = g.slant_m * spec.cross_range_sigma_deg * kRadPerDeg;
      const Eigen::Vector2d miss =
          rng.Normal() * ground_sigma * g.along + rng.Normal() * cross_sigma * g.across;
      Pending& p = AddPending(out, world, source, uav.tail_number, t);
      model::Observation& o = p.observation;
      o.position = Displace(state.position, miss.x(), miss.y());
      o.position.altitude_m = state.position.altitude_m;
      o.has_altitude = true;
      o.position_covariance.topLeftCorner<2, 2>() =
          ground_sigma * ground_sigma * g.along * g.along.transpose() +
          cross_sigma * cross_sigma * g.across * g.across.transpose();
      o.position_covariance(2, 2) = spec.height_sigma_m * spec.height_sigma_m;
      model::SensorRelative relative;
      relative.sensor_position = sensor;
      relative.range_rate_mps = radial + rng.Normal() * spec.radial_velocity_sigma_mps;
      relative.range_rate_sigma_mps = spec.radial_velocity_sigma_mps;
      o.sensor_relative = relative;
      o.identity.category = std::string(kGmtiVehicleClassName);
      p.truth = TruthOf(world, i, state);
    }
  }
  return Status::Ok();
}

// Arrival times: data time + latency + U(0, jitter), held back so the source's link stays
// FIFO (a source's observations arrive in data-time order).
void ApplyLatency(const SourceDescription& source, SplitMix64& rng, PendingList& list) {
  // Ordered through an index: an Observation is large, and moving it is the main cost.
  std::vector<uint32_t> order(list.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
  std::stable_sort(order.begin(), order.end(), [&list](uint32_t a, uint32_t b) {
    const int32_t ta = list[a].order_target.value_or(list[a].truth.target);
    const int32_t tb = list[b].order_target.value_or(list[b].truth.target);
    return std::tie(list[a].time_s, ta) < std::tie(list[b].time_s, tb);
  });
  double last = -std::numeric_limits<double>::infinity();
  for (size_t k = 0; k < order.size(); ++k) {
    Pending& p = list[order[k]];
    const double arrival = p.time_s + source.latency_s + rng.Uniform() * source.latency_jitter_s;
    last = std::max(last, arrival);
    p.arrival_s = last;
    p.rank = static_cast<uint32_t>(k);
  }
}

// Orders every source's observations by arrival (ties: source order, then the source's own
// order), numbers them 1..N and fills the scenario's parallel vectors.
void Assemble(const Timestamp& start, std::vector<PendingList>& per_source,
              MultiSourceScenario& scenario) {
  struct Key {
    int64_t arrival_ns;
    size_t source;
    uint32_t rank;
    size_t index;
  };
  std::vector<Key> keys;
  for (size_t s = 0; s < per_source.size(); ++s) {
    for (size_t i = 0; i < per_source[s].size(); ++i) {
      const Pending& p = per_source[s][i];
      keys.push_back({TimeAt(start, p.arrival_s).nanos(), s, p.rank, i});
    }
  }
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    return std::tie(a.arrival_ns, a.source, a.rank) < std::tie(b.arrival_ns, b.source, b.rank);
  });
  scenario.observations.reserve(keys.size());
  scenario.arrival.reserve(keys.size());
  scenario.observation_truth.reserve(keys.size());
  for (const Key& key : keys) {
    Pending& p = per_source[key.source][key.index];
    p.observation.id = scenario.observations.size() + 1;
    scenario.observations.push_back(std::move(p.observation));
    scenario.arrival.push_back(Timestamp::FromNanos(key.arrival_ns));
    scenario.observation_truth.push_back(p.truth);
  }
}

void FillTruth(const World& world, double truth_step_s, MultiSourceScenario& scenario) {
  for (int64_t k = 0;; ++k) {
    const double t = static_cast<double>(k) * truth_step_s;
    if (t > world.duration_s + kTimeSlackS) break;
    for (size_t i = 0; i < world.targets.size(); ++i) {
      const Trajectory& trajectory = world.trajectories[i];
      if (!trajectory.Alive(t)) continue;
      const KinematicState state = trajectory.At(t);
      scenario.truth.push_back({TimeAt(world.start, t), world.targets[i].id, state.position,
                                trajectory.Velocity(state)});
    }
  }
}

void FillTargetTimes(World& world) {
  for (size_t i = 0; i < world.targets.size(); ++i) {
    world.targets[i].appears = TimeAt(world.start, world.trajectories[i].appear_s());
    world.targets[i].disappears = TimeAt(world.start, world.trajectories[i].disappear_s());
  }
}

Result<SourceDescription> Describe(std::string id, model::SourceKind kind,
                                   model::ObservationKind observation_kind, std::string label_text,
                                   std::string description, double latency_s, double jitter_s,
                                   double period_s) {
  Result<labels::Label> label = labels::Parse(label_text);
  if (!label.ok()) {
    return InvalidArgument("source " + id + ": label '" + label_text +
                           "' does not parse: " + label.status().message());
  }
  SourceDescription out;
  out.id = std::move(id);
  out.kind = kind;
  out.observation_kind = observation_kind;
  out.label_text = std::move(label_text);
  out.label = std::move(label).value();
  out.description = std::move(description);
  out.latency_s = latency_s;
  out.latency_jitter_s = jitter_s;
  out.period_s = period_s;
  return out;
}

Result<Audience> MakeAudience(std::string name, std::string user_json) {
  Result<labels::User> user = labels::ParseUser(user_json);
  if (!user.ok()) {
    return InvalidArgument("audience " + name + ": user '" + user_json +
                           "' does not parse: " + user.status().message());
  }
  return Audience{std::move(name), std::move(user_json), std::move(user).value()};
}

double UniformIn(SplitMix64& rng, double lo, double hi) { return lo + rng.Uniform() * (hi - lo); }

size_t Pick(SplitMix64& rng, size_t n) {
  return std::min(n - 1, static_cast<size_t>(rng.Uniform() * static_cast<double>(n)));
}

// Up to `count` coordinated turns, one in each of `count` equal windows of the scenario, each
// changing the course by `min_change`..`max_change` deg at `min_rate`..`max_rate` deg/s.
std::vector<Manoeuvre> RandomTurns(SplitMix64& rng, int count, double from_s, double to_s,
                                   double min_change, double max_change, double min_rate,
                                   double max_rate) {
  std::vector<Manoeuvre> turns;
  if (count <= 0 || to_s <= from_s) return turns;
  const double window = (to_s - from_s) / count;
  for (int w = 0; w < count; ++w) {
    const double change = UniformIn(rng, min_change, max_change);
    const double rate = UniformIn(rng, min_rate, max_rate);
    const double sign = rng.Uniform() < 0.5 ? -1.0 : 1.0;
    const double length = std::min(change / rate, 0.9 * window);
    const double begin = from_s + w * window + rng.Uniform() * (window - length);
    turns.push_back({begin, begin + length, sign * rate * kRadPerDeg, 0.0});
  }
  return turns;
}

// ---------------------------------------------------------------------------------------
// The Kyushu/Okinawa scenario.

constexpr Area kBilateralArea{26.0, 31.0, 125.5, 130.5};

// The UAV (an MQ-9-like platform: 90 m/s at 7,600 m) orbits over the sea west of the Satsuma
// peninsula (southwestern Kyushu), 40 km from the ground vehicles it watches inland. Its
// targets live in their own area, north of the maritime one.
constexpr Area kUavArea{31.0, 32.0, 129.5, 130.8};
constexpr geo::Lla kUavOrbitCentre{31.45, 129.98, 0.0};
constexpr double kUavOrbitRadiusM = 12000.0;
constexpr double kUavAltitudeM = 7600.0;
constexpr double kUavSpeedMps = 90.0;
constexpr double kStandardGravity = 9.80665;  // m/s^2, for the orbit's bank angle
// STANAG 4607 M3 (AEDP-7 platform type table): 36, MQ-9 Reaper.
constexpr uint8_t kGmtiPlatformMq9 = 36;
// Where the ground vehicles start: inland on the Satsuma peninsula (Minamisatsuma,
// Minamikyushu), far enough from the coast that legs of up to 240 s at up to 15 m/s stay on land.
constexpr Area kVehicleBox{31.38, 31.52, 130.36, 130.45};
constexpr double kUTurnS = 20.0;

// Islands where no ship starts: circles (latitude, longitude, radius km) roughly covering the
// main islands of the Nansei Shoto, approximate at the scale of this scenario.
struct Island {
  double lat, lon, radius_km;
};
constexpr std::array<Island, 11> kIslands = {{
    {26.22, 127.70, 14.0},  // Okinawa, south
    {26.50, 127.90, 14.0},  // Okinawa, centre
    {26.72, 128.15, 14.0},  // Okinawa, north
    {26.34, 126.80, 7.0},   // Kumejima
    {27.04, 128.42, 4.0},   // Yoron
    {27.37, 128.58, 8.0},   // Okinoerabu
    {27.80, 128.95, 10.0},  // Tokunoshima
    {28.30, 129.40, 24.0},  // Amami Oshima
    {29.60, 129.70, 6.0},   // Tokara (Nakanoshima)
    {30.35, 130.52, 15.0},  // Yakushima
    {30.75, 130.30, 5.0},   // Kuchinoerabu / Takeshima
}};

bool OnLand(const geo::Lla& p) {
  constexpr double kMarginKm = 3.0;
  for (const Island& island : kIslands) {
    const Eigen::Vector2d d = ApproxOffset({island.lat, island.lon, 0.0}, p);
    if (d.norm() < (island.radius_km + kMarginKm) * 1000.0) return true;
  }
  return false;
}

// The shipping lane along the Ryukyu chain, west of the islands, from southern Kyushu to
// Okinawa (latitude, longitude).
constexpr std::array<std::array<double, 2>, 7> kLane = {{{30.85, 130.10},
                                                         {30.20, 129.90},
                                                         {29.40, 129.30},
                                                         {28.50, 128.90},
                                                         {27.70, 128.50},
                                                         {27.00, 128.00},
                                                         {26.45, 127.35}}};
constexpr double kLaneShipFraction = 0.65;
constexpr double kLaneHalfWidthSigmaM = 15000.0;

struct Flag {
  int mid;  // ITU Maritime Identification Digits
  const char* callsign_prefix;
  bool japanese;
};
constexpr std::array<Flag, 8> kFlags = {{{431, "JD", true},
                                         {432, "JL", true},
                                         {413, "BZ", false},
                                         {440, "DS", false},
                                         {351, "3E", false},
                                         {538, "V7", false},
                                         {477, "VR", false},
                                         {412, "BY", false}}};
constexpr std::array<const char*, 8> kJapaneseNames = {"SHINSEI MARU", "KAIYO MARU", "TOYO MARU",
                                                       "HOKUTO MARU",  "ASAHI MARU", "NANSEI MARU",
                                                       "RYUKYU MARU",  "SAKURA MARU"};
constexpr std::array<const char*, 8> kNameFirst = {"OCEAN",   "PACIFIC", "GOLDEN", "GRAND",
                                                   "EASTERN", "STAR",    "BRIGHT", "GLORY"};
constexpr std::array<const char*, 8> kNameSecond = {"PIONEER", "TRADER",  "SPIRIT", "HARMONY",
                                                    "FORTUNE", "VOYAGER", "PEARL",  "DAWN"};
// AIS "type of ship and cargo" (ITU-R M.1371-5, message 5): 30 fishing, 60 passenger,
// 70 cargo, 80 tanker.
constexpr std::array<const char*, 4> kShipTypes = {"30", "60", "70", "80"};

struct Airline {
  const char* code;
  uint32_t icao_base;  // the state's ICAO 24-bit address block (ICAO Annex 10 Vol. III, Part I,
                       // Chapter 9 appendix)
  uint32_t icao_size;
};
constexpr std::array<Airline, 10> kAirlines = {{{"JAL", 0x840000, 0x40000},
                                                {"ANA", 0x840000, 0x40000},
                                                {"SKY", 0x840000, 0x40000},
                                                {"JTA", 0x840000, 0x40000},
                                                {"KAL", 0x718000, 0x8000},
                                                {"CES", 0x780000, 0x40000},
                                                {"CCA", 0x780000, 0x40000},
                                                {"EVA", 0x899000, 0x1000},
                                                {"UAL", 0xA00000, 0x100000},
                                                {"FDX", 0xA00000, 0x100000}}};

KinematicState RandomShipStart(SplitMix64& rng, double duration_s) {
  for (int attempt = 0;; ++attempt) {
    KinematicState s;
    s.speed = UniformIn(rng, 3.0, 10.0);
    if (rng.Uniform() < kLaneShipFraction) {
      const double u = rng.Uniform() * (kLane.size() - 1);
      const size_t leg = std::min(static_cast<size_t>(u), kLane.size() - 2);
      const double f = u - static_cast<double>(leg);
      const geo::Lla a{kLane[leg][0], kLane[leg][1], 0.0};
      const geo::Lla b{kLane[leg + 1][0], kLane[leg + 1][1], 0.0};
      const geo::Lla on_lane{a.latitude_deg + f * (b.latitude_deg - a.latitude_deg),
                             a.longitude_deg + f * (b.longitude_deg - a.longitude_deg), 0.0};
      const Eigen::Vector2d direction = ApproxOffset(a, b).normalized();
      const double offset = rng.Normal() * kLaneHalfWidthSigmaM;
      s.position = Displace(on_lane, direction.y() * offset, -direction.x() * offset);
      const double lane_course = std::atan2(direction.x(), direction.y());
      s.course = WrapCourse(lane_course + (rng.Uniform() < 0.5 ? 0.0 : kPi) +
                            rng.Normal() * 8.0 * kRadPerDeg);
    } else {
      // Open East China Sea, west of the chain (fishing grounds and the Shanghai routes).
      s.position = {UniformIn(rng, 26.1, 30.9), UniformIn(rng, 125.6, 127.8), 0.0};
      s.course = rng.Uniform() * 2.0 * kPi;
    }
    const double run = s.speed * duration_s;
    const geo::Lla end = Displace(s.position, run * std::sin(s.course), run * std::cos(s.course));
    if (attempt > 200 ||
        (!OnLand(s.position) && !OnLand(end) && kBilateralArea.Contains(s.position))) {
      return s;
    }
  }
}

struct Site {
  const char* sensor;
  geo::Lla position;
};

}  // namespace

Result<MultiSourceScenario> GenerateBilateral(const BilateralOptions& options) {
  if (options.ships < 0 || options.aircraft < 0) {
    return InvalidArgument("bilateral scenario: ships and aircraft must be >= 0");
  }
  if (!(options.duration_s > 0.0) || !(options.truth_step_s > 0.0)) {
    return InvalidArgument("bilateral scenario: duration_s and truth_step_s must be > 0");
  }
  if (!(options.dark_fraction >= 0.0 && options.dark_fraction <= 1.0) ||
      !(options.military_fraction >= 0.0 && options.military_fraction <= 1.0)) {
    return InvalidArgument(
        "bilateral scenario: dark_fraction and military_fraction must be in [0, 1]");
  }
  if (!(options.clutter_per_scan >= 0.0)) {
    return InvalidArgument("bilateral scenario: clutter_per_scan must be >= 0");
  }

  MultiSourceScenario scenario;
  scenario.name = options.name;
  scenario.seed = options.seed;
  scenario.origin = kBilateralArea.Centre();
  scenario.min_latitude_deg = kBilateralArea.min_lat;
  scenario.max_latitude_deg = kBilateralArea.max_lat;
  scenario.min_longitude_deg = kBilateralArea.min_lon;
  scenario.max_longitude_deg = kBilateralArea.max_lon;
  scenario.start = options.start;
  scenario.end = TimeAt(options.start, options.duration_s);
  scenario.truth_step_s = options.truth_step_s;

  World world;
  world.start = options.start;
  world.duration_s = options.duration_s;
  const double step = options.truth_step_s;
  const int steps = static_cast<int>(std::floor(options.duration_s / step + kTimeSlackS));

  // Which ships are dark: `never` of them never transmit, then a dark_fraction of the others
  // stop at a random time in the middle 60% of the scenario; drawn by the plan stream.
  SplitMix64 plan(DeriveSeed(options.seed, kPlanStream));
  const int never = options.never_transmit >= 0
                        ? std::min(options.never_transmit, options.ships)
                        : std::min(options.ships, std::max(2, options.ships / 20));
  std::vector<int> order(static_cast<size_t>(options.ships));
  for (int i = 0; i < options.ships; ++i) order[static_cast<size_t>(i)] = i;
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[Pick(plan, i)]);
  const int going_dark = static_cast<int>(
      std::lround(options.dark_fraction * static_cast<double>(options.ships - never)));
  std::vector<int> dark_kind(order.size(), 0);  // 0 transmits, 1 never, 2 goes dark
  for (int k = 0; k < options.ships; ++k) {
    const size_t ship = static_cast<size_t>(order[static_cast<size_t>(k)]);
    if (k < never)
      dark_kind[ship] = 1;
    else if (k < never + going_dark)
      dark_kind[ship] = 2;
  }

  std::vector<uint32_t> used_mmsi;
  for (int i = 0; i < options.ships; ++i) {
    const int32_t id = i + 1;
    SplitMix64 rng(DeriveSeed(options.seed, kTargetStreamBase + static_cast<uint64_t>(id)));
    KinematicState start = RandomShipStart(rng, options.duration_s);
    const int turns = static_cast<int>(Pick(rng, 3));
    std::vector<Manoeuvre> manoeuvres =
        RandomTurns(rng, turns, 0.0, options.duration_s, 20.0, 70.0, 0.3, 1.0);
    TargetInfo info;
    info.id = id;
    info.domain = model::Domain::kSea;
    const Flag& flag = kFlags[Pick(rng, kFlags.size())];
    uint32_t mmsi = 0;
    do {
      mmsi = static_cast<uint32_t>(flag.mid) * 1000000u +
             static_cast<uint32_t>(100000 + Pick(rng, 900000));
    } while (std::find(used_mmsi.begin(), used_mmsi.end(), mmsi) != used_mmsi.end());
    used_mmsi.push_back(mmsi);
    info.mmsi = mmsi;
    const unsigned number = static_cast<unsigned>(1 + Pick(rng, 99));
    info.name = flag.japanese ? std::string(kJapaneseNames[Pick(rng, kJapaneseNames.size())]) +
                                    " NO." + std::to_string(number)
                              : std::string(kNameFirst[Pick(rng, kNameFirst.size())]) + " " +
                                    kNameSecond[Pick(rng, kNameSecond.size())];
    info.callsign = std::string(flag.callsign_prefix) + std::to_string(1000 + Pick(rng, 9000));
    info.category = kShipTypes[Pick(rng, kShipTypes.size())];
    info.transmits = dark_kind[static_cast<size_t>(i)] != 1;
    double dark_s = std::numeric_limits<double>::infinity();
    if (dark_kind[static_cast<size_t>(i)] == 2) {
      dark_s = options.duration_s * UniformIn(rng, 0.2, 0.8);
      info.goes_dark_at = TimeAt(options.start, dark_s);
    }
    world.targets.push_back(std::move(info));
    world.dark_s.push_back(dark_s);
    world.trajectories.emplace_back(start, std::move(manoeuvres), step, options.duration_s,
                                    kBilateralArea);
  }

  std::vector<uint32_t> used_icao;
  for (int i = 0; i < options.aircraft; ++i) {
    const int32_t id = options.ships + i + 1;
    SplitMix64 rng(DeriveSeed(options.seed, kTargetStreamBase + static_cast<uint64_t>(id)));
    KinematicState start;
    start.speed = UniformIn(rng, 200.0, 250.0);
    const double altitude = UniformIn(rng, 8000.0, 11000.0);
    if (rng.Uniform() < 0.5) {
      // In the area at the start.
      start.t = 0.0;
      start.position = {UniformIn(rng, 26.2, 30.8), UniformIn(rng, 125.7, 130.3), altitude};
      start.course = rng.Uniform() * 2.0 * kPi;
    } else {
      // Enters across an edge at a grid time in the first 80% of the scenario, towards a
      // random point inside.
      start.t = static_cast<double>(Pick(rng, static_cast<size_t>(0.8 * steps) + 1)) * step;
      const double u = rng.Uniform();
      const double inset = 0.01;
      const Area& a = kBilateralArea;
      switch (Pick(rng, 4)) {
        case 0:
          start.position = {a.min_lat + inset, a.min_lon + u * (a.max_lon - a.min_lon), altitude};
          break;
        case 1:
          start.position = {a.max_lat - inset, a.min_lon + u * (a.max_lon - a.min_lon), altitude};
          break;
        case 2:
          start.position = {a.min_lat + u * (a.max_lat - a.min_lat), a.min_lon + inset, altitude};
          break;
        default:
          start.position = {a.min_lat + u * (a.max_lat - a.min_lat), a.max_lon - inset, altitude};
          break;
      }
      const geo::Lla aim{UniformIn(rng, 26.8, 30.2), UniformIn(rng, 126.3, 129.7), 0.0};
      const Eigen::Vector2d d = ApproxOffset(start.position, aim);
      start.course = WrapCourse(std::atan2(d.x(), d.y()));
    }
    const int turns = static_cast<int>(Pick(rng, 3));
    std::vector<Manoeuvre> manoeuvres =
        RandomTurns(rng, turns, start.t, options.duration_s, 20.0, 90.0, 1.0, 3.0);
    if (rng.Uniform() < 0.3) {
      // A climb or descent of 600-1500 m at 10 m/s.
      const double change = UniformIn(rng, 600.0, 1500.0) * (rng.Uniform() < 0.5 ? -1.0 : 1.0);
      const double rate = 10.0;
      const double length = std::abs(change) / rate;
      const double begin = UniformIn(rng, start.t, std::max(start.t, options.duration_s - length));
      manoeuvres.push_back({begin, begin + length, 0.0, change > 0.0 ? rate : -rate});
    }
    TargetInfo info;
    info.id = id;
    info.domain = model::Domain::kAir;
    const bool military = rng.Uniform() < options.military_fraction;
    if (!military) {
      const Airline& airline = kAirlines[Pick(rng, kAirlines.size())];
      uint32_t icao = 0;
      do {
        icao = airline.icao_base + static_cast<uint32_t>(Pick(rng, airline.icao_size));
      } while (std::find(used_icao.begin(), used_icao.end(), icao) != used_icao.end());
      used_icao.push_back(icao);
      info.icao_address = icao;
      info.callsign = std::string(airline.code) + std::to_string(1 + Pick(rng, 2999));
      // ADS-B emitter category set A (DO-260B identification message): A3 large, A5 heavy.
      info.category = rng.Uniform() < 0.7 ? "A3" : "A5";
      info.transmits = true;
    }
    world.targets.push_back(std::move(info));
    world.dark_s.push_back(std::numeric_limits<double>::infinity());
    world.trajectories.emplace_back(start, std::move(manoeuvres), step, options.duration_s,
                                    kBilateralArea);
  }
  // The UAV and the ground vehicles it watches (targets of the UAV's feeds only).
  world.surveillance_targets = world.targets.size();
  UavSpec uav_spec;
  UavDescription uav;
  if (options.uav) {
    if (options.ground_vehicles < 1) {
      return InvalidArgument("bilateral scenario: the UAV needs ground_vehicles >= 1");
    }
    const int32_t id = static_cast<int32_t>(world.targets.size()) + 1;
    // An orbit of kUavOrbitRadiusM around kUavOrbitCentre, clockwise, entered at its west
    // point heading north.
    KinematicState start;
    start.position = Displace(kUavOrbitCentre, -kUavOrbitRadiusM, 0.0);
    start.position.altitude_m = kUavAltitudeM;
    start.course = 0.0;
    start.speed = kUavSpeedMps;
    const double turn_rate = kUavSpeedMps / kUavOrbitRadiusM;
    TargetInfo info;
    info.id = id;
    info.domain = model::Domain::kAir;
    info.callsign = "HUNTER11";
    info.name = "MQ-9";
    info.category = "MQ-9";
    info.transmits = false;  // no ADS-B: seen through its own datalink
    uav_spec.platform = world.targets.size();
    world.targets.push_back(std::move(info));
    world.dark_s.push_back(std::numeric_limits<double>::infinity());
    world.trajectories.emplace_back(
        start, std::vector<Manoeuvre>{{0.0, options.duration_s + step, turn_rate, 0.0}}, step,
        options.duration_s, kUavArea);

    uav_spec.first_vehicle = world.targets.size();
    uav_spec.vehicles = static_cast<size_t>(options.ground_vehicles);
    uav_spec.stare_vehicle = uav_spec.first_vehicle;
    for (int v = 0; v < options.ground_vehicles; ++v) {
      const int32_t vid = static_cast<int32_t>(world.targets.size()) + 1;
      SplitMix64 rng(DeriveSeed(options.seed, kTargetStreamBase + static_cast<uint64_t>(vid)));
      KinematicState s;
      s.position = {UniformIn(rng, kVehicleBox.min_lat, kVehicleBox.max_lat),
                    UniformIn(rng, kVehicleBox.min_lon, kVehicleBox.max_lon), 0.0};
      s.course = rng.Uniform() * 2.0 * kPi;
      s.speed = UniformIn(rng, 8.0, 15.0);
      // Back and forth along a road: legs of 120-240 s, each ended by a U-turn.
      std::vector<Manoeuvre> turns;
      const double leg = UniformIn(rng, 120.0, 240.0);
      const double sign = rng.Uniform() < 0.5 ? -1.0 : 1.0;
      for (double t = leg; t < options.duration_s; t += leg + kUTurnS) {
        turns.push_back({t, t + kUTurnS, sign * kPi / kUTurnS, 0.0});
      }
      TargetInfo vinfo;
      vinfo.id = vid;
      vinfo.domain = model::Domain::kLand;
      vinfo.category = "ground vehicle";
      vinfo.transmits = false;
      world.targets.push_back(std::move(vinfo));
      world.dark_s.push_back(std::numeric_limits<double>::infinity());
      world.trajectories.emplace_back(s, std::move(turns), step, options.duration_s, kUavArea);
    }
    uav.target = id;
    uav.klv_source = "uav-klv";
    uav.gmti_source = "uav-gmti";
    uav.tail_number = "MQ9-01";
    uav.call_sign = "HUNTER11";
    uav.designation = "MQ-9";
    uav.mission_id = "BIAC-ISR-01";
    uav.image_sensor = "EO/IR";
    uav.gmti_platform_type = kGmtiPlatformMq9;
    uav.gmti_classification = kGmtiVehicleClass;
    uav.horizontal_fov_deg = 2.0;
    uav.vertical_fov_deg = 1.2;
    uav.bank_deg =
        std::atan(kUavSpeedMps * kUavSpeedMps / (kStandardGravity * kUavOrbitRadiusM)) / kRadPerDeg;
    uav.dwell_center = kVehicleBox.Centre();
    uav.dwell_range_half_extent_m = 10000.0;
    uav.dwell_angle_half_extent_deg = 15.0;
    uav.minimum_detectable_velocity_mps = 1.0;
    uav.slant_range_sigma_m = uav_spec.slant_range_sigma_m;
    uav.cross_range_sigma_deg = uav_spec.cross_range_sigma_deg;
    uav.height_sigma_m = uav_spec.height_sigma_m;
    uav.radial_velocity_sigma_mps = uav_spec.radial_velocity_sigma_mps;
  }
  FillTargetTimes(world);

  // Sources. Labels are parsed here: a label that does not parse is an error.
  using model::ObservationKind;
  using model::SourceKind;
  std::vector<SourceDescription> sources;
  struct Entry {
    const char* id;
    SourceKind kind;
    ObservationKind observation_kind;
    const char* label;
    const char* description;
    double latency, jitter, period;
  };
  const std::array<Entry, 9> entries = {{
      {"ais", SourceKind::kAis, ObservationKind::kSelfReport, "UNCLASSIFIED",
       "AIS network (terrestrial and satellite): ships' position reports with MMSI, name, "
       "call sign and ship type",
       1.0, 0.5, 10.0},
      {"adsb", SourceKind::kAdsb, ObservationKind::kSelfReport, "UNCLASSIFIED",
       "ADS-B ground network: aircraft position and velocity with ICAO address, callsign and "
       "altitude (NACp 8, NACv 1)",
       0.5, 0.5, 2.0},
      {"us-radar", SourceKind::kAsterix, ObservationKind::kDetection, "SECRET//REL TO USA, JPN",
       "US coastal surveillance radar, northern Okinawa: 2-D plots of ships and aircraft", 1.0, 1.0,
       10.0},
      {"jpn-radar", SourceKind::kAsterix, ObservationKind::kDetection,
       R"({"policy":"JPN","level":"GOKUHI",)"
       R"("categories":{"releasable_to":["JPN","USA"],"caveats":[]}})",
       "Japanese radar, southern Kyushu (Satsuma peninsula): 2-D plots of ships and aircraft", 1.5,
       0.5, 12.0},
      {"us-only", SourceKind::kSimulation, ObservationKind::kDetection, "SECRET//NOFORN",
       "US airborne surface-search radar holding station over the western East China Sea: "
       "2-D plots of ships",
       2.0, 1.0, 8.0},
      {"jpn-only", SourceKind::kAsterix, ObservationKind::kDetection,
       R"({"policy":"JPN","level":"GOKUHI","categories":{"releasable_to":["JPN"]}})",
       "Japanese radar on Amami Oshima, Japan only: 2-D plots of ships and aircraft", 1.0, 0.5,
       10.0},
      {"jpn-tracks", SourceKind::kPartner, ObservationKind::kSystemTrack,
       R"({"policy":"JPN","level":"HI","categories":{"releasable_to":["JPN","USA"]}})",
       "Japanese air-defence system tracks of aircraft: track number, position and velocity", 3.0,
       3.0, 4.0},
      // The UAV's feeds: no jitter, so that one packet's observations arrive together.
      {"uav-klv", SourceKind::kKlv, ObservationKind::kSelfReport, "SECRET//REL TO USA, JPN",
       "US MQ-9 orbiting off western Kyushu, a shared asset: MISB ST 0601 KLV at 1 Hz (platform "
       "position, EO/IR frame centre and footprint) in MPEG-2 TS over UDP",
       0.3, 0.0, 1.0},
      {"uav-gmti", SourceKind::kGmti, ObservationKind::kDetection, "SECRET//REL TO USA, JPN",
       "US MQ-9 radar, a shared asset: STANAG 4607 GMTI dwells every 4 s over the Satsuma "
       "peninsula (moving ground vehicles) over TCP",
       1.0, 0.0, 4.0},
  }};
  for (const Entry& e : entries) {
    const std::string_view id = e.id;
    if (!options.uav && (id == "uav-klv" || id == "uav-gmti")) continue;
    BIAC_ASSIGN_OR_RETURN(SourceDescription source,
                          Describe(e.id, e.kind, e.observation_kind, e.label, e.description,
                                   e.latency, e.jitter, e.period));
    sources.push_back(std::move(source));
  }

  // NACp 8: 95% horizontal containment 92.6 m (RTCA DO-260B, the NACp EPU table;
  // docs/formats/adsb.md); for a circular Gaussian the 95% radius is sigma sqrt(-2 ln 0.05)
  // = 2.4477 sigma, so sigma = 37.83 m. NACv 1: 95% horizontal velocity error < 10 m/s (DO-260B,
  // the NACv HFOMr table), sigma = 4.09 m/s.
  const double k95 = std::sqrt(-2.0 * std::log(0.05));
  SelfReportSpec ais{.sensor = "ais-network",
                     .domain = model::Domain::kSea,
                     .period_s = 10.0,
                     .reception = 0.95,
                     .sigma_horizontal_m = 10.0,
                     .sigma_velocity_mps = 0.25};
  SelfReportSpec adsb{.sensor = "adsb-network",
                      .domain = model::Domain::kAir,
                      .period_s = 2.0,
                      .reception = 0.98,
                      .sigma_horizontal_m = 92.6 / k95,
                      .sigma_vertical_m = 15.0,
                      .sigma_velocity_mps = 10.0 / k95,
                      .sigma_vertical_rate_mps = 1.0};
  RadarSpec us_radar{.sensor = "okinawa-north",
                     .site = {26.70, 128.10, 200.0},
                     .period_s = 10.0,
                     .surface_range_m = 150e3,
                     .air_range_m = 350e3,
                     .pd = 0.9,
                     .range_sigma_m = 50.0,
                     .azimuth_sigma_deg = 0.15,
                     .clutter_mean = options.clutter_per_scan};
  RadarSpec jpn_radar{.sensor = "satsuma",
                      .site = {31.10, 130.30, 300.0},
                      .period_s = 12.0,
                      .phase_s = 3.0,
                      .surface_range_m = 150e3,
                      .air_range_m = 400e3,
                      .pd = 0.9,
                      .range_sigma_m = 60.0,
                      .azimuth_sigma_deg = 0.2,
                      .clutter_mean = options.clutter_per_scan};
  RadarSpec us_only{.sensor = "patrol-west",
                    .site = {28.80, 126.40, 3000.0},
                    .period_s = 8.0,
                    .phase_s = 1.0,
                    .surface_range_m = 150e3,
                    .air_range_m = 0.0,
                    .pd = 0.85,
                    .range_sigma_m = 30.0,
                    .azimuth_sigma_deg = 0.3,
                    .clutter_mean = options.clutter_per_scan};
  RadarSpec jpn_only{.sensor = "amami",
                     .site = {28.40, 129.50, 250.0},
                     .period_s = 10.0,
                     .phase_s = 5.0,
                     .surface_range_m = 130e3,
                     .air_range_m = 250e3,
                     .pd = 0.9,
                     .range_sigma_m = 50.0,
                     .azimuth_sigma_deg = 0.2,
                     .clutter_mean = options.clutter_per_scan};
  TrackSpec tracks{.sensor = "jadge", .domain = model::Domain::kAir, .period_s = 4.0};

  std::vector<PendingList> per_source(sources.size());
  for (size_t s = 0; s < sources.size(); ++s) {
    SplitMix64 rng(DeriveSeed(options.seed, kSourceStreamBase + s));
    const SourceDescription& source = sources[s];
    PendingList& out = per_source[s];
    if (source.id == "ais") GenerateSelfReports(world, source, ais, rng, out);
    if (source.id == "adsb") GenerateSelfReports(world, source, adsb, rng, out);
    if (source.id == "us-radar")
      BIAC_RETURN_IF_ERROR(GenerateRadar(world, source, us_radar, rng, out));
    if (source.id == "jpn-radar") {
      BIAC_RETURN_IF_ERROR(GenerateRadar(world, source, jpn_radar, rng, out));
    }
    if (source.id == "us-only")
      BIAC_RETURN_IF_ERROR(GenerateRadar(world, source, us_only, rng, out));
    if (source.id == "jpn-only") {
      BIAC_RETURN_IF_ERROR(GenerateRadar(world, source, jpn_only, rng, out));
    }
    if (source.id == "jpn-tracks") GenerateTracks(world, source, tracks, rng, out);
    if (options.uav && source.id == uav.klv_source) {
      BIAC_RETURN_IF_ERROR(GenerateUavKlv(world, source, uav, uav_spec, rng, out));
    }
    if (options.uav && source.id == uav.gmti_source) {
      BIAC_RETURN_IF_ERROR(GenerateUavGmti(world, source, uav, uav_spec, rng, out));
    }
    ApplyLatency(source, rng, out);
  }

  const std::array<std::pair<const char*, const char*>, 4> audiences = {{
      {"us-analyst", R"({"clearance":"SECRET","nationality":"USA"})"},
      {"jpn-analyst", R"({"clearance":"GOKUHI","nationality":"JPN"})"},
      {"us-confidential", R"({"clearance":"CONFIDENTIAL","nationality":"USA"})"},
      {"coalition-unclass", R"({"clearance":"UNCLASSIFIED","nationality":"AUS"})"},
  }};
  for (const auto& [name, json] : audiences) {
    BIAC_ASSIGN_OR_RETURN(Audience audience, MakeAudience(name, json));
    scenario.audiences.push_back(std::move(audience));
  }

  FillTruth(world, step, scenario);
  Assemble(options.start, per_source, scenario);
  scenario.sources = std::move(sources);
  scenario.targets = std::move(world.targets);
  if (options.uav) {
    scenario.uavs.push_back(std::move(uav));
    // The area covers the UAV's targets too (the origin stays the maritime area's centre).
    scenario.max_latitude_deg = std::max(scenario.max_latitude_deg, kUavArea.max_lat);
    scenario.max_longitude_deg = std::max(scenario.max_longitude_deg, kUavArea.max_lon);
  }
  return scenario;
}

// ---------------------------------------------------------------------------------------
// Random scenarios.

const std::vector<std::string>& RandomLabelPool() {
  static const std::vector<std::string> kPool = {
      "UNCLASSIFIED",
      "CONFIDENTIAL",  // no FD&R marking: NOFORN (security-anchors.md §7.2)
      "CONFIDENTIAL//REL TO USA, JPN",
      "SECRET//REL TO USA, JPN",
      "SECRET//NOFORN",
      "SECRET//REL TO USA, AUS, JPN",
      R"({"policy":"JPN","level":"GOKUHI","categories":{"releasable_to":["JPN","USA"]}})",
      R"({"policy":"JPN","level":"GOKUHI","categories":{"releasable_to":["JPN"]}})",
      std::string(R"({"policy":"JPN","level":"HI",)") +
          R"("categories":{"releasable_to":["JPN","USA"],"caveats":["MDA"]}})",
  };
  return kPool;
}

MultiSourceScenario GenerateRandomMultiSource(uint64_t seed, const RandomScenarioOptions& options) {
  constexpr double kHalfSideM = 30000.0;
  const geo::Lla centre{27.5, 128.0, 0.0};
  const geo::Lla south_west = Displace(centre, -kHalfSideM, -kHalfSideM);
  const geo::Lla north_east = Displace(centre, kHalfSideM, kHalfSideM);
  const Area area{south_west.latitude_deg, north_east.latitude_deg, south_west.longitude_deg,
                  north_east.longitude_deg};
  constexpr double kTruthStepS = 1.0;
  const double duration = options.duration_s > 0.0 ? options.duration_s : 120.0;

  MultiSourceScenario scenario;
  scenario.name = "random-" + std::to_string(seed);
  scenario.seed = seed;
  scenario.origin = centre;
  scenario.min_latitude_deg = area.min_lat;
  scenario.max_latitude_deg = area.max_lat;
  scenario.min_longitude_deg = area.min_lon;
  scenario.max_longitude_deg = area.max_lon;
  scenario.start = BilateralOptions{}.start;
  scenario.end = TimeAt(scenario.start, duration);
  scenario.truth_step_s = kTruthStepS;

  SplitMix64 plan(DeriveSeed(seed, kPlanStream));
  auto count_in = [&](int lo, int hi) {
    lo = std::max(0, lo);
    hi = std::max(lo, hi);
    return lo + static_cast<int>(Pick(plan, static_cast<size_t>(hi - lo) + 1));
  };
  const int targets = count_in(options.min_targets, options.max_targets);
  const int source_count = count_in(std::max(1, options.min_sources), options.max_sources);

  World world;
  world.start = scenario.start;
  world.duration_s = duration;
  for (int i = 0; i < targets; ++i) {
    const int32_t id = i + 1;
    SplitMix64 rng(DeriveSeed(seed, kTargetStreamBase + static_cast<uint64_t>(id)));
    TargetInfo info;
    info.id = id;
    KinematicState start;
    const bool air = rng.Uniform() < 0.5;
    info.domain = air ? model::Domain::kAir : model::Domain::kSea;
    start.speed = air ? UniformIn(rng, 100.0, 250.0) : UniformIn(rng, 3.0, 12.0);
    start.position = Displace(centre, UniformIn(rng, -0.8, 0.8) * kHalfSideM,
                              UniformIn(rng, -0.8, 0.8) * kHalfSideM);
    start.position.altitude_m = air ? UniformIn(rng, 3000.0, 10000.0) : 0.0;
    start.course = rng.Uniform() * 2.0 * kPi;
    std::vector<Manoeuvre> manoeuvres =
        RandomTurns(rng, static_cast<int>(Pick(rng, 2)), 0.0, duration, 20.0, 90.0, 1.0, 3.0);
    if (air) {
      info.icao_address = 0x840000u + static_cast<uint32_t>(id);
      info.callsign = "TST" + std::to_string(id);
      info.category = "A3";
    } else {
      info.mmsi = 431000000u + static_cast<uint32_t>(id);
      info.name = "VESSEL " + std::to_string(id);
      info.category = "70";
    }
    info.transmits = rng.Uniform() < 0.75;
    world.targets.push_back(std::move(info));
    world.dark_s.push_back(std::numeric_limits<double>::infinity());
    world.trajectories.emplace_back(start, std::move(manoeuvres), kTruthStepS, duration, area);
  }
  FillTargetTimes(world);

  const std::vector<std::string>& pool = RandomLabelPool();
  std::vector<PendingList> per_source;
  for (int s = 0; s < source_count; ++s) {
    SplitMix64 rng(DeriveSeed(seed, kSourceStreamBase + static_cast<uint64_t>(s)));
    const size_t kind = Pick(rng, 3);
    const std::string& label = pool[Pick(rng, pool.size())];
    const double latency = UniformIn(rng, 0.1, 5.0);
    const double jitter = UniformIn(rng, 0.0, 2.0);
    std::vector<char> reports(world.targets.size());
    for (char& r : reports) r = rng.Uniform() < 0.7 ? 1 : 0;
    const std::string id = "s" + std::to_string(s + 1);
    PendingList out;
    Result<SourceDescription> source = InvalidArgument("unset");
    if (kind == 0) {
      const double period = static_cast<double>(1 + Pick(rng, 10));
      source = Describe(id + "-self", model::SourceKind::kSimulation,
                        model::ObservationKind::kSelfReport, label,
                        "random self reports with identity", latency, jitter, period);
      assert(source.ok() && "the random label pool parses");
      if (!source.ok()) continue;
      SelfReportSpec spec{.sensor = id,
                          .period_s = period,
                          .reception = UniformIn(rng, 0.8, 1.0),
                          .sigma_horizontal_m = UniformIn(rng, 10.0, 50.0),
                          .sigma_velocity_mps = 0.5,
                          .reports = reports};
      GenerateSelfReports(world, source.value(), spec, rng, out);
    } else if (kind == 1) {
      const double period = static_cast<double>(2 + Pick(rng, 9));
      source =
          Describe(id + "-radar", model::SourceKind::kAsterix, model::ObservationKind::kDetection,
                   label, "random 2-D radar plots", latency, jitter, period);
      assert(source.ok() && "the random label pool parses");
      if (!source.ok()) continue;
      const double bearing = rng.Uniform() * 2.0 * kPi;
      const double distance = UniformIn(rng, 20000.0, 40000.0);
      geo::Lla site = Displace(centre, distance * std::sin(bearing), distance * std::cos(bearing));
      site.altitude_m = 100.0;
      RadarSpec spec{.sensor = id,
                     .site = site,
                     .period_s = period,
                     .phase_s = rng.Uniform() * period,
                     .surface_range_m = 90000.0,
                     .air_range_m = 90000.0,
                     .pd = UniformIn(rng, 0.7, 0.95),
                     .range_sigma_m = UniformIn(rng, 20.0, 80.0),
                     .azimuth_sigma_deg = UniformIn(rng, 0.1, 0.3),
                     .clutter_mean = UniformIn(rng, 0.0, 3.0)};
      const Status status = GenerateRadar(world, source.value(), spec, rng, out);
      assert(status.ok());
      (void)status;
    } else {
      const double period = static_cast<double>(2 + Pick(rng, 5));
      source = Describe(id + "-tracks", model::SourceKind::kPartner,
                        model::ObservationKind::kSystemTrack, label,
                        "random system tracks with track numbers", latency, jitter, period);
      assert(source.ok() && "the random label pool parses");
      if (!source.ok()) continue;
      TrackSpec spec{.sensor = id,
                     .period_s = period,
                     .sigma_horizontal_m = UniformIn(rng, 50.0, 200.0),
                     .initiation_delay_s = 0.0,
                     .initiation_jitter_s = 10.0,
                     .first_track_number = static_cast<uint32_t>(100 * (s + 1) + 1),
                     .reports = reports};
      GenerateTracks(world, source.value(), spec, rng, out);
    }
    ApplyLatency(source.value(), rng, out);
    scenario.sources.push_back(std::move(source).value());
    per_source.push_back(std::move(out));
  }

  constexpr std::array<const char*, 4> kClearances = {"UNCLASSIFIED", "CONFIDENTIAL", "SECRET",
                                                      "TOP SECRET"};
  constexpr std::array<const char*, 3> kNations = {"USA", "JPN", "AUS"};
  for (int a = 0; a < 4; ++a) {
    std::string json = std::string(R"({"clearance":")") + kClearances[Pick(plan, 4)] +
                       R"(","nationality":")" + kNations[Pick(plan, 3)] + "\"";
    if (plan.Uniform() < 0.3) json += R"(,"caveats":["MDA"])";
    json += "}";
    Result<Audience> audience = MakeAudience("audience-" + std::to_string(a + 1), json);
    assert(audience.ok() && "generated users parse");
    if (audience.ok()) scenario.audiences.push_back(std::move(audience).value());
  }

  FillTruth(world, kTruthStepS, scenario);
  Assemble(scenario.start, per_source, scenario);
  scenario.targets = std::move(world.targets);
  return scenario;
}

// ---------------------------------------------------------------------------------------

Result<MultiSourceScenario> BuiltinMultiSource(std::string_view name, uint64_t seed) {
  BilateralOptions options;
  options.seed = seed;
  if (name == "kyushu-okinawa") return GenerateBilateral(options);
  if (name == "kyushu-okinawa-small") {
    options.name = "kyushu-okinawa-small";
    options.ships = 30;
    options.aircraft = 10;
    options.duration_s = 600;
    return GenerateBilateral(options);
  }
  return NotFound("multi-source scenario '" + std::string(name) +
                  "': unknown (built-ins: kyushu-okinawa, kyushu-okinawa-small)");
}

std::vector<std::string> BuiltinMultiSourceNames() {
  return {"kyushu-okinawa", "kyushu-okinawa-small"};
}

}  // namespace biac::sim
