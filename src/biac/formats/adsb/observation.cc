#include "biac/formats/adsb/observation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace biac::formats::adsb {
namespace {

constexpr double kMetresPerFoot = 0.3048;
constexpr double kMpsPerKnot = 1852.0 / 3600.0;
constexpr double kMpsPerFpm = kMetresPerFoot / 60.0;
constexpr double kAltitudeStepFt = 25.0;
// GVA (DO-260B 2.2.3.2.7.2.8): 95% vertical bounds in metres for values 1 and 2.
constexpr double kGvaBoundM[3] = {0.0, 150.0, 45.0};

double UniformSigma(double step) { return step / std::sqrt(12.0); }

}  // namespace

ObservationMapper::ObservationMapper(ObservationOptions options) : options_(std::move(options)) {}

ObservationMapper::Aircraft& ObservationMapper::Lookup(uint32_t icao, Timestamp time) {
  auto it = aircraft_.find(icao);
  if (it == aircraft_.end()) {
    if (options_.max_aircraft > 0 && aircraft_.size() >= options_.max_aircraft) {
      auto oldest = aircraft_.begin();
      for (auto a = aircraft_.begin(); a != aircraft_.end(); ++a) {
        if (a->second.last_seen < oldest->second.last_seen) oldest = a;
      }
      aircraft_.erase(oldest);
    }
    it = aircraft_.emplace(icao, Aircraft{}).first;
  }
  it->second.last_seen = time;
  return it->second;
}

std::optional<model::Observation> ObservationMapper::Map(const Message& m, Timestamp time,
                                                         const PositionUpdate* position) {
  // Only replies whose address is verified by parity (DF11/17/18) or recovered from it by
  // an aircraft that is known from those carry identity into the state.
  if (m.parity == ParityKind::kParityOnly && !m.crc_valid) return std::nullopt;
  const bool known = aircraft_.contains(m.icao);
  if (m.parity == ParityKind::kAddressParity && !known) return std::nullopt;
  Aircraft& a = Lookup(m.icao, time);
  if (m.squawk) {
    // Squawk digits back to the 12-bit A4..D1 form.
    const uint16_t s = *m.squawk;
    a.mode3a = static_cast<uint16_t>((s / 1000 % 10) << 9 | (s / 100 % 10) << 6 |
                                     (s / 10 % 10) << 3 | (s % 10));
  }
  if (m.is_commb_identification() && m.identification.callsign[0] != '\0') {
    a.callsign = m.identification.callsign.data();  // Comm-B register 2,0
  }
  switch (m.me_kind) {
    case MeKind::kIdentification:
      a.callsign = m.identification.callsign.data();
      a.category = std::string(EmitterCategoryName(m.identification));
      break;
    case MeKind::kOperationalStatus:
      a.has_operational_status = true;
      a.version = m.operational_status.version;
      a.nac_p = m.operational_status.nac_p;
      a.nic_a = m.operational_status.nic_a;
      if (m.operational_status.subtype == 1)
        a.nic_c = m.operational_status.nic_c;
      else
        a.gva = m.operational_status.gva;
      break;
    case MeKind::kTargetState:
      if (m.target_state.subtype == 1) a.nac_p = m.target_state.nac_p;
      break;
    case MeKind::kVelocity:
      a.velocity = m.velocity;
      a.velocity_time = time;
      break;
    default:
      break;
  }
  if (!m.has_position() || position == nullptr || !position->decoded()) return std::nullopt;

  model::Observation obs;
  obs.time = time;
  obs.source = options_.source.id;
  obs.sensor = options_.sensor;
  obs.label = options_.source.label;
  obs.source_kind = model::SourceKind::kAdsb;
  obs.kind = model::ObservationKind::kSelfReport;
  obs.position.latitude_deg = position->position.lat_deg;
  obs.position.longitude_deg = position->position.lon_deg;

  // Horizontal accuracy: NACp, else NUCp (version 0) or NIC's Rc (versions 1, 2).
  std::optional<double> bound = NacpEpuM(a.nac_p);
  if (!bound) {
    const bool surface = m.me_kind == MeKind::kSurfacePosition;
    const uint8_t nic_b = surface ? 0 : m.airborne.nic_b;
    if (a.has_operational_status && a.version >= 1) {
      bound = NicContainmentRadiusM(m.typecode, 0, a.nic_a, nic_b, a.nic_c);
    } else {
      bound = NucpRcuM(NucP(m.typecode));
    }
  }
  const double sigma_h = bound.value_or(options_.unknown_epu_m) / kHorizontal95ToSigma;
  obs.position_covariance(0, 0) = sigma_h * sigma_h;
  obs.position_covariance(1, 1) = sigma_h * sigma_h;

  const bool velocity_fresh = a.velocity && std::fabs(time.seconds() - a.velocity_time.seconds()) <=
                                                options_.max_velocity_age_s;
  if (m.me_kind == MeKind::kAirbornePosition && m.altitude_ft) {
    double sigma_v = options_.baro_altitude_sigma_m;
    double altitude_ft = *m.altitude_ft;
    if (m.altitude_source == AltitudeSource::kGnss) {
      sigma_v = (a.gva >= 1 && a.gva <= 2 ? kGvaBoundM[a.gva] : kGvaBoundM[1]) / kVertical95ToSigma;
    } else if (velocity_fresh && a.velocity->geo_minus_baro_ft) {
      altitude_ft += *a.velocity->geo_minus_baro_ft;
      sigma_v = std::sqrt(2.0) * UniformSigma(kAltitudeStepFt * kMetresPerFoot);
    }
    obs.has_altitude = true;
    obs.position.altitude_m = altitude_ft * kMetresPerFoot;
    obs.position_covariance(2, 2) = sigma_v * sigma_v;
  }

  if (m.me_kind == MeKind::kSurfacePosition) {
    // The surface squitter carries its own speed and track.
    if (m.surface.groundspeed_kt && m.surface.track_valid) {
      const double speed = *m.surface.groundspeed_kt * kMpsPerKnot;
      const double track = m.surface.track_deg * std::numbers::pi / 180.0;
      obs.velocity_enu = Eigen::Vector3d(speed * std::sin(track), speed * std::cos(track), 0.0);
      const double s = options_.unknown_velocity_bound_mps / kHorizontal95ToSigma;
      obs.velocity_covariance.diagonal() << s * s, s * s, 0.0;
    }
  } else if (velocity_fresh && a.velocity->east_kt && a.velocity->north_kt) {
    const Velocity& v = *a.velocity;
    Eigen::Vector3d enu(*v.east_kt * kMpsPerKnot, *v.north_kt * kMpsPerKnot, 0.0);
    const double sh = NacvHorizontalMps(v.nac_v).value_or(options_.unknown_velocity_bound_mps) /
                      kHorizontal95ToSigma;
    double sv = 0.0;
    if (v.vertical_rate_fpm) {
      enu.z() = *v.vertical_rate_fpm * kMpsPerFpm;
      obs.has_vertical_velocity = true;
      sv = NacvVerticalMps(v.nac_v).value_or(options_.unknown_velocity_bound_mps) /
           kVertical95ToSigma;
    }
    obs.velocity_enu = enu;
    obs.velocity_covariance.diagonal() << sh * sh, sh * sh, sv * sv;
  }

  obs.identity.icao_address = m.icao;
  obs.identity.callsign = a.callsign;
  obs.identity.category = a.category;
  obs.identity.mode3a = a.mode3a;
  return obs;
}

}  // namespace biac::formats::adsb

