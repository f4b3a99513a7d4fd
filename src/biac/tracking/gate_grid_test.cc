#include "biac/tracking/gate_grid.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace biac::tracking {
namespace {

// Every point inside a query box is visited (the grid may visit more; the caller gates).
TEST(GateGridTest, QueryVisitsEveryPointInTheBox) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 50; ++trial) {
    const int n = 1 + static_cast<int>(rng() % 500);
    std::uniform_real_distribution<double> pos(-1000.0, 1000.0 + trial * 100.0);
    std::vector<double> xs(n), ys(n);
    for (int i = 0; i < n; ++i) {
      xs[i] = pos(rng);
      ys[i] = pos(rng) * 0.3;
    }
    GateGrid grid;
    grid.Build(xs, ys, 5.0 + trial, 5.0);
    std::uniform_real_distribution<double> width(0.0, 300.0);
    for (int q = 0; q < 40; ++q) {
      const double x0 = pos(rng) * 1.2, y0 = pos(rng) * 0.4;
      const double x1 = x0 + width(rng), y1 = y0 + width(rng);
      std::set<int> visited;
      grid.Query(x0, x1, y0, y1, [&](int i) { EXPECT_TRUE(visited.insert(i).second); });
      for (int i = 0; i < n; ++i) {
        if (xs[i] >= x0 && xs[i] <= x1 && ys[i] >= y0 && ys[i] <= y1) {
          EXPECT_TRUE(visited.count(i)) << "point " << i << " missed";
        }
      }
    }
  }
}

TEST(GateGridTest, EmptyAndSinglePoint) {
  GateGrid grid;
  grid.Build({}, {}, 1.0, 1.0);
  int visits = 0;
  grid.Query(-1, 1, -1, 1, [&](int) { ++visits; });
  EXPECT_EQ(visits, 0);
  const std::vector<double> x{3.0}, y{4.0};
  grid.Build(x, y, 1.0, 1.0);
  grid.Query(2.5, 3.5, 3.5, 4.5, [&](int i) { visits += i + 1; });
  EXPECT_EQ(visits, 1);
  grid.Query(10, 11, 10, 11, [&](int) { ++visits; });
  EXPECT_EQ(visits, 1);
}

}  // namespace
}  // namespace biac::tracking
