#pragma once

// The simulator's random numbers: SplitMix64 (Steele, Lea, Flood, "Fast splittable
// pseudorandom number generators", OOPSLA 2014) with the exact uniform, normal and Poisson
// transforms of the MTT-CV2D scenario (shared/research/tracking-anchors.md §2.1), so a
// scenario generated here is bit-identical to the Python reference generator.
//
// Bit-exactness depends on evaluating every expression in the order written and on the
// platform's libm `log`, `cos` and `sqrt` (glibc's, as used by CPython); the build must not
// contract a*b+c into fused multiply-adds in this code (the default on x86-64 without -mfma).

#include <cmath>
#include <cstdint>
#include <numbers>

namespace biac::sim {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

  // The next 64 raw bits: s += 0x9E3779B97F4A7C15, then the two xor-shift-multiply rounds
  // and a final xor-shift (all arithmetic mod 2^64).
  std::uint64_t Next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // Uniform on [0, 1) with 53 random bits: (Next() >> 11) * 2^-53.
  double Uniform() { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0); }

  // Standard normal by Box-Muller, cosine branch only (one normal per two uniforms):
  // sqrt(-2 ln(1 - u1)) cos(2 pi u2). 1 - u1 lies in (0, 1], so the logarithm is finite.
  double Normal() {
    const double u1 = 1.0 - Uniform();
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

  // Poisson(mean) by summing unit exponential inter-arrival times:
  // k = 0, t = -ln(1 - u); while t < mean: k++, t += -ln(1 - u). Cost O(mean) draws.
  std::int64_t Poisson(double mean) {
    std::int64_t k = 0;
    double t = -std::log(1.0 - Uniform());
    while (t < mean) {
      ++k;
      t += -std::log(1.0 - Uniform());
    }
    return k;
  }

  std::uint64_t state() const { return state_; }

 private:
  std::uint64_t state_;
};

// An independent stream's seed for sub-generator `stream` of a scenario seeded with `seed`
// (the SplitMix64 output of seed + (stream + 1) * golden gamma), so adding a target or a
// sensor never changes another one's draws.
inline std::uint64_t DeriveSeed(std::uint64_t seed, std::uint64_t stream) {
  SplitMix64 mixer(seed + stream * 0x9E3779B97F4A7C15ULL);
  return mixer.Next();
}

}  // namespace biac::sim
