#include "biac/app/track_config.h"

#include <gtest/gtest.h>

namespace biac::app {
namespace {

TEST(TrackConfigTest, EmptyConfigIsTheMttCv2dDefault) {
  auto c = ParseTrackConfig("", "t.toml");
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(c->motion, MotionKind::kConstantVelocity);
  EXPECT_EQ(c->noise_diff_coeff, 0.1);
  EXPECT_EQ(c->measurement_sigma, 10.0);
  EXPECT_EQ(c->tracker.associator, tracking::AssociatorKind::kGnn);
  EXPECT_EQ(c->tracker.hypothesiser.missed_distance, 3.0);
  EXPECT_EQ(c->tracker.initiator.min_points, 3);
  EXPECT_EQ(c->tracker.deleter.max_misses, 3);
  EXPECT_EQ(c->prior_velocity_sigma, 20.0);
  EXPECT_EQ(c->gospa_c, 100.0);
}

TEST(TrackConfigTest, ReadsEveryTable) {
  auto c = ParseTrackConfig(R"(
[motion]
model = "ca"
noise_diff_coeff = 0.5
[measurement]
sigma = 25
[association]
method = "jpda"
prob_detect = 0.8
clutter_density = 2e-6
[initiation]
rule = "m-of-n"
m = 3
n = 5
[deletion]
max_misses = 4
max_position_variance = 1e6
[metrics]
gospa_c = 50
)",
                            "t.toml");
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(c->motion, MotionKind::kConstantAcceleration);
  EXPECT_EQ(c->measurement_sigma, 25.0);
  EXPECT_EQ(c->tracker.associator, tracking::AssociatorKind::kJpda);
  EXPECT_EQ(c->tracker.hypothesiser.kind, tracking::HypothesisKind::kProbability);
  EXPECT_EQ(c->tracker.hypothesiser.prob_detect, 0.8);
  EXPECT_EQ(c->tracker.initiator.rule, tracking::ConfirmationRule::kMOfN);
  EXPECT_EQ(c->tracker.initiator.n, 5);
  EXPECT_EQ(c->tracker.deleter.max_misses, 4);
  EXPECT_EQ(c->gospa_c, 50.0);
}

TEST(TrackConfigTest, ErrorsNameTheKey) {
  struct Case {
    const char* text;
    const char* expected;
  };
  const Case cases[] = {
      {"[association]\nmethod = \"mht\"\n", "[association] method: 'mht' is not one of: gnn, jpda"},
      {"[association]\nprob_detect = 1.5\n", "[association] prob_detect"},
      {"[association]\ngate = 3\n", "[association] gate: unknown key"},
      {"[tracker]\nx = 1\n", "unknown table or key 'tracker'"},
      {"[initiation]\nmin_points = \"three\"\n", "[initiation] min_points: not an integer"},
      {"[initiation]\nm = 4\nn = 3\n", "[initiation] m: M = 4 exceeds N = 3"},
      {"[deletion]\nmax_misses = 0\n", "[deletion] max_misses"},
      {"[measurement]\nsigma = -1\n", "[measurement] sigma"},
      {"[motion\n", "t.toml:1"},
  };
  for (const Case& c : cases) {
    auto r = ParseTrackConfig(c.text, "t.toml");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_NE(r.error().message().find(c.expected), std::string::npos)
        << r.error().message() << " lacks " << c.expected;
    EXPECT_EQ(r.error().message().rfind("t.toml", 0), 0u) << r.error().message();
  }
}

}  // namespace
}  // namespace biac::app
