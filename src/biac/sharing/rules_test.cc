#include "biac/sharing/rules.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "biac/labels/label.h"

namespace biac::sharing {
namespace {

model::FusedTrack FullTrack() {
  model::FusedTrack t;
  t.id = 4;
  t.position = {26.2125, 127.6792, 1500};
  t.has_altitude = true;
  t.velocity_enu = {100, -50, 2};
  for (int r = 0; r < 6; ++r) {
    for (int c = 0; c < 6; ++c) t.covariance(r, c) = 1 + r * 6 + c;  // all entries non-zero
  }
  t.identity.mmsi = 431000123;
  t.identity.icao_address = 0x84A2B1;
  t.identity.mode3a = 01234;
  t.identity.callsign = "JAL123";
  t.identity.name = "NAME";
  t.identity.track_numbers = {{"jpn-node", 12}, {"us-c2", 900}};
  t.domain = model::Domain::kAir;
  t.category = "A3";
  t.label = *labels::Parse("SECRET//REL TO USA, JPN");
  t.sources = {"adsb-naha", "radar-us"};
  t.provenance = {1, 2, 5};
  t.updates = 3;
  return t;
}

SanitisationRule Dropping(Field field) {
  SanitisationRule rule;
  rule.name = "drop-" + std::string(FieldName(field));
  rule.drop_fields = {field};
  return rule;
}

TEST(Fields, NamesRoundTrip) {
  for (const Field field : kAllFields) {
    EXPECT_EQ(FieldFromName(FieldName(field)), field) << FieldName(field);
  }
  EXPECT_EQ(FieldFromName("colour"), std::nullopt);
  EXPECT_EQ(FieldFromName("Callsign"), std::nullopt);  // names are exact
}

TEST(Coarsen, HandComputedOneArcMinuteGrid) {
  // N = 1852 m: step_lat = 1852 / 111120 = 1/60 degree (one arc minute). 26.2125 * 60 =
  // 1572.75 -> 1573 -> 26.21666...; cos(26.21667 deg) = 0.897134, step_lon = 0.0185778 deg;
  // 127.6792 / step_lon = 6872.69 -> 6873 -> 127.684965 (computed independently in Python).
  const geo::Lla snapped = CoarsenPosition({26.2125, 127.6792, 1500}, 1852);
  EXPECT_NEAR(snapped.latitude_deg, 1573.0 / 60.0, 1e-12);
  EXPECT_NEAR(snapped.longitude_deg, 127.68496472334553, 1e-9);
  EXPECT_EQ(snapped.altitude_m, 1500);  // altitude is not coarsened
  // Southern and western hemispheres: round half away from zero, symmetric.
  const geo::Lla mirrored = CoarsenPosition({-26.2125, -127.6792, 0}, 1852);
  EXPECT_EQ(mirrored.latitude_deg, -snapped.latitude_deg);
  EXPECT_EQ(mirrored.longitude_deg, -snapped.longitude_deg);
}

TEST(Coarsen, WithinHalfACellAndIdempotent) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> lat(-80, 80);
  std::uniform_real_distribution<double> lon(-180, 180);
  std::uniform_real_distribution<double> cell(1, 20000);
  for (int i = 0; i < 2000; ++i) {
    const geo::Lla p{lat(rng), lon(rng), 0};
    const double n = cell(rng);
    const geo::Lla q = CoarsenPosition(p, n);
    const double north_m = (q.latitude_deg - p.latitude_deg) * kMetresPerDegreeLatitude;
    EXPECT_LE(std::abs(north_m), n / 2 * (1 + 1e-9)) << i;
    // The longitude cell is N wide at the snapped latitude.
    double dlon = q.longitude_deg - p.longitude_deg;
    if (dlon > 180) dlon -= 360;
    if (dlon < -180) dlon += 360;
    const double east_m_at_snapped =
        dlon * kMetresPerDegreeLatitude * std::cos(q.latitude_deg * M_PI / 180);
    // Half a cell, except in the last cell before the antimeridian (less than one).
    const bool last_cell = std::abs(p.longitude_deg) > 170;
    EXPECT_LE(std::abs(east_m_at_snapped), (last_cell ? n : n / 2) * (1 + 1e-9)) << i;
    EXPECT_GE(q.longitude_deg, -180);
    EXPECT_LE(q.longitude_deg, 180);
    const geo::Lla again = CoarsenPosition(q, n);
    EXPECT_EQ(again.latitude_deg, q.latitude_deg) << i;
    EXPECT_EQ(again.longitude_deg, q.longitude_deg) << i;
  }
}

TEST(Coarsen, PolesAndAntimeridian) {
  const geo::Lla pole = CoarsenPosition({89.999, 45, 0}, 1000);
  EXPECT_EQ(pole.latitude_deg, 90);
  EXPECT_EQ(pole.longitude_deg, 0);
  const geo::Lla east = CoarsenPosition({0, 179.999, 0}, 100000);
  EXPECT_LE(east.longitude_deg, 180);
  EXPECT_GE(east.longitude_deg, -180);
  // 100 km cells at the equator: step 0.8999 degrees; 179.999 -> 200 steps = 179.98 degrees.
  EXPECT_NEAR(east.longitude_deg, 200 * 100000 / kMetresPerDegreeLatitude, 1e-9);
  // Beyond the outermost grid point on either side: to that point, not across the antimeridian.
  const geo::Lla west = CoarsenPosition({0, -179.9999, 0}, 100000);
  EXPECT_NEAR(west.longitude_deg, -200 * 100000 / kMetresPerDegreeLatitude, 1e-9);
  EXPECT_EQ(CoarsenPosition(west, 100000).longitude_deg, west.longitude_deg);
  EXPECT_EQ(CoarsenPosition({0, -180, 0}, 100000).longitude_deg, east.longitude_deg);
  // Longitudes outside [-180, 180] are reduced first.
  EXPECT_EQ(CoarsenPosition({0, 360 + 10.2, 0}, 100000).longitude_deg,
            CoarsenPosition({0, 10.2, 0}, 100000).longitude_deg);
}

TEST(ApplyRule, CoarsenInflatesHorizontalCovariance) {
  SanitisationRule rule;
  rule.name = "coarse";
  rule.coarsen_position_m = 1000;
  model::FusedTrack t = FullTrack();
  const model::FusedTrack before = t;
  ApplyRule(rule, "jpn-node", t);
  EXPECT_NE(t.position.latitude_deg, before.position.latitude_deg);
  // 1000^2 / 12 = 83333.33 m^2 on east and north, nothing else.
  EXPECT_DOUBLE_EQ(t.covariance(0, 0), before.covariance(0, 0) + 1e6 / 12);
  EXPECT_DOUBLE_EQ(t.covariance(1, 1), before.covariance(1, 1) + 1e6 / 12);
  Eigen::Matrix<double, 6, 6> diff = t.covariance - before.covariance;
  diff(0, 0) = diff(1, 1) = 0;
  EXPECT_TRUE(diff.isZero(0));
  EXPECT_EQ(t.velocity_enu, before.velocity_enu);
  EXPECT_EQ(t.identity.track_numbers, before.identity.track_numbers);
  EXPECT_EQ(t.provenance, before.provenance);
}

TEST(ApplyRule, DropSourceIdentityKeepsThePartnersOwnTrackNumbers) {
  SanitisationRule rule;
  rule.name = "anon";
  rule.drop_source_identity = true;
  model::FusedTrack t = FullTrack();
  ApplyRule(rule, "jpn-node", t);
  EXPECT_TRUE(t.sources.empty());
  EXPECT_TRUE(t.provenance.empty());
  EXPECT_EQ(t.identity.track_numbers, (std::vector<model::SourceTrackNumber>{{"jpn-node", 12}}));
  // Identities the object announces itself are not source identity.
  EXPECT_EQ(t.identity.mmsi, 431000123u);
  EXPECT_EQ(t.identity.callsign, "JAL123");
  EXPECT_EQ(t.updates, 3u);

  model::FusedTrack other = FullTrack();
  ApplyRule(rule, "kor-node", other);
  EXPECT_TRUE(other.identity.track_numbers.empty());
}

TEST(ApplyRule, EachDroppedField) {
  const model::FusedTrack full = FullTrack();
  const auto dropped = [&](Field field) {
    model::FusedTrack t = full;
    ApplyRule(Dropping(field), "jpn-node", t);
    return t;
  };
  EXPECT_EQ(dropped(Field::kCallsign).identity.callsign, "");
  EXPECT_EQ(dropped(Field::kCallsign).identity.name, "NAME");
  EXPECT_EQ(dropped(Field::kName).identity.name, "");
  EXPECT_EQ(dropped(Field::kName).identity.callsign, "JAL123");
  EXPECT_EQ(dropped(Field::kMmsi).identity.mmsi, std::nullopt);
  EXPECT_EQ(dropped(Field::kMmsi).identity.icao_address, 0x84A2B1u);
  EXPECT_EQ(dropped(Field::kIcaoAddress).identity.icao_address, std::nullopt);
  EXPECT_EQ(dropped(Field::kMode3a).identity.mode3a, std::nullopt);
  EXPECT_TRUE(dropped(Field::kTrackNumbers).identity.track_numbers.empty());
  EXPECT_EQ(dropped(Field::kCategory).category, "");
  EXPECT_EQ(dropped(Field::kCategory).domain, model::Domain::kAir);
  EXPECT_TRUE(dropped(Field::kProvenance).provenance.empty());
  EXPECT_EQ(dropped(Field::kProvenance).sources, full.sources);
  EXPECT_TRUE(dropped(Field::kSources).sources.empty());
  EXPECT_EQ(dropped(Field::kSources).provenance, full.provenance);
  EXPECT_TRUE(dropped(Field::kCovariance).covariance.isZero(0));

  const model::FusedTrack no_velocity = dropped(Field::kVelocity);
  EXPECT_TRUE(no_velocity.velocity_enu.isZero(0));
  EXPECT_TRUE(no_velocity.covariance.bottomRows(3).isZero(0));
  EXPECT_TRUE(no_velocity.covariance.rightCols(3).isZero(0));
  EXPECT_EQ(no_velocity.covariance.topLeftCorner(3, 3), full.covariance.topLeftCorner(3, 3));

  const model::FusedTrack no_altitude = dropped(Field::kAltitude);
  EXPECT_FALSE(no_altitude.has_altitude);
  EXPECT_EQ(no_altitude.position.altitude_m, 0);
  EXPECT_EQ(no_altitude.position.latitude_deg, full.position.latitude_deg);
  EXPECT_EQ(no_altitude.velocity_enu, Eigen::Vector3d(100, -50, 0));
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(no_altitude.covariance(2, i), 0);
    EXPECT_EQ(no_altitude.covariance(i, 2), 0);
    EXPECT_EQ(no_altitude.covariance(5, i), 0);
    EXPECT_EQ(no_altitude.covariance(i, 5), 0);
  }
  EXPECT_EQ(no_altitude.covariance(0, 1), full.covariance(0, 1));
  EXPECT_EQ(no_altitude.covariance(4, 3), full.covariance(4, 3));

  // Dropping never touches the label.
  for (const Field field : kAllFields) EXPECT_EQ(dropped(field).label, full.label);
}

TEST(ValidateRule, Errors) {
  SanitisationRule rule;
  rule.name = "ok-1.a_b";
  EXPECT_TRUE(ValidateRule(rule).ok());
  rule.name = "a,b";
  EXPECT_EQ(ValidateRule(rule).message(),
            "sanitisation rule 'a,b': the name must be one or more of A-Z a-z 0-9 _ . -");
  rule.name = "";
  EXPECT_FALSE(ValidateRule(rule).ok());
  rule.name = "r";
  rule.coarsen_position_m = -1;
  EXPECT_EQ(ValidateRule(rule).message(),
            "sanitisation rule 'r': coarsen_position_m must be within [0, 2e7] metres");
  rule.coarsen_position_m = std::nan("");
  EXPECT_FALSE(ValidateRule(rule).ok());
  rule.coarsen_position_m = 0;
  rule.drop_fields = {Field::kName, Field::kMmsi, Field::kName};
  EXPECT_EQ(ValidateRule(rule).message(), "sanitisation rule 'r': field 'name' named twice");
}

}  // namespace
}  // namespace biac::sharing
