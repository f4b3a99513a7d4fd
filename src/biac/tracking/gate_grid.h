#pragma once

// A uniform grid over two measurement components, rebuilt each scan, that hands the
// hypothesiser only the detections near a track's gate. Building is a counting sort (linear
// in the number of detections) and a query visits the cells a gate's bounding box overlaps,
// so gating costs O(tracks + detections) for a bounded density instead of O(tracks x
// detections).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

namespace biac::tracking {

class GateGrid {
 public:
  // Buckets the points (xs[i], ys[i]). The cell size is at least (min_cell_x, min_cell_y)
  // (use the typical gate width) and is grown so that there are about as many cells as
  // points, which bounds memory for sparse scenes.
  void Build(std::span<const double> xs, std::span<const double> ys, double min_cell_x,
             double min_cell_y);

  // Calls visit(i) for every point i in the cells overlapping [xmin,xmax] x [ymin,ymax].
  // The caller tests the exact gate.
  template <typename Visit>
  void Query(double xmin, double xmax, double ymin, double ymax, Visit&& visit) const {
    if (count_ == 0) return;
    if (xmax < x0_ || ymax < y0_ || xmin > x1_ || ymin > y1_) return;
    const int cx0 = CellX(xmin), cx1 = CellX(xmax);
    const int cy0 = CellY(ymin), cy1 = CellY(ymax);
    for (int cy = cy0; cy <= cy1; ++cy) {
      const int64_t row = static_cast<int64_t>(cy) * nx_;
      const int begin = cell_begin_[row + cx0];
      const int end = cell_begin_[row + cx1 + 1];
      for (int k = begin; k < end; ++k) visit(order_[k]);
    }
  }

 private:
  int CellX(double x) const {
    const double c = std::floor((x - x0_) * inv_cell_x_);
    return static_cast<int>(std::clamp(c, 0.0, static_cast<double>(nx_ - 1)));
  }
  int CellY(double y) const {
    const double c = std::floor((y - y0_) * inv_cell_y_);
    return static_cast<int>(std::clamp(c, 0.0, static_cast<double>(ny_ - 1)));
  }

  int count_ = 0;
  int nx_ = 1, ny_ = 1;
  double x0_ = 0, y0_ = 0, x1_ = 0, y1_ = 0;
  double inv_cell_x_ = 1, inv_cell_y_ = 1;
  std::vector<int>
      cell_begin_;            // nx*ny + 1 prefix sums; row-major, so a row of cells is contiguous
  std::vector<int> order_;    // point indices sorted by cell
  std::vector<int> cell_of_;  // scratch
};

}  // namespace biac::tracking
