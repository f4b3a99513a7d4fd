#include "biac/assignment/assignment.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

namespace biac::assignment {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// heap_pos states of a column during one Dijkstra search (sparse solver).
constexpr int kNotReached = -1;
constexpr int kScanned = -2;

// Binary min-heap of columns keyed by dist, with positions for decrease-key. Holds only the
// columns reached by the current search.
class ColumnHeap {
 public:
  ColumnHeap(std::vector<int>& heap, std::vector<int>& pos, const std::vector<double>& dist)
      : heap_(heap), pos_(pos), dist_(dist) {
    heap_.clear();
  }

  bool empty() const { return heap_.empty(); }

  // Inserts col, or moves it up after its dist decreased.
  void PushOrDecrease(int col) {
    int at = pos_[col];
    if (at < 0) {
      at = static_cast<int>(heap_.size());
      heap_.push_back(col);
      pos_[col] = at;
    }
    SiftUp(at);
  }

  // Removes and returns the column of least dist; ties go to the smaller heap position.
  int Pop() {
    const int top = heap_.front();
    const int last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) {
      heap_.front() = last;
      pos_[last] = 0;
      SiftDown(0);
    }
    pos_[top] = kScanned;
    return top;
  }

 private:
  void SiftUp(int at) {
    const int col = heap_[at];
    const double key = dist_[col];
    while (at > 0) {
      const int parent = (at - 1) / 2;
      if (dist_[heap_[parent]] <= key) break;
      heap_[at] = heap_[parent];
      pos_[heap_[at]] = at;
      at = parent;
    }
    heap_[at] = col;
    pos_[col] = at;
  }

  void SiftDown(int at) {
    const int size = static_cast<int>(heap_.size());
    const int col = heap_[at];
    const double key = dist_[col];
    while (true) {
      int child = 2 * at + 1;
      if (child >= size) break;
      if (child + 1 < size && dist_[heap_[child + 1]] < dist_[heap_[child]]) ++child;
      if (dist_[heap_[child]] >= key) break;
      heap_[at] = heap_[child];
      pos_[heap_[at]] = at;
      at = child;
    }
    heap_[at] = col;
    pos_[col] = at;
  }

  std::vector<int>& heap_;
  std::vector<int>& pos_;
  const std::vector<double>& dist_;
};

// Flips the matching along the alternating path that ends at the free column sink.
void Augment(int sink, const std::vector<int>& pred, std::vector<int>& row_to_col,
             std::vector<int>& col_to_row) {
  int col = sink;
  while (true) {
    const int row = pred[col];
    col_to_row[col] = row;
    const int previous = row_to_col[row];
    row_to_col[row] = col;
    if (previous == kUnassigned) break;
    col = previous;
  }
}

// Dense costs, possibly read transposed, so rows() <= cols() always holds for the solver.
class DenseView {
 public:
  DenseView(const std::vector<double>& costs, int stored_cols, bool transposed)
      : costs_(costs.data()), stored_cols_(stored_cols), transposed_(transposed) {}
  double operator()(int row, int col) const {
    return transposed_ ? costs_[static_cast<size_t>(col) * stored_cols_ + row]
                       : costs_[static_cast<size_t>(row) * stored_cols_ + col];
  }

 private:
  const double* costs_;
  int stored_cols_;
  bool transposed_;
};

Status ValidateDense(const std::vector<double>& costs, int rows, int cols, const char* solver) {
  if (rows < 0 || cols < 0) {
    return InvalidArgument(std::string(solver) + ": negative size " + std::to_string(rows) + "x" +
                           std::to_string(cols));
  }
  if (costs.size() != static_cast<size_t>(rows) * static_cast<size_t>(cols)) {
    return InvalidArgument(std::string(solver) + ": " + std::to_string(costs.size()) +
                           " costs for a " + std::to_string(rows) + "x" + std::to_string(cols) +
                           " matrix");
  }
  for (size_t k = 0; k < costs.size(); ++k) {
    if (std::isnan(costs[k]) || costs[k] == -kInf) {
      return InvalidArgument(
          std::string(solver) + ": cost at row " + std::to_string(k / static_cast<size_t>(cols)) +
          ", column " + std::to_string(k % static_cast<size_t>(cols)) + " is NaN or -infinity");
    }
  }
  return Status::Ok();
}

}  // namespace

