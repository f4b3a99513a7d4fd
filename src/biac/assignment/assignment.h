#pragma once

// Rectangular linear assignment: assign every row to a distinct column so that the sum of
// the chosen costs is minimal. The matrix is sparse (compressed rows): an absent entry is a
// forbidden pair. Trackers use it with one "missed" column per row, so a solution always
// exists; metrics use it dense.
//
// Ownership: the solver keeps its scratch space in a Workspace that the caller owns and
// reuses, so a warm call allocates nothing.

#include <cstdint>
#include <limits>
#include <vector>

#include "biac/base/status.h"

namespace biac::assignment {

inline constexpr int kUnassigned = -1;

// Compressed-row sparse cost matrix. Build it row by row: AddEntry() for each allowed column
// of the current row, then EndRow(). Entries of one row must name distinct columns.
class SparseCostMatrix {
 public:
  SparseCostMatrix() { row_begin_.push_back(0); }
  // Empties the matrix and sets the number of columns; keeps the capacity.
  void Reset(int num_cols) {
    num_cols_ = num_cols;
    row_begin_.assign(1, 0);
    cols_.clear();
    costs_.clear();
  }
  void AddEntry(int col, double cost) {
    cols_.push_back(col);
    costs_.push_back(cost);
  }
  void EndRow() { row_begin_.push_back(static_cast<int>(cols_.size())); }

  int num_rows() const { return static_cast<int>(row_begin_.size()) - 1; }
  int num_cols() const { return num_cols_; }
  int row_begin(int row) const { return row_begin_[row]; }
  int row_end(int row) const { return row_begin_[row + 1]; }
  int col(int entry) const { return cols_[entry]; }
  double cost(int entry) const { return costs_[entry]; }
  int num_entries() const { return static_cast<int>(cols_.size()); }

 private:
  int num_cols_ = 0;
  std::vector<int> row_begin_;
  std::vector<int> cols_;
  std::vector<double> costs_;
};

struct Solution {
  std::vector<int> row_to_col;  // kUnassigned only for rows a partial solver leaves free
  std::vector<int> col_to_row;  // kUnassigned for unused columns
  double total_cost = 0.0;
};

// Scratch space for the solvers; reuse one per thread.
struct Workspace {
  std::vector<double> dual_col;
  std::vector<double> dist;
  std::vector<int> pred;
  std::vector<int> scanned;
  std::vector<int> heap;
  std::vector<int> heap_pos;
  std::vector<int> todo;
};

// Minimum-cost assignment of every row (rows <= cols needed for feasibility). Shortest
// augmenting paths with Dijkstra on reduced costs (Jonker & Volgenant 1987; the sparse form
// of Crouse 2016, "On implementing 2D rectangular assignment algorithms"). Costs may be any
// finite values. Returns FailedPrecondition when some row cannot be assigned.
Status SolveSparse(const SparseCostMatrix& costs, Solution& solution, Workspace& workspace);

// Dense row-major rows x cols costs; +infinity marks a forbidden pair. When rows > cols the
// problem is solved transposed, so every column is assigned and some rows stay free.
Status SolveDense(const std::vector<double>& costs, int rows, int cols, Solution& solution,
                  Workspace& workspace);

// Exhaustive search over all assignments, for tests on small problems (rows, cols <= 9).
// Same contract as SolveDense.
Status SolveBruteForce(const std::vector<double>& costs, int rows, int cols, Solution& solution);

}  // namespace biac::assignment
