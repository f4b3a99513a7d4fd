#pragma once

// Reading the inside of an ST 0601 pack or nested local set: the building blocks MISB uses in
// its defined-length packs (DLP), variable-length packs (VLP) and series (ST 0601.17
// section 6.3 "Data Structures"; ST 0107 "KLV Metadata in Motion Imagery" for the pack
// vocabulary): BER-OID integers, BER lengths, length-prefixed fields, fixed-size big-endian
// integers, ST 1201 IMAPB values and signed/unsigned mapped integers.
//
// Everything reads a span of the caller's bytes and allocates nothing. Errors are small enum
// values with the offset (from the start of the pack's value) where the reading stopped; the
// JSON writer and the tests turn them into text.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "biac/formats/klv/imap.h"

namespace biac::formats::klv {

enum class PackError : uint8_t {
  kNone = 0,
  kTruncated,      // a field runs past the end of the pack (or of its record)
  kBadBer,         // an indefinite, over-long BER length or an over-long BER-OID integer
  kBadLength,      // a field's length does not fit its definition
  kTrailingBytes,  // bytes left over after the last field a fixed layout defines
  kDuplicateTag,   // a nested local set repeats a tag that may appear once
  kTooMany,        // more records or items than the caller-owned value holds
};

std::string_view PackErrorName(PackError error);

// Where and why a pack failed to decode.
struct PackResult {
  PackError error = PackError::kNone;
  size_t offset = 0;  // from the first byte of the pack's value

  bool ok() const { return error == PackError::kNone; }
  // "byte 12 of the value: truncated"
  std::string_view Reason() const { return PackErrorName(error); }
};

// A bounds-checked reader over a pack's value. A failed read sets a sticky error (the first
// one wins) and returns zero or an empty span, so a decoder reads a whole layout and checks
// result() once.
class PackReader {
 public:
  explicit PackReader(std::span<const uint8_t> data, size_t base_offset = 0)
      : data_(data), base_(base_offset) {}

  size_t offset() const { return offset_; }
  // offset() counted from the start of the enclosing value (the base given at construction).
  size_t absolute_offset() const { return base_ + offset_; }
  size_t remaining() const { return ok() ? data_.size() - offset_ : 0; }
  bool empty() const { return remaining() == 0; }
  bool ok() const { return result_.ok(); }
  PackResult result() const { return result_; }
  void Fail(PackError error) {
    if (result_.ok()) result_ = {error, base_ + offset_};
  }

  // A big-endian unsigned integer of n (1..8) bytes.
  uint64_t Unsigned(size_t n);
  // A two's-complement integer of n (1..8) bytes.
  int64_t Signed(size_t n);
  // ITU-T X.690 8.19 BER-OID unsigned integer (7 bits a byte, high bit = more follow), at
  // most kMaxBerOidIntegerBytes bytes (a value of up to 63 bits).
  uint64_t BerOid();
  // SMPTE ST 336 BER length (short or long form).
  uint64_t BerLength();
  // The next n bytes.
  std::span<const uint8_t> Bytes(size_t n);
  // A BER length, then that many bytes (the "length-value" field of a VLP).
  std::span<const uint8_t> LengthPrefixed();
  // Everything left.
  std::span<const uint8_t> Rest() { return Bytes(remaining()); }
  // ST 1201 IMAPB(a, b, n) over the next n bytes.
  ImapValue Imap(double a, double b, size_t n);

  static constexpr size_t kMaxBerOidIntegerBytes = 9;

 private:
  std::span<const uint8_t> data_;
  size_t base_ = 0;
  size_t offset_ = 0;
  PackResult result_;
};

// ST 0601.17 section 8 integer mappings, shared with the top-level tag table:
// an unsigned n-byte integer onto [min, max] with step (max - min) / (2^(8n) - 1), and a
// signed one onto the symmetric [min, max] with step (max - min) / (2^(8n) - 2).
double MapUnsignedInteger(uint64_t raw, size_t n, double min, double max);
double MapSignedInteger(int64_t raw, size_t n, double min, double max);

// A value read through an ST 1201 IMAPB or an ST 0601 mapping, with its validity.
struct MappedValue {
  double value = 0.0;
  ImapKind kind = ImapKind::kNormal;  // kNormal: `value` is a number
  bool out_of_range = false;          // signed mapping: the ST 0601 "out of range" indicator

  bool valid() const { return kind == ImapKind::kNormal && !out_of_range; }
};

// A signed n-byte mapped integer with the ST 0601 out-of-range indicator (the most negative
// integer, e.g. 0x80000000).
MappedValue ReadSignedMapped(PackReader& reader, size_t n, double min, double max);
MappedValue ReadImap(PackReader& reader, double a, double b, size_t n);

// A decoded UTF-16BE or ISO 646 text field, converted into a caller-owned buffer as UTF-8.
// Returns the bytes written (the text is truncated at a character boundary if `out` is
// too small). Rule (MISB ST 0102.12 tag 13 is UTF-16BE; editions before ST 0102.11 and
// several encoders write ISO 646): an odd length, or an even length whose bytes are all
// printable ASCII with a non-zero first byte, is ISO 646; everything else is UTF-16BE
// (unpaired surrogates become U+FFFD).
size_t Utf16OrAsciiToUtf8(std::span<const uint8_t> bytes, std::span<char> out);

}  // namespace biac::formats::klv
