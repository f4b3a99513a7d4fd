#pragma once

// MISB ST 0102.12 Security Metadata Local Set, as carried in ST 0601.17 tag 48: the
// classification the UAS itself claims for its Motion Imagery and metadata.
//
// This is what the platform *says*. biac does not take an Observation's label from it: the
// label comes from the source's configuration (SourceConfig::label), because the sender's own
// marking is not something the cell may trust blindly (a misconfigured or foreign platform can
// claim anything). The decoded set is exposed so that an operator or a release check can compare
// the two; see docs/formats/klv.md.
//
// Decoding allocates nothing: a SecurityLocalSet holds views into the caller's bytes, one slot
// per ST 0102.12 tag.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "biac/formats/klv/pack.h"

namespace biac::formats::klv {

struct UasPacket;

// How a ST 0102 item's value bytes map to a value.
enum class SecurityValueKind : uint8_t {
  kClassification,  // uint8, table "Security Classification" (tag 1)
  kCodingMethod,    // uint8, table "Country Coding Method" (tags 2, 12)
  kString,          // ISO 646 text
  kUtf16,           // UTF-16BE text (tag 13; see Utf16OrAsciiToUtf8 for older encoders)
  kUnsigned,        // big-endian unsigned integer
  kBytes,           // opaque bytes (UMIDs, item designator), shown as hex
};

struct SecurityTagInfo {
  uint8_t tag = 0;
  std::string_view name;       // the ST 0102.12 item name
  std::string_view json_name;  // the key in biac's JSON
  SecurityValueKind kind = SecurityValueKind::kBytes;
  uint8_t min_length = 0;  // allowed value lengths in bytes
  uint8_t max_length = 0;  // 0: unbounded
};

inline constexpr uint8_t kMaxTag0102 = 24;

// ST 0102.12 section 6.1.1, Security Classification values.
enum class SecurityClassification : uint8_t {
  kNone = 0,  // not in the set (0 is not a valid code)
  kUnclassified = 1,
  kRestricted = 2,
  kConfidential = 3,
  kSecret = 4,
  kTopSecret = 5,
};

namespace security_tag {
inline constexpr uint8_t kClassification = 1;
inline constexpr uint8_t kCountryCodingMethod = 2;
inline constexpr uint8_t kClassifyingCountry = 3;
inline constexpr uint8_t kSciShiInformation = 4;
inline constexpr uint8_t kCaveats = 5;
inline constexpr uint8_t kReleasingInstructions = 6;
inline constexpr uint8_t kObjectCountryCodingMethod = 12;
inline constexpr uint8_t kObjectCountryCodes = 13;
inline constexpr uint8_t kVersion = 22;
}  // namespace security_tag

// The table entry of an ST 0102.12 tag, or nullptr (0 and tags above kMaxTag0102).
const SecurityTagInfo* FindSecurityTag(uint32_t tag);
std::span<const SecurityTagInfo> AllSecurityTags();

std::string_view SecurityClassificationName(uint64_t code);  // "UNCLASSIFIED", ...; "" if unknown
std::string_view CountryCodingMethodName(uint64_t code);     // "GENC Two Letter", ...

struct SecurityItem {
  bool present = false;
  bool bad_length = false;         // the value length does not fit the table; raw bytes kept
  std::span<const uint8_t> bytes;  // the value bytes
  uint64_t unsigned_value = 0;     // kClassification, kCodingMethod, kUnsigned
  std::string_view text;           // kString (kUtf16: use ObjectCountryCodes)
};

struct SecurityLocalSet {
  std::array<SecurityItem, kMaxTag0102 + 1> items{};  // indexed by tag; [0] unused
  size_t unknown_items = 0;                           // tags ST 0102.12 does not define

  const SecurityItem* Find(uint8_t tag) const;
  SecurityClassification Classification() const;
  std::string_view Text(uint8_t tag) const;  // "" if absent
  // The object country codes (tag 13) as UTF-8 in `buffer`.
  std::string_view ObjectCountryCodes(std::span<char> buffer) const;
};

// Decodes the value of ST 0601 tag 48 (the nested set's items: BER-OID tags, BER lengths).
PackResult DecodeSecurityLocalSet(std::span<const uint8_t> value, SecurityLocalSet& out);

// The packet's tag 48 decoded into `out`; false if the packet has none or it fails to decode.
bool FindSecurityLocalSet(const UasPacket& packet, SecurityLocalSet& out);

}  // namespace biac::formats::klv
