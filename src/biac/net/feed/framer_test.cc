#include "biac/net/feed/framer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace biac::net {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::SizeIs;

using Bytes = std::vector<uint8_t>;

Bytes ToBytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

Bytes ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Everything a framer reported, in order, for comparing chunkings.
struct Output {
  std::vector<std::pair<uint64_t, Bytes>> records;
  std::vector<std::pair<uint64_t, std::string>> errors;
  std::vector<int> order;  // 0 record, 1 error: the interleaving
  bool operator==(const Output&) const = default;
};

std::unique_ptr<Framer> Make(Framing framing, Output& out, size_t max_record = 0) {
  return MakeFramer(
      framing,
      [&out](std::span<const uint8_t> record, uint64_t offset) {
        out.records.emplace_back(offset, Bytes(record.begin(), record.end()));
        out.order.push_back(0);
      },
      [&out](uint64_t offset, std::string reason) {
        out.errors.emplace_back(offset, std::move(reason));
        out.order.push_back(1);
      },
      max_record);
}

// Frames `input` cut at the given sizes (the rest in one last push), then Finish().
Output Frame(Framing framing, const Bytes& input, const std::vector<size_t>& cuts,
             size_t max_record = 0) {
  Output out;
  auto framer = Make(framing, out, max_record);
  size_t pos = 0;
  for (const size_t cut : cuts) {
    const size_t n = std::min(cut, input.size() - pos);
    framer->Push({input.data() + pos, n});
    pos += n;
    EXPECT_LE(framer->buffered(), framer->max_record());
  }
  framer->Push({input.data() + pos, input.size() - pos});
  EXPECT_LE(framer->buffered(), framer->max_record());
  framer->Finish();
  return out;
}

Output FrameWhole(Framing framing, const Bytes& input, size_t max_record = 0) {
  return Frame(framing, input, {}, max_record);
}

// The property of every framer: the same records and errors whatever the chunking. Checks
// single cut points, byte by byte, and random chunkings.
void ExpectChunkingInvariant(Framing framing, const Bytes& input, size_t max_record = 0) {
  const Output whole = FrameWhole(framing, input, max_record);
  // Every cut point of small inputs; about 300 spread over the larger repository files.
  const size_t step = std::max<size_t>(1, input.size() / 300);
  for (size_t cut = 0; cut <= input.size(); cut += step) {
    ASSERT_EQ(Frame(framing, input, {cut}, max_record), whole) << "cut at " << cut;
  }
  ASSERT_EQ(Frame(framing, input, std::vector<size_t>(input.size(), 1), max_record), whole)
      << "byte by byte";
  std::mt19937 random(7);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<size_t> cuts;
    for (size_t total = 0; total < input.size();) {
      cuts.push_back(std::uniform_int_distribution<size_t>(0, 40)(random));
      total += cuts.back();
    }
    ASSERT_EQ(Frame(framing, input, cuts, max_record), whole) << "trial " << trial;
  }
}

std::string Text(const Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }

// ---- LineFramer ------------------------------------------------------------------------

TEST(LineFramerTest, SplitsLinesStripsCarriageReturnAndSkipsBlankLines) {
  const Bytes input = ToBytes("!AIVDM,1\r\nMSG,3\n\n\r\nlast");
  const Output out = FrameWhole(Framing::kLine, input);
  ASSERT_THAT(out.records, SizeIs(3));
  EXPECT_EQ(out.records[0].first, 0u);
  EXPECT_EQ(Text(out.records[0].second), "!AIVDM,1");
  EXPECT_EQ(out.records[1].first, 10u);
  EXPECT_EQ(Text(out.records[1].second), "MSG,3");
  // The unterminated last line is delivered by Finish().
  EXPECT_EQ(out.records[2].first, 19u);
  EXPECT_EQ(Text(out.records[2].second), "last");
  EXPECT_TRUE(out.errors.empty());
  ExpectChunkingInvariant(Framing::kLine, input);
}

