#include "biac/sim/multisource.h"

#include <Eigen/LU>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <set>
#include <string>
#include <vector>

#include "biac/geo/geodesic.h"
#include "biac/geo/local_frame.h"
#include "biac/labels/access.h"

namespace biac::sim {
namespace {

using model::Domain;
using model::Observation;
using model::ObservationKind;

const MultiSourceScenario& Small() {
  static const MultiSourceScenario kScenario = [] {
    Result<MultiSourceScenario> s = BuiltinMultiSource("kyushu-okinawa-small", 7);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return std::move(s).value();
  }();
  return kScenario;
}

const SourceDescription* FindSource(const MultiSourceScenario& s, std::string_view id) {
  for (const SourceDescription& source : s.sources) {
    if (source.id == id) return &source;
  }
  return nullptr;
}

const TargetInfo& Target(const MultiSourceScenario& s, int32_t id) {
  return s.targets[static_cast<size_t>(id - 1)];
}

bool SameObservation(const Observation& a, const Observation& b) {
  return a.id == b.id && a.time == b.time && a.source == b.source && a.sensor == b.sensor &&
         a.source_kind == b.source_kind && a.kind == b.kind &&
         a.position.latitude_deg == b.position.latitude_deg &&
         a.position.longitude_deg == b.position.longitude_deg &&
         a.position.altitude_m == b.position.altitude_m && a.has_altitude == b.has_altitude &&
         a.position_covariance == b.position_covariance && a.velocity_enu == b.velocity_enu &&
         a.velocity_covariance == b.velocity_covariance &&
         a.sensor_relative.has_value() == b.sensor_relative.has_value() &&
         (!a.sensor_relative ||
          (a.sensor_relative->range_m == b.sensor_relative->range_m &&
           a.sensor_relative->azimuth_deg == b.sensor_relative->azimuth_deg)) &&
         a.identity.mmsi == b.identity.mmsi && a.identity.icao_address == b.identity.icao_address &&
         a.identity.track_number == b.identity.track_number &&
         a.identity.callsign == b.identity.callsign && a.identity.name == b.identity.name &&
         a.label == b.label;
}

// Horizontal error of an observation against the truth foot point, in the observation's ENU.
Eigen::Vector2d HorizontalError(const Observation& o, const ObservationTruth& truth) {
  geo::Lla at = o.position;
  at.altitude_m = 0.0;
  geo::Lla foot = truth.position;
  foot.altitude_m = 0.0;
  const geo::LocalFrame frame = geo::LocalFrame::Create(at).value();
  const geo::Enu e = frame.LlaToEnu(foot).value();
  return {-e.east, -e.north};  // observation minus truth
}

// Mean NEES of n samples of chi-square(dof) variables is within `k` standard deviations
// (sqrt(2 dof / n_eff)) of dof; n_eff < n for time-correlated errors.
void ExpectMeanNees(double sum, int n, int dof, double n_eff, const std::string& what) {
  ASSERT_GT(n, 100) << what;
  const double mean = sum / n;
  const double sd = std::sqrt(2.0 * dof / n_eff);
  EXPECT_NEAR(mean, dof, 4.0 * sd) << what << ": " << n << " samples";
}

TEST(MultiSourceTest, SameSeedSameScenarioOtherSeedOther) {
  const MultiSourceScenario& a = Small();
  Result<MultiSourceScenario> b = BuiltinMultiSource("kyushu-okinawa-small", 7);
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(a.observations.size(), b->observations.size());
  for (size_t i = 0; i < a.observations.size(); ++i) {
    ASSERT_TRUE(SameObservation(a.observations[i], b->observations[i])) << "observation " << i;
    ASSERT_EQ(a.arrival[i], b->arrival[i]);
  }
  ASSERT_EQ(a.truth.size(), b->truth.size());
  for (size_t i = 0; i < a.truth.size(); ++i) {
    ASSERT_EQ(a.truth[i].position.latitude_deg, b->truth[i].position.latitude_deg);
    ASSERT_EQ(a.truth[i].velocity_enu, b->truth[i].velocity_enu);
  }
  Result<MultiSourceScenario> c = BuiltinMultiSource("kyushu-okinawa-small", 8);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->observations.size() == a.observations.size() &&
               SameObservation(c->observations[0], a.observations[0]));
}

TEST(MultiSourceTest, SizesOfTheSmallScenario) {
  const MultiSourceScenario& s = Small();
  EXPECT_EQ(s.name, "kyushu-okinawa-small");
  // 7 surveillance sources, then the UAV's KLV and GMTI feeds.
  EXPECT_EQ(s.sources.size(), 9u);
  EXPECT_EQ(s.audiences.size(), 4u);
  // 30 ships, 10 aircraft, the UAV, 6 ground vehicles.
  ASSERT_EQ(s.targets.size(), 47u);
  int ships = 0;
  int vehicles = 0;
  for (size_t i = 0; i < s.targets.size(); ++i) {
    EXPECT_EQ(s.targets[i].id, static_cast<int32_t>(i + 1));
    if (s.targets[i].domain == Domain::kSea) ++ships;
    if (s.targets[i].domain == Domain::kLand) ++vehicles;
  }
  EXPECT_EQ(ships, 30);
  EXPECT_EQ(vehicles, 6);
  ASSERT_EQ(s.uavs.size(), 1u);
  EXPECT_EQ(s.uavs[0].target, 41);
  EXPECT_EQ(s.targets[40].domain, Domain::kAir);
  EXPECT_FALSE(s.targets[40].transmits);
  EXPECT_EQ(s.end - s.start, FromSeconds(600));
  EXPECT_DOUBLE_EQ(s.origin.latitude_deg, 28.5);
  EXPECT_DOUBLE_EQ(s.origin.longitude_deg, 128.0);
  EXPECT_EQ(s.observations.size(), s.arrival.size());
  EXPECT_EQ(s.observations.size(), s.observation_truth.size());
  EXPECT_FALSE(BuiltinMultiSource("kyushu", 1).ok());
  EXPECT_EQ(BuiltinMultiSourceNames().size(), 2u);
}

TEST(MultiSourceTest, IdsInArrivalOrderAndOutOfSequenceData) {
  const MultiSourceScenario& s = Small();
  ASSERT_FALSE(s.observations.empty());
  int out_of_sequence = 0;
  Timestamp latest_data;
  std::map<std::string, Timestamp> last_of_source;
  for (size_t i = 0; i < s.observations.size(); ++i) {
    const Observation& o = s.observations[i];
    ASSERT_EQ(o.id, i + 1);
    ASSERT_GE(s.arrival[i], o.time) << "observation " << o.id;
    if (i > 0) ASSERT_GE(s.arrival[i], s.arrival[i - 1]) << "observation " << o.id;
    ASSERT_GE(o.time, s.start);
    ASSERT_LE(o.time, s.end);
    if (i > 0 && o.time < latest_data) ++out_of_sequence;
    latest_data = std::max(latest_data, o.time);
    // Each source's link is FIFO: its own observations arrive in data-time order.
    auto [it, inserted] = last_of_source.emplace(o.source, o.time);
    if (!inserted) {
      ASSERT_GE(o.time, it->second) << "source " << o.source << " observation " << o.id;
      it->second = o.time;
    }
  }
  // Arrival order is not data-time order: fusion must handle out-of-sequence data.
  EXPECT_GT(out_of_sequence, static_cast<int>(s.observations.size() / 20));
}

TEST(MultiSourceTest, LabelsAreTheSourcesLabels) {
  const MultiSourceScenario& s = Small();
  for (const SourceDescription& source : s.sources) {
    Result<labels::Label> parsed = labels::Parse(source.label_text);
    ASSERT_TRUE(parsed.ok()) << source.id;
    EXPECT_EQ(*parsed, source.label) << source.id;
  }
  EXPECT_EQ(labels::Render(FindSource(s, "us-radar")->label), "SECRET//REL TO USA, JPN");
  EXPECT_EQ(labels::Render(FindSource(s, "us-only")->label), "SECRET//NOFORN");
  EXPECT_EQ(labels::Display(FindSource(s, "jpn-radar")->label, "USA"),
            "JPN GOKUHI / equivalent SECRET");
  EXPECT_EQ(FindSource(s, "jpn-only")->label.releasable_to(), std::vector<std::string>{"JPN"});
  EXPECT_EQ(FindSource(s, "jpn-tracks")->label.level(), labels::Level::kConfidential);
  std::map<std::string, int> counts;
  for (const Observation& o : s.observations) {
    const SourceDescription* source = FindSource(s, o.source);
    ASSERT_NE(source, nullptr) << o.source;
    ASSERT_EQ(o.label, source->label) << "observation " << o.id;
    if (source->kind == model::SourceKind::kKlv) {
      // A KLV packet: the platform's self report and the sensor points.
      ASSERT_TRUE(o.kind == ObservationKind::kSelfReport ||
                  o.kind == ObservationKind::kSensorPoint);
    } else {
      ASSERT_EQ(o.kind, source->observation_kind);
    }
    ASSERT_EQ(o.source_kind, source->kind);
    ++counts[o.source];
  }
  for (const SourceDescription& source : s.sources) EXPECT_GT(counts[source.id], 100) << source.id;
}

TEST(MultiSourceTest, AudiencesSeeTheDocumentedSources) {
  const MultiSourceScenario& s = Small();
  const std::map<std::string, std::set<std::string>> expected = {
      {"us-analyst",
       {"ais", "adsb", "us-radar", "jpn-radar", "us-only", "jpn-tracks", "uav-klv", "uav-gmti"}},
      {"jpn-analyst",
       {"ais", "adsb", "us-radar", "jpn-radar", "jpn-only", "jpn-tracks", "uav-klv", "uav-gmti"}},
      {"us-confidential", {"ais", "adsb", "jpn-tracks"}},
      {"coalition-unclass", {"ais", "adsb"}},
  };
  ASSERT_EQ(s.audiences.size(), expected.size());
  for (const Audience& audience : s.audiences) {
    Result<labels::User> user = labels::ParseUser(audience.user_json);
    ASSERT_TRUE(user.ok()) << audience.name;
    EXPECT_EQ(*user, audience.user);
    std::set<std::string> sees;
    for (const SourceDescription& source : s.sources) {
      if (labels::Permits(audience.user, source.label)) sees.insert(source.id);
    }
    ASSERT_TRUE(expected.contains(audience.name)) << audience.name;
    EXPECT_EQ(sees, expected.at(audience.name)) << audience.name;
  }
}

TEST(MultiSourceTest, ShipsGoingDarkStopTransmitting) {
  const MultiSourceScenario& s = Small();
  int going_dark = 0;
  int never = 0;
  for (const TargetInfo& t : s.targets) {
    if (t.domain != Domain::kSea) continue;
    if (t.goes_dark_at) ++going_dark;
    if (!t.transmits) ++never;
    EXPECT_TRUE(t.mmsi.has_value());
  }
  EXPECT_EQ(never, 2);
  EXPECT_EQ(going_dark, 6);  // round(0.2 * (30 - 2))
  std::map<int32_t, int> ais_reports;
  std::map<int32_t, int> ais_after_half;
  for (size_t i = 0; i < s.observations.size(); ++i) {
    const Observation& o = s.observations[i];
    if (o.source != "ais") continue;
    const ObservationTruth& truth = s.observation_truth[i];
    const TargetInfo& t = Target(s, truth.target);
    ASSERT_EQ(o.identity.mmsi, t.mmsi);
    ASSERT_EQ(o.identity.name, t.name);
    ASSERT_TRUE(t.transmits) << "ship " << t.id;
    if (t.goes_dark_at) ASSERT_LT(o.time, *t.goes_dark_at) << "ship " << t.id;
    ++ais_reports[t.id];
  }
  for (const TargetInfo& t : s.targets) {
    if (t.domain == Domain::kSea && t.transmits && !t.goes_dark_at) {
      // 60 report slots at 95% reception.
      EXPECT_GT(ais_reports[t.id], 45) << "ship " << t.id;
    }
  }
}

TEST(MultiSourceTest, RadarPlotsAreConsistentWithTheirCovariance) {
  const MultiSourceScenario& s = Small();
  std::map<std::string, std::pair<double, int>> nees;  // per radar source
  std::map<std::string, int> clutter;
  for (size_t i = 0; i < s.observations.size(); ++i) {
    const Observation& o = s.observations[i];
    if (o.kind != ObservationKind::kDetection || o.source_kind == model::SourceKind::kGmti)
      continue;
    ASSERT_TRUE(o.sensor_relative.has_value());
    ASSERT_FALSE(o.has_altitude);
    ASSERT_TRUE(o.sensor_relative->range_m.has_value());
    ASSERT_TRUE(o.sensor_relative->azimuth_deg.has_value());
    EXPECT_GE(*o.sensor_relative->azimuth_deg, 0.0);
    EXPECT_LT(*o.sensor_relative->azimuth_deg, 360.0);
    // position is the end of the measured geodesic from the sensor (the documented contract).
    geo::Lla site = o.sensor_relative->sensor_position;
    site.altitude_m = 0.0;
    const geo::GeodesicDirectSolution end =
        geo::GeodesicDirect(site, *o.sensor_relative->azimuth_deg, *o.sensor_relative->range_m)
            .value();
    EXPECT_NEAR(end.destination.latitude_deg, o.position.latitude_deg, 1e-9);
    EXPECT_NEAR(end.destination.longitude_deg, o.position.longitude_deg, 1e-9);
    if (s.observation_truth[i].target < 0) {
      ++clutter[o.source];
      continue;
    }
    const Eigen::Vector2d e = HorizontalError(o, s.observation_truth[i]);
    const Eigen::Matrix2d p = o.position_covariance.topLeftCorner<2, 2>();
    nees[o.source].first += e.dot(p.inverse() * e);
    ++nees[o.source].second;
    // The declared sigmas are the source's, and the covariance's cross-range part is the
    // azimuth sigma times the range: its determinant is (sigma_r r sigma_az)^2.
    const double cross = *o.sensor_relative->range_m * o.sensor_relative->azimuth_sigma_deg *
                         std::numbers::pi / 180.0;
    EXPECT_NEAR(std::sqrt(p.determinant()), o.sensor_relative->range_sigma_m * cross,
                1e-6 * o.sensor_relative->range_sigma_m * cross);
  }
  for (const char* radar : {"us-radar", "jpn-radar", "us-only", "jpn-only"}) {
    ExpectMeanNees(nees[radar].first, nees[radar].second, 2, nees[radar].second, radar);
    // Poisson(3) clutter per scan: 60 scans of 10 s (us-only: 75 of 8 s; jpn-radar 50 of
    // 12 s).
    EXPECT_GT(clutter[radar], 90) << radar;
    EXPECT_LT(clutter[radar], 310) << radar;
  }
}

TEST(MultiSourceTest, SelfReportsAndTracksAreConsistentWithTheirCovariance) {
  const MultiSourceScenario& s = Small();
  std::map<std::string, std::pair<double, int>> position;
  std::map<std::string, std::pair<double, int>> velocity;
  std::map<int32_t, uint32_t> track_number;
  std::set<uint32_t> numbers;
  for (size_t i = 0; i < s.observations.size(); ++i) {
    const Observation& o = s.observations[i];
    if (o.kind == ObservationKind::kDetection || o.kind == ObservationKind::kSensorPoint) continue;
    const ObservationTruth& truth = s.observation_truth[i];
    ASSERT_GE(truth.target, 1);
    const Eigen::Vector2d e = HorizontalError(o, truth);
    const Eigen::Matrix2d p = o.position_covariance.topLeftCorner<2, 2>();
    position[o.source].first += e.dot(p.inverse() * e);
    ++position[o.source].second;
    ASSERT_TRUE(o.velocity_enu.has_value());
    const Eigen::Vector2d ev = o.velocity_enu->head<2>() - truth.velocity_enu.head<2>();
    const Eigen::Matrix2d pv = o.velocity_covariance.topLeftCorner<2, 2>();
    velocity[o.source].first += ev.dot(pv.inverse() * ev);
    ++velocity[o.source].second;
    if (o.source == "adsb") {
      ASSERT_TRUE(o.has_altitude);
      ASSERT_EQ(o.identity.icao_address, Target(s, truth.target).icao_address);
      EXPECT_NEAR(std::sqrt(o.position_covariance(0, 0)), 37.83, 0.01);  // NACp 8
    }
    if (o.source == "jpn-tracks") {
      ASSERT_EQ(Target(s, truth.target).domain, Domain::kAir);
      ASSERT_TRUE(o.identity.track_number.has_value());
      auto [it, inserted] = track_number.emplace(truth.target, *o.identity.track_number);
      ASSERT_EQ(it->second, *o.identity.track_number) << "target " << truth.target;
      if (inserted) EXPECT_TRUE(numbers.insert(*o.identity.track_number).second);
    }
  }
  ExpectMeanNees(position["ais"].first, position["ais"].second, 2, position["ais"].second, "ais");
  ExpectMeanNees(position["adsb"].first, position["adsb"].second, 2, position["adsb"].second,
                 "adsb");
  ExpectMeanNees(velocity["ais"].first, velocity["ais"].second, 2, velocity["ais"].second,
                 "ais velocity");
  ExpectMeanNees(velocity["adsb"].first, velocity["adsb"].second, 2, velocity["adsb"].second,
                 "adsb velocity");
  // Track errors are Gauss-Markov with rho = exp(-4/30): about (1 + rho) / (1 - rho) = 15
  // reports carry one independent sample.
  const double rho = std::exp(-4.0 / 30.0);
  const double factor = (1.0 + rho) / (1.0 - rho);
  ExpectMeanNees(position["jpn-tracks"].first, position["jpn-tracks"].second, 2,
                 position["jpn-tracks"].second / factor, "jpn-tracks");
  ExpectMeanNees(velocity["jpn-tracks"].first, velocity["jpn-tracks"].second, 2,
                 velocity["jpn-tracks"].second / factor, "jpn-tracks velocity");
  ExpectMeanNees(position["uav-klv"].first, position["uav-klv"].second, 2,
                 position["uav-klv"].second, "uav-klv");
  ExpectMeanNees(velocity["uav-klv"].first, velocity["uav-klv"].second, 2,
                 velocity["uav-klv"].second, "uav-klv velocity");
  // Every aircraft but the UAV (seen by its own feeds only) has a partner track.
  int aircraft = 0;
  for (const TargetInfo& t : s.targets) {
    aircraft += t.domain == Domain::kAir && t.id != s.uavs[0].target ? 1 : 0;
  }
  EXPECT_EQ(static_cast<int>(track_number.size()), aircraft);
}

// The UAV's feeds (multisource.h UavDescription): a KLV packet's six observations share data
// and arrival time and are adjacent; the platform orbits at 7,600 m; the frame centre is near
// the stared-at vehicle and the footprint surrounds it; GMTI detections are of ground vehicles,
// moving along the line of sight at least at the MDV, inside the dwell area; no other source
// sees the UAV or the vehicles.
TEST(MultiSourceTest, UavFeeds) {
  const MultiSourceScenario& s = Small();
  ASSERT_EQ(s.uavs.size(), 1u);
  const UavDescription& uav = s.uavs[0];
  size_t klv_packets = 0;
  size_t detections = 0;
  for (size_t i = 0; i < s.observations.size(); ++i) {
    const Observation& o = s.observations[i];
    const ObservationTruth& truth = s.observation_truth[i];
    if (o.source != uav.klv_source && o.source != uav.gmti_source) {
      EXPECT_LT(truth.target, uav.target) << "observation " << o.id << " of " << o.source;
      continue;
    }
    EXPECT_EQ(o.label, *labels::Parse("SECRET//REL TO USA, JPN"));
    if (o.source == uav.gmti_source) {
      ++detections;
      EXPECT_EQ(o.kind, ObservationKind::kDetection);
      ASSERT_GT(truth.target, uav.target);
      EXPECT_EQ(Target(s, truth.target).domain, Domain::kLand);
      ASSERT_TRUE(o.sensor_relative && o.sensor_relative->range_rate_mps);
      EXPECT_GE(std::abs(*o.sensor_relative->range_rate_mps),
                uav.minimum_detectable_velocity_mps - 4 * uav.radial_velocity_sigma_mps);
      Result<double> from_centre = geo::GeodesicDistance(uav.dwell_center, truth.position);
      ASSERT_TRUE(from_centre.ok());
      EXPECT_LE(*from_centre, uav.dwell_range_half_extent_m);
      EXPECT_EQ(o.identity.category, "wheeled_vehicle_simulated");
      continue;
    }
    // A KLV packet: the platform, then five sensor points (frame centre, corners 1-4).
    if (o.kind != ObservationKind::kSelfReport) continue;
    ++klv_packets;
    ASSERT_LE(i + 6, s.observations.size());
    EXPECT_EQ(truth.target, uav.target);
    const Observation& centre = s.observations[i + 1];
    EXPECT_EQ(centre.identity.category, "frame_center");
    for (size_t k = i; k < i + 6; ++k) {
      EXPECT_EQ(s.observations[k].source, uav.klv_source);
      EXPECT_EQ(s.observations[k].time, o.time);
      EXPECT_EQ(s.arrival[k], s.arrival[i]);
      if (k > i) {
        EXPECT_EQ(s.observations[k].kind, ObservationKind::kSensorPoint);
        EXPECT_EQ(s.observation_truth[k].target, -1);
      }
    }
    EXPECT_NEAR(o.position.altitude_m, 7600.0, 60.0);
    Result<double> radius = geo::GeodesicDistance({31.45, 129.98, 0.0}, truth.position);
    ASSERT_TRUE(radius.ok());
    EXPECT_NEAR(*radius, 12000.0, 50.0);
    // The frame centre lies inside its footprint's quadrilateral (corners clockwise).
    Result<geo::LocalFrame> frame = geo::LocalFrame::Create(centre.position);
    ASSERT_TRUE(frame.ok());
    std::vector<Eigen::Vector2d> corners;
    for (size_t k = i + 2; k < i + 6; ++k) {
      EXPECT_EQ(s.observations[k].identity.category, "footprint_corner");
      Result<geo::Enu> enu = frame->LlaToEnu(s.observations[k].position);
      ASSERT_TRUE(enu.ok());
      corners.push_back(enu->AsVector().head<2>());
    }
    for (size_t c = 0; c < 4; ++c) {
      const Eigen::Vector2d a = corners[c];
      const Eigen::Vector2d b = corners[(c + 1) % 4];
      // Clockwise: the centre (origin) is to the right of every edge.
      EXPECT_LT((b - a).x() * (-a).y() - (b - a).y() * (-a).x(), 0.0) << "edge " << c;
    }
  }
  EXPECT_EQ(klv_packets, 601u);  // one a second over 600 s, both ends included
  EXPECT_GT(detections, 300u);
}

TEST(MultiSourceTest, TruthIsSortedAndItsVelocityIsThePositionsDerivative) {
  const MultiSourceScenario& s = Small();
  ASSERT_FALSE(s.truth.empty());
  std::map<int32_t, const TruthSample*> previous;
  for (size_t i = 0; i < s.truth.size(); ++i) {
    const TruthSample& t = s.truth[i];
    if (i > 0) {
      const TruthSample& p = s.truth[i - 1];
      ASSERT_TRUE(p.time < t.time || (p.time == t.time && p.target < t.target)) << i;
    }
    const double offset = ToSeconds(t.time - s.start) / s.truth_step_s;
    ASSERT_NEAR(offset, std::round(offset), 1e-9);
    const TargetInfo& info = Target(s, t.target);
    ASSERT_GE(t.time, info.appears);
    ASSERT_LE(t.time, info.disappears);
    ASSERT_GE(t.position.latitude_deg, s.min_latitude_deg);
    ASSERT_LE(t.position.latitude_deg, s.max_latitude_deg);
    ASSERT_GE(t.position.longitude_deg, s.min_longitude_deg);
    ASSERT_LE(t.position.longitude_deg, s.max_longitude_deg);
    const double speed = t.velocity_enu.head<2>().norm();
    if (info.domain == Domain::kSea) {
      ASSERT_GE(speed, 3.0 - 1e-9);
      ASSERT_LE(speed, 10.0 + 1e-9);
      ASSERT_EQ(t.position.altitude_m, 0.0);
    } else if (info.domain == Domain::kLand) {
      ASSERT_GE(speed, 8.0 - 1e-9);
      ASSERT_LE(speed, 15.0 + 1e-9);
      ASSERT_EQ(t.position.altitude_m, 0.0);
    } else if (t.target == s.uavs[0].target) {
      ASSERT_NEAR(speed, 90.0, 1e-9);
      ASSERT_NEAR(t.position.altitude_m, 7600.0, 1e-6);
    } else {
      ASSERT_GE(speed, 200.0 - 1e-9);
      ASSERT_LE(speed, 250.0 + 1e-9);
      ASSERT_GE(t.position.altitude_m, 8000.0 - 1500.0);
      ASSERT_LE(t.position.altitude_m, 11000.0 + 1500.0);
    }
    auto it = previous.find(t.target);
    if (it != previous.end()) {
      const TruthSample& p = *it->second;
      const double dt = ToSeconds(t.time - p.time);
      ASSERT_DOUBLE_EQ(dt, s.truth_step_s);
      const geo::LocalFrame frame = geo::LocalFrame::Create(p.position).value();
      const Eigen::Vector3d d = frame.LlaToEnu(t.position).value().AsVector() / dt;
      const Eigen::Vector3d mean = 0.5 * (p.velocity_enu + t.velocity_enu);
      // On a straight leg the mean velocity over the step is the end points' (to the frames'
      // meridian convergence, 1e-4 rad over 1.25 km); when the course turns by theta within
      // the step (a turn may start or end inside it) they differ by at most v theta / 2.
      const Eigen::Vector2d v0 = p.velocity_enu.head<2>();
      const Eigen::Vector2d v1 = t.velocity_enu.head<2>();
      const double theta = std::acos(std::clamp(v0.normalized().dot(v1.normalized()), -1.0, 1.0));
      ASSERT_LT((d.head<2>() - mean.head<2>()).norm(), speed * (0.5 * theta + 1e-3) + 0.05)
          << "target " << t.target << " turn " << theta;
      // A climb starting or ending within the step: the mean vertical rate lies between the
      // end points' (the tangent plane's drop over 1.25 km adds 0.03 m/s).
      ASSERT_GE(d.z(), std::min(p.velocity_enu.z(), t.velocity_enu.z()) - 0.05);
      ASSERT_LE(d.z(), std::max(p.velocity_enu.z(), t.velocity_enu.z()) + 0.05);
    }
    previous[t.target] = &t;
  }
}

TEST(MultiSourceTest, CoverageGivesTheIntendedOverlaps) {
  const MultiSourceScenario& s = Small();
  std::map<int32_t, std::set<std::string>> seen_by;
  for (size_t i = 0; i < s.observations.size(); ++i) {
    if (s.observation_truth[i].target > 0) {
      seen_by[s.observation_truth[i].target].insert(s.observations[i].source);
    }
  }
  int ships = 0;
  int ais_and_radar = 0;
  int dark_radar_only = 0;
  int only_national = 0;
  int aircraft_all = 0;
  int aircraft = 0;
  for (const TargetInfo& t : s.targets) {
    const std::set<std::string>& by = seen_by[t.id];
    const bool radar = by.contains("us-radar") || by.contains("jpn-radar") ||
                       by.contains("us-only") || by.contains("jpn-only");
    const bool shared_radar = by.contains("us-radar") || by.contains("jpn-radar");
    if (t.domain == Domain::kSea) {
      ++ships;
      if (by.contains("ais") && radar) ++ais_and_radar;
      if (!t.transmits && radar) ++dark_radar_only;
      if ((by.contains("us-only") || by.contains("jpn-only")) && !shared_radar) ++only_national;
    } else if (t.domain == Domain::kAir && t.id != s.uavs[0].target) {
      ++aircraft;
      if (by.contains("jpn-tracks") && shared_radar && (by.contains("adsb") || !t.transmits)) {
        ++aircraft_all;
      }
    }
  }
  EXPECT_GE(ais_and_radar, ships * 6 / 10);
  EXPECT_GE(dark_radar_only, 1);
  EXPECT_GE(only_national, 3);
  EXPECT_GE(aircraft_all, aircraft * 7 / 10);
}

TEST(MultiSourceTest, RejectsBadOptions) {
  BilateralOptions options;
  options.ships = -1;
  EXPECT_FALSE(GenerateBilateral(options).ok());
  options = {};
  options.duration_s = 0;
  EXPECT_FALSE(GenerateBilateral(options).ok());
  options = {};
  options.dark_fraction = 1.5;
  EXPECT_FALSE(GenerateBilateral(options).ok());
}

TEST(MultiSourceTest, RandomLabelPoolParses) {
  std::set<std::string> policies;
  for (const std::string& text : RandomLabelPool()) {
    Result<labels::Label> label = labels::Parse(text);
    ASSERT_TRUE(label.ok()) << text;
    for (const labels::Origin& origin : label->origins()) policies.insert(origin.policy);
  }
  EXPECT_EQ(policies, (std::set<std::string>{"JPN", "USA"}));
}

TEST(MultiSourceTest, RandomScenariosAreValid) {
  const RandomScenarioOptions options;
  std::set<size_t> source_counts;
  std::set<ObservationKind> kinds;
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    const MultiSourceScenario s = GenerateRandomMultiSource(seed);
    SCOPED_TRACE("seed " + std::to_string(seed));
    ASSERT_GE(static_cast<int>(s.targets.size()), options.min_targets);
    ASSERT_LE(static_cast<int>(s.targets.size()), options.max_targets);
    ASSERT_GE(static_cast<int>(s.sources.size()), options.min_sources);
    ASSERT_LE(static_cast<int>(s.sources.size()), options.max_sources);
    source_counts.insert(s.sources.size());
    ASSERT_EQ(s.audiences.size(), 4u);
    for (const Audience& audience : s.audiences) {
      Result<labels::User> user = labels::ParseUser(audience.user_json);
      ASSERT_TRUE(user.ok());
      ASSERT_EQ(*user, audience.user);
    }
    std::set<std::string> ids;
    for (const SourceDescription& source : s.sources) {
      ASSERT_TRUE(ids.insert(source.id).second);
      ASSERT_TRUE(std::find(RandomLabelPool().begin(), RandomLabelPool().end(),
                            source.label_text) != RandomLabelPool().end());
      ASSERT_EQ(*labels::Parse(source.label_text), source.label);
    }
    ASSERT_EQ(s.observations.size(), s.arrival.size());
    ASSERT_EQ(s.observations.size(), s.observation_truth.size());
    std::map<std::pair<std::string, int32_t>, uint32_t> numbers;
    for (size_t i = 0; i < s.observations.size(); ++i) {
      const Observation& o = s.observations[i];
      ASSERT_EQ(o.id, i + 1);
      ASSERT_GE(s.arrival[i], o.time);
      if (i > 0) ASSERT_GE(s.arrival[i], s.arrival[i - 1]);
      const SourceDescription* source = FindSource(s, o.source);
      ASSERT_NE(source, nullptr);
      ASSERT_EQ(o.label, source->label);
      kinds.insert(o.kind);
      const int32_t target = s.observation_truth[i].target;
      if (o.kind == ObservationKind::kSelfReport) {
        ASSERT_GE(target, 1);
        ASSERT_TRUE(o.identity.mmsi.has_value() || o.identity.icao_address.has_value());
      }
      if (o.kind == ObservationKind::kSystemTrack) {
        ASSERT_TRUE(o.identity.track_number.has_value());
        auto [it, inserted] =
            numbers.emplace(std::make_pair(o.source, target), *o.identity.track_number);
        ASSERT_EQ(it->second, *o.identity.track_number);
      }
    }
  }
  EXPECT_EQ(source_counts, (std::set<size_t>{2, 3, 4, 5}));
  EXPECT_EQ(kinds.size(), 3u);
  const MultiSourceScenario a = GenerateRandomMultiSource(99);
  const MultiSourceScenario b = GenerateRandomMultiSource(99);
  ASSERT_EQ(a.observations.size(), b.observations.size());
  for (size_t i = 0; i < a.observations.size(); ++i) {
    ASSERT_TRUE(SameObservation(a.observations[i], b.observations[i]));
  }
}

}  // namespace
}  // namespace biac::sim
