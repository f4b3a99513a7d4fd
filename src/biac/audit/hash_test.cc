#include "biac/audit/hash.h"

#include <gtest/gtest.h>

#include "biac/audit/log_format.h"

namespace biac::audit {
namespace {

// FIPS 180-4 examples (NIST CSRC "SHA256.pdf"): "abc" and the 448-bit message.
TEST(Sha256, NistExamples) {
  EXPECT_EQ(ToHex(Sha256(AsBytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ToHex(Sha256(AsBytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // The same message fed in parts.
  EXPECT_EQ(Sha256({AsBytes("ab"), AsBytes(""), AsBytes("c")}), Sha256(AsBytes("abc")));
}

TEST(Hex, RoundTripAndErrors) {
  const std::vector<uint8_t> bytes = {0x00, 0x7f, 0x80, 0xff};
  EXPECT_EQ(ToHex(bytes), "007f80ff");
  EXPECT_EQ(FromHex("007F80ff").value(), bytes);
  EXPECT_FALSE(FromHex("abc").ok());
  EXPECT_FALSE(FromHex("zz").ok());
  EXPECT_FALSE(HashFromHex("00").ok());
}

// RFC 4648 section 10 test vectors.
TEST(Base64, Rfc4648Vectors) {
  const std::pair<std::string, std::string> cases[] = {{"", ""},
                                                       {"f", "Zg=="},
                                                       {"fo", "Zm8="},
                                                       {"foo", "Zm9v"},
                                                       {"foob", "Zm9vYg=="},
                                                       {"fooba", "Zm9vYmE="},
                                                       {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : cases) {
    EXPECT_EQ(Base64Encode(AsBytes(plain)), encoded);
    const auto decoded = Base64Decode(encoded).value();
    EXPECT_EQ(std::string(decoded.begin(), decoded.end()), plain);
  }
}

TEST(Base64, StrictDecoding) {
  EXPECT_FALSE(Base64Decode("Zg=").ok());   // length
  EXPECT_FALSE(Base64Decode("Zh==").ok());  // non-zero dropped bits: not canonical
  EXPECT_FALSE(Base64Decode("Zm9=").ok());  // non-zero dropped bits
  EXPECT_FALSE(Base64Decode("Z===").ok());
  EXPECT_FALSE(Base64Decode("Zg==Zg==").ok());  // padding in the middle
  EXPECT_FALSE(Base64Decode("Zm9v\n").ok());
  EXPECT_FALSE(Base64Decode("Zm-v").ok());  // URL alphabet
}

// RFC 3720 appendix B.4 CRC-32C examples, and the common check value of "123456789".
TEST(Crc32c, PublishedValues) {
  EXPECT_EQ(Crc32c(AsBytes("123456789")), 0xE3069283u);
  const std::vector<uint8_t> zeros(32, 0x00);
  const std::vector<uint8_t> ones(32, 0xFF);
  EXPECT_EQ(Crc32c(zeros), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(ones), 0x62A8AB43u);
  std::vector<uint8_t> incrementing(32);
  for (size_t i = 0; i < 32; ++i) incrementing[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(Crc32c(incrementing), 0x46DD794Eu);
  // Continuation equals one pass.
  EXPECT_EQ(Crc32c(AsBytes("56789"), Crc32c(AsBytes("1234"))), 0xE3069283u);
}

}  // namespace
}  // namespace biac::audit
