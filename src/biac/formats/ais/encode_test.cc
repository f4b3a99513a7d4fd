#include "biac/formats/ais/encode.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <variant>
#include <vector>

#include "biac/formats/ais/nmea.h"

namespace biac::formats::ais {
namespace {

// The sentence without anything after its checksum (gpsd's sample has none; AISHub-style
// metadata would follow a comma).
std::string SentenceOnly(const std::string& line) {
  const size_t star = line.find('*');
  return star == std::string::npos ? line : line.substr(0, star + 3);
}

template <size_t N>
void PadWithSpaces(FixedText<N>& text) {
  while (text.size < N) text.chars[text.size++] = ' ';
  text.chars[N] = '\0';
}

// Every type 1-3 and type 5 message of gpsd's sample log, decoded and encoded again, gives
// back the transmitter's sentences byte for byte when the transmitter used the nominal
// length (168 / 424 bits) and 60-character fragments, as almost all do.
TEST(AisEncode, ReencodesGpsdSampleByteForByte) {
  std::ifstream in("testdata/ais/gpsd_sample.aivdm");
  ASSERT_TRUE(in) << "run from the repository root";
  NmeaDecoder decoder;
  std::vector<std::string> group;
  int compared = 0;
  int type1 = 0;
  int type5 = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] != '!') continue;
    const std::string sentence = SentenceOnly(line);
    Result<Sentence> parsed = ParseSentence(sentence);
    if (!parsed.ok()) continue;
    if (parsed->fragment_number == 1) group.clear();
    group.push_back(sentence);
    DecodedMessage decoded;
    Result<NmeaDecoder::Outcome> outcome = decoder.Feed(sentence, decoded);
    if (!outcome.ok() || *outcome != NmeaDecoder::Outcome::kMessage) continue;
    const Message& m = decoded.message;
    const bool position = std::holds_alternative<PositionReportA>(m.body);
    const bool voyage = std::holds_alternative<StaticVoyageData>(m.body);
    if (!position && !voyage) continue;
    // Only transmissions of the nominal length with the last fragment's fill bits as the
    // encoder writes them are comparable byte for byte.
    // This transmitter pads its text fields with spaces (M.1371-5 Table 47 also allows '@',
    // the encoder's padding); the decoder trims both, so pad as it did.
    Message padded = m;
    if (auto* d = std::get_if<StaticVoyageData>(&padded.body)) {
      PadWithSpaces(d->callsign);
      PadWithSpaces(d->shipname);
      PadWithSpaces(d->destination);
    }
    Payload payload;
    ASSERT_TRUE(EncodeMessage(padded, payload).ok());
    std::string original;
    for (const std::string& s : group) original += s + "\r\n";
    size_t armoured = 0;
    for (const std::string& s : group) {
      Result<Sentence> p = ParseSentence(s);
      armoured += p->payload.size();
    }
    if (armoured * 6 - parsed->fill_bits != payload.bit_count) continue;
    if (group.size() > 1 && ParseSentence(group[0])->payload.size() != kMaxArmouredPerSentence) {
      continue;
    }
    SentenceOptions options;
    options.talker = parsed->talker;
    options.channel = parsed->channel;
    options.sequence_id = parsed->sequence_id < 0 ? 0 : static_cast<uint8_t>(parsed->sequence_id);
    std::string encoded;
    ASSERT_TRUE(AppendSentences(payload, options, encoded).ok());
    EXPECT_EQ(encoded, original);
    ++compared;
    (position ? type1 : type5)++;
  }
  // gpsd_sample.aivdm holds six Class A position reports (one transmitted with 163 bits,
  // not comparable byte for byte) and three type 5, of which one has the nominal 424 bits
  // split 60 + 11 characters (the others: a shorter payload, a 64-character first sentence).
  EXPECT_EQ(type1, 5);
  EXPECT_EQ(type5, 1);
  EXPECT_EQ(compared, type1 + type5);
}

