#include "biac/formats/asterix/observations.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <string>

#include "biac/geo/local_frame.h"

namespace biac::formats::asterix {

namespace {

constexpr double kMetresPerNm = 1852.0;
constexpr double kMetresPerFoot = 0.3048;
constexpr double kFeetPerFlightLevel = 100.0;
constexpr double kSecondsPerMinute = 60.0;
constexpr double kDegToRad = std::numbers::pi / 180.0;
// Mean Earth radius for the slant-range-to-elevation geometry of a radar plot (a spherical
// Earth; the error against the ellipsoid is far below a radar's range noise).
constexpr double kEarthRadiusM = 6371000.0;
// Radius of the 95 % circle of a circular 2-D Gaussian in sigmas: sqrt(-2 ln 0.05).
constexpr double kCircular95Sigmas = 2.447746830680816;
// I021/090 NACp bounds (DO-260B table 2-70, EPU < bound), index = NACp, 0 = unknown.
constexpr std::array<double, 12> kNacpBoundM = {0.0,
                                                10.0 * kMetresPerNm,
                                                4.0 * kMetresPerNm,
                                                2.0 * kMetresPerNm,
                                                1.0 * kMetresPerNm,
                                                0.5 * kMetresPerNm,
                                                0.3 * kMetresPerNm,
                                                0.1 * kMetresPerNm,
                                                0.05 * kMetresPerNm,
                                                30.0,
                                                10.0,
                                                3.0};
// NUCp bounds (DO-260A table 2-14, HFOM), index = NUCp, 0 = unknown.
constexpr std::array<double, 10> kNucpBoundM = {0.0,
                                                10.0 * kMetresPerNm,
                                                5.0 * kMetresPerNm,
                                                1.0 * kMetresPerNm,
                                                0.5 * kMetresPerNm,
                                                0.25 * kMetresPerNm,
                                                0.1 * kMetresPerNm,
                                                0.05 * kMetresPerNm,
                                                10.0,
                                                3.0};

constexpr uint8_t kCat021 = 21;
constexpr uint8_t kCat048 = 48;
constexpr uint8_t kCat062 = 62;

const SensorSite* FindSite(const ObservationOptions& options, uint8_t sac, uint8_t sic) {
  for (const SensorSite& s : options.sites) {
    if (s.sac == sac && s.sic == sic) return &s;
  }
  return nullptr;
}

std::string SensorName(uint8_t sac, uint8_t sic) {
  return "SAC " + std::to_string(sac) + " SIC " + std::to_string(sic);
}

model::Observation Base(const ObservationOptions& options) {
  model::Observation o;
  o.source = options.source.id;
  o.label = options.source.label;
  o.source_kind = model::SourceKind::kAsterix;
  return o;
}

Timestamp TimeOfDay(const ObservationOptions& options, double seconds) {
  return options.date + FromSeconds(seconds);
}

// Velocity (east, north) from ground speed and heading clockwise from north.
Eigen::Vector3d PolarVelocity(double speed_mps, double heading_deg) {
  return {speed_mps * std::sin(heading_deg * kDegToRad),
          speed_mps * std::cos(heading_deg * kDegToRad), 0.0};
}

void SetIdentity(model::Identity& id, const RecordView& r, std::string_view mode3a_item,
                 std::string_view address_item, std::string_view address_sub,
                 std::string_view callsign_item, std::string_view callsign_sub) {
  if (const auto m = Raw(r, mode3a_item, "", "MODE3A")) id.mode3a = static_cast<uint16_t>(*m);
  if (const auto a = Raw(r, address_item, address_sub, "")) {
    id.icao_address = static_cast<uint32_t>(*a);
  }
  id.callsign = Text(r, callsign_item, callsign_sub, "");
}

Result<model::Observation> Cat048(const RecordView& r, const ObservationOptions& options) {
  model::Observation o = Base(options);
  o.kind = model::ObservationKind::kDetection;
  const auto sac = Raw(r, "010", "", "SAC");
  const auto sic = Raw(r, "010", "", "SIC");
  const auto tod = Numeric(r, "140", "", "");
  if (!sac || !sic) return InvalidArgument("CAT048 record without I048/010");
  if (!tod) return InvalidArgument("CAT048 record without I048/140 time of day");
  const auto sac8 = static_cast<uint8_t>(*sac);
  const auto sic8 = static_cast<uint8_t>(*sic);
  o.sensor = SensorName(sac8, sic8);
  o.time = TimeOfDay(options, *tod);
  const SensorSite* site = FindSite(options, sac8, sic8);
  if (site == nullptr) {
    return NotFound("CAT048: no radar position configured for " + o.sensor);
  }
  BIAC_ASSIGN_OR_RETURN(const geo::LocalFrame radar, geo::LocalFrame::Create(site->position));
  model::SensorRelative rel;
  rel.sensor_position = site->position;
  rel.range_sigma_m = options.range_sigma_m;
  rel.azimuth_sigma_deg = options.azimuth_sigma_deg;

  // I048/090 flight level gives the height (pressure altitude used as geometric: a
  // documented approximation) from which the slant range's elevation follows.
  const auto fl = Numeric(r, "090", "", "FL");
  const auto rho = Numeric(r, "040", "", "RHO");
  const auto theta = Numeric(r, "040", "", "THETA");
  const auto x = Numeric(r, "042", "", "X");
  const auto y = Numeric(r, "042", "", "Y");
  Eigen::Vector3d enu;
  Eigen::Matrix3d cov = Eigen::Matrix3d::Zero();
  if (rho && theta) {
    const double range = *rho * kMetresPerNm;
    const double az = *theta * kDegToRad;
    double elevation = 0.0;
    if (fl && range > 0.0) {
      const double h = *fl * kFeetPerFlightLevel * kMetresPerFoot;
      const double rs = kEarthRadiusM + site->position.altitude_m;
      const double rt = kEarthRadiusM + h;
      const double sin_el = (rt * rt - rs * rs - range * range) / (2.0 * rs * range);
      elevation = std::asin(std::clamp(sin_el, -1.0, 1.0));
    }
    const double ground = range * std::cos(elevation);
    enu = {ground * std::sin(az), ground * std::cos(az), range * std::sin(elevation)};
    // Polar noise to east/north: J = d(e, n)/d(r, az).
    Eigen::Matrix2d jac;
    jac << std::sin(az), ground * std::cos(az), std::cos(az), -ground * std::sin(az);
    Eigen::Matrix2d polar = Eigen::Matrix2d::Zero();
    polar(0, 0) = options.range_sigma_m * options.range_sigma_m;
    const double az_sigma = options.azimuth_sigma_deg * kDegToRad;
    polar(1, 1) = az_sigma * az_sigma;
    cov.topLeftCorner<2, 2>() = jac * polar * jac.transpose();
    rel.range_m = range;
    rel.azimuth_deg = *theta;
  } else if (x && y) {
    enu = {*x * kMetresPerNm, *y * kMetresPerNm, 0.0};
    cov(0, 0) = cov(1, 1) = options.range_sigma_m * options.range_sigma_m;
  } else {
    return InvalidArgument("CAT048 record without I048/040 or I048/042 position");
  }
  cov(2, 2) = options.flight_level_sigma_m * options.flight_level_sigma_m;
  BIAC_ASSIGN_OR_RETURN(geo::Lla lla, radar.EnuToLla(geo::Enu::FromVector(enu)));
  if (fl) {
    lla.altitude_m = *fl * kFeetPerFlightLevel * kMetresPerFoot;
    o.has_altitude = true;
  }
  o.position = lla;
  // The covariance was formed in the radar's frame; rotate it into the plot's own frame.
  BIAC_ASSIGN_OR_RETURN(const geo::LocalFrame at, geo::LocalFrame::Create(lla));
  o.position_covariance = at.EcefCovarianceToEnu(radar.EnuCovarianceToEcef(cov));
  o.sensor_relative = rel;

  if (const auto gsp = Numeric(r, "200", "", "GSP")) {
    const auto hdg = Numeric(r, "200", "", "HDG");
    // Ground speed and heading describe horizontal motion at the target: east/north of
    // the plot's own frame.
    o.velocity_enu = PolarVelocity(*gsp * kMetresPerNm, hdg.value_or(0.0));
    // I048/210 track quality: SIGV (NM/s) along track, SIGH (deg) across it.
    const auto sigv = Numeric(r, "210", "", "SIGV");
    const auto sigh = Numeric(r, "210", "", "SIGH");
    if (sigv && sigh) {
      const double along = *sigv * kMetresPerNm;
      const double across = *gsp * kMetresPerNm * *sigh * kDegToRad;
      const Eigen::Vector3d u = o.velocity_enu->normalized();
      const Eigen::Vector3d c(-u.y(), u.x(), 0.0);
      o.velocity_covariance =
          along * along * u * u.transpose() + across * across * c * c.transpose();
    }
  }
  SetIdentity(o.identity, r, "070", "220", "", "240", "");
  if (const auto trn = Raw(r, "161", "", "TRN"))
    o.identity.track_number = static_cast<uint32_t>(*trn);
  return o;
}

Result<model::Observation> Cat021(const RecordView& r, const ObservationOptions& options) {
  model::Observation o = Base(options);
  o.kind = model::ObservationKind::kSelfReport;
  if (const auto sac = Raw(r, "010", "", "SAC")) {
    o.sensor = SensorName(static_cast<uint8_t>(*sac),
                          static_cast<uint8_t>(Raw(r, "010", "", "SIC").value_or(0)));
  }
  // Time of applicability for position (I021/071), else of message reception for position
  // (073), else of reception (077, older editions' I021/030).
  std::optional<double> tod;
  for (const char* item : {"071", "073", "077", "030"}) {
    if (!tod) tod = Numeric(r, item, "", "");
  }
  if (!tod) return InvalidArgument("CAT021 record without a time of day (I021/071, 073, 077)");
  o.time = TimeOfDay(options, *tod);
  auto lat = Numeric(r, "131", "", "LAT");
  auto lon = Numeric(r, "131", "", "LON");
  if (!lat || !lon) {
    lat = Numeric(r, "130", "", "LAT");
    lon = Numeric(r, "130", "", "LON");
  }
  if (!lat || !lon) return InvalidArgument("CAT021 record without I021/130 or 131 position");
  o.position.latitude_deg = *lat;
  o.position.longitude_deg = *lon;
  BIAC_RETURN_IF_ERROR(geo::ValidateLla(o.position));
  double vertical_sigma = options.flight_level_sigma_m;
  // I021/140 geometric height is above the WGS-84 ellipsoid (spec I021/140), in ft.
  if (const auto h = Numeric(r, "140", "", "")) {
    o.position.altitude_m = *h * kMetresPerFoot;
    o.has_altitude = true;
    vertical_sigma = options.flight_level_sigma_m / 2.0;
  } else if (const auto fl = Numeric(r, "145", "", "")) {
    o.position.altitude_m = *fl * kFeetPerFlightLevel * kMetresPerFoot;
    o.has_altitude = true;
  }
  std::optional<double> bound;
  if (const auto nacp = Raw(r, "090", "", "NACP")) bound = NacpBoundM(static_cast<unsigned>(*nacp));
  if (!bound) {
    if (const auto nucp = Raw(r, "090", "", "NUCPNIC")) {
      bound = NucpBoundM(static_cast<unsigned>(*nucp));
    }
  }
  const double sigma = bound ? *bound / kCircular95Sigmas : options.default_position_sigma_m;
  o.position_covariance.diagonal() << sigma * sigma, sigma * sigma, vertical_sigma * vertical_sigma;
  // I021/160 airborne ground vector: GS in NM/s, TA true track angle in degrees.
  if (const auto gs = Numeric(r, "160", "", "GS")) {
    const auto ta = Numeric(r, "160", "", "TA");
    Eigen::Vector3d v = PolarVelocity(*gs * kMetresPerNm, ta.value_or(0.0));
    auto rate = Numeric(r, "157", "", "GVR");
    if (!rate) rate = Numeric(r, "155", "", "BVR");
    if (rate) {
      v.z() = *rate * kMetresPerFoot / kSecondsPerMinute;
      o.has_vertical_velocity = true;
    }
    o.velocity_enu = v;
  }
  SetIdentity(o.identity, r, "070", "080", "", "170", "");
  if (const auto trn = Raw(r, "161", "", "TRNUM"))
    o.identity.track_number = static_cast<uint32_t>(*trn);
  return o;
}

Result<model::Observation> Cat062(const RecordView& r, const ObservationOptions& options) {
  model::Observation o = Base(options);
  o.kind = model::ObservationKind::kSystemTrack;
  const auto sac = Raw(r, "010", "", "SAC");
  const auto sic = Raw(r, "010", "", "SIC");
  if (sac && sic) o.sensor = SensorName(static_cast<uint8_t>(*sac), static_cast<uint8_t>(*sic));
  const auto tod = Numeric(r, "070", "", "");
  if (!tod) return InvalidArgument("CAT062 record without I062/070 time of track information");
  o.time = TimeOfDay(options, *tod);
  const auto lat = Numeric(r, "105", "", "LAT");
  const auto lon = Numeric(r, "105", "", "LON");
  const auto x = Numeric(r, "100", "", "X");
  const auto y = Numeric(r, "100", "", "Y");
  if (lat && lon) {
    o.position.latitude_deg = *lat;
    o.position.longitude_deg = *lon;
    BIAC_RETURN_IF_ERROR(geo::ValidateLla(o.position));
  } else if (x && y) {
    const SensorSite* site =
        sac && sic ? FindSite(options, static_cast<uint8_t>(*sac), static_cast<uint8_t>(*sic))
                   : nullptr;
    if (site == nullptr) {
      return NotFound("CAT062: no system reference point configured for " + o.sensor);
    }
    BIAC_ASSIGN_OR_RETURN(const geo::LocalFrame ref, geo::LocalFrame::Create(site->position));
    BIAC_ASSIGN_OR_RETURN(o.position, ref.EnuToLla(geo::Enu{*x, *y, 0.0}));
  } else {
    return InvalidArgument("CAT062 record without I062/105 or I062/100 position");
  }
  // Altitude: I062/130 geometric (ft), else I062/135 barometric or I062/136 measured FL.
  double vertical_sigma = options.flight_level_sigma_m;
  if (const auto alt = Numeric(r, "130", "", "")) {
    o.position.altitude_m = *alt * kMetresPerFoot;
    o.has_altitude = true;
  } else if (const auto ctb = Numeric(r, "135", "", "CTB")) {
    o.position.altitude_m = *ctb * kFeetPerFlightLevel * kMetresPerFoot;
    o.has_altitude = true;
  } else if (const auto mfl = Numeric(r, "136", "", "")) {
    o.position.altitude_m = *mfl * kFeetPerFlightLevel * kMetresPerFoot;
    o.has_altitude = true;
  }
  // I062/500 estimated accuracies (1 sigma): APC Cartesian (m), APW WGS-84 (deg), COV the
  // XY covariance (m^2, as its signed value), AGA geometric altitude (ft), ATV velocity (m/s).
  double sx = options.default_position_sigma_m;
  double sy = sx;
  double cxy = 0.0;
  if (const auto ax = Numeric(r, "500", "APC", "X")) {
    sx = *ax;
    sy = Numeric(r, "500", "APC", "Y").value_or(sx);
    // COV carries sign(cov_xy) * sqrt(|cov_xy|) in metres (I062/500 subfield #2).
    const double root = Numeric(r, "500", "COV", "").value_or(0.0);
    cxy = std::copysign(root * root, root);
  } else if (const auto alat = Numeric(r, "500", "APW", "LAT")) {
    const double alon = Numeric(r, "500", "APW", "LON").value_or(*alat);
    constexpr double kMetresPerDegree = kEarthRadiusM * kDegToRad;
    sy = *alat * kMetresPerDegree;
    sx = alon * kMetresPerDegree * std::cos(o.position.latitude_deg * kDegToRad);
  }
  if (const auto aga = Numeric(r, "500", "AGA", "")) vertical_sigma = *aga * kMetresPerFoot;
  o.position_covariance << sx * sx, cxy, 0.0, cxy, sy * sy, 0.0, 0.0, 0.0,
      vertical_sigma * vertical_sigma;
  if (const auto vx = Numeric(r, "185", "", "VX")) {
    Eigen::Vector3d v(*vx, Numeric(r, "185", "", "VY").value_or(0.0), 0.0);
    if (const auto roc = Numeric(r, "220", "", "")) {  // ft/min
      v.z() = *roc * kMetresPerFoot / kSecondsPerMinute;
      o.has_vertical_velocity = true;
    }
    o.velocity_enu = v;
    if (const auto tvx = Numeric(r, "500", "ATV", "X")) {
      const double tvy = Numeric(r, "500", "ATV", "Y").value_or(*tvx);
      o.velocity_covariance.diagonal() << *tvx * *tvx, tvy * tvy, 0.0;
    }
  }
  SetIdentity(o.identity, r, "060", "380", "ADR", "380", "ID");
  if (const auto trn = Raw(r, "040", "", "")) o.identity.track_number = static_cast<uint32_t>(*trn);
  return o;
}

}  // namespace

std::optional<double> NacpBoundM(unsigned nacp) {
  if (nacp == 0 || nacp >= kNacpBoundM.size()) return std::nullopt;
  return kNacpBoundM[nacp];
}

std::optional<double> NucpBoundM(unsigned nucp) {
  if (nucp == 0 || nucp >= kNucpBoundM.size()) return std::nullopt;
  return kNucpBoundM[nucp];
}

Result<model::Observation> ToObservation(const RecordView& record,
                                         const ObservationOptions& options) {
  switch (record.edition->category) {
    case kCat048:
      return Cat048(record, options);
    case kCat021:
      return Cat021(record, options);
    case kCat062:
      return Cat062(record, options);
    default:
      return InvalidArgument("CAT" + std::to_string(record.edition->category) +
                             " records do not map to observations");
  }
}

}  // namespace biac::formats::asterix