// Invariant between augmentations (the duals of Jonker & Volgenant): with column duals v and
// the implicit row dual u_i = c(i, col(i)) - v(col(i)) of each assigned row i, every allowed
// reduced cost c(i, k) - u_i - v(k) is >= 0 and is 0 on assigned pairs. Dijkstra from a free
// row therefore runs on non-negative edge weights; after it reaches a free column at distance
// d, v(k) += dist(k) - d on the scanned columns restores the invariant for the augmented
// matching.
Status SolveSparse(const SparseCostMatrix& costs, Solution& solution, Workspace& workspace) {
  const int num_rows = costs.num_rows();
  const int num_cols = costs.num_cols();
  if (num_cols < 0) {
    return InvalidArgument("SolveSparse: negative column count " + std::to_string(num_cols));
  }
  for (int row = 0; row < num_rows; ++row) {
    for (int e = costs.row_begin(row); e < costs.row_end(row); ++e) {
      if (costs.col(e) < 0 || costs.col(e) >= num_cols) {
        return InvalidArgument("SolveSparse: row " + std::to_string(row) + " names column " +
                               std::to_string(costs.col(e)) + " outside [0, " +
                               std::to_string(num_cols) + ")");
      }
      if (!std::isfinite(costs.cost(e))) {
        return InvalidArgument("SolveSparse: row " + std::to_string(row) + ", column " +
                               std::to_string(costs.col(e)) + " has a non-finite cost");
      }
    }
  }
  solution.row_to_col.assign(num_rows, kUnassigned);
  solution.col_to_row.assign(num_cols, kUnassigned);
  solution.total_cost = 0.0;
  if (num_rows > num_cols) {
    return FailedPrecondition("SolveSparse: " + std::to_string(num_rows) +
                              " rows cannot all be assigned to " + std::to_string(num_cols) +
                              " columns");
  }

  std::vector<double>& dual_col = workspace.dual_col;
  std::vector<double>& dist = workspace.dist;
  std::vector<int>& pred = workspace.pred;
  std::vector<int>& heap_pos = workspace.heap_pos;
  std::vector<int>& scanned = workspace.scanned;
  std::vector<int>& touched = workspace.todo;
  dual_col.assign(num_cols, 0.0);
  dist.assign(num_cols, kInf);
  pred.assign(num_cols, kUnassigned);
  heap_pos.assign(num_cols, kNotReached);
  std::vector<int>& row_to_col = solution.row_to_col;
  std::vector<int>& col_to_row = solution.col_to_row;

  for (int start = 0; start < num_rows; ++start) {
    ColumnHeap heap(workspace.heap, heap_pos, dist);
    scanned.clear();
    touched.clear();
    int row = start;
    double row_dist = 0.0;  // distance of the column whose row is being expanded
    double row_dual = 0.0;  // u_row; the start row's is taken as 0
    int sink = kUnassigned;
    while (true) {
      for (int e = costs.row_begin(row); e < costs.row_end(row); ++e) {
        const int col = costs.col(e);
        if (heap_pos[col] == kScanned) continue;
        const double reached = row_dist + costs.cost(e) - row_dual - dual_col[col];
        if (reached < dist[col]) {
          if (heap_pos[col] == kNotReached) touched.push_back(col);
          dist[col] = reached;
          pred[col] = row;
          heap.PushOrDecrease(col);
        }
      }
      if (heap.empty()) break;
      const int col = heap.Pop();
      scanned.push_back(col);
      if (col_to_row[col] == kUnassigned) {
        sink = col;
        break;
      }
      row = col_to_row[col];
      row_dist = dist[col];
      // u_row = c(row, col) - v(col), col being row's assigned column.
      for (int e = costs.row_begin(row); e < costs.row_end(row); ++e) {
        if (costs.col(e) == col) {
          row_dual = costs.cost(e) - dual_col[col];
          break;
        }
      }
    }
    if (sink == kUnassigned) {
      for (int col : touched) {
        dist[col] = kInf;
        heap_pos[col] = kNotReached;
      }
      return FailedPrecondition("SolveSparse: row " + std::to_string(start) +
                                " cannot be assigned: every column it can reach is taken");
    }
    const double sink_dist = dist[sink];
    for (int col : scanned) dual_col[col] += dist[col] - sink_dist;
    Augment(sink, pred, row_to_col, col_to_row);
    for (int col : touched) {
      dist[col] = kInf;
      heap_pos[col] = kNotReached;
    }
  }
  double total = 0.0;
  for (int row = 0; row < num_rows; ++row) {
    for (int e = costs.row_begin(row); e < costs.row_end(row); ++e) {
      if (costs.col(e) == row_to_col[row]) {
        total += costs.cost(e);
        break;
      }
    }
  }
  solution.total_cost = total;
  return Status::Ok();
}