TEST(LineFramerTest, OversizedLineIsReportedAndSkippedToItsEnd) {
  const Bytes input = ToBytes("ok1\n0123456789ABCDEF\nok2\n");
  const Output out = FrameWhole(Framing::kLine, input, /*max_record=*/8);
  ASSERT_THAT(out.records, SizeIs(2));
  EXPECT_EQ(Text(out.records[0].second), "ok1");
  EXPECT_EQ(Text(out.records[1].second), "ok2");
  EXPECT_EQ(out.records[1].first, 21u);
  ASSERT_THAT(out.errors, SizeIs(1));
  EXPECT_EQ(out.errors[0].first, 4u);
  EXPECT_EQ(out.errors[0].second, "line longer than 8 bytes skipped");
  EXPECT_EQ(out.order, (std::vector<int>{0, 1, 0}));
  ExpectChunkingInvariant(Framing::kLine, input, 8);
}

TEST(LineFramerTest, LineOfExactlyMaxRecordIsKept) {
  const Output out = FrameWhole(Framing::kLine, ToBytes("12345678\n123456789\n"), 8);
  ASSERT_THAT(out.records, SizeIs(1));
  EXPECT_EQ(Text(out.records[0].second), "12345678");
  EXPECT_THAT(out.errors, SizeIs(1));
}

TEST(LineFramerTest, StalledPeerHoldsAtMostMaxRecord) {
  Output out;
  LineFramer framer(
      [&](std::span<const uint8_t>, uint64_t o) { out.records.emplace_back(o, Bytes()); },
      [&](uint64_t o, std::string e) { out.errors.emplace_back(o, e); }, 64);
  const Bytes block(1000, 'x');
  for (int i = 0; i < 100; ++i) {
    framer.Push(block);
    EXPECT_LE(framer.buffered(), 64u);
  }
  EXPECT_EQ(framer.buffered(), 0u);  // skipping: nothing held
  EXPECT_THAT(out.errors, SizeIs(1));
  EXPECT_EQ(framer.stats().skipped_bytes, 100000u);
  framer.Push(ToBytes("\nnext\n"));
  ASSERT_THAT(out.records, SizeIs(1));
  EXPECT_EQ(out.records[0].first, 100001u);
}

// ---- BeastFramer -----------------------------------------------------------------------

// The escaping example of ADSBee's Beast notes (CoolNamesAllTaken/adsbee,
// firmware/common/comms/beast/beast.md): a Mode S short frame whose signal byte and payload
// hold 0x1A, each sent doubled.
const Bytes kAdsbeeShortFrame = {0x1a, 0x32, 0x08, 0x3e, 0x27, 0xb6, 0xcb, 0x6a, 0x1a,
                                 0x1a, 0x00, 0xa1, 0x84, 0x1a, 0x1a, 0xc3, 0xb3, 0x1d};
const Bytes kAdsbeeShortRecord = {0x32, 0x08, 0x3e, 0x27, 0xb6, 0xcb, 0x6a, 0x1a,
                                  0x00, 0xa1, 0x84, 0x1a, 0xc3, 0xb3, 0x1d};

Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes all;
  for (const auto& part : parts) all.insert(all.end(), part.begin(), part.end());
  return all;
}

// DF17 identification 8D4840D6202CC371C32CE0576098 (pyModeS test vector, "The 1090 MHz Riddle"
// §4) as a Beast long frame with MLAT counter 1 and signal 0x80.
const Bytes kLongFrame = {0x1a, 0x33, 0,    0,    0,    0,    0,    1,    0x80, 0x8d, 0x48, 0x40,
                          0xd6, 0x20, 0x2c, 0xc3, 0x71, 0xc3, 0x2c, 0xe0, 0x57, 0x60, 0x98};

TEST(BeastFramerTest, UnescapesFromTheTypeByteOn) {
  const Output out = FrameWhole(Framing::kBeast, Concat({kAdsbeeShortFrame, kLongFrame}));
  ASSERT_THAT(out.records, SizeIs(2));
  EXPECT_EQ(out.records[0], std::make_pair(uint64_t{0}, kAdsbeeShortRecord));
  EXPECT_EQ(out.records[1].first, kAdsbeeShortFrame.size());
  EXPECT_EQ(out.records[1].second, Bytes(kLongFrame.begin() + 1, kLongFrame.end()));
  EXPECT_THAT(out.records[1].second, SizeIs(22));
  EXPECT_TRUE(out.errors.empty());
}

