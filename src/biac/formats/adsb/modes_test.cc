// Mode S replies and extended squitters against published worked examples: J. Sun, "The
// 1090 MHz Riddle" (2nd ed.), chapters 3-10, and pyModeS v3's unit tests; plus hand-built
// frames where no public vector exists (each says how it was computed).

#include "biac/formats/adsb/modes.h"

#include <gtest/gtest.h>

#include "biac/formats/adsb/crc.h"
#include "biac/formats/adsb/json.h"
#include "biac/formats/adsb/test_util.h"

namespace biac::formats::adsb {
namespace {

using testing::Bytes;
using testing::Decode;
using testing::MakeDf17;
using testing::MeSet;

TEST(Crc24, IntactExtendedSquitterHasZeroRemainder) {
  // The Riddle, ch. 3: 8D406B902015A678D4D220AA4BDA passes the parity check.
  EXPECT_EQ(ParityRemainder(Bytes("8D406B902015A678D4D220AA4BDA")), 0u);
  // Its parity field is the CRC of the first 88 bits.
  const auto bytes = Bytes("8D406B902015A678D4D220AA4BDA");
  EXPECT_EQ(Crc24(std::span<const uint8_t>(bytes.data(), 11)), 0xAA4BDAu);
}

TEST(Crc24, AddressParityRecoversTheAddress) {
  // pymodes_golden_v2.json: DF20 a000039199680030a800006a74ac is from 484B92.
  const Message m = Decode("a000039199680030a800006a74ac");
  EXPECT_EQ(m.df, 20);
  EXPECT_EQ(m.parity, ParityKind::kAddressParity);
  EXPECT_EQ(m.icao, 0x484B92u);
  EXPECT_EQ(*m.altitude_ft, 4625);
}

TEST(Crc24, SingleBitCorrection) {
  auto bytes = Bytes("8D406B902015A678D4D220AA4BDA");
  for (unsigned bit = 5; bit < 112; bit += 7) {
    auto damaged = bytes;
    damaged[bit / 8] ^= static_cast<uint8_t>(0x80u >> (bit % 8));
    auto plain = DecodeFrame(damaged);
    ASSERT_TRUE(plain.ok());
    EXPECT_FALSE(plain->crc_valid) << bit;
    auto fixed = DecodeFrame(damaged, FrameOptions{.fix_single_bit = true});
    ASSERT_TRUE(fixed.ok());
    EXPECT_TRUE(fixed->crc_valid) << bit;
    ASSERT_TRUE(fixed->corrected_bit.has_value());
    EXPECT_EQ(*fixed->corrected_bit, bit);
    EXPECT_EQ(std::vector<uint8_t>(fixed->bytes().begin(), fixed->bytes().end()), bytes);
    EXPECT_STREQ(fixed->identification.callsign.data(), "EZY85MH");
  }
  // Two flipped bits are not "corrected" into a wrong message.
  auto twice = bytes;
  twice[6] ^= 0x10;
  twice[9] ^= 0x01;
  auto m = DecodeFrame(twice, FrameOptions{.fix_single_bit = true});
  ASSERT_TRUE(m.ok());
  if (m->crc_valid) {
    // A double error may alias a single-bit syndrome only if the code allowed it; Mode S's
    // generator has distance 6 over 112 bits, so it must not.
    ADD_FAILURE() << "double error corrected at bit " << int(*m->corrected_bit);
  }
  // The DF bits are never corrected: the format would change.
  auto df_bit = bytes;
  df_bit[0] ^= 0x08;
  auto d = DecodeFrame(df_bit, FrameOptions{.fix_single_bit = true});
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->crc_valid);
}

TEST(ModeS, LengthAndFormatErrors) {
  const auto short_bytes = Bytes("8D406B902015A6");  // a DF17 cut to 56 bits
  auto r = DecodeFrame(short_bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("DF17 needs 14 bytes"), std::string::npos);
  EXPECT_FALSE(DecodeFrame(Bytes("8D406B90")).ok());
  const auto df7 = Bytes("38000000000000");  // DF7 is unassigned
  auto u = DecodeFrame(df7);
  ASSERT_FALSE(u.ok());
  EXPECT_NE(u.status().message().find("DF7"), std::string::npos);
}

TEST(ModeS, AllCallReply) {
  // pyModeS tests/test_allcall.py: DF11, CA 5, address 4CA2D4 with PI = parity (II = 0).
  const Message m = Decode("5D4CA2D4000000");
  EXPECT_EQ(m.df, 11);
  EXPECT_EQ(m.icao, 0x4CA2D4u);
  EXPECT_EQ(m.capability, 5);
}

TEST(ModeS, SurveillanceIdentityAndAltitude) {
  // pyModeS common tests: idcode("2A00516D492B80") == "0356" (DF5).
  const Message id = Decode("2A00516D492B80");
  EXPECT_EQ(id.df, 5);
  ASSERT_TRUE(id.squawk.has_value());
  EXPECT_EQ(*id.squawk, 356);
  // altcode("A02014B400000000000000F9D514") == 32300 (DF20, Q = 1).
  const Message alt = Decode("A02014B400000000000000F9D514");
  EXPECT_EQ(alt.df, 20);
  ASSERT_TRUE(alt.altitude_ft.has_value());
  EXPECT_EQ(*alt.altitude_ft, 32300);
  // idcode("A800292DFFBBA9383FFCEB903D01") == "1346" (DF21).
  const Message id21 = Decode("A800292DFFBBA9383FFCEB903D01");
  ASSERT_TRUE(id21.squawk.has_value());
  EXPECT_EQ(*id21.squawk, 1346);
}

TEST(ModeS, SquawkBitOrder) {
  // Hand-built ID fields (Annex 10 Vol IV 3.1.2.6.7.1, order C1 A1 C2 A2 C4 A4 X B1 D1 B2 D2
  // B4 D4): 7700 sets A4 A2 A1 B4 B2 B1 -> positions 1 3 5 7 9 11.
  const uint16_t id7700 = (1 << 11) | (1 << 9) | (1 << 7) | (1 << 5) | (1 << 3) | (1 << 1);
  EXPECT_EQ(IdentityToSquawk(id7700), 7700);
  EXPECT_EQ(IdentityToMode3a(id7700), 07700);
  // 0001: D1 only (position 8).
  EXPECT_EQ(IdentityToSquawk(1 << 4), 1);
  // 0010: C1 only (position 0).
  EXPECT_EQ(IdentityToSquawk(1 << 12), 10);
}

TEST(ModeS, GillhamAltitude) {
  // Hand-computed from the Gillham code definition (Annex 10 Vol IV 3.1.2.6.5.4 b):
  // -1000 ft is C2 alone (500 ft count 0, 100 ft Gray 010 = 3, 0*500 + 3*100 - 1300).
  EXPECT_EQ(AltitudeCodeToFeet(1 << (12 - 2)), -1000);
  // 200 ft: 500 ft count 2 (Gray 011: B2 B4), 100 ft count 5 (Gray 100: C1).
  EXPECT_EQ(AltitudeCodeToFeet((1 << 12) | (1 << 3) | (1 << 1)), 200);
  // 2700 ft: count 7 (Gray 100: B1), odd so the 100 ft code is reflected: 6 - 1 = 5 (C4).
  EXPECT_EQ(AltitudeCodeToFeet((1 << 8) | (1 << 5)), 2700);
  // Illegal C codes (000 with a nonzero 500 ft part) and M = 1 give no altitude.
  EXPECT_FALSE(AltitudeCodeToFeet(1 << 3).has_value());
  EXPECT_FALSE(AltitudeCodeToFeet((1 << 6) | 0x10).has_value());
  EXPECT_FALSE(AltitudeCodeToFeet(0).has_value());
  // Q = 1: N = 1 gives -975 ft.
  EXPECT_EQ(AltitudeCodeToFeet((1 << 4) | 1), -975);
}

TEST(ExtendedSquitter, Identification) {
  // The Riddle ch. 4 / pyModeS test_adsb: callsign EZY85MH, TC 4, CA 0.
  const Message m = Decode("8D406B902015A678D4D220AA4BDA");
  EXPECT_EQ(m.df, 17);
  EXPECT_EQ(m.icao, 0x406B90u);
  EXPECT_TRUE(m.crc_valid);
  EXPECT_EQ(m.typecode, 4);
  EXPECT_EQ(m.me_kind, MeKind::kIdentification);
  EXPECT_STREQ(m.identification.callsign.data(), "EZY85MH");
  EXPECT_EQ(m.identification.category, 0);
  EXPECT_EQ(EmitterCategoryName(m.identification), "A0");
  EXPECT_EQ(TypecodeBds(m.typecode), "0,8");
}

TEST(ExtendedSquitter, AirbornePosition) {
  // The Riddle ch. 5: even frame of 40621D, altitude 38000 ft.
  const Message m = Decode("8D40621D58C382D690C8AC2863A7");
  EXPECT_EQ(m.typecode, 11);
  EXPECT_EQ(m.me_kind, MeKind::kAirbornePosition);
  ASSERT_TRUE(m.altitude_ft.has_value());
  EXPECT_EQ(*m.altitude_ft, 38000);
  EXPECT_EQ(m.altitude_source, AltitudeSource::kBarometric);
  EXPECT_EQ(m.airborne.cpr.format, 0);
  EXPECT_EQ(m.airborne.cpr.lat, 93000u);
  EXPECT_EQ(m.airborne.cpr.lon, 51372u);
  const Message odd = Decode("8D40621D58C386435CC412692AD6");
  EXPECT_EQ(odd.airborne.cpr.format, 1);
  EXPECT_EQ(odd.airborne.cpr.lat, 74158u);
  EXPECT_EQ(odd.airborne.cpr.lon, 50194u);
}

TEST(ExtendedSquitter, GnssHeight) {
  // Hand-built TC 20 with 1000 m GNSS height: 3280 ft truncated (as pyModeS).
  uint64_t me = 0;
  me = MeSet(me, 0, 5, 20);
  me = MeSet(me, 8, 12, 1000);
  const auto f = MakeDf17(0xABCDEF, me);
  auto m = DecodeFrame(f);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->crc_valid);
  EXPECT_EQ(m->altitude_source, AltitudeSource::kGnss);
  EXPECT_EQ(*m->altitude_ft, 3280);
}