namespace biac::formats::adsb {
namespace {

constexpr uint32_t kNonIcaoKeyBit = 1u << 24;  // keeps "~abc123" apart from ICAO abc123
constexpr uint8_t kSbsSurfacePosition = 2, kSbsAirbornePosition = 3, kSbsVelocity = 4;

// Squawk digits (7700) to the 12-bit A4..D1 value.
uint16_t SquawkToMode3a(uint16_t s) {
  return static_cast<uint16_t>((s / 1000 % 10) << 9 | (s / 100 % 10) << 6 | (s / 10 % 10) << 3 |
                               (s % 10));
}

// East and north components of a speed along a track (clockwise from true north).
void SpeedTrackToEn(double speed_mps, double track_deg, double& east, double& north) {
  const double track = track_deg * std::numbers::pi / 180.0;
  east = speed_mps * std::sin(track);
  north = speed_mps * std::cos(track);
}

}  // namespace

SbsObservationMapper::SbsObservationMapper(SbsObservationOptions options)
    : options_(std::move(options)) {
  aircraft_.reserve(options_.max_aircraft);
}

SbsObservationMapper::Aircraft& SbsObservationMapper::Lookup(uint32_t key, Timestamp time) {
  auto it = aircraft_.find(key);
  if (it == aircraft_.end()) {
    if (options_.max_aircraft > 0 && aircraft_.size() >= options_.max_aircraft) {
      // One sweep drops every stale aircraft, and at least the least recently heard one.
      auto oldest = aircraft_.end();
      for (auto a = aircraft_.begin(); a != aircraft_.end();) {
        if (ToSeconds(time - a->second.last_seen) > options_.stale_after_s) {
          a = aircraft_.erase(a);
          continue;
        }
        if (oldest == aircraft_.end() || a->second.last_seen < oldest->second.last_seen) {
          oldest = a;
        }
        ++a;
      }
      if (aircraft_.size() >= options_.max_aircraft && oldest != aircraft_.end()) {
        aircraft_.erase(oldest);
      }
    }
    it = aircraft_.emplace(key, Aircraft{}).first;
  }
  it->second.last_seen = time;
  return it->second;
}

std::optional<model::Observation> SbsObservationMapper::Map(const SbsMessage& m, Timestamp time) {
  if (m.type != SbsType::kMsg || !m.icao) return std::nullopt;
  if (m.time_generated_s) time = Timestamp::FromSeconds(*m.time_generated_s);
  const uint32_t key = *m.icao | (m.non_icao ? kNonIcaoKeyBit : 0u);
  Aircraft& a = Lookup(key, time);
  if (!m.callsign.empty()) {
    const size_t n = std::min(m.callsign.size(), kCallsignChars);
    std::copy_n(m.callsign.begin(), n, a.callsign.begin());
    a.callsign[n] = '\0';
  }
  if (m.squawk) a.mode3a = SquawkToMode3a(*m.squawk);
  if (m.transmission_type == kSbsVelocity && m.groundspeed_kt && m.track_deg) {
    a.has_velocity = true;
    SpeedTrackToEn(*m.groundspeed_kt * kMpsPerKnot, *m.track_deg, a.east_mps, a.north_mps);
    a.up_mps.reset();
    if (m.vertical_rate_fpm) a.up_mps = *m.vertical_rate_fpm * kMpsPerFpm;
    a.velocity_time = time;
  }
  const bool surface = m.transmission_type == kSbsSurfacePosition;
  if (!(surface || m.transmission_type == kSbsAirbornePosition) || !m.lat_deg || !m.lon_deg) {
    return std::nullopt;
  }

  model::Observation obs;
  obs.time = time;
  obs.source = options_.source.id;
  obs.sensor = options_.sensor;
  obs.label = options_.source.label;
  obs.source_kind = model::SourceKind::kAdsb;
  obs.kind = model::ObservationKind::kSelfReport;
  obs.position.latitude_deg = *m.lat_deg;
  obs.position.longitude_deg = *m.lon_deg;
  const double sigma_h = options_.position_epu_m / kHorizontal95ToSigma;
  obs.position_covariance(0, 0) = sigma_h * sigma_h;
  obs.position_covariance(1, 1) = sigma_h * sigma_h;
  if (!surface && m.altitude_ft) {
    const double sigma_v = m.altitude_gnss ? options_.gnss_altitude_bound_m / kVertical95ToSigma
                                           : options_.baro_altitude_sigma_m;
    obs.has_altitude = true;
    obs.position.altitude_m = *m.altitude_ft * kMetresPerFoot;
    obs.position_covariance(2, 2) = sigma_v * sigma_v;
  }

  const double sh = options_.velocity_bound_mps / kHorizontal95ToSigma;
  if (surface) {
    // dump1090's MSG,2 carries the surface squitter's own speed and track.
    if (m.groundspeed_kt && m.track_deg) {
      double east = 0, north = 0;
      SpeedTrackToEn(*m.groundspeed_kt * kMpsPerKnot, *m.track_deg, east, north);
      obs.velocity_enu = Eigen::Vector3d(east, north, 0.0);
      obs.velocity_covariance.diagonal() << sh * sh, sh * sh, 0.0;
    }
  } else if (a.has_velocity &&
             std::fabs(ToSeconds(time - a.velocity_time)) <= options_.max_velocity_age_s) {
    obs.velocity_enu = Eigen::Vector3d(a.east_mps, a.north_mps, a.up_mps.value_or(0.0));
    double sv = 0.0;
    if (a.up_mps) {
      obs.has_vertical_velocity = true;
      sv = options_.velocity_bound_mps / kVertical95ToSigma;
    }
    obs.velocity_covariance.diagonal() << sh * sh, sh * sh, sv * sv;
  }

  if (m.non_icao) {
    obs.identity.uid = fmt::format("~{:06x}", *m.icao);
  } else {
    obs.identity.icao_address = *m.icao;
  }
  obs.identity.callsign = a.callsign.data();
  obs.identity.mode3a = a.mode3a;
  return obs;
}

}  // namespace biac::formats::adsb