TEST(BeastFramerTest, ModeAcFrameIsTenBytes) {
  const Bytes frame = {0x1a, '1', 0, 0, 0, 0, 0, 9, 0x40, 0x1a, 0x1a, 0x07};
  const Output out = FrameWhole(Framing::kBeast, frame);
  ASSERT_THAT(out.records, SizeIs(1));
  EXPECT_EQ(out.records[0].second, (Bytes{'1', 0, 0, 0, 0, 0, 9, 0x40, 0x1a, 0x07}));
}

TEST(BeastFramerTest, ResynchronisesAfterGarbageAndCutShortFrames) {
  // Garbage with an escaped 0x1A pair followed by '2' (data, not a frame start), a frame cut
  // short by the next one, an unknown type, then good frames.
  const Bytes garbage = {'x', 'y', 0x1a, 0x1a, '2', 'z'};
  const Bytes cut = {0x1a, 0x33, 0, 0, 0};
  const Bytes unknown = {0x1a, 0x39, 0x00};
  const Bytes input = Concat({garbage, kLongFrame, cut, kAdsbeeShortFrame, unknown, kLongFrame});
  const Output out = FrameWhole(Framing::kBeast, input);
  ASSERT_THAT(out.records, SizeIs(3));
  EXPECT_EQ(out.records[0].first, garbage.size());
  const uint64_t cut_at = garbage.size() + kLongFrame.size();
  EXPECT_EQ(out.records[1], std::make_pair(cut_at + cut.size(), kAdsbeeShortRecord));
  const uint64_t unknown_at = cut_at + cut.size() + kAdsbeeShortFrame.size();
  EXPECT_EQ(out.records[2].first, unknown_at + unknown.size());
  ASSERT_THAT(out.errors, SizeIs(3));
  EXPECT_EQ(out.errors[0].first, 0u);
  EXPECT_EQ(out.errors[0].second,
            "byte 0x78 where a frame start 0x1A was expected; skipping to the next frame");
  EXPECT_EQ(out.errors[1].first, cut_at);
  EXPECT_EQ(out.errors[1].second,
            "frame cut short by a frame start at offset " + std::to_string(cut_at + cut.size()));
  EXPECT_EQ(out.errors[2].first, unknown_at);
  EXPECT_EQ(out.errors[2].second, "unknown frame type 0x39; skipping to the next frame");
  ExpectChunkingInvariant(Framing::kBeast, input);
}

TEST(BeastFramerTest, RepositoryStream) {
  // testdata/adsb/cli_beast.bin (see its PROVENANCE.md): six frames, two garbage bytes
  // between the fourth and the fifth, and a truncated last frame.
  const Bytes input = ReadFile("testdata/adsb/cli_beast.bin");
  const Output out = FrameWhole(Framing::kBeast, input);
  EXPECT_THAT(out.records, SizeIs(6));
  ASSERT_THAT(out.errors, SizeIs(2));
  EXPECT_EQ(out.errors[0].first, 0x40u);
  EXPECT_EQ(out.errors[1].second, "stream ended inside a frame");
  EXPECT_EQ(out.records[0].second[0], '3');
  ExpectChunkingInvariant(Framing::kBeast, input);
}

// ---- AsterixFramer ---------------------------------------------------------------------

TEST(AsterixFramerTest, SplitsBlocksOfRepositoryFiles) {
  // The jASTERIX sample blocks (testdata/asterix/PROVENANCE.md), one block per file,
  // concatenated as on a TCP stream.
  const std::vector<std::string> files = {"jasterix_cat021ed2.1.bin", "jasterix_cat034ed1.26.bin",
                                          "jasterix_cat048ed1.15.bin", "jasterix_cat062ed1.16.bin"};
  Bytes input;
  std::vector<std::pair<uint64_t, Bytes>> expected;
  for (const auto& file : files) {
    const Bytes block = ReadFile("testdata/asterix/" + file);
    expected.emplace_back(input.size(), block);
    input.insert(input.end(), block.begin(), block.end());
  }
  const Output out = FrameWhole(Framing::kAsterix, input);
  EXPECT_EQ(out.records, expected);
  EXPECT_TRUE(out.errors.empty());
  ExpectChunkingInvariant(Framing::kAsterix, input);
}

