#include "biac/assignment/assignment.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace biac::assignment {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Checks that solution is a consistent matching of a rows x cols dense problem that uses
// only allowed pairs, assigns min(rows, cols) pairs, and whose total_cost is its real cost.
void ExpectValidMatching(const std::vector<double>& costs, int rows, int cols,
                         const Solution& solution) {
  ASSERT_EQ(static_cast<int>(solution.row_to_col.size()), rows);
  ASSERT_EQ(static_cast<int>(solution.col_to_row.size()), cols);
  int pairs = 0;
  double total = 0.0;
  for (int row = 0; row < rows; ++row) {
    const int col = solution.row_to_col[row];
    if (col == kUnassigned) continue;
    ASSERT_GE(col, 0);
    ASSERT_LT(col, cols);
    EXPECT_EQ(solution.col_to_row[col], row);
    EXPECT_NE(costs[row * cols + col], kInf) << "forbidden pair " << row << "," << col;
    total += costs[row * cols + col];
    ++pairs;
  }
  for (int col = 0; col < cols; ++col) {
    const int row = solution.col_to_row[col];
    if (row != kUnassigned) {
      EXPECT_EQ(solution.row_to_col[row], col);
    }
  }
  EXPECT_EQ(pairs, std::min(rows, cols));
  EXPECT_NEAR(total, solution.total_cost, 1e-9 * (1.0 + std::abs(total)));
}

SparseCostMatrix ToSparse(const std::vector<double>& costs, int rows, int cols) {
  SparseCostMatrix sparse;
  sparse.Reset(cols);
  for (int row = 0; row < rows; ++row) {
    for (int col = 0; col < cols; ++col) {
      if (costs[row * cols + col] != kInf) sparse.AddEntry(col, costs[row * cols + col]);
    }
    sparse.EndRow();
  }
  return sparse;
}

// Random dense problem: integer costs (to create ties) or real ones, some negative, some
// pairs forbidden.
std::vector<double> RandomProblem(std::mt19937& rng, int rows, int cols) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double forbid_probability = unit(rng) < 0.3 ? 0.0 : 0.6 * unit(rng);
  const bool integer = unit(rng) < 0.5;
  std::uniform_int_distribution<int> small_int(-3, 4);
  std::uniform_real_distribution<double> real(-10.0, 10.0);
  std::vector<double> costs(rows * cols);
  for (double& c : costs) {
    if (unit(rng) < forbid_probability) {
      c = kInf;
    } else {
      c = integer ? small_int(rng) : real(rng);
    }
  }
  return costs;
}

TEST(AssignmentTest, TextbookExample) {
  // The 4x4 example used by many Hungarian-method tutorials (e.g. hungarianalgorithm.com):
  // optimum row0->col2 (69), row1->col1 (37), row2->col0 (11), row3->col3 (23) = 140.
  const std::vector<double> costs = {
      82, 83, 69, 92,  //
      77, 37, 49, 92,  //
      11, 69, 5,  86,  //
      8,  9,  98, 23,  //
  };
  const std::vector<int> expected = {2, 1, 0, 3};
  Workspace workspace;
  Solution solution;
  ASSERT_TRUE(SolveDense(costs, 4, 4, solution, workspace).ok());
  EXPECT_EQ(solution.total_cost, 140.0);
  EXPECT_EQ(solution.row_to_col, expected);
  ASSERT_TRUE(SolveSparse(ToSparse(costs, 4, 4), solution, workspace).ok());
  EXPECT_EQ(solution.total_cost, 140.0);
  EXPECT_EQ(solution.row_to_col, expected);
  ASSERT_TRUE(SolveBruteForce(costs, 4, 4, solution).ok());
  EXPECT_EQ(solution.total_cost, 140.0);
  EXPECT_EQ(solution.row_to_col, expected);
}

TEST(AssignmentTest, HandComputedExample) {
  // Row minima 2+3+1+4 = 10 are infeasible (rows 1 and 2 both want column 2); the best
  // repairs are 2+6+1+4 = 13 (row1->col0) and 2+3+5+4 = 14 (row2->col0).
  const std::vector<double> costs = {
      9, 2, 7, 8,  //
      6, 4, 3, 7,  //
      5, 8, 1, 8,  //
      7, 6, 9, 4,  //
  };
  Workspace workspace;
  Solution solution;
  ASSERT_TRUE(SolveDense(costs, 4, 4, solution, workspace).ok());
  EXPECT_EQ(solution.total_cost, 13.0);
  EXPECT_EQ(solution.row_to_col, (std::vector<int>{1, 0, 2, 3}));
  ASSERT_TRUE(SolveSparse(ToSparse(costs, 4, 4), solution, workspace).ok());
  EXPECT_EQ(solution.total_cost, 13.0);
  EXPECT_EQ(solution.row_to_col, (std::vector<int>{1, 0, 2, 3}));
}

