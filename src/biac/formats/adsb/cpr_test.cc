// CPR decoding against "The 1090 MHz Riddle" (2nd ed.) worked examples and pyModeS's
// position tests; PositionDecoder behaviour (pairing window, references, rejections).

#include "biac/formats/adsb/cpr.h"

#include <gtest/gtest.h>

#include "biac/formats/adsb/test_util.h"

namespace biac::formats::adsb {
namespace {

using testing::Decode;

TEST(Cpr, NumberOfLongitudeZones) {
  // DO-260B A.1.7.2 d: NL is 59 at the equator, 2 just below 87 degrees, 1 above; the
  // transition latitudes of the standard's table (e.g. 10.47047130 for 59 -> 58).
  EXPECT_EQ(CprNl(0.0), 59);
  EXPECT_EQ(CprNl(10.47), 59);
  EXPECT_EQ(CprNl(10.48), 58);
  EXPECT_EQ(CprNl(-10.48), 58);
  EXPECT_EQ(CprNl(52.2572), 36);
  EXPECT_EQ(CprNl(86.9), 2);
  EXPECT_EQ(CprNl(87.1), 1);
  EXPECT_EQ(CprNl(-89.9), 1);
}

TEST(Cpr, GlobalAirbornePair) {
  // The Riddle ch. 5: 8D40621D58C382D690C8AC2863A7 (even) and 8D40621D58C386435CC412692AD6
  // (odd, newer) give 52.2572 N 3.91937 E.
  const Message even = Decode("8D40621D58C382D690C8AC2863A7");
  const Message odd = Decode("8D40621D58C386435CC412692AD6");
  const CprResult r = CprGlobalAirborne(even.airborne.cpr, odd.airborne.cpr, false);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r.position.lat_deg, 52.25720, 1e-5);
  EXPECT_NEAR(r.position.lon_deg, 3.91937, 1e-5);
  const CprResult r_odd = CprGlobalAirborne(even.airborne.cpr, odd.airborne.cpr, true);
  ASSERT_TRUE(r_odd.ok());
  EXPECT_NEAR(r_odd.position.lat_deg, 52.26578, 1e-5);
  // pyModeS tests/test_cpr.py TestAirbornePositionPair: 40058B, odd newer and even newer.
  const Message e2 = Decode("8D40058B58C901375147EFD09357");
  const Message o2 = Decode("8D40058B58C904A87F402D3B8C59");
  const CprResult p_odd = CprGlobalAirborne(e2.airborne.cpr, o2.airborne.cpr, true);
  ASSERT_TRUE(p_odd.ok());
  EXPECT_NEAR(p_odd.position.lat_deg, 49.81755, 1e-3);
  EXPECT_NEAR(p_odd.position.lon_deg, 6.08442, 1e-3);
  const CprResult p_even = CprGlobalAirborne(e2.airborne.cpr, o2.airborne.cpr, false);
  ASSERT_TRUE(p_even.ok());
  EXPECT_NEAR(p_even.position.lat_deg, 49.82410, 1e-3);
  EXPECT_NEAR(p_even.position.lon_deg, 6.06785, 1e-3);
}

TEST(Cpr, LocalAirborne) {
  // pymodes_vectors.csv (pyModeS test_position_integration): reference 49.0 N 6.0 E.
  const Message m = Decode("8D40058B58C901375147EFD09357");
  const CprResult r = CprLocal(m.airborne.cpr, false, {49.0, 6.0});
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r.position.lat_deg, 49.82410, 1e-3);
  EXPECT_NEAR(r.position.lon_deg, 6.06785, 1e-3);
  // The Riddle ch. 5: the even frame above against the receiver 52.258 N 3.918 E.
  const Message e = Decode("8D40621D58C382D690C8AC2863A7");
  const CprResult r2 = CprLocal(e.airborne.cpr, false, {52.258, 3.918});
  ASSERT_TRUE(r2.ok());
  EXPECT_NEAR(r2.position.lat_deg, 52.25720, 1e-5);
  EXPECT_NEAR(r2.position.lon_deg, 3.91937, 1e-5);
  // pyModeS test_cpr.py: odd frame against the same reference; and the "numerical
  // challenge", a reference next to a zone boundary.
  const Message o = Decode("8D40058B58C904A87F402D3B8C59");
  const CprResult r3 = CprLocal(o.airborne.cpr, false, {49.0, 6.0});
  ASSERT_TRUE(r3.ok());
  EXPECT_NEAR(r3.position.lat_deg, 49.81755, 1e-3);
  EXPECT_NEAR(r3.position.lon_deg, 6.08442, 1e-3);
  const Message n = Decode("8D06A15358BF17FF7D4A84B47B95");
  const CprResult r4 = CprLocal(n.airborne.cpr, false, {30.508474576271183, 7.2 * 5.0 + 3e-15});
  ASSERT_TRUE(r4.ok());
  EXPECT_NEAR(r4.position.lat_deg, 30.50540, 1e-3);
  EXPECT_NEAR(r4.position.lon_deg, 33.44787, 1e-3);
}