TEST(ExtendedSquitter, VelocityGroundSpeed) {
  // The Riddle ch. 6 / pyModeS test_bds09: subtype 1, 159 kt, 182.88 deg, -832 ft/min.
  const Message m = Decode("8D485020994409940838175B284F");
  EXPECT_EQ(m.me_kind, MeKind::kVelocity);
  const Velocity& v = m.velocity;
  EXPECT_EQ(v.subtype, 1);
  EXPECT_EQ(*v.groundspeed_kt, 159);
  EXPECT_NEAR(*v.track_deg, 182.88, 0.01);
  EXPECT_EQ(*v.vertical_rate_fpm, -832);
  EXPECT_FALSE(v.vertical_rate_baro);
  EXPECT_EQ(*v.geo_minus_baro_ft, 550);
  EXPECT_EQ(*v.east_kt, -8);     // S-EW 1 (west), V-EW 9: -(9 - 1)
  EXPECT_EQ(*v.north_kt, -159);  // S-NS 1 (south), V-NS 160
}

TEST(ExtendedSquitter, VelocityAirspeed) {
  // The Riddle ch. 6: subtype 3, heading 243.98 deg, 375 kt TAS, -2304 ft/min.
  const Message m = Decode("8DA05F219B06B6AF189400CBC33F");
  const Velocity& v = m.velocity;
  EXPECT_EQ(v.subtype, 3);
  EXPECT_NEAR(*v.heading_deg, 243.98, 0.01);
  EXPECT_EQ(*v.airspeed_kt, 375);
  EXPECT_TRUE(v.airspeed_is_true);
  EXPECT_EQ(*v.vertical_rate_fpm, -2304);
  EXPECT_FALSE(v.groundspeed_kt.has_value());
}

