#include "biac/labels/access.h"

#include <gtest/gtest.h>

#include "biac/labels/label.h"

namespace biac::labels {
namespace {

Label L(std::string_view text) {
  Result<Label> label = Parse(text);
  EXPECT_TRUE(label.ok()) << text << ": " << label.status().ToString();
  return label.ok() ? *label : Label();
}

User U(std::string_view json) {
  Result<User> user = ParseUser(json);
  EXPECT_TRUE(user.ok()) << json << ": " << user.status().ToString();
  return user.ok() ? *user : User();
}

TEST(Access, DecisionTable) {
  const User us_s = U(R"({"clearance":"SECRET","nationality":"USA"})");
  const User jp_s = U(R"({"clearance":"極秘","nationality":"JPN"})");  // own-policy clearance
  const User jp_c = U(R"({"clearance":"HI","nationality":"JPN"})");
  const User gbr_nato = U(R"({"clearance":"TS","nationality":"GBR","affiliations":["NATO"]})");
  const User aus_ts_si = U(R"({"clearance":"TS","nationality":"AUS","sci":["SI"],"orcon":true})");
  const Label jp_only = L(R"({"policy":"JPN","level":"GOKUHI"})");
  const Label jp_rel =
      L(R"({"policy":"JPN","level":"GOKUHI","categories":{"releasable_to":["JPN","USA"]}})");
  struct Row {
    const User& user;
    Label label;
    bool permit;
  };
  const Row rows[] = {
      {us_s, L("SECRET//NOFORN"), true},
      {jp_s, L("SECRET//NOFORN"), false},
      {jp_s, L("SECRET//REL TO USA, JPN"), true},
      {jp_c, L("SECRET//REL TO USA, JPN"), false},
      {jp_c, L("CONFIDENTIAL//REL TO USA, JPN"), true},
      {us_s, jp_only, false},  // JPN-only is the mirror of NOFORN
      {jp_s, jp_only, true},
      {us_s, jp_rel, true},
      {us_s, L("TOP SECRET//REL TO USA, JPN"), false},
      {gbr_nato, L("SECRET//REL TO USA, NATO"), true},
      {gbr_nato, L("SECRET//REL TO USA, GBR"), true},
      {gbr_nato, L("SECRET//REL TO USA, FVEY"), true},  // GBR is a FVEY member
      {gbr_nato, L("SECRET//NOFORN"), false},
      {aus_ts_si, L("TOP SECRET//SI//ORCON/REL TO USA, FVEY"), true},
      {aus_ts_si, L("TOP SECRET//SI/TK//REL TO USA, FVEY"), false},  // not read into TK
      {gbr_nato, L("SECRET//ORCON/REL TO USA, GBR"), false},         // not ORCON-approved
      {jp_s, L(R"({"policy":"JPN","level":"HI","categories":{"caveats":["MDA"]}})"), false},
      {jp_c, L("UNCLASSIFIED"), true},
      {jp_c, L("UNCLASSIFIED//NOFORN"), false},
      {us_s, Label(), false},  // UNLABELLED: no one
  };
  for (const Row& row : rows) {
    EXPECT_EQ(Permits(row.user, row.label), row.permit)
        << UserToJson(row.user) << " / " << Render(row.label) << ": "
        << Decide(row.user, row.label).reason;
  }
}

TEST(Access, ConverseOfSoundnessNotRequired) {
  // security-anchors.md §7.6: a GBR user with NATO sees each input but not the roll-up.
  const User gbr_nato = U(R"({"clearance":"SECRET","nationality":"GBR","affiliations":["NATO"]})");
  const Label a = L("SECRET//REL TO USA, GBR");
  const Label b = L("SECRET//REL TO USA, NATO");
  EXPECT_TRUE(Permits(gbr_nato, a));
  EXPECT_TRUE(Permits(gbr_nato, b));
  EXPECT_EQ(Render(Rollup(a, b)), "SECRET//NOFORN");
  EXPECT_FALSE(Permits(gbr_nato, Rollup(a, b)));
}

TEST(Access, ReasonsAndUserErrors) {
  const User jp_c = U(R"({"clearance":"C","nationality":"JPN"})");
  EXPECT_EQ(Decide(jp_c, L("SECRET//REL TO USA, JPN")).reason,
            "clearance CONFIDENTIAL below SECRET");
  EXPECT_EQ(Decide(jp_c, L("CONFIDENTIAL//NOFORN")).reason,
            "not releasable to JPN or its affiliations (releasable to: USA)");
  EXPECT_FALSE(ParseUser(R"({"clearance":"SECRET","nationality":"usa"})").ok());
  EXPECT_FALSE(ParseUser(R"({"clearance":"GOKUHI","nationality":"USA"})").ok());
  EXPECT_FALSE(ParseUser(R"({"clearance":"S","nationality":"USA","role":"admin"})").ok());
  EXPECT_FALSE(ParseUser(R"({"clearance":"S","nationality":"USA","caveats":["XYZ"]})").ok());
  EXPECT_FALSE(ParseUser(R"({"clearance":"S","nationality":"USA","sci":["si"]})").ok());
  EXPECT_FALSE(ParseUser(R"({"clearance":"S","nationality":"USA","orcon":"yes"})").ok());
}

}  // namespace
}  // namespace biac::labels
