#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "biac/base/bits.h"
#include "biac/formats/common/hex.h"
#include "biac/formats/gmti/decoder.h"
#include "biac/formats/gmti/encoder.h"
#include "biac/formats/gmti/json.h"

namespace biac::formats::gmti {
namespace {

using nlohmann::json;

json LoadJson(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot open " << path << " (tests run from the repository root)";
  return json::parse(in);
}

std::vector<uint8_t> VectorBytes(const std::string& path, const std::string& name) {
  const json file = LoadJson(path);
  for (const json& v : file["vectors"]) {
    if (v["name"] == name) return ParseHex(v["hex"].get<std::string>()).value();
  }
  ADD_FAILURE() << "no vector " << name << " in " << path;
  return {};
}

constexpr char kS4607Vectors[] = "testdata/gmti/s4607_vectors.json";
constexpr char kS4607JobDef[] = "testdata/gmti/s4607_job_def_vector.json";
constexpr char kHandVectors[] = "testdata/gmti/hand_assembled_vectors.json";

// --- s4607_vectors.json: every value its eunit tests assert ------------------------------------

TEST(S4607Vectors, PacketHeader) {
  const auto bytes = VectorBytes(kS4607Vectors, "packet_header_sample1");
  auto h = DecodePacketHeader(bytes);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->Text(packet_header::kVersion), "12");  // edition 1, version 2
  EXPECT_EQ(PacketSize(*h), 32u);
  EXPECT_EQ(h->Text(packet_header::kNationality), "UK");
  EXPECT_EQ(h->Raw(packet_header::kClassification), 1);  // TOP SECRET
  EXPECT_EQ(h->Text(packet_header::kClassSystem), "XN");
  EXPECT_EQ(h->Raw(packet_header::kSecurityCode), 0x0001);    // NOCONTRACT
  EXPECT_EQ(h->Raw(packet_header::kExerciseIndicator), 128);  // exercise, real
  EXPECT_EQ(h->Text(packet_header::kPlatformId), "ABCDEFGHIJ");
  EXPECT_EQ(h->Raw(packet_header::kMissionId), 5);
  EXPECT_EQ(h->Raw(packet_header::kJobId), 6);
  // A header-only packet: P2 = 32 and no segments.
  auto packet = DecodePacket(bytes);
  ASSERT_TRUE(packet.ok()) << packet.status().ToString();
  EXPECT_TRUE(packet->segments.empty());
}

TEST(S4607Vectors, MissionSegmentOfAnMq9Reaper) {
  MissionSegment m;
  ASSERT_TRUE(DecodeMission(VectorBytes(kS4607Vectors, "mission_segment_sample1"), m).ok());
  EXPECT_EQ(m.Text(mission::kMissionPlan), "Global Domin");
  EXPECT_EQ(m.Text(mission::kFlightPlan), "Fly By");  // trailing spaces trimmed, as s4607 does
  EXPECT_EQ(m.Raw(mission::kPlatformType), 36);
  EXPECT_EQ(PlatformTypeName(36), "MQ-9 Reaper");
  EXPECT_EQ(m.Text(mission::kPlatformConfig), "Skynet v12");
  EXPECT_EQ(m.Raw(mission::kYear), 2015);
  EXPECT_EQ(m.Raw(mission::kMonth), 12);
  EXPECT_EQ(m.Raw(mission::kDay), 31);
}

TEST(S4607Vectors, PlatformLocation) {
  PlatformLocationSegment p;
  ASSERT_TRUE(
      DecodePlatformLocation(VectorBytes(kS4607Vectors, "platform_location_segment_sample1"), p)
          .ok());
  namespace pl = platform_location;
  EXPECT_EQ(p.Raw(pl::kTime), 123456789);
  EXPECT_NEAR(p.Value(pl::kLatitude), -20.2, 1e-6);
  EXPECT_NEAR(p.Value(pl::kLongitude), 256.7, 1e-6);
  EXPECT_EQ(p.Raw(pl::kAltitude), 120000);  // cm
  EXPECT_DOUBLE_EQ(p.Value(pl::kAltitude), 1200.0);
  EXPECT_NEAR(p.Value(pl::kTrack), 90.5, 0.01);
  EXPECT_EQ(p.Raw(pl::kSpeed), 52100);           // mm/s
  EXPECT_EQ(p.Raw(pl::kVerticalVelocity), 127);  // dm/s
}

TEST(S4607Vectors, JobDefinition) {
  JobDefinitionSegment j;
  ASSERT_TRUE(DecodeJobDefinition(VectorBytes(kS4607JobDef, "job_definition_sample1"), j).ok());
  namespace jd = job_definition;
  EXPECT_EQ(j.Raw(jd::kJobId), 16909060);
  EXPECT_EQ(j.Raw(jd::kSensorType), 5);
  EXPECT_EQ(SensorTypeName(5), "Global Hawk Sensor");
  EXPECT_EQ(j.Text(jd::kSensorModel), "Model1");
  EXPECT_EQ(j.Raw(jd::kTargetFiltering), 0);
  EXPECT_EQ(j.Raw(jd::kPriority), 23);
  EXPECT_EQ(j.Raw(jd::kGeoidModel), 3);  // flat earth
  // Hand-computed from the same bytes (not asserted by s4607): 40000000 as SA32 is 2^30 *
  // 180/2^32 = 45 deg; J15 0100 = 256 ds; J21 ffff is "no statement"; J22 7f4a = 32586 *
  // 360/65536 deg.
  EXPECT_DOUBLE_EQ(j.Value(jd::kPointALat), 45.0);
  EXPECT_DOUBLE_EQ(j.Value(jd::kRevisitInterval), 25.6);
  EXPECT_EQ(j.Raw(jd::kSlantRangeSigma), jd::kNoStatementI16);
  EXPECT_DOUBLE_EQ(j.Value(jd::kCrossRangeSigma), 32586.0 * 360.0 / 65536.0);
}

// The agreement count the documentation reports: every vector of the two s4607 files decodes.
TEST(S4607Vectors, EveryVectorDecodes) {
  int decoded = 0;
  for (const char* path : {kS4607Vectors, kS4607JobDef}) {
    const json file = LoadJson(path);
    for (const json& v : file["vectors"]) {
      const auto bytes = ParseHex(v["hex"].get<std::string>()).value();
      const std::string name = v["name"];
      Segment segment;
      Status status = Status::Ok();
      if (name.starts_with("packet_header")) {
        status = DecodePacketHeader(bytes).status();
      } else if (name.starts_with("mission")) {
        status = DecodeSegment(static_cast<uint8_t>(SegmentType::kMission), bytes, segment);
      } else if (name.starts_with("platform_location")) {
        status =
            DecodeSegment(static_cast<uint8_t>(SegmentType::kPlatformLocation), bytes, segment);
      } else if (name.starts_with("job_definition")) {
        status = DecodeSegment(static_cast<uint8_t>(SegmentType::kJobDefinition), bytes, segment);
      } else {
        ADD_FAILURE() << "unknown vector " << name;
        continue;
      }
      EXPECT_TRUE(status.ok()) << name << ": " << status.ToString();
      decoded += status.ok();
    }
  }
  EXPECT_EQ(decoded, 4);
}

// --- Hand-assembled dwells (testdata/gmti/hand_assembled_vectors.json) -------------------------

// Compares one JSON object of ours with the expected one: numbers to the last bit (the fixture's
// values are exact in binary), strings exactly, "absent" keys absent, reports element-wise.
void ExpectMatches(const json& expected, const json& actual, const std::string& where) {
  for (const auto& [key, value] : expected.items()) {
    if (key == "absent") {
      for (const json& absent : value) {
        EXPECT_FALSE(actual.contains(absent.get<std::string>())) << where << ": " << absent;
      }
      continue;
    }
    ASSERT_TRUE(actual.contains(key)) << where << ": missing " << key;
    if (key == "target_reports") {
      ASSERT_EQ(actual[key].size(), value.size()) << where;
      for (size_t i = 0; i < value.size(); ++i) {
        ExpectMatches(value[i], actual[key][i], where + " report " + std::to_string(i + 1));
      }
    } else if (value.is_number()) {
      EXPECT_DOUBLE_EQ(actual[key].get<double>(), value.get<double>()) << where << ": " << key;
      EXPECT_EQ(actual[key].is_number_integer(), value.is_number_integer()) << where << ": " << key;
    } else {
      EXPECT_EQ(actual[key], value) << where << ": " << key;
    }
  }
}

TEST(HandAssembledDwell, MatchesHandComputedValues) {
  int checked = 0;
  const json file = LoadJson(kHandVectors);
  for (const json& v : file["vectors"]) {
    const auto bytes = ParseHex(v["hex"].get<std::string>()).value();
    Segment segment;
    const Status status = DecodeSegment(static_cast<uint8_t>(SegmentType::kDwell), bytes, segment);
    ASSERT_TRUE(status.ok()) << v["name"] << ": " << status.ToString();
    ExpectMatches(v["expected"], ToJson(segment), v["name"]);
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

TEST(HandAssembledDwell, ReencodesByteForByte) {
  for (const char* name : {"dwell_delta_positions", "dwell_hi_res_positions"}) {
    const auto payload = VectorBytes(kHandVectors, name);
    DwellSegment dwell;
    ASSERT_TRUE(DecodeDwell(payload, dwell).ok());
    EXPECT_EQ(DwellPayloadSize(dwell.existence_mask, dwell.reports.size()), payload.size());
    std::vector<uint8_t> out;
    ASSERT_TRUE(AppendDwell(dwell, out).ok());
    ASSERT_EQ(out.size(), payload.size() + segment_header::kBytes);
    EXPECT_EQ(out[0], 2);                                     // S1 dwell
    EXPECT_EQ(LoadBigEndian(out.data() + 1, 4), out.size());  // S2 includes the header
    EXPECT_TRUE(std::equal(payload.begin(), payload.end(), out.begin() + 5)) << name;
  }
}

// Regression (gmti_fuzz_corpus/crash-2f71f3cc...): B16 is sign and magnitude, so 8000 is a
// negative zero; it must decode to zero and re-encode as 8000, not 0000.
TEST(HandAssembledDwell, B16NegativeZeroSurvivesTheRoundTrip) {
  auto payload = VectorBytes(kHandVectors, "dwell_delta_positions");
  constexpr size_t kD26 = 8 + 23 + 8 + 7 + 6 + 8;  // mask, D2-D9, D10-11, D15-17, D21-23, D24-25
  ASSERT_EQ(payload[kD26], 0x05);                  // 10.5 km = 0540
  payload[kD26] = 0x80;
  payload[kD26 + 1] = 0x00;
  DwellSegment dwell;
  ASSERT_TRUE(DecodeDwell(payload, dwell).ok());
  EXPECT_EQ(dwell.Value(DwellField::kRangeHalfExtent), 0.0);
  std::vector<uint8_t> out;
  ASSERT_TRUE(AppendDwell(dwell, out).ok());
  EXPECT_TRUE(std::equal(payload.begin(), payload.end(), out.begin() + 5));
}

// The hot path reuses the caller's DwellSegment: a second decode of a dwell no larger than the
// first keeps the same report storage (no allocation).
TEST(HandAssembledDwell, ReusedSegmentKeepsItsStorage) {
  const auto two = VectorBytes(kHandVectors, "dwell_delta_positions");
  const auto one = VectorBytes(kHandVectors, "dwell_hi_res_positions");
  DwellSegment dwell;
  ASSERT_TRUE(DecodeDwell(two, dwell).ok());
  const TargetReport* storage = dwell.reports.data();
  const size_t capacity = dwell.reports.capacity();
  ASSERT_TRUE(DecodeDwell(one, dwell).ok());
  EXPECT_EQ(dwell.reports.size(), 1u);
  ASSERT_TRUE(DecodeDwell(two, dwell).ok());
  EXPECT_EQ(dwell.reports.data(), storage);
  EXPECT_EQ(dwell.reports.capacity(), capacity);
  // Fields of the earlier dwell do not leak into the next one.
  EXPECT_EQ(dwell.reports[0].Raw(TargetField::kMtiReportIndex), 0);
}

TEST(DecodeErrors, NameTheFieldAndTheSizes) {
  auto payload = VectorBytes(kHandVectors, "dwell_delta_positions");
  DwellSegment dwell;
  payload.pop_back();
  Status s = DecodeDwell(payload, dwell);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("2 target reports of 21 bytes make 107 bytes, payload has 106"),
            std::string::npos)
      << s.message();

  auto missing = VectorBytes(kHandVectors, "dwell_hi_res_positions");
  missing[0] = 0x7f;  // clears D2
  s = DecodeDwell(missing, dwell);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("lacks mandatory field D2 (revisit_index)"), std::string::npos)
      << s.message();

  EXPECT_FALSE(DecodeDwell(std::vector<uint8_t>(7, 0xff), dwell).ok());  // no full mask
  MissionSegment m;
  s = DecodeMission(std::vector<uint8_t>(38, 0x20), m);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("payload of 38 bytes, expected 39"), std::string::npos);
  FreeTextSegment f;
  EXPECT_FALSE(DecodeFreeText(std::vector<uint8_t>(19, 0x20), f).ok());
}

