// The ST 0601.17 packs and nested sets (tags 48, 74, 81, 94, 115, 116, 121, 122, 127, 128,
// 130, 138..143) against the reference vectors of KWIVER and jmisb
// (testdata/klv/reference_pack_vectors.json, data-driven; every vector names its source), the
// typed APIs behind the JSON, and the error paths.
//
// Where biac deliberately differs from a reference (also in docs/formats/klv.md):
// - jmisb reports an absent location height (tags 130, 141) as -1000 m; biac omits the field.
// - KWIVER keeps empty items of a VMTI set as empty values; biac writes them as JSON null (the
//   vectors do not compare them).
// - KWIVER's ST 0102 vector writes the object country codes (tag 13) as the two ISO 646 bytes
//   "US", ST 0102.12 says UTF-16BE (the ST 0902 sample writes 00 55 00 53 00 41): biac reads
//   printable ASCII of a non-zero first byte as ISO 646 and the rest as UTF-16BE, so both agree.

#include "biac/formats/klv/st0601_packs.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "biac/formats/common/hex.h"
#include "biac/formats/klv/observations.h"
#include "biac/formats/klv/st0102.h"
#include "biac/formats/klv/st0601.h"
#include "biac/formats/klv/st0601_json.h"
#include "biac/formats/klv/st0903.h"
#include "biac/labels/label.h"

