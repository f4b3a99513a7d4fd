#include "biac/audit/entry.h"

#include <gtest/gtest.h>

namespace biac::audit {
namespace {

AuditEntry Access() {
  AccessDecision a;
  a.subject = "usa/analyst.smith";
  a.request = "GET /tracks?bbox=127,24,132,34";
  a.labels = {"SECRET//REL TO USA, JPN", "JPN GOKUHI//REL TO JPN, USA"};
  a.decision = Decision::kPermit;
  a.reason = "";
  return {Timestamp::FromNanos(1'717'200'000'123'456'789), a};
}

AuditEntry ReleaseEntry() {
  Release r;
  r.partner = "JPN";
  r.rule = "coarsen-position-1km";
  r.inputs = {"obs:ais:431000001:17", "obs:radar-us:42"};
  r.label = "SECRET//REL TO USA, JPN";
  r.output_hash = Sha256(AsBytes("released bytes"));
  return {Timestamp::FromNanos(-5), r};
}

// The layout documented in entry.h, byte for byte, for a small hand-built entry.
TEST(EntryEncoding, HandComputedBytes) {
  AccessDecision a;
  a.subject = "u";
  a.request = "r";
  a.labels = {"L"};
  a.decision = Decision::kDeny;
  a.reason = "x";
  const AuditEntry e{Timestamp::FromNanos(0x0102030405060708), a};
  const std::vector<uint8_t> want = {0x01, 0x01,  // version, kind = access
                                     0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,  // time
                                     0,    0,    0,    1,    'u',                     // subject
                                     0,    0,    0,    1,    'r',                     // request
                                     0,    0,    0,    1,    0,    0,    0,    1,
                                     'L',                           // labels: count 1, "L"
                                     0x00,                          // deny
                                     0,    0,    0,    1,    'x'};  // reason
  EXPECT_EQ(EncodeEntry(e).value(), want);
}

TEST(EntryEncoding, RoundTripBothKinds) {
  for (const auto& e : {Access(), ReleaseEntry(), AuditEntry{}}) {
    const auto bytes = EncodeEntry(e).value();
    const auto back = DecodeEntry(bytes);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, e);
    EXPECT_EQ(EncodeEntry(*back).value(), bytes);
  }
}

// Field boundaries are unambiguous: moving a byte from one string to the next changes the
// encoding (a naive concatenation would not).
TEST(EntryEncoding, Unambiguous) {
  AuditEntry a = Access();
  AuditEntry b = Access();
  std::get<AccessDecision>(a.body).subject = "ab";
  std::get<AccessDecision>(a.body).request = "c";
  std::get<AccessDecision>(b.body).subject = "a";
  std::get<AccessDecision>(b.body).request = "bc";
  EXPECT_NE(EncodeEntry(a).value(), EncodeEntry(b).value());
  AuditEntry c = Access();
  std::get<AccessDecision>(c.body).labels = {"A,B"};
  AuditEntry d = Access();
  std::get<AccessDecision>(d.body).labels = {"A", "B"};
  EXPECT_NE(EncodeEntry(c).value(), EncodeEntry(d).value());
}

TEST(EntryEncoding, StrictDecoding) {
  const auto bytes = EncodeEntry(Access()).value();
  // Every proper prefix is rejected, and so is a trailing byte.
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(DecodeEntry(std::span(bytes).first(n)).ok()) << n;
  }
  auto longer = bytes;
  longer.push_back(0);
  EXPECT_FALSE(DecodeEntry(longer).ok());
  auto version = bytes;
  version[0] = 2;
  EXPECT_FALSE(DecodeEntry(version).ok());
  auto kind = bytes;
  kind[1] = 3;
  EXPECT_FALSE(DecodeEntry(kind).ok());
  // decision byte of a deny/permit entry set to 2
  AuditEntry e = Access();
  std::get<AccessDecision>(e.body).reason = "";
  auto decision = EncodeEntry(e).value();
  decision[decision.size() - 5] = 2;
  const auto bad = DecodeEntry(decision);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("decision"), std::string::npos);
  // A huge list count is refused before any allocation.
  std::vector<uint8_t> huge = {1, 1, 0, 0, 0, 0, 0, 0,    0,    0,    0,
                               0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};
  EXPECT_FALSE(DecodeEntry(huge).ok());
}

TEST(EntryEncoding, LimitsOnEncode) {
  AuditEntry e = Access();
  std::get<AccessDecision>(e.body).subject.assign(kMaxFieldBytes + 1, 'x');
  EXPECT_FALSE(EncodeEntry(e).ok());
}

}  // namespace
}  // namespace biac::audit
