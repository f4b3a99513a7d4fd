#include "biac/formats/cot/marking.h"

#include <gtest/gtest.h>

#include <string>

namespace biac::formats::cot {
namespace {

std::string Banner(const char* access, const char* caveat, const char* rel) {
  Event e;
  e.access = access;
  e.caveat = caveat;
  e.releasable_to = rel;
  Result<std::string> banner = CapcoBanner(e);
  return banner.ok() ? *banner : "error: " + banner.error().message();
}

TEST(Marking, BuildsCapcoBanners) {
  EXPECT_EQ(Banner("SECRET", "", "USA JPN"), "SECRET//REL TO USA, JPN");
  EXPECT_EQ(Banner("S", "", "USA"), "SECRET//NOFORN");
  // A list without USA would widen to USA on reading: refused (FailsClosed below).
  EXPECT_EQ(Banner("secret", "", "USA, JPN"), "SECRET//REL TO USA, JPN");
  // REL TO order: USA, trigraphs A-Z, tetragraphs A-Z; duplicates and commas tolerated.
  EXPECT_EQ(Banner("TOP SECRET", "ORCON", "JPN,USA FVEY GBR JPN"),
            "TOP SECRET//ORCON/REL TO USA, GBR, JPN, FVEY");
  EXPECT_EQ(Banner("C", "NF", ""), "CONFIDENTIAL//NOFORN");
  EXPECT_EQ(Banner("Unclassified", "", ""), "UNCLASSIFIED");
  EXPECT_EQ(Banner("SECRET", "", ""), "SECRET");
  EXPECT_EQ(Banner("TS", "FOUO", ""), "TOP SECRET//FOUO");  // passed on; the label parser judges
  EXPECT_EQ(Banner("", "", ""), "");
  EXPECT_EQ(Banner("Undefined", "", ""), "");
}

TEST(Marking, FailsClosed) {
  EXPECT_EQ(Banner("SECRET", "", "JPN"),
            "error: event: releasableTo 'JPN' does not list USA: refusing rather than widening "
            "the release");
  EXPECT_EQ(Banner("", "", "USA JPN"),
            "error: event: caveat/releasableTo without access: cannot build a label");
  EXPECT_EQ(Banner("SEKRET", "", ""), "error: event: access 'SEKRET' is not a classification");
  EXPECT_EQ(Banner("SECRET", "NOFORN", "USA JPN"),
            "error: event: caveat NOFORN contradicts releasableTo 'USA JPN'");
  EXPECT_EQ(Banner("SECRET", "", "USA Japan"),
            "error: event: releasableTo 'USA Japan': 'JAPAN' is not a country trigraph or "
            "tetragraph");
}

TEST(Marking, EventWithoutMarkingTakesTheSourceLabel) {
  const labels::Label source_label;
  Event e;
  Result<labels::Label> label = EventLabel(e, source_label);
  ASSERT_TRUE(label.ok());
  EXPECT_EQ(*label, source_label);
  e.releasable_to = "USA";
  EXPECT_FALSE(EventLabel(e, source_label).ok());
}

// The banner goes through labels::Parse: the event's label is the parsed banner, and renders
// back to it (labels' canonical form is the CAPCO banner).
TEST(Marking, EventLabelIsTheParsedBanner) {
  Event e;
  e.access = "SECRET";
  e.releasable_to = "JPN USA";
  Result<labels::Label> label = EventLabel(e, labels::Label());
  ASSERT_TRUE(label.ok()) << label.error().message();
  Result<labels::Label> parsed = labels::Parse("SECRET//REL TO USA, JPN");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*label, *parsed);
  EXPECT_EQ(labels::Render(*label), "SECRET//REL TO USA, JPN");

  Event noforn = e;
  noforn.releasable_to = "USA";
  Result<labels::Label> noforn_label = EventLabel(noforn, labels::Label());
  ASSERT_TRUE(noforn_label.ok()) << noforn_label.error().message();
  EXPECT_EQ(labels::Render(*noforn_label), "SECRET//NOFORN");

  Event orcon = e;
  orcon.access = "TS";
  orcon.caveat = "ORCON";
  Result<labels::Label> orcon_label = EventLabel(orcon, labels::Label());
  ASSERT_TRUE(orcon_label.ok()) << orcon_label.error().message();
  EXPECT_EQ(labels::Render(*orcon_label), "TOP SECRET//ORCON/REL TO USA, JPN");

  // A control the label grammar does not know fails closed, naming the banner.
  Event fouo = e;
  fouo.caveat = "FOUO";
  Result<labels::Label> rejected = EventLabel(fouo, labels::Label());
  ASSERT_FALSE(rejected.ok());
  EXPECT_NE(rejected.error().message().find("marking 'SECRET//FOUO/REL TO USA, JPN'"),
            std::string::npos);
}

// A marked event's observation carries the event's label, not the source's.
TEST(Marking, ObservationLabelComesFromTheEvent) {
  Event e;
  e.access = "S";
  e.releasable_to = "USA JPN";
  Result<labels::Label> source = labels::Parse("UNCLASSIFIED");
  ASSERT_TRUE(source.ok());
  Result<labels::Label> label = EventLabel(e, *source);
  ASSERT_TRUE(label.ok());
  EXPECT_NE(*label, *source);
  EXPECT_EQ(labels::Render(*label), "SECRET//REL TO USA, JPN");
}

}  // namespace
}  // namespace biac::formats::cot
