#include "biac/formats/ais/observation.h"

#include <cmath>
#include <numbers>
#include <utility>

namespace biac::formats::ais {
namespace {

constexpr double kMetresPerNauticalMile = 1852.0;  // also one minute of latitude
constexpr double kKnotsToMps = kMetresPerNauticalMile / 3600.0;
constexpr double kDegToRad = std::numbers::pi / 180.0;
constexpr double kMinutesPerDegree = 60.0;
constexpr double kUniformVarianceDivisor = 12.0;  // variance of a uniform step: step^2 / 12

// Raw position units per degree: 1/10 000 min (types 1-4, 9, 11, 18, 19, 21) and 1/10 min
// (type 27); "not available" is 181 deg east / 91 deg north (M.1371-5 Table 45).
constexpr double kFineUnitsPerDegree = 600000.0;
constexpr double kCoarseUnitsPerDegree = 600.0;
constexpr double kLonNotAvailableDeg = 181.0;
constexpr double kLatNotAvailableDeg = 91.0;
constexpr double kMaxLatDeg = 90.0;
constexpr double kMaxLonDeg = 180.0;

// Sentinels (M.1371-5 Tables 45, 54, 72).
constexpr unsigned kSogTenthsLimit = 1022;    // 1022 = 102.2 kn or more, 1023 = n/a
constexpr unsigned kCogTenthsNotAvailable = 3600;
constexpr unsigned kSarSpeedLimit = 1022;     // 1022 = 1022 kn or more, 1023 = n/a
constexpr unsigned kSarAltHigh = 4094;        // 4094 = 4094 m or higher, 4095 = n/a
constexpr unsigned kLongRangeSpeedNotAvailable = 63;
constexpr unsigned kLongRangeCourseNotAvailable = 511;
constexpr unsigned kSecondNotAvailable = 60;

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kNanosPerMinute = 60 * kNanosPerSecond;
// How far a receiver clock may run behind the transmitter's UTC second.
constexpr int64_t kClockToleranceNanos = 5 * kNanosPerSecond;

// What a position report says, in one shape for all report types.
struct Kinematics {
  int32_t lon = 0;
  int32_t lat = 0;
  double units_per_degree = kFineUnitsPerDegree;
  bool accuracy = false;
  bool raim = false;
  unsigned second = kSecondNotAvailable;
  std::optional<double> speed_kn;
  std::optional<double> course_deg;
  double speed_step_kn = 0.1;
  double course_step_deg = 0.1;
  std::optional<double> altitude_m;
  std::string category;
};

std::optional<double> TenthsSpeed(unsigned tenths) {
  if (tenths >= kSogTenthsLimit) return std::nullopt;
  return tenths / 10.0;
}
std::optional<double> TenthsCourse(unsigned tenths) {
  if (tenths >= kCogTenthsNotAvailable) return std::nullopt;
  return tenths / 10.0;
}

std::string ShipCategory(unsigned shiptype) { return "shiptype:" + std::to_string(shiptype); }

std::optional<Kinematics> ExtractKinematics(const Message& m) {
  Kinematics k;
  if (const auto* b = std::get_if<PositionReportA>(&m.body)) {
    k.lon = b->lon;
    k.lat = b->lat;
    k.accuracy = b->accuracy;
    k.raim = b->raim;
    k.second = b->second;
    k.speed_kn = TenthsSpeed(b->speed);
    k.course_deg = TenthsCourse(b->course);
  } else if (const auto* b = std::get_if<PositionReportB>(&m.body)) {
    k.lon = b->lon;
    k.lat = b->lat;
    k.accuracy = b->accuracy;
    k.raim = b->raim;
    k.second = b->second;
    k.speed_kn = TenthsSpeed(b->speed);
    k.course_deg = TenthsCourse(b->course);
  } else if (const auto* b = std::get_if<ExtendedReportB>(&m.body)) {
    k.lon = b->lon;
    k.lat = b->lat;
    k.accuracy = b->accuracy;
    k.raim = b->raim;
    k.second = b->second;
    k.speed_kn = TenthsSpeed(b->speed);
    k.course_deg = TenthsCourse(b->course);
  } else if (const auto* b = std::get_if<SarAircraftReport>(&m.body)) {
    k.lon = b->lon;
    k.lat = b->lat;
    k.accuracy = b->accuracy;
    k.raim = b->raim;
    k.second = b->second;
    if (b->speed < kSarSpeedLimit) k.speed_kn = b->speed;
    k.speed_step_kn = 1.0;
    k.course_deg = TenthsCourse(b->course);
    if (b->alt < kSarAltHigh) k.altitude_m = b->alt;
    k.category = "sar_aircraft";
  } else if (const auto* b = std::get_if<LongRangeReport>(&m.body)) {
    k.lon = b->lon;
    k.lat = b->lat;
    k.units_per_degree = kCoarseUnitsPerDegree;
    k.accuracy = b->accuracy;
    k.raim = b->raim;
    if (b->speed != kLongRangeSpeedNotAvailable) k.speed_kn = b->speed;
    if (b->course < kLongRangeCourseNotAvailable) k.course_deg = b->course;
    k.speed_step_kn = 1.0;
    k.course_step_deg = 1.0;
  } else if (const auto* b = std::get_if<BaseStationReport>(&m.body)) {
    if (m.type != 4) return std::nullopt;  // type 11 answers an inquiry; not a station report
    k.lon = b->lon;
    k.lat = b->lat;
    k.accuracy = b->accuracy;
    k.raim = b->raim;
    k.second = b->second;
    k.category = "base_station";
  } else if (const auto* b = std::get_if<AidToNavigation>(&m.body)) {
    k.lon = b->lon;
    k.lat = b->lat;
    k.accuracy = b->accuracy;
    k.raim = b->raim;
    k.second = b->second;
    k.category = "aton:" + std::to_string(b->aid_type);
  } else {
    return std::nullopt;
  }
  return k;
}

}  // namespace

Timestamp RefineWithUtcSecond(Timestamp receive, unsigned second) {
  if (second >= kSecondNotAvailable) return receive;
  const int64_t t = receive.nanos();
  int64_t in_minute = t % kNanosPerMinute;
  if (in_minute < 0) in_minute += kNanosPerMinute;
  // The fix is at <some minute> + second; pick the minute for which receive - fix lies in
  // [-tolerance, 60 s - tolerance).
  int64_t back = in_minute - static_cast<int64_t>(second) * kNanosPerSecond;
  if (back < -kClockToleranceNanos) back += kNanosPerMinute;
  if (back >= kNanosPerMinute - kClockToleranceNanos) back -= kNanosPerMinute;
  return Timestamp::FromNanos(t - back);
}

ObservationMapper::ObservationMapper(ObservationOptions options) : options_(std::move(options)) {}

const StaticInfo* ObservationMapper::Find(uint32_t mmsi) const {
  const auto it = static_.find(mmsi);
  return it == static_.end() ? nullptr : &it->second;
}

void ObservationMapper::Remember(const Message& m) {
  if (const auto* b = std::get_if<StaticVoyageData>(&m.body)) {
    StaticInfo& info = static_[m.mmsi];
    info.name = std::string(b->shipname.view());
    info.callsign = std::string(b->callsign.view());
    info.imo = b->imo;
    info.shiptype = b->shiptype;
  } else if (const auto* b = std::get_if<ExtendedReportB>(&m.body)) {
    StaticInfo& info = static_[m.mmsi];
    info.name = std::string(b->shipname.view());
    info.shiptype = b->shiptype;
  } else if (const auto* b = std::get_if<StaticDataReport>(&m.body)) {
    StaticInfo& info = static_[m.mmsi];
    if (b->has_a) info.name = std::string(b->shipname.view());
    if (b->has_b) {
      info.callsign = std::string(b->callsign.view());
      info.shiptype = b->shiptype;
    }
  }
}

std::optional<model::Observation> ObservationMapper::Map(const DecodedMessage& decoded,
                                                         Timestamp receive_time) {
  const Timestamp time = decoded.tag.time ? *decoded.tag.time : receive_time;
  return Map(decoded.message, time, decoded.tag.source.view());
}

std::optional<model::Observation> ObservationMapper::Map(const Message& m,
                                                         Timestamp receive_time,
                                                         std::string_view station) {
  Remember(m);
  const std::optional<Kinematics> k = ExtractKinematics(m);
  if (!k) return std::nullopt;
  const double lon_deg = k->lon / k->units_per_degree;
  const double lat_deg = k->lat / k->units_per_degree;
  if (lon_deg == kLonNotAvailableDeg || lat_deg == kLatNotAvailableDeg) return std::nullopt;
  if (std::abs(lat_deg) > kMaxLatDeg || std::abs(lon_deg) > kMaxLonDeg) return std::nullopt;

  model::Observation obs;
  obs.time = RefineWithUtcSecond(receive_time, k->second);
  obs.source = options_.source.id;
  obs.label = options_.source.label;
  obs.sensor = station.empty() ? options_.sensor : std::string(station);
  obs.source_kind = model::SourceKind::kAis;
  obs.kind = model::ObservationKind::kSelfReport;
  obs.position.latitude_deg = lat_deg;
  obs.position.longitude_deg = lon_deg;

  // Position covariance: accuracy class, RAIM margin, wire quantisation.
  double sigma = k->accuracy ? options_.high_accuracy_sigma_m : options_.low_accuracy_sigma_m;
  if (!k->raim) sigma *= options_.no_raim_factor;
  const double step_north_m = kMetresPerNauticalMile * kMinutesPerDegree / k->units_per_degree;
  const double step_east_m = step_north_m * std::cos(lat_deg * kDegToRad);
  obs.position_covariance(0, 0) =
      sigma * sigma + step_east_m * step_east_m / kUniformVarianceDivisor;
  obs.position_covariance(1, 1) =
      sigma * sigma + step_north_m * step_north_m / kUniformVarianceDivisor;
  if (k->altitude_m) {
    obs.has_altitude = true;
    obs.position.altitude_m = *k->altitude_m;
    const double sigma_up = options_.vertical_factor * sigma;
    obs.position_covariance(2, 2) = sigma_up * sigma_up;
  }

  // Velocity from SOG/COG.
  if (k->speed_kn && k->course_deg) {
    const double speed = *k->speed_kn * kKnotsToMps;
    const double course = *k->course_deg * kDegToRad;
    obs.velocity_enu = Eigen::Vector3d(speed * std::sin(course), speed * std::cos(course), 0.0);
    if (*k->speed_kn < options_.min_speed_for_course_kn) {
      const double s = options_.slow_velocity_sigma_mps;
      obs.velocity_covariance(0, 0) = s * s;
      obs.velocity_covariance(1, 1) = s * s;
    } else {
      const double speed_step = k->speed_step_kn * kKnotsToMps;
      const double course_step = k->course_step_deg * kDegToRad;
      const double sigma_speed = options_.sog_sigma_kn * kKnotsToMps;
      const double sigma_course = options_.cog_sigma_deg * kDegToRad;
      const double var_speed =
          sigma_speed * sigma_speed + speed_step * speed_step / kUniformVarianceDivisor;
      const double var_course =
          sigma_course * sigma_course + course_step * course_step / kUniformVarianceDivisor;
      // J = d(vE, vN)/d(speed, course) = [[sin c, v cos c], [cos c, -v sin c]].
      Eigen::Matrix2d jacobian;
      jacobian << std::sin(course), speed * std::cos(course), std::cos(course),
          -speed * std::sin(course);
      const Eigen::Matrix2d polar = Eigen::Vector2d(var_speed, var_course).asDiagonal();
      obs.velocity_covariance.topLeftCorner<2, 2>() = jacobian * polar * jacobian.transpose();
    }
  }

  obs.identity.mmsi = m.mmsi;
  obs.identity.category = k->category;
  if (const auto* a = std::get_if<AidToNavigation>(&m.body)) {
    obs.identity.name = std::string(a->name.view());
  }
  if (const StaticInfo* info = Find(m.mmsi)) {
    obs.identity.name = info->name;
    obs.identity.callsign = info->callsign;
    if (info->imo != 0) obs.identity.imo = info->imo;
    if (k->category.empty()) obs.identity.category = ShipCategory(info->shiptype);
  }
  return obs;
}

}  // namespace biac::formats::ais