TEST(AsterixFramerTest, ShortLengthResynchronisesByteByByte) {
  // CAT 48 LEN 6; then 0x00 0x00 0x01 (LEN 1) and 0x00 0x02: garbage; then CAT 34 LEN 3.
  const Bytes input = {0x30, 0x00, 0x06, 0xaa, 0xbb, 0xcc, 0x00, 0x00, 0x01,
                       0x00, 0x02, 0x22, 0x00, 0x03, 0x30, 0x00, 0x04, 0x01};
  const Output out = FrameWhole(Framing::kAsterix, input);
  // After the bad header at 6, the candidate at 7 reads LEN 0x0100 = 256, a valid header
  // (ASTERIX has no sync marker): it holds the rest, and the stream ends inside it.
  ASSERT_THAT(out.records, SizeIs(1));
  EXPECT_EQ(out.records[0].first, 0u);
  ASSERT_THAT(out.errors, SizeIs(2));
  EXPECT_EQ(out.errors[0].first, 6u);
  EXPECT_EQ(out.errors[0].second, "data block length 1 < 3; resynchronising byte by byte");
  EXPECT_EQ(out.errors[1].first, 7u);
  EXPECT_THAT(out.errors[1].second, ::testing::StartsWith("stream ended inside a data block"));
  ExpectChunkingInvariant(Framing::kAsterix, input);
}

TEST(AsterixFramerTest, ZeroRunIsOneErrorAndTheNextBlockIsFound) {
  // Five zero bytes (every header window reads LEN 0), an empty CAT 0 block (LEN 3) and a
  // CAT 48 block. ASTERIX has no sync marker: resynchronisation finds the first window that
  // reads as a plausible header, which here is the real next block.
  const Bytes input = {0, 0, 0, 0, 0, 0x00, 0x00, 0x03, 0x30, 0x00, 0x05, 0x12, 0x34};
  const Output out = FrameWhole(Framing::kAsterix, input);
  ASSERT_THAT(out.records, SizeIs(2));
  EXPECT_EQ(out.records[0], std::make_pair(uint64_t{5}, Bytes{0x00, 0x00, 0x03}));
  EXPECT_EQ(out.records[1], std::make_pair(uint64_t{8}, Bytes{0x30, 0x00, 0x05, 0x12, 0x34}));
  ASSERT_THAT(out.errors, SizeIs(1));
  EXPECT_EQ(out.errors[0].first, 0u);
  ExpectChunkingInvariant(Framing::kAsterix, input);
}

TEST(AsterixFramerTest, OversizedBlockIsSkipped) {
  const Bytes big = {0x30, 0x00, 0x08, 1, 2, 3, 4, 5};
  const Bytes small = {0x30, 0x00, 0x04, 9};
  const Bytes input = Concat({big, small});
  const Output out = FrameWhole(Framing::kAsterix, input, /*max_record=*/6);
  ASSERT_THAT(out.records, SizeIs(1));
  EXPECT_EQ(out.records[0], std::make_pair(uint64_t{8}, small));
  ASSERT_THAT(out.errors, SizeIs(1));
  EXPECT_EQ(
      out.errors[0],
      std::make_pair(uint64_t{0}, std::string("data block of 8 bytes longer than 6 skipped")));
  ExpectChunkingInvariant(Framing::kAsterix, input, 6);
}

// ---- XmlEventFramer --------------------------------------------------------------------

TEST(XmlEventFramerTest, RepositoryStream) {
  // testdata/cot/cot_stream.xml (its PROVENANCE.md): XML declarations, white space, six
  // complete events, one event cut short inside its start tag by an XML declaration (byte
  // 1928) and a run of garbage after the fourth complete event (byte 2539).
  const Bytes input = ReadFile("testdata/cot/cot_stream.xml");
  const Output out = FrameWhole(Framing::kCotXml, input);
  std::vector<uint64_t> offsets;
  for (const auto& [offset, record] : out.records) {
    offsets.push_back(offset);
    EXPECT_EQ(Text(record).substr(0, 7), "<event ");
    EXPECT_EQ(Text(record).substr(record.size() - 8), "</event>");
  }
  EXPECT_EQ(offsets, (std::vector<uint64_t>{64, 676, 1310, 2100, 2562, 3182}));
  ASSERT_THAT(out.errors, SizeIs(2));
  EXPECT_EQ(out.errors[0].first, 1928u);
  EXPECT_EQ(out.errors[0].second, "event start tag cut short by '<'; skipping to the next <event");
  EXPECT_EQ(out.errors[1].first, 2539u);
  EXPECT_EQ(out.errors[1].second, "text outside an event; skipping to the next <event");
  ExpectChunkingInvariant(Framing::kCotXml, input);
}

