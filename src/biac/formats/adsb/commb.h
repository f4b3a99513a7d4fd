#pragma once

// Comm-B registers: the 56-bit MB field of DF20/21 replies, and which register it holds.
//
// A Comm-B reply does not say which register (BDS code) its MB carries: the ground
// interrogator chose it, and only the interrogation knows. Like pyModeS (2.21.1,
// decoder/bds/__init__.py infer(msg, mrar=True), the version that produced
// testdata/adsb/pymodes_golden_v2.json), biac tests every register it knows against the MB:
// the format identifier byte where the register has one (1,0, 2,0, 3,0), every status bit
// consistent with its field (a field whose status bit is 0 must be all zeros), reserved bits
// zero, and decoded values within physical ranges. The register is reported only when
// exactly one candidate remains; otherwise the candidates are (pyModeS reports
// "BDS50,BDS60"). The rules are pyModeS 2's, field for field (see InferCommB in commb.cc),
// so that the inference agrees with the reference on the golden vectors.
//
// Layouts: ICAO Doc 9871 (Technical Provisions for Mode S Services and Extended Squitter,
// 2nd edition, 2012), Appendix A, Tables A-2-16 (1,0), A-2-23 (1,7), A-2-32 (2,0), A-2-48
// (3,0; Annex 10 Vol IV 4.3.8.4.2.2 for the ARA/RAC bits), A-2-64 (4,0), A-2-68 (4,4),
// A-2-69 (4,5), A-2-80 (5,0) and A-2-96 (6,0). Bit numbers in commb.cc count from 0 at the
// first MB bit (the tables count from 1).

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