TEST(ExtendedSquitter, SurfaceMovement) {
  // pyModeS test_bds06 (movement codes 9, 24, 94) and DO-260B Table 2-16 band edges.
  EXPECT_DOUBLE_EQ(*Decode("8c394c0f389b1667e947db7bb8bc").surface.groundspeed_kt, 1.0);
  EXPECT_DOUBLE_EQ(*Decode("8c3461cf398d60597b4ea434c4d7").surface.groundspeed_kt, 7.5);
  EXPECT_DOUBLE_EQ(*Decode("8c3950cf3dede47bac304d3b5122").surface.groundspeed_kt, 70.0);
  EXPECT_DOUBLE_EQ(*MovementToKnots(1), 0.0);
  EXPECT_DOUBLE_EQ(*MovementToKnots(2), 0.125);
  EXPECT_DOUBLE_EQ(*MovementToKnots(38), 14.5);
  EXPECT_DOUBLE_EQ(*MovementToKnots(39), 15.0);
  EXPECT_DOUBLE_EQ(*MovementToKnots(108), 98.0);
  EXPECT_DOUBLE_EQ(*MovementToKnots(109), 100.0);
  EXPECT_DOUBLE_EQ(*MovementToKnots(123), 170.0);
  EXPECT_DOUBLE_EQ(*MovementToKnots(124), 175.0);
  EXPECT_FALSE(MovementToKnots(0).has_value());
  EXPECT_FALSE(MovementToKnots(125).has_value());
}

