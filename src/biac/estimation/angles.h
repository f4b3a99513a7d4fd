#pragma once

// Angle conventions for biac's measurement models (Stone Soup's):
// - bearing  phi   = atan2(dy, dx): from the +x axis (east in an ENU frame) towards +y
//   (north), counter-clockwise, radians in (-pi, pi]. This is NOT a compass bearing; a compass
//   azimuth beta (clockwise from north) converts as phi = pi/2 - beta.
// - elevation theta = asin(dz / r) from the x-y plane, radians in [-pi/2, pi/2].
// Angle differences (innovations, sigma-point spreads) are wrapped to (-pi, pi].

#include <cmath>
#include <numbers>

namespace biac::estimation {

// `angle` wrapped to (-pi, pi]. std::remainder is exact, so wrapping never adds round-off
// beyond the representation of 2 pi.
inline double WrapToPi(double angle) {
  constexpr double kTwoPi = 2.0 * std::numbers::pi;
  double wrapped = std::remainder(angle, kTwoPi);
  if (wrapped <= -std::numbers::pi) wrapped += kTwoPi;
  return wrapped;
}

}  // namespace biac::estimation
