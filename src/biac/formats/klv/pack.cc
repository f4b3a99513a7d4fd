#include "biac/formats/klv/pack.h"

#include <cmath>

#include "biac/base/bits.h"

namespace biac::formats::klv {
namespace {

// ITU-T X.690 8.19.2 (BER-OID) and SMPTE ST 336 6.2 (BER length) byte layout.
constexpr uint8_t kBerMoreFlag = 0x80;
constexpr uint8_t kBerGroupMask = 0x7F;
constexpr unsigned kBerGroupBits = 7;
constexpr uint8_t kBerLongFormCountMask = 0x7F;
constexpr size_t kMaxBerLengthBytes = 8;
constexpr size_t kMaxIntegerBytes = 8;

// Unicode (ISO/IEC 10646) code points and UTF-8 / UTF-16 limits.
constexpr uint32_t kHighSurrogateFirst = 0xD800;
constexpr uint32_t kLowSurrogateFirst = 0xDC00;
constexpr uint32_t kSurrogateLast = 0xDFFF;
constexpr uint32_t kSurrogateBase = 0x10000;
constexpr unsigned kSurrogateBits = 10;
constexpr uint32_t kReplacementCharacter = 0xFFFD;
constexpr uint8_t kAsciiFirstPrintable = 0x20;
constexpr uint8_t kAsciiLastPrintable = 0x7E;

// RFC 3629 section 3 (UTF-8): 1 to 4 bytes, lead byte 0xxxxxxx / 110xxxxx / 1110xxxx /
// 11110xxx, continuation bytes 10xxxxxx.
// Writes `cp` as UTF-8 at out[pos]; returns the new position, or `pos` if it does not fit.
size_t PutUtf8(uint32_t cp, std::span<char> out, size_t pos) {
  char buffer[4];
  size_t n = 0;
  if (cp < 0x80) {
    buffer[n++] = static_cast<char>(cp);
  } else if (cp < 0x800) {
    buffer[n++] = static_cast<char>(0xC0 | (cp >> 6));
    buffer[n++] = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    buffer[n++] = static_cast<char>(0xE0 | (cp >> 12));
    buffer[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buffer[n++] = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    buffer[n++] = static_cast<char>(0xF0 | (cp >> 18));
    buffer[n++] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    buffer[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buffer[n++] = static_cast<char>(0x80 | (cp & 0x3F));
  }
  if (out.size() - pos < n) return pos;
  for (size_t i = 0; i < n; ++i) out[pos + i] = buffer[i];
  return pos + n;
}

}  // namespace

std::string_view PackErrorName(PackError error) {
  switch (error) {
    case PackError::kNone:
      return "no error";
    case PackError::kTruncated:
      return "truncated";
    case PackError::kBadBer:
      return "bad BER length or BER-OID integer";
    case PackError::kBadLength:
      return "field length does not fit its definition";
    case PackError::kTrailingBytes:
      return "bytes after the last field";
    case PackError::kDuplicateTag:
      return "a tag that may appear once appears twice";
    case PackError::kTooMany:
      return "more records than biac holds";
  }
  return "unknown error";
}

uint64_t PackReader::Unsigned(size_t n) {
  if (n == 0 || n > kMaxIntegerBytes) {
    Fail(PackError::kBadLength);
    return 0;
  }
  const std::span<const uint8_t> bytes = Bytes(n);
  return bytes.empty() ? 0 : LoadBigEndian(bytes.data(), n);
}

int64_t PackReader::Signed(size_t n) {
  const uint64_t raw = Unsigned(n);
  return ok() ? SignExtend(raw, static_cast<unsigned>(8 * n)) : 0;
}

uint64_t PackReader::BerOid() {
  uint64_t value = 0;
  for (size_t i = 0; i < kMaxBerOidIntegerBytes; ++i) {
    if (remaining() == 0) {
      Fail(PackError::kTruncated);
      return 0;
    }
    const uint8_t byte = data_[offset_++];
    value = (value << kBerGroupBits) | (byte & kBerGroupMask);
    if ((byte & kBerMoreFlag) == 0) return value;
  }
  Fail(PackError::kBadBer);
  return 0;
}

uint64_t PackReader::BerLength() {
  if (remaining() == 0) {
    Fail(PackError::kTruncated);
    return 0;
  }
  const uint8_t first = data_[offset_];
  if ((first & kBerMoreFlag) == 0) {
    ++offset_;
    return first;
  }
  const size_t count = first & kBerLongFormCountMask;
  if (count == 0 || count > kMaxBerLengthBytes) {
    Fail(PackError::kBadBer);
    return 0;
  }
  if (remaining() < 1 + count) {
    Fail(PackError::kTruncated);
    return 0;
  }
  ++offset_;
  const uint64_t value = LoadBigEndian(data_.data() + offset_, count);
  offset_ += count;
  return value;
}

std::span<const uint8_t> PackReader::Bytes(size_t n) {
  if (!ok()) return {};
  if (remaining() < n) {
    Fail(PackError::kTruncated);
    return {};
  }
  const std::span<const uint8_t> bytes = data_.subspan(offset_, n);
  offset_ += n;
  return bytes;
}

std::span<const uint8_t> PackReader::LengthPrefixed() {
  const uint64_t length = BerLength();
  if (!ok()) return {};
  if (length > remaining()) {
    Fail(PackError::kTruncated);
    return {};
  }
  return Bytes(static_cast<size_t>(length));
}

ImapValue PackReader::Imap(double a, double b, size_t n) {
  const std::span<const uint8_t> bytes = Bytes(n);
  if (bytes.empty()) return {};
  return ImapDecode(ImapB::Make(a, b, n), bytes);
}

double MapUnsignedInteger(uint64_t raw, size_t n, double min, double max) {
  const double steps = std::ldexp(1.0, static_cast<int>(8 * n)) - 1.0;
  return min + static_cast<double>(raw) * ((max - min) / steps);
}

double MapSignedInteger(int64_t raw, size_t n, double min, double max) {
  const double steps = std::ldexp(1.0, static_cast<int>(8 * n)) - 2.0;
  return static_cast<double>(raw) * ((max - min) / steps);
}

MappedValue ReadSignedMapped(PackReader& reader, size_t n, double min, double max) {
  MappedValue out;
  const int64_t raw = reader.Signed(n);
  if (!reader.ok()) return out;
  const int64_t indicator = -(int64_t{1} << (8 * n - 1));
  if (raw == indicator) {
    out.out_of_range = true;
    return out;
  }
  out.value = MapSignedInteger(raw, n, min, max);
  return out;
}

MappedValue ReadImap(PackReader& reader, double a, double b, size_t n) {
  const ImapValue v = reader.Imap(a, b, n);
  MappedValue out;
  out.kind = v.kind;
  out.value = v.value;
  return out;
}

size_t Utf16OrAsciiToUtf8(std::span<const uint8_t> bytes, std::span<char> out) {
  bool ascii = bytes.size() % 2 == 1 || (!bytes.empty() && bytes[0] != 0);
  if (ascii) {
    for (const uint8_t b : bytes) {
      if (b < kAsciiFirstPrintable || b > kAsciiLastPrintable) ascii = false;
    }
  }
  // An odd length cannot be UTF-16: keep it as ISO 646 whatever its bytes.
  if (bytes.size() % 2 == 1) ascii = true;
  size_t pos = 0;
  if (ascii) {
    for (const uint8_t b : bytes) {
      const size_t next = PutUtf8(b < 0x80 ? b : kReplacementCharacter, out, pos);
      if (next == pos) return pos;
      pos = next;
    }
    return pos;
  }
  for (size_t i = 0; i + 1 < bytes.size(); i += 2) {
    uint32_t cp = (uint32_t{bytes[i]} << 8) | bytes[i + 1];
    if (cp >= kHighSurrogateFirst && cp <= kSurrogateLast) {
      const bool high = cp < kLowSurrogateFirst;
      uint32_t low = 0;
      if (high && i + 3 < bytes.size()) low = (uint32_t{bytes[i + 2]} << 8) | bytes[i + 3];
      if (high && low >= kLowSurrogateFirst && low <= kSurrogateLast) {
        cp = kSurrogateBase +
             (((cp - kHighSurrogateFirst) << kSurrogateBits) | (low - kLowSurrogateFirst));
        i += 2;
      } else {
        cp = kReplacementCharacter;
      }
    }
    const size_t next = PutUtf8(cp, out, pos);
    if (next == pos) return pos;
    pos = next;
  }
  return pos;
}

}  // namespace biac::formats::klv