TEST(XmlEventFramerTest, SelfClosingQuotedCommentAndCdata) {
  const std::string a = "<event uid='a>b' how=\"/>\"/>";
  const std::string b =
      "<event uid='b'><detail><!-- </event> --><remarks><![CDATA[</event>]]></remarks>"
      "</detail></event >";
  const std::string c = "<event\nuid='c'><eventual/></eventX></event>";
  const Bytes input = ToBytes("\n<?xml version='1.0'?>\r\n" + a + " \t" + b + c);
  const Output out = FrameWhole(Framing::kCotXml, input);
  ASSERT_THAT(out.records, SizeIs(3));
  EXPECT_EQ(Text(out.records[0].second), a);
  EXPECT_EQ(Text(out.records[1].second), b);
  EXPECT_EQ(Text(out.records[2].second), c);
  EXPECT_TRUE(out.errors.empty());
  EXPECT_EQ(out.records[0].first, 24u);
  ExpectChunkingInvariant(Framing::kCotXml, input);
}

TEST(XmlEventFramerTest, OtherMarkupIsGarbageAndOversizedEventsAreSkipped) {
  const std::string big = "<event uid='big'>" + std::string(100, 'x') + "</event>";
  const std::string ok = "<event uid='ok'/>";
  const Bytes input = ToBytes("<events>" + ok + big + ok);
  const Output out = FrameWhole(Framing::kCotXml, input, /*max_record=*/64);
  ASSERT_THAT(out.records, SizeIs(2));
  EXPECT_EQ(out.records[0].first, 8u);
  EXPECT_EQ(out.records[1].first, 8 + ok.size() + big.size());
  ASSERT_THAT(out.errors, SizeIs(2));
  EXPECT_EQ(out.errors[0], std::make_pair(uint64_t{0}, std::string("markup other than <event; "
                                                                   "skipping to the next <event")));
  EXPECT_EQ(out.errors[1], std::make_pair(uint64_t{8 + ok.size()},
                                          std::string("event longer than 64 bytes; skipping to "
                                                      "the next <event")));
  ExpectChunkingInvariant(Framing::kCotXml, input, 64);
}

TEST(XmlEventFramerTest, StalledEventHoldsAtMostMaxRecord) {
  Output out;
  auto framer = Make(Framing::kCotXml, out, 1024);
  framer->Push(ToBytes("<event uid='s'><detail>"));
  const Bytes filler(4096, 'y');
  for (int i = 0; i < 10; ++i) {
    framer->Push(filler);
    EXPECT_LE(framer->buffered(), 1024u);
  }
  EXPECT_THAT(out.errors, SizeIs(1));
  framer->Push(ToBytes("</event><event uid='t'/>"));
  ASSERT_THAT(out.records, SizeIs(1));
  EXPECT_EQ(Text(out.records[0].second), "<event uid='t'/>");
}

TEST(XmlEventFramerTest, FinishReportsAPartialEvent) {
  const Output out = FrameWhole(Framing::kCotXml, ToBytes("<event uid='a'><detail>"));
  EXPECT_TRUE(out.records.empty());
  ASSERT_THAT(out.errors, SizeIs(1));
  EXPECT_EQ(out.errors[0],
            std::make_pair(uint64_t{0}, std::string("stream ended inside an event")));
}

// ---- CotFramer --------------------------------------------------------------------------

