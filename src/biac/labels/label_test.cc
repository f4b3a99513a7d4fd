#include "biac/labels/label.h"

#include <gtest/gtest.h>

#include "biac/labels/registry.h"

namespace biac::labels {
namespace {

Label MustParse(std::string_view text) {
  Result<Label> label = Parse(text);
  EXPECT_TRUE(label.ok()) << text << ": " << label.status().ToString();
  return label.ok() ? *label : Label();
}

// The strings the CoT helper and the sources of issue 4 §5 build.
TEST(LabelParse, SourceLabels) {
  const Label rel = MustParse("SECRET//REL TO USA, JPN");
  EXPECT_EQ(rel.level(), Level::kSecret);
  ASSERT_EQ(rel.origins().size(), 1u);
  EXPECT_EQ(rel.origins()[0].policy, "USA");
  EXPECT_EQ(rel.origins()[0].level, "SECRET");
  EXPECT_EQ(rel.releasable_to(), (std::vector<std::string>{"JPN", "USA"}));
  EXPECT_EQ(Render(rel), "SECRET//REL TO USA, JPN");

  const Label nf = MustParse("SECRET//NOFORN");
  EXPECT_EQ(nf.releasable_to(), std::vector<std::string>{"USA"});
  EXPECT_EQ(Render(nf), "SECRET//NOFORN");
  EXPECT_EQ(MustParse("(S//NF)"), nf);
  EXPECT_EQ(MustParse("  (S//REL TO USA, JPN)\n"), rel);
}

TEST(LabelParse, BannerAndPortionFormsAgree) {
  EXPECT_EQ(MustParse("TOP SECRET//SI/TK//ORCON/NOFORN"), MustParse("(TS//SI/TK//OC/NF)"));
  EXPECT_EQ(MustParse("CONFIDENTIAL//FGI JPN//REL TO USA, JPN"),
            MustParse("(C//FGI JPN//REL TO USA, JPN)"));
  EXPECT_EQ(MustParse("UNCLASSIFIED"), MustParse("(U)"));
}

TEST(LabelParse, LeniencyNormalisedAway) {
  // §7.1: REL TO / FGI / SCI codes in any order, duplicates allowed.
  EXPECT_EQ(Render(MustParse("SECRET//TK/SI/TK//FGI JPN GBR JPN//REL TO JPN, USA, GBR, JPN")),
            "SECRET//SI/TK//FGI GBR JPN//REL TO USA, GBR, JPN");
  EXPECT_EQ(Render(MustParse("SECRET//REL TO NATO, USA, FVEY, AUS")),
            "SECRET//REL TO USA, FVEY, NATO");  // AUS is covered by FVEY
}

TEST(LabelParse, FailClosedDefaults) {
  // §7.2: a classified label without FD&R is NOFORN; unclassified is releasable to all.
  EXPECT_EQ(Render(MustParse("SECRET")), "SECRET//NOFORN");
  EXPECT_TRUE(MustParse("UNCLASSIFIED").releasable_to_all());
  const Label unlabelled;
  EXPECT_TRUE(unlabelled.unlabelled());
  EXPECT_EQ(unlabelled.level(), Level::kTopSecret);
  EXPECT_TRUE(unlabelled.releasable_to().empty());
  EXPECT_EQ(Render(unlabelled), "UNLABELLED");
  EXPECT_EQ(MustParse("UNLABELLED"), unlabelled);
}

struct Reject {
  const char* text;
  const char* reason;  // a fragment of the message
};

TEST(LabelParse, RejectsWithReason) {
  const Reject cases[] = {
      {"", "empty"},
      {"SECRET//FOUO", "unknown dissemination control 'FOUO'"},
      {"SECRET//RELIDO", "unknown dissemination control 'RELIDO'"},
      {"SECRET//DISPLAY ONLY JPN", "unknown dissemination control"},
      {"SECRET//REL USA, JPN", "is not 'REL TO USA, ...'"},
      {"SECRET//", "empty category"},
      {"SECRET////NOFORN", "empty category"},
      {"SECRET//NOFORN//SI", "out of order"},
      {"SECRET//SI//TK", "out of order"},
      {"SECRET//FGI JPN//FGI GBR", "out of order"},
      {"SECRET//NOFORN/ORCON", "out of order"},
      {"SECRET//ORCON/ORCON", "out of order or repeated"},
      {"SECRET//NOFORN/REL TO USA, JPN", "NOFORN together with REL TO"},
      {"SECRET//REL TO JPN, GBR", "REL TO without USA"},
      {"SECRET//REL TO USA", "alone is not authorised"},
      {"UNCLASSIFIED//ORCON", "ORCON on UNCLASSIFIED"},
      {"secret//noforn", "lower-case"},
      {"SECRET//REL TO USA,JPN", "separated by ', '"},
      {"SECRET//REL TO USA,  JPN", "separated by ', '"},
      {"SECRET//REL TO USA, JAPAN", "not a trigraph or tetragraph"},
      {"RESTRICTED", "unknown classification"},
      {"S//NF", "is the portion form"},
      {"(SECRET//NF)", "is the banner form"},
      {"(S//NF", "missing closing ')'"},
      {"SECRET//SI/NF", "in the SCI category"},
      {"SECRET //NOFORN", "unknown classification"},
      {"SECRET//FGI  JPN", "FGI code"},
      {"SECRET//S!", "not an SCI control system"},
      {"{\"policy\":\"GBR\",\"level\":\"SECRET\"}", "unknown policy 'GBR'"},
      {"{\"policy\":\"JPN\",\"level\":\"MARUHI\"}", "unknown level 'MARUHI' of policy JPN"},
      {"{\"policy\":\"JPN\",\"level\":\"GOKUHI\",\"policy\":\"USA\"}", "repeated"},
      {"{\"policy\":\"JPN\",\"level\":\"GOKUHI\",\"colour\":\"red\"}", "unknown key 'colour'"},
      {"{\"policy\":\"JPN\",\"level\":\"GOKUHI\",\"categories\":{\"caveats\":[\"XYZ\"]}}",
       "unknown caveat 'XYZ'"},
      {"{\"policy\":\"JPN\",\"level\":\"GOKUHI\",\"categories\":{\"releasable_to\":[\"USA\"]}}",
       "must list the originator JPN"},
      {"{\"policy\":\"JPN\",\"level\":\"GOKUHI\",\"categories\":{\"releasable_to\":\"ALL\"}}",
       "ALL only for unclassified"},
      {"{\"policy\":\"JPN\",\"level\":\"GOKUHI\",\"equiv\":\"TS\"}", "not allowed"},
      {"{\"policy\":\"JPN\",\"level\":\"TOKUTEI_HIMITSU\",\"equiv\":\"C\"}", "not allowed"},
      {"{\"policy\":\"JPN\",\"level\":\"HI\"", "not valid JSON"},
      {"{\"originators\":[{\"policy\":\"JPN\",\"level\":\"HI\"},{\"policy\":\"USA\",\"level\":"
       "\"SECRET\"}]}",
       "required for a label with several originators"},
  };
  for (const Reject& c : cases) {
    const Result<Label> label = Parse(c.text);
    ASSERT_FALSE(label.ok()) << c.text << " parsed as " << Render(*label);
    EXPECT_NE(label.status().message().find(c.reason), std::string::npos)
        << c.text << ": " << label.status().message();
  }
}

TEST(LabelParse, JapanesePolicyAndAliases) {
  const Label gokuhi = MustParse(
      R"({"policy":"JPN","level":"GOKUHI","categories":{"releasable_to":["JPN","USA"],"caveats":[]}})");
  ASSERT_EQ(gokuhi.origins().size(), 1u);
  EXPECT_EQ(gokuhi.origins()[0].policy, "JPN");
  EXPECT_EQ(gokuhi.origins()[0].level, "GOKUHI");
  EXPECT_EQ(gokuhi.level(), Level::kSecret);
  EXPECT_EQ(Render(gokuhi),
            R"({"policy":"JPN","level":"GOKUHI","categories":{"releasable_to":["JPN","USA"]}})");
  // Japanese script, romanized and English names are aliases of the same level.
  for (const char* alias : {"極秘", "Gokuhi", "gokuhi", "Secret"}) {
    EXPECT_EQ(MustParse(std::string(R"({"policy":"JPN","level":")") + alias +
                        R"(","categories":{"releasable_to":["USA","JPN"]}})"),
              gokuhi)
        << alias;
  }
  EXPECT_EQ(MustParse(R"({"policy":"JPN","level":"機密"})").level(), Level::kTopSecret);
  EXPECT_EQ(MustParse(R"({"policy":"JPN","level":"秘"})").level(), Level::kConfidential);
  EXPECT_EQ(MustParse(R"({"policy":"JPN","level":"Bōei Himitsu"})").origins()[0].level,
            "BOEI_HIMITSU");
  // The MDA category (特別防衛秘密) is a restrictive caveat, not a level.
  EXPECT_EQ(MustParse(R"({"policy":"JPN","level":"HI","categories":{"caveats":["特別防衛秘密"]}})")
                .caveats(),
            std::vector<std::string>{"MDA"});
}

TEST(LabelParse, SymmetricNationOnly) {
  // JPN-only is expressed exactly as US NOFORN is: the originator alone.
  const Label jpn_only = MustParse(R"({"policy":"JPN","level":"GOKUHI"})");
  EXPECT_EQ(jpn_only.releasable_to(), std::vector<std::string>{"JPN"});
  const Label noforn = MustParse(R"({"policy":"USA","level":"SECRET"})");
  EXPECT_EQ(noforn, MustParse("SECRET//NOFORN"));
  EXPECT_EQ(noforn.releasable_to(), std::vector<std::string>{"USA"});
}

TEST(LabelParse, TokuteiHimitsuEquivalentAndAuditNote) {
  const Label by_default = MustParse(R"({"policy":"JPN","level":"特定秘密"})");
  EXPECT_EQ(by_default.level(), Level::kSecret);
  const std::vector<std::string> notes = AuditNotes(by_default);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("TOKUTEI_HIMITSU: no explicit equiv"), std::string::npos);

