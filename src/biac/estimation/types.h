#pragma once

// Fixed-size linear algebra for filters. Every filter and model is a template over its
// dimensions, so the hot path runs on stack-allocated Eigen matrices and allocates nothing.
//
// Conventions (Stone Soup's): a 2-D kinematic state is [x, vx, y, vy] (metres, m/s), a 3-D
// one [x, vx, y, vy, z, vz]; higher derivatives interleave per axis ([x, vx, ax, y, ...]).
// Time steps are seconds as double.

#include <Eigen/Dense>

namespace biac::estimation {

template <int N>
using Vector = Eigen::Matrix<double, N, 1>;
template <int Rows, int Cols>
using Matrix = Eigen::Matrix<double, Rows, Cols>;
template <int N>
using SquareMatrix = Eigen::Matrix<double, N, N>;

// A Gaussian density: mean and covariance of a state or of a measurement.
template <int N>
struct Gaussian {
  static constexpr int kDim = N;
  Vector<N> mean = Vector<N>::Zero();
  SquareMatrix<N> covariance = SquareMatrix<N>::Zero();
};

// The predicted measurement of a state: its mean, the innovation covariance
// S = H P H' + R and the state-measurement cross-covariance P H' that the update needs.
template <int StateDim, int MeasDim>
struct MeasurementPrediction {
  Vector<MeasDim> mean = Vector<MeasDim>::Zero();
  SquareMatrix<MeasDim> covariance = SquareMatrix<MeasDim>::Zero();
  Matrix<StateDim, MeasDim> cross_covariance = Matrix<StateDim, MeasDim>::Zero();
};

}  // namespace biac::estimation
