// Issue 4 §5 on the small two-nation scenario, through the same code as `biac fuse`: the
// fused picture beats every single source, AIS ships seen by radar do not get a second
// track, identities are right, and every audience passes the leak check.

#include <gtest/gtest.h>

#include <algorithm>

#include "biac/app/fuse_run.h"
#include "biac/sim/multisource.h"

namespace biac::app {
namespace {

TEST(FuseScenario, KyushuOkinawaSmallMeetsTheIssueFigures) {
  Result<sim::MultiSourceScenario> scenario = sim::BuiltinMultiSource("kyushu-okinawa-small", 1);
  ASSERT_TRUE(scenario.ok()) << scenario.status().message();
  FuseRunOptions options;
  Result<FuseReport> report = RunFuse(*scenario, options);
  ASSERT_TRUE(report.ok()) << report.status().message();
  ASSERT_EQ(report->audiences.size(), 4u);
  ASSERT_EQ(report->single_sources.size(), scenario->sources.size());

  double best_single = 1e300;
  for (const SourceReport& s : report->single_sources) {
    best_single = std::min(best_single, s.gospa.distance);
  }
  for (const AudienceReport& a : report->audiences) {
    SCOPED_TRACE(a.name);
    EXPECT_TRUE(a.leak_check_run);
    EXPECT_TRUE(a.leak_passed) << a.leak_detail;
    EXPECT_GT(a.snapshots_compared, 50u);
    EXPECT_GT(a.provenance_checked, 1000u);
    // Identities: at least 99 % right.
    ASSERT_GT(a.identity_checked, 0u);
    EXPECT_GE(static_cast<double>(a.identity_correct), 0.99 * a.identity_checked);
    // No duplicate for an AIS ship also plotted by radar in more than 1 % of scans.
    EXPECT_LE(static_cast<double>(a.duplicate_scans), 0.01 * a.duplicate_eligible);
    EXPECT_EQ(a.counters.too_late, 0u);
  }
  // The audiences that see radars have ships eligible for the duplicate check.
  EXPECT_GT(report->audiences[0].duplicate_eligible, 100u);
  // Fused better than any single source, for the two analysts who see (almost) everything.
  EXPECT_LT(report->audiences[0].gospa.distance, best_single);
  EXPECT_LT(report->audiences[1].gospa.distance, best_single);
  // Audiences share engines until their inputs differ; four distinct views here.
  EXPECT_EQ(report->views, 4u);
}

}  // namespace
}  // namespace biac::app
