#include "biac/base/strong_id.h"

#include <gtest/gtest.h>

#include <type_traits>
#include <unordered_set>

namespace biac {
namespace {

TEST(StrongIdTest, DistinctTypesCompareAndHash) {
  static_assert(!std::is_convertible_v<TrackId, SensorId>);
  static_assert(!std::is_convertible_v<uint64_t, TrackId>);
  const TrackId a(1), b(2);
  EXPECT_LT(a, b);
  EXPECT_EQ(a, TrackId(1));
  std::unordered_set<TrackId> ids{a, b, TrackId(1)};
  EXPECT_EQ(ids.size(), 2u);
}

}  // namespace
}  // namespace biac
