#include "biac/fusion/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <random>
#include <sstream>

#include "biac/fusion/release.h"
#include "biac/geo/local_frame.h"
#include "biac/labels/access.h"

namespace biac::fusion {
namespace {

using model::Observation;
using model::ObservationKind;
using model::SourceKind;

const geo::Lla kOrigin{28.5, 128.0, 0.0};
const Timestamp kStart = Timestamp::FromSeconds(1'790'000'000.0);

labels::Label MustParse(std::string_view text) {
  Result<labels::Label> label = labels::Parse(text);
  EXPECT_TRUE(label.ok()) << label.status().message();
  return label.ok() ? *label : labels::Label();
}

// A straight-line target in the origin's tangent plane.
struct Mover {
  Eigen::Vector2d p0;
  Eigen::Vector2d v;
  Eigen::Vector2d At(double t) const { return p0 + v * t; }
};

// Builds observations with ids in the order they are made.
class Feed {
 public:
  Feed() : frame_(*geo::LocalFrame::Create(kOrigin)), rng_(7) {}

  Observation& Report(double t, const Eigen::Vector2d& truth, double sigma, std::string source,
                      SourceKind kind, ObservationKind observation_kind,
                      const labels::Label& label) {
    std::normal_distribution<double> noise(0.0, sigma);
    const Eigen::Vector2d measured = truth + Eigen::Vector2d(noise(rng_), noise(rng_));
    Observation o;
    o.id = next_id_++;
    o.time = kStart + FromSeconds(t);
    o.source = std::move(source);
    o.sensor = o.source;
    o.source_kind = kind;
    o.kind = observation_kind;
    o.position = *frame_.EnuToLla({measured.x(), measured.y(), 0.0});
    o.position.altitude_m = 0.0;
    o.position_covariance = Eigen::Matrix3d::Identity() * sigma * sigma;
    o.label = label;
    observations.push_back(o);
    return observations.back();
  }

  std::deque<Observation> observations;

 private:
  geo::LocalFrame frame_;
  std::mt19937_64 rng_;
  model::ObservationId next_id_ = 1;
};

// Feeds every observation in order (arrival = data time) and flushes.
model::Picture RunInOrder(const std::deque<Observation>& observations, Engine& engine,
                          std::deque<PreparedObservation>& prepared) {
  std::vector<const Observation*> sorted;
  for (const Observation& o : observations) sorted.push_back(&o);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Observation* a, const Observation* b) { return a->time < b->time; });
  for (const Observation* o : sorted) {
    prepared.push_back(Prepare(*o, o->time));
    engine.Add(&prepared.back());
  }
  engine.Flush();
  return engine.Snapshot(false);
}

// A compact, exact text form of a picture for equality checks.
std::string Describe(const model::Picture& picture) {
  std::ostringstream out;
  out.precision(17);
  for (const model::FusedTrack& t : picture.tracks) {
    out << t.id << ' ' << t.time.nanos() << ' ' << t.position.latitude_deg << ' '
        << t.position.longitude_deg << ' ' << t.velocity_enu.transpose() << ' '
        << t.covariance.trace() << ' ' << labels::Render(t.label) << " [";
    for (auto id : t.provenance) out << id << ',';
    out << "] mmsi=" << t.identity.mmsi.value_or(0) << '\n';
  }
  return out.str();
}

const model::FusedTrack* FindMmsi(const model::Picture& picture, uint32_t mmsi) {
  for (const auto& t : picture.tracks) {
    if (t.identity.mmsi == mmsi) return &t;
  }
  return nullptr;
}

TEST(FusionEngine, RadarPlotsOfAnAisShipJoinItsTrackAndKeepItWhenItGoesDark) {
  Feed feed;
  const labels::Label unclass = MustParse("UNCLASSIFIED");
  const labels::Label radar = MustParse("SECRET//REL TO USA, JPN");
  const Mover ship{{1000.0, -2000.0}, {4.0, 3.0}};
  const double dark_at = 300.0;
  for (double t = 0.0; t <= 900.0; t += 10.0) {
    if (t < dark_at) {
      Observation& o = feed.Report(t, ship.At(t), 10.0, "ais", SourceKind::kAis,
                                   ObservationKind::kSelfReport, unclass);
      o.identity.mmsi = 431000001;
      o.identity.name = "SHIP ONE";
    }
    feed.Report(t + 5.0, ship.At(t + 5.0), 50.0, "us-radar", SourceKind::kAsterix,
                ObservationKind::kDetection, radar);
  }
  Engine engine{EngineOptions{}};
  std::deque<PreparedObservation> prepared;
  const model::Picture picture = RunInOrder(feed.observations, engine, prepared);

  ASSERT_EQ(picture.tracks.size(), 1u) << Describe(picture);
  const model::FusedTrack& track = picture.tracks[0];
  EXPECT_EQ(track.identity.mmsi, 431000001u);
  EXPECT_EQ(track.identity.name, "SHIP ONE");
  EXPECT_EQ(track.domain, model::Domain::kSea);
  EXPECT_EQ(track.sources, (std::vector<std::string>{"ais", "us-radar"}));
  // Every observation went into this one track: 30 AIS reports and 91 radar plots.
  EXPECT_EQ(track.provenance.size(), feed.observations.size());
  EXPECT_EQ(track.label, radar);  // the roll-up of UNCLASSIFIED and the radar's label
  // The state at the end (radar only for ten minutes) is still on the ship.
  const geo::LocalFrame frame = *geo::LocalFrame::Create(kOrigin);
  const geo::Enu at = *frame.LlaToEnu(track.position);
  const double t_end = ToSeconds(track.time - kStart);
  EXPECT_NEAR(t_end, 905.0, 1e-6);
  EXPECT_LT((Eigen::Vector2d(at.east, at.north) - ship.At(t_end)).norm(), 150.0);
  EXPECT_LT((track.velocity_enu.head<2>() - ship.v).norm(), 1.5);
  EXPECT_EQ(engine.counters().tracks_confirmed, 1u);
}

// A live node bounds provenance: the last ids are kept, the count and the label roll-up still
// cover every contributor, and the state is the same as with every id kept.
TEST(FusionEngine, ProvenanceLimitKeepsTheLatestIdsAndTheFullRollup) {
  Feed feed;
  const labels::Label unclass = MustParse("UNCLASSIFIED");
  const labels::Label radar = MustParse("SECRET//REL TO USA, JPN");
  const Mover ship{{1000.0, -2000.0}, {4.0, 3.0}};
  for (double t = 0.0; t <= 300.0; t += 10.0) {
    feed.Report(t + 5.0, ship.At(t + 5.0), 50.0, "us-radar", SourceKind::kAsterix,
                ObservationKind::kDetection, radar);
    Observation& o = feed.Report(t, ship.At(t), 10.0, "ais", SourceKind::kAis,
                                 ObservationKind::kSelfReport, unclass);
    o.identity.mmsi = 431000001;
  }
  EngineOptions limited;
  limited.provenance_limit = 5;
  Engine all{EngineOptions{}};
  Engine few{limited};
  std::deque<PreparedObservation> prepared_all, prepared_few;
  const model::Picture a = RunInOrder(feed.observations, all, prepared_all);
  const model::Picture b = RunInOrder(feed.observations, few, prepared_few);
  ASSERT_EQ(a.tracks.size(), 1u);
  ASSERT_EQ(b.tracks.size(), 1u);
  const model::FusedTrack& full = a.tracks[0];
  const model::FusedTrack& bounded = b.tracks[0];
  ASSERT_EQ(full.provenance.size(), feed.observations.size());
  ASSERT_EQ(bounded.provenance.size(), 5u);
  EXPECT_TRUE(std::equal(bounded.provenance.begin(), bounded.provenance.end(),
                         full.provenance.end() - 5));
  EXPECT_EQ(bounded.updates, full.updates);
  EXPECT_EQ(bounded.updates, feed.observations.size());
  EXPECT_EQ(bounded.label, radar);
  EXPECT_EQ(bounded.sources, full.sources);
  EXPECT_EQ(bounded.position.latitude_deg, full.position.latitude_deg);
  EXPECT_EQ(bounded.covariance, full.covariance);
}

TEST(FusionEngine, RadarOnlyTargetsConfirmAfterThreeHitsAndSinglePlotsDoNot) {
  Feed feed;
  const labels::Label radar = MustParse("SECRET//REL TO USA, JPN");
  const Mover target{{-5000.0, 3000.0}, {-6.0, 0.0}};
  // One plot of the target per look, and one far-away clutter plot in each look that never
  // repeats near itself.
  for (int k = 0; k < 20; ++k) {
    const double t = 10.0 * k;
    feed.Report(t, target.At(t), 50.0, "jpn-radar", SourceKind::kAsterix,
                ObservationKind::kDetection, radar);
    feed.Report(t, Eigen::Vector2d(40000.0 + 20000.0 * k, 40000.0), 50.0, "jpn-radar",
                SourceKind::kAsterix, ObservationKind::kDetection, radar);
  }
  Engine engine{EngineOptions{}};
  std::deque<PreparedObservation> prepared;
  const model::Picture picture = RunInOrder(feed.observations, engine, prepared);
  ASSERT_EQ(picture.tracks.size(), 1u) << Describe(picture);
  EXPECT_EQ(picture.tracks[0].id, 1u);
  EXPECT_EQ(picture.tracks[0].provenance.size(), 20u);
  EXPECT_FALSE(picture.tracks[0].identity.mmsi.has_value());
}

TEST(FusionEngine, PartnerSystemTracksFuseByCovarianceIntersectionAndKeepTheirNumbers) {
  Feed feed;
  const labels::Label unclass = MustParse("UNCLASSIFIED");
  const labels::Label partner =
      MustParse(R"({"policy":"JPN","level":"GOKUHI","categories":{"releasable_to":["JPN","USA"]}})");
  const Mover aircraft{{0.0, 0.0}, {200.0, 50.0}};
  for (int k = 0; k < 60; ++k) {
    const double t = 2.0 * k;
    Observation& a = feed.Report(t, aircraft.At(t), 30.0, "adsb", SourceKind::kAdsb,
                                 ObservationKind::kSelfReport, unclass);
    a.identity.icao_address = 0x84A1B2;
    a.identity.callsign = "JAL123";
    a.has_altitude = true;
    a.position.altitude_m = 10000.0;
    a.position_covariance(2, 2) = 15.0 * 15.0;
    if (k % 2 == 0) {
      Observation& s = feed.Report(t + 1.0, aircraft.At(t + 1.0), 150.0, "jpn-tracks",
                                   SourceKind::kPartner, ObservationKind::kSystemTrack, partner);
      s.identity.track_number = 4711;
      s.velocity_enu = Eigen::Vector3d(aircraft.v.x(), aircraft.v.y(), 0.0);
      s.velocity_covariance = Eigen::Matrix3d::Identity() * 25.0;
    }
  }
  Engine engine{EngineOptions{}};
  std::deque<PreparedObservation> prepared;
  const model::Picture picture = RunInOrder(feed.observations, engine, prepared);
  ASSERT_EQ(picture.tracks.size(), 1u) << Describe(picture);
  const model::FusedTrack& track = picture.tracks[0];
  EXPECT_EQ(track.identity.icao_address, 0x84A1B2u);
  EXPECT_EQ(track.identity.callsign, "JAL123");
  ASSERT_EQ(track.identity.track_numbers.size(), 1u);
  EXPECT_EQ(track.identity.track_numbers[0].source, "jpn-tracks");
  EXPECT_EQ(track.identity.track_numbers[0].number, 4711u);
  EXPECT_EQ(track.domain, model::Domain::kAir);
  EXPECT_TRUE(track.has_altitude);
  EXPECT_NEAR(track.position.altitude_m, 10000.0, 60.0);
  EXPECT_EQ(track.provenance.size(), feed.observations.size());
  EXPECT_EQ(track.label, labels::Rollup(unclass, partner));
  // Covariance intersection never claims more than either input: the fused position
  // variance stays above what the ADS-B reports alone would give a Kalman filter (a few
  // hundred m^2), and is finite and positive.
  EXPECT_GT(track.covariance(0, 0), 0.0);
  EXPECT_LT(track.covariance(0, 0), 30.0 * 30.0);
}

TEST(FusionEngine, CovarianceIntersectionIsConsistentForAnyCorrelation) {
  // Two estimates of one 2-D position that share all their information (identical): a
  // Kalman update would halve the variance; covariance intersection must not.
  Feed feed;
  const labels::Label l = MustParse("UNCLASSIFIED");
  Observation& a = feed.Report(0.0, {0.0, 0.0}, 100.0, "sys-a", SourceKind::kPartner,
                               ObservationKind::kSystemTrack, l);
  a.identity.track_number = 1;
  a.position = feed.observations.front().position;
  Observation& b = feed.Report(0.0, {0.0, 0.0}, 100.0, "sys-b", SourceKind::kPartner,
                               ObservationKind::kSystemTrack, l);
  b.identity.track_number = 9;
  b.position = feed.observations.front().position;
  Engine engine{EngineOptions{}};
  std::deque<PreparedObservation> prepared;
  const model::Picture picture = RunInOrder(feed.observations, engine, prepared);
  ASSERT_EQ(picture.tracks.size(), 1u);
  EXPECT_NEAR(picture.tracks[0].covariance(0, 0), 100.0 * 100.0, 1.0);
  EXPECT_EQ(picture.tracks[0].identity.track_numbers.size(), 2u);
}

// A scenario with several ships, AIS and two radars, for the ordering tests.
std::deque<Observation> SeaScenario() {
  Feed feed;
  const labels::Label unclass = MustParse("UNCLASSIFIED");
  const labels::Label us = MustParse("SECRET//REL TO USA, JPN");
  const labels::Label jp =
      MustParse(R"({"policy":"JPN","level":"HI","categories":{"releasable_to":["JPN","USA"]}})");
  for (int s = 0; s < 6; ++s) {
    const Mover ship{{3000.0 * s, -1500.0 * s}, {3.0 + s, -2.0 + 0.5 * s}};
    for (double t = 0.0; t < 400.0; t += 10.0) {
      if (s != 5 && t < 200.0 + 30.0 * s) {
        Observation& o = feed.Report(t + 0.1 * s, ship.At(t + 0.1 * s), 10.0, "ais",
                                     SourceKind::kAis, ObservationKind::kSelfReport, unclass);
        o.identity.mmsi = 431000100 + s;
      }
      feed.Report(std::floor(t / 10.0) * 10.0 + 3.0, ship.At(t + 3.0), 50.0, "us-radar",
                  SourceKind::kAsterix, ObservationKind::kDetection, us);
      if (s % 2 == 0) {
        feed.Report(t + 7.0, ship.At(t + 7.0), 60.0, "jpn-radar", SourceKind::kAsterix,
                    ObservationKind::kDetection, jp);
      }
    }
  }
  return feed.observations;
}

TEST(FusionEngine, OutOfSequenceArrivalsWithinTheLagGiveTheInOrderPicture) {
  const std::deque<Observation> observations = SeaScenario();
  Engine in_order{EngineOptions{}};
  std::deque<PreparedObservation> prepared_a;
  const std::string expected = Describe(RunInOrder(observations, in_order, prepared_a));
  ASSERT_FALSE(expected.empty());

  // Arrivals delayed by up to 8 s (the lag is 10 s), so they come out of data-time order.
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> delay(0.0, 8.0);
  std::vector<std::pair<Timestamp, const Observation*>> arrivals;
  for (const Observation& o : observations) {
    arrivals.emplace_back(o.time + FromSeconds(delay(rng)), &o);
  }
  std::stable_sort(arrivals.begin(), arrivals.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  int out_of_order = 0;
  for (size_t i = 1; i < arrivals.size(); ++i) {
    if (arrivals[i].second->time < arrivals[i - 1].second->time) ++out_of_order;
  }
  ASSERT_GT(out_of_order, 100);
  Engine shuffled{EngineOptions{}};
  std::deque<PreparedObservation> prepared_b;
  for (const auto& [arrival, o] : arrivals) {
    prepared_b.push_back(Prepare(*o, arrival));
    shuffled.Add(&prepared_b.back());
  }
  // A live view before the end: the held observations applied to a copy.
  EXPECT_GT(shuffled.pending_count(), 0u);
  const size_t pending = shuffled.pending_count();
  const model::Picture live = shuffled.Snapshot(true);
  EXPECT_EQ(shuffled.pending_count(), pending);
  shuffled.Flush();
  EXPECT_EQ(Describe(shuffled.Snapshot(false)), expected);
  EXPECT_EQ(Describe(live), expected);
  EXPECT_EQ(shuffled.counters().too_late, 0u);
}

TEST(FusionEngine, AnObservationLaterThanTheLagIsCountedAndNotApplied) {
  std::deque<Observation> observations = SeaScenario();
  EngineOptions options;
  options.lag_s = 5.0;
  Engine engine{options};
  std::deque<PreparedObservation> prepared;
  std::vector<const Observation*> sorted;
  for (const Observation& o : observations) sorted.push_back(&o);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Observation* a, const Observation* b) { return a->time < b->time; });
  // Hold back one early observation and deliver it 60 s after its time.
  const Observation* late = sorted[5];
  for (const Observation* o : sorted) {
    if (o == late) continue;
    prepared.push_back(Prepare(*o, o->time));
    engine.Add(&prepared.back());
    if (o->time > late->time + FromSeconds(60.0) && prepared.size() < sorted.size()) {
      if (engine.counters().too_late == 0) {
        prepared.push_back(Prepare(*late, o->time));
        engine.Add(&prepared.back());
      }
    }
  }
  engine.Flush();
  EXPECT_EQ(engine.counters().too_late, 1u);
  for (const auto& t : engine.Snapshot(false).tracks) {
    EXPECT_FALSE(std::binary_search(t.provenance.begin(), t.provenance.end(), late->id));
  }
}