TEST(ExtendedSquitter, OperationalStatusAndTargetState) {
  // Hand-built version 2 airborne operational status: NIC-A 1, NACp 9, GVA 2, SIL 3.
  uint64_t me = 0;
  me = MeSet(me, 0, 5, 31);
  me = MeSet(me, 40, 3, 2);
  me = MeSet(me, 43, 1, 1);
  me = MeSet(me, 44, 4, 9);
  me = MeSet(me, 48, 2, 2);
  me = MeSet(me, 50, 2, 3);
  me = MeSet(me, 53, 1, 1);
  auto op = DecodeFrame(MakeDf17(0x123456, me));
  ASSERT_TRUE(op.ok());
  const OperationalStatus& o = op->operational_status;
  EXPECT_EQ(op->me_kind, MeKind::kOperationalStatus);
  EXPECT_EQ(o.version, 2);
  EXPECT_EQ(o.nic_a, 1);
  EXPECT_EQ(o.nac_p, 9);
  EXPECT_EQ(o.gva, 2);
  EXPECT_EQ(o.sil, 3);
  EXPECT_EQ(o.hrd, 1);
  // Target state: selected altitude 35008 ft (raw 1095: (1095 - 1) * 32), baro 1013.6 mb
  // (raw 268: 800 + 267 * 0.8), heading 90 deg (raw 128 * 180 / 256), autopilot on.
  uint64_t ts = 0;
  ts = MeSet(ts, 0, 5, 29);
  ts = MeSet(ts, 5, 2, 1);
  ts = MeSet(ts, 9, 11, 1095);
  ts = MeSet(ts, 20, 9, 268);
  ts = MeSet(ts, 29, 1, 1);
  ts = MeSet(ts, 30, 9, 128);
  ts = MeSet(ts, 39, 4, 10);
  ts = MeSet(ts, 46, 1, 1);
  ts = MeSet(ts, 47, 1, 1);
  auto t = DecodeFrame(MakeDf17(0x123456, ts));
  ASSERT_TRUE(t.ok());
  const TargetState& s = t->target_state;
  EXPECT_EQ(*s.selected_altitude_ft, 35008);
  EXPECT_NEAR(*s.baro_setting_mb, 1013.6, 1e-9);
  EXPECT_DOUBLE_EQ(*s.selected_heading_deg, 90.0);
  EXPECT_EQ(s.nac_p, 10);
  EXPECT_TRUE(s.autopilot);
  EXPECT_FALSE(s.vnav);
}

TEST(ExtendedSquitter, TargetStateVersion1) {
  // TC 29 subtype 0 (DO-260A 2.2.3.2.7.1, Doc 9871 Table B-2-98), built field by field:
  // vertical data from the MCP/FCU (1), target altitude as MSL (1), capability 1, vertical
  // mode "acquiring" (1), target altitude raw 360 = -1000 + 360 * 100 = 35000 ft; horizontal
  // data from FMS/RNAV (3), target angle 271 degrees, a track (1), mode "capturing" (2);
  // NACp 9, NIC-baro 1, SIL 2; TCAS not operational bit 0 (operational), RA active; emergency
  // state 4 (no communications).
  uint64_t me = 0;
  me = MeSet(me, 0, 5, 29);
  me = MeSet(me, 5, 2, 0);
  me = MeSet(me, 7, 2, 1);
  me = MeSet(me, 9, 1, 1);
  me = MeSet(me, 11, 2, 1);
  me = MeSet(me, 13, 2, 1);
  me = MeSet(me, 15, 10, 360);
  me = MeSet(me, 25, 2, 3);
  me = MeSet(me, 27, 9, 271);
  me = MeSet(me, 36, 1, 1);
  me = MeSet(me, 37, 2, 2);
  me = MeSet(me, 39, 4, 9);
  me = MeSet(me, 43, 1, 1);
  me = MeSet(me, 44, 2, 2);
  me = MeSet(me, 52, 1, 1);
  me = MeSet(me, 53, 3, 4);
  auto m = DecodeFrame(MakeDf17(0x123456, me));
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->me_kind, MeKind::kTargetState);
  const TargetState& t = m->target_state;
  EXPECT_EQ(t.subtype, 0);
  EXPECT_EQ(t.vertical_source, 1);
  EXPECT_TRUE(t.target_altitude_msl);
  EXPECT_EQ(t.target_altitude_capability, 1);
  EXPECT_EQ(t.vertical_mode, 1);
  EXPECT_EQ(t.target_altitude_ft, 35000);
  EXPECT_EQ(t.horizontal_source, 3);
  EXPECT_EQ(t.target_angle_deg, 271);
  EXPECT_TRUE(t.target_angle_is_track);
  EXPECT_EQ(t.horizontal_mode, 2);
  EXPECT_EQ(t.nac_p, 9);
  EXPECT_EQ(t.nic_baro, 1);
  EXPECT_EQ(t.sil, 2);
  EXPECT_TRUE(t.tcas_operational);
  EXPECT_TRUE(t.tcas_ra_active);
  EXPECT_EQ(t.emergency_state, 4);
  EXPECT_FALSE(t.selected_altitude_ft);  // a version 2 field
  const auto j = MessageToJson(*m);
  EXPECT_EQ(j["target_altitude"], 35000);
  EXPECT_EQ(j["target_altitude_source"], "MCP/FCU");
  EXPECT_EQ(j["target_altitude_reference"], "MSL");
  EXPECT_EQ(j["target_angle"], 271);
  EXPECT_EQ(j["target_angle_source"], "FMS/RNAV");
  EXPECT_EQ(j["target_angle_type"], "Track");
  EXPECT_EQ(j["tcas_ra"], true);

  // No vertical or horizontal data: no target altitude or angle; TCAS "not operational" set.
  me = MeSet(0, 0, 5, 29);
  me = MeSet(me, 15, 10, 360);
  me = MeSet(me, 51, 1, 1);
  m = DecodeFrame(MakeDf17(0x123456, me));
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->target_state.target_altitude_ft);
  EXPECT_FALSE(m->target_state.target_angle_deg);
  EXPECT_FALSE(m->target_state.tcas_operational);
  EXPECT_TRUE(MessageToJson(*m)["target_altitude"].is_null());
}

