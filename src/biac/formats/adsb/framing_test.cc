// Hex-line, Beast and SBS-1 framing. No public Beast or SBS corpus with decoded values
// exists (formats-anchors.md section 2), so Beast frames are built by hand from the pyModeS
// hex vectors with the escape rule of dump1090's writeBeastMessage, and SBS lines follow the
// field order of dump1090's modesSendSBSOutput; each expected value is worked out in the
// comment beside it.

#include "biac/formats/adsb/framing.h"

#include <gtest/gtest.h>

#include "biac/formats/adsb/test_util.h"

namespace biac::formats::adsb {
namespace {

using testing::Bytes;

TEST(HexLine, BareAvrMlatAndTimestampColumn) {
  HexLine line;
  ASSERT_EQ(*ParseHexLine("8D406B902015A678D4D220AA4BDA", false, line), HexLineKind::kFrame);
  EXPECT_EQ(line.length, 14);
  EXPECT_FALSE(line.time_s.has_value());
  ASSERT_EQ(*ParseHexLine("*5D4CA2D4000000;\r", false, line), HexLineKind::kFrame);
  EXPECT_EQ(line.length, 7);
  ASSERT_EQ(*ParseHexLine("@0000012345678D406B902015A678D4D220AA4BDA;", false, line),
            HexLineKind::kFrame);
  EXPECT_EQ(*line.mlat_ticks, 0x000001234567u);  // the first 12 digits
  EXPECT_EQ(line.bytes[0], 0x8D);
  // The pyModeS sample CSV: unix time, quoted hex, address, type code.
  ASSERT_EQ(*ParseHexLine(R"(1457996400,"8D406B909945DE10000405999BE4","406B90",19)", false, line),
            HexLineKind::kFrame);
  EXPECT_DOUBLE_EQ(*line.time_s, 1457996400.0);
  EXPECT_EQ(line.bytes[4], 0x99);
  ASSERT_EQ(*ParseHexLine("1457996400.25 8D406B909945DE10000405999BE4", false, line),
            HexLineKind::kFrame);
  EXPECT_DOUBLE_EQ(*line.time_s, 1457996400.25);
}

TEST(HexLine, SkipsAndErrors) {
  HexLine line;
  EXPECT_EQ(*ParseHexLine("", false, line), HexLineKind::kSkip);
  EXPECT_EQ(*ParseHexLine("# comment", false, line), HexLineKind::kSkip);
  EXPECT_EQ(*ParseHexLine("timestamp,hex", true, line), HexLineKind::kSkip);
  auto header_later = ParseHexLine("timestamp,hex", false, line);
  ASSERT_FALSE(header_later.ok());
  EXPECT_NE(header_later.status().message().find("not a timestamp"), std::string::npos);
  auto odd = ParseHexLine("8D406B902015A678D4D220AA4BD", false, line);
  ASSERT_FALSE(odd.ok());
  EXPECT_NE(odd.status().message().find("27 hex digits"), std::string::npos);
  EXPECT_FALSE(ParseHexLine("*8D406B902015A678D4D220AA4BDA", false, line).ok());
  EXPECT_FALSE(ParseHexLine("1e30,8D406B902015A678D4D220AA4BDA", false, line).ok());
  EXPECT_FALSE(ParseHexLine("-5,8D406B902015A678D4D220AA4BDA", false, line).ok());
  auto bad_digit = ParseHexLine("8D406B902015A678D4D220AA4BDG", false, line);
  ASSERT_FALSE(bad_digit.ok());
  EXPECT_NE(bad_digit.status().message().find("'G'"), std::string::npos);
}

// Parses a whole buffer, collecting frames and error offsets.
struct BeastParse {
  std::vector<BeastFrame> frames;
  std::vector<size_t> errors;
};
BeastParse ParseAll(std::span<const uint8_t> data) {
  BeastParse out;
  size_t pos = 0;
  for (;;) {
    BeastFrame frame;
    const BeastResult r = ParseBeast(data, pos, 0, true, frame);
    if (r.step == BeastStep::kFrame)
      out.frames.push_back(frame);
    else if (r.step == BeastStep::kBad)
      out.errors.push_back(r.error_offset);
    else
      break;
  }
  return out;
}

TEST(Beast, HandEncodedFrameWithEscapes) {
  // Type '3', timestamp 0x00001A000001 (one 0x1A byte), signal 0x1A, payload the pyModeS
  // identification vector (no 0x1A inside). Escaped: every 0x1A after the type doubled.
  const std::vector<uint8_t> payload = Bytes("8D406B902015A678D4D220AA4BDA");
  std::vector<uint8_t> wire = {0x1A, '3', 0x00, 0x00, 0x1A, 0x1A, 0x00, 0x00, 0x01, 0x1A, 0x1A};
  wire.insert(wire.end(), payload.begin(), payload.end());
  const BeastParse parsed = ParseAll(wire);
  ASSERT_EQ(parsed.frames.size(), 1u);
  EXPECT_TRUE(parsed.errors.empty());
  const BeastFrame& f = parsed.frames[0];
  EXPECT_EQ(f.type, BeastType::kModeSLong);
  EXPECT_EQ(f.timestamp, 0x00001A000001u);
  EXPECT_EQ(f.signal, 0x1A);
  EXPECT_EQ(std::vector<uint8_t>(f.payload().begin(), f.payload().end()), payload);
  // The encoder writes exactly these bytes.
  std::vector<uint8_t> encoded;
  EncodeBeast(f, encoded);
  EXPECT_EQ(encoded, wire);
}

TEST(Beast, RoundTripOfPyModeSVectorsAndModeAc) {
  const char* vectors[] = {"8D406B902015A678D4D220AA4BDA", "5D4CA2D4000000",
                           "8D485020994409940838175B284F", "A800292DFFBBA9383FFCEB903D01",
                           "8D1A1A1A58C382D690C8AC2863A7"};  // last: 0x1A in the address
  std::vector<uint8_t> stream;
  std::vector<BeastFrame> sent;
  uint64_t ts = 0x1A1A1A1A1A1A;
  for (const char* hex : vectors) {
    const auto bytes = Bytes(hex);
    BeastFrame f;
    f.type = bytes.size() == kShortFrameBytes ? BeastType::kModeSShort : BeastType::kModeSLong;
    f.timestamp = ts++;
    f.signal = static_cast<uint8_t>(0x19 + sent.size());
    f.length = static_cast<uint8_t>(bytes.size());
    std::copy(bytes.begin(), bytes.end(), f.data.begin());
    f.offset = stream.size();
    EncodeBeast(f, stream);
    sent.push_back(f);
  }
  BeastFrame ac;
  ac.type = BeastType::kModeAc;
  ac.length = 2;
  ac.data[0] = 0x1A;  // Mode A/C payloads are escaped too
  ac.data[1] = 0x07;
  ac.offset = stream.size();
  EncodeBeast(ac, stream);
  sent.push_back(ac);
  const BeastParse parsed = ParseAll(stream);
  EXPECT_TRUE(parsed.errors.empty());
  ASSERT_EQ(parsed.frames.size(), sent.size());
  for (size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(parsed.frames[i].type, sent[i].type) << i;
    EXPECT_EQ(parsed.frames[i].timestamp, sent[i].timestamp) << i;
    EXPECT_EQ(parsed.frames[i].signal, sent[i].signal) << i;
    EXPECT_EQ(parsed.frames[i].offset, sent[i].offset) << i;
    EXPECT_TRUE(std::equal(sent[i].payload().begin(), sent[i].payload().end(),
                           parsed.frames[i].payload().begin(), parsed.frames[i].payload().end()))
        << i;
  }
}

TEST(Beast, ResynchronisesAfterDamage) {
  const auto payload = Bytes("5D4CA2D4000000");
  std::vector<uint8_t> good = {0x1A, '2', 0, 0, 0, 0, 0, 1, 0x80};
  good.insert(good.end(), payload.begin(), payload.end());      // 16 bytes
  std::vector<uint8_t> stream = {0x55, 0x66};                   // garbage: offset 0
  stream.insert(stream.end(), good.begin(), good.end());        // frame at 2
  stream.insert(stream.end(), {0x1A, '9'});                     // unknown type at 18
  stream.insert(stream.end(), good.begin(), good.begin() + 8);  // cut short at 20
  stream.insert(stream.end(), good.begin(), good.end());        // frame at 28
  stream.insert(stream.end(), good.begin(), good.begin() + 5);  // truncated at the end, 44
  const BeastParse parsed = ParseAll(stream);
  ASSERT_EQ(parsed.frames.size(), 2u);
  EXPECT_EQ(parsed.frames[0].offset, 2u);
  EXPECT_EQ(parsed.frames[1].offset, 28u);
  EXPECT_EQ(parsed.errors, (std::vector<size_t>{0, 18, 20, 44}));
}

TEST(Beast, IncrementalFeedWaitsForTheRest) {
  const auto payload = Bytes("5D4CA2D4000000");
  std::vector<uint8_t> good = {0x1A, '2', 0, 0, 0, 0, 0, 1, 0x80};
  good.insert(good.end(), payload.begin(), payload.end());
  size_t pos = 0;
  BeastFrame f;
  const std::span<const uint8_t> half(good.data(), 10);
  EXPECT_EQ(ParseBeast(half, pos, 0, false, f).step, BeastStep::kNeedMore);
  EXPECT_EQ(pos, 0u);
  EXPECT_EQ(ParseBeast(good, pos, 0, false, f).step, BeastStep::kFrame);
  EXPECT_EQ(pos, good.size());
}

TEST(Sbs, Dump1090Lines) {
  // MSG,3 as dump1090 writes it (22 fields): altitude, position, on-ground flag.
  auto m = ParseSbsLine(
      "MSG,3,1,1,40621D,1,2019/08/08,12:00:00.123,2019/08/08,12:00:00.125,,38000,,,52.25720,"
      "3.91937,,,,,,0\r");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->type, SbsType::kMsg);
  EXPECT_EQ(m->transmission_type, 3);
  EXPECT_EQ(*m->icao, 0x40621Du);
  EXPECT_EQ(*m->altitude_ft, 38000);
  EXPECT_FALSE(m->altitude_gnss);
  EXPECT_DOUBLE_EQ(*m->lat_deg, 52.25720);
  EXPECT_DOUBLE_EQ(*m->lon_deg, 3.91937);
  EXPECT_FALSE(*m->on_ground);
  // 2019-08-08 is day 18116 after 1970-01-01: 18116 * 86400 + 43200.123.
  EXPECT_NEAR(*m->time_generated_s, 18116.0 * 86400 + 43200.123, 1e-6);
  // MSG,1 callsign; MSG,4 velocity with GNSS vertical rate ("H"); MSG,6 squawk 7700 with the
  // emergency flag.
  auto id = ParseSbsLine(
      "MSG,1,1,1,406B90,1,2016/03/14,23:00:02.000,2016/03/14,23:00:02.000,"
      "EZY85MH ,,,,,,,,,,,0");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->callsign, "EZY85MH");
  auto vel = ParseSbsLine(
      "MSG,4,1,1,485020,1,2016/03/14,23:00:02.000,2016/03/14,23:00:02.000,"
      ",,159,183,,,-832H,,,,,0");
  ASSERT_TRUE(vel.ok());
  EXPECT_DOUBLE_EQ(*vel->groundspeed_kt, 159);
  EXPECT_DOUBLE_EQ(*vel->track_deg, 183);
  EXPECT_EQ(*vel->vertical_rate_fpm, -832);
  EXPECT_TRUE(vel->vertical_rate_gnss);
  auto sq = ParseSbsLine(
      "MSG,6,1,1,485020,1,2016/03/14,23:00:02.000,2016/03/14,23:00:02.000,"
      ",,,,,,,7700,0,-1,0,0");
  ASSERT_TRUE(sq.ok());
  EXPECT_EQ(*sq->squawk, 7700);
  EXPECT_TRUE(*sq->emergency);
  EXPECT_FALSE(*sq->alert);
}

