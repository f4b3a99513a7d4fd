#include "biac/tracking/track_logic.h"

#include <gtest/gtest.h>

namespace biac::tracking {
namespace {

TEST(TrackLogicTest, ConsecutiveRuleIsStoneSoups) {
  InitiatorOptions o;  // min_points 3
  TrackLogic l{.updates = 2, .scans = 2};
  EXPECT_FALSE(ShouldConfirm(o, l));
  l.updates = 3;
  EXPECT_TRUE(ShouldConfirm(o, l));
  l.consecutive_misses = 1;
  EXPECT_TRUE(ShouldDropTentative(o, l));
}

TEST(TrackLogicTest, MOfN) {
  InitiatorOptions o;
  o.rule = ConfirmationRule::kMOfN;
  o.m = 2;
  o.n = 3;
  // hit, miss, hit: confirmed at the third scan.
  EXPECT_FALSE(ShouldConfirm(o, {.updates = 1, .scans = 2}));
  EXPECT_FALSE(ShouldDropTentative(o, {.updates = 1, .scans = 2}));
  EXPECT_TRUE(ShouldConfirm(o, {.updates = 2, .scans = 3}));
  // hit, miss, miss: 1 + (3 - 3) < 2, dropped.
  EXPECT_TRUE(ShouldDropTentative(o, {.updates = 1, .scans = 3}));
  // Too late: two hits only after the window.
  EXPECT_FALSE(ShouldConfirm(o, {.updates = 2, .scans = 4}));
}

TEST(TrackLogicTest, ScoreThresholdsAreWalds) {
  InitiatorOptions o;
  o.rule = ConfirmationRule::kScore;
  o.false_confirm_probability = 1e-3;
  o.false_delete_probability = 1e-2;
  EXPECT_NEAR(ConfirmScore(o), std::log(0.99 / 1e-3), 1e-12);
  EXPECT_NEAR(DropScore(o), std::log(1e-2 / 0.999), 1e-12);
  EXPECT_TRUE(ShouldConfirm(o, {.score = 7.0}));
  EXPECT_FALSE(ShouldConfirm(o, {.score = 6.8}));
  EXPECT_TRUE(ShouldDropTentative(o, {.score = -4.7}));
}

TEST(TrackLogicTest, DeletionRules) {
  DeleterOptions o;  // 3 misses
  EXPECT_FALSE(ShouldDelete(o, {.consecutive_misses = 2}, 1.0));
  EXPECT_TRUE(ShouldDelete(o, {.consecutive_misses = 3}, 1.0));
  o.max_position_variance = 100.0;
  EXPECT_TRUE(ShouldDelete(o, {}, 101.0));
  EXPECT_FALSE(ShouldDelete(o, {}, 99.0));
  o.score_drop = 5.0;
  EXPECT_TRUE(ShouldDelete(o, {.score = 1.0, .max_score = 6.5}, 0.0));
  DeleterOptions none{.max_misses = 0};
  EXPECT_FALSE(none.Validate().ok());
}

}  // namespace
}  // namespace biac::tracking
