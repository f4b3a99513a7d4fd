#pragma once

// Mode S downlink replies and the ADS-B extended squitter (1090ES) they carry: bytes in,
// a typed Message out, without allocation.
//
// References (bit numbers below count from 0 at the first bit of the reply; the standards
// count from 1):
// - ICAO Annex 10 Volume IV, 5th edition (2014), 3.1.2: downlink formats DF 0, 4, 5, 11, 16,
//   17, 18, 20, 21, 24 and their fields (Figure 3-8), parity (3.1.2.3.3), the altitude code
//   AC (3.1.2.6.5.4) and the identity code ID (3.1.2.6.7.1).
// - RTCA DO-260B (2009) / EUROCAE ED-102A, 2.2.3.2: the ME field of DF17/18 by type code
//   (identification 2.2.3.2.5, airborne position 2.2.3.2.3, surface position 2.2.3.2.4,
//   airborne velocity 2.2.3.2.6, target state and status 2.2.3.2.7.1, operational status
//   2.2.3.2.7.2), with the NIC/NACp/NACv/SIL quality indicators (2.2.3.2.7.2.6 to .10).
// - J. Sun, "The 1090 MHz Riddle" (2nd edition, 2021), the worked examples used in tests.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "biac/base/status.h"
#include "biac/formats/adsb/commb.h"

