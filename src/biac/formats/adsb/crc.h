#pragma once

// Mode S parity: the 24-bit cyclic redundancy check of ICAO Annex 10 Volume IV (5th edition,
// 3.1.2.3.3), generator polynomial G(x) = x^24 + x^23 + ... + x^3 + x^0 with coefficients
// 1111 1111 1111 1010 0000 0100 1 (0x1FFF409). The parity field (the last 24 bits of a
// reply) carries the remainder, overlaid with the aircraft address (AP formats) or with the
// interrogator identifier (PI in DF11), or bare (PI in DF17/18).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace biac::formats::adsb {

inline constexpr uint32_t kCrcPolynomial = 0xFFF409;  // G(x) without the x^24 term
inline constexpr size_t kParityBytes = 3;

// The CRC-24 of `data` (the parity a transmitter would append to it), table-driven.
uint32_t Crc24(std::span<const uint8_t> data);

// The remainder of a whole reply (7 or 14 bytes): the CRC of everything but the last 24 bits,
// XOR the last 24 bits. Zero for a DF17 with intact bits; the address for an intact AP reply.
uint32_t ParityRemainder(std::span<const uint8_t> frame);

// The bit (0 = most significant bit of the first byte) whose single flip gives this
// remainder for a frame of `frame_bits` (56 or 112) bits, if there is one outside the DF
// field (bits 0..4, never corrected: flipping them changes the format). The syndromes of
// single-bit errors are distinct for both lengths (the code's minimum distance is 6 within
// 112 bits), so the answer is unique.
std::optional<unsigned> SingleBitErrorPosition(uint32_t remainder, unsigned frame_bits);

}  // namespace biac::formats::adsb