// The live node's late window (EngineOptions::late_s): an AIS report delivered some seconds
// after its time, behind the committed time (lag 5 s), is too late without the window and
// applied to its ship's track with a window that covers it.
TEST(FusionEngine, AnObservationWithinTheLateWindowIsAppliedAtOnce) {
  std::deque<Observation> observations = SeaScenario();
  std::vector<const Observation*> sorted;
  for (const Observation& o : observations) sorted.push_back(&o);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Observation* a, const Observation* b) { return a->time < b->time; });
  const Observation* late = nullptr;
  for (size_t i = sorted.size() / 2; i < sorted.size() && late == nullptr; ++i) {
    if (sorted[i]->identity.mmsi) late = sorted[i];
  }
  ASSERT_NE(late, nullptr);
  struct Outcome {
    double behind_s = 0;  // how far behind the committed time it was delivered
    EngineCounters counters;
    bool in_provenance = false;
  };
  auto run = [&](double late_s) {
    EngineOptions options;
    options.lag_s = 5.0;
    options.late_s = late_s;
    Engine engine{options};
    std::deque<PreparedObservation> prepared;
    Outcome out;
    bool delivered = false;
    for (const Observation* o : sorted) {
      if (o == late) continue;
      prepared.push_back(Prepare(*o, o->time));
      engine.Add(&prepared.back());
      if (!delivered && o->time > late->time + FromSeconds(6.0)) {
        delivered = true;
        out.behind_s = ToSeconds(engine.committed_time() - late->time);
        prepared.push_back(Prepare(*late, o->time));
        engine.Add(&prepared.back());
      }
    }
    EXPECT_TRUE(delivered);
    engine.Flush();
    out.counters = engine.counters();
    for (const auto& t : engine.Snapshot(false).tracks) {
      out.in_provenance |= std::binary_search(t.provenance.begin(), t.provenance.end(), late->id);
    }
    return out;
  };
  const Outcome strict = run(0.0);
  ASSERT_GT(strict.behind_s, 0.0);
  EXPECT_EQ(strict.counters.too_late, 1u);
  EXPECT_EQ(strict.counters.applied_late, 0u);
  EXPECT_FALSE(strict.in_provenance);
  const Outcome short_window = run(strict.behind_s / 2);
  EXPECT_EQ(short_window.counters.too_late, 1u);
  EXPECT_FALSE(short_window.in_provenance);
  const Outcome window = run(strict.behind_s + 1.0);
  EXPECT_EQ(window.counters.too_late, 0u);
  EXPECT_EQ(window.counters.applied_late, 1u);
  EXPECT_TRUE(window.in_provenance);
}

