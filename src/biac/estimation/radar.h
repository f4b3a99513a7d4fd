#pragma once

// Radar measurement models: a sensor at a known Cartesian position (and, for range rate, a
// known velocity) in the state's frame measures a target's position in polar (2-D) or
// spherical (3-D) coordinates, with additive Gaussian noise v ~ N(0, R). Component order is
// Stone Soup's:
//   BearingRange              z = [phi, r]                 (CartesianToBearingRange)
//   BearingRangeRate          z = [phi, r, rdot]           (CartesianToBearingRangeRate2D)
//   ElevationBearingRange     z = [theta, phi, r]          (CartesianToElevationBearingRange)
//   ElevationBearingRangeRate z = [theta, phi, r, rdot]    (CartesianToElevationBearingRangeRate)
// with d = p - p_sensor, r = |d| (m), phi = atan2(d_y, d_x) in (-pi, pi], theta = asin(d_z / r)
// (rad; angles.h has the conventions) and rdot = d . (v - v_sensor) / r (m/s, positive
// receding). The sensor frame is the state frame (no rotation): a sensor whose boresight or
// north differs rotates its measurements before they reach these models.
//
// Every model: Apply(x), Jacobian(x) (analytic), Noise(), Residual(z, zhat) with the bearing
// wrapped to (-pi, pi], Inverse(z) (a state with the measured position, and for range rate the
// radial velocity, set and every other component zero) and InversePosition(z) (the Cartesian
// position with its linearised covariance J R J', J the Jacobian of the inverse, for track
// initiation). Jacobians are undefined at the sensor position (and, in 3-D, straight above or
// below it); there they are finite but meaningless.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>

#include "biac/estimation/angles.h"
#include "biac/estimation/types.h"

namespace biac::estimation {

namespace radar_detail {

inline constexpr double kTiny = std::numeric_limits<double>::min();

template <int StateDim, std::size_t Axes>
Vector<static_cast<int>(Axes)> Gather(const Vector<StateDim>& x,
                                      const std::array<int, Axes>& mapping) {
  Vector<static_cast<int>(Axes)> out;
  for (std::size_t i = 0; i < Axes; ++i) out(i) = x(mapping[i]);
  return out;
}

// d(phi)/d(d_x, d_y) for phi = atan2(d_y, d_x).
inline Vector<2> BearingGradient(double dx, double dy) {
  const double rho2 = std::max(dx * dx + dy * dy, kTiny);
  return {-dy / rho2, dx / rho2};
}

// Cartesian offset of polar (phi, r) and its Jacobian in (phi, r).
inline Vector<2> PolarToOffset(double phi, double r, SquareMatrix<2>* jacobian) {
  const double c = std::cos(phi);
  const double s = std::sin(phi);
  if (jacobian != nullptr) *jacobian << -r * s, c, r * c, s;
  return {r * c, r * s};
}

// Cartesian offset of spherical (theta, phi, r) and its Jacobian in (theta, phi, r).
inline Vector<3> SphericalToOffset(double theta, double phi, double r, SquareMatrix<3>* jacobian) {
  const double ct = std::cos(theta);
  const double st = std::sin(theta);
  const double cp = std::cos(phi);
  const double sp = std::sin(phi);
  if (jacobian != nullptr) {
    *jacobian << -r * st * cp, -r * ct * sp, ct * cp,  //
        -r * st * sp, r * ct * cp, ct * sp,            //
        r * ct, 0.0, st;
  }
  return {r * ct * cp, r * ct * sp, r * st};
}

// [theta, phi, r] of a 3-D offset and the 3x3 Jacobian rows in (d_x, d_y, d_z).
inline Vector<3> OffsetToSpherical(const Vector<3>& d, SquareMatrix<3>* jacobian) {
  const double rho2 = d(0) * d(0) + d(1) * d(1);
  const double rho = std::sqrt(rho2);
  const double r = std::sqrt(rho2 + d(2) * d(2));
  if (jacobian != nullptr) {
    const double r_safe = std::max(r, kTiny);
    const double r2_safe = std::max(r * r, kTiny);
    const double rho_safe = std::max(rho, kTiny);
    const Vector<2> bearing = BearingGradient(d(0), d(1));
    *jacobian << -d(0) * d(2) / (r2_safe * rho_safe), -d(1) * d(2) / (r2_safe * rho_safe),
        rho / r2_safe,                //
        bearing(0), bearing(1), 0.0,  //
        d(0) / r_safe, d(1) / r_safe, d(2) / r_safe;
  }
  // asin(d_z / r) written as atan2 so that it stays exact near +-pi/2.
  return {std::atan2(d(2), rho), WrapToPi(std::atan2(d(1), d(0))), r};
}

}  // namespace radar_detail

// 2-D: z = [phi, r].
template <int StateDim>
class BearingRange {
 public:
  static constexpr int kStateDim = StateDim;
  static constexpr int kMeasDim = 2;
  static constexpr bool kLinear = false;
  static constexpr int kBearingIndex = 0;
  using StateVector = Vector<StateDim>;
  using MeasVector = Vector<kMeasDim>;
  using MeasMatrix = Matrix<kMeasDim, StateDim>;
  using NoiseMatrix = SquareMatrix<kMeasDim>;

