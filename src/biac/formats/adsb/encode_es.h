#pragma once

// Encoding DF17 extended squitters (1090ES ADS-B): the inverse of modes.h (DecodeFrame) and
// cpr.h for the messages the simulator and the load generator send.
//
// References (bit numbers count from 0 at the first bit of the 112-bit reply, or of the
// 56-bit ME field where marked ME):
// - ICAO Annex 10 Vol IV (5th ed., 2014) 3.1.2.8.6: DF17 = DF(5) CA(3) AA(24) ME(56) PI(24);
//   PI is the CRC-24 of the first 88 bits (3.1.2.3.3, crc.h).
// - RTCA DO-260B 2.2.3.2.3 airborne position (TC 9-18, barometric altitude): ME TC(5) SS(2)
//   NICsb(1) ALT(12) T(1) F(1) LAT-CPR(17) LON-CPR(17); ALT is the 13-bit AC field without
//   its M bit, Q = 1: 25 ft steps from -1000 ft (Annex 10 3.1.2.6.5.4).
// - DO-260B Appendix A, A.1.7.3: CPR encoding (NZ = 15, Nb = 17), the zone sizes
//   Dlat_i = 360 / (4 NZ - i), Dlon_i = 360 / max(NL(Rlat_i) - i, 1), YZ_i and XZ_i rounded
//   to the nearest 2^-17 of a zone and kept modulo 2^17 (J. Sun, "The 1090 MHz Riddle",
//   2nd ed. 2021, ch. "Airborne position").
// - DO-260B 2.2.3.2.6.1 airborne velocity subtype 1 (ground speed, subsonic): ME TC(5)=19
//   ST(3)=1 IC(1) IFR(1) NACv(3) S-EW(1) V-EW(10) S-NS(1) V-NS(10) VrSrc(1) S-Vr(1) Vr(9)
//   reserved(2) S-Dif(1) Dif(7); speeds in knots + 1 (0 = not available, 1023 = more than
//   1021.5 kt), vertical rate in 64 ft/min + 1, GNSS-minus-baro in 25 ft + 1.
// - DO-260B 2.2.3.2.5 identification (TC 1-4): ME TC(5) CA(3) 8 x 6-bit characters of the
//   ICAO alphabet (Annex 10 Vol IV Table 3-9: A-Z = 1-26, space = 32, 0-9 = 48-57).
// - DO-260B 2.2.3.2.7.2 operational status, airborne (TC 31 ST 0), version 2: ME TC(5) ST(3)
//   CC(16) OM(16) VN(3) NIC-A(1) NACp(4) GVA(2) SIL(2) NICbaro(1) HRD(1) SIL-S(1) reserved(1).
//   Not asked for by the decoder's minimum, but without it a receiver cannot know the NACp
//   and the observation mapper falls back to NUCp (observation.h).
//
// Round trip: DecodeFrame(Encode*(x)) gives back every field set here; a CPR even/odd pair
// decodes (CprGlobalAirborne) to the encoded position within the CPR resolution
// (Dlat / 2^17: 5.1 m of latitude, at most 10.2 m of longitude at the equator).

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "biac/base/status.h"
#include "biac/formats/adsb/modes.h"

namespace biac::formats::adsb {

using ExtendedSquitter = std::array<uint8_t, kLongFrameBytes>;

// CA (capability) of a DF17 from an airborne transponder of level 2 or above (Annex 10
// Vol IV 3.1.2.5.2.2.1: 5 = airborne).
inline constexpr uint8_t kCapabilityAirborne = 5;

// CPR encoding of an airborne position (format 0 even, 1 odd).
CprFields CprEncodeAirborne(double lat_deg, double lon_deg, uint8_t format);

struct AirbornePositionFields {
  uint8_t typecode = 11;  // 9..18 (barometric altitude); sets NIC/NUCp (DO-260B Table 2-14)
  uint8_t surveillance_status = 0;
  uint8_t nic_b = 0;
  bool time_sync = false;
  std::optional<double> altitude_ft;  // pressure altitude, -1000..50175 ft (rounded to 25 ft);
                                      // nullopt: ALT 0 (no altitude)
  double lat_deg = 0.0;
  double lon_deg = 0.0;
  uint8_t cpr_format = 0;  // 0 even, 1 odd
};

struct VelocityFields {  // subtype 1 (ground speed, subsonic)
  bool intent_change = false;
  bool ifr_capable = false;
  uint8_t nac_v = 0;
  double east_kt = 0.0;  // rounded to whole knots; |v| <= 1021 kt
  double north_kt = 0.0;
  bool vertical_rate_baro = true;
  std::optional<double> vertical_rate_fpm;  // rounded to 64 ft/min; |v| <= 32 576
  std::optional<double> geo_minus_baro_ft;  // rounded to 25 ft; |d| <= 3 125
};

struct IdentificationFields {
  uint8_t typecode = 4;       // 4 = set A ... 1 = set D
  uint8_t category = 0;       // emitter category within the set (A3 = typecode 4, category 3)
  std::string_view callsign;  // up to 8 characters of A-Z, 0-9 and space
};

struct OperationalStatusFields {  // airborne, version 2
  uint16_t capability_class = 0;
  uint16_t operational_mode = 0;
  uint8_t nic_a = 0;
  uint8_t nac_p = 0;
  uint8_t gva = 0;
  uint8_t sil = 0;
  bool nic_baro = false;
  bool sil_per_sample = false;
};

// Each writes a complete DF17 (CA `capability`, address `icao`, the ME, parity). Errors name
// the message and field whose value does not fit ("velocity: V-EW 1500 kt exceeds 1021 kt").
Status EncodeAirbornePosition(uint32_t icao, const AirbornePositionFields& fields,
                              ExtendedSquitter& out, uint8_t capability = kCapabilityAirborne);
Status EncodeVelocity(uint32_t icao, const VelocityFields& fields, ExtendedSquitter& out,
                      uint8_t capability = kCapabilityAirborne);
Status EncodeIdentification(uint32_t icao, const IdentificationFields& fields,
                            ExtendedSquitter& out, uint8_t capability = kCapabilityAirborne);
Status EncodeOperationalStatus(uint32_t icao, const OperationalStatusFields& fields,
                               ExtendedSquitter& out, uint8_t capability = kCapabilityAirborne);

// The 12-bit ALT field (Q = 1, 25 ft) of a pressure altitude rounded to 25 ft; nullopt
// outside -1000..50175 ft.
std::optional<uint16_t> EncodeAltitude12(double altitude_ft);

}  // namespace biac::formats::adsb