  const Label explicit_ts = MustParse(R"({"policy":"JPN","level":"SDS","equiv":"TS"})");
  EXPECT_EQ(explicit_ts.level(), Level::kTopSecret);
  EXPECT_TRUE(AuditNotes(explicit_ts).empty());
  EXPECT_EQ(
      Render(explicit_ts),
      R"({"policy":"JPN","level":"TOKUTEI_HIMITSU","equiv":"TS","categories":{"releasable_to":["JPN"]}})");
  EXPECT_TRUE(AuditNotes(MustParse(R"({"policy":"JPN","level":"GOKUHI"})")).empty());
}

TEST(LabelRender, FixedPoint) {
  const char* inputs[] = {
      "SECRET//REL TO USA, JPN",
      "(TS//SI/TK//OC/NF)",
      "SECRET//FGI//REL TO USA, FVEY",
      "UNCLASSIFIED//REL TO USA, JPN",
      "UNCLASSIFIED",
      "UNLABELLED",
      R"({"policy":"JPN","level":"極秘","categories":{"releasable_to":["USA","JPN","FVEY"],"sci":["SI"],"caveats":["MDA","ORCON"],"fgi":["USA"]}})",
      R"({"policy":"USA","level":"SECRET","categories":{"releasable_to":["USA","JPN"],"caveats":["MDA"]}})",
      R"({"originators":[{"policy":"USA","level":"TS"},{"policy":"JPN","level":"HI"}],"categories":{"releasable_to":[]}})",
      R"({"originators":[{"policy":"USA","level":"U"},{"policy":"JPN","level":"CHUI"}],"categories":{"releasable_to":"ALL","fgi":"CONCEALED"}})",
  };
  for (const char* input : inputs) {
    const Label label = MustParse(input);
    const std::string canonical = Render(label);
    const Label again = MustParse(canonical);
    EXPECT_EQ(again, label) << input << " -> " << canonical;
    EXPECT_EQ(Render(again), canonical);
    EXPECT_EQ(MustParse(RenderJson(label)), label) << RenderJson(label);
  }
}

