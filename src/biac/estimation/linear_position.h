#pragma once

// Linear-Gaussian measurement of the position components of a state: z = H x + v,
// v ~ N(0, R). H selects the state indices in `mapping` (Stone Soup's LinearGaussian).

#include <array>

#include "biac/estimation/types.h"

namespace biac::estimation {

template <int StateDim, int MeasDim>
class LinearPosition {
 public:
  static constexpr int kStateDim = StateDim;
  static constexpr int kMeasDim = MeasDim;
  static constexpr bool kLinear = true;
  using StateVector = Vector<StateDim>;
  using MeasVector = Vector<MeasDim>;
  using MeasMatrix = Matrix<MeasDim, StateDim>;
  using NoiseMatrix = SquareMatrix<MeasDim>;

  // mapping[i]: the state index measured by component i. noise: R.
  LinearPosition(std::array<int, MeasDim> mapping, const NoiseMatrix& noise)
      : mapping_(mapping), noise_(noise) {
    matrix_.setZero();
    for (int i = 0; i < MeasDim; ++i) matrix_(i, mapping_[i]) = 1.0;
  }

  const std::array<int, MeasDim>& mapping() const { return mapping_; }
  const MeasMatrix& MeasurementMatrix() const { return matrix_; }
  const NoiseMatrix& Noise() const { return noise_; }

  MeasVector Apply(const StateVector& x) const {
    MeasVector z;
    for (int i = 0; i < MeasDim; ++i) z(i) = x(mapping_[i]);
    return z;
  }
  MeasMatrix Jacobian(const StateVector& /*x*/) const { return matrix_; }

  // z - zhat: no component of this model is an angle.
  MeasVector Residual(const MeasVector& z, const MeasVector& zhat) const { return z - zhat; }

  // The state whose mapped components equal z and whose others are zero (H' z, as H has
  // orthonormal rows); used by initiators.
  StateVector Inverse(const MeasVector& z) const {
    StateVector x = StateVector::Zero();
    for (int i = 0; i < MeasDim; ++i) x(mapping_[i]) = z(i);
    return x;
  }
  // The measured components as a Gaussian {z, R}; used by initiators.
  Gaussian<MeasDim> InversePosition(const MeasVector& z) const { return {z, noise_}; }

 private:
  std::array<int, MeasDim> mapping_;
  NoiseMatrix noise_;
  MeasMatrix matrix_;
};

}  // namespace biac::estimation