// Same invariant as SolveSparse; with every column potentially reachable, the least
// tentative distance is found by a linear scan over the unscanned columns (Crouse 2016).
Status SolveDense(const std::vector<double>& costs, int rows, int cols, Solution& solution,
                  Workspace& workspace) {
  BIAC_RETURN_IF_ERROR(ValidateDense(costs, rows, cols, "SolveDense"));
  const bool transposed = rows > cols;
  const DenseView cost(costs, cols, transposed);
  const int num_rows = transposed ? cols : rows;
  const int num_cols = transposed ? rows : cols;

  std::vector<double>& dual_col = workspace.dual_col;
  std::vector<double>& dist = workspace.dist;
  std::vector<int>& pred = workspace.pred;
  std::vector<int>& remaining = workspace.todo;
  std::vector<int>& scanned = workspace.scanned;
  // The solver works on the (possibly transposed) problem in workspace.heap/heap_pos, so
  // that the caller's solution is written in the caller's orientation at the end.
  std::vector<int>& row_to_col = workspace.heap;
  std::vector<int>& col_to_row = workspace.heap_pos;
  dual_col.assign(num_cols, 0.0);
  dist.assign(num_cols, kInf);
  pred.assign(num_cols, kUnassigned);
  row_to_col.assign(num_rows, kUnassigned);
  col_to_row.assign(num_cols, kUnassigned);

  for (int start = 0; start < num_rows; ++start) {
    remaining.resize(num_cols);
    for (int col = 0; col < num_cols; ++col) {
      remaining[col] = col;
      dist[col] = kInf;
    }
    int num_remaining = num_cols;
    scanned.clear();
    int row = start;
    double row_dist = 0.0;
    double row_dual = 0.0;
    int sink = kUnassigned;
    while (sink == kUnassigned) {
      int best_index = -1;
      double best = kInf;
      for (int k = 0; k < num_remaining; ++k) {
        const int col = remaining[k];
        const double c = cost(row, col);
        if (c != kInf) {
          const double reached = row_dist + c - row_dual - dual_col[col];
          if (reached < dist[col]) {
            dist[col] = reached;
            pred[col] = row;
          }
        }
        // Among equal distances prefer a free column: it ends the search.
        if (dist[col] < best ||
            (dist[col] == best && best_index >= 0 && col_to_row[col] == kUnassigned &&
             col_to_row[remaining[best_index]] != kUnassigned)) {
          best = dist[col];
          best_index = k;
        }
      }
      if (best_index < 0) {
        return FailedPrecondition(std::string("SolveDense: ") + (transposed ? "column " : "row ") +
                                  std::to_string(start) +
                                  " cannot be assigned: every allowed partner is taken");
      }
      const int col = remaining[best_index];
      remaining[best_index] = remaining[--num_remaining];
      scanned.push_back(col);
      if (col_to_row[col] == kUnassigned) {
        sink = col;
      } else {
        row = col_to_row[col];
        row_dist = dist[col];
        row_dual = cost(row, col) - dual_col[col];
      }
    }
    const double sink_dist = dist[sink];
    for (int col : scanned) dual_col[col] += dist[col] - sink_dist;
    Augment(sink, pred, row_to_col, col_to_row);
  }

  solution.row_to_col.assign(rows, kUnassigned);
  solution.col_to_row.assign(cols, kUnassigned);
  double total = 0.0;
  for (int row = 0; row < num_rows; ++row) {
    const int col = row_to_col[row];
    total += cost(row, col);
    if (transposed) {
      solution.row_to_col[col] = row;
      solution.col_to_row[row] = col;
    } else {
      solution.row_to_col[row] = col;
      solution.col_to_row[col] = row;
    }
  }
  solution.total_cost = total;
  return Status::Ok();
}