TEST(LabelRollup, BothOriginatorsKept) {
  const Label us = MustParse("SECRET//REL TO USA, JPN");
  const Label jp = MustParse(
      R"({"policy":"JPN","level":"KIMITSU","categories":{"releasable_to":["JPN","USA"]}})");
  const Label both = Rollup(us, jp);
  ASSERT_EQ(both.origins().size(), 2u);
  EXPECT_EQ(both.origins()[0].policy, "JPN");
  EXPECT_EQ(both.origins()[0].level, "KIMITSU");
  EXPECT_EQ(both.origins()[1].policy, "USA");
  EXPECT_EQ(both.level(), Level::kTopSecret);
  EXPECT_EQ(both.releasable_to(), (std::vector<std::string>{"JPN", "USA"}));
  EXPECT_EQ(
      Render(both),
      R"({"originators":[{"policy":"JPN","level":"KIMITSU"},{"policy":"USA","level":"SECRET"}],"categories":{"releasable_to":["JPN","USA"]}})");
  // JPN-only with NOFORN: releasable to no nation.
  const Label none = Rollup(MustParse(R"({"policy":"JPN","level":"HI"})"), MustParse("(C//NF)"));
  EXPECT_FALSE(none.releasable_to_all());
  EXPECT_TRUE(none.releasable_to().empty());
  // Per policy the most protected level is kept.
  const Label two_jp = Rollup(jp, MustParse(R"({"policy":"JPN","level":"HI"})"));
  ASSERT_EQ(two_jp.origins().size(), 1u);
  EXPECT_EQ(two_jp.origins()[0].level, "KIMITSU");
  EXPECT_EQ(two_jp.releasable_to(), std::vector<std::string>{"JPN"});
  // UNLABELLED absorbs; nothing rolls up to UNLABELLED.
  EXPECT_EQ(Rollup(us, Label()), Label());
  EXPECT_EQ(Rollup(std::span<const Label>()), Label());
}

