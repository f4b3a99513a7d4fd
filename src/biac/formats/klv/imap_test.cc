// ST 1201 IMAPB forward and reverse mapping against jmisb's table
// (testdata/klv/jmisb_st1201tests.json: 2128 cases over 36 ranges and lengths 1..8).

#include "biac/formats/klv/imap.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <string>

namespace biac::formats::klv {
namespace {

ImapKind SpecialKind(const std::string& name) {
  if (name == "Infinity") return ImapKind::kPositiveInfinity;
  if (name == "-Infinity") return ImapKind::kNegativeInfinity;
  if (name == "+QNaN") return ImapKind::kPositiveQuietNan;
  if (name == "-QNaN") return ImapKind::kNegativeQuietNan;
  ADD_FAILURE() << "unexpected special value " << name;
  return ImapKind::kNormal;
}

TEST(ImapTest, AgreesWithJmisbTable) {
  std::ifstream in("testdata/klv/jmisb_st1201tests.json");
  ASSERT_TRUE(in) << "testdata/klv/jmisb_st1201tests.json";
  const nlohmann::json cases = nlohmann::json::parse(in);
  size_t constants = 0, forward = 0, reverse_exact = 0, reverse_close = 0, special = 0;
  for (const auto& c : cases) {
    const double a = c["a"].get<double>();
    const double b = c["b"].get<double>();
    const auto length = c["L"].get<size_t>();
    const ImapB map = ImapB::Make(a, b, length);
    const std::string where = "a=" + std::to_string(a) + " b=" + std::to_string(b) +
                              " L=" + std::to_string(length) + " x=" + c["x"].dump();
    EXPECT_EQ(map.sf, c["sF"].get<double>()) << where;
    EXPECT_EQ(map.sr, c["sR"].get<double>()) << where;
    EXPECT_EQ(map.z_offset, c["Zoffset"].get<double>()) << where;
    if (map.sf == c["sF"].get<double>() && map.sr == c["sR"].get<double>() &&
        map.z_offset == c["Zoffset"].get<double>()) {
      ++constants;
    }
    const auto expected_raw = c["forwardResult"].get<uint64_t>();
    if (c["x"].is_string()) {
      const ImapKind kind = SpecialKind(c["x"].get<std::string>());
      const uint64_t raw = kind == ImapKind::kPositiveInfinity ||
                                   kind == ImapKind::kNegativeInfinity ||
                                   kind == ImapKind::kPositiveQuietNan
                               ? ImapEncode(map, kind == ImapKind::kPositiveInfinity   ? INFINITY
                                                 : kind == ImapKind::kNegativeInfinity ? -INFINITY
                                                                                       : NAN)
                               : ImapEncodeSpecial(map, kind);
      EXPECT_EQ(raw, expected_raw) << where;
      const ImapValue decoded = ImapDecode(map, expected_raw);
      EXPECT_EQ(decoded.kind, SpecialKind(c["reverseResult"].get<std::string>())) << where;
      if (raw == expected_raw && decoded.kind == kind) ++special;
      continue;
    }
    const double x = c["x"].get<double>();
    const uint64_t raw = ImapEncode(map, x);
    EXPECT_EQ(raw, expected_raw) << where;
    if (raw == expected_raw) ++forward;
    const ImapValue decoded = ImapDecode(map, expected_raw);
    ASSERT_EQ(decoded.kind, ImapKind::kNormal) << where;
    const double expected = c["reverseResult"].get<double>();
    if (decoded.value == expected) ++reverse_exact;
    // jmisb computes in the same order; allow for a last-bit difference all the same.
    EXPECT_NEAR(decoded.value, expected, 1e-12 * std::max(1.0, std::abs(expected))) << where;
    if (std::abs(decoded.value - expected) <= 1e-12 * std::max(1.0, std::abs(expected))) {
      ++reverse_close;
    }
  }
  const size_t normal = cases.size() - 4 * 288;
  RecordProperty("cases", static_cast<int>(cases.size()));
  std::printf(
      "ST 1201 (jmisb): %zu cases; constants %zu/%zu, forward %zu/%zu, reverse exact "
      "%zu/%zu (within 1e-12: %zu), special values %zu/%d\n",
      cases.size(), constants, cases.size(), forward, normal, reverse_exact, normal, reverse_close,
      special, 4 * 288);
  EXPECT_EQ(cases.size(), 2128u);
  EXPECT_EQ(forward, normal);
  EXPECT_EQ(reverse_close, normal);
  EXPECT_EQ(special, 4u * 288u);
}

TEST(ImapTest, SpecialValuesAndLimits) {
  const ImapB map = ImapB::Make(-900.0, 40000.0, 3);
  // 0x80 00 00 is the largest mapped value, not a special one.
  const ImapValue top = ImapDecode(map, 0x800000);
  EXPECT_EQ(top.kind, ImapKind::kNormal);
  EXPECT_GE(top.value, 40000.0);
  EXPECT_EQ(ImapDecode(map, 0x800001).kind, ImapKind::kReserved);
  EXPECT_EQ(ImapDecode(map, 0xC00000).kind, ImapKind::kUserDefined);
  EXPECT_EQ(ImapDecode(map, 0xE00000).kind, ImapKind::kMisbDefined);
  EXPECT_EQ(ImapDecode(map, 0xD80000).kind, ImapKind::kPositiveSignalNan);
  EXPECT_EQ(ImapDecode(map, 0xF80005).kind, ImapKind::kNegativeSignalNan);
  EXPECT_EQ(ImapDecode(map, 0xF80005).identifier, 5u);
  EXPECT_EQ(ImapEncode(map, -1000.0), 0xE00000u);  // below the minimum
  EXPECT_EQ(ImapEncode(map, 50000.0), 0xE10000u);  // above the maximum
  EXPECT_NEAR(ImapDecode(map, ImapEncode(map, 1234.5)).value, 1234.5, map.sr);
}

}  // namespace
}  // namespace biac::formats::klv