TEST(AssignmentTest, GreedyIsNotOptimal) {
  // Greedy takes (0,0)=1 then (1,1)=100; optimum is (0,1)+(1,0) = 2+3.
  const std::vector<double> costs = {1, 2, 3, 100};
  Workspace workspace;
  Solution solution;
  ASSERT_TRUE(SolveDense(costs, 2, 2, solution, workspace).ok());
  EXPECT_EQ(solution.total_cost, 5.0);
  EXPECT_EQ(solution.row_to_col, (std::vector<int>{1, 0}));
  ASSERT_TRUE(SolveSparse(ToSparse(costs, 2, 2), solution, workspace).ok());
  EXPECT_EQ(solution.total_cost, 5.0);
  EXPECT_EQ(solution.row_to_col, (std::vector<int>{1, 0}));
}

TEST(AssignmentTest, RectangularDenseLeavesRowsFreeWhenTransposed) {
  // 3 rows, 2 columns: both columns assigned, the best two rows used.
  const std::vector<double> costs = {
      5, 9,  //
      1, 8,  //
      7, 2,  //
  };
  Workspace workspace;
  Solution solution;
  ASSERT_TRUE(SolveDense(costs, 3, 2, solution, workspace).ok());
  EXPECT_EQ(solution.total_cost, 3.0);
  EXPECT_EQ(solution.row_to_col, (std::vector<int>{kUnassigned, 0, 1}));
  EXPECT_EQ(solution.col_to_row, (std::vector<int>{1, 2}));
}