Message MakeType5() {
  Message m;
  m.type = 5;
  m.mmsi = 431123456;
  StaticVoyageData d;
  d.ais_version = 0;
  d.imo = 9123456;
  EXPECT_TRUE(SetText("JD1234", d.callsign).ok());
  EXPECT_TRUE(SetText("shinsei maru no.7", d.shipname).ok());
  d.shiptype = 70;
  d.to_bow = 120;
  d.to_stern = 30;
  d.to_port = 10;
  d.to_starboard = 12;
  d.epfd = 1;
  d.month = 6;
  d.day = 1;
  d.hour = 24;
  d.minute = 60;
  d.draught = 95;
  EXPECT_TRUE(SetText("NAHA", d.destination).ok());
  m.body = d;
  return m;
}

TEST(AisEncode, Type5RoundTripsThroughTwoSentences) {
  const Message m = MakeType5();
  Payload payload;
  ASSERT_TRUE(EncodeMessage(m, payload).ok());
  EXPECT_EQ(payload.bit_count, 424);
  std::string text;
  Result<int> sentences = AppendSentences(payload, {.channel = 'B', .sequence_id = 3}, text);
  ASSERT_TRUE(sentences.ok());
  EXPECT_EQ(*sentences, 2);
  // 424 bits = 71 characters with 2 fill bits: 60 + 11.
  EXPECT_EQ(text.substr(0, 15), "!AIVDM,2,1,3,B,");
  EXPECT_NE(text.find("\r\n!AIVDM,2,2,3,B,"), std::string::npos);
  EXPECT_NE(text.find(",2*"), std::string::npos);

  NmeaDecoder decoder;
  DecodedMessage decoded;
  size_t start = 0;
  int messages = 0;
  while (start < text.size()) {
    const size_t end = text.find("\r\n", start);
    Result<NmeaDecoder::Outcome> outcome =
        decoder.Feed(std::string_view(text).substr(start, end - start), decoded);
    ASSERT_TRUE(outcome.ok()) << outcome.status().message();
    if (*outcome == NmeaDecoder::Outcome::kMessage) ++messages;
    start = end + 2;
  }
  ASSERT_EQ(messages, 1);
  EXPECT_EQ(decoded.sentences, 2);
  EXPECT_EQ(decoded.message.mmsi, 431123456u);
  const auto& d = std::get<StaticVoyageData>(decoded.message.body);
  EXPECT_EQ(d.callsign.view(), "JD1234");
  EXPECT_EQ(d.shipname.view(), "SHINSEI MARU NO.7");
  EXPECT_EQ(d.destination.view(), "NAHA");
  EXPECT_EQ(d.imo, 9123456u);
  EXPECT_EQ(d.shiptype, 70);
  EXPECT_EQ(d.to_bow, 120);
  EXPECT_EQ(d.draught, 95);
}

TEST(AisEncode, PositionScalingMatchesTable45) {
  // 1/10 000 min: 26.5 deg = 15 900 000; -0.5 deg = -300 000.
  EXPECT_EQ(EncodeLatitude(26.5), 15900000);
  EXPECT_EQ(EncodeLongitude(-0.5), -300000);
  EXPECT_EQ(EncodeSpeedOverGround(12.34), 123);
  EXPECT_EQ(EncodeSpeedOverGround(150.0), 1022);
  EXPECT_EQ(EncodeCourseOverGround(359.96), 0);
  EXPECT_EQ(EncodeCourseOverGround(-90.0), 2700);
  EXPECT_EQ(EncodeHeading(359.6), 0);
}

TEST(AisEncode, RejectsValuesThatDoNotFit) {
  Message m;
  m.type = 1;
  m.mmsi = 1u << 30;  // 31 bits
  m.body = PositionReportA{};
  Payload payload;
  const Status s = EncodeMessage(m, payload);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("mmsi"), std::string::npos) << s.message();

  FixedText<7> callsign;
  const Status t = SetText("JD{12", callsign);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.message().find("'{'"), std::string::npos) << t.message();

  Message type4;
  type4.type = 4;
  type4.body = BaseStationReport{};
  EXPECT_FALSE(EncodeMessage(type4, payload).ok());
}

}  // namespace
}  // namespace biac::formats::ais