// pyModeS tests/test_cpr.py TestSurfacePositionPair: a real DF18 pair from 3A23FF on a
// Toulouse-Blagnac (LFBO) taxiway, reference 43.63 N 1.37 E.
constexpr const char* kLfboEven = "903a23ff426a38565950432ebf95";
constexpr const char* kLfboOdd = "903a23ff426a4e65f7487a775d17";

TEST(Cpr, SurfacePairAgainstReceiver) {
  const Message even = Decode(kLfboEven);
  const Message odd = Decode(kLfboOdd);
  ASSERT_EQ(even.me_kind, MeKind::kSurfacePosition);
  ASSERT_EQ(odd.df, 18);
  const CprFields& e = even.surface.cpr;
  const CprFields& o = odd.surface.cpr;
  struct Case {
    bool odd_latest;
    LatLon reference;
    double lat, lon;
  };
  const Case cases[] = {
      {true, {43.63, 1.37}, 43.62646, 1.37476},        // test_lfbo_pair
      {false, {43.63, 1.37}, 43.62648, 1.37462},       // test_lfbo_pair_even_newer
      {true, {-43.5, 1.37}, -46.37354, 1.44350},       // test_southern_hemisphere
      {true, {43.63, -178.63}, 43.62646, -178.62524},  // test_quadrant_wrap_180
      {true, {43.63, 91.37}, 43.62646, 91.37476},      // test_quadrant_wrap_90
  };
  for (const Case& c : cases) {
    const CprResult r = CprGlobalSurface(e, o, c.odd_latest, c.reference);
    ASSERT_TRUE(r.ok());
    EXPECT_NEAR(r.position.lat_deg, c.lat, 1e-3) << c.reference.lat_deg;
    EXPECT_NEAR(r.position.lon_deg, c.lon, 1e-3) << c.reference.lon_deg;
  }
  // test_lfbo_surface: the odd frame alone, locally.
  const CprResult local = CprLocal(o, true, {43.63, 1.37});
  ASSERT_TRUE(local.ok());
  EXPECT_NEAR(local.position.lat_deg, 43.62646, 1e-3);
  EXPECT_NEAR(local.position.lon_deg, 1.37476, 1e-3);
  // test_zone_mismatch_returns_none (surface): 28672 / 122880 straddle NL 54/53.
  EXPECT_EQ(CprGlobalSurface({0, 28672, 0}, {1, 122880, 0}, false, {50.0, 0.0}).error,
            CprError::kZoneStraddle);
}

TEST(Cpr, RejectsZoneStraddleAndBadLatitude) {
  // Hand-built around the NL 59/58 boundary at 10.47047 deg: even YZ 97430 and odd YZ 94052
  // give j = floor(59 * 0.74333 - 60 * 0.71756 + 0.5) = 1, even latitude 6 * 1.74333 =
  // 10.45999 N (NL 59) and odd latitude 360/59 * 1.71756 = 10.48003 N (NL 58).
  const CprResult r = CprGlobalAirborne({0, 97430, 0}, {1, 94052, 0}, true);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error, CprError::kZoneStraddle);
  // pyModeS test_pair_zone_mismatch_returns_none: 8192 / 114688 straddle NL 23/24.
  EXPECT_EQ(CprGlobalAirborne({0, 8192, 0}, {1, 114688, 0}, false).error, CprError::kZoneStraddle);
  // pyModeS test_pair_impossible_latitude_returns_none: a real OpenSky pair (485A33) whose
  // latitude resolves to about 113 degrees.
  EXPECT_EQ(CprGlobalAirborne({0, 113939, 119217}, {1, 72761, 59498}, true).error,
            CprError::kLatitudeOutOfRange);
  // Latitude out of range: even YZ 0.5, odd YZ 0.0 gives j = 30, even latitude 6*(30+0.5)
  // = 183 deg, which is neither a northern (< 90) nor a southern (>= 270) latitude.
  CprFields e2{0, 65536, 0};
  CprFields o2{1, 0, 0};
  const CprResult r2 = CprGlobalAirborne(e2, o2, false);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error, CprError::kLatitudeOutOfRange);
}