TEST(DecodeErrors, SegmentFraming) {
  auto header = VectorBytes(kS4607Vectors, "packet_header_sample1");
  std::vector<uint8_t> packet = header;
  packet.insert(packet.end(), {13, 0, 0, 0, 3});  // a segment size below the 5-byte header
  packet[5] = static_cast<uint8_t>(packet.size());
  auto decoded = DecodePacket(packet);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.status().message().find("segment at byte 32 (type 13): size 3 is smaller"),
            std::string::npos)
      << decoded.status().message();

  packet[36] = 40;  // now past the end of the packet
  decoded = DecodePacket(packet);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.status().message().find("runs past the end of the packet (5 bytes left)"),
            std::string::npos)
      << decoded.status().message();

  header[5] = 31;  // P2 below the header size
  EXPECT_FALSE(DecodePacketHeader(header).ok());
}

TEST(DecodeSegments, OtherTypesAreSkippedBySizeAndReportedByType) {
  auto header = VectorBytes(kS4607Vectors, "packet_header_sample1");
  std::vector<uint8_t> packet = header;
  packet.insert(packet.end(), {3, 0, 0, 0, 9, 0xaa, 0xbb, 0xcc, 0xdd});  // HRR, 4 bytes
  packet.insert(packet.end(), {102, 0, 0, 0, 5});                        // job ack, empty
  packet[5] = static_cast<uint8_t>(packet.size());
  auto decoded = DecodePacket(packet);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_EQ(decoded->segments.size(), 2u);
  EXPECT_EQ(std::get<OtherSegment>(decoded->segments[0]), (OtherSegment{3, 4}));
  EXPECT_EQ(std::get<OtherSegment>(decoded->segments[1]), (OtherSegment{102, 0}));
  EXPECT_EQ(SegmentTypeName(3), "hrr");
  EXPECT_EQ(SegmentTypeName(102), "job_acknowledge");
  EXPECT_EQ(SegmentTypeName(4), "reserved");
}

