// SMPTE ST 336 primitives and the ST 0601 checksum on the ST 0902.5 Annex C sample packets.

#include "biac/formats/klv/klv.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <vector>

namespace biac::formats::klv {
namespace {

std::vector<uint8_t> ReadFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(BerLengthTest, ShortAndLongForms) {
  BerValue v;
  const uint8_t short_form[] = {0x61};
  ASSERT_EQ(ReadBerLength(short_form, v), KlvError::kNone);
  EXPECT_EQ(v.value, 97u);
  EXPECT_EQ(v.size, 1u);
  const uint8_t long_form[] = {0x81, 0xD2};  // the DynamicConstant sample's length
  ASSERT_EQ(ReadBerLength(long_form, v), KlvError::kNone);
  EXPECT_EQ(v.value, 210u);
  EXPECT_EQ(v.size, 2u);
  const uint8_t four[] = {0x84, 0x00, 0x01, 0x00, 0x00};
  ASSERT_EQ(ReadBerLength(four, v), KlvError::kNone);
  EXPECT_EQ(v.value, 65536u);
  EXPECT_EQ(v.size, 5u);
  const uint8_t indefinite[] = {0x80};
  EXPECT_EQ(ReadBerLength(indefinite, v), KlvError::kIndefiniteLength);
  const uint8_t nine[] = {0x89, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(ReadBerLength(nine, v), KlvError::kLengthTooLong);
  const uint8_t cut[] = {0x82, 0x01};
  EXPECT_EQ(ReadBerLength(cut, v), KlvError::kTruncated);
  EXPECT_EQ(ReadBerLength({}, v), KlvError::kTruncated);
}

TEST(BerLengthTest, WriteReadsBack) {
  for (const uint64_t length : {0ull, 1ull, 127ull, 128ull, 255ull, 256ull, 65535ull, 1ull << 40}) {
    uint8_t buffer[9];
    const size_t n = WriteBerLength(length, buffer);
    ASSERT_GT(n, 0u);
    BerValue v;
    ASSERT_EQ(ReadBerLength(std::span<const uint8_t>(buffer, n), v), KlvError::kNone);
    EXPECT_EQ(v.value, length);
    EXPECT_EQ(v.size, n);
  }
}

TEST(BerOidTest, MultiByteTags) {
  BerValue v;
  const uint8_t one[] = {0x41};
  ASSERT_EQ(ReadBerOid(one, v), KlvError::kNone);
  EXPECT_EQ(v.value, 65u);
  // ST 0601 tag 143 is BER-OID 81 0F; tag 128 is 81 00.
  const uint8_t tag143[] = {0x81, 0x0F};
  ASSERT_EQ(ReadBerOid(tag143, v), KlvError::kNone);
  EXPECT_EQ(v.value, 143u);
  EXPECT_EQ(v.size, 2u);
  const uint8_t tag128[] = {0x81, 0x00};
  ASSERT_EQ(ReadBerOid(tag128, v), KlvError::kNone);
  EXPECT_EQ(v.value, 128u);
  const uint8_t three[] = {0x82, 0x80, 0x01};
  ASSERT_EQ(ReadBerOid(three, v), KlvError::kNone);
  EXPECT_EQ(v.value, (2u << 14) | 1u);
  const uint8_t cut[] = {0x81};
  EXPECT_EQ(ReadBerOid(cut, v), KlvError::kTruncated);
  const uint8_t too_long[] = {0x81, 0x81, 0x81, 0x81, 0x01};
  EXPECT_EQ(ReadBerOid(too_long, v), KlvError::kTagTooLong);
  for (const uint32_t tag : {0u, 1u, 127u, 128u, 143u, 16383u, 16384u, (1u << 28) - 1}) {
    uint8_t buffer[4];
    const size_t n = WriteBerOid(tag, buffer);
    ASSERT_GT(n, 0u);
    ASSERT_EQ(ReadBerOid(std::span<const uint8_t>(buffer, n), v), KlvError::kNone);
    EXPECT_EQ(v.value, tag);
  }
}

// The checksum covers the key through the checksum item's length byte (ST 0601.17 6.4).
// Published facts (testdata/klv/PROVENANCE.md): the DynamicOnly sample's stored 0xC850
// verifies; the DynamicConstant sample's stored 0xAA43 does not (the sum is 0x3E1E).
TEST(ChecksumTest, SamplePackets) {
  const auto only = ReadFile("testdata/klv/klvdata_DynamicOnlyMISMMSPacketData.bin");
  ASSERT_EQ(only.size(), 114u);
  EXPECT_EQ(Checksum0601(std::span<const uint8_t>(only).first(only.size() - 2)), 0xC850);
  const auto constant = ReadFile("testdata/klv/klvdata_DynamicConstantMISMMSPacketData.bin");
  ASSERT_EQ(constant.size(), 228u);
  EXPECT_EQ(Checksum0601(std::span<const uint8_t>(constant).first(constant.size() - 2)), 0x3E1E);
  EXPECT_EQ(constant[226], 0xAA);
  EXPECT_EQ(constant[227], 0x43);
}

TEST(TripletTest, FramesAndFindsKeys) {
  const auto only = ReadFile("testdata/klv/klvdata_DynamicOnlyMISMMSPacketData.bin");
  std::vector<uint8_t> stream = {0xFF, 0x06, 0x0E};  // junk, and a partial prefix
  stream.insert(stream.end(), only.begin(), only.end());
  EXPECT_EQ(FindUniversalKey(stream, 0), 3u);
  KlvTriplet triplet;
  ASSERT_EQ(ReadTriplet(std::span<const uint8_t>(stream).subspan(3), triplet), KlvError::kNone);
  EXPECT_EQ(triplet.size, 114u);
  EXPECT_EQ(triplet.value.size(), 97u);
  EXPECT_EQ(FindUniversalKey(stream, 4), stream.size());
  EXPECT_EQ(ReadTriplet(std::span<const uint8_t>(stream).subspan(3, 100), triplet),
            KlvError::kTruncated);
}

}  // namespace
}  // namespace biac::formats::klv