  // position_mapping: state indices of x and y; noise: R for [phi, r] in rad^2, m^2.
  BearingRange(std::array<int, 2> position_mapping, const NoiseMatrix& noise,
               const Vector<2>& sensor_position = Vector<2>::Zero())
      : mapping_(position_mapping), noise_(noise), sensor_(sensor_position) {}

  const std::array<int, 2>& mapping() const { return mapping_; }
  const NoiseMatrix& Noise() const { return noise_; }
  const Vector<2>& sensor_position() const { return sensor_; }

  MeasVector Apply(const StateVector& x) const {
    const Vector<2> d = radar_detail::Gather(x, mapping_) - sensor_;
    return {WrapToPi(std::atan2(d(1), d(0))), d.norm()};
  }

  MeasMatrix Jacobian(const StateVector& x) const {
    const Vector<2> d = radar_detail::Gather(x, mapping_) - sensor_;
    const double r = std::max(d.norm(), radar_detail::kTiny);
    const Vector<2> bearing = radar_detail::BearingGradient(d(0), d(1));
    MeasMatrix h = MeasMatrix::Zero();
    for (int i = 0; i < 2; ++i) {
      h(0, mapping_[i]) = bearing(i);
      h(1, mapping_[i]) = d(i) / r;
    }
    return h;
  }

  MeasVector Residual(const MeasVector& z, const MeasVector& zhat) const {
    MeasVector out = z - zhat;
    out(kBearingIndex) = WrapToPi(out(kBearingIndex));
    return out;
  }

  StateVector Inverse(const MeasVector& z) const {
    const Vector<2> p = sensor_ + radar_detail::PolarToOffset(z(0), z(1), nullptr);
    StateVector x = StateVector::Zero();
    for (int i = 0; i < 2; ++i) x(mapping_[i]) = p(i);
    return x;
  }

  Gaussian<2> InversePosition(const MeasVector& z) const {
    SquareMatrix<2> j;
    Gaussian<2> out;
    out.mean = sensor_ + radar_detail::PolarToOffset(z(0), z(1), &j);
    out.covariance = j * noise_ * j.transpose();
    return out;
  }

 private:
  std::array<int, 2> mapping_;
  NoiseMatrix noise_;
  Vector<2> sensor_;
};

// 2-D with range rate: z = [phi, r, rdot].
template <int StateDim>
class BearingRangeRate {
 public:
  static constexpr int kStateDim = StateDim;
  static constexpr int kMeasDim = 3;
  static constexpr bool kLinear = false;
  static constexpr int kBearingIndex = 0;
  using StateVector = Vector<StateDim>;
  using MeasVector = Vector<kMeasDim>;
  using MeasMatrix = Matrix<kMeasDim, StateDim>;
  using NoiseMatrix = SquareMatrix<kMeasDim>;

  // position_mapping / velocity_mapping: state indices of (x, y) and (vx, vy); noise: R for
  // [phi, r, rdot].
  BearingRangeRate(std::array<int, 2> position_mapping, std::array<int, 2> velocity_mapping,
                   const NoiseMatrix& noise, const Vector<2>& sensor_position = Vector<2>::Zero(),
                   const Vector<2>& sensor_velocity = Vector<2>::Zero())
      : mapping_(position_mapping),
        velocity_mapping_(velocity_mapping),
        noise_(noise),
        sensor_(sensor_position),
        sensor_velocity_(sensor_velocity) {}

  const std::array<int, 2>& mapping() const { return mapping_; }
  const std::array<int, 2>& velocity_mapping() const { return velocity_mapping_; }
  const NoiseMatrix& Noise() const { return noise_; }

  MeasVector Apply(const StateVector& x) const {
    const Vector<2> d = radar_detail::Gather(x, mapping_) - sensor_;
    const Vector<2> v = radar_detail::Gather(x, velocity_mapping_) - sensor_velocity_;
    const double r = d.norm();
    return {WrapToPi(std::atan2(d(1), d(0))), r, d.dot(v) / std::max(r, radar_detail::kTiny)};
  }

