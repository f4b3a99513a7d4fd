// ADS-B messages to model::Observation: quality indicators to covariances (DO-260B bounds,
// converted as observation.h explains), velocity, identity and the source's label.

#include "biac/formats/adsb/observation.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace biac::formats::adsb