TEST(Quality, NicNucNacTables) {
  // DO-260B Table 2-14 rows and pyModeS's TC_NICv2_lookup.
  EXPECT_EQ(Nic(11, 1, 1, 0), 9);
  EXPECT_EQ(Nic(11, 0, 0, 0), 8);
  EXPECT_EQ(Nic(16, 1, 1, 0), 3);
  EXPECT_EQ(Nic(16, 0, 0, 0), 2);
  EXPECT_EQ(Nic(8, 1, 0, 1), 7);
  EXPECT_EQ(Nic(8, 0, 0, 0), 0);
  EXPECT_NEAR(*NicContainmentRadiusM(13, 6, 0, 0, 0), 926.0, 1e-9);
  EXPECT_EQ(NucP(11), 7);  // pymodes_vectors.csv: nuc_p 7 for TC 11
  EXPECT_EQ(NucP(18), 0);
  EXPECT_DOUBLE_EQ(*NacpEpuM(9), 30.0);
  EXPECT_DOUBLE_EQ(*NacpEpuM(8), 92.6);
  EXPECT_FALSE(NacpEpuM(0).has_value());
  EXPECT_DOUBLE_EQ(*NacvHorizontalMps(2), 3.0);
  EXPECT_FALSE(NacvHorizontalMps(0).has_value());
}

TEST(ModeS, AcasAndCommB) {
  // Hand-built DF16 (VS 1, SL 7, RI 3, Q-bit altitude 1000 ft: N = 80) with MV bytes;
  // the AP field carries address 0xABCDEF: AP = CRC(body) XOR address.
  std::array<uint8_t, kLongFrameBytes> f{};
  WriteBits(f, 0, 5, 16);
  WriteBits(f, 5, 1, 1);
  WriteBits(f, 8, 3, 7);
  WriteBits(f, 13, 4, 3);
  // AC: N = 80 = 0b00001010000 -> C1..A4 (6 bits) 000010, M 0, B1 1, Q 1, B2..D4 0000.
  WriteBits(f, 19, 13, 0b0000100110000);
  WriteBits(f, 32, 56, 0x30A1B2C3D4E5F6);
  const uint32_t crc = Crc24(std::span<const uint8_t>(f.data(), 11));
  WriteBits(f, 88, 24, crc ^ 0xABCDEF);
  auto m = DecodeFrame(f);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->df, 16);
  EXPECT_EQ(m->icao, 0xABCDEFu);
  EXPECT_EQ(m->vertical_status, 1);
  EXPECT_EQ(m->sensitivity_level, 7);
  EXPECT_EQ(m->reply_information, 3);
  EXPECT_EQ(*m->altitude_ft, 1000);
  EXPECT_EQ(m->mb, 0x30A1B2C3D4E5F6u);
}

}  // namespace
}  // namespace biac::formats::adsb
