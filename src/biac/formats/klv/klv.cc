#include "biac/formats/klv/klv.h"

#include <algorithm>

namespace biac::formats::klv {
namespace {

constexpr uint8_t kBerLongFormFlag = 0x80;
constexpr uint8_t kBerLongFormCountMask = 0x7F;
constexpr size_t kMaxBerLengthBytes = 8;
constexpr uint8_t kBerOidMoreFlag = 0x80;
constexpr uint8_t kBerOidGroupMask = 0x7F;
constexpr unsigned kBerOidGroupBits = 7;

}  // namespace

std::string_view KlvErrorName(KlvError error) {
  switch (error) {
    case KlvError::kNone:
      return "no error";
    case KlvError::kTruncated:
      return "truncated";
    case KlvError::kIndefiniteLength:
      return "indefinite BER length (0x80)";
    case KlvError::kLengthTooLong:
      return "BER length of more than 8 bytes";
    case KlvError::kTagTooLong:
      return "BER-OID tag of more than 4 bytes";
    case KlvError::kNotUasLocalSet:
      return "not the ST 0601 UAS Datalink LS key";
    case KlvError::kMissingChecksum:
      return "no checksum item (tag 1) at the end of the set";
    case KlvError::kTooManyItems:
      return "too many items in one local set";
    case KlvError::kDuplicateTag:
      return "a tag that may appear once appears twice";
  }
  return "unknown error";
}

KlvError ReadBerLength(std::span<const uint8_t> data, BerValue& out) {
  if (data.empty()) return KlvError::kTruncated;
  const uint8_t first = data[0];
  if ((first & kBerLongFormFlag) == 0) {
    out = {first, 1};
    return KlvError::kNone;
  }
  const size_t count = first & kBerLongFormCountMask;
  if (count == 0) return KlvError::kIndefiniteLength;
  if (count > kMaxBerLengthBytes) return KlvError::kLengthTooLong;
  if (data.size() < 1 + count) return KlvError::kTruncated;
  uint64_t value = 0;
  for (size_t i = 1; i <= count; ++i) value = (value << 8) | data[i];
  out = {value, static_cast<uint8_t>(1 + count)};
  return KlvError::kNone;
}

KlvError ReadBerOid(std::span<const uint8_t> data, BerValue& out) {
  uint64_t value = 0;
  for (size_t i = 0; i < kMaxBerOidBytes; ++i) {
    if (i >= data.size()) return KlvError::kTruncated;
    value = (value << kBerOidGroupBits) | (data[i] & kBerOidGroupMask);
    if ((data[i] & kBerOidMoreFlag) == 0) {
      out = {value, static_cast<uint8_t>(i + 1)};
      return KlvError::kNone;
    }
  }
  return data.size() > kMaxBerOidBytes ? KlvError::kTagTooLong : KlvError::kTruncated;
}

size_t WriteBerLength(uint64_t length, std::span<uint8_t> out) {
  if (length < kBerLongFormFlag) {
    if (out.empty()) return 0;
    out[0] = static_cast<uint8_t>(length);
    return 1;
  }
  size_t count = 0;
  for (uint64_t v = length; v != 0; v >>= 8) ++count;
  if (out.size() < 1 + count) return 0;
  out[0] = static_cast<uint8_t>(kBerLongFormFlag | count);
  for (size_t i = 0; i < count; ++i) {
    out[count - i] = static_cast<uint8_t>(length >> (8 * i));
  }
  return 1 + count;
}

size_t WriteBerOid(uint32_t value, std::span<uint8_t> out) {
  size_t groups = 1;
  for (uint32_t v = value >> kBerOidGroupBits; v != 0; v >>= kBerOidGroupBits) ++groups;
  if (out.size() < groups) return 0;
  for (size_t i = 0; i < groups; ++i) {
    const unsigned shift = static_cast<unsigned>(kBerOidGroupBits * (groups - 1 - i));
    uint8_t byte = static_cast<uint8_t>((value >> shift) & kBerOidGroupMask);
    if (i + 1 < groups) byte |= kBerOidMoreFlag;
    out[i] = byte;
  }
  return groups;
}

KlvError ReadTriplet(std::span<const uint8_t> data, KlvTriplet& out) {
  if (data.size() < kUniversalKeySize) return KlvError::kTruncated;
  BerValue length;
  if (const KlvError e = ReadBerLength(data.subspan(kUniversalKeySize), length);
      e != KlvError::kNone) {
    return e;
  }
  const size_t header = kUniversalKeySize + length.size;
  if (length.value > data.size() - header) return KlvError::kTruncated;
  out.key = data.first(kUniversalKeySize);
  out.value = data.subspan(header, static_cast<size_t>(length.value));
  out.size = header + static_cast<size_t>(length.value);
  return KlvError::kNone;
}

size_t FindUniversalKey(std::span<const uint8_t> data, size_t from) {
  if (from >= data.size()) return data.size();
  const auto it = std::search(data.begin() + static_cast<std::ptrdiff_t>(from), data.end(),
                              kSmpteLabelPrefix.begin(), kSmpteLabelPrefix.end());
  return static_cast<size_t>(it - data.begin());
}

uint16_t Checksum0601(std::span<const uint8_t> bytes) {
  uint32_t sum = 0;
  const size_t n = bytes.size();
  size_t i = 0;
  for (; i + 1 < n; i += 2) sum += (uint32_t{bytes[i]} << 8) + bytes[i + 1];
  if (i < n) sum += uint32_t{bytes[i]} << 8;
  return static_cast<uint16_t>(sum);
}

}  // namespace biac::formats::klv
