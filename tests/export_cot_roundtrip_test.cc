// CoT export read back by biac's own CoT decoder (formats/cot): the lead's cross-module test
// (api may not include formats, docs/architecture.md). For each track: XML decode, the marking
// read back as a label, and the observation's position, course and speed.

#include <gtest/gtest.h>

#include <iostream>
#include <sstream>
#include <string>

#include "biac/api/export/export.h"
#include "biac/formats/cot/marking.h"
#include "biac/formats/cot/xml.h"
#include "biac/labels/label.h"

namespace biac {
namespace {

const Timestamp kNow = Timestamp::FromNanos(1'717'200'000'000'000'000);

model::FusedTrack Track(uint64_t id, std::string_view label) {
  model::FusedTrack t;
  t.id = id;
  t.time = kNow;
  t.position = {35.25, 139.625, 120};
  t.has_altitude = true;
  t.velocity_enu = Eigen::Vector3d(3, 4, 0);
  t.covariance(0, 0) = t.covariance(1, 1) = 100;
  t.covariance(2, 2) = 16;
  t.identity.callsign = "A&B <\"x\">";
  t.domain = model::Domain::kSea;
  t.label = labels::Parse(label).value();
  return t;
}

struct Case {
  std::string label;
  bool same_label;  // the CoT marking can say it exactly
};

TEST(ExportCotRoundTrip, DecoderReadsEveryEventAndItsMarking) {
  const std::vector<Case> cases = {
      {"UNCLASSIFIED", true},
      {"SECRET//NOFORN", true},
      {"SECRET//REL TO USA, JPN", true},
      {"CONFIDENTIAL//ORCON/REL TO USA, JPN", true},
      {"TOP SECRET//NOFORN", true},
      {"SECRET//REL TO USA, FVEY", true},
      {"TOP SECRET//SI/TK//ORCON/REL TO USA, FVEY", false},
      {R"({"policy":"JPN","level":"GOKUHI","categories":{"releasable_to":["JPN"]}})", false},
  };
  api::ExportContext context{"node-a", kNow, 60};
  for (size_t i = 0; i < cases.size(); ++i) {
    model::FusedTrack t = Track(i + 1, cases[i].label);
    std::string xml = api::TrackToCotEvent(t, context);
    Result<formats::cot::OwnedEvent> event = formats::cot::DecodeXml(xml);
    ASSERT_TRUE(event.ok()) << cases[i].label << ": " << event.status().ToString() << "\n" << xml;
    EXPECT_EQ(event->uid, "biac.node-a." + std::to_string(i + 1));
    EXPECT_EQ(event->type, "a-u-S");
    EXPECT_EQ(event->how, "m-f");
    EXPECT_EQ(event->time, kNow);
    EXPECT_EQ(event->stale, kNow + std::chrono::seconds(60));
    EXPECT_DOUBLE_EQ(event->point.lat, 35.25);
    EXPECT_DOUBLE_EQ(event->point.hae, 120);
    EXPECT_DOUBLE_EQ(event->point.ce, 10);
    EXPECT_DOUBLE_EQ(event->point.le, 4);
    ASSERT_TRUE(event->detail.track.has_value());
    EXPECT_DOUBLE_EQ(event->detail.track->speed, 5);
    ASSERT_TRUE(event->detail.contact.has_value());
    EXPECT_EQ(event->detail.contact->callsign, "A&B <\"x\">");
    Result<labels::Label> back = formats::cot::EventLabel(*event, labels::Label());
    if (cases[i].same_label) {
      ASSERT_TRUE(back.ok()) << cases[i].label << ": " << back.status().ToString();
      EXPECT_EQ(labels::Render(*back), cases[i].label);
    } else {
      // What CoT cannot say exactly (SCI, a non-US originator): the reader must fail closed
      // or keep every restriction; never release wider.
      if (back.ok()) {
        std::cout << cases[i].label << " -> " << labels::Render(*back) << "\n";
        EXPECT_EQ(back->sci(), t.label.sci()) << labels::Render(*back);
        EXPECT_EQ(back->releasable_to(), t.label.releasable_to()) << labels::Render(*back);
      } else {
        std::cout << cases[i].label << " -> refused: " << back.status().ToString() << "\n";
      }
    }
  }
}

}  // namespace
}  // namespace biac
