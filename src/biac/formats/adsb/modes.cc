#include "biac/formats/adsb/modes.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "biac/base/bits.h"
#include "biac/formats/adsb/crc.h"
#include "biac/formats/adsb/layouts.h"

namespace biac::formats::adsb {
namespace {

namespace reply = layout::reply;
namespace me = layout::me;

// A field of the ME, held as the low 56 bits of an integer.
constexpr uint64_t MeField(uint64_t me56, const BitField& f) {
  return (me56 >> (me::kBits - f.end())) & ((uint64_t{1} << f.width) - 1);
}

// Type code ranges, DO-260B Table 2-13.
constexpr uint8_t kTcIdentFirst = 1, kTcIdentLast = 4;
constexpr uint8_t kTcSurfaceFirst = 5, kTcSurfaceLast = 8;
constexpr uint8_t kTcBaroFirst = 9, kTcBaroLast = 18;
constexpr uint8_t kTcVelocity = 19;
constexpr uint8_t kTcGnssFirst = 20, kTcGnssLast = 22;
constexpr uint8_t kTcAircraftStatus = 28;
constexpr uint8_t kTcTargetState = 29;
constexpr uint8_t kTcOperationalStatus = 31;

constexpr double kFeetPerMetre = 1.0 / 0.3048;
constexpr int32_t kAltitudeQStepFt = 25;
constexpr int32_t kAltitudeQOffsetFt = -1000;

// The 6-bit character set of aircraft identification (DO-260B Table 2-8; Annex 10 Vol IV
// 3.1.2.9.1.2): '#' marks a code with no character.
constexpr std::string_view kCallsignCharset =
    "#ABCDEFGHIJKLMNOPQRSTUVWXYZ##### ###############0123456789######";

// Downlink format constants.
constexpr uint8_t kDfShortAcas = 0, kDfSurvAltitude = 4, kDfSurvIdentity = 5;
constexpr uint8_t kDfAllCall = 11, kDfLongAcas = 16, kDfExtendedSquitter = 17;
constexpr uint8_t kDfNonTransponder = 18, kDfMilitary = 19, kDfCommBAltitude = 20;
constexpr uint8_t kDfCommBIdentity = 21, kDfCommD = 24;
constexpr uint8_t kDfShortLimit = 16;         // DF < 16 are 56-bit replies
constexpr uint32_t kInterrogatorMask = 0x7F;  // DF11: II/SI code in the low 7 parity bits

// DF18 control field values whose ME is ADS-B/TIS-B fine format (DO-260B Table 2-11).
constexpr bool CfCarriesAdsbMe(uint8_t cf) {
  return cf == 0 || cf == 1 || cf == 2 || cf == 5 || cf == 6;
}

uint32_t Gray2Bin(uint32_t gray) {
  uint32_t bin = gray;
  for (uint32_t shift = gray >> 1; shift != 0; shift >>= 1) bin ^= shift;
  return bin;
}

// The eight characters of an identification ME or a register 2,0 MB; false if any code
// has no character.
bool DecodeCallsign(uint64_t me56, Identification& out) {
  bool valid = true;
  size_t last = 0;
  for (size_t i = 0; i < kCallsignChars; ++i) {
    const BitField f{"char", static_cast<uint16_t>(me::kCharsOffset + i * me::kCharBits),
                     me::kCharBits};
    const char c = kCallsignCharset[MeField(me56, f)];
    out.callsign[i] = c;
    if (c == '#') valid = false;
    if (c != ' ') last = i + 1;
  }
  out.callsign[last] = '\0';
  return valid;
}

void DecodeIdentification(uint64_t me56, uint8_t tc, Identification& out) {
  out.category = static_cast<uint8_t>(MeField(me56, me::kCategory));
  out.category_set = static_cast<char>('A' + (kTcIdentLast - tc));
  (void)DecodeCallsign(me56, out);
}

// DF20/21: infers the register of the MB (commb.h) and decodes it when only one fits.
void DecodeCommB(Message& m) {
  const std::optional<int32_t> df20_altitude =
      m.df == kDfCommBAltitude ? m.altitude_ft : std::nullopt;
  m.commb.candidates = InferCommB(m.mb, df20_altitude);
  m.commb.bds = m.commb.candidates.single();
  if (!m.commb.bds) return;
  if (*m.commb.bds == CommBRegister::k20) {
    // Register 2,0 has the ME identification's character layout (Doc 9871 Table A-2-32).
    (void)DecodeCallsign(m.mb, m.identification);
  } else {
    DecodeCommBRegister(*m.commb.bds, m.mb, m.commb);
  }
}

std::optional<int32_t> BaroAltitude12(uint64_t me56) {
  // The 12-bit field is the 13-bit AC without its M bit (DO-260B 2.2.3.2.3.4.3).
  const auto alt12 = static_cast<uint16_t>(MeField(me56, me::kAltitude));
  constexpr unsigned kLowBits = 6;  // bits after the M position
  const auto ac13 = static_cast<uint16_t>(((alt12 >> kLowBits) << (kLowBits + 1)) |
                                          (alt12 & ((1u << kLowBits) - 1)));
  return AltitudeCodeToFeet(ac13);
}

void DecodeCpr(uint64_t me56, CprFields& out) {
  out.format = static_cast<uint8_t>(MeField(me56, me::kCprFormat));
  out.lat = static_cast<uint32_t>(MeField(me56, me::kCprLat));
  out.lon = static_cast<uint32_t>(MeField(me56, me::kCprLon));
}

void DecodeVelocity(uint64_t me56, Velocity& v) {
  constexpr uint8_t kSupersonicFactor = 4;
  constexpr int32_t kVerticalRateStepFpm = 64;
  constexpr int32_t kDiffStepFt = 25;
  constexpr uint32_t kDiffUnavailable = 0x7F;
  constexpr double kHeadingScale = 360.0 / 1024.0;
  v.subtype = static_cast<uint8_t>(MeField(me56, me::kSubtype));
  v.intent_change = MeField(me56, me::kIntentChange) != 0;
  v.ifr_capable = MeField(me56, me::kIfr) != 0;
  v.nac_v = static_cast<uint8_t>(MeField(me56, me::kNacV));
  const int32_t factor = (v.subtype == 2 || v.subtype == 4) ? kSupersonicFactor : 1;
  if (v.subtype == 1 || v.subtype == 2) {
    const auto ew = static_cast<int32_t>(MeField(me56, me::kEwVelocity));
    const auto ns = static_cast<int32_t>(MeField(me56, me::kNsVelocity));
    if (ew != 0 && ns != 0) {  // 0 = no velocity information
      const int32_t east = (ew - 1) * factor * (MeField(me56, me::kEwSign) ? -1 : 1);
      const int32_t north = (ns - 1) * factor * (MeField(me56, me::kNsSign) ? -1 : 1);
      v.east_kt = east;
      v.north_kt = north;
      const double speed = std::sqrt(double(east) * east + double(north) * north);
      v.groundspeed_kt = static_cast<int32_t>(speed);
      double track = std::atan2(double(east), double(north)) * 180.0 / std::numbers::pi;
      if (track < 0) track += 360.0;
      v.track_deg = track;
    }
  } else if (v.subtype == 3 || v.subtype == 4) {
    if (MeField(me56, me::kHeadingStatus)) {
      v.heading_deg = static_cast<double>(MeField(me56, me::kHeading)) * kHeadingScale;
    }
    const auto as = static_cast<int32_t>(MeField(me56, me::kAirspeed));
    if (as != 0) v.airspeed_kt = (as - 1) * factor;
    v.airspeed_is_true = MeField(me56, me::kAirspeedType) != 0;
  }
  v.vertical_rate_baro = MeField(me56, me::kVrSource) != 0;
  const auto vr = static_cast<int32_t>(MeField(me56, me::kVerticalRate));
  if (vr != 0) {
    v.vertical_rate_fpm = (vr - 1) * kVerticalRateStepFpm * (MeField(me56, me::kVrSign) ? -1 : 1);
  }
  const auto diff = static_cast<uint32_t>(MeField(me56, me::kDiff));
  if (diff != 0 && diff != kDiffUnavailable) {
    v.geo_minus_baro_ft =
        static_cast<int32_t>(diff - 1) * kDiffStepFt * (MeField(me56, me::kDiffSign) ? -1 : 1);
  }
}

void DecodeTargetStateV1(uint64_t me56, TargetState& t) {
  constexpr int32_t kTargetAltitudeStepFt = 100;
  constexpr int32_t kTargetAltitudeOffsetFt = -1000;
  t.vertical_source = static_cast<uint8_t>(MeField(me56, me::kV1VerticalSource));
  t.target_altitude_msl = MeField(me56, me::kV1AltitudeType) != 0;
  t.target_altitude_capability = static_cast<uint8_t>(MeField(me56, me::kV1AltitudeCapability));
  t.vertical_mode = static_cast<uint8_t>(MeField(me56, me::kV1VerticalMode));
  if (t.vertical_source != 0) {
    t.target_altitude_ft =
        static_cast<int32_t>(MeField(me56, me::kV1TargetAltitude)) * kTargetAltitudeStepFt +
        kTargetAltitudeOffsetFt;
  }
  t.horizontal_source = static_cast<uint8_t>(MeField(me56, me::kV1HorizontalSource));
  if (t.horizontal_source != 0) {
    t.target_angle_deg = static_cast<int32_t>(MeField(me56, me::kV1TargetAngle));  // 1 deg LSB
  }
  t.target_angle_is_track = MeField(me56, me::kV1AngleType) != 0;
  t.horizontal_mode = static_cast<uint8_t>(MeField(me56, me::kV1HorizontalMode));
  t.nac_p = static_cast<uint8_t>(MeField(me56, me::kV1NacP));
  t.nic_baro = static_cast<uint8_t>(MeField(me56, me::kV1NicBaro));
  t.sil = static_cast<uint8_t>(MeField(me56, me::kV1Sil));
  t.tcas_operational = MeField(me56, me::kV1TcasNotOperational) == 0;  // 0: operational/unknown
  t.tcas_ra_active = MeField(me56, me::kV1TcasRa) != 0;
  t.emergency_state = static_cast<uint8_t>(MeField(me56, me::kV1Emergency));
}

void DecodeTargetState(uint64_t me56, TargetState& t) {
  constexpr int32_t kSelAltStepFt = 32;
  constexpr double kBaroBaseMb = 800.0;
  constexpr double kBaroStepMb = 0.8;
  constexpr double kHeadingScale = 180.0 / 256.0;
  t.subtype = static_cast<uint8_t>(MeField(me56, me::kTssSubtype));
  if (t.subtype == 0) {
    DecodeTargetStateV1(me56, t);
    return;
  }
  if (t.subtype != 1) return;  // 2, 3 reserved
  t.sil_supplement = static_cast<uint8_t>(MeField(me56, me::kTssSilSupplement));
  t.selected_altitude_fms = MeField(me56, me::kSelAltType) != 0;
  const auto alt = static_cast<int32_t>(MeField(me56, me::kSelAlt));
  if (alt != 0) t.selected_altitude_ft = (alt - 1) * kSelAltStepFt;
  const auto baro = static_cast<int32_t>(MeField(me56, me::kBaroSetting));
  if (baro != 0) t.baro_setting_mb = kBaroBaseMb + (baro - 1) * kBaroStepMb;
  if (MeField(me56, me::kSelHeadingStatus)) {
    t.selected_heading_deg = static_cast<double>(MeField(me56, me::kSelHeading)) * kHeadingScale;
  }
  t.nac_p = static_cast<uint8_t>(MeField(me56, me::kTssNacP));
  t.nic_baro = static_cast<uint8_t>(MeField(me56, me::kTssNicBaro));
  t.sil = static_cast<uint8_t>(MeField(me56, me::kTssSil));
  t.mode_status = MeField(me56, me::kModeStatus) != 0;
  t.autopilot = MeField(me56, me::kAutopilot) != 0;
  t.vnav = MeField(me56, me::kVnav) != 0;
  t.altitude_hold = MeField(me56, me::kAltHold) != 0;
  t.approach = MeField(me56, me::kApproach) != 0;
  t.lnav = MeField(me56, me::kLnav) != 0;
  t.tcas_operational = MeField(me56, me::kTcas) != 0;
}

void DecodeOperationalStatus(uint64_t me56, OperationalStatus& o) {
  o.subtype = static_cast<uint8_t>(MeField(me56, me::kOpSubtype));
  const bool surface = o.subtype == 1;
  o.version = static_cast<uint8_t>(MeField(me56, me::kVersion));
  if (surface) {
    o.capability_class = static_cast<uint16_t>(MeField(me56, me::kSurfaceCapabilityClass));
    o.length_width = static_cast<uint8_t>(MeField(me56, me::kLengthWidth));
    if (o.version >= 2) o.nic_c = static_cast<uint8_t>(MeField(me56, me::kNicC));
  } else {
    o.capability_class = static_cast<uint16_t>(MeField(me56, me::kCapabilityClass));
    if (o.version >= 2) o.gva = static_cast<uint8_t>(MeField(me56, me::kGva));
  }
  o.operational_mode = static_cast<uint16_t>(MeField(me56, me::kOperationalMode));
  o.nic_a = static_cast<uint8_t>(MeField(me56, me::kNicA));
  o.nac_p = static_cast<uint8_t>(MeField(me56, me::kOpNacP));
  o.sil = static_cast<uint8_t>(MeField(me56, me::kOpSil));
  o.nic_baro = static_cast<uint8_t>(MeField(me56, me::kNicBaro));
  o.hrd = static_cast<uint8_t>(MeField(me56, me::kHrd));
  if (o.version >= 2) o.sil_supplement = static_cast<uint8_t>(MeField(me56, me::kSilSupplement));
}

void DecodeExtendedSquitter(Message& m) {
  const uint64_t me56 = m.mb;
  const auto tc = static_cast<uint8_t>(MeField(me56, me::kTypeCode));
  m.typecode = tc;
  if (tc == 0) {
    m.me_kind = MeKind::kNoPosition;
  } else if (tc >= kTcIdentFirst && tc <= kTcIdentLast) {
    m.me_kind = MeKind::kIdentification;
    DecodeIdentification(me56, tc, m.identification);
  } else if (tc >= kTcSurfaceFirst && tc <= kTcSurfaceLast) {
    constexpr double kTrackScale = 360.0 / 128.0;
    m.me_kind = MeKind::kSurfacePosition;
    SurfacePosition& s = m.surface;
    s.movement = static_cast<uint8_t>(MeField(me56, me::kMovement));
    s.groundspeed_kt = MovementToKnots(s.movement);
    s.track_valid = MeField(me56, me::kTrackStatus) != 0;
    s.track_deg = static_cast<double>(MeField(me56, me::kTrack)) * kTrackScale;
    s.time_sync = MeField(me56, me::kTime) != 0;
    DecodeCpr(me56, s.cpr);
  } else if ((tc >= kTcBaroFirst && tc <= kTcBaroLast) ||
             (tc >= kTcGnssFirst && tc <= kTcGnssLast)) {
    m.me_kind = MeKind::kAirbornePosition;
    AirbornePosition& a = m.airborne;
    a.surveillance_status = static_cast<uint8_t>(MeField(me56, me::kSurveillanceStatus));
    a.nic_b = static_cast<uint8_t>(MeField(me56, me::kNicB));
    a.time_sync = MeField(me56, me::kTime) != 0;
    DecodeCpr(me56, a.cpr);
    if (tc <= kTcBaroLast) {
      m.altitude_ft = BaroAltitude12(me56);
      if (m.altitude_ft) m.altitude_source = AltitudeSource::kBarometric;
    } else {
      // GNSS height above the ellipsoid in metres (DO-260B 2.2.3.2.3.4.4); feet truncated
      // as pyModeS does.
      const auto metres = static_cast<int32_t>(MeField(me56, me::kAltitude));
      if (metres != 0) {
        m.altitude_ft = static_cast<int32_t>(metres * kFeetPerMetre);
        m.altitude_source = AltitudeSource::kGnss;
      }
    }
  } else if (tc == kTcVelocity) {
    m.me_kind = MeKind::kVelocity;
    DecodeVelocity(me56, m.velocity);
  } else if (tc == kTcAircraftStatus) {
    m.me_kind = MeKind::kAircraftStatus;
    if (MeField(me56, me::kSubtype) == 1) {
      m.emergency_state = static_cast<uint8_t>(MeField(me56, me::kEmergencyState));
      const auto id = static_cast<uint16_t>(MeField(me56, me::kStatusModeA));
      if (id != 0) m.squawk = IdentityToSquawk(id);
    }
  } else if (tc == kTcTargetState) {
    m.me_kind = MeKind::kTargetState;
    DecodeTargetState(me56, m.target_state);
  } else if (tc == kTcOperationalStatus) {
    m.me_kind = MeKind::kOperationalStatus;
    DecodeOperationalStatus(me56, m.operational_status);
  } else {
    m.me_kind = MeKind::kReserved;
  }
}

}  // namespace

std::optional<int32_t> AltitudeCodeToFeet(uint16_t ac13) {
  // Bit positions within the 13-bit AC field, C1 A1 C2 A2 C4 A4 M B1 Q B2 D2 B4 D4.
  constexpr unsigned kWidth = 13;
  constexpr unsigned kM = 6, kQ = 8;
  auto bit = [ac13](unsigned pos) -> uint32_t { return (ac13 >> (kWidth - 1 - pos)) & 1u; };
  if (ac13 == 0) return std::nullopt;  // altitude not available
  if (bit(kM)) return std::nullopt;    // metric altitude: not used by civil aircraft
  if (bit(kQ)) {
    // 25 ft increments: the 11 bits other than M and Q, in order, are N.
    uint32_t n = 0;
    for (unsigned pos = 0; pos < kWidth; ++pos) {
      if (pos == kM || pos == kQ) continue;
      n = (n << 1) | bit(pos);
    }
    return static_cast<int32_t>(n) * kAltitudeQStepFt + kAltitudeQOffsetFt;
  }
  // Gillham code (Annex 10 Vol IV 3.1.2.6.5.4 b; the "Q = 0" case with D1 in the Q place):
  // D2 D4 A1 A2 A4 B1 B2 B4 are a Gray code of 500 ft steps, C1 C2 C4 a 5-state Gray code of
  // 100 ft steps, reflected on odd 500 ft counts.
  constexpr unsigned kC1 = 0, kA1 = 1, kC2 = 2, kA2 = 3, kC4 = 4, kA4 = 5, kB1 = 7, kB2 = 9,
                     kD2 = 10, kB4 = 11, kD4 = 12;
  const uint32_t gray500 = bit(kD2) << 7 | bit(kD4) << 6 | bit(kA1) << 5 | bit(kA2) << 4 |
                           bit(kA4) << 3 | bit(kB1) << 2 | bit(kB2) << 1 | bit(kB4);
  const uint32_t gray100 = bit(kC1) << 2 | bit(kC2) << 1 | bit(kC4);
  const uint32_t n500 = Gray2Bin(gray500);
  uint32_t n100 = Gray2Bin(gray100);
  constexpr uint32_t kGray100Five = 7;  // the Gray code 100 decodes to 7, which stands for 5
  if (n100 == 0 || n100 == 5 || n100 == 6) return std::nullopt;  // illegal C codes
  if (n100 == kGray100Five) n100 = 5;
  if (n500 % 2) n100 = 6 - n100;
  constexpr int32_t kGillhamOffsetFt = -1300;
  return static_cast<int32_t>(n500 * 500 + n100 * 100) + kGillhamOffsetFt;
}

uint16_t IdentityToMode3a(uint16_t id13) {
  // ID field order: C1 A1 C2 A2 C4 A4 X B1 D1 B2 D2 B4 D4 (Annex 10 Vol IV 3.1.2.6.7.1).
  constexpr unsigned kWidth = 13;
  auto bit = [id13](unsigned pos) -> uint16_t {
    return static_cast<uint16_t>((id13 >> (kWidth - 1 - pos)) & 1u);
  };
  const uint16_t a = static_cast<uint16_t>(bit(5) << 2 | bit(3) << 1 | bit(1));    // A4 A2 A1
  const uint16_t b = static_cast<uint16_t>(bit(11) << 2 | bit(9) << 1 | bit(7));   // B4 B2 B1
  const uint16_t c = static_cast<uint16_t>(bit(4) << 2 | bit(2) << 1 | bit(0));    // C4 C2 C1
  const uint16_t d = static_cast<uint16_t>(bit(12) << 2 | bit(10) << 1 | bit(8));  // D4 D2 D1
  return static_cast<uint16_t>(a << 9 | b << 6 | c << 3 | d);
}

uint16_t IdentityToSquawk(uint16_t id13) {
  const uint16_t code = IdentityToMode3a(id13);
  return static_cast<uint16_t>(((code >> 9) & 7) * 1000 + ((code >> 6) & 7) * 100 +
                               ((code >> 3) & 7) * 10 + (code & 7));
}

std::optional<double> MovementToKnots(uint8_t movement) {
  // DO-260B Table 2-16: ranges of codes, each with its first speed and step.
  struct Band {
    uint8_t first_code;
    double first_kt;
    double step_kt;
  };
  static constexpr Band kBands[] = {
      {2, 0.125, 0.125}, {9, 1.0, 0.25},    {13, 2.0, 0.5},    {39, 15.0, 1.0},
      {94, 70.0, 2.0},   {109, 100.0, 5.0}, {124, 175.0, 0.0},
  };
  constexpr uint8_t kStopped = 1, kLastValid = 124;
  if (movement == 0 || movement > kLastValid) return std::nullopt;
  if (movement == kStopped) return 0.0;
  const Band* band = &kBands[0];
  for (const Band& b : kBands) {
    if (movement >= b.first_code) band = &b;
  }
  return band->first_kt + (movement - band->first_code) * band->step_kt;
}

uint8_t NucP(uint8_t tc) {
  // DO-260 (version 0) Table 2-13: NUCp by type code.
  static constexpr uint8_t kByTc[32] = {0, 0, 0, 0, 0, 9, 8, 7, 6, 9, 8, 7, 6, 5, 4, 3,
                                        2, 1, 0, 0, 9, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  return tc < 32 ? kByTc[tc] : 0;
}

namespace {

constexpr double kNauticalMileM = 1852.0;

struct NicEntry {
  uint8_t nic;
  double rc_m;  // 0: unknown
};

// DO-260B Table 2-14 (airborne) and 2-15 (surface): NIC and Rc by type code and supplements.
NicEntry NicLookup(uint8_t tc, uint8_t a, uint8_t b, uint8_t c) {
  switch (tc) {
    case 5:
      return {11, 7.5};
    case 6:
      return {10, 25.0};
    case 7:
      return (a == 1) ? NicEntry{9, 75.0} : NicEntry{8, 0.1 * kNauticalMileM};
    case 8:
      if (a == 1 && c == 1) return {7, 0.2 * kNauticalMileM};
      if (a == 1 && c == 0) return {6, 0.3 * kNauticalMileM};
      if (a == 0 && c == 1) return {6, 0.6 * kNauticalMileM};
      return {0, 0.0};
    case 9:
      return {11, 7.5};
    case 10:
      return {10, 25.0};
    case 11:
      return (a == 1 && b == 1) ? NicEntry{9, 75.0} : NicEntry{8, 0.1 * kNauticalMileM};
    case 12:
      return {7, 0.2 * kNauticalMileM};
    case 13:
      if (a == 0 && b == 1) return {6, 0.3 * kNauticalMileM};
      if (a == 1 && b == 1) return {6, 0.6 * kNauticalMileM};
      return {6, 0.5 * kNauticalMileM};
    case 14:
      return {5, 1.0 * kNauticalMileM};
    case 15:
      return {4, 2.0 * kNauticalMileM};
    case 16:
      return (a == 1 && b == 1) ? NicEntry{3, 4.0 * kNauticalMileM}
                                : NicEntry{2, 8.0 * kNauticalMileM};
    case 17:
      return {1, 20.0 * kNauticalMileM};
    case 20:
      return {11, 7.5};
    case 21:
      return {10, 25.0};
    default:
      return {0, 0.0};
  }
}

}  // namespace

uint8_t Nic(uint8_t tc, uint8_t nic_a, uint8_t nic_b, uint8_t nic_c) {
  return NicLookup(tc, nic_a, nic_b, nic_c).nic;
}

std::optional<double> NicContainmentRadiusM(uint8_t tc, uint8_t /*nic*/, uint8_t nic_a,
                                            uint8_t nic_b, uint8_t nic_c) {
  const NicEntry e = NicLookup(tc, nic_a, nic_b, nic_c);
  if (e.rc_m <= 0.0) return std::nullopt;
  return e.rc_m;
}

std::optional<double> NacpEpuM(uint8_t nac_p) {
  // DO-260B Table 2-70 (EPU, 95% horizontal accuracy bound).
  static constexpr double kEpu[12] = {0.0,
                                      10.0 * kNauticalMileM,
                                      4.0 * kNauticalMileM,
                                      2.0 * kNauticalMileM,
                                      1.0 * kNauticalMileM,
                                      0.5 * kNauticalMileM,
                                      0.3 * kNauticalMileM,
                                      0.1 * kNauticalMileM,
                                      0.05 * kNauticalMileM,
                                      30.0,
                                      10.0,
                                      3.0};
  if (nac_p == 0 || nac_p >= 12) return std::nullopt;
  return kEpu[nac_p];
}

std::optional<double> NacvHorizontalMps(uint8_t nac_v) {
  // DO-260B Table 2-23 (HFOMr, 95%).
  static constexpr double kHfom[5] = {0.0, 10.0, 3.0, 1.0, 0.3};
  if (nac_v == 0 || nac_v >= 5) return std::nullopt;
  return kHfom[nac_v];
}

std::optional<double> NacvVerticalMps(uint8_t nac_v) {
  // DO-260B Table 2-23 (VFOMr, 95%): 50, 15, 5 and 1.5 ft/s.
  static constexpr double kVfom[5] = {0.0, 15.24, 4.57, 1.52, 0.46};
  if (nac_v == 0 || nac_v >= 5) return std::nullopt;
  return kVfom[nac_v];
}

std::optional<double> NucpRcuM(uint8_t nuc_p) {
  // DO-260 Table 2-13: the 95% horizontal containment radius RCu.
  static constexpr double kRcu[10] = {0.0,   18520.0, 9260.0, 1852.0, 926.0,
                                      463.0, 185.0,   93.0,   10.0,   3.0};
  if (nuc_p == 0 || nuc_p >= 10) return std::nullopt;
  return kRcu[nuc_p];
}

std::string_view TypecodeBds(uint8_t tc) {
  if (tc >= kTcIdentFirst && tc <= kTcIdentLast) return "0,8";
  if (tc >= kTcSurfaceFirst && tc <= kTcSurfaceLast) return "0,6";
  if ((tc >= kTcBaroFirst && tc <= kTcBaroLast) || (tc >= kTcGnssFirst && tc <= kTcGnssLast)) {
    return "0,5";
  }
  if (tc == kTcVelocity) return "0,9";
  if (tc == kTcAircraftStatus) return "6,1";
  if (tc == kTcTargetState) return "6,2";
  if (tc == kTcOperationalStatus) return "6,5";
  return {};
}

std::string_view EmitterCategoryName(const Identification& id) {
  static constexpr std::string_view kNames =
      "A0A1A2A3A4A5A6A7B0B1B2B3B4B5B6B7C0C1C2C3C4C5C6C7D0D1D2D3D4D5D6D7";
  if (id.category_set < 'A' || id.category_set > 'D' || id.category > 7) return {};
  const size_t index = static_cast<size_t>(id.category_set - 'A') * 8 + id.category;
  return kNames.substr(index * 2, 2);
}

Status DecodeFrame(std::span<const uint8_t> bytes, const FrameOptions& options, Message& out) {
  out = Message{};
  if (bytes.size() != kShortFrameBytes && bytes.size() != kLongFrameBytes) {
    return InvalidArgument(fmt::format("{} bytes: a Mode S reply has 7 or 14", bytes.size()));
  }
  const auto df_raw = static_cast<uint8_t>(Read(bytes, reply::kDf));
  constexpr uint8_t kDf24Prefix = 24;  // "11" in the first two bits: Comm-D (ELM)
  const uint8_t df = df_raw >= kDf24Prefix ? kDfCommD : df_raw;
  const size_t expected = df < kDfShortLimit ? kShortFrameBytes : kLongFrameBytes;
  if (bytes.size() != expected) {
    return InvalidArgument(fmt::format("DF{} needs {} bytes, got {}", df, expected, bytes.size()));
  }
  switch (df) {
    case kDfShortAcas:
    case kDfSurvAltitude:
    case kDfSurvIdentity:
    case kDfAllCall:
    case kDfLongAcas:
    case kDfExtendedSquitter:
    case kDfNonTransponder:
    case kDfMilitary:
    case kDfCommBAltitude:
    case kDfCommBIdentity:
    case kDfCommD:
      break;
    default:
      return InvalidArgument(fmt::format("DF{} is not an assigned downlink format", df));
  }
  std::copy(bytes.begin(), bytes.end(), out.frame.begin());
  out.length = static_cast<uint8_t>(bytes.size());
  out.df = df;
  const std::span<const uint8_t> frame = out.bytes();
  out.remainder = ParityRemainder(frame);

  const bool pi =
      df == kDfAllCall || df == kDfExtendedSquitter || df == kDfNonTransponder || df == kDfMilitary;
  out.parity = pi ? ParityKind::kParityOnly : ParityKind::kAddressParity;
  if (pi) {
    if (df == kDfAllCall) {
      out.crc_valid = (out.remainder & ~kInterrogatorMask) == 0;
      out.interrogator_id = static_cast<uint8_t>(out.remainder & kInterrogatorMask);
    } else {
      out.crc_valid = out.remainder == 0;
      if (!out.crc_valid && options.fix_single_bit &&
          (df == kDfExtendedSquitter || df == kDfNonTransponder)) {
        if (auto bit = SingleBitErrorPosition(out.remainder, out.length * 8)) {
          out.frame[*bit / 8] = static_cast<uint8_t>(out.frame[*bit / 8] ^ (0x80u >> (*bit % 8)));
          out.corrected_bit = static_cast<uint8_t>(*bit);
          out.crc_valid = true;
        }
      }
    }
    out.icao = static_cast<uint32_t>(Read(frame, reply::kAa));
  } else {
    out.icao = out.remainder;  // AP: address = remainder (Annex 10 Vol IV 3.1.2.3.3.2)
  }

  switch (df) {
    case kDfShortAcas:
    case kDfLongAcas:
      out.vertical_status = static_cast<uint8_t>(Read(frame, reply::kVs));
      if (df == kDfShortAcas) out.cross_link = static_cast<uint8_t>(Read(frame, reply::kCc));
      out.sensitivity_level = static_cast<uint8_t>(Read(frame, reply::kSl));
      out.reply_information = static_cast<uint8_t>(Read(frame, reply::kRi));
      out.altitude_code = static_cast<uint16_t>(Read(frame, reply::kAc));
      out.altitude_ft = AltitudeCodeToFeet(out.altitude_code);
      if (df == kDfLongAcas) out.mb = Read(frame, reply::kMe);
      break;
    case kDfSurvAltitude:
    case kDfSurvIdentity:
    case kDfCommBAltitude:
    case kDfCommBIdentity:
      out.flight_status = static_cast<uint8_t>(Read(frame, reply::kFs));
      out.downlink_request = static_cast<uint8_t>(Read(frame, reply::kDr));
      out.utility_message = static_cast<uint8_t>(Read(frame, reply::kUm));
      if (df == kDfSurvAltitude || df == kDfCommBAltitude) {
        out.altitude_code = static_cast<uint16_t>(Read(frame, reply::kAc));
        out.altitude_ft = AltitudeCodeToFeet(out.altitude_code);
      } else {
        out.identity_code = static_cast<uint16_t>(Read(frame, reply::kId));
        out.squawk = IdentityToSquawk(out.identity_code);
      }
      if (df >= kDfCommBAltitude) {
        out.mb = Read(frame, reply::kMe);
        DecodeCommB(out);
      }
      break;
    case kDfAllCall:
      out.capability = static_cast<uint8_t>(Read(frame, reply::kCa));
      break;
    case kDfExtendedSquitter:
      out.capability = static_cast<uint8_t>(Read(frame, reply::kCa));
      out.mb = Read(frame, reply::kMe);
      DecodeExtendedSquitter(out);
      break;
    case kDfNonTransponder:
      out.control_field = static_cast<uint8_t>(Read(frame, reply::kCf));
      out.mb = Read(frame, reply::kMe);
      if (CfCarriesAdsbMe(out.control_field)) DecodeExtendedSquitter(out);
      break;
    default:  // DF19 (military), DF24 (Comm-D): address and raw bits only
      break;
  }
  if (out.altitude_ft && out.altitude_source == AltitudeSource::kNone) {
    out.altitude_source = AltitudeSource::kBarometric;
  }
  return Status::Ok();
}

Result<Message> DecodeFrame(std::span<const uint8_t> bytes, const FrameOptions& options) {
  Message m;
  BIAC_RETURN_IF_ERROR(DecodeFrame(bytes, options, m));
  return m;
}

}  // namespace biac::formats::adsb
