#include "biac/formats/adsb/cpr.h"

#include <array>
#include <cmath>
#include <numbers>

namespace biac::formats::adsb {
namespace {

constexpr int kNz = 15;                 // latitude zones per quadrant (A.1.7.2 a)
constexpr double kCprScale = 131072.0;  // 2^17: Nb = 17 bits
constexpr double kAirborneRangeDeg = 360.0;
constexpr double kSurfaceRangeDeg = 90.0;
constexpr int kMaxNl = 4 * kNz - 1;  // 59
constexpr double kDegToRad = std::numbers::pi / 180.0;
constexpr double kMeanEarthRadiusM = 6371008.8;  // IUGG mean radius R1

// Transition latitudes of NL (A.1.7.2 d): NL(lat) = n for lat in [kTransitions[n], next).
// kTransitions[n] is the latitude above which NL drops below n + 1 ... computed once from
// the closed form lat = acos(sqrt((1 - cos(pi / 2NZ)) / (1 - cos(2 pi / n)))).
struct NlTable {
  std::array<double, kMaxNl + 1> boundary{};  // boundary[n]: NL is n below it (n = 2..59)
  NlTable() {
    const double a = 1.0 - std::cos(std::numbers::pi / (2.0 * kNz));
    for (int n = 2; n <= kMaxNl; ++n) {
      boundary[n] =
          std::acos(std::sqrt(a / (1.0 - std::cos(2.0 * std::numbers::pi / n)))) / kDegToRad;
    }
  }
};

const NlTable& Nl() {
  static const NlTable table;
  return table;
}

double Mod(double x, double y) { return x - y * std::floor(x / y); }

double NormaliseLongitude(double lon) {
  lon = Mod(lon + 180.0, 360.0) - 180.0;
  return lon;
}

struct PairLatitudes {
  double even;
  double odd;
};

PairLatitudes PairLat(const CprFields& even, const CprFields& odd, double range) {
  const double dlat_even = range / (4.0 * kNz);
  const double dlat_odd = range / (4.0 * kNz - 1);
  const double yz_even = even.lat / kCprScale;
  const double yz_odd = odd.lat / kCprScale;
  const double j = std::floor(59.0 * yz_even - 60.0 * yz_odd + 0.5);
  return {dlat_even * (Mod(j, 60.0) + yz_even), dlat_odd * (Mod(j, 59.0) + yz_odd)};
}

double PairLon(const CprFields& even, const CprFields& odd, bool odd_is_latest, double lat,
               double range) {
  const int nl = CprNl(lat);
  const double xz_even = even.lon / kCprScale;
  const double xz_odd = odd.lon / kCprScale;
  const double m = std::floor(xz_even * (nl - 1) - xz_odd * nl + 0.5);
  const int ni = std::max(nl - (odd_is_latest ? 1 : 0), 1);
  const double dlon = range / ni;
  return dlon * (Mod(m, ni) + (odd_is_latest ? xz_odd : xz_even));
}

}  // namespace

int CprNl(double lat_deg) {
  const double lat = std::fabs(lat_deg);
  const NlTable& t = Nl();
  // NL decreases with latitude; boundary[n] decreases with n. NL = the largest n with
  // lat < boundary[n], or 1 above boundary[2] (87 degrees).
  if (lat >= t.boundary[2]) return 1;
  int lo = 2, hi = kMaxNl;  // boundary[lo] > lat holds
  if (lat < t.boundary[kMaxNl]) return kMaxNl;
  while (hi - lo > 1) {  // invariant: boundary[lo] > lat >= boundary[hi]
    const int mid = (lo + hi) / 2;
    if (t.boundary[mid] > lat) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return lo;
}

std::string_view CprErrorName(CprError error) {
  switch (error) {
    case CprError::kNone:
      return "ok";
    case CprError::kLatitudeOutOfRange:
      return "CPR pair resolves outside +-90 degrees latitude";
    case CprError::kZoneStraddle:
      return "CPR pair straddles a longitude zone boundary";
    case CprError::kTooFar:
      return "local CPR decode over half a zone from its reference";
  }
  return "?";
}

CprResult CprGlobalAirborne(const CprFields& even, const CprFields& odd, bool odd_is_latest) {
  PairLatitudes lat = PairLat(even, odd, kAirborneRangeDeg);
  // Southern hemisphere latitudes come out in [270, 360).
  if (lat.even >= 270.0) lat.even -= 360.0;
  if (lat.odd >= 270.0) lat.odd -= 360.0;
  if (std::fabs(lat.even) > 90.0 || std::fabs(lat.odd) > 90.0) {
    return {CprError::kLatitudeOutOfRange, {}};
  }
  if (CprNl(lat.even) != CprNl(lat.odd)) return {CprError::kZoneStraddle, {}};
  const double latitude = odd_is_latest ? lat.odd : lat.even;
  const double lon = PairLon(even, odd, odd_is_latest, latitude, kAirborneRangeDeg);
  return {CprError::kNone, {latitude, NormaliseLongitude(lon)}};
}

CprResult CprGlobalSurface(const CprFields& even, const CprFields& odd, bool odd_is_latest,
                           LatLon reference) {
  PairLatitudes lat = PairLat(even, odd, kSurfaceRangeDeg);
  // Each latitude is in [0, 90); the true one is it or it - 90 (A.1.7.8): take the one
  // nearer the reference.
  auto nearest_lat = [&](double l) {
    return std::fabs(l - 90.0 - reference.lat_deg) < std::fabs(l - reference.lat_deg) ? l - 90.0
                                                                                      : l;
  };
  lat.even = nearest_lat(lat.even);
  lat.odd = nearest_lat(lat.odd);
  if (std::fabs(lat.even) > 90.0 || std::fabs(lat.odd) > 90.0) {
    return {CprError::kLatitudeOutOfRange, {}};
  }
  if (CprNl(lat.even) != CprNl(lat.odd)) return {CprError::kZoneStraddle, {}};
  const double latitude = odd_is_latest ? lat.odd : lat.even;
  const double lon = PairLon(even, odd, odd_is_latest, latitude, kSurfaceRangeDeg);
  // Four candidates 90 degrees apart: the one nearest the reference.
  double best = lon;
  double best_delta = 1e9;
  for (int k = 0; k < 4; ++k) {
    const double candidate = NormaliseLongitude(lon + k * kSurfaceRangeDeg);
    const double delta = std::fabs(NormaliseLongitude(candidate - reference.lon_deg));
    if (delta < best_delta) {
      best_delta = delta;
      best = candidate;
    }
  }
  return {CprError::kNone, {latitude, best}};
}

CprResult CprLocal(const CprFields& frame, bool surface, LatLon reference) {
  const double range = surface ? kSurfaceRangeDeg : kAirborneRangeDeg;
  const int i = frame.format;
  const double dlat = range / (4.0 * kNz - i);
  const double yz = frame.lat / kCprScale;
  const double xz = frame.lon / kCprScale;
  const double j = std::floor(reference.lat_deg / dlat) +
                   std::floor(Mod(reference.lat_deg, dlat) / dlat - yz + 0.5);
  const double lat = dlat * (j + yz);
  if (std::fabs(lat) > 90.0) return {CprError::kLatitudeOutOfRange, {}};
  const int ni = std::max(CprNl(lat) - i, 1);
  const double dlon = range / ni;
  const double m = std::floor(reference.lon_deg / dlon) +
                   std::floor(Mod(reference.lon_deg, dlon) / dlon - xz + 0.5);
  const double lon = NormaliseLongitude(dlon * (m + xz));
  // The reference must be within half a zone for the result to be unambiguous.
  if (std::fabs(lat - reference.lat_deg) > dlat / 2.0 ||
      std::fabs(NormaliseLongitude(lon - reference.lon_deg)) > dlon / 2.0) {
    return {CprError::kTooFar, {}};
  }
  return {CprError::kNone, {lat, lon}};
}

double HaversineM(LatLon a, LatLon b) {
  const double dlat = (b.lat_deg - a.lat_deg) * kDegToRad;
  const double dlon = (b.lon_deg - a.lon_deg) * kDegToRad;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(a.lat_deg * kDegToRad) * std::cos(b.lat_deg * kDegToRad) *
                       std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2.0 * kMeanEarthRadiusM * std::asin(std::min(1.0, std::sqrt(h)));
}

std::string_view PositionMethodName(PositionMethod method) {
  switch (method) {
    case PositionMethod::kGlobalPair:
      return "global";
    case PositionMethod::kLocalAircraft:
      return "local";
    case PositionMethod::kLocalReceiver:
      return "receiver";
  }
  return "?";
}

std::string_view PositionStatusName(PositionStatus status) {
  switch (status) {
    case PositionStatus::kDecoded:
      return "decoded";
    case PositionStatus::kNeedPair:
      return "waiting for the other CPR format";
    case PositionStatus::kNoReference:
      return "surface position without a reference";
    case PositionStatus::kCprRejected:
      return "CPR rejected";
    case PositionStatus::kImplausibleJump:
      return "implausible jump from the last position";
  }
  return "?";
}

PositionDecoder::PositionDecoder(PositionDecoderOptions options) : options_(options) {}

PositionDecoder::Aircraft& PositionDecoder::Lookup(uint32_t icao, double time_s) {
  auto it = aircraft_.find(icao);
  if (it != aircraft_.end()) return it->second;
  if (options_.max_aircraft > 0 && aircraft_.size() >= options_.max_aircraft) {
    auto oldest = aircraft_.begin();
    for (auto a = aircraft_.begin(); a != aircraft_.end(); ++a) {
      if (a->second.last_seen_s < oldest->second.last_seen_s) oldest = a;
    }
    aircraft_.erase(oldest);
  }
  Aircraft& a = aircraft_[icao];
  a.last_seen_s = time_s;
  return a;
}

PositionUpdate PositionDecoder::Update(uint32_t icao, double time_s, const CprFields& frame,
                                       bool surface) {
  Aircraft& a = Lookup(icao, time_s);
  a.last_seen_s = time_s;
  if (a.surface != surface) {  // took off or landed: the other kind's frames do not pair
    a.frames[0].valid = a.frames[1].valid = false;
    a.surface = surface;
  }
  const int f = frame.format & 1;
  a.frames[f] = {frame, time_s, true};
  const Frame& other = a.frames[1 - f];
  const bool odd_latest = f == 1;

  PositionUpdate update;
  const double pair_window = surface ? options_.max_surface_pair_age_s : options_.max_pair_age_s;
  const bool has_reference = a.has_position &&
                             time_s - a.position_time_s <= options_.max_reference_age_s &&
                             time_s >= a.position_time_s;
  const bool fresh_pair = other.valid && std::fabs(time_s - other.time_s) <= pair_window;

  CprResult result;
  if (fresh_pair) {
    const CprFields& even = f == 0 ? frame : other.cpr;
    const CprFields& odd = f == 1 ? frame : other.cpr;
    if (surface) {
      std::optional<LatLon> reference;
      if (has_reference)
        reference = a.position;
      else if (options_.receiver)
        reference = options_.receiver;
      if (!reference) {
        update.status = PositionStatus::kNoReference;
        return update;
      }
      result = CprGlobalSurface(even, odd, odd_latest, *reference);
    } else {
      result = CprGlobalAirborne(even, odd, odd_latest);
    }
    update.method = PositionMethod::kGlobalPair;
  } else if (has_reference) {
    result = CprLocal(frame, surface, a.position);
    update.method = PositionMethod::kLocalAircraft;
  } else if (options_.receiver && (surface || options_.airborne_local_to_receiver)) {
    result = CprLocal(frame, surface, *options_.receiver);
    update.method = PositionMethod::kLocalReceiver;
  } else {
    update.status =
        surface && !options_.receiver ? PositionStatus::kNoReference : PositionStatus::kNeedPair;
    return update;
  }
  if (!result.ok()) {
    update.status = PositionStatus::kCprRejected;
    update.cpr_error = result.error;
    // A pair that fails the checks cannot pair with the next frame either.
    if (update.method == PositionMethod::kGlobalPair) a.frames[1 - f].valid = false;
    return update;
  }
  if (options_.max_speed_mps > 0 && a.has_position) {
    const double dt = std::fabs(time_s - a.position_time_s);
    // Allow a CPR cell's worth of slack (about 5 m airborne) plus one second of motion.
    constexpr double kSlackM = 100.0;
    const double allowed = options_.max_speed_mps * (dt + 1.0) + kSlackM;
    if (HaversineM(a.position, result.position) > allowed) {
      a.has_position = false;
      update.status = PositionStatus::kImplausibleJump;
      update.position = result.position;
      return update;
    }
  }
  a.has_position = true;
  a.position = result.position;
  a.position_time_s = time_s;
  update.status = PositionStatus::kDecoded;
  update.position = result.position;
  return update;
}

}  // namespace biac::formats::adsb