namespace biac::formats::adsb {

inline constexpr size_t kShortFrameBytes = 7;  // 56-bit reply
inline constexpr size_t kLongFrameBytes = 14;  // 112-bit reply
inline constexpr size_t kCallsignChars = 8;

struct FrameOptions {
  // Correct a single flipped bit in a DF17/18 whose parity fails (outside the DF field).
  bool fix_single_bit = false;
};

// How the parity field of a reply is used (Annex 10 Vol IV, 3.1.2.3.3.2).
enum class ParityKind : uint8_t {
  kAddressParity,  // AP: parity overlaid with the address (DF 0, 4, 5, 16, 20, 21, 24)
  kParityOnly,     // PI: bare parity (DF17/18), or overlaid with an interrogator id (DF11)
};

// What the ME field of a DF17/18 carries, from its type code (DO-260B Table 2-13).
enum class MeKind : uint8_t {
  kNone,               // not an extended squitter, or a format whose ME is not decoded
  kNoPosition,         // TC 0
  kIdentification,     // TC 1-4
  kSurfacePosition,    // TC 5-8
  kAirbornePosition,   // TC 9-18 (barometric altitude), 20-22 (GNSS height)
  kVelocity,           // TC 19
  kAircraftStatus,     // TC 28
  kTargetState,        // TC 29
  kOperationalStatus,  // TC 31
  kReserved,           // TC 23-27, 30: kept as raw ME
};

enum class AltitudeSource : uint8_t { kNone, kBarometric, kGnss };

// Compact Position Reporting fields of a position squitter (DO-260B A.1.7).
struct CprFields {
  uint8_t format = 0;  // 0 even, 1 odd
  uint32_t lat = 0;    // 17-bit YZ
  uint32_t lon = 0;    // 17-bit XZ
};

struct Identification {
  uint8_t category = 0;                             // CA: emitter category within the set
  std::array<char, kCallsignChars + 1> callsign{};  // NUL-terminated, trailing spaces removed
  char category_set = 0;                            // 'A'..'D' (TC 4..1)
};

struct AirbornePosition {
  uint8_t surveillance_status = 0;  // SS: 0 none, 1 permanent alert, 2 temporary, 3 SPI
  uint8_t nic_b = 0;                // NIC supplement-B (version 2) / single antenna flag
  bool time_sync = false;           // T: UTC-synchronised epoch
  CprFields cpr;
};

struct SurfacePosition {
  uint8_t movement = 0;                  // MOV code
  std::optional<double> groundspeed_kt;  // from MOV (DO-260B Table 2-16)
  bool track_valid = false;
  double track_deg = 0.0;  // ground track, clockwise from true north
  bool time_sync = false;
  CprFields cpr;
};

struct Velocity {
  uint8_t subtype = 0;  // 1, 2 ground speed; 3, 4 airspeed (2, 4 supersonic)
  bool intent_change = false;
  bool ifr_capable = false;
  uint8_t nac_v = 0;  // NACv (versions 1, 2) / NUCr (version 0)
  // Subtypes 1, 2: signed components in knots, east and north positive.
  std::optional<int32_t> east_kt;
  std::optional<int32_t> north_kt;
  std::optional<int32_t> groundspeed_kt;  // truncated to whole knots, as pyModeS
  std::optional<double> track_deg;        // from the unrounded components
  // Subtypes 3, 4.
  std::optional<double> heading_deg;  // magnetic heading (true in some installations)
  std::optional<int32_t> airspeed_kt;
  bool airspeed_is_true = false;  // TAS, else IAS
  // All subtypes.
  bool vertical_rate_baro = false;  // source: barometric, else GNSS
  std::optional<int32_t> vertical_rate_fpm;
  std::optional<int32_t> geo_minus_baro_ft;
};

// Target state and status (TC 29). Subtype 1 (version 2): DO-260B 2.2.3.2.7.1. Subtype 0
// (version 1): DO-260A 2.2.3.2.7.1 / ICAO Doc 9871 Table B-2-98, target altitude and
// heading/track with their sources and modes.
struct TargetState {
  uint8_t subtype = 0;
  // Both subtypes.
  uint8_t nac_p = 0;
  uint8_t nic_baro = 0;
  uint8_t sil = 0;
  // Subtype 1.
  uint8_t sil_supplement = 0;
  bool selected_altitude_fms = false;  // source of the selected altitude: FMS, else MCP/FCU
  std::optional<int32_t> selected_altitude_ft;
  std::optional<double> baro_setting_mb;
  std::optional<double> selected_heading_deg;
  bool mode_status = false;  // the mode flags below are valid
  bool autopilot = false;
  bool vnav = false;
  bool altitude_hold = false;
  bool approach = false;
  bool lnav = false;
  bool tcas_operational = false;  // subtype 0: from its "TCAS not operational" bit, inverted
  // Subtype 0.
  uint8_t vertical_source = 0;       // 0 none, 1 MCP/FCU, 2 holding altitude, 3 FMS/RNAV
  bool target_altitude_msl = false;  // else a flight level (pressure altitude)
  uint8_t target_altitude_capability = 0;
  uint8_t vertical_mode = 0;                  // 0 unknown, 1 acquiring, 2 capturing or maintaining
  std::optional<int32_t> target_altitude_ft;  // when vertical_source != 0
  uint8_t horizontal_source = 0;            // 0 none, 1 MCP/FCU, 2 maintaining current, 3 FMS/RNAV
  std::optional<int32_t> target_angle_deg;  // when horizontal_source != 0
  bool target_angle_is_track = false;       // else a heading
  uint8_t horizontal_mode = 0;              // as vertical_mode
  bool tcas_ra_active = false;
  uint8_t emergency_state = 0;
};

struct OperationalStatus {  // TC 31 (DO-260B 2.2.3.2.7.2)
  uint8_t subtype = 0;      // 0 airborne, 1 surface
  uint8_t version = 0;      // 0 DO-260, 1 DO-260A, 2 DO-260B
  uint16_t capability_class = 0;
  uint16_t operational_mode = 0;
  uint8_t nic_a = 0;  // NIC supplement-A
  uint8_t nic_c = 0;  // NIC supplement-C (surface, version 2)
  uint8_t nac_p = 0;
  uint8_t gva = 0;  // geometric vertical accuracy (airborne, version 2)
  uint8_t sil = 0;
  uint8_t nic_baro = 0;        // airborne; track/heading flag on the surface
  uint8_t hrd = 0;             // horizontal reference direction: 0 true, 1 magnetic
  uint8_t sil_supplement = 0;  // 0 per hour, 1 per sample
  uint8_t length_width = 0;    // surface
};

// One decoded reply. Fields that a format does not carry stay at their defaults.
struct Message {
  std::array<uint8_t, kLongFrameBytes> frame{};  // the reply as decoded (after correction)
  uint8_t length = 0;                            // 7 or 14 bytes
  uint8_t df = 0;                                // 0..24 (24 for every "11xxx")
  uint32_t icao = 0;                             // AA, or recovered from the AP field
  ParityKind parity = ParityKind::kAddressParity;
  // PI formats: the parity verifies (DF11: up to the interrogator id). AP formats: false
  // (the address is recovered from the parity and nothing is left to check).
  bool crc_valid = false;
  uint32_t remainder = 0;                // CRC remainder of the reply as received
  std::optional<uint8_t> corrected_bit;  // the bit fixed by single-bit correction
  uint8_t interrogator_id = 0;           // DF11: II/SI code recovered from PI

  // Header fields (present per DF; see Annex 10 Vol IV Figure 3-8).
  uint8_t capability = 0;         // CA (DF11, 17)
  uint8_t control_field = 0;      // CF (DF18)
  uint8_t flight_status = 0;      // FS (DF4, 5, 20, 21)
  uint8_t downlink_request = 0;   // DR
  uint8_t utility_message = 0;    // UM
  uint8_t vertical_status = 0;    // VS (DF0, 16): 1 on the ground
  uint8_t cross_link = 0;         // CC (DF0)
  uint8_t sensitivity_level = 0;  // SL (DF0, 16)
  uint8_t reply_information = 0;  // RI (DF0, 16)
  uint16_t altitude_code = 0;     // AC, 13 bits (DF0, 4, 16, 20)
  uint16_t identity_code = 0;     // ID, 13 bits (DF5, 21)