TEST(LayoutTables, DwellFieldsTakeConsecutiveMaskBitsInWireOrder) {
  for (size_t i = 0; i < dwell::kFieldCount; ++i) {
    EXPECT_EQ(dwell::kFields[i].id, "D" + std::to_string(i + 2));
    EXPECT_EQ(dwell::kFields[i].size, Info(dwell::kFields[i].type).size);
    EXPECT_EQ(MaskBit(static_cast<DwellField>(i)), uint64_t{1} << (63 - i));
  }
  for (size_t i = 0; i < target::kFieldCount; ++i) {
    EXPECT_EQ(target::kFields[i].id, "D32." + std::to_string(i + 1));
    EXPECT_EQ(target::kFields[i].size, Info(target::kFields[i].type).size);
    EXPECT_EQ(MaskBit(static_cast<TargetField>(i)), uint64_t{1} << (33 - i));
  }
  // Fixed layouts: fields tile the segment without gaps or overlaps.
  auto tiles = [](const auto& fields, size_t size) {
    size_t next = 0;
    for (const FieldSpec& f : fields) {
      EXPECT_EQ(f.offset, next) << f.id;
      if (!f.is_text()) EXPECT_EQ(f.size, Info(f.type).size) << f.id;
      next = f.offset + f.size;
    }
    EXPECT_EQ(next, size);
  };
  tiles(packet_header::kFields, packet_header::kSize);
  tiles(mission::kFields, mission::kSize);
  tiles(job_definition::kFields, job_definition::kSize);
  tiles(platform_location::kFields, platform_location::kSize);
}

