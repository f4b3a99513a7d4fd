#include "biac/formats/adsb/commb.h"

#include <algorithm>
#include <cmath>

#include "biac/base/bits.h"
#include "biac/formats/adsb/modes.h"

namespace biac::formats::adsb {
namespace {

constexpr unsigned kMbBits = 56;

// A field of the MB, held as the low 56 bits of an integer.
constexpr uint64_t MbField(uint64_t mb56, const BitField& f) {
  return (mb56 >> (kMbBits - f.end())) & ((uint64_t{1} << f.width) - 1);
}
// A field whose first bit is a sign bit: two's complement over the whole field, which is
// how Doc 9871 codes its signed quantities (sign bit, then the magnitude bits, negative
// values as 2^n complements).
constexpr int64_t MbSigned(uint64_t mb56, const BitField& f) {
  return SignExtend(MbField(mb56, f), f.width);
}
constexpr bool MbFlag(uint64_t mb56, const BitField& f) { return MbField(mb56, f) != 0; }

// A field and the status bit that says whether it is valid: a status of 0 with a non-zero
// field is inconsistent (pyModeS 2 common.wrongstatus).
struct Gate {
  BitField status;
  BitField value;
};
constexpr bool GateOk(uint64_t mb56, const Gate& g) {
  return MbFlag(mb56, g.status) || MbField(mb56, g.value) == 0;
}
template <size_t N>
constexpr bool GatesOk(uint64_t mb56, const Gate (&gates)[N]) {
  for (const Gate& g : gates) {
    if (!GateOk(mb56, g)) return false;
  }
  return true;
}

// The format identifier in the first MB byte of registers that carry one.
constexpr BitField kFormatId{"BDS", 0, 8};

// ---- Register 1,0: data link capability report (Doc 9871 Table A-2-16) ----------------
namespace r10 {
constexpr uint64_t kId = 0x10;
constexpr BitField kContinuation{"continuation", 8, 1};
constexpr BitField kReserved{"reserved", 9, 5};
constexpr BitField kOverlay{"OVC", 14, 1};
constexpr BitField kAcas{"ACAS", 15, 1};
constexpr BitField kSubnetworkVersion{"subnetwork version", 16, 7};
constexpr BitField kLevel5{"level 5", 23, 1};
constexpr BitField kSpecificServices{"specific services", 24, 1};
constexpr BitField kUplinkElm{"UELM", 25, 3};
constexpr BitField kDownlinkElm{"DELM", 28, 4};
constexpr BitField kAircraftId{"AIS", 32, 1};
constexpr BitField kSquitter{"squitter", 33, 1};
constexpr BitField kSurveillanceId{"SIC", 34, 1};
constexpr BitField kGicb{"GICB", 35, 1};
constexpr BitField kHybrid{"hybrid surveillance", 36, 1};
constexpr BitField kResolution{"TA/RA", 37, 1};
constexpr BitField kAcasVersion{"ACAS version", 38, 2};
constexpr BitField kDte{"DTE", 40, 16};
// pyModeS 2 (bds10.is10): overlay capability needs subnetwork version 5 or more, and a
// version of 5 or more implies it (DO-181E); not in Doc 9871, but it sharpens inference.
constexpr uint64_t kOverlayVersion = 5;
}  // namespace r10

// ---- Register 1,7: common usage GICB capability report (Table A-2-23) -----------------
namespace r17 {
constexpr BitField kMap{"capability map", 0, 24};
constexpr BitField kBds20{"2,0 capability", 6, 1};  // every such transponder reports 2,0
constexpr BitField kReserved{"reserved", 24, 32};
}  // namespace r17

// ---- Register 2,0: aircraft identification (Table A-2-32) ------------------------------
namespace r20 {
constexpr uint64_t kId = 0x20;
constexpr BitField kCharacters{"characters", 8, 48};
constexpr uint16_t kFirstChar = 8;
constexpr uint8_t kCharBits = 6;
constexpr size_t kChars = 8;
// Codes with a character (Annex 10 Vol IV 3.1.2.9.1.2): A-Z, space, 0-9.
constexpr bool ValidChar(uint64_t code) {
  constexpr uint64_t kA = 1, kZ = 26, kSpace = 32, k0 = 48, k9 = 57;
  return (code >= kA && code <= kZ) || code == kSpace || (code >= k0 && code <= k9);
}
}  // namespace r20

// ---- Register 3,0: ACAS active resolution advisory (Table A-2-48) ----------------------
namespace r30 {
constexpr uint64_t kId = 0x30;
constexpr BitField kAra{"ARA", 8, 14};
constexpr BitField kAraIssued{"ARA 41", 8, 1};
constexpr BitField kCorrective{"ARA 42", 9, 1};
constexpr BitField kDownward{"ARA 43", 10, 1};
constexpr BitField kIncreasedRate{"ARA 44", 11, 1};
constexpr BitField kSenseReversal{"ARA 45", 12, 1};
constexpr BitField kCrossing{"ARA 46", 13, 1};
constexpr BitField kPositive{"ARA 47", 14, 1};
constexpr BitField kAraAcas3{"ARA 48-54", 15, 7};  // reserved for ACAS III
constexpr BitField kRac{"RAC", 22, 4};
constexpr BitField kNoBelow{"RAC below", 22, 1};
constexpr BitField kNoAbove{"RAC above", 23, 1};
constexpr BitField kNoLeft{"RAC left", 24, 1};
constexpr BitField kNoRight{"RAC right", 25, 1};
constexpr BitField kTerminated{"RAT", 26, 1};
constexpr BitField kMultipleThreat{"MTE", 27, 1};
constexpr BitField kThreatType{"TTI", 28, 2};
constexpr BitField kThreatAddress{"TID address", 30, 24};
constexpr BitField kThreatAltitude{"TIDA", 30, 13};
constexpr BitField kThreatRange{"TIDR", 43, 7};
constexpr BitField kThreatBearing{"TIDB", 50, 6};
constexpr uint64_t kTtiReserved = 3;
constexpr uint64_t kTtiAddress = 1, kTtiPosition = 2;
// pyModeS 2 (bds30.is30): ARA bits 48-54 at 48 or more are taken as not an RA.
constexpr uint64_t kAcas3Limit = 48;
constexpr double kRangeStepNm = 0.1;
constexpr int32_t kBearingStepDeg = 6, kBearingOffsetDeg = 3;
}  // namespace r30

// ---- Register 4,0: selected vertical intention (Table A-2-64) -------------------------
namespace r40 {
constexpr BitField kMcpStatus{"MCP status", 0, 1};
constexpr BitField kMcp{"MCP/FCU selected altitude", 1, 12};
constexpr BitField kFmsStatus{"FMS status", 13, 1};
constexpr BitField kFms{"FMS selected altitude", 14, 12};
constexpr BitField kBaroStatus{"baro status", 26, 1};
constexpr BitField kBaro{"baro pressure setting", 27, 12};
constexpr BitField kReserved1{"reserved", 39, 8};
constexpr BitField kModeStatus{"mode status", 47, 1};
constexpr BitField kModes{"modes", 48, 3};
constexpr BitField kVnav{"VNAV", 48, 1};
constexpr BitField kAltitudeHold{"ALT HOLD", 49, 1};
constexpr BitField kApproach{"APP", 50, 1};
constexpr BitField kReserved2{"reserved", 51, 2};
constexpr BitField kSourceStatus{"source status", 53, 1};
constexpr BitField kSource{"target altitude source", 54, 2};
constexpr Gate kGates[] = {{kMcpStatus, kMcp},
                           {kFmsStatus, kFms},
                           {kBaroStatus, kBaro},
                           {kModeStatus, kModes},
                           {kSourceStatus, kSource}};
constexpr int32_t kAltitudeStepFt = 16;
constexpr double kBaroStepMb = 0.1, kBaroBaseMb = 800.0;
}  // namespace r40

// ---- Register 4,4: meteorological routine air report (Table A-2-68) -------------------
namespace r44 {
constexpr BitField kFigureOfMerit{"FOM/source", 0, 4};
constexpr BitField kWindStatus{"wind status", 4, 1};
constexpr BitField kWind{"wind", 5, 18};
constexpr BitField kWindSpeed{"wind speed", 5, 9};
constexpr BitField kWindDirection{"wind direction", 14, 9};
constexpr BitField kTemperature{"static air temperature", 23, 11};  // sign + 10 bits
constexpr BitField kPressureStatus{"pressure status", 34, 1};
constexpr BitField kPressure{"average static pressure", 35, 11};
constexpr BitField kTurbulenceStatus{"turbulence status", 46, 1};
constexpr BitField kTurbulence{"turbulence", 47, 2};
constexpr BitField kHumidityStatus{"humidity status", 49, 1};
constexpr BitField kHumidity{"humidity", 50, 6};
constexpr Gate kGates[] = {{kWindStatus, kWind},
                           {kPressureStatus, kPressure},
                           {kTurbulenceStatus, kTurbulence},
                           {kHumidityStatus, kHumidity}};
constexpr uint64_t kMaxFigureOfMerit = 4;  // 5..15 reserved
constexpr double kDirectionStepDeg = 180.0 / 256.0;
constexpr double kTemperatureStepC = 0.25;
constexpr double kHumidityStepPct = 100.0 / 64.0;
}  // namespace r44

// ---- Register 4,5: meteorological hazard report (Table A-2-69) ------------------------
namespace r45 {
constexpr BitField kTurbulenceStatus{"turbulence status", 0, 1};
constexpr BitField kTurbulence{"turbulence", 1, 2};
constexpr BitField kWindShearStatus{"wind shear status", 3, 1};
constexpr BitField kWindShear{"wind shear", 4, 2};
constexpr BitField kMicroburstStatus{"microburst status", 6, 1};
constexpr BitField kMicroburst{"microburst", 7, 2};
constexpr BitField kIcingStatus{"icing status", 9, 1};
constexpr BitField kIcing{"icing", 10, 2};
constexpr BitField kWakeStatus{"wake vortex status", 12, 1};
constexpr BitField kWake{"wake vortex", 13, 2};
constexpr BitField kTemperatureStatus{"temperature status", 15, 1};
constexpr BitField kTemperature{"static air temperature", 16, 10};  // sign + 9 bits
constexpr BitField kPressureStatus{"pressure status", 26, 1};
constexpr BitField kPressure{"average static pressure", 27, 11};
constexpr BitField kRadioHeightStatus{"radio height status", 38, 1};
constexpr BitField kRadioHeight{"radio height", 39, 12};
constexpr BitField kReserved{"reserved", 51, 5};
constexpr Gate kGates[] = {{kTurbulenceStatus, kTurbulence},
                           {kWindShearStatus, kWindShear},
                           {kMicroburstStatus, kMicroburst},
                           {kIcingStatus, kIcing},
                           {kWakeStatus, kWake},
                           {kTemperatureStatus, kTemperature},
                           {kPressureStatus, kPressure},
                           {kRadioHeightStatus, kRadioHeight}};
constexpr double kTemperatureStepC = 0.25;
constexpr int32_t kRadioHeightStepFt = 16;
}  // namespace r45

// ---- Register 5,0: track and turn report (Table A-2-80) -------------------------------
namespace r50 {
constexpr BitField kRollStatus{"roll status", 0, 1};
constexpr BitField kRoll{"roll angle", 1, 10};  // sign + 9 bits
// pyModeS 2 (bds50.is50) checks the roll status against the magnitude only, not the sign.
constexpr BitField kRollMagnitude{"roll magnitude", 2, 9};
constexpr BitField kTrackStatus{"track status", 11, 1};
constexpr BitField kTrack{"true track angle", 12, 11};  // sign + 10 bits
constexpr BitField kGroundSpeedStatus{"ground speed status", 23, 1};
constexpr BitField kGroundSpeed{"ground speed", 24, 10};
constexpr BitField kTrackRateStatus{"track rate status", 34, 1};
constexpr BitField kTrackRate{"track angle rate", 35, 10};  // sign + 9 bits
constexpr BitField kTasStatus{"TAS status", 45, 1};
constexpr BitField kTas{"true airspeed", 46, 10};
constexpr Gate kGates[] = {{kRollStatus, kRollMagnitude},
                           {kTrackStatus, kTrack},
                           {kGroundSpeedStatus, kGroundSpeed},
                           {kTrackRateStatus, kTrackRate},
                           {kTasStatus, kTas}};
constexpr double kRollStepDeg = 45.0 / 256.0;
constexpr double kTrackStepDeg = 90.0 / 512.0;
constexpr int32_t kSpeedStepKt = 2;
constexpr double kTrackRateStepDps = 8.0 / 256.0;
// Plausibility (pyModeS 2): |roll| <= 50 deg, speeds <= 600 kt, |TAS - GS| <= 200 kt.
constexpr double kMaxRollDeg = 50.0;
constexpr int32_t kMaxSpeedKt = 600, kMaxWindKt = 200;
}  // namespace r50

// ---- Register 6,0: heading and speed report (Table A-2-96) ----------------------------
namespace r60 {
constexpr BitField kHeadingStatus{"heading status", 0, 1};
constexpr BitField kHeading{"magnetic heading", 1, 11};  // sign + 10 bits
constexpr BitField kIasStatus{"IAS status", 12, 1};
constexpr BitField kIas{"indicated airspeed", 13, 10};
constexpr BitField kMachStatus{"Mach status", 23, 1};
constexpr BitField kMach{"Mach", 24, 10};
constexpr BitField kBaroRateStatus{"baro rate status", 34, 1};
constexpr BitField kBaroRate{"barometric altitude rate", 35, 10};  // sign + 9 bits
constexpr BitField kInertialRateStatus{"inertial rate status", 45, 1};
constexpr BitField kInertialRate{"inertial vertical velocity", 46, 10};  // sign + 9 bits
constexpr Gate kGates[] = {{kHeadingStatus, kHeading},
                           {kIasStatus, kIas},
                           {kMachStatus, kMach},
                           {kBaroRateStatus, kBaroRate},
                           {kInertialRateStatus, kInertialRate}};
constexpr double kHeadingStepDeg = 90.0 / 512.0;
constexpr double kMachStep = 2.048 / 512.0;
constexpr int32_t kRateStepFpm = 32;
// Plausibility (pyModeS 2): IAS <= 500 kt, Mach <= 1, |rates| <= 6000 ft/min, and on DF20
// the IAS within 20 kt of the Mach's calibrated airspeed at the reply's altitude.
constexpr int32_t kMaxIasKt = 500;
constexpr double kMaxMach = 1.0;
constexpr int32_t kMaxRateFpm = 6000;
constexpr double kMaxIasMachGapKt = 20.0;
}  // namespace r60

double Wrap360(double deg) { return deg < 0.0 ? deg + 360.0 : deg; }

DataLinkCapability Decode10(uint64_t mb) {
  DataLinkCapability d;
  d.continuation = MbFlag(mb, r10::kContinuation);
  d.overlay_command = MbFlag(mb, r10::kOverlay);
  d.acas_operational = MbFlag(mb, r10::kAcas);
  d.subnetwork_version = static_cast<uint8_t>(MbField(mb, r10::kSubnetworkVersion));
  d.level5 = MbFlag(mb, r10::kLevel5);
  d.specific_services = MbFlag(mb, r10::kSpecificServices);
  d.uplink_elm = static_cast<uint8_t>(MbField(mb, r10::kUplinkElm));
  d.downlink_elm = static_cast<uint8_t>(MbField(mb, r10::kDownlinkElm));
  d.aircraft_identification = MbFlag(mb, r10::kAircraftId);
  d.squitter = MbFlag(mb, r10::kSquitter);
  d.surveillance_identifier = MbFlag(mb, r10::kSurveillanceId);
  d.common_usage_gicb = MbFlag(mb, r10::kGicb);
  d.acas_hybrid_surveillance = MbFlag(mb, r10::kHybrid);
  d.acas_resolution_advisory = MbFlag(mb, r10::kResolution);
  d.acas_version = static_cast<uint8_t>(MbField(mb, r10::kAcasVersion));
  d.dte_status = static_cast<uint16_t>(MbField(mb, r10::kDte));
  return d;
}

AcasResolutionAdvisory Decode30(uint64_t mb) {
  AcasResolutionAdvisory a;
  a.ara = static_cast<uint16_t>(MbField(mb, r30::kAra));
  a.rac = static_cast<uint8_t>(MbField(mb, r30::kRac));
  a.issued_ra = MbFlag(mb, r30::kAraIssued);
  a.corrective = MbFlag(mb, r30::kCorrective);
  a.downward_sense = MbFlag(mb, r30::kDownward);
  a.increased_rate = MbFlag(mb, r30::kIncreasedRate);
  a.sense_reversal = MbFlag(mb, r30::kSenseReversal);
  a.altitude_crossing = MbFlag(mb, r30::kCrossing);
  a.positive = MbFlag(mb, r30::kPositive);
  a.no_below = MbFlag(mb, r30::kNoBelow);
  a.no_above = MbFlag(mb, r30::kNoAbove);
  a.no_left = MbFlag(mb, r30::kNoLeft);
  a.no_right = MbFlag(mb, r30::kNoRight);
  a.ra_terminated = MbFlag(mb, r30::kTerminated);
  a.multiple_threat = MbFlag(mb, r30::kMultipleThreat);
  a.threat_type = static_cast<uint8_t>(MbField(mb, r30::kThreatType));
  if (a.threat_type == r30::kTtiAddress) {
    a.threat_icao = static_cast<uint32_t>(MbField(mb, r30::kThreatAddress));
  } else if (a.threat_type == r30::kTtiPosition) {
    a.threat_altitude_ft =
        AltitudeCodeToFeet(static_cast<uint16_t>(MbField(mb, r30::kThreatAltitude)));
    if (const uint64_t n = MbField(mb, r30::kThreatRange); n != 0) {
      a.threat_range_nm = static_cast<double>(n - 1) * r30::kRangeStepNm;
    }
    if (const uint64_t n = MbField(mb, r30::kThreatBearing); n != 0) {
      a.threat_bearing_deg =
          static_cast<int32_t>(n - 1) * r30::kBearingStepDeg + r30::kBearingOffsetDeg;
    }
  }
  return a;
}

SelectedVerticalIntention Decode40(uint64_t mb) {
  SelectedVerticalIntention s;
  if (MbFlag(mb, r40::kMcpStatus)) {
    s.selected_altitude_mcp_ft =
        static_cast<int32_t>(MbField(mb, r40::kMcp)) * r40::kAltitudeStepFt;
  }
  if (MbFlag(mb, r40::kFmsStatus)) {
    s.selected_altitude_fms_ft =
        static_cast<int32_t>(MbField(mb, r40::kFms)) * r40::kAltitudeStepFt;
  }
  if (MbFlag(mb, r40::kBaroStatus)) {
    s.baro_setting_mb =
        static_cast<double>(MbField(mb, r40::kBaro)) * r40::kBaroStepMb + r40::kBaroBaseMb;
  }
  s.mode_status = MbFlag(mb, r40::kModeStatus);
  s.vnav = MbFlag(mb, r40::kVnav);
  s.altitude_hold = MbFlag(mb, r40::kAltitudeHold);
  s.approach = MbFlag(mb, r40::kApproach);
  if (MbFlag(mb, r40::kSourceStatus)) {
    s.target_altitude_source = static_cast<uint8_t>(MbField(mb, r40::kSource));
  }
  return s;
}

MeteoRoutineReport Decode44(uint64_t mb) {
  MeteoRoutineReport m;
  m.figure_of_merit = static_cast<uint8_t>(MbField(mb, r44::kFigureOfMerit));
  if (MbFlag(mb, r44::kWindStatus)) {
    m.wind_speed_kt = static_cast<int32_t>(MbField(mb, r44::kWindSpeed));
    m.wind_direction_deg =
        static_cast<double>(MbField(mb, r44::kWindDirection)) * r44::kDirectionStepDeg;
  }
  m.static_air_temperature_c =
      static_cast<double>(MbSigned(mb, r44::kTemperature)) * r44::kTemperatureStepC;
  if (MbFlag(mb, r44::kPressureStatus)) {
    m.static_pressure_hpa = static_cast<int32_t>(MbField(mb, r44::kPressure));
  }
  if (MbFlag(mb, r44::kTurbulenceStatus))
    m.turbulence = static_cast<uint8_t>(MbField(mb, r44::kTurbulence));
  if (MbFlag(mb, r44::kHumidityStatus)) {
    m.humidity_pct = static_cast<double>(MbField(mb, r44::kHumidity)) * r44::kHumidityStepPct;
  }
  return m;
}

MeteoHazardReport Decode45(uint64_t mb) {
  MeteoHazardReport h;
  auto level = [mb](const BitField& status, const BitField& value) -> std::optional<uint8_t> {
    if (!MbFlag(mb, status)) return std::nullopt;
    return static_cast<uint8_t>(MbField(mb, value));
  };
  h.turbulence = level(r45::kTurbulenceStatus, r45::kTurbulence);
  h.wind_shear = level(r45::kWindShearStatus, r45::kWindShear);
  h.microburst = level(r45::kMicroburstStatus, r45::kMicroburst);
  h.icing = level(r45::kIcingStatus, r45::kIcing);
  h.wake_vortex = level(r45::kWakeStatus, r45::kWake);
  if (MbFlag(mb, r45::kTemperatureStatus)) {
    h.static_air_temperature_c =
        static_cast<double>(MbSigned(mb, r45::kTemperature)) * r45::kTemperatureStepC;
  }
  if (MbFlag(mb, r45::kPressureStatus)) {
    h.static_pressure_hpa = static_cast<int32_t>(MbField(mb, r45::kPressure));
  }
  if (MbFlag(mb, r45::kRadioHeightStatus)) {
    h.radio_height_ft =
        static_cast<int32_t>(MbField(mb, r45::kRadioHeight)) * r45::kRadioHeightStepFt;
  }
  return h;
}

TrackAndTurn Decode50(uint64_t mb) {
  TrackAndTurn t;
  if (MbFlag(mb, r50::kRollStatus))
    t.roll_deg = static_cast<double>(MbSigned(mb, r50::kRoll)) * r50::kRollStepDeg;
  if (MbFlag(mb, r50::kTrackStatus)) {
    t.true_track_deg = Wrap360(static_cast<double>(MbSigned(mb, r50::kTrack)) * r50::kTrackStepDeg);
  }
  if (MbFlag(mb, r50::kGroundSpeedStatus)) {
    t.groundspeed_kt = static_cast<int32_t>(MbField(mb, r50::kGroundSpeed)) * r50::kSpeedStepKt;
  }
  if (MbFlag(mb, r50::kTrackRateStatus)) {
    t.track_rate_dps = static_cast<double>(MbSigned(mb, r50::kTrackRate)) * r50::kTrackRateStepDps;
  }
  if (MbFlag(mb, r50::kTasStatus)) {
    t.true_airspeed_kt = static_cast<int32_t>(MbField(mb, r50::kTas)) * r50::kSpeedStepKt;
  }
  return t;
}

HeadingAndSpeed Decode60(uint64_t mb) {
  HeadingAndSpeed h;
  if (MbFlag(mb, r60::kHeadingStatus)) {
    h.magnetic_heading_deg =
        Wrap360(static_cast<double>(MbSigned(mb, r60::kHeading)) * r60::kHeadingStepDeg);
  }
  if (MbFlag(mb, r60::kIasStatus))
    h.indicated_airspeed_kt = static_cast<int32_t>(MbField(mb, r60::kIas));
  if (MbFlag(mb, r60::kMachStatus))
    h.mach = static_cast<double>(MbField(mb, r60::kMach)) * r60::kMachStep;
  if (MbFlag(mb, r60::kBaroRateStatus)) {
    h.baro_vertical_rate_fpm =
        static_cast<int32_t>(MbSigned(mb, r60::kBaroRate)) * r60::kRateStepFpm;
  }
  if (MbFlag(mb, r60::kInertialRateStatus)) {
    h.inertial_vertical_rate_fpm =
        static_cast<int32_t>(MbSigned(mb, r60::kInertialRate)) * r60::kRateStepFpm;
  }
  return h;
}

// ---- Candidate tests, one per register (pyModeS 2.21.1 decoder/bds/bdsXX.isXX) --------

bool Is10(uint64_t mb) {
  if (MbField(mb, kFormatId) != r10::kId || MbField(mb, r10::kReserved) != 0) return false;
  const bool overlay = MbFlag(mb, r10::kOverlay);
  return overlay == (MbField(mb, r10::kSubnetworkVersion) >= r10::kOverlayVersion);
}

bool Is17(uint64_t mb) { return MbField(mb, r17::kReserved) == 0 && MbFlag(mb, r17::kBds20); }

bool Is20(uint64_t mb) {
  if (MbField(mb, kFormatId) != r20::kId) return false;
  if (MbField(mb, r20::kCharacters) == 0) return true;  // an empty identification is allowed
  for (size_t i = 0; i < r20::kChars; ++i) {
    const BitField c{"character", static_cast<uint16_t>(r20::kFirstChar + i * r20::kCharBits),
                     r20::kCharBits};
    if (!r20::ValidChar(MbField(mb, c))) return false;
  }
  return true;
}

bool Is30(uint64_t mb) {
  return MbField(mb, kFormatId) == r30::kId && MbField(mb, r30::kThreatType) != r30::kTtiReserved &&
         MbField(mb, r30::kAraAcas3) < r30::kAcas3Limit;
}

bool Is40(uint64_t mb) {
  return GatesOk(mb, r40::kGates) && MbField(mb, r40::kReserved1) == 0 &&
         MbField(mb, r40::kReserved2) == 0;
}

bool Is44(uint64_t mb) {
  if (!GatesOk(mb, r44::kGates) || MbField(mb, r44::kFigureOfMerit) > r44::kMaxFigureOfMerit) {
    return false;
  }
  const MeteoRoutineReport r = Decode44(mb);
  constexpr int32_t kMaxWindKt = 250;
  constexpr double kMinTemperatureC = -80.0, kMaxTemperatureC = 60.0;
  if (r.wind_speed_kt && *r.wind_speed_kt > kMaxWindKt) return false;
  if (r.static_air_temperature_c > kMaxTemperatureC ||
      r.static_air_temperature_c < kMinTemperatureC) {
    return false;
  }
  // Wind 0 kt from 0 degrees at exactly 0 degC: taken as no report (pyModeS 2).
  return !(r.wind_speed_kt && *r.wind_speed_kt == 0 && *r.wind_direction_deg == 0.0 &&
           r.static_air_temperature_c == 0.0);
}

bool Is45(uint64_t mb) {
  if (!GatesOk(mb, r45::kGates) || MbField(mb, r45::kReserved) != 0) return false;
  constexpr double kMinTemperatureC = -80.0, kMaxTemperatureC = 60.0;
  // pyModeS 2 reads the temperature whatever its status (a zero field when invalid).
  const double t = static_cast<double>(MbSigned(mb, r45::kTemperature)) * r45::kTemperatureStepC;
  return t == 0.0 || (t <= kMaxTemperatureC && t >= kMinTemperatureC);
}

bool Is50(uint64_t mb) {
  if (!GatesOk(mb, r50::kGates)) return false;
  const TrackAndTurn t = Decode50(mb);
  if (t.roll_deg && std::fabs(*t.roll_deg) > r50::kMaxRollDeg) return false;
  if (t.groundspeed_kt && *t.groundspeed_kt > r50::kMaxSpeedKt) return false;
  if (t.true_airspeed_kt && *t.true_airspeed_kt > r50::kMaxSpeedKt) return false;
  return !(t.groundspeed_kt && t.true_airspeed_kt &&
           std::abs(*t.true_airspeed_kt - *t.groundspeed_kt) > r50::kMaxWindKt);
}

bool Is60(uint64_t mb, std::optional<int32_t> df20_altitude_ft) {
  if (!GatesOk(mb, r60::kGates)) return false;
  const HeadingAndSpeed h = Decode60(mb);
  if (h.indicated_airspeed_kt && *h.indicated_airspeed_kt > r60::kMaxIasKt) return false;
  if (h.mach && *h.mach > r60::kMaxMach) return false;
  if (h.baro_vertical_rate_fpm && std::abs(*h.baro_vertical_rate_fpm) > r60::kMaxRateFpm) {
    return false;
  }
  if (h.inertial_vertical_rate_fpm && std::abs(*h.inertial_vertical_rate_fpm) > r60::kMaxRateFpm) {
    return false;
  }
  if (h.mach && h.indicated_airspeed_kt && df20_altitude_ft) {
    const double cas = MachToCasKnots(*h.mach, *df20_altitude_ft);
    if (std::fabs(*h.indicated_airspeed_kt - cas) > r60::kMaxIasMachGapKt) return false;
  }
  return true;
}

}  // namespace

const std::array<std::string_view, 24> GicbCapability::kRegisters = {
    "0,5", "0,6", "0,7", "0,8", "0,9", "0,A", "2,0", "2,1", "4,0", "4,1", "4,2", "4,3",
    "4,4", "4,5", "4,8", "5,0", "5,1", "5,2", "5,3", "5,4", "5,5", "5,6", "5,F", "6,0"};

std::string_view CommBRegisterName(CommBRegister r) {
  static constexpr std::string_view kNames[kCommBRegisterCount] = {
      "1,0", "1,7", "2,0", "3,0", "4,0", "4,4", "4,5", "5,0", "6,0"};
  return kNames[static_cast<size_t>(r)];
}

std::optional<CommBRegister> CommBCandidates::single() const {
  if (size() != 1) return std::nullopt;
  for (size_t i = 0; i < kCommBRegisterCount; ++i) {
    const auto r = static_cast<CommBRegister>(i);
    if (Contains(r)) return r;
  }
  return std::nullopt;
}

double MachToCasKnots(double mach, double altitude_ft) {
  // pyModeS extra/aero.py: ISA troposphere to 11 km, isothermal above; mach2tas, tas2cas.
  constexpr double kFt = 0.3048, kKts = 0.514444;
  constexpr double kR = 287.05287, kGamma = 1.40;
  constexpr double kP0 = 101325.0, kRho0 = 1.225, kT0 = 288.15;
  constexpr double kLapse = 0.0065, kTropopauseT = 216.65, kTropopauseH = 11000.0;
  constexpr double kDensityExponent = 4.256848030018761, kStratosphereScale = 6341.552161;
  const double h = altitude_ft * kFt;
  const double t = std::max(kT0 - kLapse * h, kTropopauseT);
  const double rho_trop = kRho0 * std::pow(t / kT0, kDensityExponent);
  const double rho = rho_trop * std::exp(-std::max(0.0, h - kTropopauseH) / kStratosphereScale);
  const double p = rho * kR * t;
  const double tas = mach * std::sqrt(kGamma * kR * t);
  const double qdyn = p * (std::pow(1.0 + rho * tas * tas / (7.0 * p), 3.5) - 1.0);
  const double cas = std::sqrt(7.0 * kP0 / kRho0 * (std::pow(qdyn / kP0 + 1.0, 2.0 / 7.0) - 1.0));
  return cas / kKts;
}

CommBCandidates InferCommB(uint64_t mb, std::optional<int32_t> df20_altitude_ft) {
  CommBCandidates c;
  if (mb == 0) return c;  // pyModeS: "EMPTY", no register
  if (Is10(mb)) c.Add(CommBRegister::k10);
  if (Is17(mb)) c.Add(CommBRegister::k17);
  if (Is20(mb)) c.Add(CommBRegister::k20);
  if (Is30(mb)) c.Add(CommBRegister::k30);
  if (Is40(mb)) c.Add(CommBRegister::k40);
  if (Is44(mb)) c.Add(CommBRegister::k44);
  if (Is45(mb)) c.Add(CommBRegister::k45);
  if (Is50(mb)) c.Add(CommBRegister::k50);
  if (Is60(mb, df20_altitude_ft)) c.Add(CommBRegister::k60);
  return c;
}

void DecodeCommBRegister(CommBRegister r, uint64_t mb, CommB& out) {
  switch (r) {
    case CommBRegister::k10:
      out.data = Decode10(mb);
      break;
    case CommBRegister::k17:
      out.data = GicbCapability{static_cast<uint32_t>(MbField(mb, r17::kMap))};
      break;
    case CommBRegister::k20:
      out.data = std::monostate{};
      break;
    case CommBRegister::k30:
      out.data = Decode30(mb);
      break;
    case CommBRegister::k40:
      out.data = Decode40(mb);
      break;
    case CommBRegister::k44:
      out.data = Decode44(mb);
      break;
    case CommBRegister::k45:
      out.data = Decode45(mb);
      break;
    case CommBRegister::k50:
      out.data = Decode50(mb);
      break;
    case CommBRegister::k60:
      out.data = Decode60(mb);
      break;
  }
}

}  // namespace biac::formats::adsb
