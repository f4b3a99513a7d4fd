#include "biac/formats/klv/st0102.h"

#include "biac/base/bits.h"
#include "biac/formats/klv/st0601.h"

namespace biac::formats::klv {
namespace {

using K = SecurityValueKind;

// MISB ST 0102.12 table 2 (Security Metadata Local Set): one row per item. Columns: tag,
// name, JSON name, kind, minimum and maximum value length (0: unbounded). Text items are
// accepted at any length (the standard's maxima, e.g. 40 bytes for caveats, are advice to
// writers that biac does not need to enforce to read them); integers and fixed-size
// identifiers must have their defined length. The rows were checked against KWIVER
// arrows/klv/klv_0102.cxx and jmisb api/.../klv/st0102/localset/.
constexpr std::array<SecurityTagInfo, kMaxTag0102> kSecurityTags = {{
    {1, "Security Classification", "security_classification", K::kClassification, 1, 1},
    {2, "Classifying Country and Releasing Instructions Country Coding Method",
     "country_coding_method", K::kCodingMethod, 1, 1},
    {3, "Classifying Country", "classifying_country", K::kString, 0, 0},
    {4, "Security-SCI/SHI Information", "sci_shi_information", K::kString, 0, 0},
    {5, "Caveats", "caveats", K::kString, 0, 0},
    {6, "Releasing Instructions", "releasing_instructions", K::kString, 0, 0},
    {7, "Classified By", "classified_by", K::kString, 0, 0},
    {8, "Derived From", "derived_from", K::kString, 0, 0},
    {9, "Classification Reason", "classification_reason", K::kString, 0, 0},
    {10, "Declassification Date", "declassification_date", K::kString, 0, 0},
    {11, "Classification and Marking System", "classification_and_marking_system", K::kString, 0,
     0},
    {12, "Object Country Coding Method", "object_country_coding_method", K::kCodingMethod, 1, 1},
    {13, "Object Country Codes", "object_country_codes", K::kUtf16, 0, 0},
    {14, "Classification Comments", "classification_comments", K::kString, 0, 0},
    {15, "UMID Video", "umid_video", K::kBytes, 32, 32},
    {16, "UMID Audio", "umid_audio", K::kBytes, 32, 32},
    {17, "UMID Data", "umid_data", K::kBytes, 32, 32},
    {18, "UMID System", "umid_system", K::kBytes, 32, 32},
    {19, "Stream ID", "stream_id", K::kUnsigned, 1, 1},
    {20, "Transport Stream ID", "transport_stream_id", K::kUnsigned, 2, 2},
    {21, "Item Designator ID", "item_designator_id", K::kBytes, 16, 16},
    {22, "Version", "version", K::kUnsigned, 1, 2},
    {23, "Classifying Country and Releasing Instructions Country Coding Method Version Date",
     "country_coding_method_version_date", K::kString, 0, 0},
    {24, "Object Country Coding Method Version Date", "object_country_coding_method_version_date",
     K::kString, 0, 0},
}};

constexpr bool TableIsDense() {
  for (size_t i = 0; i < kSecurityTags.size(); ++i) {
    if (kSecurityTags[i].tag != i + 1) return false;
  }
  return true;
}
static_assert(TableIsDense(), "kSecurityTags must list tags 1..kMaxTag0102 in order");

// ST 0102.12 section 6.1.1 (Security Classification) names, indexed by code.
constexpr std::array<std::string_view, 6> kClassificationNames = {
    "", "UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET", "TOP SECRET"};

struct CodingMethodName {
  uint8_t code;
  std::string_view name;
};
// ST 0102.12 section 6.1.2 (Country Coding Method) names; codes 8 and 9 are not assigned.
constexpr std::array<CodingMethodName, 15> kCodingMethods = {{
    {0x01, "ISO-3166 Two Letter"},
    {0x02, "ISO-3166 Three Letter"},
    {0x03, "FIPS 10-4 Two Letter"},
    {0x04, "FIPS 10-4 Four Letter"},
    {0x05, "ISO-3166 Numeric"},
    {0x06, "1059 Two Letter"},
    {0x07, "1059 Three Letter"},
    {0x0A, "FIPS 10-4 Mixed"},
    {0x0B, "ISO 3166 Mixed"},
    {0x0C, "STANAG 1059 Mixed"},
    {0x0D, "GENC Two Letter"},
    {0x0E, "GENC Three Letter"},
    {0x0F, "GENC Numeric"},
    {0x10, "GENC Mixed"},
    {0x40, "GENC AdminSub"},
}};

constexpr size_t kMaxIntegerBytes = 8;

}  // namespace

const SecurityTagInfo* FindSecurityTag(uint32_t tag) {
  if (tag == 0 || tag > kMaxTag0102) return nullptr;
  return &kSecurityTags[tag - 1];
}

std::span<const SecurityTagInfo> AllSecurityTags() { return kSecurityTags; }

std::string_view SecurityClassificationName(uint64_t code) {
  return code < kClassificationNames.size() ? kClassificationNames[code] : std::string_view{};
}

std::string_view CountryCodingMethodName(uint64_t code) {
  for (const CodingMethodName& m : kCodingMethods) {
    if (m.code == code) return m.name;
  }
  return {};
}

const SecurityItem* SecurityLocalSet::Find(uint8_t tag) const {
  if (tag == 0 || tag > kMaxTag0102 || !items[tag].present) return nullptr;
  return &items[tag];
}

SecurityClassification SecurityLocalSet::Classification() const {
  const SecurityItem* item = Find(security_tag::kClassification);
  if (item == nullptr || item->bad_length || item->unsigned_value == 0 ||
      item->unsigned_value >= kClassificationNames.size()) {
    return SecurityClassification::kNone;
  }
  return static_cast<SecurityClassification>(item->unsigned_value);
}

std::string_view SecurityLocalSet::Text(uint8_t tag) const {
  const SecurityItem* item = Find(tag);
  return item == nullptr ? std::string_view{} : item->text;
}

std::string_view SecurityLocalSet::ObjectCountryCodes(std::span<char> buffer) const {
  const SecurityItem* item = Find(security_tag::kObjectCountryCodes);
  if (item == nullptr) return {};
  const size_t n = Utf16OrAsciiToUtf8(item->bytes, buffer);
  return {buffer.data(), n};
}

PackResult DecodeSecurityLocalSet(std::span<const uint8_t> value, SecurityLocalSet& out) {
  out = SecurityLocalSet{};
  PackReader reader(value);
  while (!reader.empty()) {
    const size_t item_offset = reader.offset();
    const uint64_t tag = reader.BerOid();
    const std::span<const uint8_t> bytes = reader.LengthPrefixed();
    if (!reader.ok()) return reader.result();
    const SecurityTagInfo* info =
        tag > kMaxTag0102 ? nullptr : FindSecurityTag(static_cast<uint32_t>(tag));
    if (info == nullptr) {
      ++out.unknown_items;
      continue;
    }
    SecurityItem& item = out.items[tag];
    if (item.present) return {PackError::kDuplicateTag, item_offset};
    item.present = true;
    item.bytes = bytes;
    const size_t n = bytes.size();
    item.bad_length = n < info->min_length || (info->max_length != 0 && n > info->max_length);
    if (item.bad_length) continue;
    switch (info->kind) {
      case K::kClassification:
      case K::kCodingMethod:
      case K::kUnsigned:
        if (n == 0 || n > kMaxIntegerBytes) {
          item.bad_length = true;
          break;
        }
        item.unsigned_value = LoadBigEndian(bytes.data(), n);
        break;
      case K::kString:
        item.text = std::string_view(reinterpret_cast<const char*>(bytes.data()), n);
        break;
      case K::kUtf16:
      case K::kBytes:
        break;
    }
  }
  return {};
}

bool FindSecurityLocalSet(const UasPacket& packet, SecurityLocalSet& out) {
  const Item* item = packet.Find(tag::kSecurityLocalSet);
  if (item == nullptr) return false;
  return DecodeSecurityLocalSet(item->bytes, out).ok();
}

}  // namespace biac::formats::klv
