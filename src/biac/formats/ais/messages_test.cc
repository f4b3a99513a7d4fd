// Message decoding against the hand-checked dumps in gpsd_sample.aivdm's comments (noaadata
// and Maritec decoders) and against values computed by hand from ITU-R M.1371-5.

#include "biac/formats/ais/messages.h"

#include <gtest/gtest.h>

#include "biac/formats/ais/json.h"
#include "biac/formats/ais/nmea.h"

namespace biac::formats::ais {
namespace {

Message Decode(std::string_view armoured, uint8_t fill) {
  Payload p;
  EXPECT_TRUE(AppendArmoured(armoured, fill, p).ok());
  auto m = DecodeMessage(p);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? *m : Message{};
}

TEST(AisMessages, Type1MatchesTheNoaadataDump) {
  // gpsd_sample.aivdm, first message: the dump in its comment.
  const Message m = Decode("15RTgt0PAso;90TKcjM8h6g208CQ", 0);
  EXPECT_EQ(m.type, 1);
  EXPECT_EQ(m.repeat, 0);
  EXPECT_EQ(m.mmsi, 371798000u);
  const auto& b = std::get<PositionReportA>(m.body);
  EXPECT_EQ(b.status, 0);
  EXPECT_EQ(b.turn, -127);
  EXPECT_EQ(b.speed, 123);  // 12.3 kn
  EXPECT_TRUE(b.accuracy);
  EXPECT_NEAR(b.lon / 600000.0, -123.395383333, 1e-9);
  EXPECT_NEAR(b.lat / 600000.0, 48.38163333333, 1e-9);
  EXPECT_EQ(b.course, 2240);
  EXPECT_EQ(b.heading, 215);
  EXPECT_EQ(b.second, 33);
  EXPECT_FALSE(b.raim);
  const auto c = CommStateOf(m);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->sync_state, 0);
  EXPECT_EQ(c->slot_timeout, 2);
  EXPECT_EQ(c->slot_number, 1249);  // "state_slotoffset: 1249" in the dump (sub-message)
}

TEST(AisMessages, ShortType1WithFillBitsKeepsItsTruncatedRadio) {
  // gpsd sample's last two lines: the same payload with 5 and 0 fill bits (163 / 168 bits).
  const Message m163 = Decode("13aIkM@P00PJ@qPNL=e@0?wJ28JO", 5);
  const Message m168 = Decode("13aIkM@P00PJ@qPNL=e@0?wJ28JO", 0);
  EXPECT_EQ(std::get<PositionReportA>(m163.body).radio, 1076u);
  EXPECT_EQ(std::get<PositionReportA>(m168.body).radio, 34463u);
}

TEST(AisMessages, Type27LongRange) {
  // gpsd sample: MMSI 206914217, lon 137.0233, lat 4.84, speed 57, course 167.
  const Message m = Decode("KC5E2b@U19PFdLbMuc5=ROv62<7m", 0);
  ASSERT_EQ(m.type, 27);
  EXPECT_EQ(m.mmsi, 206914217u);
  const auto& b = std::get<LongRangeReport>(m.body);
  EXPECT_NEAR(b.lon / 600.0, 137.0233, 1e-4);
  EXPECT_NEAR(b.lat / 600.0, 4.84, 1e-4);
  EXPECT_EQ(b.speed, 57);
  EXPECT_EQ(b.course, 167);
  EXPECT_EQ(b.status, 2);
}

TEST(AisMessages, Type24PartsAAndB) {
  const Message a = Decode("H42O55i18tMET00000000000000", 2);
  const Message b = Decode("H42O55lti4hhhilD3nink000?050", 0);
  ASSERT_EQ(a.type, 24);
  EXPECT_EQ(std::get<StaticDataReport>(a.body).shipname.view(), "PROGUY");
  const auto& pb = std::get<StaticDataReport>(b.body);
  EXPECT_EQ(pb.part, 1);
  EXPECT_EQ(pb.shiptype, 60);
  EXPECT_EQ(pb.callsign.view(), "TC6163");
  EXPECT_EQ(pb.to_stern, 15);
  EXPECT_EQ(pb.to_starboard, 5);
  StaticDataMerger merger;
  Message a_copy = a;
  Message b_copy = b;
  EXPECT_FALSE(merger.Merge(a_copy));
  ASSERT_TRUE(merger.Merge(b_copy));
  EXPECT_EQ(std::get<StaticDataReport>(b_copy.body).shipname.view(), "PROGUY");
  Message again = b;
  EXPECT_FALSE(merger.Merge(again));  // a repeated part B does not match twice
}

TEST(AisMessages, Type21NameExtension) {
  // gpsd sample: "CHINA ROSE MURPHY EXPRESS ALERT" is 20 characters plus an 11-character
  // name extension after bit 272, carried in two sentences.
  Payload p;
  ASSERT_TRUE(AppendArmoured("E1mg=5J1T4W0h97aRh6ba84<h2d;W:Te=eLvH50```q", 0, p).ok());
  ASSERT_TRUE(AppendArmoured(":D44QDlp0C1DU00", 2, p).ok());
  auto m = DecodeMessage(p);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->type, 21);
  EXPECT_EQ(m->mmsi, 123456789u);
  const auto& b = std::get<AidToNavigation>(m->body);
  EXPECT_EQ(b.name.view(), "CHINA ROSE MURPHY EXPRESS ALERT");
  EXPECT_EQ(b.aid_type, 20);
}

TEST(AisMessages, UndefinedTypeAndShortPayloadAreErrors) {
  Payload p;
  ASSERT_TRUE(AppendArmoured("V0000000", 0, p).ok());  // 'V' = 38: type 38
  auto m = DecodeMessage(p);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(), "message type 38 is not defined by ITU-R M.1371-5");
  Payload shorty;
  ASSERT_TRUE(AppendArmoured("15RT", 0, shorty).ok());
  EXPECT_FALSE(DecodeMessage(shorty).ok());
}

TEST(AisMessages, CommStateItdmaFields) {
  // 19 bits: sync 01, slot increment 0x1234 & 0x1FFF, slots 5, keep 1.
  const uint32_t state = (1u << 17) | (0x1234u << 4) | (5u << 1) | 1u;
  const CommState c = DecodeCommState(state, /*itdma=*/true);
  EXPECT_EQ(c.sync_state, 1);
  EXPECT_EQ(c.slot_increment, 0x1234);
  EXPECT_EQ(c.slots_to_allocate, 5);
  EXPECT_TRUE(c.keep_flag);
  // SOTDMA, time-out 1: UTC hour 13 and minute 45.
  const uint32_t utc = (1u << 14) | (13u << 9) | (45u << 2);
  const CommState u = DecodeCommState(utc, /*itdma=*/false);
  EXPECT_EQ(u.slot_timeout, 1);
  EXPECT_EQ(u.utc_hour, 13);
  EXPECT_EQ(u.utc_minute, 45);
}

}  // namespace
}  // namespace biac::formats::ais