TEST(AssignmentTest, InfeasibleIsFailedPrecondition) {
  Workspace workspace;
  Solution solution;
  // Both rows may only use column 0.
  const std::vector<double> costs = {1, kInf, 2, kInf};
  EXPECT_EQ(SolveDense(costs, 2, 2, solution, workspace).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(SolveSparse(ToSparse(costs, 2, 2), solution, workspace).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(SolveBruteForce(costs, 2, 2, solution).code(), StatusCode::kFailedPrecondition);
  // More rows than columns for the sparse solver.
  SparseCostMatrix sparse;
  sparse.Reset(1);
  sparse.AddEntry(0, 1.0);
  sparse.EndRow();
  sparse.AddEntry(0, 1.0);
  sparse.EndRow();
  EXPECT_EQ(SolveSparse(sparse, solution, workspace).code(), StatusCode::kFailedPrecondition);
  // A row with no allowed entry at all.
  sparse.Reset(3);
  sparse.AddEntry(0, 1.0);
  sparse.EndRow();
  sparse.EndRow();
  EXPECT_EQ(SolveSparse(sparse, solution, workspace).code(), StatusCode::kFailedPrecondition);
  // The workspace is still good for a feasible problem afterwards.
  sparse.Reset(2);
  sparse.AddEntry(0, 4.0);
  sparse.AddEntry(1, 1.0);
  sparse.EndRow();
  sparse.AddEntry(1, 1.0);
  sparse.EndRow();
  ASSERT_TRUE(SolveSparse(sparse, solution, workspace).ok());
  EXPECT_EQ(solution.total_cost, 5.0);
}

TEST(AssignmentTest, RejectsMalformedInput) {
  Workspace workspace;
  Solution solution;
  SparseCostMatrix sparse;
  sparse.Reset(2);
  sparse.AddEntry(2, 1.0);
  sparse.EndRow();
  EXPECT_EQ(SolveSparse(sparse, solution, workspace).code(), StatusCode::kInvalidArgument);
  sparse.Reset(2);
  sparse.AddEntry(0, kInf);
  sparse.EndRow();
  EXPECT_EQ(SolveSparse(sparse, solution, workspace).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SolveDense({1.0, std::nan("")}, 1, 2, solution, workspace).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SolveDense({1.0}, 1, 2, solution, workspace).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SolveDense({-kInf}, 1, 1, solution, workspace).code(), StatusCode::kInvalidArgument);
}

TEST(AssignmentTest, EmptyProblems) {
  Workspace workspace;
  Solution solution;
  ASSERT_TRUE(SolveDense({}, 0, 3, solution, workspace).ok());
  EXPECT_EQ(solution.total_cost, 0.0);
  EXPECT_EQ(solution.col_to_row, (std::vector<int>(3, kUnassigned)));
  ASSERT_TRUE(SolveDense({}, 2, 0, solution, workspace).ok());
  EXPECT_EQ(solution.row_to_col, (std::vector<int>(2, kUnassigned)));
  SparseCostMatrix sparse;
  sparse.Reset(4);
  ASSERT_TRUE(SolveSparse(sparse, solution, workspace).ok());
  EXPECT_TRUE(solution.row_to_col.empty());
  EXPECT_EQ(solution.col_to_row.size(), 4u);
}

// Thousands of random problems against exhaustive search: the optimal cost must agree, and
// each solver's answer must be a valid matching of that cost. One workspace is reused
// throughout, so stale scratch state between calls would show up here.
TEST(AssignmentTest, MatchesBruteForceOnRandomProblems) {
  std::mt19937 rng(20240611);
  Workspace workspace;
  Solution dense, sparse, brute;
  int feasible = 0, infeasible = 0;
  for (int trial = 0; trial < 6000; ++trial) {
    const int rows = 1 + trial % 8;
    const int cols = 1 + (trial / 8) % 9;
    const std::vector<double> costs = RandomProblem(rng, rows, cols);
    const Status brute_status = SolveBruteForce(costs, rows, cols, brute);
    const Status dense_status = SolveDense(costs, rows, cols, dense, workspace);
    ASSERT_EQ(brute_status.code(), dense_status.code()) << "trial " << trial;
    if (brute_status.ok()) {
      ++feasible;
      ExpectValidMatching(costs, rows, cols, brute);
      ExpectValidMatching(costs, rows, cols, dense);
      ASSERT_NEAR(dense.total_cost, brute.total_cost, 1e-9) << "trial " << trial;
    } else {
      ++infeasible;
      EXPECT_EQ(brute_status.code(), StatusCode::kFailedPrecondition);
    }
    if (rows <= cols) {
      const Status sparse_status = SolveSparse(ToSparse(costs, rows, cols), sparse, workspace);
      ASSERT_EQ(brute_status.code(), sparse_status.code()) << "trial " << trial;
      if (sparse_status.ok()) {
        ExpectValidMatching(costs, rows, cols, sparse);
        ASSERT_NEAR(sparse.total_cost, brute.total_cost, 1e-9) << "trial " << trial;
      }
    }
  }
  // The generator must exercise both outcomes.
  EXPECT_GT(feasible, 1000);
  EXPECT_GT(infeasible, 100);
}

// Tracker-shaped sparse problems: each row has a private "missed" column, so every problem
// is feasible; checked against brute force on the dense form.
TEST(AssignmentTest, SparseWithMissedColumnsMatchesBruteForce) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  Workspace workspace;
  Solution sparse, brute;
  for (int trial = 0; trial < 2000; ++trial) {
    const int rows = 1 + trial % 4;
    const int detections = 1 + (trial / 4) % 5;
    const int cols = detections + rows;
    std::vector<double> costs(rows * cols, kInf);
    for (int row = 0; row < rows; ++row) {
      for (int d = 0; d < detections; ++d) {
        if (unit(rng) < 0.6) costs[row * cols + d] = 6.0 * unit(rng) - 1.0;
      }
      costs[row * cols + detections + row] = 3.0;
    }
    ASSERT_TRUE(SolveBruteForce(costs, rows, cols, brute).ok());
    ASSERT_TRUE(SolveSparse(ToSparse(costs, rows, cols), sparse, workspace).ok());
    ExpectValidMatching(costs, rows, cols, sparse);
    ASSERT_NEAR(sparse.total_cost, brute.total_cost, 1e-9) << "trial " << trial;
  }
}

// Larger problems where brute force is out of reach: sparse and dense solvers must agree.
TEST(AssignmentTest, SparseAndDenseAgreeOnLargerProblems) {
  std::mt19937 rng(99);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  Workspace workspace;
  Solution sparse, dense;
  for (int trial = 0; trial < 40; ++trial) {
    const int rows = 20 + trial;
    const int cols = rows + trial % 7;
    std::vector<double> costs(rows * cols);
    for (double& c : costs) c = unit(rng) < 0.7 ? kInf : std::floor(20.0 * unit(rng)) - 5.0;
    for (int row = 0; row < rows; ++row) costs[row * cols + (row * 7) % cols] = 50.0;
    const Status dense_status = SolveDense(costs, rows, cols, dense, workspace);
    const Status sparse_status = SolveSparse(ToSparse(costs, rows, cols), sparse, workspace);
    ASSERT_EQ(dense_status.code(), sparse_status.code());
    if (!dense_status.ok()) continue;
    ExpectValidMatching(costs, rows, cols, dense);
    ExpectValidMatching(costs, rows, cols, sparse);
    EXPECT_NEAR(dense.total_cost, sparse.total_cost, 1e-9);
  }
}

}  // namespace
}  // namespace biac::assignment