namespace {

struct BruteForceSearch {
  DenseView cost;
  int num_rows;
  int num_cols;
  std::vector<int> current;
  std::vector<bool> used;
  std::vector<int> best;
  double best_cost = kInf;
  // Sum over rows >= r of each row's least allowed cost: a lower bound that prunes branches
  // which cannot beat the best complete assignment (valid for negative costs too).
  std::vector<double> bound_from;

  void Recurse(int row, double partial) {
    if (partial + bound_from[row] >= best_cost) return;
    if (row == num_rows) {
      if (partial < best_cost) {
        best_cost = partial;
        best = current;
      }
      return;
    }
    for (int col = 0; col < num_cols; ++col) {
      if (used[col]) continue;
      const double c = cost(row, col);
      if (c == kInf) continue;
      used[col] = true;
      current[row] = col;
      Recurse(row + 1, partial + c);
      used[col] = false;
    }
  }
};

}  // namespace

Status SolveBruteForce(const std::vector<double>& costs, int rows, int cols, Solution& solution) {
  BIAC_RETURN_IF_ERROR(ValidateDense(costs, rows, cols, "SolveBruteForce"));
  constexpr int kMaxSize = 9;
  if (rows > kMaxSize || cols > kMaxSize) {
    return InvalidArgument("SolveBruteForce: " + std::to_string(rows) + "x" + std::to_string(cols) +
                           " exceeds the 9x9 limit");
  }
  const bool transposed = rows > cols;
  const int num_rows = transposed ? cols : rows;
  const int num_cols = transposed ? rows : cols;
  BruteForceSearch search{DenseView(costs, cols, transposed),
                          num_rows,
                          num_cols,
                          std::vector<int>(num_rows, kUnassigned),
                          std::vector<bool>(num_cols, false),
                          {},
                          kInf,
                          std::vector<double>(num_rows + 1, 0.0)};
  for (int row = num_rows - 1; row >= 0; --row) {
    double least = kInf;
    for (int col = 0; col < num_cols; ++col) least = std::min(least, search.cost(row, col));
    search.bound_from[row] = search.bound_from[row + 1] + least;
  }
  if (search.bound_from[0] != kInf) search.Recurse(0, 0.0);
  solution.row_to_col.assign(rows, kUnassigned);
  solution.col_to_row.assign(cols, kUnassigned);
  solution.total_cost = 0.0;
  if (search.best_cost == kInf) {
    return FailedPrecondition("SolveBruteForce: no assignment of every " +
                              std::string(transposed ? "column" : "row") + " exists");
  }
  for (int row = 0; row < num_rows; ++row) {
    const int col = search.best[row];
    if (transposed) {
      solution.row_to_col[col] = row;
      solution.col_to_row[row] = col;
    } else {
      solution.row_to_col[row] = col;
      solution.col_to_row[col] = row;
    }
  }
  solution.total_cost = search.best_cost;
  return Status::Ok();
}

}  // namespace biac::assignment
