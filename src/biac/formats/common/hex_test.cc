#include "biac/formats/common/hex.h"

#include <gtest/gtest.h>

namespace biac::formats {
namespace {

TEST(HexTest, RoundTripsAndNamesBadCharacters) {
  auto bytes = ParseHex("8D4840d6");
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(bytes.value(), (std::vector<uint8_t>{0x8d, 0x48, 0x40, 0xd6}));
  EXPECT_EQ(ToHex(bytes.value()), "8d4840d6");
  auto odd = ParseHex("abc");
  ASSERT_FALSE(odd.ok());
  EXPECT_NE(odd.status().message().find("odd"), std::string::npos);
  auto bad = ParseHex("12x4");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("character 3 ('x')"), std::string::npos);
  uint8_t small[1];
  EXPECT_FALSE(ParseHex("1234", small).ok());
}

}  // namespace
}  // namespace biac::formats