TEST(Sbs, OtherMessageTypesAndErrors) {
  auto sta = ParseSbsLine(
      "STA,,5,179,400AE7,10103,2008/11/28,14:58:51.153,2008/11/28,"
      "14:58:51.153,RM");
  ASSERT_TRUE(sta.ok());
  EXPECT_EQ(sta->type, SbsType::kSta);
  EXPECT_EQ(sta->status, "RM");
  auto air = ParseSbsLine(
      "AIR,,333,5,4CA2D6,10,2008/11/28,23:48:18.611,2008/11/28,"
      "23:48:18.611");
  ASSERT_TRUE(air.ok());
  EXPECT_EQ(*air->icao, 0x4CA2D6u);
  auto sel = ParseSbsLine(
      "SEL,,496,2286,4CA4E5,27215,2010/02/19,18:06:07.710,2010/02/19,"
      "18:06:07.710,RYR1427");
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ(sel->callsign, "RYR1427");

  auto expect_error = [](std::string_view line, std::string_view text) {
    auto r = ParseSbsLine(line);
    ASSERT_FALSE(r.ok()) << line;
    EXPECT_NE(r.status().message().find(text), std::string::npos) << r.status().message();
  };
  expect_error("FOO,1,1,1,406B90,1", "message type 'FOO'");
  expect_error("MSG,9,1,1,406B90,1,2016/03/14,23:00:02.000,2016/03/14,23:00:02.000",
               "transmission type '9'");
  expect_error(
      "MSG,3,1,1,40621D,1,2019/08/08,12:00:00.123,2019/08/08,12:00:00.125,,38000,,,"
      "95.0,3.9,,,,,,0",
      "field 15");
  expect_error(
      "MSG,3,1,1,40621D,1,2019/08/08,12:00:00.123,2019/08/08,12:00:00.125,,38000,,,"
      "52.0,,,,,,,0",
      "latitude without longitude");
  expect_error(
      "MSG,6,1,1,485020,1,2016/03/14,23:00:02.000,2016/03/14,23:00:02.000,,,,,,,,"
      "7800,0,0,0,0",
      "squawk '7800'");
  expect_error("MSG,3,1,1,XYZ,1,2016/03/14,23:00:02.000,2016/03/14,23:00:02.000", "field 5");
  expect_error("MSG,3,1,1", "4 fields");
  expect_error("MSG,1,1,1,406B90,1,2016/03/14,23:00:02.000,2016/03/14,23:00:02.000,EZ\xFF", "0xFF");
  expect_error("MSG,3,1,1,40621D,1,2019/13/08,12:00:00.123,2019/08/08,12:00:00.125", "fields 7-8");
}

}  // namespace
}  // namespace biac::formats::adsb