TEST(LabelDisplay, OriginatorPlusEquivalent) {
  const Label jp =
      MustParse(R"({"policy":"JPN","level":"極秘","categories":{"releasable_to":["JPN","USA"]}})");
  EXPECT_EQ(Display(jp, "USA"), "JPN GOKUHI / equivalent SECRET");
  EXPECT_EQ(Display(jp, "JPN"), "GOKUHI");
  EXPECT_EQ(Display(MustParse("TOP SECRET//NOFORN"), "JPN"),
            "USA TOP SECRET / equivalent TOP SECRET");
  EXPECT_EQ(Display(Rollup(jp, MustParse("CONFIDENTIAL//REL TO USA, JPN")), "USA"),
            "JPN GOKUHI + USA CONFIDENTIAL / equivalent SECRET");
}

TEST(Registry, LoadsADeploymentTable) {
  Result<Registry> custom = Registry::FromJson(Registry::Default().ToJson());
  ASSERT_TRUE(custom.ok()) << custom.status().ToString();
  EXPECT_EQ(custom->ToJson(), Registry::Default().ToJson());
  // A deployment that maps TOKUTEI_HIMITSU to TS by default and adds a caveat.
  Result<Registry> strict = Registry::FromJson(R"({
    "policies":[{"policy":"USA","levels":[{"id":"UNCLASSIFIED","equiv":"U","releasable_to_all_by_default":true},
                                         {"id":"SECRET","aliases":["S"],"equiv":"S"}]},
                {"policy":"JPN","levels":[{"id":"TOKUTEI_HIMITSU","equiv":"TS"}]}],
    "caveats":[{"id":"EXERCISE"}]})");
  ASSERT_TRUE(strict.ok()) << strict.status().ToString();
  Result<Label> label =
      Parse(R"({"policy":"JPN","level":"TOKUTEI_HIMITSU","categories":{"caveats":["EXERCISE"]}})",
            *strict);
  ASSERT_TRUE(label.ok()) << label.status().ToString();
  EXPECT_EQ(label->level(), Level::kTopSecret);
  EXPECT_FALSE(Parse("TOP SECRET//NOFORN", *strict).ok());  // not in that table
  EXPECT_FALSE(Parse("SECRET//ORCON", *strict).ok());       // ORCON not configured
  EXPECT_FALSE(
      Registry::FromJson(
          R"({"policies":[{"policy":"JPN","levels":[{"id":"HI","equiv":"C"},{"id":"GOKUHI","equiv":"U"}]}]})")
          .ok());
}

}  // namespace
}  // namespace biac::labels