TEST(PositionDecoder, PairsWithinTenSecondsThenDecodesLocally) {
  const Message even = Decode("8D40621D58C382D690C8AC2863A7");
  const Message odd = Decode("8D40621D58C386435CC412692AD6");
  PositionDecoder decoder;
  PositionUpdate u = decoder.Update(0x40621D, 100.0, odd.airborne.cpr, false);
  EXPECT_EQ(u.status, PositionStatus::kNeedPair);
  // 11 s later: too old to pair.
  u = decoder.Update(0x40621D, 111.0, even.airborne.cpr, false);
  EXPECT_EQ(u.status, PositionStatus::kNeedPair);
  // The odd frame again within 10 s of that even one: global decode.
  u = decoder.Update(0x40621D, 115.0, odd.airborne.cpr, false);
  ASSERT_TRUE(u.decoded());
  EXPECT_EQ(u.method, PositionMethod::kGlobalPair);
  EXPECT_NEAR(u.position.lat_deg, 52.26578, 1e-5);
  // 30 s later, a lone even frame decodes against the last position.
  u = decoder.Update(0x40621D, 145.0, even.airborne.cpr, false);
  ASSERT_TRUE(u.decoded());
  EXPECT_EQ(u.method, PositionMethod::kLocalAircraft);
  EXPECT_NEAR(u.position.lat_deg, 52.25720, 1e-5);
  EXPECT_EQ(decoder.aircraft(), 1u);
}

TEST(PositionDecoder, RejectsImplausibleJump) {
  const Message even = Decode("8D40621D58C382D690C8AC2863A7");
  const Message odd = Decode("8D40621D58C386435CC412692AD6");
  PositionDecoder decoder;
  (void)decoder.Update(1, 0.0, even.airborne.cpr, false);
  ASSERT_TRUE(decoder.Update(1, 1.0, odd.airborne.cpr, false).decoded());
  // A frame from an aircraft elsewhere under the same address (hand-built, 1 deg of latitude
  // CPR away): a pair with the stored odd frame lands over 100 km off within 2 s.
  CprFields far_even = even.airborne.cpr;
  far_even.lat = (far_even.lat + 131072 / 6) % 131072;
  const PositionUpdate u = decoder.Update(1, 2.0, far_even, false);
  EXPECT_FALSE(u.decoded());
}

TEST(PositionDecoder, SurfaceNeedsReference) {
  const Message even = Decode(kLfboEven);
  const Message odd = Decode(kLfboOdd);
  PositionDecoder no_receiver;
  (void)no_receiver.Update(0x3A23FF, 0.0, even.surface.cpr, true);
  EXPECT_EQ(no_receiver.Update(0x3A23FF, 1.0, odd.surface.cpr, true).status,
            PositionStatus::kNoReference);
  PositionDecoder with_receiver(PositionDecoderOptions{.receiver = LatLon{43.63, 1.37}});
  const PositionUpdate first = with_receiver.Update(0x3A23FF, 0.0, even.surface.cpr, true);
  // A lone surface frame decodes locally against the receiver (45 NM half zone).
  ASSERT_TRUE(first.decoded());
  EXPECT_EQ(first.method, PositionMethod::kLocalReceiver);
  const PositionUpdate u = with_receiver.Update(0x3A23FF, 1.0, odd.surface.cpr, true);
  ASSERT_TRUE(u.decoded());
  EXPECT_EQ(u.method, PositionMethod::kGlobalPair);
  EXPECT_NEAR(u.position.lat_deg, 43.62646, 1e-3);
  EXPECT_NEAR(u.position.lon_deg, 1.37476, 1e-3);
}

TEST(PositionDecoder, MemoryIsBounded) {
  PositionDecoder decoder(PositionDecoderOptions{.max_aircraft = 3});
  const CprFields f{0, 1000, 1000};
  for (uint32_t icao = 1; icao <= 10; ++icao) {
    (void)decoder.Update(icao, static_cast<double>(icao), f, false);
  }
  EXPECT_EQ(decoder.aircraft(), 3u);
}

}  // namespace
}  // namespace biac::formats::adsb
