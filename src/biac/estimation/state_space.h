#pragma once

// What each component of a kinematic state vector means. Motion models publish their layout
// as `static constexpr std::array<Component, kStateDim> kComponents`; the IMM uses it to build
// the union state of a model bank (docs/estimation.md) and trackers use it to find positions.
//
// Layouts follow Stone Soup: derivatives interleave per axis ([x, vx, y, vy], [x, vx, ax, y,
// vy, ay], ...), a turn rate, when present, comes last. The enumerators are in that canonical
// order, so sorting components by value gives a valid interleaved layout.

#include <array>
#include <cstddef>
#include <cstdint>

namespace biac::estimation {

enum class Component : std::uint8_t {
  kX = 0,  // metres
  kVx,     // m/s
  kAx,     // m/s^2
  kY,
  kVy,
  kAy,
  kZ,
  kVz,
  kAz,
  kTurnRate,  // rad/s, counter-clockwise positive (from +x towards +y)
};
inline constexpr int kComponentCount = 10;

// A set of components as bits (bit c for Component c).
using ComponentMask = std::uint32_t;

constexpr ComponentMask MaskOf(Component c) { return ComponentMask{1} << static_cast<int>(c); }

template <std::size_t N>
constexpr ComponentMask MaskOf(const std::array<Component, N>& components) {
  ComponentMask mask = 0;
  for (Component c : components) mask |= MaskOf(c);
  return mask;
}

constexpr int CountOf(ComponentMask mask) {
  int n = 0;
  for (; mask != 0; mask &= mask - 1) ++n;
  return n;
}

// The components of `mask` in canonical order; N must equal CountOf(mask).
template <int N>
constexpr std::array<Component, N> ComponentsOf(ComponentMask mask) {
  std::array<Component, N> out{};
  int k = 0;
  for (int c = 0; c < kComponentCount; ++c) {
    if ((mask & (ComponentMask{1} << c)) != 0) out[k++] = static_cast<Component>(c);
  }
  return out;
}

// Index of `c` in `layout`, or -1 when absent.
template <std::size_t N>
constexpr int IndexOf(const std::array<Component, N>& layout, Component c) {
  for (std::size_t i = 0; i < N; ++i) {
    if (layout[i] == c) return static_cast<int>(i);
  }
  return -1;
}

// Component for axis a (0 x, 1 y, 2 z) and time derivative d (0 position, 1 velocity,
// 2 acceleration).
constexpr Component KinematicComponent(int axis, int derivative) {
  return static_cast<Component>(3 * axis + derivative);
}

// Layout [x, vx(, ax), y, vy(, ay)(, z, ...)] for `Axes` axes and derivatives 0..Order.
template <int Axes, int Order>
constexpr std::array<Component, Axes*(Order + 1)> KinematicLayout() {
  std::array<Component, Axes*(Order + 1)> out{};
  for (int a = 0; a < Axes; ++a) {
    for (int d = 0; d <= Order; ++d) out[a * (Order + 1) + d] = KinematicComponent(a, d);
  }
  return out;
}

// Indices of derivative `derivative` for each of the first `Axes` axes in `layout`
// (-1 where absent), e.g. the position indices of a layout.
template <int Axes, std::size_t N>
constexpr std::array<int, Axes> DerivativeIndices(const std::array<Component, N>& layout,
                                                  int derivative) {
  std::array<int, Axes> out{};
  for (int a = 0; a < Axes; ++a) out[a] = IndexOf(layout, KinematicComponent(a, derivative));
  return out;
}

}  // namespace biac::estimation