// --- Data types ---------------------------------------------------------------------------------

TEST(WireTypes, ScalingsAndQuantisation) {
  // BA16 wraps: -90 deg is 270 deg; SA16 covers [-90, 90).
  EXPECT_EQ(QuantizeValue(dwell::kSensorTrack, -90.0), 0xC000);
  EXPECT_EQ(QuantizeValue(dwell::kPlatformPitch, -90.0), -32768);
  EXPECT_DOUBLE_EQ(ScaledValue(dwell::kPlatformPitch, 16384), 45.0);
  // B16 is sign and magnitude with 7 fraction bits.
  std::array<uint8_t, 2> b16{};
  WriteRaw(b16, WireType::kB16, QuantizeValue(dwell::kRangeHalfExtent, -2.5));
  EXPECT_EQ(b16[0], 0x81);  // sign | 2 << 7 >> 8
  EXPECT_EQ(b16[1], 0x40);
  EXPECT_DOUBLE_EQ(ScaledValue(dwell::kRangeHalfExtent, ReadRaw(b16, WireType::kB16)), -2.5);
  // Integers saturate; decimal units divide exactly.
  EXPECT_EQ(QuantizeValue(target::kSnr, 300.0), 127);
  EXPECT_EQ(QuantizeValue(target::kVelocityLos, -12.34), -1234);
  EXPECT_DOUBLE_EQ(ScaledValue(target::kVelocityLos, -1234), -12.34);
  EXPECT_DOUBLE_EQ(ScaledValue(target::kRcs, -7), -3.5);
  EXPECT_DOUBLE_EQ(NormalizeLongitude(256.7), 256.7 - 360.0);
  EXPECT_DOUBLE_EQ(NormalizeLongitude(180.0), -180.0);
}

