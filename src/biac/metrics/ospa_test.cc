#include "biac/metrics/ospa.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

namespace biac::metrics {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
using Points = std::vector<Eigen::Vector3d>;

Eigen::Vector3d P(double x, double y) { return {x, y, 0.0}; }

// OSPA by its definition: the minimum over all injections of the smaller set into the larger.
double BruteOspa(const Points& x, const Points& y, double c, double p) {
  const Points& small = x.size() <= y.size() ? x : y;
  const Points& large = x.size() <= y.size() ? y : x;
  const size_t m = small.size(), n = large.size();
  if (n == 0) return 0.0;
  if (p == kInf && m != n) return c;
  std::vector<int> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  double best = kInf;
  do {
    double total = 0.0;
    for (size_t i = 0; i < m; ++i) {
      const double d = std::min(c, (small[i] - large[perm[i]]).norm());
      total = p == kInf ? std::max(total, d) : total + std::pow(d, p);
    }
    best = std::min(best, total);
  } while (std::next_permutation(perm.begin(), perm.end()));
  if (p == kInf) return best;
  return std::pow((best + std::pow(c, p) * (n - m)) / n, 1.0 / p);
}

// GOSPA (alpha = 2) by its definition: the minimum over all partial assignments gamma of
// sum_gamma d^p + c^p / 2 (|X| + |Y| - 2 |gamma|), with no cut-off applied to the pairs.
double BruteGospa(const Points& x, const Points& y, double c, double p) {
  double best = kInf;
  std::vector<bool> used(y.size(), false);
  const std::function<void(size_t, double, int)> recurse = [&](size_t i, double total, int pairs) {
    if (i == x.size()) {
      const double unassigned = std::pow(c, p) / 2.0 * (x.size() + y.size() - 2.0 * pairs);
      best = std::min(best, total + unassigned);
      return;
    }
    recurse(i + 1, total, pairs);
    for (size_t j = 0; j < y.size(); ++j) {
      if (used[j]) continue;
      used[j] = true;
      recurse(i + 1, total + std::pow((x[i] - y[j]).norm(), p), pairs + 1);
      used[j] = false;
    }
  };
  recurse(0, 0.0, 0);
  return std::pow(best, 1.0 / p);
}

TEST(OspaTest, HandComputed) {
  SetDistanceWorkspace ws;
  const OspaOptions c10{10.0, 1.0};
  EXPECT_EQ(*Ospa(Points{}, Points{}, c10, ws), 0.0);
  EXPECT_EQ(*Ospa(Points{}, Points{P(0, 0), P(1, 1), P(2, 2)}, c10, ws), 10.0);
  // One track 5 m from one of two truths, p = 2: sqrt((25 + 100) / 2).
  const OspaOptions c10p2{10.0, 2.0};
  EXPECT_NEAR(*Ospa(Points{P(0, 0)}, Points{P(3, 4), P(100, 0)}, c10p2, ws), std::sqrt(62.5),
              1e-12);
  // Distance exactly c counts as c.
  EXPECT_NEAR(*Ospa(Points{P(0, 0)}, Points{P(10, 0)}, c10, ws), 10.0, 1e-12);
}

TEST(OspaTest, InfiniteOrderIsTheBottleneck) {
  SetDistanceWorkspace ws;
  const OspaOptions options{100.0, kInf};
  // Distances: x0-y0 0, x0-y1 5, x1-y0 5, x1-y1 6. The least-sum permutation (0 + 6) has
  // max 6 (Stone Soup's value); the bottleneck permutation (5, 5) gives the OSPA value 5.
  const Points x = {P(0, 0), P(1.4, 4.8)};
  const Points y = {P(0, 0), P(5, 0)};
  EXPECT_NEAR(*Ospa(x, y, options, ws), 5.0, 1e-12);
  EXPECT_EQ(*Ospa(x, Points{P(0, 0)}, options, ws), 100.0);
  EXPECT_EQ(*Ospa(Points{}, Points{}, options, ws), 0.0);
  EXPECT_EQ(*Ospa(Points{P(0, 0)}, Points{P(500, 0)}, options, ws), 100.0);
}

TEST(OspaTest, RejectsBadOptionsAndPoints) {
  SetDistanceWorkspace ws;
  EXPECT_EQ(Ospa(Points{}, Points{}, OspaOptions{0.0, 1.0}, ws).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Ospa(Points{}, Points{}, OspaOptions{1.0, 0.5}, ws).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Gospa(Points{}, Points{}, GospaOptions{1.0, kInf}, ws).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Gospa(Points{P(NAN, 0)}, Points{}, GospaOptions{}, ws).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(GospaTest, HandComputed) {
  SetDistanceWorkspace ws;
  const GospaOptions c10{10.0, 1.0};
  GospaComponents g = *Gospa(Points{}, Points{}, c10, ws);
  EXPECT_EQ(g.distance, 0.0);
  g = *Gospa(Points{P(0, 0)}, Points{}, c10, ws);
  EXPECT_EQ(g.false_tracks, 5.0);
  EXPECT_EQ(g.missed, 0.0);
  EXPECT_EQ(g.distance, 5.0);
  g = *Gospa(Points{}, Points{P(0, 0), P(1, 0)}, c10, ws);
  EXPECT_EQ(g.missed, 10.0);
  EXPECT_EQ(g.distance, 10.0);
  // One pair at 5 m; the other track is 12 m from the other truth (>= c): one missed, one
  // false.
  std::vector<int> truth_to_track;
  g = *Gospa(Points{P(0, 0), P(20, 0)}, Points{P(3, 4), P(20, 12)}, c10, ws, &truth_to_track);
  EXPECT_NEAR(g.localisation, 5.0, 1e-12);
  EXPECT_EQ(g.missed, 5.0);
  EXPECT_EQ(g.false_tracks, 5.0);
  EXPECT_NEAR(g.distance, 15.0, 1e-12);
  EXPECT_EQ(truth_to_track, (std::vector<int>{0, assignment::kUnassigned}));
  // A pair exactly at c is a missed truth and a false track.
  g = *Gospa(Points{P(0, 0)}, Points{P(10, 0)}, c10, ws, &truth_to_track);
  EXPECT_EQ(g.localisation, 0.0);
  EXPECT_EQ(g.missed, 5.0);
  EXPECT_EQ(g.false_tracks, 5.0);
  EXPECT_EQ(truth_to_track, (std::vector<int>{assignment::kUnassigned}));
  // p = 2: components are p-th power costs: 25 + 100/2, rooted only in the distance.
  g = *Gospa(Points{P(0, 0)}, Points{P(3, 4), P(50, 50)}, GospaOptions{10.0, 2.0}, ws);
  EXPECT_NEAR(g.localisation, 25.0, 1e-12);
  EXPECT_EQ(g.missed, 50.0);
  EXPECT_EQ(g.false_tracks, 0.0);
  EXPECT_NEAR(g.distance, std::sqrt(75.0), 1e-12);
}

// Random sets of 0..6 points against the definitions above; clustered points so that
// assignments matter and some pairs fall beyond c.
TEST(SetDistanceTest, MatchesDefinitionsOnRandomSets) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> coordinate(0.0, 30.0);
  std::uniform_int_distribution<int> size(0, 6);
  SetDistanceWorkspace ws;
  for (int trial = 0; trial < 1500; ++trial) {
    Points x(size(rng)), y(size(rng));
    for (auto& point : x) point = Eigen::Vector3d(coordinate(rng), coordinate(rng), 0.0);
    for (auto& point : y)
      point =
          Eigen::Vector3d(coordinate(rng), coordinate(rng), trial % 2 == 0 ? 0.0 : coordinate(rng));
    const double c = 5.0 + trial % 20;
    const double p = trial % 3 == 0 ? 1.0 : (trial % 3 == 1 ? 2.0 : 3.5);
    const double ospa = *Ospa(x, y, OspaOptions{c, p}, ws);
    EXPECT_NEAR(ospa, BruteOspa(x, y, c, p), 1e-9) << "trial " << trial;
    if (x.size() == y.size()) {
      EXPECT_NEAR(*Ospa(x, y, OspaOptions{c, kInf}, ws), BruteOspa(x, y, c, kInf), 1e-12);
    }
    const GospaComponents g = *Gospa(x, y, GospaOptions{c, p}, ws);
    EXPECT_NEAR(g.distance, BruteGospa(x, y, c, p), 1e-9) << "trial " << trial;
    EXPECT_NEAR(std::pow(g.distance, p), g.localisation + g.missed + g.false_tracks, 1e-9);
    // Counts implied by the decomposition are whole and consistent with the set sizes.
    const double half = std::pow(c, p) / 2.0;
    const double missed = g.missed / half, false_tracks = g.false_tracks / half;
    EXPECT_NEAR(missed, std::round(missed), 1e-9);
    EXPECT_NEAR(y.size() - missed, x.size() - false_tracks, 1e-9);
  }
}

TEST(GospaOverTimeTest, SwitchingAsStoneSoup) {
  // c = 10, p = 1, switching_penalty = 2. Truth A at (0,0), B at (100,0).
  const Timestamp t0 = Timestamp::FromNanos(0);
  const auto at = [&](int second) { return t0 + std::chrono::seconds(second); };
  Trajectories tracks, truths;
  for (int s = 0; s <= 3; ++s) {
    truths.Add(at(s), 1, P(0, 0));
    truths.Add(at(s), 2, P(100, 0));
  }
  truths.Add(at(4), 2, P(100, 0));
  // t0: 1 on A, 2 on B (track 1 first reported elsewhere; its last state counts).
  tracks.Add(at(0), 1, P(50, 50));
  tracks.Add(at(0), 2, P(100, 1));
  tracks.Add(at(0), 1, P(1, 0));
  // t1: swapped: A 1->2 and B 2->1, 1.0 each.
  tracks.Add(at(1), 1, P(100, 1));
  tracks.Add(at(1), 2, P(1, 0));
  // t2: only track 2, on A (no change); B loses its track: 0.5.
  tracks.Add(at(2), 2, P(1, 0));
  // t3: no tracks: Stone Soup records no association at all: 0.
  // t4: B (last unassigned) gains track 3: 0.5.
  tracks.Add(at(4), 3, P(100, 2));
  // t5: track 3 alone, no truths.
  tracks.Add(at(5), 3, P(100, 2));

  const Result<GospaSeries> series = GospaOverTime(tracks, truths, GospaOptions{10.0, 1.0, 2.0});
  ASSERT_TRUE(series.ok());
  ASSERT_EQ(series->per_time.size(), 6u);
  const double expected_switching[] = {0.0, 4.0, 1.0, 0.0, 1.0, 0.0};
  const double expected_gospa[] = {2.0, 2.0, 6.0, 10.0, 2.0, 5.0};
  double mean = 0.0;
  for (int k = 0; k < 6; ++k) {
    const GospaComponents& v = series->per_time[k].value;
    EXPECT_EQ(series->per_time[k].time, at(k));
    EXPECT_NEAR(v.switching, expected_switching[k], 1e-12) << "t" << k;
    const double distance = std::hypot(expected_gospa[k], expected_switching[k]);
    EXPECT_NEAR(v.distance, distance, 1e-12) << "t" << k;
    mean += distance / 6.0;
  }
  EXPECT_NEAR(series->mean.distance, mean, 1e-12);
  EXPECT_NEAR(series->per_time[3].value.missed, 10.0, 1e-12);
  EXPECT_NEAR(series->per_time[5].value.false_tracks, 5.0, 1e-12);

  const Result<OspaSeries> ospa = OspaOverTime(tracks, truths, OspaOptions{10.0, 1.0});
  ASSERT_TRUE(ospa.ok());
  const double expected_ospa[] = {1.0, 1.0, 5.5, 10.0, 2.0, 10.0};
  double ospa_mean = 0.0;
  for (int k = 0; k < 6; ++k) {
    EXPECT_NEAR(ospa->per_time[k].distance, expected_ospa[k], 1e-12) << "t" << k;
    ospa_mean += expected_ospa[k] / 6.0;
  }
  EXPECT_NEAR(ospa->mean, ospa_mean, 1e-12);
}

TEST(GospaOverTimeTest, EmptyInputGivesEmptySeries) {
  const Result<GospaSeries> series = GospaOverTime({}, {}, GospaOptions{});
  ASSERT_TRUE(series.ok());
  EXPECT_TRUE(series->per_time.empty());
  EXPECT_EQ(series->mean.distance, 0.0);
}

}  // namespace
}  // namespace biac::metrics