  MeasMatrix Jacobian(const StateVector& x) const {
    const Vector<2> d = radar_detail::Gather(x, mapping_) - sensor_;
    const Vector<2> v = radar_detail::Gather(x, velocity_mapping_) - sensor_velocity_;
    const double r = std::max(d.norm(), radar_detail::kTiny);
    const Vector<2> u = d / r;
    const double rdot = u.dot(v);
    const Vector<2> bearing = radar_detail::BearingGradient(d(0), d(1));
    MeasMatrix h = MeasMatrix::Zero();
    for (int i = 0; i < 2; ++i) {
      h(0, mapping_[i]) = bearing(i);
      h(1, mapping_[i]) = u(i);
      h(2, mapping_[i]) = (v(i) - rdot * u(i)) / r;
      h(2, velocity_mapping_[i]) = u(i);
    }
    return h;
  }

  MeasVector Residual(const MeasVector& z, const MeasVector& zhat) const {
    MeasVector out = z - zhat;
    out(kBearingIndex) = WrapToPi(out(kBearingIndex));
    return out;
  }

  // Position from [phi, r]; velocity = rdot along the line of sight plus the sensor velocity
  // (the cross-range velocity is unobserved and left zero).
  StateVector Inverse(const MeasVector& z) const {
    const Vector<2> offset = radar_detail::PolarToOffset(z(0), z(1), nullptr);
    const Vector<2> p = sensor_ + offset;
    const Vector<2> v = sensor_velocity_ + z(2) * offset / std::max(z(1), radar_detail::kTiny);
    StateVector x = StateVector::Zero();
    for (int i = 0; i < 2; ++i) {
      x(mapping_[i]) = p(i);
      x(velocity_mapping_[i]) = v(i);
    }
    return x;
  }

  Gaussian<2> InversePosition(const MeasVector& z) const {
    SquareMatrix<2> j;
    Gaussian<2> out;
    out.mean = sensor_ + radar_detail::PolarToOffset(z(0), z(1), &j);
    out.covariance = j * noise_.template topLeftCorner<2, 2>() * j.transpose();
    return out;
  }

 private:
  std::array<int, 2> mapping_;
  std::array<int, 2> velocity_mapping_;
  NoiseMatrix noise_;
  Vector<2> sensor_;
  Vector<2> sensor_velocity_;
};

// 3-D: z = [theta, phi, r].
template <int StateDim>
class ElevationBearingRange {
 public:
  static constexpr int kStateDim = StateDim;
  static constexpr int kMeasDim = 3;
  static constexpr bool kLinear = false;
  static constexpr int kBearingIndex = 1;
  using StateVector = Vector<StateDim>;
  using MeasVector = Vector<kMeasDim>;
  using MeasMatrix = Matrix<kMeasDim, StateDim>;
  using NoiseMatrix = SquareMatrix<kMeasDim>;

  // position_mapping: state indices of x, y, z; noise: R for [theta, phi, r].
  ElevationBearingRange(std::array<int, 3> position_mapping, const NoiseMatrix& noise,
                        const Vector<3>& sensor_position = Vector<3>::Zero())
      : mapping_(position_mapping), noise_(noise), sensor_(sensor_position) {}

  const std::array<int, 3>& mapping() const { return mapping_; }
  const NoiseMatrix& Noise() const { return noise_; }
  const Vector<3>& sensor_position() const { return sensor_; }

  MeasVector Apply(const StateVector& x) const {
    return radar_detail::OffsetToSpherical(radar_detail::Gather(x, mapping_) - sensor_, nullptr);
  }

  MeasMatrix Jacobian(const StateVector& x) const {
    SquareMatrix<3> j;
    radar_detail::OffsetToSpherical(radar_detail::Gather(x, mapping_) - sensor_, &j);
    MeasMatrix h = MeasMatrix::Zero();
    for (int i = 0; i < 3; ++i) h.col(mapping_[i]) = j.col(i);
    return h;
  }

  MeasVector Residual(const MeasVector& z, const MeasVector& zhat) const {
    MeasVector out = z - zhat;
    out(kBearingIndex) = WrapToPi(out(kBearingIndex));
    return out;
  }

  StateVector Inverse(const MeasVector& z) const {
    const Vector<3> p = sensor_ + radar_detail::SphericalToOffset(z(0), z(1), z(2), nullptr);
    StateVector x = StateVector::Zero();
    for (int i = 0; i < 3; ++i) x(mapping_[i]) = p(i);
    return x;
  }

