// The NMEA layer: sentence syntax, checksums, tag blocks, armouring, reassembly, timeouts.

#include "biac/formats/ais/nmea.h"

#include <gtest/gtest.h>

#include <string>

namespace biac::formats::ais {
namespace {

// NMEA checksum of `body` (the text between '!' or '\' and '*'), for building test input.
std::string Checksum(const std::string& body) {
  unsigned sum = 0;
  for (char c : body) sum ^= static_cast<unsigned char>(c);
  char buf[3];
  std::snprintf(buf, sizeof(buf), "%02X", sum);
  return buf;
}

std::string Sentence(const std::string& body) { return "!" + body + "*" + Checksum(body); }
std::string Tag(const std::string& body) { return "\\" + body + "*" + Checksum(body) + "\\"; }

TEST(AisNmea, ParsesASentence) {
  // gpsd sample, type 1 (MMSI 371798000).
  auto s = ParseSentence("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->talker, "AI");
  EXPECT_FALSE(s->own_ship);
  EXPECT_EQ(s->fragment_count, 1);
  EXPECT_EQ(s->fragment_number, 1);
  EXPECT_EQ(s->sequence_id, -1);
  EXPECT_EQ(s->channel, 'A');
  EXPECT_EQ(s->payload, "15RTgt0PAso;90TKcjM8h6g208CQ");
  EXPECT_EQ(s->fill_bits, 0);
  EXPECT_FALSE(s->tag.present);
}

TEST(AisNmea, AnyTalkerAndVdo) {
  // Sentences are views into their line: keep the lines alive.
  const std::string bs_line = Sentence("BSVDM,1,1,,B,15RTgt0PAso;90TKcjM8h6g208CQ,0");
  const std::string vdo_line = Sentence("ABVDO,1,1,,,15RTgt0PAso;90TKcjM8h6g208CQ,0");
  auto bs = ParseSentence(bs_line);
  ASSERT_TRUE(bs.ok());
  EXPECT_EQ(bs->talker, "BS");
  auto vdo = ParseSentence(vdo_line);
  ASSERT_TRUE(vdo.ok());
  EXPECT_TRUE(vdo->own_ship);
  EXPECT_EQ(vdo->channel, 0);
  auto gga = ParseSentence(Sentence("GPGGA,1,1,,B,x,0"));
  ASSERT_FALSE(gga.ok());
  EXPECT_NE(gga.status().message().find("not VDM or VDO"), std::string::npos);
}

TEST(AisNmea, ChecksumErrorNamesBothValues) {
  auto s = ParseSentence("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "sentence: checksum 4B, expected 4A");
}

TEST(AisNmea, TrailingMetadataIsIgnored) {
  // USCG-style fields after the checksum (libais typeexamples).
  auto s = ParseSentence("!AIVDM,1,1,,B,:6TMCD1GOS60,0*5B,s36310,d-081,T59.01777335");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->payload, ":6TMCD1GOS60");
}

TEST(AisNmea, TagBlockSourceAndTime) {
  const std::string line =
      Tag("s:rORBCOMM000,c:1426032000") + "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A";
  auto s = ParseSentence(line);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->tag.present);
  EXPECT_EQ(s->tag.source.view(), "rORBCOMM000");
  ASSERT_TRUE(s->tag.time.has_value());
  EXPECT_EQ(s->tag.time->nanos(), int64_t{1426032000} * 1'000'000'000);
  // Milliseconds (a common deviation from NMEA 4.0's seconds) are recognised.
  auto ms = ParseSentence(Tag("c:1426032000123") + "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A");
  ASSERT_TRUE(ms.ok());
  EXPECT_EQ(ms->tag.time->nanos(), int64_t{1426032000123} * 1'000'000);
}

TEST(AisNmea, TagBlockChecksumIsVerified) {
  auto s = ParseSentence("\\s:x,c:1*00\\!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("tag block: checksum 00, expected"), std::string::npos);
}

TEST(AisNmea, ArmourAndFillBits) {
  Payload p;
  // '0' = 000000, 'w' = 111111, 'W' = 100111 (39), '`' = 101000 (40).
  ASSERT_TRUE(AppendArmoured("0wW`", 2, p).ok());
  EXPECT_EQ(p.armoured_bits, 24);
  EXPECT_EQ(p.bit_count, 22);
  EXPECT_EQ(p.bytes[0], 0b00000011);
  EXPECT_EQ(p.bytes[1], 0b11111001);
  EXPECT_EQ(p.bytes[2], 0b11101000);
  Payload bad;
  const Status s = AppendArmoured("0X", 0, bad);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "payload character 2 'X' is not six-bit armour");
}

TEST(AisNmea, FieldErrors) {
  EXPECT_FALSE(ParseSentence(Sentence("AIVDM,1,1,,A,15RT,6")).ok());   // fill bits > 5
  EXPECT_FALSE(ParseSentence(Sentence("AIVDM,1,2,,A,15RT,0")).ok());   // number > count
  EXPECT_FALSE(ParseSentence(Sentence("AIVDM,1,1,,A,15RT")).ok());     // too few fields
  EXPECT_FALSE(ParseSentence(Sentence("AIVDM,1,1,,A,15RT,0,x")).ok()); // too many fields
  EXPECT_FALSE(ParseSentence(Sentence("AIVDM,1,1,,12,15RT,0")).ok());  // channel
  EXPECT_FALSE(ParseSentence("AIVDM,2,2,1,B,00000000000,2*26").ok());   // no '!'
}

// Type 5 from the gpsd sample: "EVER DIADEM", two sentences.
constexpr const char* kType5Part1 =
    "!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C";
constexpr const char* kType5Part2 = "!AIVDM,2,2,1,A,88888888880,2*25";

TEST(AisNmea, ReassemblesTwoSentences) {
  NmeaDecoder decoder;
  DecodedMessage out;
  auto first = decoder.Feed(kType5Part1, out);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, NmeaDecoder::Outcome::kPending);
  auto second = decoder.Feed(kType5Part2, out);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_EQ(*second, NmeaDecoder::Outcome::kMessage);
  EXPECT_EQ(out.message.type, 5);
  EXPECT_EQ(out.message.mmsi, 351759000u);
  EXPECT_EQ(out.sentences, 2);
  EXPECT_EQ(std::get<StaticVoyageData>(out.message.body).shipname.view(), "EVER DIADEM");
}

TEST(AisNmea, InterleavedMessagesAreKeptApart) {
  // From the gpsd sample: sequence 6 on B and sequence 2 on A interleave.
  NmeaDecoder decoder;
  DecodedMessage out;
  ASSERT_TRUE(decoder.Feed("!AIVDM,2,1,6,B,542M92h00001@<7;?G0PD4i@R0<tqA8tj37>220o0h:2240Ht50000000000,0*3B", out).ok());
  ASSERT_TRUE(decoder.Feed("!AIVDM,2,1,2,A,542M92h00001@<7;?G0PD4i@R0<tqA8tj37>220o0h:2240Ht500000000000000,0*3C", out).ok());
  auto a = decoder.Feed("!AIVDM,2,2,2,A,0000002,2*24", out);
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(*a, NmeaDecoder::Outcome::kMessage);
  EXPECT_EQ(out.message.mmsi, 271010059u);
  auto b = decoder.Feed("!AIVDM,2,2,6,B,00000000000,2*21", out);
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(*b, NmeaDecoder::Outcome::kMessage);
  EXPECT_EQ(out.message.mmsi, 271010059u);
}

TEST(AisNmea, OrphanFragmentIsAnError) {
  NmeaDecoder decoder;
  DecodedMessage out;
  auto r = decoder.Feed(kType5Part2, out);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "fragment 2 of 2 (sequence 1, channel A) without its preceding fragments");
}

TEST(AisNmea, TimeoutInSentences) {
  NmeaOptions options;
  options.max_sentence_gap = 2;
  NmeaDecoder decoder(options);
  DecodedMessage out;
  ASSERT_TRUE(decoder.Feed(kType5Part1, out).ok());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(decoder.Feed("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A", out).ok());
  }
  EXPECT_FALSE(decoder.Feed(kType5Part2, out).ok());  // 3 sentences later: expired
  EXPECT_EQ(decoder.dropped_fragments(), 1u);
}