TEST(CotFramerTest, XmlThenTakProtocolStream) {
  // An XML event, then (as a TAK client does after the protocol negotiation) the TAK stream
  // framing of testdata/cot/takproto_stream.bin: frames at 0, 290, 582 (6 bytes), 588 (19)
  // and 607, two bytes without the magic at 580, and a frame at 897 cut off at the end (the
  // file's expected.err, written from formats/cot's TakStreamFramer, says the same).
  Bytes input = ToBytes("<?xml version='1.0'?>\n<event uid='x'/>\n");
  const uint64_t p = input.size();
  const Bytes tak = ReadFile("testdata/cot/takproto_stream.bin");
  ASSERT_EQ(tak.size(), 947u);
  input.insert(input.end(), tak.begin(), tak.end());
  const Output out = FrameWhole(Framing::kCot, input);
  ASSERT_THAT(out.records, SizeIs(6));
  EXPECT_EQ(Text(out.records[0].second), "<event uid='x'/>");
  const std::pair<uint64_t, size_t> frames[] = {{0, 290}, {290, 290}, {582, 6}, {588, 19},
                                                {607, 290}};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(out.records[i + 1].first, p + frames[i].first);
    EXPECT_EQ(out.records[i + 1].second.size(), frames[i].second);
    EXPECT_EQ(out.records[i + 1].second[0], CotFramer::kTakMagic);
  }
  ASSERT_THAT(out.errors, SizeIs(2));
  EXPECT_EQ(out.errors[0].first, p + 580);
  EXPECT_EQ(out.errors[1], std::make_pair(p + 897, std::string("stream ended inside a TAK "
                                                               "protocol frame (50 bytes)")));
  ExpectChunkingInvariant(Framing::kCot, input);
}

TEST(CotFramerTest, TakMeshDatagramIsOneRecord) {
  // A mesh datagram (0xBF, version 1, 0xBF, TakMessage) framed on its own, as FramingHandler
  // frames a UDP datagram: one record, delivered at the end of the datagram.
  const Bytes tak = ReadFile("testdata/cot/takproto_stream.bin");
  Bytes datagram = {0xBF, 0x01, 0xBF};
  datagram.insert(datagram.end(), tak.begin() + 3, tak.begin() + 290);  // frame 1's message
  const Output out = FrameWhole(Framing::kCot, datagram);
  ASSERT_THAT(out.records, SizeIs(1));
  EXPECT_EQ(out.records[0], std::make_pair(uint64_t{0}, datagram));
  EXPECT_TRUE(out.errors.empty());
  ExpectChunkingInvariant(Framing::kCot, datagram);
}

TEST(CotFramerTest, XmlStreamIsFramedAsByTheXmlFramer) {
  const Bytes xml = ReadFile("testdata/cot/cot_stream.xml");
  EXPECT_EQ(FrameWhole(Framing::kCot, xml), FrameWhole(Framing::kCotXml, xml));
}

// ---- TsPacketFramer --------------------------------------------------------------------

TEST(TsPacketFramerTest, CutsTheRepositoryStreamIntoPackets) {
  // testdata/klv/klv_in_ts.ts: 8 transport packets (PAT, PMT, KLV PES; make_ts.py).
  const Bytes ts = ReadFile("testdata/klv/klv_in_ts.ts");
  ASSERT_EQ(ts.size(), 8 * TsPacketFramer::kPacketBytes);
  const Output out = FrameWhole(Framing::kMpegTs, ts);
  ASSERT_THAT(out.records, SizeIs(8));
  for (size_t i = 0; i < out.records.size(); ++i) {
    EXPECT_EQ(out.records[i].first, i * TsPacketFramer::kPacketBytes);
    EXPECT_EQ(out.records[i].second,
              Bytes(ts.begin() + static_cast<std::ptrdiff_t>(i * 188),
                    ts.begin() + static_cast<std::ptrdiff_t>((i + 1) * 188)));
  }
  EXPECT_TRUE(out.errors.empty());
  ExpectChunkingInvariant(Framing::kMpegTs, ts);
}

TEST(TsPacketFramerTest, GarbageIsOneErrorPerRunAndAPartialPacketIsReported) {
  const Bytes ts = ReadFile("testdata/klv/klv_in_ts.ts");
  Bytes input = ToBytes("xyz");                                 // 0..2: garbage
  input.insert(input.end(), ts.begin(), ts.begin() + 188);      // 3: packet
  input.insert(input.end(), {0x00, 0x11});                      // 191..192: garbage
  input.insert(input.end(), ts.begin() + 188, ts.begin() + 376);  // 193: packet
  input.insert(input.end(), ts.begin(), ts.begin() + 100);      // 381: cut short
  const Output out = FrameWhole(Framing::kMpegTs, input);
  ASSERT_THAT(out.records, SizeIs(2));
  EXPECT_EQ(out.records[0].first, 3u);
  EXPECT_EQ(out.records[1].first, 193u);
  ASSERT_THAT(out.errors, SizeIs(3));
  EXPECT_EQ(out.errors[0], std::make_pair(uint64_t{0},
                                          std::string("byte 0x78 where a transport packet should "
                                                      "start (sync byte 0x47); skipping to the "
                                                      "next 0x47")));
  EXPECT_EQ(out.errors[1].first, 191u);
  EXPECT_EQ(out.errors[2], std::make_pair(uint64_t{381}, std::string("stream ended inside a "
                                                                     "transport packet (100 of "
                                                                     "188 bytes)")));
  EXPECT_EQ(out.order, (std::vector<int>{1, 0, 1, 0, 1}));
  ExpectChunkingInvariant(Framing::kMpegTs, input);
}