// A node that falls behind reads its backlog late but in data-time order: arrivals 30 s after
// the data, with a lag of 0.05 s. The clock follows the data (never past arrival), so nothing
// is too late and the picture is the one of the same data read on time.
TEST(FusionEngine, ANodeThatFallsBehindStillFusesItsBacklog) {
  std::deque<Observation> observations = SeaScenario();
  std::vector<const Observation*> sorted;
  for (const Observation& o : observations) sorted.push_back(&o);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Observation* a, const Observation* b) { return a->time < b->time; });
  EngineOptions options;
  options.lag_s = 0.05;
  auto run = [&](Duration behind) {
    Engine engine{options};
    std::deque<PreparedObservation> prepared;
    for (const Observation* o : sorted) {
      prepared.push_back(Prepare(*o, o->time + behind));
      engine.Add(&prepared.back());
    }
    engine.Flush();
    EXPECT_EQ(engine.counters().too_late, 0u);
    return Describe(engine.Snapshot(false));
  };
  const std::string on_time = run(Duration(0));
  ASSERT_FALSE(on_time.empty());
  EXPECT_EQ(run(FromSeconds(30.0)), on_time);
}

// The spatial index (EngineOptions::spatial_index) and the gate's necessary conditions
// (MayPassHorizontally, MayPassPositionGate) change the cost of finding a look's pairs, never
// the outcome. 300 targets (a quarter aircraft, the rest ships) in a square of +-half_m, a
// radar (plots of plot_sigma_m per axis) every 4 s for `seconds` with clutter, AIS for a
// third of them, arrivals up to 1.5 s late with a 0.3 s lag and a 1 s late window, fused with
// and without the index. The search without the index is the reference: every track tested
// with NearEnough alone. The pictures are equal at every minute and at the end, and so are
// the counters.
void ExpectIndexedEqualsScanned(double half_m, double seconds, double plot_sigma_m,
                                uint64_t seed, size_t min_confirmed) {
  Feed feed;
  const labels::Label unclass = MustParse("UNCLASSIFIED");
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> place(-half_m, half_m);
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  std::vector<Mover> movers;
  for (int i = 0; i < 300; ++i) {
    const double speed = i % 4 == 0 ? 250.0 : 8.0;  // a quarter aircraft, the rest ships
    const double heading = 3.14159 * unit(rng);
    movers.push_back({{place(rng), place(rng)}, {speed * std::cos(heading), speed * std::sin(heading)}});
  }
  for (double t = 0.0; t < seconds; t += 4.0) {
    for (size_t i = 0; i < movers.size(); ++i) {
      const double when = t + 0.01 * static_cast<double>(i % 100);
      feed.Report(when, movers[i].At(when), plot_sigma_m, "radar", SourceKind::kAsterix,
                  ObservationKind::kDetection, unclass);
      if (i % 3 == 0 && static_cast<int>(t) % 12 == 0) {
        Observation& o = feed.Report(when + 1.0, movers[i].At(when + 1.0), 10.0, "ais",
                                     SourceKind::kAis, ObservationKind::kSelfReport, unclass);
        o.identity.mmsi = 431000000 + static_cast<uint32_t>(i);
      }
    }
    // Clutter: plots of nothing.
    for (int k = 0; k < 20; ++k) {
      feed.Report(t + 2.0, {place(rng), place(rng)}, plot_sigma_m, "radar", SourceKind::kAsterix,
                  ObservationKind::kDetection, unclass);
    }
  }
  std::uniform_real_distribution<double> delay(0.0, 1.5);
  std::vector<std::pair<Timestamp, const Observation*>> arrivals;
  for (const Observation& o : feed.observations) {
    arrivals.emplace_back(o.time + FromSeconds(delay(rng)), &o);
  }
  std::stable_sort(arrivals.begin(), arrivals.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  auto run = [&](bool indexed) {
    EngineOptions options;
    options.lag_s = 0.3;
    options.late_s = 1.0;
    options.spatial_index = indexed;
    Engine engine{options};
    std::deque<PreparedObservation> prepared;
    std::vector<std::string> minutes;
    Timestamp next_minute = kStart + FromSeconds(60.0);
    for (const auto& [arrival, o] : arrivals) {
      if (arrival >= next_minute) {
        minutes.push_back(Describe(engine.Snapshot(false)));
        next_minute = next_minute + FromSeconds(60.0);
      }
      prepared.push_back(Prepare(*o, arrival));
      engine.Add(&prepared.back());
    }
    engine.Flush();
    minutes.push_back(Describe(engine.Snapshot(false)));
    return std::make_pair(minutes, engine.counters());
  };
  const auto [scanned, scanned_counters] = run(false);
  const auto [indexed, indexed_counters] = run(true);
  ASSERT_EQ(indexed.size(), scanned.size());
  for (size_t m = 0; m < indexed.size(); ++m) EXPECT_EQ(indexed[m], scanned[m]) << "minute " << m;
  EXPECT_GT(scanned_counters.tracks_confirmed, min_confirmed);
  EXPECT_GT(scanned_counters.applied_late, 0u);
  EXPECT_EQ(indexed_counters.applied, scanned_counters.applied);
  EXPECT_EQ(indexed_counters.applied_late, scanned_counters.applied_late);
  EXPECT_EQ(indexed_counters.too_late, scanned_counters.too_late);
  EXPECT_EQ(indexed_counters.tracks_confirmed, scanned_counters.tracks_confirmed);
  EXPECT_EQ(indexed_counters.merges, scanned_counters.merges);
}

TEST(FusionEngine, IndexedAndScannedPicturesAreTheSame) {
  ExpectIndexedEqualsScanned(500000.0, 180.0, 150.0, 23, 250);
}

// Dense: about 40 targets within the 30 km pre-filter of every plot, of which the gate
// accepts one or two, so most pairs are refused by the gate's necessary conditions.
TEST(FusionEngine, IndexedAndScannedPicturesAreTheSameInADenseArea) {
  ExpectIndexedEqualsScanned(40000.0, 64.0, 150.0, 29, 200);
}

// Dense, with plots as imprecise as the fine cells allow (0.7 km per axis, a covariance trace
// of 0.98 km^2): gates of about 5 km, so the fine cells must reach as far as FineReach says.
TEST(FusionEngine, IndexedAndScannedPicturesAreTheSameWithImprecisePlots) {
  ExpectIndexedEqualsScanned(40000.0, 64.0, 700.0, 31, 100);
}

TEST(FusionEngine, TheSameInputGivesTheSamePicture) {
  const std::deque<Observation> observations = SeaScenario();
  Engine a{EngineOptions{}};
  Engine b{EngineOptions{}};
  std::deque<PreparedObservation> pa;
  std::deque<PreparedObservation> pb;
  const std::string first = Describe(RunInOrder(observations, a, pa));
  EXPECT_EQ(Describe(RunInOrder(observations, b, pb)), first);
  // One track per ship: six ships, one of them never on AIS.
  EXPECT_EQ(a.Snapshot(false).tracks.size(), 6u) << first;
  const model::Picture picture = a.Snapshot(false);
  for (int s = 0; s < 5; ++s) EXPECT_NE(FindMmsi(picture, 431000100 + s), nullptr) << s;
}

TEST(FusionEngine, AngleOnlyReportsUpdateTheTrackTheyFitAndStartNothing) {
  Feed feed;
  const labels::Label l = MustParse("UNCLASSIFIED");
  const labels::Label esm = MustParse("SECRET//REL TO USA, JPN");
  const Mover ship{{0.0, 0.0}, {5.0, 0.0}};
  const geo::LocalFrame frame = *geo::LocalFrame::Create(kOrigin);
  const geo::Lla sensor = *frame.EnuToLla({0.0, -30000.0, 0.0});
  for (double t = 0.0; t < 100.0; t += 10.0) {
    feed.Report(t, ship.At(t), 10.0, "ais", SourceKind::kAis, ObservationKind::kSelfReport, l)
        .identity.mmsi = 7;
  }
  auto bearing = [&](double t, const Eigen::Vector2d& target) -> Observation& {
    Observation& o = feed.Report(t, Eigen::Vector2d(0.0, -30000.0), 1.0, "esm",
                                 SourceKind::kSimulation, ObservationKind::kDetection, esm);
    model::SensorRelative rel;
    rel.sensor_position = sensor;
    const Eigen::Vector2d d = target - Eigen::Vector2d(0.0, -30000.0);
    rel.azimuth_deg = std::atan2(d.x(), d.y()) * 180.0 / 3.14159265358979323846;
    rel.azimuth_sigma_deg = 0.2;
    o.sensor_relative = rel;
    return o;
  };
  // The ship goes dark at 100 s; bearings keep coming, and one bearing points at nothing.
  for (double t = 100.0; t < 200.0; t += 10.0) bearing(t, ship.At(t));
  bearing(150.0, Eigen::Vector2d(-20000.0, 10000.0));
  Engine engine{EngineOptions{}};
  std::deque<PreparedObservation> prepared;
  const model::Picture picture = RunInOrder(feed.observations, engine, prepared);
  ASSERT_EQ(picture.tracks.size(), 1u) << Describe(picture);
  EXPECT_EQ(picture.tracks[0].sources, (std::vector<std::string>{"ais", "esm"}));
  EXPECT_EQ(picture.tracks[0].provenance.size(), 20u);  // 10 AIS reports, 10 bearings
  EXPECT_EQ(engine.counters().bearings_unassociated, 1u);
  // The bearings hold the ship's cross-range (east) position at the end.
  const geo::Enu at = *frame.LlaToEnu(picture.tracks[0].position);
  EXPECT_NEAR(at.east, ship.At(190.0).x(), 60.0);
}

TEST(FusionEngine, InvalidObservationsAreCountedAndTheRestFlows) {
  Feed feed;
  const labels::Label l = MustParse("UNCLASSIFIED");
  Observation& bad = feed.Report(0.0, {0.0, 0.0}, 10.0, "ais", SourceKind::kAis,
                                 ObservationKind::kSelfReport, l);
  bad.position.latitude_deg = 95.0;
  bad.identity.mmsi = 1;
  Observation& good = feed.Report(1.0, {0.0, 0.0}, 10.0, "ais", SourceKind::kAis,
                                  ObservationKind::kSelfReport, l);
  good.identity.mmsi = 2;
  Engine engine{EngineOptions{}};
  std::deque<PreparedObservation> prepared;
  const model::Picture picture = RunInOrder(feed.observations, engine, prepared);
  EXPECT_FALSE(prepared[0].valid);
  EXPECT_NE(prepared[0].error.find("latitude"), std::string::npos) << prepared[0].error;
  EXPECT_EQ(engine.counters().invalid, 1u);
  ASSERT_EQ(picture.tracks.size(), 1u);
  EXPECT_EQ(picture.tracks[0].identity.mmsi, 2u);
}

TEST(MultiAudienceFusion, EachAudienceSeesOnlyTracksBuiltFromWhatItMaySee) {
  Feed feed;
  const labels::Label unclass = MustParse("UNCLASSIFIED");
  const labels::Label noforn = MustParse("SECRET//NOFORN");
  const labels::Label jpn_only =
      MustParse(R"({"policy":"JPN","level":"GOKUHI","categories":{"releasable_to":["JPN"]}})");
  const Mover ais_ship{{0.0, 0.0}, {5.0, 0.0}};
  const Mover us_target{{20000.0, 0.0}, {0.0, 5.0}};
  const Mover jp_target{{-20000.0, 0.0}, {0.0, -5.0}};
  for (double t = 0.0; t < 120.0; t += 10.0) {
    feed.Report(t, ais_ship.At(t), 10.0, "ais", SourceKind::kAis, ObservationKind::kSelfReport,
                unclass)
        .identity.mmsi = 5;
    feed.Report(t + 2.0, ais_ship.At(t + 2.0), 50.0, "us-only", SourceKind::kAsterix,
                ObservationKind::kDetection, noforn);
    feed.Report(t + 2.0, us_target.At(t + 2.0), 50.0, "us-only", SourceKind::kAsterix,
                ObservationKind::kDetection, noforn);
    feed.Report(t + 4.0, jp_target.At(t + 4.0), 50.0, "jpn-only", SourceKind::kAsterix,
                ObservationKind::kDetection, jpn_only);
  }
  std::vector<Audience> audiences = {
      {"us", *labels::ParseUser(R"({"clearance":"SECRET","nationality":"USA"})")},
      {"jpn", *labels::ParseUser(R"({"clearance":"GOKUHI","nationality":"JPN"})")},
      {"us-2", *labels::ParseUser(R"({"clearance":"TOP SECRET","nationality":"USA"})")},
      {"public", *labels::ParseUser(R"({"clearance":"U","nationality":"AUS"})")},
  };
  MultiAudienceFusion fusion(audiences, EngineOptions{});
  for (const Observation& o : feed.observations) fusion.Add(o, o.time);
  // The store keeps about one lag window (10 s) of the 120 s feed: four reports per 10 s,
  // plus the look that is arriving.
  EXPECT_LT(fusion.stored(), 12u);
  EXPECT_GT(fusion.stored(), 0u);
  fusion.Flush();
  const model::Picture us = fusion.Snapshot(0, false);
  const model::Picture jpn = fusion.Snapshot(1, false);
  const model::Picture us2 = fusion.Snapshot(2, false);
  const model::Picture pub = fusion.Snapshot(3, false);
  // The US audiences see the AIS ship (AIS and US-only plots) and the US-only target.
  ASSERT_EQ(us.tracks.size(), 2u) << Describe(us);
  EXPECT_EQ(Describe(us2), Describe(us));
  EXPECT_EQ(us.tracks[0].label, noforn);
  // The Japanese analyst: the ship from AIS alone and the Japan-only target; the US-only
  // target does not exist, and the ship's track has no US-only observation in it.
  ASSERT_EQ(jpn.tracks.size(), 2u) << Describe(jpn);
  const model::FusedTrack* ship = FindMmsi(jpn, 5);
  ASSERT_NE(ship, nullptr);
  EXPECT_EQ(ship->sources, std::vector<std::string>{"ais"});
  EXPECT_EQ(ship->label, unclass);
  // Public: the AIS ship only, numbered 1 in its own view.
  ASSERT_EQ(pub.tracks.size(), 1u);
  EXPECT_EQ(pub.tracks[0].id, 1u);
  EXPECT_EQ(pub.tracks[0].sources, std::vector<std::string>{"ais"});
  // Three distinct views (us and us-2 decided alike on every label and share one engine).
  EXPECT_EQ(fusion.view_count(), 3u);

  // Each audience's picture equals a fresh engine fed only what it may see.
  for (size_t a = 0; a < audiences.size(); ++a) {
    Engine reference{EngineOptions{}};
    std::deque<PreparedObservation> prepared;
    std::deque<Observation> visible;
    for (const Observation& o : feed.observations) {
      if (labels::Permits(audiences[a].user, o.label)) visible.push_back(o);
    }
    for (const Observation& o : visible) {
      prepared.push_back(Prepare(o, o.time));
      reference.Add(&prepared.back());
    }
    reference.Flush();
    EXPECT_EQ(Describe(Deliverable(reference.Snapshot(false), audiences[a].user)),
              Describe(fusion.Snapshot(a, false)))
        << audiences[a].name;
  }
}


// Incremental publication (Engine::Published, MultiAudienceFusion::PublishAll) against the
// full snapshot, at every second of a live feed with late and out-of-order arrivals, tracks
// confirmed, deleted and merged, and audiences that see different subsets: the two must be
// equal track for track, and a track that did not change between two publications must be
// the very object published before (what makes a publication O(changed)).
TEST(MultiAudienceFusion, IncrementalPublicationEqualsTheFullSnapshotAndSharesUnchangedTracks) {
  Feed feed;
  const labels::Label unclass = MustParse("UNCLASSIFIED");
  const labels::Label noforn = MustParse("SECRET//NOFORN");
  const labels::Label rel = MustParse("SECRET//REL TO USA, JPN");
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> delay(0.0, 3.0);
  std::vector<Mover> ships;
  for (int k = 0; k < 8; ++k) {
    ships.push_back({{-30000.0 + 8000.0 * k, 2000.0 * (k % 3)}, {4.0 - k, 1.5 * (k % 2)}});
  }
  std::vector<Timestamp> arrival;
  for (double t = 0.0; t < 160.0; t += 2.0) {
    for (size_t k = 0; k < ships.size(); ++k) {
      // Ships 0-3 report AIS until 60 s (then only radar, or nothing for ship 3); 4-7 are
      // radar-only, 6 under a label only some audiences pass, 7 stops at 90 s (deleted).
      if (k < 4 && t < 60.0 && static_cast<int>(t) % 4 == 0) {
        feed.Report(t, ships[k].At(t), 10.0, "ais", SourceKind::kAis,
                    ObservationKind::kSelfReport, unclass)
            .identity.mmsi = static_cast<uint32_t>(100 + k);
      }
      if (k == 3 || (k == 7 && t > 90.0)) continue;
      feed.Report(t + 0.5, ships[k].At(t + 0.5), 50.0, k == 6 ? "us-radar" : "radar",
                  SourceKind::kAsterix, ObservationKind::kDetection, k == 6 ? noforn : rel);
    }
  }
  // A second AIS identity for ship 1's position from 100 s: a duplicate track to merge.
  for (double t = 100.0; t < 160.0; t += 4.0) {
    feed.Report(t + 0.25, ships[1].At(t + 0.25), 10.0, "cot", SourceKind::kCot,
                ObservationKind::kSelfReport, unclass)
        .identity.uid = "ANDROID-1";
  }
  std::vector<const Observation*> ordered;
  for (const Observation& o : feed.observations) ordered.push_back(&o);
  std::vector<double> arrives;
  for (const Observation* o : ordered) arrives.push_back(ToSeconds(o->time - kStart) + delay(rng));
  std::vector<size_t> order(ordered.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return arrives[a] < arrives[b]; });

  const std::vector<Audience> audiences = {
      {"us", *labels::ParseUser(R"({"clearance":"SECRET","nationality":"USA"})")},
      {"jpn", *labels::ParseUser(R"({"clearance":"SECRET","nationality":"JPN"})")},
      {"public", *labels::ParseUser(R"({"clearance":"U","nationality":"AUS"})")},
  };
  EngineOptions options;
  options.lag_s = 2.0;
  options.sea.coast_s = 20.0;
  options.unknown.coast_s = 20.0;
  // Once with the views on the calling thread; once on two threads, the observations added
  // in batches (as a live node does) and every batch handed to the threads.
  for (const int threads : {1, 2}) {
    SCOPED_TRACE(threads);
    MultiAudienceFusion fusion(audiences, options, threads, 1);
    std::vector<SharedPicture> previous;
    size_t next = 0;
    size_t shared_checks = 0;
    for (int second = 0; second <= 170; ++second) {
      if (threads > 1) fusion.BeginBatch();
      for (; next < order.size() && arrives[order[next]] <= second; ++next) {
        fusion.Add(*ordered[order[next]], kStart + FromSeconds(arrives[order[next]]));
      }
      if (threads > 1) fusion.EndBatch();
      fusion.AdvanceClock(kStart + FromSeconds(second));
      const bool pending = second % 5 == 0;  // a live display's picture now and then
      const std::vector<SharedPicture> published = fusion.PublishAll(pending);
      const std::vector<model::Picture> full = fusion.SnapshotAll(pending);
      ASSERT_EQ(published.size(), audiences.size());
      for (size_t a = 0; a < audiences.size(); ++a) {
        ASSERT_EQ(Describe(ToPicture(published[a])), Describe(full[a]))
            << "second " << second << ", audience " << audiences[a].name;
        ASSERT_EQ(published[a].time, full[a].time);
        if (pending || previous.empty() || (second - 1) % 5 == 0) continue;
        for (const SharedTrack& e : published[a].tracks.entries()) {
          const auto& before = previous[a].tracks.entries();
          auto it = std::lower_bound(before.begin(), before.end(), e.id,
                                     [](const SharedTrack& p, uint64_t id) { return p.id < id; });
          if (it == before.end() || it->id != e.id) continue;
          if (it->track->updates == e.track->updates && it->time_ns == e.time_ns) {
            EXPECT_EQ(it->track.get(), e.track.get()) << "track " << e.id << " rebuilt unchanged";
            ++shared_checks;
          }
        }
      }
      previous = published;
    }
    // The feed exercised what the incremental path must follow.
    EXPECT_GT(fusion.counters(0).tracks_deleted, 0u);
    EXPECT_GT(fusion.counters(0).merges + fusion.counters(1).merges, 0u);
    EXPECT_GT(fusion.counters(0).too_late, 0u);
    EXPECT_GT(shared_checks, 100u);
    EXPECT_EQ(fusion.view_count(), 3u);
  }
}

}  // namespace
}  // namespace biac::fusion