// --- Round trips
// ----------------------------------------------------------------------------------

// A random dwell: mandatory bits always, every other mask bit (spare bits included) random;
// every present field a random raw value of its type's range (the wire resolution).
DwellSegment RandomDwell(std::mt19937_64& rng) {
  DwellSegment d;
  d.existence_mask = rng() | kMandatoryDwellMask;
  std::uniform_int_distribution<int> count(0, 12);
  d.reports.resize(static_cast<size_t>(count(rng)));
  for (size_t i = 0; i < dwell::kFieldCount; ++i) {
    if (!d.Has(static_cast<DwellField>(i))) continue;
    const WireType type = dwell::kFields[i].type;
    d.raw[i] = std::uniform_int_distribution<int64_t>(MinRaw(type), MaxRaw(type))(rng);
  }
  d.raw[static_cast<size_t>(DwellField::kTargetReportCount)] =
      static_cast<int64_t>(d.reports.size());
  for (TargetReport& r : d.reports) {
    for (size_t i = 0; i < target::kFieldCount; ++i) {
      if (!d.Has(static_cast<TargetField>(i))) continue;
      const WireType type = target::kFields[i].type;
      r.raw[i] = std::uniform_int_distribution<int64_t>(MinRaw(type), MaxRaw(type))(rng);
    }
  }
  return d;
}

