#pragma once

// Angle-only (passive) measurement models: a sensor at a known position measures only the
// direction to the target (ESM, IRST, acoustic, camera line of sight). Conventions as
// radar.h (Stone Soup's): d = p - p_sensor,
//   Bearing            z = [phi]          phi = atan2(d_y, d_x)   (Cartesian2DToBearing)
//   ElevationBearing   z = [theta, phi]   theta = asin(d_z / |d|) (CartesianToElevationBearing)
// Residual(z, zhat) wraps the bearing to (-pi, pi]. There is no Inverse: a single angle-only
// measurement does not fix a position (initiation needs range from elsewhere).

#include <array>
#include <cmath>

#include "biac/estimation/angles.h"
#include "biac/estimation/radar.h"
#include "biac/estimation/types.h"

namespace biac::estimation {

// 2-D: z = [phi].
template <int StateDim>
class Bearing {
 public:
  static constexpr int kStateDim = StateDim;
  static constexpr int kMeasDim = 1;
  static constexpr bool kLinear = false;
  static constexpr int kBearingIndex = 0;
  using StateVector = Vector<StateDim>;
  using MeasVector = Vector<kMeasDim>;
  using MeasMatrix = Matrix<kMeasDim, StateDim>;
  using NoiseMatrix = SquareMatrix<kMeasDim>;

  // position_mapping: state indices of x, y; noise: R (rad^2).
  Bearing(std::array<int, 2> position_mapping, const NoiseMatrix& noise,
          const Vector<2>& sensor_position = Vector<2>::Zero())
      : mapping_(position_mapping), noise_(noise), sensor_(sensor_position) {}

  const std::array<int, 2>& mapping() const { return mapping_; }
  const NoiseMatrix& Noise() const { return noise_; }

  MeasVector Apply(const StateVector& x) const {
    const Vector<2> d = radar_detail::Gather(x, mapping_) - sensor_;
    return MeasVector(WrapToPi(std::atan2(d(1), d(0))));
  }

  MeasMatrix Jacobian(const StateVector& x) const {
    const Vector<2> d = radar_detail::Gather(x, mapping_) - sensor_;
    const Vector<2> g = radar_detail::BearingGradient(d(0), d(1));
    MeasMatrix h = MeasMatrix::Zero();
    for (int i = 0; i < 2; ++i) h(0, mapping_[i]) = g(i);
    return h;
  }

  MeasVector Residual(const MeasVector& z, const MeasVector& zhat) const {
    return MeasVector(WrapToPi(z(0) - zhat(0)));
  }

 private:
  std::array<int, 2> mapping_;
  NoiseMatrix noise_;
  Vector<2> sensor_;
};

// 3-D line of sight: z = [theta, phi].
template <int StateDim>
class ElevationBearing {
 public:
  static constexpr int kStateDim = StateDim;
  static constexpr int kMeasDim = 2;
  static constexpr bool kLinear = false;
  static constexpr int kBearingIndex = 1;
  using StateVector = Vector<StateDim>;
  using MeasVector = Vector<kMeasDim>;
  using MeasMatrix = Matrix<kMeasDim, StateDim>;
  using NoiseMatrix = SquareMatrix<kMeasDim>;

  // position_mapping: state indices of x, y, z; noise: R for [theta, phi] (rad^2).
  ElevationBearing(std::array<int, 3> position_mapping, const NoiseMatrix& noise,
                   const Vector<3>& sensor_position = Vector<3>::Zero())
      : mapping_(position_mapping), noise_(noise), sensor_(sensor_position) {}

  const std::array<int, 3>& mapping() const { return mapping_; }
  const NoiseMatrix& Noise() const { return noise_; }

  MeasVector Apply(const StateVector& x) const {
    return radar_detail::OffsetToSpherical(radar_detail::Gather(x, mapping_) - sensor_, nullptr)
        .template head<2>();
  }

  MeasMatrix Jacobian(const StateVector& x) const {
    SquareMatrix<3> j;
    radar_detail::OffsetToSpherical(radar_detail::Gather(x, mapping_) - sensor_, &j);
    MeasMatrix h = MeasMatrix::Zero();
    for (int i = 0; i < 3; ++i) h.col(mapping_[i]) = j.col(i).template head<2>();
    return h;
  }

  MeasVector Residual(const MeasVector& z, const MeasVector& zhat) const {
    MeasVector out = z - zhat;
    out(kBearingIndex) = WrapToPi(out(kBearingIndex));
    return out;
  }

 private:
  std::array<int, 3> mapping_;
  NoiseMatrix noise_;
  Vector<3> sensor_;
};

}  // namespace biac::estimation