namespace biac::formats::klv {
namespace {

using nlohmann::json;

std::vector<uint8_t> ReadFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<uint8_t> Hex(std::string_view hex) {
  auto bytes = ParseHex(hex);
  EXPECT_TRUE(bytes.ok()) << hex;
  return bytes.ok() ? bytes.value() : std::vector<uint8_t>{};
}

// Compares every leaf of `expected` with the same place in `actual` (extra keys in `actual`,
// e.g. the *_name fields, are allowed). Returns the number of leaves that agree; adds a
// message per disagreement.
size_t Agree(const json& expected, const json& actual, double tolerance, const std::string& path,
             std::vector<std::string>& errors) {
  if (expected.is_object()) {
    if (!actual.is_object()) {
      errors.push_back(path + ": expected an object, got " + actual.dump());
      return 0;
    }
    size_t n = 0;
    for (const auto& [key, value] : expected.items()) {
      if (!actual.contains(key)) {
        errors.push_back(path + "." + key + ": missing");
        continue;
      }
      n += Agree(value, actual.at(key), tolerance, path + "." + key, errors);
    }
    return n;
  }
  if (expected.is_array()) {
    if (!actual.is_array() || actual.size() != expected.size()) {
      errors.push_back(path + ": expected " + expected.dump() + ", got " + actual.dump());
      return 0;
    }
    size_t n = expected.empty() ? 1 : 0;  // an empty list is one agreement
    for (size_t i = 0; i < expected.size(); ++i) {
      n += Agree(expected[i], actual[i], tolerance, path + "[" + std::to_string(i) + "]", errors);
    }
    return n;
  }
  if (expected.is_number_float()) {
    if (!actual.is_number() ||
        std::abs(actual.get<double>() - expected.get<double>()) > tolerance) {
      errors.push_back(path + ": expected " + expected.dump() + ", got " + actual.dump());
      return 0;
    }
    return 1;
  }
  if (expected.is_number()) {
    // Integers compare exactly (as numbers: the reference may write 1 for an unsigned 1).
    if (!actual.is_number() || actual.get<double>() != expected.get<double>()) {
      errors.push_back(path + ": expected " + expected.dump() + ", got " + actual.dump());
      return 0;
    }
    return 1;
  }
  if (actual != expected) {
    errors.push_back(path + ": expected " + expected.dump() + ", got " + actual.dump());
    return 0;
  }
  return 1;
}

json Decode(const json& v, const std::vector<uint8_t>& bytes) {
  if (v["decoder"] == "vmti_location") return VmtiLocationToJson(bytes);
  const auto tag = v["tag"].get<uint32_t>();
  std::optional<json> out = PackValueToJson(tag, bytes);
  return out ? *out : json("no decoder for tag " + std::to_string(tag));
}

std::string Repository(const std::string& source) { return source.substr(0, source.find('@')); }

TEST(St0601PacksTest, AgreesWithKwiverAndJmisbVectors) {
  std::ifstream in("testdata/klv/reference_pack_vectors.json");
  ASSERT_TRUE(in);
  const json doc = json::parse(in);
  std::map<std::string, size_t> vectors_agreeing, vectors_total, fields;
  for (const json& v : doc["vectors"]) {
    const std::string source = v["source"].get<std::string>();
    const std::string repository = Repository(source);
    const std::vector<uint8_t> bytes = Hex(v["value_hex"].get<std::string>());
    const json actual = Decode(v, bytes);
    ++vectors_total[repository];
    const std::string where =
        source + " tag " + v["tag"].dump() + " " + v["value_hex"].get<std::string>();
    if (v.value("expect_error", false)) {
      EXPECT_TRUE(actual.is_object() && actual.contains("error")) << where << " " << actual;
      if (actual.is_object() && actual.contains("error")) ++vectors_agreeing[repository];
      continue;
    }
    std::vector<std::string> errors;
    const size_t agreed = Agree(v["expected"], actual, v["tolerance"].get<double>(), "", errors);
    fields[repository] += agreed;
    for (const std::string& e : errors) ADD_FAILURE() << where << e << "\n  actual " << actual;
    if (errors.empty()) ++vectors_agreeing[repository];
  }
  for (const auto& [repository, total] : vectors_total) {
    std::printf("[ agreement ] %s: %zu/%zu vectors, %zu fields\n", repository.c_str(),
                vectors_agreeing[repository], total, fields[repository]);
    EXPECT_EQ(vectors_agreeing[repository], total) << repository;
  }
  EXPECT_EQ(vectors_total["Kitware/kwiver"] + vectors_total["WestRidgeSystems/jmisb"],
            doc["vectors"].size());
}

TEST(St0601PacksTest, WholePacketsVerifyAndDecode) {
  std::ifstream in("testdata/klv/reference_pack_vectors.json");
  ASSERT_TRUE(in);
  const json doc = json::parse(in);
  ASSERT_EQ(doc["packets"].size(), 3u);
  auto packet = std::make_unique<UasPacket>();
  for (const json& p : doc["packets"]) {
    const std::vector<uint8_t> bytes = Hex(p["hex"].get<std::string>());
    const DecodeError error = DecodeUasPacket(bytes, *packet);
    ASSERT_TRUE(error.ok()) << p["source"] << " " << error.Message();
    EXPECT_EQ(packet->bytes.size(), bytes.size());
    EXPECT_EQ(std::string(ChecksumStatusName(packet->checksum)), p["checksum"]) << p["source"];
    const json record = PacketToJson(*packet, 0);
    std::vector<std::string> errors;
    Agree(p["items"], record["items"], 1e-9, "", errors);
    for (const std::string& e : errors) ADD_FAILURE() << p["source"] << e;
  }
}

// KWIVER's all-tags packet: every ST 0601.17 pack tag is present and none of them is left as
// raw hex (the tags biac keeps raw by design are listed).
TEST(St0601PacksTest, KwiverPacketDecodesEveryPack) {
  std::ifstream in("testdata/klv/reference_pack_vectors.json");
  const json doc = json::parse(in);
  const std::vector<uint8_t> bytes = Hex(doc["packets"][0]["hex"].get<std::string>());
  auto packet = std::make_unique<UasPacket>();
  ASSERT_TRUE(DecodeUasPacket(bytes, *packet).ok());
  size_t decoded = 0;
  for (const Item& item : packet->Items()) {
    const ItemKind kind = item.kind();
    if (kind != ItemKind::kPack && kind != ItemKind::kLocalSet) continue;
    const PackKind pack = PackKindOf(item.tag);
    const bool raw_by_design = pack == PackKind::kNone;
    if (raw_by_design) {
      EXPECT_TRUE(item.tag == 73 || item.tag == 95 || (item.tag >= 97 && item.tag <= 102))
          << item.tag;
      continue;
    }
    const std::optional<json> value = PackValueToJson(item.tag, item.bytes);
    ASSERT_TRUE(value.has_value()) << item.tag;
    EXPECT_FALSE(value->is_object() && value->contains("error")) << item.tag << " " << *value;
    ++decoded;
  }
  // 48, 74, 81, 94, 115, 116, 121, 122, 127, 128, 130, 138, 139, 140, 141, 142, 143.
  EXPECT_EQ(decoded, 17u);
}

TEST(St0601PacksTest, MiisCheckValue) {
  // jmisb st1204/CheckValueTest: checkHexString("031FA3") == 0x79, separators ignored.
  EXPECT_EQ(MiisCheckValue("031FA3"), 0x79);
  EXPECT_EQ(MiisCheckValue("03: 1F-A/3"), 0x79);
}

TEST(St0601PacksTest, MiisTypedValues) {
  const auto bytes = Hex("0170F592F02373364AF8AA9162C00F2EB2DA16B74341000841A0BE365B5AB96A3645");
  MiisCoreIdentifier id;
  ASSERT_TRUE(DecodeMiisCoreIdentifier(bytes, id).ok());
  EXPECT_EQ(id.sensor_id_type, MiisIdType::kPhysical);
  EXPECT_EQ(id.platform_id_type, MiisIdType::kVirtual);
  EXPECT_EQ(id.sensor_id.size(), kUuidSize);
  EXPECT_TRUE(id.window_id.empty());
  // One byte short: the platform UUID is truncated.
  MiisCoreIdentifier shortened;
  const PackResult r =
      DecodeMiisCoreIdentifier(std::span(bytes).first(bytes.size() - 1), shortened);
  EXPECT_EQ(r.error, PackError::kTruncated);
  EXPECT_EQ(r.offset, 18u);
  // jmisb MiisCoreIdentifierTest: 01 10 00 (a platform ID announced, none there) is rejected.
  EXPECT_FALSE(DecodeMiisCoreIdentifier(Hex("011000"), shortened).ok());
}

TEST(St0601PacksTest, ErrorsNameTheByte) {
  ControlCommand command;
  // The string length (0x11) runs past the end.
  PackResult r = DecodeControlCommand(Hex("0511466C79"), command);
  EXPECT_EQ(r.error, PackError::kTruncated);
  // A time stamp of 7 bytes instead of 8.
  r = DecodeControlCommand(Hex("0501410005A38B83B69B"), command);
  EXPECT_EQ(r.error, PackError::kBadLength);
  EXPECT_EQ(r.offset, 3u);
  ImageHorizonPixelPack horizon;
  EXPECT_EQ(DecodeImageHorizonPixelPack(Hex("0A0000"), horizon).error, PackError::kBadLength);
  FrameRate rate;
  EXPECT_EQ(DecodeFrameRate(Hex("83"), rate).error, PackError::kTruncated);
  EXPECT_EQ(DecodeFrameRate(Hex("1E0102"), rate).error, PackError::kTrailingBytes);
  // A BER-OID integer of 10 bytes does not fit 63 bits.
  SubstreamId msid;
  EXPECT_EQ(DecodeSubstreamId(Hex("81818181818181818101"), msid).error, PackError::kBadBer);
  // Local ID 0 needs a 16-byte UUID.
  EXPECT_EQ(DecodeSubstreamId(Hex("00"), msid).error, PackError::kTruncated);
  ViewDomain domain;
  EXPECT_EQ(DecodeViewDomain(Hex("03348000"), domain).error, PackError::kBadLength);
  // JSON of a bad value: the error and the raw bytes.
  const json j = *PackValueToJson(127, Hex("83"));
  EXPECT_EQ(j["error"], "byte 1 of the value: truncated");
  EXPECT_EQ(j["raw"], "83");
}

TEST(St0601PacksTest, ActivePayloadBits) {
  const auto bytes = Hex("800B");  // jmisb ActivePayloadsTest
  EXPECT_TRUE(PayloadIsActive(bytes, 0));
  EXPECT_FALSE(PayloadIsActive(bytes, 2));
  EXPECT_TRUE(PayloadIsActive(bytes, 15));
  EXPECT_FALSE(PayloadIsActive(bytes, 16));
  EXPECT_FALSE(PayloadIsActive(bytes, 200002));
}

// The ST 0902.5 DynamicConstant sample's tag 48, decoded by hand from ST 0102.12 table 2 (no
// reference decoder asserts these values): 01 01 01 | 02 01 07 | 03 05 "//USA" | 0C 01 07 |
// 0D 06 00 55 00 53 00 41 | 16 02 00 0A.
TEST(St0102Test, DynamicConstantSecuritySet) {
  const auto bytes = ReadFile("testdata/klv/klvdata_DynamicConstantMISMMSPacketData.bin");
  auto packet = std::make_unique<UasPacket>();
  ASSERT_TRUE(DecodeUasPacket(bytes, *packet).ok());
  SecurityLocalSet set;
  ASSERT_TRUE(FindSecurityLocalSet(*packet, set));
  EXPECT_EQ(set.Classification(), SecurityClassification::kUnclassified);
  EXPECT_EQ(set.Find(security_tag::kCountryCodingMethod)->unsigned_value, 7u);
  EXPECT_EQ(CountryCodingMethodName(7), "1059 Three Letter");
  EXPECT_EQ(set.Text(security_tag::kClassifyingCountry), "//USA");
  EXPECT_EQ(set.Find(security_tag::kObjectCountryCodingMethod)->unsigned_value, 7u);
  char buffer[32];
  EXPECT_EQ(set.ObjectCountryCodes(buffer), "USA");  // UTF-16BE
  EXPECT_EQ(set.Find(security_tag::kVersion)->unsigned_value, 10u);
  EXPECT_EQ(set.unknown_items, 0u);
  EXPECT_EQ(set.Find(security_tag::kCaveats), nullptr);

  const json record = PacketToJson(*packet, 0);
  const json& security = record["items"]["security_local_set"];
  EXPECT_EQ(security["security_classification_name"], "UNCLASSIFIED");
  EXPECT_EQ(security["object_country_codes"], "USA");
  EXPECT_EQ(security["version"], 10);
}

// The UAS says what classification it gives its own data (tag 48); biac exposes it in the
// decoded message but the Observation's label is the source's configured label, never the
// platform's claim (a misconfigured or foreign platform can mark its data with anything; the
// cell labels a feed by its configuration). Here the sample says UNCLASSIFIED and the source is
// configured SECRET: the observations carry SECRET.
TEST(St0102Test, ObservationLabelComesFromTheSourceNotTheSecuritySet) {
  const auto bytes = ReadFile("testdata/klv/klvdata_DynamicConstantMISMMSPacketData.bin");
  auto packet = std::make_unique<UasPacket>();
  ASSERT_TRUE(DecodeUasPacket(bytes, *packet).ok());
  SecurityLocalSet set;
  ASSERT_TRUE(FindSecurityLocalSet(*packet, set));
  ASSERT_EQ(set.Classification(), SecurityClassification::kUnclassified);
  ObservationOptions options;
  options.source.id = "uav-1";
  auto label = labels::Parse("SECRET//REL TO USA, JPN");
  ASSERT_TRUE(label.ok());
  options.source.label = label.value();
  std::vector<model::Observation> out;
  ASSERT_TRUE(AppendObservations(*packet, options, out).ok());
  ASSERT_FALSE(out.empty());
  for (const model::Observation& obs : out) {
    EXPECT_EQ(obs.label, label.value());
    EXPECT_EQ(obs.label.level(), labels::Level::kSecret);
  }
}

TEST(St0102Test, StructuralErrorsAndLengths) {
  SecurityLocalSet set;
  // Tag 5 (caveats) announces 5 bytes, 2 are there.
  EXPECT_EQ(DecodeSecurityLocalSet(Hex("05055465"), set).error, PackError::kTruncated);
  // A repeated classification.
  PackResult r = DecodeSecurityLocalSet(Hex("010101010102"), set);
  EXPECT_EQ(r.error, PackError::kDuplicateTag);
  EXPECT_EQ(r.offset, 3u);
  // A two-byte classification is kept with its bytes, flagged.
  ASSERT_TRUE(DecodeSecurityLocalSet(Hex("01020001"), set).ok());
  EXPECT_TRUE(set.Find(security_tag::kClassification)->bad_length);
  EXPECT_EQ(set.Classification(), SecurityClassification::kNone);
  // Unknown tags are counted, not errors.
  ASSERT_TRUE(DecodeSecurityLocalSet(Hex("1901FF010104"), set).ok());
  EXPECT_EQ(set.unknown_items, 1u);
  EXPECT_EQ(set.Classification(), SecurityClassification::kSecret);
  // Tag 2^32 + 1 is not tag 1 (the BER-OID value is not truncated to 32 bits).
  ASSERT_TRUE(DecodeSecurityLocalSet(Hex("90808080010104"), set).ok());
  EXPECT_EQ(set.unknown_items, 1u);
  EXPECT_EQ(set.Find(security_tag::kClassification), nullptr);
  // UTF-16 with a surrogate pair (U+1F600) and an ASCII fallback.
  char buffer[16];
  EXPECT_EQ(std::string_view(buffer, Utf16OrAsciiToUtf8(Hex("D83DDE00"), buffer)),
            "\xF0\x9F\x98\x80");
  EXPECT_EQ(std::string_view(buffer, Utf16OrAsciiToUtf8(Hex("4A504E"), buffer)), "JPN");
}

// KWIVER test_klv_0903.cxx (read_write_0903): the typed VMTI API.
TEST(St0903Test, KwiverVmtiSetTypedValues) {
  std::ifstream in("testdata/klv/reference_pack_vectors.json");
  const json doc = json::parse(in);
  std::vector<uint8_t> bytes;
  for (const json& v : doc["vectors"]) {
    if (v["tag"] == 74) bytes = Hex(v["value_hex"].get<std::string>());
  }
  ASSERT_FALSE(bytes.empty());
  VmtiLocalSet set;
  ASSERT_TRUE(DecodeVmtiLocalSet(bytes, set).ok());
  EXPECT_EQ(set.Unsigned(vmti_tag::kPrecisionTimeStamp), 987654321000000u);
  EXPECT_EQ(set.Text(vmti_tag::kSystemName), "DSTO_ADSS_VMTI");
  EXPECT_EQ(set.Unsigned(vmti_tag::kFrameWidth), 1920u);
  ASSERT_TRUE(set.Imap(vmti_tag::kHorizontalFov).has_value());
  EXPECT_DOUBLE_EQ(set.Imap(vmti_tag::kHorizontalFov)->value, 12.5);
  VTargetCursor cursor(set.TargetSeries());
  VTarget target;
  ASSERT_TRUE(cursor.Next(target));
  EXPECT_EQ(target.id, 1u);
  EXPECT_EQ(target.Unsigned(vtarget_tag::kCentroid), 409600u);
  ASSERT_TRUE(cursor.Next(target));
  EXPECT_EQ(target.id, 1234u);
  EXPECT_EQ(target.Unsigned(vtarget_tag::kCentroidRow), 872u);
  EXPECT_EQ(target.Unsigned(vtarget_tag::kCentroidColumn), 1137u);
  EXPECT_DOUBLE_EQ(target.Imap(vtarget_tag::kLocationOffsetLongitude)->value, 12.0);
  VmtiLocation location;
  EXPECT_FALSE(target.Location(location));  // present but empty in the vector
  EXPECT_FALSE(cursor.Next(target));
  EXPECT_TRUE(cursor.result().ok());
}

TEST(St0903Test, BrokenTargetSeries) {
  // A VTarget pack of 6 bytes of which 4 are there.
  const std::vector<uint8_t> truncated = Hex("0601010306");
  VTargetCursor cursor(truncated);
  VTarget target;
  EXPECT_FALSE(cursor.Next(target));
  EXPECT_EQ(cursor.result().error, PackError::kTruncated);
  // A target whose local set repeats tag 1.
  const std::vector<uint8_t> twice = Hex("0701010105010106");
  VTargetCursor repeated(twice);
  EXPECT_FALSE(repeated.Next(target));
  EXPECT_EQ(repeated.result().error, PackError::kDuplicateTag);
  EXPECT_EQ(repeated.result().offset, 5u);
}

}  // namespace
}  // namespace biac::formats::klv