TEST(RoundTrip, RandomDwellsDecodeToThemselves) {
  std::mt19937_64 rng(4607);
  for (int trial = 0; trial < 2000; ++trial) {
    const DwellSegment d = RandomDwell(rng);
    std::vector<uint8_t> bytes;
    ASSERT_TRUE(AppendDwell(d, bytes).ok());
    DwellSegment back;
    const Status s = DecodeDwell(std::span<const uint8_t>(bytes).subspan(5), back);
    ASSERT_TRUE(s.ok()) << "trial " << trial << ": " << s.ToString();
    ASSERT_EQ(back, d) << "trial " << trial;
  }
}

TEST(RoundTrip, PhysicalValuesQuantiseOnceThenStay) {
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> any(-400.0, 400.0);
  for (int trial = 0; trial < 1000; ++trial) {
    for (size_t i = 0; i < target::kFieldCount; ++i) {
      TargetReport r;
      const auto f = static_cast<TargetField>(i);
      r.SetValue(f, any(rng));
      const int64_t raw = r.Raw(f);
      r.SetValue(f, r.Value(f));
      EXPECT_EQ(r.Raw(f), raw) << target::kFields[i].id;
    }
  }
}

TEST(RoundTrip, PacketWithEverySegmentBiacWrites) {
  PacketHeader h;
  h.SetText(packet_header::kVersion, "30");
  h.SetText(packet_header::kNationality, "JA");
  h.SetRaw(packet_header::kClassification, 5);
  h.SetText(packet_header::kPlatformId, "UAV-1");
  h.SetRaw(packet_header::kJobId, 9);
  MissionSegment m;
  m.SetText(mission::kMissionPlan, "PLAN");
  m.SetRaw(mission::kPlatformType, 36);
  m.SetRaw(mission::kYear, 2026);
  m.SetRaw(mission::kMonth, 11);
  m.SetRaw(mission::kDay, 27);
  JobDefinitionSegment j;
  j.SetRaw(job_definition::kJobId, 9);
  j.SetValue(job_definition::kSlantRangeSigma, 12.5);
  PlatformLocationSegment p;
  p.SetValue(platform_location::kLatitude, 26.2);
  p.SetValue(platform_location::kLongitude, 127.7);
  std::mt19937_64 rng(1);
  FreeTextSegment t;
  t.fixed.SetText(free_text::kOriginator, "BIAC");
  t.text = "free text";
  const std::vector<Segment> segments{m, j, RandomDwell(rng), p, t};
  auto bytes = EncodePacket(h, segments);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto packet = DecodePacket(*bytes);
  ASSERT_TRUE(packet.ok()) << packet.status().ToString();
  EXPECT_EQ(PacketSize(packet->header), bytes->size());
  EXPECT_EQ(packet->header.Text(packet_header::kPlatformId), "UAV-1");
  ASSERT_EQ(packet->segments.size(), segments.size());
  for (size_t i = 0; i < segments.size(); ++i) {
    EXPECT_EQ(packet->segments[i], segments[i]) << "segment " << i;
  }
  EXPECT_NEAR(
      std::get<PlatformLocationSegment>(packet->segments[3]).Value(platform_location::kLatitude),
      26.2, 180.0 / 4294967296.0);
  // An undecoded segment cannot be written back.
  const std::vector<Segment> other{OtherSegment{3, 4}};
  EXPECT_FALSE(EncodePacket(h, other).ok());
}

}  // namespace
}  // namespace biac::formats::gmti
