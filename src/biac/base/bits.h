#pragma once

// Bit and byte access for wire formats. Every decoder describes its fields once, in a
// named layout table of BitField (or byte offsets), and reads them through these
// functions; no decoder scatters bare shifts and masks through its code.
//
// Bits are numbered from the most significant bit of the first byte (bit 0), the order
// every format biac reads uses on the wire (ITU-R M.1371, ICAO Annex 10, EUROCONTROL
// ASTERIX, MISB, STANAG 4607).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace biac {

// A field of a fixed bit layout: `width` bits starting `offset` bits from the start.
struct BitField {
  std::string_view name;
  uint16_t offset = 0;
  uint8_t width = 0;  // 1..64

  constexpr uint32_t end() const { return uint32_t{offset} + width; }
};

// True if the field lies inside a message of `size_bits` bits.
constexpr bool FieldFits(const BitField& f, size_t size_bits) { return f.end() <= size_bits; }

// The unsigned value of `width` (1..64) bits starting at bit `offset`. The caller
// guarantees that offset + width <= 8 * data.size() (check with FieldFits).
constexpr uint64_t ReadBits(std::span<const uint8_t> data, size_t offset, unsigned width) {
  uint64_t value = 0;
  size_t bit = offset;
  unsigned left = width;
  // Leading partial byte, then whole bytes, then a trailing partial byte.
  while (left > 0) {
    const size_t byte = bit >> 3;
    const unsigned in_byte = static_cast<unsigned>(bit & 7u);
    const unsigned available = 8u - in_byte;
    const unsigned take = left < available ? left : available;
    const unsigned shift = available - take;
    const uint64_t part = (uint64_t{data[byte]} >> shift) & ((uint64_t{1} << take) - 1u);
    value = (value << take) | part;
    bit += take;
    left -= take;
  }
  return value;
}

// The two's-complement signed value of `width` bits.
constexpr int64_t ReadSignedBits(std::span<const uint8_t> data, size_t offset, unsigned width) {
  const uint64_t raw = ReadBits(data, offset, width);
  if (width < 64 && (raw >> (width - 1)) & 1u) {
    return static_cast<int64_t>(raw | (~uint64_t{0} << width));
  }
  return static_cast<int64_t>(raw);
}

constexpr uint64_t Read(std::span<const uint8_t> data, const BitField& f) {
  return ReadBits(data, f.offset, f.width);
}
constexpr int64_t ReadSigned(std::span<const uint8_t> data, const BitField& f) {
  return ReadSignedBits(data, f.offset, f.width);
}

// Writes the low `width` bits of `value` at bit `offset` (the inverse of ReadBits), for
// encoders. The caller guarantees the field fits.
constexpr void WriteBits(std::span<uint8_t> data, size_t offset, unsigned width, uint64_t value) {
  for (unsigned i = 0; i < width; ++i) {
    const size_t bit = offset + i;
    const unsigned shift = 7u - static_cast<unsigned>(bit & 7u);
    const uint8_t mask = static_cast<uint8_t>(1u << shift);
    if ((value >> (width - 1 - i)) & 1u) {
      data[bit >> 3] = static_cast<uint8_t>(data[bit >> 3] | mask);
    } else {
      data[bit >> 3] = static_cast<uint8_t>(data[bit >> 3] & ~mask);
    }
  }
}
constexpr void Write(std::span<uint8_t> data, const BitField& f, uint64_t value) {
  WriteBits(data, f.offset, f.width, value);
}

// Big-endian unsigned integer of n (1..8) bytes at p.
constexpr uint64_t LoadBigEndian(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}
// Little-endian unsigned integer of n (1..8) bytes at p.
constexpr uint64_t LoadLittleEndian(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = n; i > 0; --i) v = (v << 8) | p[i - 1];
  return v;
}
// Sign-extends the low `bits` bits of v.
constexpr int64_t SignExtend(uint64_t v, unsigned bits) {
  if (bits < 64 && (v >> (bits - 1)) & 1u) return static_cast<int64_t>(v | (~uint64_t{0} << bits));
  return static_cast<int64_t>(v);
}

// A bounds-checked forward reader over bytes. Reads past the end set a sticky failure
// flag and return zero, so a decoder reads a whole structure and checks ok() once, naming
// the offset at which the data ran out (failed_at()).
class ByteReader {
 public:
  constexpr explicit ByteReader(std::span<const uint8_t> data) : data_(data) {}

  constexpr size_t offset() const { return offset_; }
  constexpr size_t remaining() const { return ok_ ? data_.size() - offset_ : 0; }
  constexpr bool ok() const { return ok_; }
  constexpr bool empty() const { return remaining() == 0; }
  // The offset of the first read that ran past the end (valid when !ok()).
  constexpr size_t failed_at() const { return failed_at_; }
  constexpr std::span<const uint8_t> data() const { return data_; }

  constexpr uint64_t U(size_t n) {  // big-endian, n = 1..8
    if (!Have(n)) return 0;
    const uint64_t v = LoadBigEndian(data_.data() + offset_, n);
    offset_ += n;
    return v;
  }
  constexpr uint64_t ULittle(size_t n) {
    if (!Have(n)) return 0;
    const uint64_t v = LoadLittleEndian(data_.data() + offset_, n);
    offset_ += n;
    return v;
  }
  constexpr int64_t S(size_t n) { return SignExtend(U(n), static_cast<unsigned>(8 * n)); }
  constexpr uint8_t U8() { return static_cast<uint8_t>(U(1)); }
  constexpr uint16_t U16() { return static_cast<uint16_t>(U(2)); }
  constexpr uint32_t U32() { return static_cast<uint32_t>(U(4)); }
  constexpr uint8_t Peek() const { return ok_ && offset_ < data_.size() ? data_[offset_] : 0; }

  // The next n bytes (empty span and failure if fewer remain).
  constexpr std::span<const uint8_t> Bytes(size_t n) {
    if (!Have(n)) return {};
    auto s = data_.subspan(offset_, n);
    offset_ += n;
    return s;
  }
  constexpr void Skip(size_t n) { (void)Bytes(n); }

 private:
  constexpr bool Have(size_t n) {
    if (!ok_) return false;
    if (data_.size() - offset_ < n) {
      ok_ = false;
      failed_at_ = offset_;
      return false;
    }
    return true;
  }

  std::span<const uint8_t> data_;
  size_t offset_ = 0;
  size_t failed_at_ = 0;
  bool ok_ = true;
};

}  // namespace biac
