// ADS-B messages to model::Observation: quality indicators to covariances (DO-260B bounds,
// converted as observation.h explains), velocity, identity and the source's label.

#include "biac/formats/adsb/observation.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <span>
#include <string>
#include <string_view>

#include "biac/base/bits.h"
#include "biac/formats/adsb/crc.h"
#include "biac/formats/adsb/test_util.h"

namespace biac::formats::adsb {
namespace {

using testing::Decode;
using testing::MakeDf17;
using testing::MeSet;

constexpr uint32_t kIcao = 0x40621D;

Message OperationalStatusV2(uint8_t nac_p) {
  uint64_t me = 0;
  me = MeSet(me, 0, 5, 31);
  me = MeSet(me, 40, 3, 2);  // version 2
  me = MeSet(me, 44, 4, nac_p);
  auto m = DecodeFrame(MakeDf17(kIcao, me));
  EXPECT_TRUE(m.ok());
  return *m;
}

Message Identification() {
  // TC 3 (set B), CA 1, callsign "TEST1   ": T=20 E=5 S=19 T=20 '1'=49 then spaces (32).
  uint64_t me = 0;
  me = MeSet(me, 0, 5, 3);
  me = MeSet(me, 5, 3, 1);
  const uint8_t chars[8] = {20, 5, 19, 20, 49, 32, 32, 32};
  for (unsigned i = 0; i < 8; ++i) me = MeSet(me, 8 + 6 * i, 6, chars[i]);
  auto m = DecodeFrame(MakeDf17(kIcao, me));
  EXPECT_TRUE(m.ok());
  return *m;
}

Message Velocity(uint8_t nac_v) {
  // Subtype 1: 100 kt east (raw 101), 200 kt south (sign 1, raw 201), climbing 640 ft/min
  // (raw 11), GNSS minus baro +250 ft (raw 11).
  uint64_t me = 0;
  me = MeSet(me, 0, 5, 19);
  me = MeSet(me, 5, 3, 1);
  me = MeSet(me, 10, 3, nac_v);
  me = MeSet(me, 14, 10, 101);
  me = MeSet(me, 24, 1, 1);
  me = MeSet(me, 25, 10, 201);
  me = MeSet(me, 37, 9, 11);
  me = MeSet(me, 49, 7, 11);
  auto m = DecodeFrame(MakeDf17(kIcao, me));
  EXPECT_TRUE(m.ok());
  return *m;
}

ObservationOptions Options() {
  ObservationOptions o;
  o.source.id = "adsb-test";
  o.sensor = "receiver-1";
  return o;
}

TEST(ObservationMapper, PositionWithNacpVelocityAndIdentity) {
  ObservationMapper mapper(Options());
  PositionDecoder positions;
  const Timestamp t0 = Timestamp::FromSeconds(1000.0);
  EXPECT_FALSE(mapper.Map(OperationalStatusV2(9), t0, nullptr).has_value());
  EXPECT_FALSE(mapper.Map(Identification(), t0, nullptr).has_value());
  EXPECT_FALSE(mapper.Map(Velocity(2), t0, nullptr).has_value());

  // The Riddle's pair (relabelled to this address): the odd frame gives no position yet.
  Message even = Decode("8D40621D58C382D690C8AC2863A7");
  Message odd = Decode("8D40621D58C386435CC412692AD6");
  PositionUpdate u = positions.Update(kIcao, 1000.5, odd.airborne.cpr, false);
  EXPECT_FALSE(mapper.Map(odd, Timestamp::FromSeconds(1000.5), &u).has_value());
  u = positions.Update(kIcao, 1001.0, even.airborne.cpr, false);
  auto obs = mapper.Map(even, Timestamp::FromSeconds(1001.0), &u);
  ASSERT_TRUE(obs.has_value());
  EXPECT_EQ(obs->source, "adsb-test");
  EXPECT_EQ(obs->sensor, "receiver-1");
  EXPECT_EQ(obs->source_kind, model::SourceKind::kAdsb);
  EXPECT_EQ(obs->kind, model::ObservationKind::kSelfReport);
  EXPECT_NEAR(obs->position.latitude_deg, 52.25720, 1e-5);
  EXPECT_NEAR(obs->position.longitude_deg, 3.91937, 1e-5);
  // NACp 9: EPU 30 m at 95% -> sigma 30 / 2.4477 = 12.256 m per axis.
  EXPECT_NEAR(std::sqrt(obs->position_covariance(0, 0)), 12.2562, 1e-3);
  EXPECT_NEAR(std::sqrt(obs->position_covariance(1, 1)), 12.2562, 1e-3);
  // Altitude 38000 ft + 250 ft GNSS-minus-baro = 11658.6 m, sigma sqrt(2) * 7.62 / sqrt(12).
  ASSERT_TRUE(obs->has_altitude);
  EXPECT_NEAR(obs->position.altitude_m, 38250 * 0.3048, 1e-9);
  EXPECT_NEAR(std::sqrt(obs->position_covariance(2, 2)), std::sqrt(2.0) * 7.62 / std::sqrt(12.0),
              1e-9);
  // Velocity: 100 kt east, 200 kt south, 640 ft/min up; NACv 2 -> 3 m/s / 2.4477 and
  // 4.57 m/s / 1.96.
  ASSERT_TRUE(obs->velocity_enu.has_value());
  EXPECT_NEAR(obs->velocity_enu->x(), 100 * 1852.0 / 3600, 1e-9);
  EXPECT_NEAR(obs->velocity_enu->y(), -200 * 1852.0 / 3600, 1e-9);
  EXPECT_NEAR(obs->velocity_enu->z(), 640 * 0.3048 / 60, 1e-9);
  EXPECT_TRUE(obs->has_vertical_velocity);
  EXPECT_NEAR(std::sqrt(obs->velocity_covariance(0, 0)), 3.0 / 2.4477468, 1e-6);
  EXPECT_NEAR(std::sqrt(obs->velocity_covariance(2, 2)), 4.57 / 1.959964, 1e-6);
  EXPECT_EQ(*obs->identity.icao_address, kIcao);
  EXPECT_EQ(obs->identity.callsign, "TEST1");
  EXPECT_EQ(obs->identity.category, "B1");
}

TEST(ObservationMapper, FallsBackToNucpAndDropsStaleVelocity) {
  ObservationMapper mapper(Options());
  PositionDecoder positions;
  EXPECT_FALSE(mapper.Map(Velocity(1), Timestamp::FromSeconds(0.0), nullptr).has_value());
  Message even = Decode("8D40621D58C382D690C8AC2863A7");
  Message odd = Decode("8D40621D58C386435CC412692AD6");
  (void)positions.Update(kIcao, 9.0, odd.airborne.cpr, false);
  const PositionUpdate u = positions.Update(kIcao, 10.0, even.airborne.cpr, false);
  auto obs = mapper.Map(even, Timestamp::FromSeconds(10.0), &u);
  ASSERT_TRUE(obs.has_value());
  // No operational status: version 0 rules, TC 11 -> NUCp 7 -> RCu 93 m at 95%.
  EXPECT_NEAR(std::sqrt(obs->position_covariance(0, 0)), 93.0 / 2.4477468, 1e-4);
  // The velocity is 10 s old (limit 5 s): none attached; uncorrected baro altitude sigma.
  EXPECT_FALSE(obs->velocity_enu.has_value());
  EXPECT_NEAR(std::sqrt(obs->position_covariance(2, 2)), 150.0, 1e-9);
  EXPECT_NEAR(obs->position.altitude_m, 38000 * 0.3048, 1e-9);
}

TEST(ObservationMapper, IgnoresFailedParityAndUnknownAddressParity) {
  ObservationMapper mapper(Options());
  auto bytes = testing::Bytes("8D40621D58C382D690C8AC2863A7");
  bytes[5] ^= 0x01;
  auto damaged = DecodeFrame(bytes);
  ASSERT_TRUE(damaged.ok());
  PositionUpdate fake;
  fake.status = PositionStatus::kDecoded;
  EXPECT_FALSE(mapper.Map(*damaged, Timestamp(), &fake).has_value());
}

TEST(ObservationMapper, CommBIdentificationNamesAKnownAircraft) {
  // A DF20 whose MB is the register 2,0 of pyModeS's A000083E202CC371C31DE0AA1CCF ("KLM1017"),
  // with its AP field made for this address (AP = parity XOR address, Annex 10 Vol IV
  // 3.1.2.3.3.2).
  auto frame = testing::Bytes("A000083E202CC371C31DE0AA1CCF");
  const uint32_t parity = Crc24(std::span<const uint8_t>(frame.data(), frame.size() - 3));
  WriteBits(frame, 88, 24, parity ^ kIcao);
  auto df20 = DecodeFrame(frame);
  ASSERT_TRUE(df20.ok());
  ASSERT_EQ(df20->icao, kIcao);
  ASSERT_TRUE(df20->is_commb_identification());

  ObservationMapper mapper(Options());
  PositionDecoder positions;
  // Unknown address: an AP reply alone creates no aircraft.
  EXPECT_FALSE(mapper.Map(*df20, Timestamp::FromSeconds(0.5), nullptr).has_value());
  Message even = Decode("8D40621D58C382D690C8AC2863A7");
  Message odd = Decode("8D40621D58C386435CC412692AD6");
  PositionUpdate u = positions.Update(kIcao, 1.0, odd.airborne.cpr, false);
  (void)mapper.Map(odd, Timestamp::FromSeconds(1.0), &u);
  EXPECT_FALSE(mapper.Map(*df20, Timestamp::FromSeconds(1.5), nullptr).has_value());
  u = positions.Update(kIcao, 2.0, even.airborne.cpr, false);
  auto obs = mapper.Map(even, Timestamp::FromSeconds(2.0), &u);
  ASSERT_TRUE(obs.has_value());
  EXPECT_EQ(obs->identity.callsign, "KLM1017");
}

// ---- SBS-1 lines -------------------------------------------------------------------------

SbsMessage Sbs(std::string_view line) {
  auto m = ParseSbsLine(line);
  EXPECT_TRUE(m.ok()) << line;
  return m.ok() ? *m : SbsMessage{};
}

SbsObservationOptions SbsOptions() {
  SbsObservationOptions o;
  o.source.id = "sbs-test";
  o.sensor = "dump1090";
  return o;
}

TEST(SbsObservationMapper, PositionWithVelocityCallsignAndSquawk) {
  SbsObservationMapper mapper(SbsOptions());
  const Timestamp unused;
  // dump1090 modesSendSBSOutput lines for one aircraft (times as UTC).
  EXPECT_FALSE(mapper.Map(Sbs("MSG,1,1,1,485020,1,2016/03/14,23:00:01.000,2016/03/14,"
                              "23:00:01.000,KLM1023 ,,,,,,,,,,,0"),
                          unused));
  EXPECT_FALSE(mapper.Map(Sbs("MSG,6,1,1,485020,1,2016/03/14,23:00:01.500,2016/03/14,"
                              "23:00:01.500,,,,,,,,7700,0,-1,0,0"),
                          unused));
  EXPECT_FALSE(mapper.Map(Sbs("MSG,4,1,1,485020,1,2016/03/14,23:00:02.000,2016/03/14,"
                              "23:00:02.000,,,159,183,,,-832,,,,,0"),
                          unused));
  auto obs = mapper.Map(Sbs("MSG,3,1,1,485020,1,2016/03/14,23:00:03.000,2016/03/14,"
                            "23:00:03.000,,38000,,,52.25720,3.91937,,,0,0,0,0"),
                        unused);
  ASSERT_TRUE(obs.has_value());
  EXPECT_EQ(obs->source, "sbs-test");
  EXPECT_EQ(obs->sensor, "dump1090");
  EXPECT_EQ(obs->source_kind, model::SourceKind::kAdsb);
  EXPECT_EQ(obs->kind, model::ObservationKind::kSelfReport);
  // 2016-03-14 23:00:03 UTC = 1457996403 s.
  EXPECT_EQ(obs->time, Timestamp::FromSeconds(1457996403.0));
  EXPECT_DOUBLE_EQ(obs->position.latitude_deg, 52.25720);
  EXPECT_DOUBLE_EQ(obs->position.longitude_deg, 3.91937);
  // Default 95% bound 926 m -> sigma 926 / 2.4477 = 378.31 m per axis.
  EXPECT_NEAR(std::sqrt(obs->position_covariance(0, 0)), 378.307, 1e-3);
  EXPECT_NEAR(std::sqrt(obs->position_covariance(1, 1)), 378.307, 1e-3);
  // Barometric altitude 38000 ft, uncorrected: 150 m.
  ASSERT_TRUE(obs->has_altitude);
  EXPECT_NEAR(obs->position.altitude_m, 38000 * 0.3048, 1e-9);
  EXPECT_NEAR(std::sqrt(obs->position_covariance(2, 2)), 150.0, 1e-9);
  // 159 kt on track 183 (1 s old): east = 159 sin(183), north = 159 cos(183); -832 ft/min.
  ASSERT_TRUE(obs->velocity_enu.has_value());
  const double v = 159 * 1852.0 / 3600;
  EXPECT_NEAR(obs->velocity_enu->x(), v * std::sin(183 * M_PI / 180), 1e-9);
  EXPECT_NEAR(obs->velocity_enu->y(), v * std::cos(183 * M_PI / 180), 1e-9);
  EXPECT_NEAR(obs->velocity_enu->z(), -832 * 0.3048 / 60, 1e-9);
  EXPECT_TRUE(obs->has_vertical_velocity);
  EXPECT_NEAR(std::sqrt(obs->velocity_covariance(0, 0)), 20.0 / 2.4477468, 1e-6);
  EXPECT_NEAR(std::sqrt(obs->velocity_covariance(2, 2)), 20.0 / 1.959964, 1e-6);
  EXPECT_EQ(obs->identity.icao_address, 0x485020u);
  EXPECT_EQ(obs->identity.callsign, "KLM1023");
  EXPECT_EQ(obs->identity.mode3a, 07700);

  // Ten seconds later the velocity is stale (limit 5 s): position only.
  obs = mapper.Map(Sbs("MSG,3,1,1,485020,1,2016/03/14,23:00:12.000,2016/03/14,23:00:12.000,,"
                       "37900,,,52.2,3.9,,,0,0,0,0"),
                   unused);
  ASSERT_TRUE(obs.has_value());
  EXPECT_FALSE(obs->velocity_enu.has_value());
}

TEST(SbsObservationMapper, SurfaceGnssNonIcaoAndLinesWithoutPosition) {
  SbsObservationMapper mapper(SbsOptions());
  const Timestamp t = Timestamp::FromSeconds(100.0);
  // A line without date/time takes the caller's time; MSG,2 carries its own speed/track.
  auto obs = mapper.Map(Sbs("MSG,2,1,1,3C6586,1,,,,,,0,12,90,50.03,8.57,,,,,,-1"), t);
  ASSERT_TRUE(obs.has_value());
  EXPECT_EQ(obs->time, t);
  EXPECT_FALSE(obs->has_altitude);
  ASSERT_TRUE(obs->velocity_enu.has_value());
  EXPECT_NEAR(obs->velocity_enu->x(), 12 * 1852.0 / 3600, 1e-9);
  EXPECT_NEAR(obs->velocity_enu->y(), 0.0, 1e-9);
  // GNSS height ("H"): GVA 1's 150 m at 95% -> 150 / 1.96.
  obs = mapper.Map(Sbs("MSG,3,1,1,3C6586,1,,,,,,1200H,,,50.04,8.58,,,,,,0"), t);
  ASSERT_TRUE(obs.has_value());
  EXPECT_NEAR(std::sqrt(obs->position_covariance(2, 2)), 150.0 / 1.959964, 1e-5);
  // A position without altitude is horizontal only.
  obs = mapper.Map(Sbs("MSG,3,1,1,3C6586,1,,,,,,,,,50.05,8.59,,,,,,0"), t);
  ASSERT_TRUE(obs.has_value());
  EXPECT_FALSE(obs->has_altitude);
  // readsb's "~" addresses are not ICAO addresses.
  obs = mapper.Map(Sbs("MSG,3,1,1,~3C6586,1,,,,,,5000,,,50.1,8.6,,,,,,0"), t);
  ASSERT_TRUE(obs.has_value());
  EXPECT_FALSE(obs->identity.icao_address.has_value());
  EXPECT_EQ(obs->identity.uid, "~3c6586");
  EXPECT_EQ(mapper.aircraft(), 2u);
  // Velocity, callsign, altitude-only and status lines give no observation.
  EXPECT_FALSE(mapper.Map(Sbs("MSG,5,1,1,3C6586,1,,,,,,5000,,,,,,,0,0,0,0"), t));
  EXPECT_FALSE(mapper.Map(Sbs("STA,,5,179,400AE7,10103,,,,,RM"), t));
}

TEST(SbsObservationMapper, StateIsBounded) {
  SbsObservationOptions o = SbsOptions();
  o.max_aircraft = 3;
  o.stale_after_s = 60.0;
  SbsObservationMapper mapper(o);
  // Four aircraft: the fourth evicts the least recently heard (000001).
  for (uint32_t i = 1; i <= 4; ++i) {
    const std::string line = fmt::format("MSG,1,1,1,{:06X},1,,,,,CS{},,,,,,,,,,,0", i, i);
    (void)mapper.Map(Sbs(line), Timestamp::FromSeconds(i));
    EXPECT_LE(mapper.aircraft(), 3u);
  }
  // 000001 was forgotten: its position has no callsign; 000004's has one.
  auto obs =
      mapper.Map(Sbs("MSG,3,1,1,000001,1,,,,,,1000,,,1.0,1.0,,,,,,0"), Timestamp::FromSeconds(5));
  ASSERT_TRUE(obs.has_value());
  EXPECT_EQ(obs->identity.callsign, "");
  // Long after, every old aircraft is stale and goes in one sweep.
  (void)mapper.Map(Sbs("MSG,1,1,1,0000AA,1,,,,,LATE,,,,,,,,,,,0"), Timestamp::FromSeconds(500));
  EXPECT_EQ(mapper.aircraft(), 1u);
}

}  // namespace
}  // namespace biac::formats::adsb
