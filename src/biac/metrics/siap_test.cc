#include "biac/metrics/siap.h"

#include <gtest/gtest.h>

#include <vector>

namespace biac::metrics {
namespace {

Timestamp At(int second) { return Timestamp::FromNanos(0) + std::chrono::seconds(second); }
Eigen::Vector3d P(double x, double y) { return {x, y, 0.0}; }

// Compact association check.
struct Expected {
  int64_t track;
  int64_t truth;
  int start;
  int end;
};
void ExpectAssociations(const std::vector<TrackTruthAssociation>& actual,
                        const std::vector<Expected>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t k = 0; k < expected.size(); ++k) {
    EXPECT_EQ(actual[k].track_id, expected[k].track) << k;
    EXPECT_EQ(actual[k].truth_id, expected[k].truth) << k;
    EXPECT_EQ(actual[k].start, At(expected[k].start)) << k;
    EXPECT_EQ(actual[k].end, At(expected[k].end)) << k;
  }
}

// Truth 1 at (0, 0) and truth 2 at (50, 0) over 0..14 s; a track placed at each second near
// truth 1 ('1'), near truth 2 ('2') or far from both ('-').
Trajectories TwoTruths() {
  Trajectories truths;
  for (int s = 0; s < 15; ++s) {
    truths.Add(At(s), 1, P(0, 0));
    truths.Add(At(s), 2, P(50, 0));
  }
  return truths;
}
Trajectories TrackFromPattern(const std::string& pattern) {
  Trajectories tracks;
  for (int s = 0; s < static_cast<int>(pattern.size()); ++s) {
    const Eigen::Vector3d where = pattern[s] == '1'   ? P(1, 0)
                                  : pattern[s] == '2' ? P(51, 0)
                                                      : P(500, 0);
    tracks.Add(At(s), 7, where);
  }
  return tracks;
}

TEST(TrackToTruthTest, ConfirmsAfterThreeConsecutiveSteps) {
  const TrackToTruthOptions options{10.0, 3, 2};
  // 1 1 - 1 1 1: the first run is too short; the second confirms with start at 3 s.
  ExpectAssociations(*AssociateTracksToTruths(TrackFromPattern("11-111"), TwoTruths(), options),
                     {{7, 1, 3, 5}});
  ExpectAssociations(*AssociateTracksToTruths(TrackFromPattern("11"), TwoTruths(), options), {});
}

TEST(TrackToTruthTest, EndsAfterTwoMissesAndKeepsStoneSoupCounters) {
  const TrackToTruthOptions options{10.0, 3, 2};
  // Confirmed 0..4, misses at 5 and 6 end it at 4; 7..9 confirm again. The miss counter is
  // not reset on confirmation (Stone Soup), so the single miss at 10 ends the second
  // association at once, and 11 starts only a new candidate run.
  ExpectAssociations(
      *AssociateTracksToTruths(TrackFromPattern("11111--111-1"), TwoTruths(), options),
      {{7, 1, 0, 4}, {7, 1, 7, 9}});
  // A single miss inside an association does not end it.
  ExpectAssociations(*AssociateTracksToTruths(TrackFromPattern("1111-111"), TwoTruths(), options),
                     {{7, 1, 0, 7}});
}

TEST(TrackToTruthTest, SwitchesTruthWithCandidateRunStartingAtTheFirstMiss) {
  const TrackToTruthOptions options{10.0, 3, 2};
  // 1 1 1 2 2 2: the association with 1 ends at 2 s (misses at 3, 4); the run of 2 that began
  // at 3 s confirms at 5 s.
  ExpectAssociations(*AssociateTracksToTruths(TrackFromPattern("111222"), TwoTruths(), options),
                     {{7, 1, 0, 2}, {7, 2, 3, 5}});
  // With a longer run of 2 before the second miss is reached: 1 1 1 2 1 2 2. The rival run is
  // not reset by the matching step at 4 s, so at 6 s it has 3 steps and takes over at once,
  // starting at 3 s (Stone Soup behaviour).
  ExpectAssociations(*AssociateTracksToTruths(TrackFromPattern("1112122"), TwoTruths(), options),
                     {{7, 1, 0, 4}, {7, 2, 3, 6}});
}

// Hand-computed SIAP. Truths 1 at (0,0) and 2 at (1000,0), 0..9 s, velocity (1,0).
// Track 10 follows truth 1 at 1 m, velocity error 0.5; track 20 follows truth 2 at 2 m for
// 0..4 s; track 30 follows truth 2 at 3 m, velocity error 2, for 5..9 s; track 40 is far away.
TEST(SiapTest, HandComputed) {
  Trajectories truths, tracks;
  const Eigen::Vector3d v(1, 0, 0);
  for (int s = 0; s < 10; ++s) {
    truths.Add(At(s), 1, P(0, 0), v);
    truths.Add(At(s), 2, P(1000, 0), v);
    tracks.Add(At(s), 10, P(1, 0), Eigen::Vector3d(1, 0.5, 0));
    if (s < 5) {
      tracks.Add(At(s), 20, P(1002, 0), v);
    } else {
      tracks.Add(At(s), 30, P(1003, 0), Eigen::Vector3d(1, 2, 0));
    }
    tracks.Add(At(s), 40, P(5000, 0), v);
  }
  const Result<SiapResult> siap = Siap(tracks, truths, TrackToTruthOptions{10.0, 3, 2});
  ASSERT_TRUE(siap.ok());
  ExpectAssociations(siap->associations, {{10, 1, 0, 9}, {20, 2, 0, 4}, {30, 2, 5, 9}});
  EXPECT_DOUBLE_EQ(siap->completeness, 1.0);
  EXPECT_DOUBLE_EQ(siap->ambiguity, 1.0);
  EXPECT_DOUBLE_EQ(siap->spuriousness, 10.0 / 30.0);
  EXPECT_DOUBLE_EQ(siap->position_accuracy, (5 * (1 + 2) + 5 * (1 + 3)) / 20.0);
  EXPECT_DOUBLE_EQ(siap->velocity_accuracy, (5 * 0.5 + 5 * (0.5 + 2)) / 20.0);
  // Truth 2 needs two tracks (one change); tracked 9 s + (4 + 4) s.
  EXPECT_DOUBLE_EQ(siap->rate_of_track_number_changes, 1.0 / 17.0);
  // Longest segments 9 and 4 over lifetimes 9 and 9.
  EXPECT_DOUBLE_EQ(siap->longest_track_segment, 13.0 / 18.0);
  ASSERT_EQ(siap->per_time.size(), 10u);
  EXPECT_EQ(siap->per_time[0].num_tracks, 3);
  EXPECT_EQ(siap->per_time[0].num_associated_tracks, 2);
  EXPECT_DOUBLE_EQ(siap->per_time[7].position_accuracy, 2.0);
}

// Before confirmation and with no truths: the zero-denominator conventions.
TEST(SiapTest, EmptyAndUnassociated) {
  Trajectories truths, tracks;
  tracks.Add(At(0), 1, P(0, 0));
  const Result<SiapResult> siap = Siap(tracks, truths, TrackToTruthOptions{});
  ASSERT_TRUE(siap.ok());
  EXPECT_EQ(siap->completeness, 0.0);
  EXPECT_EQ(siap->ambiguity, 1.0);
  EXPECT_EQ(siap->spuriousness, 1.0);
  EXPECT_EQ(siap->position_accuracy, 0.0);
  EXPECT_EQ(siap->rate_of_track_number_changes, 0.0);
  EXPECT_EQ(siap->longest_track_segment, 0.0);
  EXPECT_EQ(Siap(tracks, truths, TrackToTruthOptions{0.0, 3, 2}).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace biac::metrics
