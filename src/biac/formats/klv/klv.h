#pragma once

// SMPTE ST 336 KLV coding, the parts MISB ST 0601 uses: 16-byte universal keys, BER lengths
// (short and long form), BER-OID tags of local sets, and the ST 0601 packet checksum.
//
// Everything here works on spans of the caller's bytes and allocates nothing; errors are
// small enum values (KlvError) so that the hot decode path carries no strings. Callers turn
// them into a Status with a position when they report them.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace biac::formats::klv {

inline constexpr size_t kUniversalKeySize = 16;
using UniversalKey = std::array<uint8_t, kUniversalKeySize>;

// MISB ST 0601.17 section 6.2: the UAS Datalink Local Set universal key.
inline constexpr UniversalKey kUasLocalSetKey = {0x06, 0x0E, 0x2B, 0x34, 0x02, 0x0B, 0x01, 0x01,
                                                 0x0E, 0x01, 0x03, 0x01, 0x01, 0x00, 0x00, 0x00};
// SMPTE ST 336 section 5.2: every SMPTE-administered universal label starts with the object
// identifier 1.3.52 (ISO, ORG, SMPTE) in its BER form 06 0E 2B 34.
inline constexpr std::array<uint8_t, 4> kSmpteLabelPrefix = {0x06, 0x0E, 0x2B, 0x34};

// Why a KLV structure could not be read.
enum class KlvError : uint8_t {
  kNone = 0,
  kTruncated,         // the data ended inside a key, length or value
  kIndefiniteLength,  // BER length byte 0x80 (indefinite form; ST 336 forbids it in KLV)
  kLengthTooLong,     // long-form BER length of more than 8 bytes
  kTagTooLong,        // BER-OID tag of more than 4 bytes (ST 0601 tags fit in 2)
  kNotUasLocalSet,    // the key is not the ST 0601 UAS Datalink LS key
  kMissingChecksum,   // ST 0601: the last item is not the 2-byte checksum (tag 1)
  kTooManyItems,      // more items than a UasPacket holds
  kDuplicateTag,      // a tag that may appear once appears again
};

std::string_view KlvErrorName(KlvError error);

// A value read from the front of a byte span and the number of bytes it took.
struct BerValue {
  uint64_t value = 0;
  uint8_t size = 0;
};

// SMPTE ST 336 section 6.2 (BER length): short form, one byte 0x00..0x7F; long form, a byte
// 0x80 | n followed by n (1..8) big-endian length bytes.
KlvError ReadBerLength(std::span<const uint8_t> data, BerValue& out);

// ITU-T X.690 section 8.19 (BER-OID), as ST 336 uses it for local set tags: 7 bits per byte,
// most significant group first, the high bit set on every byte but the last. Tags of more than
// kMaxBerOidBytes bytes are rejected.
inline constexpr size_t kMaxBerOidBytes = 4;
KlvError ReadBerOid(std::span<const uint8_t> data, BerValue& out);

// Encoders for tests, fuzzing and the simulator. They return the byte count written, 0 if
// `out` is too small.
size_t WriteBerLength(uint64_t length, std::span<uint8_t> out);
size_t WriteBerOid(uint32_t value, std::span<uint8_t> out);

// One KLV triplet inside a larger buffer.
struct KlvTriplet {
  std::span<const uint8_t> key;    // kUniversalKeySize bytes
  std::span<const uint8_t> value;  // the value bytes
  size_t size = 0;                 // key + length + value bytes
};

// Reads the triplet at the start of `data` (a 16-byte key, a BER length, the value).
KlvError ReadTriplet(std::span<const uint8_t> data, KlvTriplet& out);

// The offset of the next SMPTE universal label (kSmpteLabelPrefix) at or after `from`, or
// data.size() if there is none: where a stream reader resynchronises after a bad packet.
size_t FindUniversalKey(std::span<const uint8_t> data, size_t from);

// MISB ST 0601.17 section 6.4 (Checksum): a 16-bit running sum of every byte of the packet
// from the first byte of the universal key up to and including the checksum item's length
// byte, byte i (from 0) added to the upper half of the sum when i is even and to the lower
// half when i is odd.
uint16_t Checksum0601(std::span<const uint8_t> bytes);

}  // namespace biac::formats::klv
