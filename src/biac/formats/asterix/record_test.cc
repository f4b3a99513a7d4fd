#include "biac/formats/asterix/record.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace biac::formats::asterix {
namespace {

using Bytes = std::vector<uint8_t>;

const Edition& Cat048() { return *FindEdition(48, "1.21"); }

bool Decode(const Edition& e, const Bytes& bytes, RecordView& view, DecodeFailure& failure) {
  return DecodeRecord(e, bytes, view, failure);
}

TEST(AsterixSpec, EditionsAndDefaults) {
  for (const auto& [cat, edition] : std::vector<std::pair<int, std::string>>{{21, "2.6"},
                                                                             {21, "2.1"},
                                                                             {34, "1.27"},
                                                                             {34, "1.26"},
                                                                             {48, "1.21"},
                                                                             {48, "1.15"},
                                                                             {48, "1.27"},
                                                                             {62, "1.18"},
                                                                             {62, "1.16"},
                                                                             {65, "1.3"},
                                                                             {1, "1.2"},
                                                                             {2, "1.0"}}) {
    EXPECT_NE(FindEdition(static_cast<uint8_t>(cat), edition), nullptr) << cat << " " << edition;
  }
  EXPECT_EQ(DefaultEdition(48)->edition, "1.21");
  EXPECT_EQ(DefaultEdition(21)->edition, "2.6");
  EXPECT_EQ(DefaultEdition(62)->edition, "1.18");
  EXPECT_EQ(DefaultEdition(99), nullptr);
  // The derived editions differ from their base exactly where the older edition had spare
  // bits: I048/020 ERR (1.21), also XPP and I048/230 SI (1.15).
  const Edition& e127 = *FindEdition(48, "1.27");
  const Edition& e115 = *FindEdition(48, "1.15");
  EXPECT_GE(FindField(e127, e127.items[FindItem(e127, "020")].variation, "ERR"), 0);
  EXPECT_LT(FindField(Cat048(), Cat048().items[FindItem(Cat048(), "020")].variation, "ERR"), 0);
  EXPECT_GE(FindField(Cat048(), Cat048().items[FindItem(Cat048(), "020")].variation, "XPP"), 0);
  EXPECT_LT(FindField(e115, e115.items[FindItem(e115, "020")].variation, "XPP"), 0);
  EXPECT_LT(FindField(e115, e115.items[FindItem(e115, "230")].variation, "SI"), 0);
}

TEST(AsterixRecord, DataBlockHeader) {
  EXPECT_FALSE(ReadDataBlock(Bytes{48, 0}).ok());
  auto short_len = ReadDataBlock(Bytes{48, 0, 2});
  ASSERT_FALSE(short_len.ok());
  EXPECT_EQ(short_len.error().message(), "data block LEN 2 is less than 3");
  auto long_len = ReadDataBlock(Bytes{48, 0, 9, 0x80, 1});
  ASSERT_FALSE(long_len.ok());
  EXPECT_EQ(long_len.error().message(), "data block LEN 9 exceeds the 5 octets left");
  auto ok = ReadDataBlock(Bytes{48, 0, 5, 0x80, 1, 99});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->category, 48);
  EXPECT_EQ(ok->records.size(), 2u);
}

// Hand-built I048/010 + I048/090 with FL -1 (two's complement 0x3FFC), I048/240 "AB1 " with
// character code 0 as the last character, I048/070 octal 7700.
TEST(AsterixRecord, FieldValuesHandComputed) {
  // FSPEC: FRN 1 (010), 5 (070), 6 (090), FX; FRN 9 (240).
  const Bytes bytes = {0x8D, 0x40, 25, 10, 0x0F, 0xC0, 0x3F, 0xFC,
                       // "AB1" + code 0: 000001 000010 110001 000000
                       0x04, 0x2C, 0x40, 0x00, 0x00, 0x00};
  RecordView view;
  DecodeFailure failure;
  ASSERT_TRUE(Decode(Cat048(), bytes, view, failure)) << failure.reason;
  EXPECT_EQ(view.bytes.size(), bytes.size());
  const auto json = RecordToJson(view);
  EXPECT_EQ(json.at("I048/010").at("SIC"), 10);
  EXPECT_EQ(json.at("I048/070").at("MODE3A"), "7700");
  EXPECT_EQ(*Raw(view, "070", "", "MODE3A"), 07700u);
  EXPECT_EQ(json.at("I048/090").at("FL"), -1.0);
  EXPECT_EQ(json.at("I048/240"), "AB1     ");
  EXPECT_EQ(Text(view, "240", "", ""), "AB1");
  EXPECT_EQ(Numeric(view, "040", "", "RHO"), std::nullopt);
}

