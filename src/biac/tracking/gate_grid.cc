#include "biac/tracking/gate_grid.h"

namespace biac::tracking {

void GateGrid::Build(std::span<const double> xs, std::span<const double> ys, double min_cell_x,
                     double min_cell_y) {
  count_ = static_cast<int>(xs.size());
  if (count_ == 0) return;
  x0_ = x1_ = xs[0];
  y0_ = y1_ = ys[0];
  for (int i = 1; i < count_; ++i) {
    x0_ = std::min(x0_, xs[i]);
    x1_ = std::max(x1_, xs[i]);
    y0_ = std::min(y0_, ys[i]);
    y1_ = std::max(y1_, ys[i]);
  }
  const double width = std::max(x1_ - x0_, 1e-9);
  const double height = std::max(y1_ - y0_, 1e-9);
  // Aim for about one point per cell, never cells smaller than a gate.
  const double target_cells = std::max(1.0, static_cast<double>(count_));
  const double side = std::sqrt(width * height / target_cells);
  const double cell_x = std::max({min_cell_x, side, width / 4096.0});
  const double cell_y = std::max({min_cell_y, side, height / 4096.0});
  nx_ = static_cast<int>(std::min(4096.0, std::floor(width / cell_x) + 1));
  ny_ = static_cast<int>(std::min(4096.0, std::floor(height / cell_y) + 1));
  inv_cell_x_ = 1.0 / cell_x;
  inv_cell_y_ = 1.0 / cell_y;

  const int64_t cells = static_cast<int64_t>(nx_) * ny_;
  cell_begin_.assign(cells + 1, 0);
  cell_of_.resize(count_);
  for (int i = 0; i < count_; ++i) {
    const int c = CellY(ys[i]) * nx_ + CellX(xs[i]);
    cell_of_[i] = c;
    ++cell_begin_[c + 1];
  }
  for (int64_t c = 0; c < cells; ++c) cell_begin_[c + 1] += cell_begin_[c];
  order_.resize(count_);
  // Stable placement: cell_begin_[c] is used as the running insert position, then restored.
  for (int i = 0; i < count_; ++i) order_[cell_begin_[cell_of_[i]]++] = i;
  for (int64_t c = cells; c > 0; --c) cell_begin_[c] = cell_begin_[c - 1];
  cell_begin_[0] = 0;
}

}  // namespace biac::tracking