namespace biac::formats::adsb {

// The registers biac infers, in pyModeS's (sorted) candidate order.
enum class CommBRegister : uint8_t {
  k10,  // data link capability report
  k17,  // common usage GICB capability report
  k20,  // aircraft identification
  k30,  // ACAS active resolution advisory
  k40,  // selected vertical intention
  k44,  // meteorological routine air report (MRAR)
  k45,  // meteorological hazard report (MHR)
  k50,  // track and turn report
  k60,  // heading and speed report
};
inline constexpr size_t kCommBRegisterCount = 9;

// "1,0", "4,4", ... (the notation pyModeS 3 and DO-260B use).
std::string_view CommBRegisterName(CommBRegister r);

// The set of registers an MB is consistent with.
class CommBCandidates {
 public:
  constexpr void Add(CommBRegister r) { bits_ |= Bit(r); }
  constexpr bool Contains(CommBRegister r) const { return (bits_ & Bit(r)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr size_t size() const {
    size_t n = 0;
    for (uint16_t b = bits_; b != 0; b &= static_cast<uint16_t>(b - 1)) ++n;
    return n;
  }
  // The only candidate, when there is exactly one.
  std::optional<CommBRegister> single() const;
  constexpr uint16_t bits() const { return bits_; }

 private:
  static constexpr uint16_t Bit(CommBRegister r) {
    return static_cast<uint16_t>(1u << static_cast<unsigned>(r));
  }
  uint16_t bits_ = 0;
};

struct DataLinkCapability {  // 1,0 (Table A-2-16)
  bool continuation = false;
  bool overlay_command = false;  // OVC
  bool acas_operational = false;
  uint8_t subnetwork_version = 0;  // Mode S subnetwork version number
  bool level5 = false;             // transponder enhanced protocol (level 5)
  bool specific_services = false;  // Mode S specific services capability
  uint8_t uplink_elm = 0;          // uplink ELM average throughput
  uint8_t downlink_elm = 0;        // downlink ELM throughput
  bool aircraft_identification = false;
  bool squitter = false;
  bool surveillance_identifier = false;  // SI code capability
  bool common_usage_gicb = false;
  bool acas_hybrid_surveillance = false;
  bool acas_resolution_advisory = false;  // generates TA and RA
  uint8_t acas_version = 0;               // RTCA DO-185 version bits
  uint16_t dte_status = 0;                // data terminal equipment sub-address status
};

struct GicbCapability {  // 1,7 (Table A-2-23)
  uint32_t map = 0;      // 24 bits, first bit (the MSB here) = register 0,5
  // The register each map bit stands for, first bit first ("0,5", "0,6", ..., "6,0").
  static const std::array<std::string_view, 24> kRegisters;
  bool supports(size_t index) const { return (map >> (kRegisters.size() - 1 - index)) & 1u; }
};

struct AcasResolutionAdvisory {  // 3,0 (Table A-2-48): reported, never acted upon
  uint16_t ara = 0;              // 14 active RA bits (Annex 10 Vol IV 4.3.8.4.2.2.1.1)
  uint8_t rac = 0;               // 4 RA complement bits
  // ARA bits when the first is 1 (one threat, or all threats in the same sense).
  bool issued_ra = false;
  bool corrective = false;
  bool downward_sense = false;
  bool increased_rate = false;
  bool sense_reversal = false;
  bool altitude_crossing = false;
  bool positive = false;
  bool no_below = false, no_above = false, no_left = false, no_right = false;  // RAC
  bool ra_terminated = false;
  bool multiple_threat = false;
  uint8_t threat_type = 0;  // TTI: 0 none, 1 Mode S address, 2 altitude, range and bearing
  std::optional<uint32_t> threat_icao;
  std::optional<int32_t> threat_altitude_ft;
  std::optional<double> threat_range_nm;
  std::optional<int32_t> threat_bearing_deg;
};

struct SelectedVerticalIntention {  // 4,0 (Table A-2-64)
  std::optional<int32_t> selected_altitude_mcp_ft;
  std::optional<int32_t> selected_altitude_fms_ft;
  std::optional<double> baro_setting_mb;
  bool mode_status = false;  // the three mode bits are valid
  bool vnav = false, altitude_hold = false, approach = false;
  // 0 unknown, 1 aircraft altitude, 2 MCP/FCU selected altitude, 3 FMS selected altitude.
  std::optional<uint8_t> target_altitude_source;
};

struct MeteoRoutineReport {     // 4,4 (Table A-2-68)
  uint8_t figure_of_merit = 0;  // FOM/source
  std::optional<int32_t> wind_speed_kt;
  std::optional<double> wind_direction_deg;
  double static_air_temperature_c = 0.0;  // no status bit in the layout
  std::optional<int32_t> static_pressure_hpa;
  std::optional<uint8_t> turbulence;  // 0 nil, 1 light, 2 moderate, 3 severe
  std::optional<double> humidity_pct;
};

struct MeteoHazardReport {  // 4,5 (Table A-2-69); levels 0 nil, 1 light, 2 moderate, 3 severe
  std::optional<uint8_t> turbulence, wind_shear, microburst, icing, wake_vortex;
  std::optional<double> static_air_temperature_c;
  std::optional<int32_t> static_pressure_hpa;
  std::optional<int32_t> radio_height_ft;
};

struct TrackAndTurn {                    // 5,0 (Table A-2-80)
  std::optional<double> roll_deg;        // negative: left wing down
  std::optional<double> true_track_deg;  // 0..360
  std::optional<int32_t> groundspeed_kt;
  std::optional<double> track_rate_dps;  // degrees per second
  std::optional<int32_t> true_airspeed_kt;
};

struct HeadingAndSpeed {                       // 6,0 (Table A-2-96)
  std::optional<double> magnetic_heading_deg;  // 0..360
  std::optional<int32_t> indicated_airspeed_kt;
  std::optional<double> mach;
  std::optional<int32_t> baro_vertical_rate_fpm;
  std::optional<int32_t> inertial_vertical_rate_fpm;
};

// What a DF20/21 MB holds. `data` has the register's fields when `bds` is set (2,0 puts its
// callsign into Message::identification instead); an ambiguous MB keeps only the candidates.
struct CommB {
  CommBCandidates candidates;
  std::optional<CommBRegister> bds;  // the single candidate
  std::variant<std::monostate, DataLinkCapability, GicbCapability, AcasResolutionAdvisory,
               SelectedVerticalIntention, MeteoRoutineReport, MeteoHazardReport, TrackAndTurn,
               HeadingAndSpeed>
      data;
};

// The registers an MB is consistent with. `df20_altitude_ft` is the altitude of a DF20
// reply (nullopt for DF21 or no altitude): pyModeS 2 rejects 6,0 when its Mach and IAS
// disagree by more than 20 kt at that altitude in the ISA.
CommBCandidates InferCommB(uint64_t mb56, std::optional<int32_t> df20_altitude_ft);

// Decodes `mb56` as register `r` into `out.data` (2,0 leaves it empty: its callsign is
// decoded by modes.cc into Message::identification).
void DecodeCommBRegister(CommBRegister r, uint64_t mb56, CommB& out);

// ISA calibrated airspeed of a Mach number at a pressure altitude (pyModeS extra/aero.py
// mach2cas with its atmosphere model), in knots.
double MachToCasKnots(double mach, double altitude_ft);

}  // namespace biac::formats::adsb
