#include "biac/formats/cot/observation.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

#include "biac/formats/cot/xml.h"

namespace biac::formats::cot {
namespace {

OwnedEvent SaEvent() {
  std::ifstream in("testdata/cot/takserver_cot_vectors.json");
  EXPECT_TRUE(in);
  Result<OwnedEvent> e =
      DecodeXml(nlohmann::json::parse(in)["vectors"][0]["cot_xml"].get<std::string>());
  EXPECT_TRUE(e.ok());
  return *e;
}

ObservationOptions Options() {
  ObservationOptions options;
  options.source.id = "tak-okinawa";
  options.sensor = "tak-server-1";
  return options;
}

TEST(CotObservation, AtakSaIsASelfReportWithCovarianceFromCe) {
  const OwnedEvent e = SaEvent();
  Result<model::Observation> obs = ToObservation(e, Options());
  ASSERT_TRUE(obs.ok()) << obs.error().message();
  EXPECT_EQ(obs->kind, model::ObservationKind::kSelfReport);  // how m-g
  EXPECT_EQ(obs->source_kind, model::SourceKind::kCot);
  EXPECT_EQ(obs->source, "tak-okinawa");
  EXPECT_EQ(obs->sensor, "tak-server-1");
  EXPECT_EQ(obs->time, e.time);
  EXPECT_EQ(obs->position.latitude_deg, 40.255716);
  EXPECT_EQ(obs->position.longitude_deg, -72.045306);
  EXPECT_TRUE(obs->has_altitude);
  EXPECT_EQ(obs->position.altitude_m, -22.22983896651138);
  // ce 4.9 m is 1-sigma per horizontal axis; le unknown -> the default 1000 m.
  EXPECT_DOUBLE_EQ(obs->position_covariance(0, 0), 4.9 * 4.9);
  EXPECT_DOUBLE_EQ(obs->position_covariance(1, 1), 4.9 * 4.9);
  EXPECT_DOUBLE_EQ(obs->position_covariance(2, 2), 1000.0 * 1000.0);
  EXPECT_EQ(obs->position_covariance(0, 1), 0.0);
  // track speed 0: zero velocity, default 5 m/s sigma.
  ASSERT_TRUE(obs->velocity_enu.has_value());
  EXPECT_EQ(obs->velocity_enu->norm(), 0.0);
  EXPECT_DOUBLE_EQ(obs->velocity_covariance(0, 0), 25.0);
  EXPECT_FALSE(obs->has_vertical_velocity);
  EXPECT_EQ(obs->identity.uid, "ANDROID-352413144215585");
  EXPECT_EQ(obs->identity.callsign, "coolata");
  EXPECT_EQ(obs->identity.category, "a-f-G-U-C");
  EXPECT_EQ(obs->label, Options().source.label);
}

TEST(CotObservation, VelocityFromCourseAndSpeedWithErrors) {
  OwnedEvent e = SaEvent();
  e.detail.track = Track{90.0, 10.0, 2.0, 0.5};  // east at 10 m/s
  Result<model::Observation> obs = ToObservation(e, Options());
  ASSERT_TRUE(obs.ok());
  EXPECT_NEAR((*obs->velocity_enu)(0), 10.0, 1e-12);
  EXPECT_NEAR((*obs->velocity_enu)(1), 0.0, 1e-12);
  // Along the course (east) the speed sigma 0.5; across it (north) speed * course sigma:
  // 10 m/s * 2 deg = 0.349 m/s.
  EXPECT_NEAR(obs->velocity_covariance(0, 0), 0.25, 1e-12);
  const double cross = 10.0 * 2.0 * M_PI / 180.0;
  EXPECT_NEAR(obs->velocity_covariance(1, 1), cross * cross, 1e-12);
  EXPECT_NEAR(obs->velocity_covariance(0, 1), 0.0, 1e-12);
}

TEST(CotObservation, KindFollowsHowAndTakv) {
  OwnedEvent e = SaEvent();
  e.detail.takv.reset();
  e.how = "m-g";
  EXPECT_EQ(ClassifyEvent(e), model::ObservationKind::kSelfReport);
  e.how = "m-r";
  EXPECT_EQ(ClassifyEvent(e), model::ObservationKind::kDetection);
  e.how = "m-f";
  EXPECT_EQ(ClassifyEvent(e), model::ObservationKind::kSystemTrack);
  e.how = "h-e";
  EXPECT_EQ(ClassifyEvent(e), model::ObservationKind::kSystemTrack);
  e.detail.takv = Takv{"d", "WinTAK-CIV", "w", "1"};  // WinTAK's own SA, how h-e
  EXPECT_EQ(ClassifyEvent(e), model::ObservationKind::kSelfReport);
}

TEST(CotObservation, UnknownHaeIsHorizontalOnly) {
  OwnedEvent e = SaEvent();
  e.point.hae = kUnknownValue;
  e.point.ce = kUnknownValue;
  Result<model::Observation> obs = ToObservation(e, Options());
  ASSERT_TRUE(obs.ok());
  EXPECT_FALSE(obs->has_altitude);
  EXPECT_DOUBLE_EQ(obs->position_covariance(0, 0), 1000.0 * 1000.0);
}

TEST(CotObservation, NonAtomsAndBadMarkingsAreNotObservations) {
  OwnedEvent e = SaEvent();
  e.type = "b-t-f";
  Result<model::Observation> chat = ToObservation(e, Options());
  ASSERT_FALSE(chat.ok());
  EXPECT_EQ(chat.error().code(), StatusCode::kNotFound);
  e = SaEvent();
  e.releasable_to = "USA JPN";  // without access: fail closed
  Result<model::Observation> unmarked = ToObservation(e, Options());
  ASSERT_FALSE(unmarked.ok());
  EXPECT_EQ(unmarked.error().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace biac::formats::cot
