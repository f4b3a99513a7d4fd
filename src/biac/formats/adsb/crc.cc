#include "biac/formats/adsb/crc.h"

#include <algorithm>
#include <array>

namespace biac::formats::adsb {
namespace {

constexpr unsigned kCrcBits = 24;
constexpr uint32_t kCrcMask = 0xFFFFFF;
constexpr unsigned kDfBits = 5;
constexpr unsigned kShortBits = 56;
constexpr unsigned kLongBits = 112;

// Remainder of each byte value shifted through the register: the byte-at-a-time form of the
// bit-serial division in Annex 10 Vol IV, 3.1.2.3.3.1.
constexpr std::array<uint32_t, 256> MakeTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t byte = 0; byte < 256; ++byte) {
    uint32_t crc = byte << (kCrcBits - 8);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x800000) ? ((crc << 1) ^ kCrcPolynomial) : (crc << 1);
    }
    table[byte] = crc & kCrcMask;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kTable = MakeTable();

constexpr uint32_t Crc24Constexpr(const uint8_t* data, size_t n) {
  uint32_t crc = 0;
  for (size_t i = 0; i < n; ++i) {
    crc = ((crc << 8) ^ kTable[((crc >> (kCrcBits - 8)) ^ data[i]) & 0xFF]) & kCrcMask;
  }
  return crc;
}

// One entry per correctable bit: the remainder a flip of that bit alone produces. The CRC
// is linear, so this is the remainder of the frame that is zero except for that bit.
struct Syndrome {
  uint32_t remainder;
  uint8_t bit;
};

template <unsigned kBits>
constexpr std::array<Syndrome, kBits - kDfBits> MakeSyndromes() {
  std::array<Syndrome, kBits - kDfBits> out{};
  for (unsigned bit = kDfBits; bit < kBits; ++bit) {
    std::array<uint8_t, kBits / 8> frame{};
    frame[bit / 8] = static_cast<uint8_t>(0x80u >> (bit % 8));
    const size_t body = kBits / 8 - kParityBytes;
    const uint32_t parity =
        (uint32_t{frame[body]} << 16) | (uint32_t{frame[body + 1]} << 8) | frame[body + 2];
    out[bit - kDfBits] = {Crc24Constexpr(frame.data(), body) ^ parity, static_cast<uint8_t>(bit)};
  }
  std::sort(out.begin(), out.end(),
            [](const Syndrome& a, const Syndrome& b) { return a.remainder < b.remainder; });
  return out;
}

constexpr auto kShortSyndromes = MakeSyndromes<kShortBits>();
constexpr auto kLongSyndromes = MakeSyndromes<kLongBits>();

template <size_t N>
std::optional<unsigned> Find(const std::array<Syndrome, N>& table, uint32_t remainder) {
  const auto it = std::lower_bound(table.begin(), table.end(), remainder,
                                   [](const Syndrome& s, uint32_t r) { return s.remainder < r; });
  if (it == table.end() || it->remainder != remainder) return std::nullopt;
  return it->bit;
}

}  // namespace

uint32_t Crc24(std::span<const uint8_t> data) { return Crc24Constexpr(data.data(), data.size()); }

uint32_t ParityRemainder(std::span<const uint8_t> frame) {
  if (frame.size() < kParityBytes) return 0;
  const size_t body = frame.size() - kParityBytes;
  const uint32_t parity =
      (uint32_t{frame[body]} << 16) | (uint32_t{frame[body + 1]} << 8) | frame[body + 2];
  return Crc24Constexpr(frame.data(), body) ^ parity;
}

std::optional<unsigned> SingleBitErrorPosition(uint32_t remainder, unsigned frame_bits) {
  if (remainder == 0) return std::nullopt;
  if (frame_bits == kLongBits) return Find(kLongSyndromes, remainder);
  if (frame_bits == kShortBits) return Find(kShortSyndromes, remainder);
  return std::nullopt;
}

}  // namespace biac::formats::adsb
