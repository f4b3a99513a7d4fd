#include "biac/base/bits.h"

#include <gtest/gtest.h>

#include <array>

namespace biac {
namespace {

TEST(BitsTest, ReadsFieldsAcrossByteBoundaries) {
  constexpr std::array<uint8_t, 4> data = {0b1010'1100, 0b0101'0011, 0xFF, 0x00};
  EXPECT_EQ(ReadBits(data, 0, 1), 1u);
  EXPECT_EQ(ReadBits(data, 0, 4), 0b1010u);
  EXPECT_EQ(ReadBits(data, 4, 8), 0b1100'0101u);
  EXPECT_EQ(ReadBits(data, 6, 12), 0b00'0101'0011'11u);
  EXPECT_EQ(ReadBits(data, 0, 32), 0xAC53FF00u);
  static_assert(ReadBits(std::array<uint8_t, 2>{0x12, 0x34}, 4, 8) == 0x23);
}

TEST(BitsTest, SignedFieldsAreTwosComplement) {
  constexpr std::array<uint8_t, 2> data = {0xFF, 0x80};
  EXPECT_EQ(ReadSignedBits(data, 0, 8), -1);
  EXPECT_EQ(ReadSignedBits(data, 8, 8), -128);
  EXPECT_EQ(ReadSignedBits(data, 1, 7), -1);
  EXPECT_EQ(ReadSignedBits(data, 9, 7), 0);
  EXPECT_EQ(SignExtend(0x3FF, 10), -1);
  EXPECT_EQ(SignExtend(0x1FF, 10), 511);
}

TEST(BitsTest, WriteIsTheInverseOfRead) {
  std::array<uint8_t, 10> data{};
  constexpr BitField kA{"a", 3, 13};
  constexpr BitField kB{"b", 16, 64};
  Write(data, kA, 0x1ABC);
  Write(data, kB, 0x0123456789ABCDEFull);
  EXPECT_EQ(Read(data, kA), 0x1ABCu);
  EXPECT_EQ(Read(data, kB), 0x0123456789ABCDEFull);
  EXPECT_EQ(ReadBits(data, 0, 3), 0u);
  EXPECT_TRUE(FieldFits(kB, 80));
  EXPECT_FALSE(FieldFits(kB, 79));
}

TEST(ByteReaderTest, ReadsBigAndLittleEndianAndFailsStickyAtTheEnd) {
  constexpr std::array<uint8_t, 7> data = {0x01, 0x02, 0x03, 0x04, 0xFF, 0xFE, 0x10};
  ByteReader r(data);
  EXPECT_EQ(r.U16(), 0x0102u);
  EXPECT_EQ(r.ULittle(2), 0x0403u);
  EXPECT_EQ(r.S(2), -2);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 1u);
  EXPECT_EQ(r.U32(), 0u);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.failed_at(), 6u);
  EXPECT_EQ(r.U8(), 0u);  // stays failed
  EXPECT_EQ(r.remaining(), 0u);
}

}  // namespace
}  // namespace biac