  std::optional<int32_t> altitude_ft;  // AC, or the ADS-B position's altitude
  AltitudeSource altitude_source = AltitudeSource::kNone;
  std::optional<uint16_t> squawk;  // four octal digits as a number, 7700 = 07700
  uint64_t mb = 0;                 // MB (DF20/21), MV (DF16), ME (DF17/18)
  // DF20/21: the registers the MB is consistent with and, when only one is, its fields
  // (commb.h). Register 2,0's callsign goes into `identification`.
  CommB commb;

  // Extended squitter (DF17, and DF18 with CF 0, 1, 2, 5, 6).
  uint8_t typecode = 0;
  MeKind me_kind = MeKind::kNone;
  Identification identification;  // ES type codes 1-4, or the callsign of Comm-B register 2,0
  AirbornePosition airborne;
  SurfacePosition surface;
  Velocity velocity;
  TargetState target_state;
  OperationalStatus operational_status;
  uint8_t emergency_state = 0;  // TC 28 subtype 1

  std::span<const uint8_t> bytes() const { return {frame.data(), length}; }
  bool is_extended_squitter() const { return me_kind != MeKind::kNone; }
  bool is_commb_identification() const { return commb.bds == CommBRegister::k20; }
  bool has_position() const {
    return me_kind == MeKind::kAirbornePosition || me_kind == MeKind::kSurfacePosition;
  }
  const CprFields* cpr() const {
    if (me_kind == MeKind::kAirbornePosition) return &airborne.cpr;
    if (me_kind == MeKind::kSurfacePosition) return &surface.cpr;
    return nullptr;
  }
};

// Decodes one reply of 7 or 14 bytes into `out` (every field reset). Errors: a length that
// does not match the DF, an unassigned DF. A failed parity is not an error here: it shows
// in crc_valid (callers decide; `biac decode` reports it as a bad record).
Status DecodeFrame(std::span<const uint8_t> bytes, const FrameOptions& options, Message& out);
Result<Message> DecodeFrame(std::span<const uint8_t> bytes, const FrameOptions& options = {});

// The 13-bit AC field to feet (Annex 10 Vol IV 3.1.2.6.5.4): Q = 1 gives 25 ft steps from
// -1000 ft, Q = 0 the Gillham (Gray) code in 100 ft steps; M = 1 (metric) and illegal Gillham
// codes give nullopt.
std::optional<int32_t> AltitudeCodeToFeet(uint16_t ac13);
// The 13-bit ID field to the Mode A code as four octal digits in one number (7700 -> 7700).
uint16_t IdentityToSquawk(uint16_t id13);
// The 12-bit ID field value (A4 A2 A1 B4 B2 B1 C4 C2 C1 D4 D2 D1, the Observation's form).
uint16_t IdentityToMode3a(uint16_t id13);
// Surface movement code to knots (DO-260B Table 2-16); nullopt for 0 and 125..127.
std::optional<double> MovementToKnots(uint8_t movement);

// Position quality from the type code (DO-260B Table 2-14 for NIC, DO-260 for NUCp).
// NIC needs the supplements from the aircraft's operational status (A, C) and the
// position message (B); pass zeros when unknown.
uint8_t NucP(uint8_t typecode);
uint8_t Nic(uint8_t typecode, uint8_t nic_a, uint8_t nic_b, uint8_t nic_c);
// The containment radius bound Rc of a NIC value in metres (nullopt: unknown).
std::optional<double> NicContainmentRadiusM(uint8_t typecode, uint8_t nic, uint8_t nic_a,
                                            uint8_t nic_b, uint8_t nic_c);
// 95% horizontal position accuracy (EPU) bound of a NACp in metres (DO-260B Table 2-70);
// nullopt for 0 (unknown).
std::optional<double> NacpEpuM(uint8_t nac_p);
// 95% horizontal velocity accuracy (HFOMr) bound of a NACv in m/s (DO-260B Table 2-23) and
// the vertical one (VFOMr); nullopt for 0 (unknown) and 5..7.
std::optional<double> NacvHorizontalMps(uint8_t nac_v);
std::optional<double> NacvVerticalMps(uint8_t nac_v);
// NUCp's 95% horizontal containment (RCu) in metres (DO-260 Table 2-13); nullopt for 0.
std::optional<double> NucpRcuM(uint8_t nuc_p);

// The Comm-B register an extended squitter's type code corresponds to ("0,5" for airborne
// position; DO-260B Table 2-13), as pyModeS reports it; empty for reserved type codes.
std::string_view TypecodeBds(uint8_t typecode);

// "A3"-style emitter category ('A' set = TC 4 ... 'D' set = TC 1); empty when not set.
std::string_view EmitterCategoryName(const Identification& id);

}  // namespace biac::formats::adsb