  Gaussian<3> InversePosition(const MeasVector& z) const {
    SquareMatrix<3> j;
    Gaussian<3> out;
    out.mean = sensor_ + radar_detail::SphericalToOffset(z(0), z(1), z(2), &j);
    out.covariance = j * noise_ * j.transpose();
    return out;
  }

 private:
  std::array<int, 3> mapping_;
  NoiseMatrix noise_;
  Vector<3> sensor_;
};

// 3-D with range rate: z = [theta, phi, r, rdot].
template <int StateDim>
class ElevationBearingRangeRate {
 public:
  static constexpr int kStateDim = StateDim;
  static constexpr int kMeasDim = 4;
  static constexpr bool kLinear = false;
  static constexpr int kBearingIndex = 1;
  using StateVector = Vector<StateDim>;
  using MeasVector = Vector<kMeasDim>;
  using MeasMatrix = Matrix<kMeasDim, StateDim>;
  using NoiseMatrix = SquareMatrix<kMeasDim>;

  ElevationBearingRangeRate(std::array<int, 3> position_mapping,
                            std::array<int, 3> velocity_mapping, const NoiseMatrix& noise,
                            const Vector<3>& sensor_position = Vector<3>::Zero(),
                            const Vector<3>& sensor_velocity = Vector<3>::Zero())
      : mapping_(position_mapping),
        velocity_mapping_(velocity_mapping),
        noise_(noise),
        sensor_(sensor_position),
        sensor_velocity_(sensor_velocity) {}

  const std::array<int, 3>& mapping() const { return mapping_; }
  const std::array<int, 3>& velocity_mapping() const { return velocity_mapping_; }
  const NoiseMatrix& Noise() const { return noise_; }

  MeasVector Apply(const StateVector& x) const {
    const Vector<3> d = radar_detail::Gather(x, mapping_) - sensor_;
    const Vector<3> v = radar_detail::Gather(x, velocity_mapping_) - sensor_velocity_;
    MeasVector z;
    z.template head<3>() = radar_detail::OffsetToSpherical(d, nullptr);
    z(3) = d.dot(v) / std::max(z(2), radar_detail::kTiny);
    return z;
  }

  MeasMatrix Jacobian(const StateVector& x) const {
    const Vector<3> d = radar_detail::Gather(x, mapping_) - sensor_;
    const Vector<3> v = radar_detail::Gather(x, velocity_mapping_) - sensor_velocity_;
    SquareMatrix<3> j;
    const Vector<3> spherical = radar_detail::OffsetToSpherical(d, &j);
    const double r = std::max(spherical(2), radar_detail::kTiny);
    const Vector<3> u = d / r;
    const double rdot = u.dot(v);
    MeasMatrix h = MeasMatrix::Zero();
    for (int i = 0; i < 3; ++i) {
      h.template block<3, 1>(0, mapping_[i]) = j.col(i);
      h(3, mapping_[i]) = (v(i) - rdot * u(i)) / r;
      h(3, velocity_mapping_[i]) = u(i);
    }
    return h;
  }

  MeasVector Residual(const MeasVector& z, const MeasVector& zhat) const {
    MeasVector out = z - zhat;
    out(kBearingIndex) = WrapToPi(out(kBearingIndex));
    return out;
  }

  // Position from [theta, phi, r]; velocity = rdot along the line of sight plus the sensor
  // velocity (Stone Soup's inverse_function; cross-range velocity is unobserved, left zero).
  StateVector Inverse(const MeasVector& z) const {
    const Vector<3> offset = radar_detail::SphericalToOffset(z(0), z(1), z(2), nullptr);
    const Vector<3> p = sensor_ + offset;
    const Vector<3> v = sensor_velocity_ + z(3) * offset / std::max(z(2), radar_detail::kTiny);
    StateVector x = StateVector::Zero();
    for (int i = 0; i < 3; ++i) {
      x(mapping_[i]) = p(i);
      x(velocity_mapping_[i]) = v(i);
    }
    return x;
  }

  Gaussian<3> InversePosition(const MeasVector& z) const {
    SquareMatrix<3> j;
    Gaussian<3> out;
    out.mean = sensor_ + radar_detail::SphericalToOffset(z(0), z(1), z(2), &j);
    out.covariance = j * noise_.template topLeftCorner<3, 3>() * j.transpose();
    return out;
  }

 private:
  std::array<int, 3> mapping_;
  std::array<int, 3> velocity_mapping_;
  NoiseMatrix noise_;
  Vector<3> sensor_;
  Vector<3> sensor_velocity_;
};

}  // namespace biac::estimation