// ---- GmtiFramer ------------------------------------------------------------------------

TEST(GmtiFramerTest, CutsTheRepositoryCaptureByPacketSize) {
  // testdata/gmti/sample.4607 (make_sample_capture.py): packets of 324, 135 and 148 bytes,
  // "JUNK!" at 607, a 60-byte packet at 612, then a header at 672 whose P2 (100) runs past
  // the end of the file (40 bytes left).
  const Bytes capture = ReadFile("testdata/gmti/sample.4607");
  ASSERT_EQ(capture.size(), 712u);
  const Output out = FrameWhole(Framing::kGmti, capture);
  ASSERT_THAT(out.records, SizeIs(4));
  const std::pair<uint64_t, size_t> expected[] = {{0, 324}, {324, 135}, {459, 148}, {612, 60}};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(out.records[i].first, expected[i].first);
    EXPECT_EQ(out.records[i].second.size(), expected[i].second);
  }
  ASSERT_THAT(out.errors, SizeIs(2));
  EXPECT_EQ(out.errors[0], std::make_pair(uint64_t{607},
                                          std::string("version (P1) bytes 0x4A 0x55 are not two "
                                                      "digits; skipping to the next packet "
                                                      "header")));
  EXPECT_EQ(out.errors[1], std::make_pair(uint64_t{672}, std::string("stream ended inside a "
                                                                     "packet (40 of 100 bytes)")));
  EXPECT_EQ(out.order, (std::vector<int>{0, 0, 0, 1, 0, 1}));
  ExpectChunkingInvariant(Framing::kGmti, capture);
}

TEST(GmtiFramerTest, ImplausibleSizeIsSkippedNotAwaited) {
  // A header claiming 4 GiB must not make the framer wait for it: with max_record 200 the
  // size is refused and the packet after it is found.
  const Bytes capture = ReadFile("testdata/gmti/sample.4607");
  Bytes input = ToBytes("30");
  input.insert(input.end(), {0xFF, 0xFF, 0xFF, 0xF0});
  input.insert(input.end(), capture.begin() + 612, capture.begin() + 672);  // at 6
  const Output out = FrameWhole(Framing::kGmti, input, 200);
  ASSERT_THAT(out.records, SizeIs(1));
  EXPECT_EQ(out.records[0].first, 6u);
  ASSERT_THAT(out.errors, SizeIs(1));
  EXPECT_EQ(out.errors[0].second,
            "packet size (P2) 4294967280 is not in [32, 200]; skipping to the next packet header");
  ExpectChunkingInvariant(Framing::kGmti, input, 200);
  // A stalled peer costs at most max_record.
  Output stalled;
  auto framer = Make(Framing::kGmti, stalled, 200);
  Bytes big = ToBytes("30");
  big.insert(big.end(), {0x00, 0x00, 0x00, 0xC8});  // P2 200
  big.resize(199, 0);
  framer->Push(big);
  EXPECT_EQ(framer->buffered(), 199u);
  EXPECT_TRUE(stalled.records.empty());
}

// ---- Names -----------------------------------------------------------------------------

TEST(FramingTest, NamesRoundTrip) {
  for (const Framing framing :
       {Framing::kLine, Framing::kBeast, Framing::kAsterix, Framing::kCotXml, Framing::kMpegTs,
        Framing::kGmti, Framing::kCot}) {
    const auto parsed = ParseFraming(FramingName(framing));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, framing);
  }
  const auto bad = ParseFraming("nmea");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message(),
            "framing \"nmea\": expected line, beast, asterix, cot-xml, mpeg-ts, gmti or cot");
}

}  // namespace
}  // namespace biac::net
