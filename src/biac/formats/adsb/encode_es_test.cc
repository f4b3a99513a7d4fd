#include "biac/formats/adsb/encode_es.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>

#include "biac/formats/adsb/cpr.h"
#include "biac/formats/adsb/crc.h"
#include "biac/formats/common/hex.h"

namespace biac::formats::adsb {
namespace {

std::string Hex(const ExtendedSquitter& frame) {
  std::string out;
  char buf[3];
  for (uint8_t b : frame) {
    std::snprintf(buf, sizeof buf, "%02X", b);
    out += buf;
  }
  return out;
}

Message Decode(const std::string& hex) {
  ExtendedSquitter bytes{};
  for (size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  }
  Result<Message> m = DecodeFrame(bytes);
  EXPECT_TRUE(m.ok());
  EXPECT_TRUE(m->crc_valid);
  return *m;
}

// J. Sun, "The 1090 MHz Riddle", identification example: KLM1023, ICAO 4840D6.
TEST(AdsbEncode, IdentificationMatchesRiddleExample) {
  ExtendedSquitter frame;
  ASSERT_TRUE(
      EncodeIdentification(0x4840D6, {.typecode = 4, .category = 0, .callsign = "KLM1023"}, frame)
          .ok());
  EXPECT_EQ(Hex(frame), "8D4840D6202CC371C32CE0576098");
}

// The Riddle's airborne position pair (ICAO 40621D, 38 000 ft): both frames re-encoded from
// the positions the decoder resolves, byte for byte.
TEST(AdsbEncode, AirbornePositionMatchesRiddlePair) {
  const Message even = Decode("8D40621D58C382D690C8AC2863A7");
  const Message odd = Decode("8D40621D58C386435CC412692AD6");
  ASSERT_EQ(even.me_kind, MeKind::kAirbornePosition);
  ASSERT_TRUE(even.altitude_ft.has_value());
  EXPECT_EQ(*even.altitude_ft, 38000);
  for (const bool odd_latest : {false, true}) {
    const CprResult r = CprGlobalAirborne(even.airborne.cpr, odd.airborne.cpr, odd_latest);
    ASSERT_TRUE(r.ok());
    AirbornePositionFields f;
    f.typecode = even.typecode;
    f.altitude_ft = 38000;
    f.lat_deg = r.position.lat_deg;
    f.lon_deg = r.position.lon_deg;
    f.cpr_format = odd_latest ? 1 : 0;
    ExtendedSquitter frame;
    ASSERT_TRUE(EncodeAirbornePosition(0x40621D, f, frame, even.capability).ok());
    EXPECT_EQ(Hex(frame),
              odd_latest ? "8D40621D58C386435CC412692AD6" : "8D40621D58C382D690C8AC2863A7");
  }
}

// The Riddle's airborne velocity example (subtype 1, ICAO 485020): 159 kt, 182.88 deg,
// -832 ft/min (GNSS source), GNSS-baro difference +550 ft.
TEST(AdsbEncode, VelocityMatchesRiddleExample) {
  const Message m = Decode("8D485020994409940838175B284F");
  ASSERT_EQ(m.me_kind, MeKind::kVelocity);
  const Velocity& v = m.velocity;
  ASSERT_TRUE(v.east_kt && v.north_kt && v.vertical_rate_fpm);
  EXPECT_EQ(*v.vertical_rate_fpm, -832);
  VelocityFields f;
  f.intent_change = v.intent_change;
  f.ifr_capable = v.ifr_capable;
  f.nac_v = v.nac_v;
  f.east_kt = *v.east_kt;
  f.north_kt = *v.north_kt;
  f.vertical_rate_baro = v.vertical_rate_baro;
  f.vertical_rate_fpm = *v.vertical_rate_fpm;
  if (v.geo_minus_baro_ft) f.geo_minus_baro_ft = *v.geo_minus_baro_ft;
  ExtendedSquitter frame;
  ASSERT_TRUE(EncodeVelocity(0x485020, f, frame, m.capability).ok());
  EXPECT_EQ(Hex(frame), "8D485020994409940838175B284F");
}

TEST(AdsbEncode, OperationalStatusRoundTrips) {
  ExtendedSquitter frame;
  ASSERT_TRUE(EncodeOperationalStatus(
                  0x840123, {.nic_a = 0, .nac_p = 8, .gva = 2, .sil = 3, .nic_baro = true}, frame)
                  .ok());
  EXPECT_EQ(ParityRemainder(frame), 0u);
  const Message m = Decode(Hex(frame));
  ASSERT_EQ(m.me_kind, MeKind::kOperationalStatus);
  EXPECT_EQ(m.icao, 0x840123u);
  EXPECT_EQ(m.operational_status.version, 2);
  EXPECT_EQ(m.operational_status.nac_p, 8);
  EXPECT_EQ(m.operational_status.gva, 2);
  EXPECT_EQ(m.operational_status.sil, 3);
  EXPECT_EQ(m.operational_status.nic_baro, 1);
}

TEST(AdsbEncode, AltitudeCodeIs25FootQ1) {
  // N = (38000 + 1000) / 25 = 1560 = 0b110_0001_1000: 1100001 Q 1000 = 0xC38.
  EXPECT_EQ(EncodeAltitude12(38000), 0xC38);
  EXPECT_EQ(EncodeAltitude12(-1000), 0x010);
  EXPECT_FALSE(EncodeAltitude12(-1100).has_value());
  EXPECT_FALSE(EncodeAltitude12(60000).has_value());
  for (int ft = -1000; ft <= 50175; ft += 25 * 37) {
    const std::optional<uint16_t> alt12 = EncodeAltitude12(ft);
    ASSERT_TRUE(alt12);
    // The 13-bit AC field has the M bit (0) inserted after the 6th bit (Annex 10 3.1.2.6.5.4).
    const uint16_t ac13 = static_cast<uint16_t>(((*alt12 & 0xFC0) << 1) | (*alt12 & 0x3F));
    EXPECT_EQ(AltitudeCodeToFeet(ac13), ft);
  }
}

// An even/odd pair of any position decodes globally to it within the CPR resolution:
// Dlat / 2^17 (about 5.1 m) in latitude, Dlon / 2^17 in longitude.
TEST(AdsbEncode, CprPairsDecodeWithinResolution) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> lat(-86.0, 86.0), lon(-180.0, 180.0);
  int checked = 0;
  for (int i = 0; i < 2000; ++i) {
    const double la = lat(rng), lo = lon(rng);
    const CprFields even = CprEncodeAirborne(la, lo, 0);
    const CprFields odd = CprEncodeAirborne(la, lo, 1);
    const CprResult r = CprGlobalAirborne(even, odd, (i & 1) != 0);
    if (r.error == CprError::kZoneStraddle) continue;  // near an NL boundary: legitimately none
    ASSERT_TRUE(r.ok()) << la << " " << lo;
    ++checked;
    const double dlat = 360.0 / 59.0 / 131072.0;
    EXPECT_LE(std::abs(r.position.lat_deg - la), dlat) << la << " " << lo;
    double dlon = std::abs(r.position.lon_deg - lo);
    dlon = std::min(dlon, 360.0 - dlon);
    EXPECT_LE(dlon * std::cos(la * M_PI / 180.0), 360.0 / 131072.0) << la << " " << lo;
  }
  EXPECT_GT(checked, 1900);
}

TEST(AdsbEncode, RejectsOutOfRangeFields) {
  ExtendedSquitter frame;
  Status s = EncodeVelocity(0x123456, {.east_kt = 1500.0}, frame);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("V-EW"), std::string::npos) << s.message();
  s = EncodeIdentification(0x123456, {.callsign = "AB-12"}, frame);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'-'"), std::string::npos) << s.message();
  s = EncodeAirbornePosition(0x123456, {.typecode = 19}, frame);
  EXPECT_FALSE(s.ok());
  s = EncodeAirbornePosition(0x1234567, {}, frame);
  EXPECT_FALSE(s.ok());
}

}  // namespace
}  // namespace biac::formats::adsb