TEST(AsterixRecord, ErrorsNameThePlace) {
  RecordView view;
  DecodeFailure failure;
  // FRN 1 and 2 announced, only 010 and one octet of 140 present.
  EXPECT_FALSE(Decode(Cat048(), {0xC0, 1, 2, 3}, view, failure));
  EXPECT_EQ(failure.offset, 3u);
  EXPECT_STREQ(failure.reason, "item runs past the end of the block");
  // An FSPEC that never ends.
  EXPECT_FALSE(Decode(Cat048(), {0x01, 0x01}, view, failure));
  EXPECT_STREQ(failure.reason, "FSPEC runs past the end of the block");
  EXPECT_FALSE(Decode(Cat048(), Bytes(12, 0x01), view, failure));
  EXPECT_STREQ(failure.reason, "FSPEC longer than 9 octets");
  // No item at all.
  EXPECT_FALSE(Decode(Cat048(), {0x00}, view, failure));
  EXPECT_STREQ(failure.reason, "FSPEC announces no item");
  // CAT065 1.3: FRNs 8-12 are spare.
  EXPECT_FALSE(Decode(*FindEdition(65, "1.3"), {0x01, 0x80, 0}, view, failure));
  EXPECT_STREQ(failure.reason, "FSPEC announces an FRN the category's UAP does not define");
  // I048/120 (FRN 20) announcing a third subfield (it has two: CAL and RDS).
  EXPECT_FALSE(Decode(Cat048(), {0x01, 0x01, 0x04, 0x20, 0, 0}, view, failure));
  EXPECT_STREQ(failure.reason, "compound item announces a subfield its edition does not define");
  // SP (FRN 27) with length 0.
  EXPECT_FALSE(Decode(Cat048(), {0x01, 0x01, 0x01, 0x04, 0x00}, view, failure));
  EXPECT_STREQ(failure.reason, "explicit item with length 0");
}

TEST(AsterixRecord, VariableLengthItems) {
  RecordView view;
  DecodeFailure failure;
  // I048/020 (FRN 3) with three extents: this edition defines two; the third is skipped
  // (a later edition's extension) and the record still decodes.
  const Bytes extended = {0x20, 0xA1, 0x01, 0x00};
  ASSERT_TRUE(Decode(Cat048(), extended, view, failure)) << failure.reason;
  EXPECT_EQ(view.bytes.size(), 4u);
  EXPECT_EQ(RecordToJson(view).at("I048/020").at("TYP"), 5);
  // I048/030 (FRN 16) warning conditions, repetitive with FX: codes 3, then 12.
  const Bytes repetitive = {0x01, 0x01, 0x40, 0x07, 0x18};
  ASSERT_TRUE(Decode(Cat048(), repetitive, view, failure)) << failure.reason;
  EXPECT_EQ(RecordToJson(view).at("I048/030"), nlohmann::ordered_json::parse("[3, 12]"));
  // I048/250 (FRN 10) two Comm-B registers; I048/SP (FRN 27) 2 octets of payload.
  const Bytes rep = {0x01, 0x20, 2, 1, 2, 3, 4, 5, 6, 7, 0x40, 8, 9, 10, 11, 12, 13, 14, 0x50};
  ASSERT_TRUE(Decode(Cat048(), rep, view, failure)) << failure.reason;
  const auto json = RecordToJson(view);
  EXPECT_EQ(json.at("I048/250").size(), 2u);
  EXPECT_EQ(json.at("I048/250")[0].at("MBDATA"), "01020304050607");
  EXPECT_EQ(json.at("I048/250")[1].at("BDS1"), 5);
  const Bytes sp = {0x01, 0x01, 0x01, 0x04, 3, 0xAB, 0xCD};
  ASSERT_TRUE(Decode(Cat048(), sp, view, failure)) << failure.reason;
  EXPECT_EQ(RecordToJson(view).at("I048/SP"), "abcd");
}

}  // namespace
}  // namespace biac::formats::asterix
