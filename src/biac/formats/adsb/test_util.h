#pragma once

// Helpers shared by the adsb tests: hex to a decoded reply, and a DF17 built from an ME
// field (with its parity) for cases no public vector covers.

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "biac/base/bits.h"
#include "biac/formats/adsb/crc.h"
#include "biac/formats/adsb/modes.h"
#include "biac/formats/common/hex.h"

namespace biac::formats::adsb::testing {

inline std::vector<uint8_t> Bytes(std::string_view hex) {
  auto bytes = ParseHex(hex);
  EXPECT_TRUE(bytes.ok()) << hex;
  return bytes.ok() ? *bytes : std::vector<uint8_t>{};
}

inline Message Decode(std::string_view hex, FrameOptions options = {}) {
  const std::vector<uint8_t> bytes = Bytes(hex);
  auto m = DecodeFrame(bytes, options);
  EXPECT_TRUE(m.ok()) << hex << ": " << m.status().ToString();
  return m.ok() ? *m : Message{};
}

// A DF17 (CA 5) from `icao` and the 56-bit ME, with correct parity (Annex 10 Vol IV
// 3.1.2.3.3): the encoder side, for hand-built cases.
inline std::array<uint8_t, kLongFrameBytes> MakeDf17(uint32_t icao, uint64_t me56) {
  std::array<uint8_t, kLongFrameBytes> f{};
  WriteBits(f, 0, 5, 17);
  WriteBits(f, 5, 3, 5);
  WriteBits(f, 8, 24, icao);
  WriteBits(f, 32, 56, me56);
  const uint32_t parity = Crc24(std::span<const uint8_t>(f.data(), kLongFrameBytes - 3));
  WriteBits(f, 88, 24, parity);
  return f;
}

// Sets `width` bits at ME bit `offset` (0 = the ME's first bit) in a 56-bit value.
inline uint64_t MeSet(uint64_t me56, unsigned offset, unsigned width, uint64_t value) {
  const unsigned shift = 56 - offset - width;
  const uint64_t mask = ((uint64_t{1} << width) - 1) << shift;
  return (me56 & ~mask) | ((value << shift) & mask);
}

}  // namespace biac::formats::adsb::testing