TEST(AisNmea, TimeoutInTagBlockTime) {
  NmeaOptions options;
  options.max_time_gap = std::chrono::seconds(10);
  const std::string p1 = kType5Part1;
  const std::string p2 = kType5Part2;
  {
    NmeaDecoder decoder(options);
    DecodedMessage out;
    ASSERT_TRUE(decoder.Feed(Tag("c:1000") + p1, out).ok());
    auto r = decoder.Feed(Tag("c:1005") + p2, out);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, NmeaDecoder::Outcome::kMessage);
    ASSERT_TRUE(out.tag.time.has_value());
    EXPECT_EQ(out.tag.time->nanos(), int64_t{1000} * 1'000'000'000);  // the first sentence's
  }
  {
    NmeaDecoder decoder(options);
    DecodedMessage out;
    ASSERT_TRUE(decoder.Feed(Tag("c:1000") + p1, out).ok());
    EXPECT_FALSE(decoder.Feed(Tag("c:1011") + p2, out).ok());
  }
}

TEST(AisNmea, BadMessageLengthIsAnError) {
  NmeaDecoder decoder;
  DecodedMessage out;
  // A type 1 payload cut to 10 characters (60 bits).
  auto r = decoder.Feed(Sentence("AIVDM,1,1,,A,15RTgt0PAs,0"), out);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "type 1: 60 bits, expected 163 to 204");
}

}  // namespace
}  // namespace biac::formats::ais
